package org.switchover.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where things are: the repository root (system property {@code switchover.root}) and this module's target. */
public final class Repo {
    private Repo() {
    }

    public static Path root() {
        String r = System.getProperty("switchover.root");
        if (r != null) {
            return Path.of(r);
        }
        Path p = Path.of("").toAbsolutePath();
        for (int i = 0; i < 5 && p != null; i++, p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bin/switchover-certs"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath());
    }

    /** @return {@code it-tests/target/system}, created when missing. */
    public static Path target() {
        Path t = root().resolve("it-tests/target/system");
        try {
            Files.createDirectories(t);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }

    /** @return a fresh, empty folder under {@link #target()} for one test. */
    public static Path freshDir(String name) {
        try {
            return Files.createTempDirectory(target(), name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
