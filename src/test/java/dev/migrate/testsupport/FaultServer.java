package dev.migrate.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A server that answers every request with one fault, on 127.0.0.1 or on a unix socket (where the
 * Docker engine listens). A double, because no real API server or dockerd answers an HTML login
 * page, a bare 500, silence, or an endless body on demand. Raw sockets, not an HTTP library: a
 * fault such as "accept and never answer" must not be softened by a framework.
 */
public final class FaultServer implements AutoCloseable {
    public enum Fault {
        /** 200 with an HTML login page (a proxy or a web server where the API should be). */
        HTML,
        /** 500 with a short plain-text body. */
        SERVER_ERROR,
        /** Accepts, reads the request, and never writes a byte. */
        NEVER,
        /** 200, application/json, no Content-Length, an endless body until the client hangs up. */
        HUGE,
        /** A valid answer, one byte every {@link #TRICKLE_GAP}: each read sees a byte, so a per-read timeout never fires. */
        TRICKLE
    }

    /** The pause between two bytes of a {@link Fault#TRICKLE} answer. */
    public static final java.time.Duration TRICKLE_GAP = java.time.Duration.ofMillis(400);

    private final ServerSocketChannel server;
    private final Fault fault;
    private final Path socket;
    private final List<String> requestLines = Collections.synchronizedList(new ArrayList<>());
    private final List<SocketChannel> open = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    private FaultServer(ServerSocketChannel server, Fault fault, Path socket) {
        this.server = server;
        this.fault = fault;
        this.socket = socket;
        Thread t = new Thread(this::accept, "fault-server-" + fault);
        t.setDaemon(true);
        t.start();
    }

    public static FaultServer tcp(Fault fault) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new FaultServer(s, fault, null);
    }

    public static FaultServer unix(Fault fault, Path socket) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(socket));
        return new FaultServer(s, fault, socket);
    }

    /** http://127.0.0.1:PORT, or unix:///path for a unix socket. */
    public String url() {
        if (socket != null) {
            return "unix://" + socket;
        }
        try {
            return "http://127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first line of every request that arrived ("GET /version HTTP/1.1"). */
    public List<String> requestLines() {
        synchronized (requestLines) {
            return List.copyOf(requestLines);
        }
    }

    private void accept() {
        while (!closed) {
            try {
                SocketChannel ch = server.accept();
                open.add(ch);
                Thread t = new Thread(() -> serve(ch), "fault-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            InputStream in = Channels.newInputStream(ch);
            OutputStream out = Channels.newOutputStream(ch);
            while (!closed) {
                String first = head(in);
                if (first == null) {
                    return;
                }
                requestLines.add(first);
                switch (fault) {
                    case HTML -> write(out, "200 OK", "text/html", "<!doctype html><html><head><title>Sign in</title>"
                            + "</head><body>Please log in</body></html>");
                    case SERVER_ERROR -> write(out, "500 Internal Server Error", "text/plain", "internal error: etcd unavailable\n");
                    case NEVER -> {
                        while (!closed && in.read() >= 0) {
                            // read and never answer
                        }
                        return;
                    }
                    case HUGE -> {
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                                + "{\"items\":[\"").getBytes(StandardCharsets.US_ASCII));
                        byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                        while (!closed) {
                            out.write(chunk);
                        }
                        return;
                    }
                    case TRICKLE -> {
                        String body = "{\"Version\":\"99.0\",\"ApiVersion\":\"1.41\",\"Items\":[\"" + "x".repeat(4096) + "\"]}";
                        byte[] all = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                                + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
                        for (int i = 0; i < all.length && !closed; i++) {
                            out.write(all[i]);
                            out.flush();
                            try {
                                Thread.sleep(TRICKLE_GAP.toMillis());
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                    default -> throw new IllegalStateException();
                }
            }
        } catch (IOException clientGone) {
            // the client gave up: what the fault is for
        } finally {
            open.remove(ch);
        }
    }

    private static void write(OutputStream out, String status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " + b.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    /** The request line, after reading the headers and any Content-Length body; null at EOF. */
    private static String head(InputStream in) throws IOException {
        StringBuilder all = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            all.append((char) b);
            if (all.length() >= 4 && all.substring(all.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        if (b < 0) {
            return null;
        }
        String headers = all.toString();
        long length = 0;
        boolean chunked = false;
        for (String line : headers.split("\r\n")) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            while (true) { // chunk-size CRLF data CRLF ... 0 CRLF CRLF
                StringBuilder size = new StringBuilder();
                while ((b = in.read()) >= 0 && b != '\n') {
                    if (b != '\r') {
                        size.append((char) b);
                    }
                }
                long n = Long.parseLong(size.toString().split(";")[0].trim(), 16);
                in.skipNBytes(n + 2);
                if (n == 0) {
                    break;
                }
            }
        } else {
            in.skipNBytes(length);
        }
        return headers.substring(0, headers.indexOf("\r\n"));
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        synchronized (open) {
            for (SocketChannel ch : open) {
                ch.close();
            }
        }
        if (socket != null) {
            Files.deleteIfExists(socket);
        }
    }
}
