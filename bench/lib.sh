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

# For the start-up benches (deploy-dry-run.sh, package-startup.sh): a baseline, variants timed round-robin,
# medians and ratios.
# bench_hello DIR: compiles the baseline, a trivial class run as `java -cp DIR Hello`.
bench_hello() {
  cat > "$1/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
  javac -d "$1" "$1/Hello.java"
}
# bench_round_robin RUNS: runs each command of the array `cmds` once per round, RUNS rounds after one warm-up
# round, and keeps each run's milliseconds in the associative array samples[<the name at the same index of
# `names`>]. Round-robin, so load that drifts during the run slows every variant alike.
bench_round_robin() {
  declare -gA samples=()
  local round i t0 t1
  for round in $(seq 0 "$1"); do
    for i in "${!cmds[@]}"; do
      t0=$(date +%s%N)
      ${cmds[$i]} >/dev/null 2>&1 || true
      t1=$(date +%s%N)
      [ "$round" = 0 ] || samples[${names[$i]}]+="$(( (t1 - t0) / 1000000 )) "
    done
  done
}
# bench_median NAME: the median of samples[NAME], in ms.
bench_median() {
  tr ' ' '\n' <<<"${samples[$1]}" | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'
}
# bench_ratio A B: A / B as "1.23x".
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
