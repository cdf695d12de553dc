package org.switchover.it.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Programs of this machine that a benchmark compares against (a peer's figure), looked up on the PATH. */
public final class Programs {

    private Programs() {
    }

    /**
     * @param program the program's name, e.g. {@code redis-server}
     * @param debianPackage the Debian package that installs it
     * @throws IllegalStateException naming the package to install when the program is not on the PATH
     */
    public static void require(String program, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        throw new IllegalStateException(program + " is not installed (not on the PATH): the benchmarks compare against"
                + " it; install it with 'apt-get install -y " + debianPackage + "' (README, benchmarks)");
    }
}
