package org.switchover.core.internal;

/**
 * The primary's answer to PREPARE_SWITCH, or why there is none.
 *
 * @param request the manual request being carried out
 * @param proposedEpoch the epoch proposed to the primary
 * @param ack the primary's answer, null when there is none
 * @param failure why there is none
 */
record PrepareOutcome(SwitchRequest request, long proposedEpoch, Wire.PrepareAck ack, String failure) {
}
