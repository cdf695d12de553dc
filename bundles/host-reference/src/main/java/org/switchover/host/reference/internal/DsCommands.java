package org.switchover.host.reference.internal;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryPaths;
import org.switchover.api.ds.DirectoryStore;

/**
 * Gogo commands on the host's directory store (scope {@code host}), for operators and system tests:
 * <ul>
 * <li>{@code ds-put <path> <class> [name=value ...]}: creates or replaces one entry; a name given twice gets several
 * values</li>
 * <li>{@code ds-get <path>}, {@code ds-delete <path>}</li>
 * <li>{@code ds-count [path]}: entries at or below the path (whole tree without one)</li>
 * <li>{@code ds-hash [path]}: the subtree hash in hex</li>
 * <li>{@code ds-fill <parent> <count> [class]}: creates {@code count} entries {@code <parent>/e<n>} with one
 * attribute {@code n} (bulk data for tests; entry n lands in folder {@code f<n/1000>})</li>
 * </ul>
 * Paths use '/' ({@code ${CONFIG}/Users/alice}). Dispatch through Gogo's {@code _main}, like {@link HostCommands}.
 */
@Component(name = "org.switchover.host.reference.ds.commands", service = DsCommands.class,
        property = {
            "osgi.command.scope=host",
            "osgi.command.function=ds-put",
            "osgi.command.function=ds-get",
            "osgi.command.function=ds-delete",
            "osgi.command.function=ds-count",
            "osgi.command.function=ds-hash",
            "osgi.command.function=ds-fill"
        })
public final class DsCommands {

    private static final int MAX_FILL = 1_000_000;
    private final DirectoryStore store;

    @Activate
    public DsCommands(@Reference DirectoryStore store) {
        this.store = store;
    }

    /** Entry point of every command; {@code args[0]} is the function name. */
    public String _main(String... args) {
        String f = args.length == 0 ? "" : args[0].toLowerCase(Locale.ROOT);
        f = f.substring(f.indexOf(':') + 1);
        List<String> a = new ArrayList<>(List.of(args).subList(Math.min(1, args.length), args.length));
        try {
            return execute(f, a);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return "error: " + e.getMessage();
        }
    }

    String execute(String f, List<String> a) {
        switch (f) {
            case "ds-put": {
                need(a, 2, "host:ds-put <path> <class> [name=value ...]");
                Map<String, List<String>> attrs = new LinkedHashMap<>();
                for (String kv : a.subList(2, a.size())) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("attribute '" + kv + "' is not name=value");
                    }
                    attrs.computeIfAbsent(kv.substring(0, eq), k -> new ArrayList<>()).add(kv.substring(eq + 1));
                }
                long n = store.put(new DirectoryEntry(a.get(0), a.get(1), attrs));
                return "put " + a.get(0) + " change " + n;
            }
            case "ds-get":
                need(a, 1, "host:ds-get <path>");
                return store.get(a.get(0)).map(DirectoryEntry::toString).orElse("no entry " + a.get(0));
            case "ds-delete": {
                need(a, 1, "host:ds-delete <path>");
                long n = store.delete(a.get(0));
                return "deleted " + a.get(0) + " change " + n;
            }
            case "ds-count":
                return Integer.toString(store.count(path(a)));
            case "ds-hash":
                return HexFormat.of().formatHex(store.subtreeHash(path(a)));
            case "ds-fill": {
                need(a, 2, "host:ds-fill <parent> <count> [class]");
                int count;
                try {
                    count = Integer.parseInt(a.get(1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("count '" + a.get(1) + "' is not a whole number");
                }
                if (count < 0 || count > MAX_FILL) {
                    throw new IllegalArgumentException("count must be 0.." + MAX_FILL);
                }
                String cls = a.size() > 2 ? a.get(2) : "Item";
                String parent = a.get(0);
                for (int i = 0; i < count; i++) {
                    String p = DirectoryPaths.child(DirectoryPaths.child(parent, "f" + i / 1000), "e" + i);
                    store.put(new DirectoryEntry(p, cls, Map.of("n", List.of(Integer.toString(i)))));
                }
                return "filled " + count + " under " + parent + "; change " + store.changeNumber();
            }
            default:
                return "unknown command '" + f + "'; use host:ds-put, ds-get, ds-delete, ds-count, ds-hash, ds-fill";
        }
    }

    private static String path(List<String> a) {
        return a.isEmpty() ? DirectoryPaths.ROOT : a.get(0);
    }

    private static void need(List<String> a, int n, String usage) {
        if (a.size() < n) {
            throw new IllegalArgumentException("usage: " + usage);
        }
    }
}
