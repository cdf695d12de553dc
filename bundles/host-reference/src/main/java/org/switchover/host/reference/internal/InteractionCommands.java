package org.switchover.host.reference.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.switchover.api.interaction.CallbackContent;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.MailContent;
import org.switchover.api.interaction.QueueRef;
import org.switchover.api.interaction.Transcript;

/**
 * Gogo commands on the reference host's interactions (scope {@code host}), for demos and system tests:
 * <ul>
 * <li>{@code interaction-create <channel> <workgroup>|user:<agent> [text...]}: a new interaction, queued on the
 * workgroup or connected to the agent; answers its id</li>
 * <li>{@code interaction-assign <id> <agent>}: connected to the agent, on the agent's user queue</li>
 * <li>{@code interaction-state <id> <state>}: another state (offering, held, disconnected...)</li>
 * <li>{@code interaction-say <id> <party> <text...>}: a line of the conversation (chat, SMS, social), a call
 * attempt (callback); {@code interaction-status <id> <text...>} adds a generated status message,
 * {@code interaction-file <id> <party> <name> [done]} a file transfer (in flight unless {@code done})</li>
 * <li>{@code interaction-release <id>}</li>
 * <li>{@code interaction-list [channel]}, {@code interaction-show <id>}, {@code interaction-count [prefix]}</li>
 * <li>{@code interaction-digest [prefix]}: how many interactions and one hash over them (id, channel, state,
 * queue, agent, creation time, content), to compare two nodes in one line; {@code interaction-digest-at-stop
 * [prefix]} the same over the interactions the host held when it last stopped taking work (its primary role ended),
 * which the new primary of a controlled switch must hold identically</li>
 * <li>{@code interaction-load <prefix> <perChannel> <perSecond>}: {@code perChannel} interactions on each of the six
 * channels, {@code perSecond} per channel, each taken through its life (queued, assigned, a few lines) and left
 * connected (a callback: queued); ids {@code <prefix>-<channel>-<n>}; answers {@code loaded <n> in <ms> ms}</li>
 * <li>{@code interaction-lifecycle <prefix> <count> <perSecond>}: {@code count} mails, chats and callbacks in turn,
 * {@code perSecond} a second, each queued on a workgroup, assigned, disconnected and released while the next ones
 * arrive ({@value #LIFE} live at a time); ids {@code <prefix>-<n>}. Stops when the node stops being primary and says
 * after how many</li>
 * <li>{@code interaction-release-all <prefix>}: releases every live interaction whose id starts with the prefix</li>
 * </ul>
 */
@Component(name = "org.switchover.host.reference.interaction.commands", service = InteractionCommands.class,
        property = {"osgi.command.scope=host",
            "osgi.command.function=interaction-create", "osgi.command.function=interaction-assign",
            "osgi.command.function=interaction-state", "osgi.command.function=interaction-say",
            "osgi.command.function=interaction-status", "osgi.command.function=interaction-file",
            "osgi.command.function=interaction-release", "osgi.command.function=interaction-list",
            "osgi.command.function=interaction-show", "osgi.command.function=interaction-count",
            "osgi.command.function=interaction-digest", "osgi.command.function=interaction-digest-at-stop",
            "osgi.command.function=interaction-load",
            "osgi.command.function=interaction-lifecycle", "osgi.command.function=interaction-release-all"})
public final class InteractionCommands {

    private static final int MAX_LOAD = 1_000_000;
    /** Interactions live at a time in {@code interaction-lifecycle}. */
    static final int LIFE = 30;
    private final AcdSimulation acd;

    @Activate
    public InteractionCommands(@Reference InteractionsComponent interactions) {
        this(interactions.acd());
    }

    InteractionCommands(AcdSimulation acd) {
        this.acd = acd;
    }

    /** Entry point of every command (Gogo's {@code _main}: the function name first). */
    public String _main(String... args) {
        String f = args.length == 0 ? "" : args[0].toLowerCase(Locale.ROOT);
        f = f.substring(f.indexOf(':') + 1);
        try {
            return execute(f, List.of(args).subList(Math.min(1, args.length), args.length));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return "error: " + e.getMessage();
        }
    }

