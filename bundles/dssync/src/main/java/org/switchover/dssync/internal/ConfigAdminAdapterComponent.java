package org.switchover.dssync.internal;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.ds.DirectoryChange;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryPaths;
import org.switchover.api.ds.DirectoryStore;
import org.switchover.support.RoleBinding;
import org.switchover.support.Threads;

/**
 * ConfigAdmin as a subtree of the replicated directory ({@link ConfigAdminTree} has the layout and the rule for
 * node-local keys). On the primary, every switchover configuration is written into the host's store (at start and on
 * every change), so it travels with the rest of the tree; on the backup, every change of that subtree is written back
 * into ConfigAdmin, keeping the backup's node-local keys. Works only while {@code configadmin.replication} of PID
 * {@code org.switchover.dssync} is true (the default: the primary's switchover parameters win on the backup, as the
 * reference's replicated server parameters do). The role comes from {@link RoleBinding}; all work runs on this
 * component's thread {@code switchover-dssync-cm-1}.
 */
@Component(name = "org.switchover.dssync.configadmin", service = ConfigurationListener.class, immediate = true)
public final class ConfigAdminAdapterComponent implements ConfigurationListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigAdminAdapterComponent.class);
    private static final String FAILED = "DS sync ConfigAdmin adapter: failed";

    private final ConfigurationAdmin configAdmin;
    private final DirectoryStore store;
    private final DsSyncComponent settings;
    private final ExecutorService worker = Threads.single("switchover-dssync-cm");
    private final RoleBinding roles = new RoleBinding(worker,
            role -> Threads.logging(() -> roleChanged(role), LOG, FAILED).run());
    private final AutoCloseable storeListener;

    @Activate
    public ConfigAdminAdapterComponent(@Reference ConfigurationAdmin configAdmin, @Reference DirectoryStore store,
            @Reference DsSyncComponent settings, BundleContext context) {
        this.configAdmin = configAdmin;
        this.store = store;
        this.settings = settings;
        this.storeListener = store.addListener(this::storeChanged);
        roles.track(context);
    }

    private void post(Runnable r) {
        Threads.post(worker, r, LOG, FAILED);
    }

    private boolean enabled() {
        return settings != null && settings.configAdminReplication();
    }

    private void roleChanged(RoleBinding.Role role) {
        if (!enabled()) {
            return;
        }
        if (role == RoleBinding.Role.PRIMARY) {
            exportAll();
        } else if (role == RoleBinding.Role.BACKUP) {
            for (DirectoryEntry e : store.entries(ConfigAdminTree.ROOT)) {
                importPid(DirectoryPaths.name(e.path()), e);
            }
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (roles.primary() && ConfigAdminTree.replicatedPid(event.getPid())) {
            post(() -> {
                if (enabled() && roles.primary()) {
                    exportPid(event.getPid());
                }
            });
        }
    }

    private void storeChanged(DirectoryChange c) {
        if (!roles.backup() || roles.primary() || !DirectoryPaths.isWithin(c.path(), ConfigAdminTree.ROOT)
                || c.path().equals(ConfigAdminTree.ROOT)) {
            return;
        }
        String pid = DirectoryPaths.name(c.path());
        post(() -> {
            if (enabled() && roles.backup() && !roles.primary() && ConfigAdminTree.replicatedPid(pid)) {
                importPid(pid, c.entry());
            }
        });
    }

    private void exportAll() {
        Set<String> seen = new HashSet<>();
        try {
            Configuration[] all = configAdmin.listConfigurations("(service.pid=" + ConfigAdminTree.PID_PREFIX + "*)");
            if (all != null) {
                for (Configuration c : all) {
                    if (ConfigAdminTree.replicatedPid(c.getPid())) {
                        seen.add(c.getPid());
                        store.put(ConfigAdminTree.toEntry(c.getPid(), c.getProperties()));
                    }
                }
            }
        } catch (Exception e) {
            LOG.error("DS sync ConfigAdmin adapter: could not list the configurations: {}", e.toString());
            return;
        }
        for (DirectoryEntry e : store.entries(ConfigAdminTree.ROOT)) {
            if (!seen.contains(DirectoryPaths.name(e.path()))) {
                store.delete(e.path());
            }
        }
        LOG.info("DS sync ConfigAdmin adapter: {} switchover configurations in the replicated tree", seen.size());
    }

    private void exportPid(String pid) {
        try {
            Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
            if (found == null || found.length == 0) {
                store.delete(ConfigAdminTree.path(pid));
            } else {
                store.put(ConfigAdminTree.toEntry(pid, found[0].getProperties()));
            }
        } catch (Exception e) {
            LOG.error("DS sync ConfigAdmin adapter: could not export {}: {}", pid, e.toString());
        }
    }

    private void importPid(String pid, DirectoryEntry entry) {
        try {
            Configuration c = configAdmin.getConfiguration(pid, "?");
            java.util.Hashtable<String, Object> merged = ConfigAdminTree.merge(c.getProperties(), entry);
            if (ConfigAdminTree.differs(c.getProperties(), merged)) {
                c.update(merged);
                LOG.info("DS sync ConfigAdmin adapter: {} updated from the primary ({} keys)", pid, merged.size());
            }
        } catch (Exception e) {
            LOG.error("DS sync ConfigAdmin adapter: could not update {}: {}", pid, e.toString());
        }
    }

    @Deactivate
    void deactivate() throws Exception {
        roles.close();
        storeListener.close();
        worker.shutdown();
        if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
            worker.shutdownNow();
        }
    }
}
