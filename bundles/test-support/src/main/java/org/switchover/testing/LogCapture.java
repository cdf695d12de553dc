package org.switchover.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Captures what the test logging backend (slf4j-simple, which writes each line to the current {@code System.err})
 * prints while it is open, so a test can assert what an operator would read in the log: how many lines, and that a
 * hostile string came out escaped. Also passes the text through to the real stderr. Use in try-with-resources; not
 * for tests that run in parallel.
 */
public final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    /** Starts capturing. */
    public LogCapture() {
        PrintStream tee = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                buffer.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                buffer.write(b, off, len);
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        System.setErr(tee);
    }

    /** @return everything printed so far */
    public String text() {
        System.err.flush();
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** @return the printed lines that contain {@code fragment} */
    public List<String> lines(String fragment) {
        return Arrays.stream(text().split("\n", -1)).filter(l -> l.contains(fragment)).collect(Collectors.toList());
    }

    /**
     * Checks that untrusted text holding a forged log line ({@code INFO forged}) was logged escaped: the first line
     * containing {@code marker} holds {@code escaped}, and the forged text stands on no line of its own.
     *
     * @return how many lines contain {@code marker} (a rate-limited flood: one)
     * @throws AssertionError naming what was printed otherwise
     */
    public int assertEscaped(String marker, String escaped) {
        List<String> hits = lines(marker);
        if (hits.isEmpty() || !hits.get(0).contains(escaped)) {
            throw new AssertionError("no line with '" + marker + "' holding '" + escaped + "' in:\n" + text());
        }
        for (String l : lines("INFO forged")) {
            if (!l.contains(marker)) {
                throw new AssertionError("the forged text stands on a line of its own: " + l);
            }
        }
        return hits.size();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