    String execute(String f, List<String> a) {
        long now = System.currentTimeMillis();
        switch (f) {
            case "interaction-create":
                need(a, 2, "interaction-create <channel> <workgroup>|user:<agent> [text...]");
                return acd.create(Channel.parse(a.get(0)), acd.newId(), queue(a.get(1)), rest(a, 2, "hello"), now)
                        .id();
            case "interaction-assign":
                need(a, 2, "interaction-assign <id> <agent>");
                return line(acd.assign(a.get(0), a.get(1)).orElseThrow(() -> unknown(a.get(0))));
            case "interaction-state":
                need(a, 2, "interaction-state <id> <state>");
                return line(acd.state(a.get(0), InteractionState.valueOf(a.get(1).toUpperCase(Locale.ROOT)))
                        .orElseThrow(() -> unknown(a.get(0))));
            case "interaction-say":
                need(a, 3, "interaction-say <id> <party> <text...>");
                return line(acd.say(a.get(0), Transcript.Entry.text(now, a.get(1), rest(a, 2, "")))
                        .orElseThrow(() -> unknown(a.get(0))));
            case "interaction-status":
                need(a, 2, "interaction-status <id> <text...>");
                return line(acd.say(a.get(0), new Transcript.Entry(now, "system", Transcript.Kind.STATUS,
                        rest(a, 1, ""), true)).orElseThrow(() -> unknown(a.get(0))));
            case "interaction-file":
                need(a, 3, "interaction-file <id> <party> <name> [done]");
                return line(acd.say(a.get(0), new Transcript.Entry(now, a.get(1), Transcript.Kind.FILE_TRANSFER,
                        a.get(2), a.size() > 3 && a.get(3).equals("done"))).orElseThrow(() -> unknown(a.get(0))));
            case "interaction-release":
                need(a, 1, "interaction-release <id>");
                return acd.release(a.get(0)) ? "released " + a.get(0) : "no interaction " + a.get(0);
            case "interaction-list":
                return list(a.isEmpty() ? null : Channel.parse(a.get(0)));
            case "interaction-show":
                need(a, 1, "interaction-show <id>");
                return show(acd.find(a.get(0)).orElseThrow(() -> unknown(a.get(0))));
            case "interaction-count":
                return count(a.isEmpty() ? "" : a.get(0));
            case "interaction-digest":
                return digest(acd.all(), a.isEmpty() ? "" : a.get(0));
            case "interaction-digest-at-stop":
                return digest(acd.heldAtStop(), a.isEmpty() ? "" : a.get(0));
            case "interaction-load":
                need(a, 3, "interaction-load <prefix> <perChannel> <perSecond>");
                return load(a.get(0), bounded(a.get(1), "perChannel"), bounded(a.get(2), "perSecond"));
            case "interaction-lifecycle":
                need(a, 3, "interaction-lifecycle <prefix> <count> <perSecond>");
                return lifecycle(a.get(0), bounded(a.get(1), "count"), bounded(a.get(2), "perSecond"));
            case "interaction-release-all":
                need(a, 1, "interaction-release-all <prefix>");
                return "released " + acd.all().stream().filter(i -> i.id().startsWith(a.get(0)))
                        .filter(i -> acd.release(i.id())).count();
            default:
                return "unknown command '" + f + "'";
        }
    }

    private static void need(List<String> a, int n, String usage) {
        if (a.size() < n) {
            throw new IllegalArgumentException("usage: host:" + usage);
        }
    }

    private static int bounded(String text, String what) {
        int v = Integer.parseInt(text);
        if (v < 1 || v > MAX_LOAD) {
            throw new IllegalArgumentException(what + " must be 1.." + MAX_LOAD + ": " + text);
        }
        return v;
    }

    private static IllegalArgumentException unknown(String id) {
        return new IllegalArgumentException("no interaction " + id);
    }

    private static String rest(List<String> a, int from, String dflt) {
        return a.size() > from ? String.join(" ", a.subList(from, a.size())) : dflt;
    }

    private static QueueRef queue(String text) {
        return text.startsWith("user:") ? QueueRef.user(text.substring(5)) : QueueRef.workgroup(text);
    }

    private String list(Channel only) {
        StringBuilder b = new StringBuilder();
        for (Interaction i : acd.all()) {
            if (only == null || i.channel() == only) {
                b.append(line(i)).append('\n');
            }
        }
        return b.length() == 0 ? "no interactions" : b.toString().trim();
    }

    static String line(Interaction i) {
        return i.id() + " " + i.channel().key() + " " + i.state() + " " + i.queue()
                + (i.agent().isEmpty() ? "" : " agent=" + i.agent()) + " created=" + i.createdMillis() + " v"
                + i.version();
    }

    private static String show(Interaction i) {
        return line(i) + "\nattributes: " + new TreeMap<>(i.attributes()) + "\n" + canonical(i);
    }

    private String count(String prefix) {
        Map<Channel, Integer> n = new EnumMap<>(Channel.class);
        int total = 0;
        for (Interaction i : acd.all()) {
            if (i.id().startsWith(prefix)) {
                n.merge(i.channel(), 1, Integer::sum);
                total++;
            }
        }
        StringBuilder b = new StringBuilder();
        for (Channel c : Channel.values()) {
            b.append(c.key()).append('=').append(n.getOrDefault(c, 0)).append(' ');
        }
        return b.append("total=").append(total).toString();
    }

