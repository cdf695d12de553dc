package org.switchover.notifier.internal;

/**
 * One decoded notifier frame. The header fields travel as JSON, the payload (for requests, responses and stream
 * data) as raw bytes after it. Instances are immutable apart from the payload arrays, which belong to the receiver.
 */
public sealed interface Message {

    /** Wire protocol spoken by this implementation; a peer announcing another one is refused at logon. */
    int PROTOCOL = 1;

    /** @return the kind written into the header's {@code kind} field. */
    Kind kind();

    /** @return the raw payload; empty for kinds without one. */
    default byte[] payload() {
        return EMPTY;
    }

    /** Shared empty payload. */
    byte[] EMPTY = new byte[0];

    /** Message kinds as they appear on the wire. */
    enum Kind {
        HELLO, HELLO_ACK, HELLO_REFUSED, REQUEST, RESPONSE, SUBSCRIBE, UNSUBSCRIBE, DATA, RESYNC, ACK
    }

    /** Logon sent by the connecting side: node letter, link kind (MAIN, AUX, ONCE), protocol and release. */
    record Hello(String node, String link, int protocol, String version) implements Message {
        @Override
        public Kind kind() {
            return Kind.HELLO;
        }
    }

    /** Logon accepted. */
    record HelloAck() implements Message {
        @Override
        public Kind kind() {
            return Kind.HELLO_ACK;
        }
    }

    /** Logon refused; the connection closes after it. */
    record HelloRefused(String reason) implements Message {
        @Override
        public Kind kind() {
            return Kind.HELLO_REFUSED;
        }
    }

    /** A request: object id, event id, request id, sender label, payload. */
    record Request(String oid, String eid, long rid, String sender, byte[] payload) implements Message {
        @Override
        public Kind kind() {
            return Kind.REQUEST;
        }
    }

    /** The answer to request {@code rid}: outcome REPLY (payload) or REJECTED (detail). */
    record Response(long rid, String outcome, String detail, byte[] payload) implements Message {
        /** Outcome text of an answered request. */
        public static final String REPLY = "REPLY";
        /** Outcome text of a refused request. */
        public static final String REJECTED = "REJECTED";

        @Override
        public Kind kind() {
            return Kind.RESPONSE;
        }
    }

    /** A follower asks for a stream after position {@code after} of {@code replicationId}. */
    record Subscribe(String stream, String replicationId, long after) implements Message {
        @Override
        public Kind kind() {
            return Kind.SUBSCRIBE;
        }
    }

    /** A follower stops following a stream on this connection (extension: sent when a subscription closes). */
    record Unsubscribe(String stream) implements Message {
        @Override
        public Kind kind() {
            return Kind.UNSUBSCRIBE;
        }
    }

    /** One stream message. */
    record Data(String stream, String replicationId, long seq, byte[] payload) implements Message {
        @Override
        public Kind kind() {
            return Kind.DATA;
        }
    }

    /** The publisher cannot resume the follower: resynchronise, live messages follow after {@code head}. */
    record Resync(String stream, String replicationId, long head) implements Message {
        @Override
        public Kind kind() {
            return Kind.RESYNC;
        }
    }

    /** The follower applied every message of the stream up to {@code seq}. */
    record Ack(String stream, long seq) implements Message {
        @Override
        public Kind kind() {
            return Kind.ACK;
        }
    }
}
