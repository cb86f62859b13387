package dev.migrate.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/migrate as an operator installs it: through a symlink in ~/bin, with a source file dated in
 * the future. Maven and java are stand-ins on PATH that log what they were asked (a real build
 * takes minutes and would go online); the launcher itself is the real script.
 */
class LauncherTest {
    @TempDir
    Path tmp;

    @Test
    void throughASymlinkItBuildsInTheProjectAndAFutureSourceDoesNotRebuildEveryRun() throws Exception {
        Path proj = tmp.resolve("proj");
        for (String d : List.of("bin", "src/main/java", "collector", "manifests", "checks")) {
            Files.createDirectories(proj.resolve(d));
        }
        Files.copy(Path.of("bin/migrate"), proj.resolve("bin/migrate"));
        Files.writeString(proj.resolve("pom.xml"), "<project/>\n");
        Path future = Files.writeString(proj.resolve("src/main/java/A.java"), "class A {}\n");
        Files.setLastModifiedTime(future, FileTime.from(Instant.now().plus(Duration.ofDays(1))));
        Path log = tmp.resolve("log");
        Path fake = Files.createDirectories(tmp.resolve("fakebin"));
        script(fake.resolve("mvn"), "echo \"mvn in $PWD\" >> " + log + "\nmkdir -p target && echo jar > target/migrate.jar\n");
        script(fake.resolve("java"), "echo \"java $*\" >> " + log + "\n");
        Path home = Files.createDirectories(tmp.resolve("home/bin"));
        Files.createSymbolicLink(home.resolve("migrate"), proj.resolve("bin/migrate"));

        for (String command : List.of("status", "status", "retire")) {
            ProcessBuilder pb = new ProcessBuilder(home.resolve("migrate").toString(), command).directory(tmp.resolve("home").toFile())
                    .redirectErrorStream(true);
            pb.environment().put("PATH", fake + ":" + System.getenv("PATH"));
            pb.environment().put("MIGRATE_NO_CDS", "1");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
        }
        List<String> lines = Files.readAllLines(log);
        Path real = proj.toRealPath();
        assertEquals(List.of("mvn in " + real), lines.stream().filter(l -> l.startsWith("mvn")).toList(),
                "one build, in the project, not in ~: " + lines);
        // A short command runs on the client compiler alone; retire (and soak) keep C2 for their long runs.
        assertEquals(2, lines.stream().filter(l -> l.equals("java -XX:TieredStopAtLevel=1 -jar " + real + "/target/migrate.jar status"))
                .count(), lines.toString());
        assertEquals(1, lines.stream().filter(l -> l.equals("java -jar " + real + "/target/migrate.jar retire")).count(), lines.toString());
    }

    private static void script(Path p, String body) throws Exception {
        Files.writeString(p, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