    /**
     * One line for the interactions whose id starts with {@code prefix}: how many, and a hash over their sorted
     * lines (id, channel, state, queue, agent, creation time, hash of the content), so two nodes compare in one line.
     */
    private static String digest(List<Interaction> of, String prefix) {
        StringBuilder b = new StringBuilder();
        List<Interaction> all = of.stream().filter(i -> i.id().startsWith(prefix))
                .sorted((x, y) -> x.id().compareTo(y.id())).toList();
        for (Interaction i : all) {
            b.append(i.id()).append(' ').append(i.channel().key()).append(' ').append(i.state()).append(' ')
                    .append(i.queue()).append(' ').append(i.agent().isEmpty() ? "-" : i.agent()).append(' ')
                    .append(i.createdMillis()).append(' ').append(hash(canonical(i))).append('\n');
        }
        return all.size() + " interactions, digest " + hash(b.toString());
    }

    /** The content in a form independent of map order, for the digest and {@code interaction-show}. */
    static String canonical(Interaction i) {
        if (i.content() instanceof MailContent m) {
            return "mail headers=" + new TreeMap<>(m.headers()) + "\nplain: " + m.plainBody() + "\nhtml: "
                    + m.htmlBody() + "\nattachments: " + m.attachments();
        }
        if (i.content() instanceof CallbackContent cb) {
            return "callback " + cb.number() + " requested=" + cb.requestedMillis() + " attempts=" + cb.attempts();
        }
        StringBuilder b = new StringBuilder("transcript:");
        for (Transcript.Entry e : ((Transcript) i.content()).entries()) {
            b.append("\n  ").append(e.atMillis()).append(' ').append(e.party()).append(' ').append(e.kind())
                    .append(e.complete() ? " " : " (in flight) ").append(e.text());
        }
        return b.toString();
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drives the simulated traffic on the calling thread. */
    private String load(String prefix, int perChannel, int perSecond) {
        long t0 = System.nanoTime();
        long periodNanos = 1_000_000_000L / perSecond;
        int done = 0;
        for (int k = 0; k < perChannel; k++) {
            for (Channel c : Channel.values()) {
                lifeOf(c, prefix + "-" + c.key() + "-" + k, k);
                done++;
            }
            long due = t0 + (k + 1) * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        return "loaded " + done + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms";
    }

    /** Interactions through their whole life, {@value #LIFE} at a time, on the calling thread. */
    private String lifecycle(String prefix, int count, int perSecond) {
        Channel[] mix = {Channel.MAIL, Channel.CHAT, Channel.CALLBACK};
        long t0 = System.nanoTime();
        long periodNanos = 1_000_000_000L / perSecond;
        int created = 0;
        int released = 0;
        try {
            for (int k = 0; k < count + LIFE; k++) {
                if (k < count) {
                    acd.create(mix[k % 3], prefix + "-" + k, QueueRef.workgroup(k % 2 == 0 ? "Sales" : "Support"),
                            "request " + k, System.currentTimeMillis());
                    created++;
                }
                int assign = k - LIFE / 3;
                if (assign >= 0 && assign < count) {
                    acd.assign(prefix + "-" + assign, "agent" + (assign % 7));
                }
                int end = k - 2 * LIFE / 3;
                if (end >= 0 && end < count) {
                    acd.state(prefix + "-" + end, InteractionState.DISCONNECTED);
                }
                int gone = k - LIFE;
                if (gone >= 0 && acd.release(prefix + "-" + gone)) {
                    released++;
                }
                long wait = t0 + (k + 1) * periodNanos - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        } catch (IllegalStateException e) {
            return "lifecycle " + prefix + " stopped after " + created + " created, " + released + " released: "
                    + e.getMessage();
        }
        return "lifecycle " + prefix + ": " + created + " created, " + released + " released";
    }

    private void lifeOf(Channel c, String id, int k) {
        long now = System.currentTimeMillis();
        String agent = "agent" + (k % 25);
        if (c == Channel.CALLBACK) {
            acd.create(c, id, QueueRef.workgroup("callbacks"), "+3315550" + k, now);
            return;
        }
        acd.create(c, id, QueueRef.workgroup(c == Channel.MAIL ? "mail" : "service"), "request " + k, now);
        acd.assign(id, agent);
        if (c != Channel.MAIL) {
            acd.say(id, Transcript.Entry.text(now + 1, agent, "hello, this is " + agent));
            acd.say(id, Transcript.Entry.text(now + 2, "customer", "about my order " + k));
        }
    }
}
