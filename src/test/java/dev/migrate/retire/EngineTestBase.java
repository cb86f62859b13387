package dev.migrate.retire;

import dev.migrate.testsupport.DockerdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/** One real dockerd per test class, with the busybox image the compose fixtures use. */
abstract class EngineTestBase {
    static DockerdProcess dockerd;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startEngine() throws IOException {
        dockerd = DockerdProcess.start();
        dockerd.importBusybox(ComposeFixture.IMAGE);
    }

    @AfterAll
    static void stopEngine() {
        if (dockerd != null) {
            dockerd.close();
            dockerd = null;
        }
    }
}
