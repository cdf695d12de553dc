package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.testing.LogCapture;
import org.switchover.testing.VirtualScheduler;

/** The configuration guard on virtual time: a file FileInstall could not apply is reported and read again. */
class ConfigurationGuardTest {

    private static final String CORE = "org.switchover.core.cfg";
    private static final String NOTIFIER = "org.switchover.notifier.cfg";

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final List<String> files = new ArrayList<>(List.of(CORE, NOTIFIER));
    private final Set<String> applied = new HashSet<>();
    private final List<String> touched = new ArrayList<>();
    /** While true, a touch does not lead to the file being applied (the disk is still full). */
    private boolean diskFull = true;

    private final ConfigurationGuard guard = new ConfigurationGuard(scheduler, new ConfigurationGuard.Sources() {
        @Override
        public List<String> files() {
            return files;
        }

        @Override
        public Set<String> applied() {
            return new HashSet<>(applied);
        }

        @Override
        public void touch(String file) throws IOException {
            touched.add(file);
            if (!diskFull) {
                applied.add(file);
            }
        }
    }, "/nodes/B/etc");

    @Test
    void aFileNotAppliedAtStartIsReportedAndReadAgainUntilItIsAppliedWithoutFloodingTheLog() {
        applied.add(NOTIFIER);
        try (LogCapture log = new LogCapture()) {
            guard.start();
            scheduler.advance(ConfigurationGuard.FIRST_CHECK_MILLIS);
            assertEquals(Set.of(CORE), guard.missing());
            assertTrue(touched.isEmpty(), "a file seen missing once may be in FileInstall's hands: left alone");
            assertEquals(0, log.lines("is not applied").size(), log.text());

            scheduler.advance(ConfigurationGuard.CHECK_MILLIS);
            assertEquals(List.of(CORE), touched);
            assertEquals(1, log.lines("/nodes/B/etc/org.switchover.core.cfg is not applied").size(), log.text());

            // a minute and more of a full disk: one touch a turn, one reminder per 12 attempts
            scheduler.advance(23 * ConfigurationGuard.CHECK_MILLIS);
            assertEquals(24, touched.size());
            assertEquals(2, log.lines("still not applied after").size(), log.text());

            diskFull = false;
            scheduler.advance(ConfigurationGuard.CHECK_MILLIS);
            assertEquals(25, touched.size());
            scheduler.advance(ConfigurationGuard.CHECK_MILLIS);
            assertEquals(Set.of(), guard.missing());
            assertEquals(1, log.lines("org.switchover.core.cfg is applied in ConfigAdmin after 25 attempts").size(),
                    log.text());

            scheduler.advance(10 * ConfigurationGuard.IDLE_CHECK_MILLIS);
            assertEquals(25, touched.size(), "an applied file is never touched again");
        }
    }

    @Test
    void aFileAppliedBetweenTwoChecksIsNeitherTouchedNorReported() {
        try (LogCapture log = new LogCapture()) {
            guard.start();
            scheduler.advance(ConfigurationGuard.FIRST_CHECK_MILLIS);
            assertEquals(Set.of(CORE, NOTIFIER), guard.missing());
            applied.add(CORE);
            applied.add(NOTIFIER);
            scheduler.advance(ConfigurationGuard.CHECK_MILLIS);
            assertEquals(Set.of(), guard.missing());
            assertTrue(touched.isEmpty());
            assertEquals(0, log.lines("Configuration guard").size(), log.text());
        }
    }

    @Test
    void aFileDroppedLaterOntoAFullDiskIsCaughtOnTheIdleTurn() {
        applied.addAll(files);
        guard.start();
        scheduler.advance(ConfigurationGuard.FIRST_CHECK_MILLIS + 3 * ConfigurationGuard.IDLE_CHECK_MILLIS);
        assertTrue(touched.isEmpty());
        files.add("org.switchover.mirror.cfg");
        scheduler.advance(ConfigurationGuard.IDLE_CHECK_MILLIS + ConfigurationGuard.CHECK_MILLIS);
        assertEquals(List.of("org.switchover.mirror.cfg"), touched);
    }

    @Test
    void aFailedComparisonIsLoggedAndTheGuardGoesOn() {
        List<Integer> calls = new ArrayList<>();
        ConfigurationGuard failing = new ConfigurationGuard(scheduler, new ConfigurationGuard.Sources() {
            @Override
            public List<String> files() throws IOException {
                calls.add(1);
                throw new IOException("Permission denied");
            }

            @Override
            public Set<String> applied() {
                return Set.of();
            }

            @Override
            public void touch(String file) {
            }
        }, "/nodes/B/etc");
        try (LogCapture log = new LogCapture()) {
            failing.start();
            scheduler.advance(ConfigurationGuard.FIRST_CHECK_MILLIS + ConfigurationGuard.IDLE_CHECK_MILLIS);
            assertEquals(2, calls.size());
            assertEquals(2, log.lines("could not compare /nodes/B/etc with ConfigAdmin: java.io.IOException:"
                    + " Permission denied").size(), log.text());
        }
    }

    @Test
    void closingStopsTheChecks() {
        guard.start();
        guard.close();
        scheduler.advance(ConfigurationGuard.FIRST_CHECK_MILLIS * 10);
        assertTrue(touched.isEmpty());
        assertEquals(0, scheduler.pending());
    }

    @Test
    void onlyTheProductsConfigurationFilesThatFileInstallReadsAreWatched(@TempDir Path dir) throws IOException {
        for (String n : List.of(CORE, "org.switchover.dssync.config", "org.apache.felix.http.cfg",
                "org.switchover.core.cfg.bak", "org.switchover.notes.txt")) {
            Files.writeString(dir.resolve(n), "");
        }
        Files.createDirectory(dir.resolve("org.switchover.sub.cfg"));
        assertEquals(Set.of(CORE, "org.switchover.dssync.config"),
                new HashSet<>(ConfigurationGuardComponent.productFiles(dir, null)));
        assertEquals(List.of(CORE), ConfigurationGuardComponent.productFiles(dir, Pattern.compile(".*\\.cfg")));
        assertEquals(List.of(), ConfigurationGuardComponent.productFiles(dir.resolve("absent"), null));
    }

    @Test
    void fileInstallsFileNamePropertyGivesTheFileName() {
        assertEquals(CORE, ConfigurationGuardComponent.fileName("file:/nodes/B/./etc/" + CORE));
        assertEquals("org.switchover.a b.cfg", ConfigurationGuardComponent.fileName("file:/n/etc/org.switchover.a%20b.cfg"));
        assertEquals(CORE, ConfigurationGuardComponent.fileName("/nodes/B/etc/" + CORE));
        assertNull(ConfigurationGuardComponent.fileName(42));
        assertNull(ConfigurationGuardComponent.fileName(" "));
    }

    @Test
    void theWatchedDirectorysVariablesAreTheFrameworksProperties() {
        Map<String, String> props = Map.of("switchover.home", "/nodes/B");
        assertEquals("/nodes/B/etc", ConfigurationGuardComponent.substitute("${switchover.home}/etc", props::get));
        assertEquals("${unknown}/etc", ConfigurationGuardComponent.substitute("${unknown}/etc", props::get));
        assertEquals("/etc/$x", ConfigurationGuardComponent.substitute("/etc/$x", props::get));
        assertNull(ConfigurationGuardComponent.substitute(null, props::get));
    }
}
