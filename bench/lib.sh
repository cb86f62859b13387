# Shared by the bench scripts (source it): building the test classes and their classpath once.
# bench_classpath: compiles main and test classes (offline first, online if a dependency is missing)
# and prints the classpath for `java -cp` (target/test-classes, target/classes, every test-scope jar).
bench_classpath() {
  local cp_file=target/test-classpath.txt
  mvn -B -q -ntp -o -Dstyle.color=never test-compile >&2 || mvn -B -q -ntp -Dstyle.color=never test-compile >&2
  mvn -B -q -ntp -o -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2 \
    || mvn -B -q -ntp -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
  echo "target/test-classes:target/classes:$(cat "$cp_file")"
}
