package dev.migrate.retire;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Usable bytes where the archives go; an interface so tests can simulate a small disk. */
public interface FreeSpace {
    long usableBytes(Path dir) throws IOException;

    FreeSpace FILE_STORE = dir -> Files.getFileStore(dir).getUsableSpace();
}
