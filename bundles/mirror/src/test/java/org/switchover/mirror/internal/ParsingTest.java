package org.switchover.mirror.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Root lists, exceptions, path mapping and reading the parameters (spec section 8, formatting rules). */
class ParsingTest {

    @Test
    void rootListSplitsOnSemicolonsAndReadsThePlus() {
        List<MirrorRoot> roots = MirrorRoot.parseList("CustomMirrorDir",
                " +D:\\I3\\IC\\Server\\Data1;D:\\I3\\IC\\Server\\Data2 ;; /srv/x/ ; +/srv/x", w -> { });
        assertEquals(List.of(new MirrorRoot("D:\\I3\\IC\\Server\\Data1", true),
                new MirrorRoot("D:\\I3\\IC\\Server\\Data2", false), new MirrorRoot("/srv/x", true)), roots);
        assertEquals("+/srv/x", roots.get(2).toString());
        assertTrue(MirrorRoot.parseList("x", "  ", w -> { }).isEmpty());
    }

    @Test
    void aListPastThepracticalLimitIsUsedWithAWarning() {
        List<String> warnings = new ArrayList<>();
        String longList = String.join(";", java.util.Collections.nCopies(300, "+/srv/abcdef"))
                + ";/srv/last";
        List<MirrorRoot> roots = MirrorRoot.parseList("InitialMirrorDir", longList, warnings::add);
        assertEquals(2, roots.size());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("InitialMirrorDir"), warnings.get(0));
    }

    @Test
    void exceptionsMatchExtensionsWhateverTheSpelling() {
        Extensions e = Extensions.parse("txt; .GIF ;*.myext;");
        for (String name : List.of("a.txt", "A.TXT", "x.gif", "y.myext")) {
            assertTrue(e.excludes(name), name);
        }
        for (String name : List.of("txt", "a.txt.bak")) {
            assertFalse(e.excludes(name), name);
        }
        assertFalse(Extensions.NONE.excludes("a.txt"));
    }

    @Test
    void pathsMapThroughTheRootMapThenTheBaseDirectory() {
        PathMapper m = PathMapper.of("/srv/ic=/tmp/b/ic; D:\\I3\\IC=/tmp/b/d; broken", "/tmp/base", w -> { });
        assertEquals(Path.of("/tmp/b/ic"), m.local("/srv/ic"));
        assertEquals(Path.of("/tmp/b/ic/Resources"), m.local("/srv/ic/Resources"));
        assertEquals(Path.of("/tmp/b/d/Flows"), m.local("D:\\I3\\IC\\Flows"));
        assertEquals(Path.of("/tmp/base/srv/other"), m.local("/srv/other"));
        assertEquals(Path.of("/tmp/base/C/I3/IC"), m.local("C:\\I3\\IC"));
        assertEquals(Path.of("/srv/other"), PathMapper.IDENTITY.local("/srv/other"));
        if (!System.getProperty("os.name").startsWith("Windows")) {
            assertNull(PathMapper.IDENTITY.local("D:\\I3\\IC\\Resources"), "a drive path does not exist here");
        }
    }

    @Test
    void malformedRootMapPairsAreNamed() {
        List<String> warnings = new ArrayList<>();
        PathMapper.of("=/x;/a=;ok=/tmp/ok", "", warnings::add);
        assertEquals(2, warnings.size());
        assertTrue(warnings.get(0).contains("'=/x'"), warnings.get(0));
    }

    @Test
    void parametersGiveContinuousAndStartUpRoots() {
        MirrorSettings s = settingsOf(Map.of(
                "custom.mirror.dir", "+/srv/res;/srv/flat",
                "resource.path", "/srv/res",
                "i3tables.path", "/srv/tables",
                "handler.path", "/srv/handlers",
                "initial.mirror.dir", "+/srv/recordings",
                "mirror.exceptions", "tmp",
                "switchover.file.monitor.health.check.interval", "-5",
                "mirror.write.retry.interval", "0",
                "mirror.base.dir", "/tmp/nodeB"));
        assertEquals(List.of(new MirrorRoot("/srv/res", false), new MirrorRoot("/srv/tables", false),
                new MirrorRoot("/srv/flat", false)), s.continuous(), "Resource Path first; a duplicate is kept once");
        assertEquals(List.of(new MirrorRoot("/srv/handlers", false)), s.handler());
        assertEquals(List.of(new MirrorRoot("/srv/recordings", true)), s.initial());
        assertTrue(s.exceptions().excludes("x.tmp"));
        assertEquals(0, s.healthIntervalS(), "clamped to the range");
        assertEquals(10, s.healthTimeoutS());
        assertEquals(1, s.writeRetryS(), "Mirror Write Retry Interval clamped to 1..3600");
        assertEquals(Path.of("/tmp/nodeB/srv/res"), s.mapper().local("/srv/res"));
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        MirrorSettings s = settingsOf(Map.of());
        assertEquals(11, s.continuous().size());
        assertTrue(s.continuous().stream().allMatch(MirrorRoot::recursive));
        assertEquals(60, s.healthIntervalS());
        assertEquals(10, s.writeRetryS());
        assertTrue(s.handler().isEmpty());
        assertTrue(s.initial().isEmpty());
        assertEquals(List.of(new MirrorRoot("C:\\I3\\IC\\Flows", true)), s.upgradeLower());
        assertTrue(s.upgradeHigherExclusions().isEmpty());
    }

    @Test
    void upgradeStatesNarrowWhatIsMirrored() {
        MirrorSettings s = settingsOf(Map.of(
                "custom.mirror.dir", "+/srv/ic/Flows;+/srv/ic/Reports;+/srv/ic/Provision/sub",
                "handler.path", "/srv/ic/Handlers",
                "initial.mirror.dir", "+/srv/rec",
                "mirror.exceptions", "tmp",
                "custom.upgrade.file.synchronization.directories", "+/srv/ic/Flows",
                "switchover.upgrade.higher.file.exclusions", "/srv/ic/Reports;/srv/ic/Provision"));

        MirrorSettings.Plan backup = s.plan(org.switchover.api.SwitchoverState.BACKUP);
        assertEquals(3, backup.continuous().size());
        assertEquals(List.of("/srv/ic/Handlers", "/srv/rec"), backup.atStart().stream().map(MirrorRoot::path).toList());

        MirrorSettings.Plan higher = s.plan(org.switchover.api.SwitchoverState.UPGRADE_HIGHER);
        assertEquals(List.of(new MirrorRoot("/srv/ic/Flows", true)), higher.continuous(),
                "opt-out: excluded directories and what lies below them are left out");
        assertEquals(List.of("/srv/rec"), higher.atStart().stream().map(MirrorRoot::path).toList(),
                "handler files are not copied in an upgrade state");

        MirrorSettings.Plan lower = s.plan(org.switchover.api.SwitchoverState.UPGRADE_LOWER);
        assertEquals(List.of(new MirrorRoot("/srv/ic/Flows", true)), lower.continuous(), "opt-in only");
        assertTrue(lower.atStart().isEmpty());
        assertTrue(lower.exceptions().excludes("a.tmp"), "defaults to MirrorExceptions");
        assertTrue(settingsOf(Map.of("custom.upgrade.file.synchronization.exceptions", "wav"))
                .plan(org.switchover.api.SwitchoverState.UPGRADE_LOWER).exceptions().excludes("x.wav"));
    }

    @Test
    void pathsFromThePeerThatCouldLeaveTheRootAreRefused() {
        assertEquals("a/b.txt", Entry.checkRelative("a/b.txt"));
        assertEquals("", Entry.checkRelative(""));
        for (String bad : new String[] {"../x", "a/../../x", "/etc/passwd", "a//b", "a\\..\\b", "C:x", "./a"}) {
            assertThrows(IllegalArgumentException.class, () -> Entry.checkRelative(bad), bad);
        }
    }

    /** The parameters as the component reads them from {@code props}. */
    static MirrorSettings settingsOf(Map<String, ?> props) {
        return MirrorSettings.from(new org.switchover.api.config.ConfigReader(MirrorComponent.Config.class, props,
                w -> { }), MirrorSettings.NONE, w -> { });
    }
}
