package dev.migrate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for a test API server, made with Debian's openssl (Java's keytool cannot sign a
 * certificate with another key, and shelling out to openssl avoids adding BouncyCastle): a CA, a
 * serving certificate for 127.0.0.1, client certificates whose CN is the user and O the group,
 * and an RSA key pair for service-account tokens. Every file lives in one temp directory.
 */
public final class TestPki {
    private final Path dir;

    public TestPki(Path dir) {
        this.dir = dir;
        ca("ca");
        run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path("sa.key"));
        run("openssl", "pkey", "-in", path("sa.key"), "-pubout", "-out", path("sa.pub"));
        write("serving.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        signed("ca", "serving", "/CN=kube-apiserver", "serving.ext", 2);
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** A self-signed CA {@code NAME.crt}/{@code NAME.key}. */
    public void ca(String name) {
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path(name + ".key"), "-out",
                path(name + ".crt"), "-days", "2", "-subj", "/CN=" + name + "-test-ca");
    }

    /** A client certificate {@code NAME.crt}/{@code NAME.key} signed by CA {@code ca}: CN user, O each group. */
    public void client(String ca, String name, String user, String... groups) {
        client(ca, name, 2, user, groups);
    }

    /** As {@link #client(String, String, String, String...)}, valid for {@code days}; 0 makes one that expires at once. */
    public void client(String ca, String name, int days, String user, String... groups) {
        StringBuilder subject = new StringBuilder();
        for (String g : groups) {
            subject.append("/O=").append(g);
        }
        subject.append("/CN=").append(user);
        write("client.ext", "extendedKeyUsage=clientAuth\n");
        signed(ca, name, subject.toString(), "client.ext", days);
    }

    /** Base64 of a PEM file, as kubeconfig's *-data fields hold it. */
    public String data(String name) {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(file(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void signed(String ca, String name, String subject, String ext, int days) {
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", path(name + ".key"), "-out", path(name + ".csr"),
                "-subj", subject);
        run("openssl", "x509", "-req", "-in", path(name + ".csr"), "-CA", path(ca + ".crt"), "-CAkey", path(ca + ".key"),
                "-CAcreateserial", "-out", path(name + ".crt"), "-days", String.valueOf(days), "-extfile", path(ext));
    }

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    private void write(String name, String text) {
        try {
            Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void run(String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " failed (openssl comes with Debian:"
                        + " apt-get install -y openssl):\n" + out);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run openssl (apt-get install -y openssl): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
