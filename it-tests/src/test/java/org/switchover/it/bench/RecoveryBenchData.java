package org.switchover.it.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.switchover.api.interaction.CallbackContent;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionContent;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.MailContent;
import org.switchover.api.interaction.QueueRef;
import org.switchover.api.interaction.Transcript;

/**
 * Interactions of realistic size for {@link RecoveryBench}: emails with a dozen headers, a plain and an HTML body
 * (a few KiB in all) and up to three attachment references; chat, social and direct-message transcripts of 10–30
 * lines, SMS of 10–20 short lines; small callbacks. Text is drawn word by word from a small vocabulary, so it
 * compresses about like prose. To keep the primary's own heap small when it holds a million interactions, the
 * contents come from a pool ({@value #POOL} per channel) shared between interactions; every interaction has its own
 * id, routing and version, and the backup keeps its own copy of each one (it receives them encoded).
 */
final class RecoveryBenchData {

    static final int POOL = 2000;
    static final long T0 = 1_780_000_000_000L;
    /** Channel mix of the load: mail 30 %, chat 25 %, callback 10 %, SMS 15 %, social 10 %, direct message 10 %. */
    private static final int[] MIX = {30, 25, 10, 15, 10, 10};
    private static final String[] WORDS = ("the a to and of in for on is it with you we your our this that be can "
            + "order account invoice delivery refund payment card number please thank thanks help issue problem "
            + "since yesterday today week month still not received working again tried already reset password "
            + "login email address phone update change cancel subscription plan price charge twice error message "
            + "screen app website store package tracking status support team agent customer service would like "
            + "know when how why could check confirm soon possible regards kind best hello hi dear sorry "
            + "inconvenience understand details attached screenshot copy receipt reference ticket case follow "
            + "up escalate manager shipping address billing date time morning afternoon evening").split(" ");
    private static final String[] AGENTS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    private static final String[] QUEUES = {"Support-EN", "Support-DE", "Billing", "Sales", "Returns", "VIP"};

    private final Random random = new Random(11);
    private final Map<Channel, List<InteractionContent>> pools = new LinkedHashMap<>();
    private final List<Map<String, String>> attributes = new ArrayList<>();

    RecoveryBenchData() {
        for (int k = 0; k < 64; k++) {
            attributes.add(Map.of("customer.id", String.format("C%07d", random.nextInt(10_000_000)),
                    "lang", k % 3 == 0 ? "de" : "en", "priority", Integer.toString(1 + k % 5),
                    "segment", k % 4 == 0 ? "gold" : "standard"));
        }
        for (Channel c : Channel.values()) {
            List<InteractionContent> pool = new ArrayList<>(POOL);
            for (int k = 0; k < POOL; k++) {
                pool.add(content(c, k));
            }
            pools.put(c, pool);
        }
    }

    /** @return the channel of the {@code n}-th interaction of the mix */
    static Channel channelOf(long n) {
        int slot = (int) (n % 100);
        for (int c = 0; c < MIX.length; c++) {
            if (slot < MIX[c]) {
                return Channel.values()[c];
            }
            slot -= MIX[c];
        }
        throw new IllegalStateException();
    }

    static String id(Channel c, long n) {
        return String.format("%s-%010d", c.key(), n);
    }

    /** @return the {@code n}-th interaction (version 0: the source sets it) */
    Interaction interaction(long n) {
        Channel c = channelOf(n);
        int k = (int) (n * 2654435761L >>> 7);
        InteractionState state = InteractionState.values()[Math.floorMod(k, 5)];
        String agent = state == InteractionState.QUEUED ? "" : AGENTS[Math.floorMod(k >> 3, AGENTS.length)];
        QueueRef queue = agent.isEmpty() || Math.floorMod(k >> 6, 3) == 0
                ? QueueRef.workgroup(QUEUES[Math.floorMod(k >> 9, QUEUES.length)]) : QueueRef.user(agent);
        return new Interaction(id(c, n), c, state, queue, agent, T0 - Math.floorMod(k, 3_600_000), 0,
                attributes.get(Math.floorMod(k >> 12, attributes.size())),
                pools.get(c).get(Math.floorMod(k >> 4, POOL)));
    }

    /** @return {@code i} after one typical change of its channel: a new line, a routing step, an attempt */
    Interaction change(Interaction i, int k) {
        if (i.content() instanceof Transcript t && t.entries().size() < 60) {
            String party = k % 2 == 0 ? "customer" : i.agent().isEmpty() ? "system" : i.agent();
            return i.withContent(t.with(Transcript.Entry.text(T0 + k, party,
                    sentence(java.util.concurrent.ThreadLocalRandom.current(), 4, 20))));
        }
        if (i.content() instanceof CallbackContent cb) {
            return i.withContent(new CallbackContent(cb.number(), cb.requestedMillis(), cb.attempts() + 1));
        }
        String agent = AGENTS[Math.floorMod(k, AGENTS.length)];
        return i.routed(InteractionState.values()[Math.floorMod(k, 5)], QueueRef.user(agent), agent);
    }

