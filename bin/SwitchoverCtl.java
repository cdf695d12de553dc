import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * switchoverctl: command-line control of one switchover node through its loopback control endpoint.
 *
 * <pre>
 * switchoverctl --node &lt;nodeDir&gt; status [--json]
 * switchoverctl --node &lt;nodeDir&gt; switch [--yes] [--immediate] [--ignore-warnings]
 * switchoverctl --node &lt;nodeDir&gt; shell &lt;command line...&gt;
 * </pre>
 *
 * The node writes {@code control.port} and {@code control.token} into its data directory ({@code <nodeDir>/data}
 * by default; {@code <nodeDir>} itself is tried first). One JSON request line goes out, one JSON reply line comes
 * back. Exit codes: 0 success, 1 refused or failed, 2 usage, 3 node not running, 4 no token, 5 not switched because
 * of switch warnings the caller did not accept.
 *
 * A switch while the node reports switch warnings (the backup found that file replication from the primary has
 * stopped): at a terminal the warnings are printed and the question asked again; with {@code --yes} or
 * {@code --immediate} the warnings are printed and nothing happens (exit 5) unless {@code --ignore-warnings} is
 * given too, so a script never switches past a warning silently.
 *
 * Single-file program for {@code java SwitchoverCtl.java} (JDK 17), no dependencies.
 */
public final class SwitchoverCtl {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int NOT_RUNNING = 3;
    static final int NO_TOKEN = 4;
    static final int WARNINGS = 5;
    static final String WARNING_QUESTION =
            "Recent changes on the primary (what the warnings name) may be missing on this node.";

    /** Ends the program with an exit code and a one-line reason. */
    static final class Exit extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int code;

