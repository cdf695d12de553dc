package org.switchover.recovery.internal;

import java.util.List;

import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.support.wire.MalformedMessageException;
import org.switchover.support.wire.WireReader;
import org.switchover.support.wire.WireWriter;

/**
 * The messages of the recovery protocol: a stream message (one change of one interaction), the backup's request for
 * a snapshot page, and the page (the last one is the completion marker with the counts). Every message starts with
 * a version byte; every read is bounded ({@link WireReader}). A page carries up to {@value #MAX_PAGE} interactions,
 * written into it and read from it in place: a full synchronisation moves hundreds of megabytes, and each copy of
 * them costs.
 */
final class RecoveryWire {

    static final int VERSION = 1;
    static final int MAX_PAGE = 10_000;
    static final int MAX_INTERACTION = 64 << 20;
    /**
     * About the most bytes of interactions a snapshot page carries (one interaction more than that at most). Below
     * half a G1 region of the smallest size (1 MiB): a larger page is a humongous allocation on both nodes - the
     * encoded page, the copy out of the network buffer - allocated straight into the old generation and freed only
     * by a concurrent cycle; pages of 2.8 MB (1,000 interactions) were that.
     */
    static final int PAGE_BYTES = 384 << 10;

    private RecoveryWire() {
    }

    /**
     * One change on a channel's stream.
     *
     * @param publishMicros the primary's wall clock when it published the change (µs), for the lag
     * @param liveCount the primary's live interactions of the channel after the change
     * @param id the interaction's id
     * @param version its version after the change
     * @param interaction the encoded interaction, null for a removal
     */
    record Change(long publishMicros, int liveCount, String id, long version, byte[] interaction) {
        boolean removal() {
            return interaction == null;
        }
    }

    /** A snapshot page request: the channel, the last id of the previous page ("" at first) and the page size. */
    record PageRequest(Channel channel, String afterId, int limit) {
    }

    /**
     * A snapshot page as the backup received it: the interactions stay in the message and are read in place.
     *
     * @param data the message
     * @param offsets where each encoded interaction starts in {@code data}, in id order
     * @param lengths the length of each
     * @param last true for the completion marker: no more pages
     * @param liveCount the primary's live interactions of the channel when it read the page
     * @param next the id to ask the next page after (the last id the primary read, admitted or not)
     */
    record Page(byte[] data, int[] offsets, int[] lengths, boolean last, int liveCount, String next) {
        /** @return the number of interactions on the page */
        int size() {
            return offsets.length;
        }
    }

    static byte[] change(Change c) {
        // sized exactly (for an ASCII id): growing from the default size copied each change twice, and trimming
        // once more (a flight recording's top frame on a busy stream)
        int size = 1 + 1 + 8 + 4 + 2 + c.id().length() + 8 + (c.removal() ? 0 : 4 + c.interaction().length);
        return WireWriter.encode(size, w -> {
            w.u8(VERSION).bool(c.removal()).i64(c.publishMicros()).i32(c.liveCount()).utf(c.id()).i64(c.version());
            if (!c.removal()) {
                w.blob(c.interaction());
            }
        });
    }

    static Change change(byte[] payload) throws MalformedMessageException {
        WireReader r = new WireReader(payload, "recovery stream message");
        r.version(VERSION);
        boolean removal = r.bool("removal");
        long micros = r.i64("publish time");
        int live = r.count("live count", Integer.MAX_VALUE);
        String id = r.utf("id");
        long version = r.i64("version");
        byte[] body = removal ? null : r.blob("interaction", MAX_INTERACTION);
        r.end();
        return new Change(micros, live, id, version, body);
    }

    static byte[] pageRequest(PageRequest p) {
        return WireWriter.encode(w -> w.u8(VERSION).u8(p.channel().ordinal()).utf(p.afterId()).i32(p.limit()));
    }

    static PageRequest pageRequest(byte[] payload) throws MalformedMessageException {
        WireReader r = new WireReader(payload, "recovery snapshot request");
        r.version(VERSION);
        int c = r.u8("channel");
        if (c >= Channel.values().length) {
            throw r.malformed("channel", "unknown channel " + c);
        }
        String after = r.utf("after id");
        int limit = r.count("limit", MAX_PAGE);
        r.end();
        return new PageRequest(Channel.values()[c], after, limit);
    }

    /**
     * Encodes a snapshot page, each interaction straight into the page (no array of its own).
     *
     * @param interactions the admitted interactions in id order
     * @param last true for the completion marker: no more pages
     * @param liveCount the primary's live interactions of the channel when it read the page
     * @param next the id to ask the next page after (the last id the primary read, admitted or not)
     */
    static byte[] page(List<Interaction> interactions, boolean last, int liveCount, String next) {
        // sized up front: a page is hundreds of kilobytes, growing a buffer from its default size copies it
        int size = 64 + 3 * next.length();
        for (Interaction i : interactions) {
            size += 4 + InteractionCodec.sizeHint(i);
        }
        return WireWriter.encode(size, w -> {
            w.u8(VERSION).bool(last).i32(liveCount).utf(next).i32(interactions.size());
            for (Interaction i : interactions) {
                w.blob(x -> InteractionCodec.write(x, i));
            }
        });
    }

    static Page page(byte[] payload) throws MalformedMessageException {
        WireReader r = new WireReader(payload, "recovery snapshot page");
        r.version(VERSION);
        boolean last = r.bool("last");
        int live = r.count("live count", Integer.MAX_VALUE);
        String next = r.utf("next");
        int n = r.count("interactions", MAX_PAGE);
        int[] offsets = new int[n];
        int[] lengths = new int[n];
        for (int k = 0; k < n; k++) {
            offsets[k] = r.skipBlob("interaction", MAX_INTERACTION);
            lengths[k] = r.position() - offsets[k];
        }
        r.end();
        return new Page(payload, offsets, lengths, last, live, next);
    }
}