    private InteractionContent content(Channel c, int k) {
        switch (c) {
            case MAIL:
                return mail(k);
            case CALLBACK:
                return new CallbackContent(String.format("+49 30 %04d %04d", random.nextInt(10_000),
                        random.nextInt(10_000)), T0 + random.nextInt(86_400_000), random.nextInt(3));
            case SMS:
                return transcript(10 + random.nextInt(11), 3, 25);
            default:
                return transcript(10 + random.nextInt(21), 3, 30);
        }
    }

    private MailContent mail(int k) {
        String from = AGENTS[k % AGENTS.length] + ".customer" + k + "@mail.example.org";
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Received", "from mx" + k % 7 + ".mail.example.org (mx" + k % 7 + ".mail.example.org [192.0.2."
                + k % 250 + "]) by inbound.acme.example with ESMTPS id " + Long.toHexString(random.nextLong())
                + " for <support@acme.example>; Sat, 5 Dec 2026 07:" + k % 60 + ":12 +0000");
        h.put("Received-2", "from client (unknown [198.51.100." + k % 250 + "]) by mx" + k % 7
                + ".mail.example.org with ESMTPSA id " + Long.toHexString(random.nextLong()));
        h.put("From", "Customer " + k + " <" + from + ">");
        h.put("To", "Acme Support <support@acme.example>");
        h.put("Subject", "Re: " + sentence(4, 10));
        h.put("Date", "Sat, 5 Dec 2026 07:" + k % 60 + ":03 +0000");
        h.put("Message-ID", "<" + Long.toHexString(random.nextLong()) + "." + k + "@mail.example.org>");
        h.put("In-Reply-To", "<" + Long.toHexString(random.nextLong()) + "@acme.example>");
        h.put("References", "<" + Long.toHexString(random.nextLong()) + "@acme.example> <"
                + Long.toHexString(random.nextLong()) + "@acme.example>");
        h.put("MIME-Version", "1.0");
        h.put("Content-Type", "multipart/mixed; boundary=\"b1_" + Long.toHexString(random.nextLong()) + "\"");
        h.put("X-Mailer", "Example Mail 9.1");
        StringBuilder plain = new StringBuilder();
        StringBuilder html = new StringBuilder("<html><head><meta charset=\"utf-8\"></head><body>");
        int paragraphs = 3 + random.nextInt(6);
        for (int p = 0; p < paragraphs; p++) {
            StringBuilder para = new StringBuilder();
            for (int s = 2 + random.nextInt(4); s > 0; s--) {
                para.append(sentence(6, 18)).append(' ');
            }
            plain.append(para).append("\n\n");
            html.append("<p style=\"margin:0 0 12px 0\">").append(para).append("</p>");
        }
        plain.append("-- \nCustomer ").append(k).append('\n');
        html.append("<div class=\"signature\">Customer ").append(k).append("</div></body></html>");
        List<MailContent.Attachment> attachments = new ArrayList<>();
        for (int a = random.nextInt(4); a > 0; a--) {
            boolean draft = random.nextInt(20) == 0;
            String name = (a == 1 ? "screenshot-" : "invoice-") + k + (a == 1 ? ".png" : ".pdf");
            attachments.add(new MailContent.Attachment(name, a == 1 ? "image/png" : "application/pdf",
                    10_000 + random.nextInt(2_000_000), draft ? "" : "store://mail/2026/12/05/"
                    + Long.toHexString(random.nextLong()) + "/" + name, draft));
        }
        return new MailContent(h, plain.toString(), html.toString(), attachments);
    }

    private Transcript transcript(int lines, int minWords, int maxWords) {
        List<Transcript.Entry> entries = new ArrayList<>(lines);
        String agent = AGENTS[random.nextInt(AGENTS.length)];
        entries.add(new Transcript.Entry(T0, "system", Transcript.Kind.STATUS, agent + " joined the conversation",
                true));
        for (int k = 1; k < lines; k++) {
            entries.add(Transcript.Entry.text(T0 + k * 15_000L, k % 2 == 0 ? agent : "customer",
                    sentence(minWords, maxWords)));
        }
        return new Transcript(entries);
    }

    private String sentence(int min, int max) {
        return sentence(random, min, max);
    }

    private static String sentence(Random random, int min, int max) {
        int n = min + random.nextInt(max - min + 1);
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < n; k++) {
            String w = WORDS[random.nextInt(WORDS.length)];
            b.append(k == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w).append(k == n - 1 ? '.' : ' ');
        }
        return b.toString();
    }
}