        Exit(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals(TRAINING)) {
            Training.run();
            return;
        }
        try {
            System.exit(run(args));
        } catch (Exit e) {
            System.err.println("switchoverctl: " + e.getMessage());
            System.exit(e.code);
        }
    }

    static final String USAGE_TEXT = String.join("\n",
            "usage: switchoverctl --node <nodeDir> status [--json]",
            "       switchoverctl --node <nodeDir> switch [--yes] [--immediate] [--ignore-warnings]",
            "       switchoverctl --node <nodeDir> shell <command line...>",
            "  --node <dir>   the node directory (or its data directory) holding control.port and control.token",
            "  status         show node, role, state, epoch, peer, connections and the last switch reason",
            "  --json         print the status as one JSON object",
            "  switch         ask the node to switch (the backup takes over; on the primary the request is",
            "                 forwarded to the backup)",
            "  --yes          do not ask for confirmation",
            "  --immediate    skip the confirmation and the controlled hand-off: the backup takes over at once",
            "  --ignore-warnings  switch even while the node warns (e.g. file replication from the primary has",
            "                 stopped); without it a warning is printed and, at a terminal, the question asked",
            "                 again - with --yes/--immediate nothing happens (exit 5)",
            "  shell          run one Gogo shell command in the node (e.g. switchover:status, host:module-stop);",
            "                 every argument after 'shell' is part of the command line; prints its output",
            "exit codes: 0 ok, 1 refused/failed, 2 usage, 3 node not running, 4 no token,",
            "            5 not switched: switch warnings not accepted");

    static int run(String[] args) {
        String nodeDir = System.getenv("SWITCHOVER_NODE");
        String command = null;
        boolean json = false;
        boolean yes = false;
        boolean immediate = false;
        boolean ignoreWarnings = false;
        String shellLine = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("shell") && command == null) {
                // Everything after "shell" belongs to the command line, options included.
                command = a;
                shellLine = String.join(" ", java.util.Arrays.asList(args).subList(i + 1, args.length)).strip();
                break;
            }
            switch (a) {
                case "--node" -> {
                    if (i + 1 >= args.length) {
                        throw new Exit(USAGE, "--node needs a directory\n" + USAGE_TEXT);
                    }
                    nodeDir = args[++i];
                }
                case "--json" -> json = true;
                case "--yes", "-y" -> yes = true;
                case "--immediate" -> immediate = true;
                case "--ignore-warnings" -> ignoreWarnings = true;
                case "-h", "--help", "help" -> {
                    System.out.println(USAGE_TEXT);
                    return OK;
                }
                case "status", "switch", "shell" -> {
                    if (command != null) {
                        throw new Exit(USAGE, "more than one command given\n" + USAGE_TEXT);
                    }
                    command = a;
                }
                default -> throw new Exit(USAGE, "unknown argument '" + a + "'\n" + USAGE_TEXT);
            }
        }
        if (command == null) {
            throw new Exit(USAGE, "no command given\n" + USAGE_TEXT);
        }
        if (nodeDir == null || nodeDir.isBlank()) {
            throw new Exit(USAGE, "--node <nodeDir> is required\n" + USAGE_TEXT);
        }
        if (command.equals("shell") && (shellLine == null || shellLine.isEmpty())) {
            throw new Exit(USAGE, "shell needs a command line, e.g. shell switchover:status\n" + USAGE_TEXT);
        }
        Endpoint ep = Endpoint.find(Paths.get(nodeDir));
        if (command.equals("status")) {
            return status(ep, json);
        }
        if (command.equals("shell")) {
            return shell(ep, shellLine);
        }
        return doSwitch(ep, yes, immediate, ignoreWarnings);
    }

    // ---- commands ----

    @SuppressWarnings("unchecked")
    static int status(Endpoint ep, boolean json) {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("token", ep.token);
        req.put("cmd", "status");
        Map<String, Object> reply = ep.call(req, 15_000);
        if (!Boolean.TRUE.equals(reply.get("ok"))) {
            throw new Exit(REFUSED, "refused: " + reply.get("error"));
        }
        Object st = reply.get("status");
        if (!(st instanceof Map)) {
            throw new Exit(REFUSED, "the node's answer has no status object");
        }
        Map<String, Object> s = (Map<String, Object>) st;
        if (json) {
            System.out.println(Json.write(s));
            return OK;
        }
        Map<String, Object> peer = s.get("peer") instanceof Map ? (Map<String, Object>) s.get("peer") : Map.of();
        Map<String, Object> conns = s.get("connections") instanceof Map
                ? (Map<String, Object>) s.get("connections") : Map.of();
        System.out.printf("Node        : %s (release %s)%n", s.get("node"), s.get("version"));
        System.out.printf("Role        : %s   State: %s   Epoch: %s%n", s.get("role"), s.get("state"), s.get("epoch"));
        System.out.printf("Peer        : %s at %s, %s%s%n", peer.get("node"), peer.get("address"), peer.get("state"),
                peer.containsKey("epoch") ? " (epoch " + peer.get("epoch") + ")" : "");
        System.out.printf("Connections : MAIN %s, AUX %s%n", conns.get("main"), conns.get("aux"));
        if ("BACKUP".equals(s.get("role"))) {
            System.out.printf("Auto switch : %s%s%n", Boolean.TRUE.equals(s.get("automaticSwitch")) ? "yes" : "no",
                    Boolean.TRUE.equals(s.get("manualSwitchOnly")) ? " (manual switch only)"
                            : String.valueOf(s.get("state")).startsWith("UPGRADE") ? " (upgrade state)" : "");
        }
        System.out.printf("Decision    : %s%n", s.get("lastDecision"));
        System.out.printf("Last reason : %s%n", s.get("lastSwitchReason"));
        if (s.get("error") != null) {
            System.out.printf("Error       : %s%n", s.get("error"));
        }
        if (s.get("warnings") instanceof List<?> warnings) {
            for (Object w : warnings) {
                System.out.printf("WARNING     : %s%n", w);
            }
        }
        return OK;
    }

    @SuppressWarnings("unchecked")
    static int doSwitch(Endpoint ep, boolean yes, boolean immediate, boolean ignoreWarnings) {
        // Like the reference's /Immediate: switch at once, no question asked.
        boolean interactive = !yes && !immediate;
        Console console = System.console();
        if (interactive) {
            if (console == null) {
                throw new Exit(REFUSED, "refused: a switch needs confirmation; add --yes when not at a terminal");
            }
            String answer = console.readLine("Are you sure you want to initiate a switchover to the backup? [y/N] ");
            if (answer == null || !(answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"))) {
                throw new Exit(REFUSED, "refused: switch not confirmed");
            }
        }
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("token", ep.token);
        req.put("cmd", "switch");
        req.put("confirmed", true);
        req.put("immediate", immediate);
        req.put("requestedBy", "switchoverctl (" + System.getProperty("user.name", "?") + ")");
        req.put("acceptWarnings", ignoreWarnings);
        Map<String, Object> reply = ep.call(req, 90_000);
        if (Boolean.TRUE.equals(reply.get("warningsNotAccepted"))) {
            // Nothing happened on the node: show the warnings, then ask again (or stop, when not interactive).
            if (reply.get("warnings") instanceof List<?> warnings && !warnings.isEmpty()) {
                for (Object w : warnings) {
                    System.out.println("WARNING: " + w);
                }
            } else {
                System.out.println("WARNING: " + reply.get("error"));
            }
            System.out.flush();
            if (!interactive) {
                throw new Exit(WARNINGS, "not switched: " + WARNING_QUESTION
                        + " Add --ignore-warnings to switch anyway.");
            }
            String again = console.readLine(WARNING_QUESTION + " Switch anyway? [y/N] ");
            if (again == null || !(again.trim().equalsIgnoreCase("y") || again.trim().equalsIgnoreCase("yes"))) {
                throw new Exit(WARNINGS, "refused: switch cancelled because of the warnings");
            }
            req.put("acceptWarnings", true);
            reply = ep.call(req, 90_000);
        }
        Object result = reply.get("result");
        Map<String, Object> r = result instanceof Map ? (Map<String, Object>) result : Map.of();
        if (!Boolean.TRUE.equals(reply.get("ok"))) {
            throw new Exit(REFUSED, "refused: " + (reply.get("error") != null ? reply.get("error") : r.get("detail")));
        }
        System.out.printf("Switched (%s, epoch %s): %s%n", r.get("mode"), r.get("epoch"), r.get("detail"));
        return OK;
    }

    static int shell(Endpoint ep, String line) {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("token", ep.token);
        req.put("cmd", "shell");
        req.put("line", line);
        // The node gives a line 75 s (a switch inside it waits up to 60 s).
        Map<String, Object> reply = ep.call(req, 90_000);
        Object output = reply.get("output");
        if (output != null && !String.valueOf(output).isEmpty()) {
            String text = String.valueOf(output);
            System.out.print(text.endsWith("\n") ? text : text + "\n");
            System.out.flush();
        }
        if (!Boolean.TRUE.equals(reply.get("ok"))) {
            throw new Exit(REFUSED, "refused: " + reply.get("error"));
        }
        return OK;
    }

    // ---- the endpoint ----

    /** Only bin/switchoverctl passes it, once, when it records the class-data-sharing archive. */
    static final String TRAINING = "--record-archive-training";

    /**
     * The archive's training run: status calls (text and JSON) against a throw-away endpoint on loopback that
     * answers like a node, so the archive holds the classes of the networking and JSON paths a real call loads,
     * not only those of the usage text. Output goes nowhere; any failure only makes the archive smaller.
     */
    static final class Training {
        private static final String REPLY = "{\"ok\":true,\"status\":{\"node\":\"A\",\"version\":\"1.0.0\","
                + "\"role\":\"BACKUP\",\"state\":\"BACKUP\",\"epoch\":3,\"automaticSwitch\":true,"
                + "\"peer\":{\"node\":\"B\",\"address\":\"127.0.0.1:3643\",\"state\":\"PRIMARY\",\"ageMillis\":1.5e2},"
                + "\"connections\":{\"main\":\"ACTIVE\",\"aux\":\"ACTIVE\"},\"lastDecision\":null,"
                + "\"lastSwitchReason\":\"Manual Switchover - \\u00e9\\\"x\\\"\",\"warnings\":[\"w\"],\"lag\":[-1,0.5,false]}}\n";

        static void run() {
            java.io.PrintStream out = System.out;
            Path dir = null;
            try (java.net.ServerSocket server = new java.net.ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
                dir = Files.createTempDirectory("switchoverctl-training");
                Files.writeString(dir.resolve("control.port"), Integer.toString(server.getLocalPort()));
                Files.writeString(dir.resolve("control.token"), "training");
                server.setSoTimeout(5_000);
                Thread answer = new Thread(() -> {
                    for (int k = 0; k < 2; k++) {
                        try (Socket s = server.accept()) {
                            Endpoint.readLine(s.getInputStream());
                            s.getOutputStream().write(REPLY.getBytes(StandardCharsets.UTF_8));
                        } catch (IOException e) {
                            return;
                        }
                    }
                });
                answer.start();
                System.setOut(new java.io.PrintStream(OutputStream.nullOutputStream()));
                SwitchoverCtl.run(new String[] {"--node", dir.toString(), "status", "--json"});
                SwitchoverCtl.run(new String[] {"--node", dir.toString(), "status"});
                answer.join(5_000);
            } catch (IOException | RuntimeException e) {
                // a smaller archive, nothing worse
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                System.setOut(out);
                if (dir != null) {
                    for (String f : List.of("control.port", "control.token", "")) {
                        try {
                            Files.deleteIfExists(f.isEmpty() ? dir : dir.resolve(f));
                        } catch (IOException e) {
                            // a temporary directory left behind
                        }
                    }
                }
            }
        }
    }

    static final class Endpoint {
        final int port;
        /** Attempts of a request the node answered "busy" (it did not act on it). */
        static final int BUSY_ATTEMPTS = 10;

        final String token;

        Endpoint(int port, String token) {
            this.port = port;
            this.token = token;
        }

        static Endpoint find(Path nodeDir) {
            if (!Files.isDirectory(nodeDir)) {
                throw new Exit(NOT_RUNNING, "node not running: " + nodeDir + " is not a directory");
            }
            Path dir = null;
            for (Path candidate : List.of(nodeDir, nodeDir.resolve("data"))) {
                if (Files.exists(candidate.resolve("control.port"))) {
                    dir = candidate;
                    break;
                }
            }
            if (dir == null) {
                throw new Exit(NOT_RUNNING, "node not running: no control.port in " + nodeDir + " or "
                        + nodeDir.resolve("data"));
            }
            int port;
            try {
                String text = Files.readString(dir.resolve("control.port"), StandardCharsets.US_ASCII).strip();
                port = Integer.parseInt(text);
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException(text);
                }
            } catch (IOException | NumberFormatException e) {
                throw new Exit(NOT_RUNNING, "node not running: unreadable " + dir.resolve("control.port") + " ("
                        + e.getMessage() + ")");
            }
            String token;
            try {
                token = Files.readString(dir.resolve("control.token"), StandardCharsets.US_ASCII).strip();
            } catch (NoSuchFileException e) {
                throw new Exit(NO_TOKEN, "no token: " + dir.resolve("control.token") + " does not exist");
            } catch (IOException e) {
                throw new Exit(NO_TOKEN, "no token: cannot read " + dir.resolve("control.token") + " ("
                        + e.getMessage() + "; it is readable by the node's owner only)");
            }
            if (token.isEmpty()) {
                throw new Exit(NO_TOKEN, "no token: " + dir.resolve("control.token") + " is empty");
            }
            return new Endpoint(port, token);
        }

        /**
         * Sends one request. An answer "busy: ..." means the node did not act on it (the endpoint was full, or its
         * queue was): asked again, a few times within about 3 s, so that clients crowding the endpoint cannot keep
         * the operator out.
         */
        Map<String, Object> call(Map<String, Object> request, int readTimeoutMillis) {
            byte[] line = (Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8);
            Map<String, Object> reply = null;
            for (int attempt = 1; attempt <= BUSY_ATTEMPTS; attempt++) {
                reply = callOnce(line, readTimeoutMillis);
                Object error = reply.get("error");
                if (!Boolean.FALSE.equals(reply.get("ok")) || !(error instanceof String e) || !e.startsWith("busy:")) {
                    return reply;
                }
                try {
                    Thread.sleep(Math.min(500L, 20L * attempt * attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return reply;
                }
            }
            return reply;
        }

        private Map<String, Object> callOnce(byte[] request, int readTimeoutMillis) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 3_000);
                // the whole line at once, right after the connect: a pending connection is what gets pushed out
                OutputStream out = s.getOutputStream();
                out.write(request);
                out.flush();
                s.setSoTimeout(readTimeoutMillis);
                String line = readLine(s.getInputStream());
                if (line.isEmpty()) {
                    throw new Exit(REFUSED, "the node closed the connection without an answer");
                }
                Object v;
                try {
                    v = Json.parse(line);
                } catch (IllegalArgumentException e) {
                    throw new Exit(REFUSED, "the node's answer is not JSON: " + e.getMessage());
                }
                if (!(v instanceof Map)) {
                    throw new Exit(REFUSED, "the node's answer is not a JSON object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) v;
                return m;
            } catch (ConnectException e) {
                throw new Exit(NOT_RUNNING, "node not running: cannot connect to 127.0.0.1:" + port + " ("
                        + e.getMessage() + ")");
            } catch (SocketTimeoutException e) {
                throw new Exit(REFUSED, "no answer from the node within " + readTimeoutMillis / 1000 + " s");
            } catch (IOException e) {
                throw new Exit(NOT_RUNNING, "node not reachable on 127.0.0.1:" + port + " (" + e + ")");
            }
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (buf.size() > 16 * 1024 * 1024) {
                    throw new IOException("answer too long");
                }
                buf.write(b);
            }
            return buf.toString(StandardCharsets.UTF_8).strip();
        }
    }

    // ---- minimal JSON (objects, arrays, strings, numbers, booleans, null) ----

    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json p = new Json(text);
            p.ws();
            Object v = p.value(0);
            p.ws();
            if (p.i != p.s.length()) {
                throw new IllegalArgumentException("trailing characters at " + p.i);
            }
            return v;
        }

        private Object value(int depth) {
            if (depth > 64) {
                throw new IllegalArgumentException("nested too deeply");
            }
            if (i >= s.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    ws();
                    if (peek('}')) {
                        i++;
                        return m;
                    }
                    while (true) {
                        ws();
                        String k = string();
                        ws();
                        expect(':');
                        ws();
                        m.put(k, value(depth + 1));
                        ws();
                        if (peek(',')) {
                            i++;
                            continue;
                        }
                        expect('}');
                        return m;
                    }
                }
                case '[': {
                    i++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (peek(']')) {
                        i++;
                        return l;
                    }
                    while (true) {
                        ws();
                        l.add(value(depth + 1));
                        ws();
                        if (peek(',')) {
                            i++;
                            continue;
                        }
                        expect(']');
                        return l;
                    }
                }
                case '"':
                    return string();
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return null;
                default:
                    return number();
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    if (i >= s.length()) {
                        break;
                    }
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            if (i + 4 > s.length()) {
                                throw new IllegalArgumentException("bad \\u escape");
                            }
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
            throw new IllegalArgumentException("unterminated string");
        }

        private Object number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String t = s.substring(start, i);
            if (t.isEmpty()) {
                throw new IllegalArgumentException("unexpected '" + s.charAt(start) + "' at " + start);
            }
            try {
                if (t.contains(".") || t.contains("e") || t.contains("E")) {
                    return Double.parseDouble(t);
                }
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad number '" + t + "'");
            }
        }

        private void literal(String word) {
            if (!s.startsWith(word, i)) {
                throw new IllegalArgumentException("unexpected text at " + i);
            }
            i += word.length();
        }

        private boolean peek(char c) {
            return i < s.length() && s.charAt(i) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw new IllegalArgumentException("expected '" + c + "' at " + i);
            }
            i++;
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        static String write(Object v) {
            StringBuilder b = new StringBuilder();
            write(v, b);
            return b.toString();
        }

        @SuppressWarnings("unchecked")
        private static void write(Object v, StringBuilder b) {
            if (v == null) {
                b.append("null");
            } else if (v instanceof String str) {
                b.append('"');
                for (char c : str.toCharArray()) {
                    switch (c) {
                        case '"' -> b.append("\\\"");
                        case '\\' -> b.append("\\\\");
                        case '\n' -> b.append("\\n");
                        case '\r' -> b.append("\\r");
                        case '\t' -> b.append("\\t");
                        default -> {
                            if (c < 0x20) {
                                b.append(String.format("\\u%04x", (int) c));
                            } else {
                                b.append(c);
                            }
                        }
                    }
                }
                b.append('"');
            } else if (v instanceof Map<?, ?> m) {
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        b.append(',');
                    }
                    first = false;
                    write(String.valueOf(e.getKey()), b);
                    b.append(':');
                    write(e.getValue(), b);
                }
                b.append('}');
            } else if (v instanceof List<?> l) {
                b.append('[');
                for (int k = 0; k < l.size(); k++) {
                    if (k > 0) {
                        b.append(',');
                    }
                    write(l.get(k), b);
                }
                b.append(']');
            } else {
                b.append(v);
            }
        }
    }
}
