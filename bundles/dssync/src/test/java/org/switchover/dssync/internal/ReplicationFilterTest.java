package org.switchover.dssync.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.switchover.api.SwitchoverState;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.MemoryDirectoryStore;
import org.switchover.support.replication.SyncReplication;

class ReplicationFilterTest {

    private static final String[] ROOTS = {"${CONFIG}/Users", "${CONFIG}/Handlers", "${CONFIG}/Other",
        "${SERVER}/Workstations", "${CONFIG}/Extra", "${CONFIG}/Secret"};
    private static final String[] CLASSES = {"User", "Handler", "Phone", "Workgroup"};

    private static DirectoryEntry random(Random r) {
        String path = ROOTS[r.nextInt(ROOTS.length)] + "/n" + r.nextInt(5) + (r.nextBoolean() ? "/m" + r.nextInt(3)
                : "");
        Map<String, List<String>> attrs = new TreeMap<>();
        attrs.put("Extension", List.of("" + r.nextInt(3)));
        attrs.put("Workgroups", List.of("w" + r.nextInt(3)));
        if (r.nextInt(6) == 0) {
            attrs.put(ReplicationFilter.INSTALL_SCRIPT_ATTRIBUTE, List.of("setup"));
        }
        return new DirectoryEntry(path, CLASSES[r.nextInt(CLASSES.length)], attrs);
    }

    /** What the backup must hold after a sync under {@code f}, computed entry by entry. */
    private static Map<String, DirectoryEntry> expected(ReplicationFilter f, MemoryDirectoryStore primary,
            MemoryDirectoryStore backupBefore) {
        Map<String, DirectoryEntry> out = new TreeMap<>();
        for (DirectoryEntry e : backupBefore.entries("")) {
            if (!f.replicates(e.path())) {
                out.put(e.path(), e);
            } else if (primary.get(e.path()).isPresent() && !f.admits(primary.get(e.path()).get())) {
                out.put(e.path(), e);
            }
        }
        for (DirectoryEntry e : primary.entries("")) {
            if (f.admits(e)) {
                out.put(e.path(), f.adapt(e, backupBefore.get(e.path())));
            }
        }
        return out;
    }

    private static Map<String, DirectoryEntry> asMap(MemoryDirectoryStore s) {
        Map<String, DirectoryEntry> out = new TreeMap<>();
        s.entries("").forEach(e -> out.put(e.path(), e));
        return out;
    }

    @Test
    void upgradeFiltersTakeExactlyWhatTheyAdmitOverManyRandomTrees() throws Exception {
        ReplicationFilter lower = ReplicationFilter.upgradeLower(List.of("${CONFIG}/Extra"),
                Map.of("User", Set.of("Workgroups")));
        ReplicationFilter higher = ReplicationFilter.upgradeHigher(List.of("${CONFIG}/Secret"));
        for (int seed = 0; seed < 200; seed++) {
            for (ReplicationFilter f : List.of(lower, higher)) {
                Random r = new Random(seed);
                MemoryDirectoryStore primary = new MemoryDirectoryStore();
                MemoryDirectoryStore backup = new MemoryDirectoryStore();
                for (int i = r.nextInt(60); i > 0; i--) {
                    primary.put(random(r));
                }
                for (int i = r.nextInt(30); i > 0; i--) {
                    backup.put(random(r));
                }
                MemoryDirectoryStore before = new MemoryDirectoryStore();
                backup.entries("").forEach(before::put);
                Map<String, DirectoryEntry> want = expected(f, primary, before);
                new TreeSync(new TreeSyncTest.StoreRemote(primary), backup, new SyncProgress(() -> 0L),
                        () -> { }, f).run();
                assertEquals(want, asMap(backup), "seed " + seed + ", " + f);
            }
        }
    }

