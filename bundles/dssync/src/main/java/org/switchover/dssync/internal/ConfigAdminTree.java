package org.switchover.dssync.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.switchover.api.NodeIdentity;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryPaths;

/**
 * How ConfigAdmin appears as a subtree of the directory: each switchover configuration PID is one entry
 * {@code ${SWITCHOVER}/ConfigAdmin/<pid>} of class {@value #CLASS_NAME}, one attribute per replicated key (values as
 * text; several values for an array or collection).
 *
 * <p>The rule for what is replicated: PIDs starting with {@code org.switchover.} except the node-identity PID
 * {@code org.switchover.node} and the reference host's {@code org.switchover.host.*}, which are node-local as a
 * whole; within a PID every key except the node-local ones: {@code node}, {@code data.dir}, {@code mirror.base.dir}, {@code mirror.root.map},
 * {@code force.backup}, {@code control.enabled}, {@code configadmin.replication}, any key containing {@code port}, {@code address} or
 * {@code password}, any key starting with {@code tls.}, and ConfigAdmin's and FileInstall's own keys
 * ({@code service.*}, {@code felix.fileinstall.*}, {@code component.*}). Node-local keys on the backup are never
 * touched.
 */
final class ConfigAdminTree {

    /** The subtree holding the configurations. */
    static final String ROOT = "${SWITCHOVER}/ConfigAdmin";
    static final String CLASS_NAME = "Configuration";
    static final String PID_PREFIX = "org.switchover.";
    /** The reference host's simulation controls: they describe this process, not the pair. */
    static final String HOST_PID_PREFIX = "org.switchover.host.";
    /**
     * Keys that describe this node rather than the pair: its identity and paths, its own role preference
     * ({@code force.backup}), its local control endpoint, and whether it takes the primary's configuration at all.
     */
    private static final Set<String> LOCAL_KEYS = Set.of("node", "data.dir", "mirror.base.dir", "mirror.root.map", "force.backup",
            "control.enabled", "configadmin.replication");

    private ConfigAdminTree() {
    }

    static boolean replicatedPid(String pid) {
        return pid != null && pid.startsWith(PID_PREFIX) && !pid.equals(NodeIdentity.PID) && !pid.startsWith(HOST_PID_PREFIX)
                && !pid.contains("/");
    }

    static boolean replicatedKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return !LOCAL_KEYS.contains(k) && !k.contains("port") && !k.contains("address") && !k.contains("password")
                && !k.startsWith("tls.") && !k.startsWith("service.") && !k.startsWith("felix.fileinstall.")
                && !k.startsWith("component.");
    }

    static String path(String pid) {
        return DirectoryPaths.child(ROOT, pid);
    }

    /** @return the entry for {@code pid}'s properties (replicated keys only) */
    static DirectoryEntry toEntry(String pid, Dictionary<String, ?> props) {
        Map<String, List<String>> attrs = new TreeMap<>();
        if (props != null) {
            for (Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
                String k = keys.nextElement();
                if (replicatedKey(k)) {
                    attrs.put(k, values(props.get(k)));
                }
            }
        }
        return new DirectoryEntry(path(pid), CLASS_NAME, attrs);
    }

    private static List<String> values(Object v) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) {
                out.add(String.valueOf(Array.get(v, i)));
            }
        } else if (v instanceof Collection<?> c) {
            c.forEach(x -> out.add(String.valueOf(x)));
        } else {
            out.add(String.valueOf(v));
        }
        return out;
    }

    /**
     * @param local the backup's current properties of the PID (may be null)
     * @param entry the primary's entry, or null when the primary has no such configuration
     * @return the backup's new properties: its node-local keys kept, every replicated key as the primary has it
     */
    static Hashtable<String, Object> merge(Dictionary<String, ?> local, DirectoryEntry entry) {
        Hashtable<String, Object> out = new Hashtable<>();
        if (local != null) {
            for (Enumeration<String> keys = local.keys(); keys.hasMoreElements();) {
                String k = keys.nextElement();
                if (!replicatedKey(k) && !k.startsWith("service.")) {
                    out.put(k, local.get(k));
                }
            }
        }
        if (entry != null) {
            for (Map.Entry<String, List<String>> a : entry.attributes().entrySet()) {
                if (!replicatedKey(a.getKey())) {
                    continue;
                }
                List<String> v = a.getValue();
                out.put(a.getKey(), v.size() == 1 ? v.get(0) : v.toArray(new String[0]));
            }
        }
        return out;
    }

    /** @return whether {@code merged} changes anything in {@code local} (ConfigAdmin's own keys ignored) */
    static boolean differs(Dictionary<String, ?> local, Hashtable<String, Object> merged) {
        Map<String, List<String>> a = new TreeMap<>();
        Map<String, List<String>> b = new TreeMap<>();
        if (local != null) {
            for (Enumeration<String> keys = local.keys(); keys.hasMoreElements();) {
                String k = keys.nextElement();
                if (!k.startsWith("service.")) {
                    a.put(k, values(local.get(k)));
                }
            }
        }
        merged.forEach((k, v) -> b.put(k, values(v)));
        return !a.equals(b);
    }
}
