package org.switchover.console.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.support.Threads;
import org.switchover.support.log.LogText;

/**
 * Runs Gogo command lines for the control endpoint's {@code shell} command, so that scripts and tests can reach the
 * shell of a node that runs without a console. At most {@value #MAX_RUNNING} lines run at once, each on a named
 * daemon thread owned by this runner; what a line prints is kept up to {@value #MAX_OUTPUT} bytes. Gogo itself is
 * reached only through {@link GogoSession}.
 */
final class ShellRunner implements ControlProtocol.Shell, AutoCloseable {

    /** A command processor service object and how to give it back. */
    record Lease(Object processor, Runnable release) {
    }

    /** Where the command processor comes from. */
    @FunctionalInterface
    interface Source {
        /** @return the processor, or null when no Gogo runtime is registered */
        Lease acquire();
    }

    static final int MAX_RUNNING = 2;
    static final int MAX_OUTPUT = 256 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ShellRunner.class);

    private final Source source;
    private final ThreadPoolExecutor pool;

    ShellRunner(Source source) {
        this.source = source;
        this.pool = new ThreadPoolExecutor(0, MAX_RUNNING, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                Threads.factory("switchover-console-shell"));
    }

    @Override
    public CompletionStage<String> run(String line) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Future<?> task;
        try {
            task = pool.submit(() -> execute(line, result));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new ControlProtocol.ShellFailure("busy: " + MAX_RUNNING
                    + " shell commands are already running, try again", ""));
        }
        // The caller gives up (timeout) by cancelling: interrupt the command.
        result.whenComplete((r, ex) -> {
            if (result.isCancelled()) {
                task.cancel(true);
            }
        });
        return result;
    }

    private void execute(String line, CompletableFuture<String> result) {
        Lease lease = source.acquire();
        if (lease == null || lease.processor() == null) {
            result.completeExceptionally(new ControlProtocol.ShellFailure("no Gogo command processor is"
                    + " registered on this node (install org.apache.felix.gogo.runtime)", ""));
            return;
        }
        BoundedOutput out = new BoundedOutput(MAX_OUTPUT);
        LOG.info("Control endpoint: running shell command '{}'", LogText.escape(line));
        try {
            GogoSession.execute(lease.processor(), line, out);
            result.complete(out.text());
        } catch (LinkageError e) {
            result.completeExceptionally(new ControlProtocol.ShellFailure("the Gogo runtime is not wired to the"
                    + " switchover console (refresh org.switchover.console): " + e, out.text()));
        } catch (Exception e) {
            if (Thread.currentThread().isInterrupted() || e instanceof InterruptedException) {
                LOG.warn("Shell command '{}' interrupted", LogText.escape(line));
            }
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            result.completeExceptionally(new ControlProtocol.ShellFailure(message, out.text()));
        } finally {
            try {
                lease.release().run();
            } catch (RuntimeException e) {
                LOG.debug("releasing the command processor: {}", e.toString());
            }
        }
    }

    /** Stops every running line (interrupting it). */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** Keeps the first {@code max} bytes written and notes that more was cut. */
    static final class BoundedOutput extends OutputStream {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final int max;
        private boolean cut;

        BoundedOutput(int max) {
            this.max = max;
        }

        @Override
        public synchronized void write(int b) {
            if (buf.size() < max) {
                buf.write(b);
            } else {
                cut = true;
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int room = Math.max(0, max - buf.size());
            buf.write(b, off, Math.min(room, len));
            if (len > room) {
                cut = true;
            }
        }

        synchronized String text() {
            String s = buf.toString(StandardCharsets.UTF_8);
            return cut ? s + "\n[output cut after " + max + " bytes]\n" : s;
        }
    }
}
