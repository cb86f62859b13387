package dev.migrate.retire;

import dev.migrate.docker.DockerEngine;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * A digest of what a volume holds, independent of how the tar was laid out: for every entry its
 * path, type, mode, owner, size, link target and content hash, sorted. Two tars with the same
 * digest restore byte-identical files with the same permissions and owners.
 *
 * @param files        entries below the volume root (files, directories, links)
 * @param contentBytes bytes of regular-file content
 * @param sha256       digest of the sorted entry list; empty when only counted
 */
public record TarContent(long files, long contentBytes, String sha256) {

    /**
     * Reads a tar whose entries sit under {@link DockerEngine#ARCHIVE_ROOT}/ to its end.
     *
     * @param hashContent false to only count (sha256 is then empty): hashing costs a full pass
     */
    public static TarContent read(InputStream tar, boolean hashContent) throws IOException {
        List<String> lines = new ArrayList<>();
        long bytes = 0;
        TarArchiveInputStream in = new TarArchiveInputStream(tar);
        TarArchiveEntry e;
        byte[] buf = new byte[1 << 16];
        while ((e = in.getNextTarEntry()) != null) {
            String name = relative(e.getName());
            if (name.isEmpty()) {
                continue;
            }
            String content = "";
            if (e.isFile() && hashContent) {
                MessageDigest md = sha();
                DigestInputStream d = new DigestInputStream(in, md);
                while (d.read(buf) >= 0) {
                    // hashing as it reads
                }
                content = HexFormat.of().formatHex(md.digest());
            }
            if (e.isFile()) {
                bytes += e.getSize();
                // read through in big chunks: letting the tar reader skip() costs a call per 512 bytes on gzip
                while (in.read(buf) >= 0) {
                    // counting only
                }
            }
            String type = e.isDirectory() ? "dir" : e.isSymbolicLink() ? "symlink" : e.isLink() ? "link" : e.isFile() ? "file" : "other";
            lines.add(String.join("\t", name, type, Integer.toOctalString(e.getMode() & 07777),
                    e.getLongUserId() + ":" + e.getLongGroupId(), String.valueOf(e.isFile() ? e.getSize() : 0),
                    e.getLinkName(), content));
        }
        if (!hashContent) {
            return new TarContent(lines.size(), bytes, "");
        }
        Collections.sort(lines);
        MessageDigest all = sha();
        for (String line : lines) {
            all.update((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return new TarContent(lines.size(), bytes, HexFormat.of().formatHex(all.digest()));
    }

    private static String relative(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        String root = DockerEngine.ARCHIVE_ROOT;
        if (n.equals(root) || n.equals(root + "/")) {
            return "";
        }
        if (n.startsWith(root + "/")) {
            n = n.substring(root.length() + 1);
        }
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }

    static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
