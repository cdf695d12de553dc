package org.switchover.recovery.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.switchover.api.interaction.CallbackContent;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionContent;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.MailContent;
import org.switchover.api.interaction.QueueRef;
import org.switchover.api.interaction.Transcript;
import org.switchover.support.wire.MalformedMessageException;
import org.switchover.support.wire.RepeatedNames;
import org.switchover.support.wire.WireReader;
import org.switchover.support.wire.WireWriter;

/**
 * The binary form of one interaction: what a stream message and a snapshot page carry, and what the backup keeps as
 * the shadow (serialized, so a shadow costs its encoded size plus one map entry). The version comes first, as 8
 * bytes, so the backup compares versions without decoding. Long texts (bodies, transcript lines) are length-prefixed
 * UTF-8, not {@code writeUTF}, which stops at 64 KiB.
 */
final class InteractionCodec {

    static final int FORMAT = 1;
    static final String WHAT = "recovery interaction";
    /** Bounds that keep a hostile or broken peer from making the backup allocate without end. */
    static final int MAX_TEXT = 16 << 20;
    static final int MAX_ITEMS = 100_000;
    /** The enums' values, read once ({@code values()} copies its array at every call). */
    private static final Channel[] CHANNELS = Channel.values();
    private static final InteractionState[] STATES = InteractionState.values();
    private static final QueueRef.Kind[] QUEUE_KINDS = QueueRef.Kind.values();
    private static final Transcript.Kind[] ENTRY_KINDS = Transcript.Kind.values();

    private InteractionCodec() {
    }

    static byte[] encode(Interaction i) {
        return WireWriter.encode(sizeHint(i), w -> write(w, i));
    }

    /** Appends the encoded form of {@code i} to {@code w} (a snapshot page encodes its interactions in place). */
    static void write(WireWriter w, Interaction i) throws IOException {
        w.i64(i.version()).u8(FORMAT).utf(i.id()).u8(i.channel().ordinal()).u8(i.state().ordinal())
                .u8(i.queue().kind().ordinal()).utf(i.queue().name()).utf(i.agent()).i64(i.createdMillis());
        w.i32(i.attributes().size());
        for (Map.Entry<String, String> a : i.attributes().entrySet()) {
            w.text(a.getKey()).text(a.getValue());
        }
        writeContent(w, i.content());
    }

    /** @return about the encoded size (a character counted as a byte: most text is ASCII), to size the buffer */
    static int sizeHint(Interaction i) {
        int n = 128 + i.id().length();
        for (Map.Entry<String, String> a : i.attributes().entrySet()) {
            n += 8 + a.getKey().length() + a.getValue().length();
        }
        if (i.content() instanceof MailContent m) {
            n += m.plainBody().length() + m.htmlBody().length() + 64 * m.attachments().size();
            for (Map.Entry<String, String> h : m.headers().entrySet()) {
                n += 8 + h.getKey().length() + h.getValue().length();
            }
        } else if (i.content() instanceof Transcript t) {
            for (Transcript.Entry e : t.entries()) {
                n += 24 + e.party().length() + e.text().length();
            }
        }
        return n;
    }

    private static void writeContent(WireWriter w, InteractionContent c) throws IOException {
        if (c instanceof MailContent m) {
            w.i32(m.headers().size());
            for (Map.Entry<String, String> h : m.headers().entrySet()) {
                w.text(h.getKey()).text(h.getValue());
            }
            w.text(m.plainBody()).text(m.htmlBody());
            w.i32(m.attachments().size());
            for (MailContent.Attachment a : m.attachments()) {
                w.text(a.name()).text(a.mimeType()).i64(a.size()).text(a.location()).bool(a.draft());
            }
        } else if (c instanceof Transcript t) {
            w.i32(t.entries().size());
            for (Transcript.Entry e : t.entries()) {
                w.i64(e.atMillis()).text(e.party()).u8(e.kind().ordinal()).text(e.text()).bool(e.complete());
            }
        } else if (c instanceof CallbackContent cb) {
            w.text(cb.number()).i64(cb.requestedMillis()).i32(cb.attempts());
        }
    }

    private static String text(WireReader r, String field) throws MalformedMessageException {
        return r.text(field, MAX_TEXT);
    }