    @Test
    void lowerKeepsTheBackupsExceptedAttributesAndIgnoresPathsOutsideItsList() {
        ReplicationFilter lower = ReplicationFilter.upgradeLower(List.of(), Map.of("User", Set.of("Workgroups")));
        DirectoryEntry remote = new DirectoryEntry("${CONFIG}/Users/alice", "User",
                Map.of("Extension", List.of("1"), "Workgroups", List.of("sales")));
        DirectoryEntry local = new DirectoryEntry("${CONFIG}/Users/alice", "User",
                Map.of("Extension", List.of("0"), "Workgroups", List.of("support")));
        assertEquals(List.of("support"), lower.adapt(remote, Optional.of(local)).attributes().get("Workgroups"));
        assertEquals(List.of("1"), lower.adapt(remote, Optional.of(local)).attributes().get("Extension"));
        assertTrue(lower.replicates("${SERVER}/Workstations/ws1"));
        assertTrue(!lower.replicates("${CONFIG}/Lines/l1"));
        assertTrue(lower.mayContain("${CONFIG}"));
    }

    @Test
    void malformedParametersAreNamedAndThePreviousFilterKept() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReplicationFilter.parseAttributeExceptions("Custom Upgrade Attribute Exceptions",
                        "User(Workgroups, Extension);Workgroup Members"));
        assertTrue(e.getMessage().contains("'Workgroup Members'"), e.getMessage());
        assertEquals(Map.of("User", Set.of("Extension", "Workgroups"), "Workgroup", Set.of("Members",
                "View User Queue List")), ReplicationFilter.parseAttributeExceptions("x",
                        "User(Workgroups, Extension); Workgroup(Members, View User Queue List);"));
        assertEquals(List.of("${CONFIG}/Users", "${CONFIG}/Passwords"),
                ReplicationFilter.parsePaths("x", "${CONFIG}\\Users; ${CONFIG}\\Passwords"));

        DsSyncComponent s = new DsSyncComponent(java.nio.file.Path.of("data"), Map.of(
                "custom.upgrade.attribute.exceptions", "User(a)",
                "custom.upgrade.synchronization.directories", "${CONFIG}\\Lines"));
        s.configure(Map.of("custom.upgrade.attribute.exceptions", "User(a", "custom.upgrade.synchronization.directories",
                "${CONFIG}\\Lines"));
        ReplicationFilter f = s.filterFor(SwitchoverState.UPGRADE_LOWER);
        DirectoryEntry remote = new DirectoryEntry("${CONFIG}/Lines/l1", "User", Map.of("a", List.of("new")));
        assertTrue(f.replicates("${CONFIG}/Lines/l1"));
        assertEquals(Map.of(), f.adapt(remote, Optional.empty()).attributes(), "previous exceptions still apply");
        assertEquals(ReplicationFilter.FULL, s.filterFor(SwitchoverState.BACKUP));
    }

    @Test
    void streamedChangesPassTheFilterToo() throws Exception {
        MemoryDirectoryStore primary = new MemoryDirectoryStore();
        MemoryDirectoryStore backup = new MemoryDirectoryStore();
        org.switchover.testing.MemoryNotifier loop = org.switchover.testing.MemoryNotifier.loopback(
                new org.switchover.testing.VirtualScheduler());
        DsSyncComponent s = new DsSyncComponent(java.nio.file.Files.createTempDirectory("dssync"), Map.of());
        org.switchover.api.SwitchoverStatus status = new org.switchover.api.SwitchoverStatus() {
            public org.switchover.api.NodeId node() {
                return org.switchover.api.NodeId.A;
            }

            public SwitchoverState state() {
                return SwitchoverState.PRIMARY;
            }

            public long epoch() {
                return 1;
            }

            public String lastSwitchReason() {
                return "";
            }
        };
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC);
        DsSyncRolesTest.handling(loop, new DsSyncPrimary(primary, loop, status, s, clock, DsSyncRolesTest.asyncOnly()));
        DsSyncBackup b = new DsSyncBackup(backup, loop, s,
                () -> ReplicationFilter.upgradeHigher(List.of("${CONFIG}/Secret")), clock);
        primary.put(new DirectoryEntry("${CONFIG}/Users/alice", "User", Map.of()));
        primary.put(new DirectoryEntry("${CONFIG}/Secret/k", "User", Map.of()));
        primary.put(new DirectoryEntry("${CONFIG}/Other/h", "Handler", Map.of()));
        primary.put(new DirectoryEntry("${CONFIG}/Other/i", "User", Map.of(ReplicationFilter.INSTALL_SCRIPT_ATTRIBUTE,
                List.of("x"))));
        assertEquals(List.of("${CONFIG}/Users/alice"), backup.entries("").stream().map(DirectoryEntry::path).toList());
        b.close();
    }
}
