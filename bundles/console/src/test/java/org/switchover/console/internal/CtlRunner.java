package org.switchover.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code bin/SwitchoverCtl.java} as its own JVM, as {@code bin/switchoverctl} does; bounded to 60 s. */
final class CtlRunner {

    /** What the program returned and printed. */
    record Run(int exit, String out, String err) {
    }

    private CtlRunner() {
    }

    static Path repoRoot() {
        Path p = Paths.get("").toAbsolutePath();
        for (int i = 0; i < 6 && p != null; i++, p = p.getParent()) {
            if (Files.exists(p.resolve("bin/SwitchoverCtl.java"))) {
                return p;
            }
        }
        throw new IllegalStateException("bin/SwitchoverCtl.java not found above " + Paths.get("").toAbsolutePath());
    }

    /** Runs the program through the JDK's single-file source launcher. */
    static Run fromSource(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.add(repoRoot().resolve("bin/SwitchoverCtl.java").toString());
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    /** Runs the program compiled once into {@code classes} (much faster than compiling it on every launch). */
    static Run compiled(Path classes, String... args) throws Exception {
        if (!Files.exists(classes.resolve("SwitchoverCtl.class"))) {
            int rc = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d",
                    classes.toString(), repoRoot().resolve("bin/SwitchoverCtl.java").toString());
            assertEquals(0, rc, "bin/SwitchoverCtl.java compiles");
        }
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.add("-cp");
        cmd.add(classes.toString());
        cmd.add("SwitchoverCtl");
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    private static List<String> javaCommand() {
        return List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto");
    }

    private static Run exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("switchoverctl did not finish within 60 s");
        }
        return new Run(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
