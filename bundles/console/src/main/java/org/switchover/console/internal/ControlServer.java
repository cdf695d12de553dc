package org.switchover.console.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.support.Threads;

/**
 * The loopback-only control endpoint used by {@code bin/switchoverctl}: a plain server socket on 127.0.0.1 with an
 * ephemeral port. The port goes to {@code ${data.dir}/control.port}, a fresh random token to
 * {@code ${data.dir}/control.token} (owner read/write only); both files are written atomically, the token first.
 * One request line per connection, one reply line, then the connection closes.
 */
final class ControlServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    static final String PORT_FILE = "control.port";
    static final String TOKEN_FILE = "control.token";
    private static final int MAX_LINE = 64 * 1024;
    private static final int READ_TIMEOUT_MILLIS = 5_000;
    /** Requests served at once: a shell line or a switch may wait a minute while status requests keep coming. */
    private static final int WORKERS = 4;
    /** Requests waiting for a worker; beyond that a request is answered "busy" at once. */
    private static final int QUEUE = 8;

    private final Path dir;
    private final Function<String, ControlProtocol> protocolFactory;
    private final String token;
    private ControlProtocol protocol;
    private ServerSocket server;
    private Thread acceptor;
    private ThreadPoolExecutor workers;
    private volatile boolean closed;

    /**
     * @param dir the node's data directory
     * @param protocolFactory builds the protocol for the token this server generates
     */
    ControlServer(Path dir, Function<String, ControlProtocol> protocolFactory) {
        this.dir = dir;
        this.protocolFactory = protocolFactory;
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        this.token = HexFormat.of().formatHex(raw);
    }

    /** Binds, writes the port and token files and starts accepting. */
    void start() throws IOException {
        protocol = protocolFactory.apply(token);
        Files.createDirectories(dir);
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        try {
            writePrivate(dir.resolve(TOKEN_FILE), token + "\n");
            writePrivate(dir.resolve(PORT_FILE), server.getLocalPort() + "\n");
        } catch (IOException e) {
            server.close();
            throw e;
        }
        // one naming sequence: the acceptor is switchover-console-control-1, the workers -2, -3, ...
        ThreadFactory threads = Threads.factory("switchover-console-control");
        acceptor = threads.newThread(this::acceptLoop);
        workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                threads);
        workers.allowCoreThreadTimeOut(true);
        acceptor.start();
        LOG.info("Control endpoint listening on 127.0.0.1:{} (port in {}, token in {})", server.getLocalPort(),
                dir.resolve(PORT_FILE), dir.resolve(TOKEN_FILE));
    }

    /** @return the bound port. */
    int port() {
        return server.getLocalPort();
    }

    /** @return the token clients must present. */
    String token() {
        return token;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Control endpoint accept failed: {}", e.toString());
                    // Back off so that a persistent failure (e.g. out of file descriptors) does not spin.
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                }
                continue;
            }
            try {
                workers.execute(() -> serve(s));
            } catch (RejectedExecutionException e) {
                reply(s, ControlProtocol.error("busy: too many control requests at once, try again"));
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            if (!s.getInetAddress().isLoopbackAddress()) {
                reply(s, ControlProtocol.error("control requests are accepted from loopback only"));
                return;
            }
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            String line;
            try {
                line = readLine(s.getInputStream());
            } catch (SocketTimeoutException e) {
                reply(s, ControlProtocol.error("no complete request line within " + READ_TIMEOUT_MILLIS / 1000 + " s"));
                return;
            } catch (IOException e) {
                reply(s, ControlProtocol.error(e.getMessage()));
                return;
            }
            // Authenticated before anything runs; the place where the endpoint's limits (capacity kept for an
            // authenticated request, a bound on each request, a log line per refusal) go.
            ControlRequests.Request request;
            try {
                request = protocol.authenticate(line);
            } catch (IllegalArgumentException e) {
                reply(s, ControlProtocol.error(e.getMessage()));
                return;
            }
            reply(s, protocol.execute(request));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Control request failed: {}", e.toString());
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0 || b == '\n') {
                break;
            }
            if (buf.size() >= MAX_LINE) {
                throw new IOException("request line longer than " + MAX_LINE + " bytes");
            }
            buf.write(b);
        }
        String line = buf.toString(StandardCharsets.UTF_8);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static void reply(Socket s, String line) {
        try {
            OutputStream out = s.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            LOG.debug("Control reply not delivered: {}", e.toString());
        } finally {
            try {
                s.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }

    /**
     * Not {@code DurableFiles}: the temporary file must be created readable by the owner only (a token readable by
     * others for a moment is a token given away), and nothing here has to survive a crash - the files are written
     * anew at every start.
     */
    private static void writePrivate(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + tmp + ": it exists", e);
        }
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Stops accepting, interrupts the requests still running and removes the port and token files while they are
     * still this server's. Only after a successful {@link #start()}.
     */
    @Override
    public void close() {
        closed = true;
        int port = server.getLocalPort();
        try {
            server.close();
            acceptor.join(2_000);
        } catch (IOException e) {
            LOG.debug("closing the control socket: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        deleteIfOurs(dir.resolve(PORT_FILE), port + "\n");
        deleteIfOurs(dir.resolve(TOKEN_FILE), token + "\n");
    }

    private static void deleteIfOurs(Path file, String content) {
        try {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.US_ASCII).equals(content)) {
                Files.delete(file);
            }
        } catch (IOException e) {
            LOG.debug("leaving {}: {}", file, e.toString());
        }
    }
}
