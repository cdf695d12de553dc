package org.switchover.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A second JVM started by a test, its output going to a log file. {@link #kill()} is a real kill -9. Whatever is
 * still running when the test JVM exits (a test that never reached its clean-up, a fork killed by a time-out) is
 * continued and killed by a shutdown hook.
 */
public final class JavaProcess implements AutoCloseable {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : LIVE) {
                if (p.isAlive()) {
                    try {
                        new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start()
                                .waitFor(5, TimeUnit.SECONDS);
                    } catch (IOException e) {
                        // kill -9 below works on a stopped process too
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    p.destroyForcibly();
                }
            }
        }, "java-process-reaper"));
    }

    private final Process process;
    private final Path log;

    private JavaProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} with this JVM's class path.
     *
     * @param log where stdout and stderr go (appended)
     * @param jvmArgs extra JVM options (system properties)
     * @param mainClass class to run
     * @param args its arguments
     */
    public static JavaProcess start(Path log, List<String> jvmArgs, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return start(log, cmd);
    }

    /** Starts an arbitrary command. */
    public static JavaProcess start(Path log, List<String> command) {
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            LIVE.add(p);
            p.onExit().thenRun(() -> LIVE.remove(p));
            return new JavaProcess(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** @return the whole log so far. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the log has a line matching {@code regex}; returns the first match's group 1 (or the whole match).
     *
     * @throws AssertionError naming the pattern and the log's tail after {@code timeout}
     */
    public String awaitLog(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        try {
            Matcher m = Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50))
                    .until(() -> pattern.matcher(output()), Matcher::find);
            return m.groupCount() > 0 ? m.group(1) : m.group();
        } catch (ConditionTimeoutException e) {
            String out = output();
            throw new AssertionError("no line matching /" + regex + "/ in " + log + " within " + timeout
                    + (process.isAlive() ? "" : " (process exited " + process.exitValue() + ")") + "; tail:\n"
                    + out.substring(Math.max(0, out.length() - 3000)), e);
        }
    }

    /** Sends SIGKILL and waits (bounded) for the process to go. */
    public void kill() {
        process.destroyForcibly();
        waitGone();
    }

    /** Sends SIGTERM and waits (bounded); SIGKILL if it does not stop within 20 s. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        waitGone();
    }

    /** Sends a POSIX signal by name (STOP, CONT) with the {@code kill} command. */
    public void signal(String name) {
        try {
            Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void waitGone() {
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            signal("CONT");
            kill();
        }
    }
}
