package org.switchover.console.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.support.Threads;

/**
 * The loopback-only control endpoint used by {@code bin/switchoverctl}: a server socket on 127.0.0.1 with an
 * ephemeral port. The port goes to {@code ${data.dir}/control.port}, a fresh random token to
 * {@code ${data.dir}/control.token} (owner read/write only); both files are written atomically, the token first.
 * One request line per connection, one reply line, then the connection closes.
 *
 * <p>Any local user can connect, so nobody may starve the operator (issue 10): one thread reads every connection
 * without blocking, each connection has {@link Limits#requestMillis} to send its whole line, at most
 * {@link Limits#maxPending} connections may be sending at once (a new one pushes out the oldest), and nothing runs
 * before the token is checked. An authenticated status request has its own lane, so switches and shell lines that
 * take a minute never hold it up. Every refusal is counted and logged, rate-limited ({@link RefusalLog}).
 */
final class ControlServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    static final String PORT_FILE = "control.port";
    static final String TOKEN_FILE = "control.token";
    /** How long a reply may take to write. */
    private static final long WRITE_MILLIS = 10_000L;
    /** At most one WARN about refused requests per this period. */
    private static final long REFUSAL_LOG_MILLIS = 10_000L;

    /**
     * The endpoint's bounds.
     *
     * @param maxLine longest request line, in bytes
     * @param requestMillis time a client has from connecting to the end of its request line
     * @param maxPending connections that may be sending their request at once
     * @param statusWorkers status requests answered at once
     * @param commandWorkers switches and shell lines run at once (each may wait a minute)
     * @param queue authenticated requests waiting per lane; beyond that a request is answered "busy"
     */
    record Limits(int maxLine, long requestMillis, int maxPending, int statusWorkers, int commandWorkers, int queue) {
        /** The shipped bounds. */
        static final Limits DEFAULT = new Limits(64 * 1024, 5_000L, 32, 2, 2, 8);
    }

    /** A connection still sending its request line. */
    private static final class Pending {
        final SocketChannel channel;
        final long deadlineNanos;
        final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Pending(SocketChannel channel, long deadlineNanos) {
            this.channel = channel;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final Path dir;
    private final Function<String, ControlProtocol> protocolFactory;
    private final Limits limits;
    private final String token;
    private final RefusalLog refusals = new RefusalLog(REFUSAL_LOG_MILLIS, System::nanoTime);
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(8192);
    private ControlProtocol protocol;
    private ServerSocketChannel server;
    private Selector selector;
    private Thread loop;
    private ExecutorService statusLane;
    private ExecutorService commandLane;
    private volatile boolean closed;

    /**
     * @param dir the node's data directory
     * @param protocolFactory builds the protocol for the token this server generates
     */
    ControlServer(Path dir, Function<String, ControlProtocol> protocolFactory) {
        this(dir, protocolFactory, Limits.DEFAULT);
    }

    ControlServer(Path dir, Function<String, ControlProtocol> protocolFactory, Limits limits) {
        this.dir = dir;
        this.protocolFactory = protocolFactory;
        this.limits = limits;
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        this.token = HexFormat.of().formatHex(raw);
    }

    /** Binds, writes the port and token files and starts accepting. */
    void start() throws IOException {
        protocol = protocolFactory.apply(token);
        Files.createDirectories(dir);
        server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
            writePrivate(dir.resolve(TOKEN_FILE), token + "\n");
            writePrivate(dir.resolve(PORT_FILE), port() + "\n");
        } catch (IOException e) {
            server.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
        // one naming sequence: the reading loop is switchover-console-control-1, the workers -2, -3, ...
        ThreadFactory threads = Threads.factory("switchover-console-control");
        loop = threads.newThread(this::selectLoop);
        statusLane = lane(limits.statusWorkers(), threads);
        commandLane = lane(limits.commandWorkers(), threads);
        loop.start();
        LOG.info("Control endpoint listening on 127.0.0.1:{} (port in {}, token in {})", port(),
                dir.resolve(PORT_FILE), dir.resolve(TOKEN_FILE));
    }

    private ExecutorService lane(int workers, ThreadFactory threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.queue()), threads);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** @return the bound port. */
    int port() {
        return server.socket().getLocalPort();
    }

    /** @return the token clients must present. */
    String token() {
        return token;
    }

    /** @return how many requests were refused (unauthenticated, malformed, too slow, too many at once). */
    long refused() {
        return refusals.total();
    }

    // ---- the reading loop: accept, read request lines, enforce the deadline, authenticate, hand over ----

    private void selectLoop() {
        while (!closed) {
            try {
                selector.select(untilNextDeadlineMillis());
                // Reads first: a request line that has arrived is served before a newcomer can push its
                // connection out (clients that reconnect in a loop would otherwise win every race).
                boolean accepting = false;
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.isValid() && key.isAcceptable()) {
                        accepting = true;
                    } else if (key.isValid() && key.isReadable()) {
                        read(key, (Pending) key.attachment());
                    }
                }
                if (accepting) {
                    accept();
                }
                expire();
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("Control endpoint loop failed: {}", e.toString());
                }
            }
        }
    }

    private long untilNextDeadlineMillis() {
        Pending first = pending.peekFirst();
        if (first == null) {
            return 0L; // no deadline: wait for the next connection
        }
        return Math.max(1L, TimeUnit.NANOSECONDS.toMillis(first.deadlineNanos - System.nanoTime()) + 1);
    }

    private void accept() throws IOException {
        SocketChannel ch = server.accept();
        if (ch == null) {
            return;
        }
        if (pending.size() >= limits.maxPending()) {
            // Keep room for a real client: the connection that has been sending the longest goes.
            Pending oldest = pending.removeFirst();
            refuse(oldest.channel, "busy: too many control connections at once, try again");
        }
        ch.configureBlocking(false);
        Pending p = new Pending(ch, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.requestMillis()));
        ch.register(selector, SelectionKey.OP_READ, p);
        pending.addLast(p);
    }

    private void read(SelectionKey key, Pending p) {
        boolean end = false;
        try {
            while (!end) {
                readBuffer.clear();
                int n = p.channel.read(readBuffer);
                if (n == 0) {
                    return; // the rest comes later
                }
                end = n < 0 || take(p, readBuffer.flip());
                if (p.line.size() > limits.maxLine()) {
                    done(key, p);
                    refuse(p.channel, "request line longer than " + limits.maxLine() + " bytes");
                    return;
                }
            }
        } catch (IOException e) {
            done(key, p);
            close(p.channel);
            return;
        }
        done(key, p);
        String line = p.line.toString(StandardCharsets.UTF_8);
        dispatch(p.channel, line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }

    /** Appends the bytes up to a newline; @return true when the line is complete. */
    private static boolean take(Pending p, ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (b == '\n') {
                return true;
            }
            p.line.write(b);
        }
        return false;
    }

    private void done(SelectionKey key, Pending p) {
        key.cancel();
        pending.remove(p);
    }

    private void expire() {
        long now = System.nanoTime();
        while (!pending.isEmpty() && pending.peekFirst().deadlineNanos - now <= 0) {
            Pending p = pending.removeFirst();
            SelectionKey key = p.channel.keyFor(selector);
            if (key != null) {
                key.cancel();
            }
            long ms = limits.requestMillis();
            refuse(p.channel, "no complete request line within " + (ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms"));
        }
    }

    /** Authenticates the line and hands it to its lane; runs on the reading loop, so it never waits. */
    private void dispatch(SocketChannel ch, String line) {
        ControlRequests.Request request;
        try {
            request = protocol.authenticate(line);
        } catch (IllegalArgumentException e) {
            refuse(ch, e.getMessage());
            return;
        }
        ExecutorService lane = request instanceof ControlRequests.Status ? statusLane : commandLane;
        try {
            lane.execute(() -> {
                try {
                    write(ch, protocol.execute(request), WRITE_MILLIS);
                } catch (RuntimeException e) {
                    LOG.warn("Control request failed: {}", e.toString());
                } finally {
                    close(ch);
                }
            });
        } catch (RejectedExecutionException e) {
            refuse(ch, "busy: too many control requests at once, try again");
        }
    }

    /** Answers an error, counts and logs the refusal, closes; never waits for a client that does not read. */
    private void refuse(SocketChannel ch, String error) {
        refusals.refused(error);
        try {
            write(ch, ControlProtocol.error(error), 0L);
        } catch (RuntimeException e) {
            LOG.debug("refusal not delivered: {}", e.toString());
        } finally {
            close(ch);
        }
    }

    /**
     * Writes one reply line, waiting at most {@code waitMillis} for a client that does not read (0: one attempt; a
     * short reply always fits the socket's buffer).
     */
    private static void write(SocketChannel ch, String line, long waitMillis) {
        ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            ch.write(out);
            if (!out.hasRemaining() || waitMillis <= 0) {
                return;
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
            try (Selector w = Selector.open()) {
                ch.register(w, SelectionKey.OP_WRITE);
                while (out.hasRemaining() && deadline - System.nanoTime() > 0) {
                    w.select(Math.max(1L, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                    ch.write(out);
                }
            }
        } catch (IOException e) {
            LOG.debug("Control reply not delivered: {}", e.toString());
        }
    }

    private static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.debug("closing a control connection: {}", e.toString());
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
        int port = port();
        try {
            selector.wakeup();
            loop.join(2_000);
            server.close();
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the control socket: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        statusLane.shutdownNow();
        commandLane.shutdownNow();
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
