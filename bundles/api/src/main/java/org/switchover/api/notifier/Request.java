package org.switchover.api.notifier;

/**
 * A request as a handler receives it.
 *
 * @param objectId the object addressed (the reference's Oid); "*" when none
 * @param eventId what is asked (the reference's Eid); selects the {@link RequestHandler}
 * @param requestId number unique per sender connection (the reference's ReqId)
 * @param senderId the sending node's letter and connection, e.g. "B/MAIN"
 * @param payload body bytes, never null (may be empty); owned by the receiver
 */
public record Request(String objectId, String eventId, long requestId, String senderId, byte[] payload) {
}
