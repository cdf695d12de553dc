package org.switchover.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What every benchmark prints: {@code BENCH} lines (grep them from the failsafe output) and the load average. */
public final class BenchLog {

    private BenchLog() {
    }

    static void bench(String line) {
        System.out.println("BENCH " + line);
    }

    /**
     * One row of the table {@code bin/switchover-bench} collects from every benchmark of a run: what was measured,
     * our figure, the peer's in the same run ("-" when there is none), the ratio and the target, with the load
     * average when the row was printed. Cells are free text without '|'.
     */
    static void row(String what, String ours, String peer, String ratio, String target) {
        StringBuilder line = new StringBuilder("BENCH ROW");
        for (String cell : new String[] {what, ours, peer, ratio, target, loadAverage()}) {
            line.append(" | ").append(cell == null || cell.isBlank() ? "-" : cell.replace('|', '/').strip());
        }
        System.out.println(line);
    }

    /** @return {@code a / b} with two decimals, "-" when {@code b} is not positive */
    static String ratio(double a, double b) {
        return b > 0 ? String.format("%.2f", a / b) : "-";
    }

    /** @return the three load averages of /proc/loadavg, or "n/a" where there is none */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }
}
