package org.switchover.api.interaction;

/**
 * Something of one interaction that a promotion could not keep, for the recovery report.
 *
 * @param interactionId the interaction's id
 * @param what what was lost or changed, in words for an operator ("file transfer 'a.pdf' in flight: must be sent
 *     again")
 */
public record RestoreIssue(String interactionId, String what) {
}