    /** A text that repeats across interactions (a name, a party): shared with the equal one decoded before. */
    private static String name(WireReader r, RepeatedNames names, String field) throws MalformedMessageException {
        return r.text(field, MAX_TEXT, names);
    }

    /** @return the version of an encoded interaction (its first 8 bytes) */
    static long version(byte[] encoded) throws MalformedMessageException {
        return version(encoded, 0, encoded.length);
    }

    /** @return the version of the interaction encoded in {@code length} bytes of {@code data} from {@code offset} */
    static long version(byte[] data, int offset, int length) throws MalformedMessageException {
        return new WireReader(data, offset, length, WHAT).i64("version");
    }

    /** @return the id of an encoded interaction, read from its header without decoding the rest */
    static String id(byte[] encoded) throws MalformedMessageException {
        return id(encoded, 0, encoded.length);
    }

    /** @return the id of the interaction encoded in {@code length} bytes of {@code data} from {@code offset} */
    static String id(byte[] data, int offset, int length) throws MalformedMessageException {
        WireReader r = new WireReader(data, offset, length, WHAT);
        r.i64("version");
        r.version(FORMAT);
        return r.utf("id");
    }

    static Interaction decode(byte[] bytes) throws MalformedMessageException {
        return decode(bytes, 0, bytes.length);
    }

    /** @return the interaction encoded in {@code length} bytes of {@code data} from {@code offset} */
    static Interaction decode(byte[] data, int offset, int length) throws MalformedMessageException {
        WireReader r = new WireReader(data, offset, length, WHAT);
        long version = r.i64("version");
        r.version(FORMAT);
        String id = r.utf("id");
        Channel channel = pick(r, CHANNELS, "channel");
        InteractionState state = pick(r, STATES, "state");
        QueueRef.Kind kind = pick(r, QUEUE_KINDS, "queue kind");
        // looked up once per interaction: a thread-local lookup per name was a tenth of a promotion's samples
        RepeatedNames names = RepeatedNames.forThisThread();
        // queue and agent names repeat across thousands of interactions: shared like the other names
        QueueRef queue = new QueueRef(kind, r.utf("queue name", names));
        String agent = r.utf("agent", names);
        long created = r.i64("created");
        int n = r.count("attributes", MAX_ITEMS);
        Map<String, String> attributes = new HashMap<>(n * 2);
        for (int k = 0; k < n; k++) {
            attributes.put(name(r, names, "attribute name"), name(r, names, "attribute value"));
        }
        InteractionContent content = switch (channel) {
            case MAIL -> readMail(r, names);
            case CALLBACK -> new CallbackContent(text(r, "callback number"), r.i64("requested"), r.i32("attempts"));
            default -> readTranscript(r, names);
        };
        r.end();
        return new Interaction(id, channel, state, queue, agent, created, version, attributes, content);
    }

    private static MailContent readMail(WireReader r, RepeatedNames names) throws MalformedMessageException {
        int n = r.count("headers", MAX_ITEMS);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int k = 0; k < n; k++) {
            headers.put(name(r, names, "header name"), text(r, "header value"));
        }
        String plain = text(r, "plain body");
        String html = text(r, "html body");
        int a = r.count("attachments", MAX_ITEMS);
        List<MailContent.Attachment> attachments = new ArrayList<>(a);
        for (int k = 0; k < a; k++) {
            attachments.add(new MailContent.Attachment(text(r, "attachment name"), name(r, names, "attachment type"),
                    r.i64("attachment size"), text(r, "attachment location"), r.bool("attachment draft")));
        }
        return new MailContent(headers, plain, html, attachments);
    }

    private static Transcript readTranscript(WireReader r, RepeatedNames names) throws MalformedMessageException {
        int n = r.count("transcript entries", MAX_ITEMS);
        List<Transcript.Entry> entries = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            long at = r.i64("entry time");
            String party = name(r, names, "entry party");
            Transcript.Kind kind = pick(r, ENTRY_KINDS, "entry kind");
            entries.add(new Transcript.Entry(at, party, kind, text(r, "entry text"), r.bool("entry complete")));
        }
        return new Transcript(entries);
    }

    private static <E> E pick(WireReader r, E[] values, String field) throws MalformedMessageException {
        int k = r.u8(field);
        if (k >= values.length) {
            throw r.malformed(field, "unknown value " + k);
        }
        return values[k];
    }
}
