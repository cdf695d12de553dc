package org.switchover.notifier.internal;

/**
 * One decoded notifier frame. The header fields travel as JSON, the payload (for requests, responses and stream
 * data) as raw bytes after it. Instances are immutable apart from the payload arrays, which belong to the receiver.
 */
public sealed interface Message {

    /** Wire protocol spoken by this implementation; a peer announcing another one is refused at logon. */
    int PROTOCOL = 1;

    /** @return the kind written into the header's {@code kind} field. */
    default Kind kind() {
        return Kind.of(getClass());
    }

    /** @return the raw payload; empty for kinds without one. */
    default byte[] payload() {
        return EMPTY;
    }

    /** Shared empty payload. */
    byte[] EMPTY = new byte[0];

    /** Message kinds as they appear on the wire, each with the record that carries it. */
    enum Kind {
        HELLO(Hello.class), HELLO_ACK(HelloAck.class), HELLO_REFUSED(HelloRefused.class), REQUEST(Request.class),
        RESPONSE(Response.class), SUBSCRIBE(Subscribe.class), UNSUBSCRIBE(Unsubscribe.class), DATA(Data.class),
        RESYNC(Resync.class), ACK(Ack.class);

        private final Class<? extends Message> type;

        Kind(Class<? extends Message> type) {
            this.type = type;
        }

        /** @return the record carrying this kind */
        Class<? extends Message> type() {
            return type;
        }

        static Kind of(Class<?> type) {
            for (Kind k : values()) {
                if (k.type == type) {
                    return k;
                }
            }
            throw new IllegalArgumentException("not a message record: " + type.getName());
        }
    }

    /** Logon sent by the connecting side: node letter, link kind (MAIN, AUX, ONCE), protocol and release. */
    record Hello(String node, String link, int protocol, String version) implements Message {
    }

    /** Logon accepted. */
    record HelloAck() implements Message {
    }

    /** Logon refused; the connection closes after it. */
    record HelloRefused(String reason) implements Message {
    }

    /** A request: object id, event id, request id, sender label, payload. */
    record Request(String oid, String eid, long rid, String sender, byte[] payload) implements Message {
    }

    /** The answer to request {@code rid}: outcome REPLY (payload) or REJECTED (detail). */
    record Response(long rid, String outcome, String detail, byte[] payload) implements Message {
        /** Outcome text of an answered request. */
        public static final String REPLY = "REPLY";
        /** Outcome text of a refused request. */
        public static final String REJECTED = "REJECTED";
    }

    /** A follower asks for a stream after position {@code after} of {@code replicationId}. */
    record Subscribe(String stream, String replicationId, long after) implements Message {
    }

    /** A follower stops following a stream on this connection (extension: sent when a subscription closes). */
    record Unsubscribe(String stream) implements Message {
    }

    /** One stream message. */
    record Data(String stream, String replicationId, long seq, byte[] payload) implements Message {
    }

    /** The publisher cannot resume the follower: resynchronise, live messages follow after {@code head}. */
    record Resync(String stream, String replicationId, long head) implements Message {
    }

    /** The follower applied every message of the stream up to {@code seq}. */
    record Ack(String stream, long seq) implements Message {
    }
}
