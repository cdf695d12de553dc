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
