package org.switchover.api.interaction;

/**
 * What an interaction carries besides its routing data: a {@link MailContent}, a {@link Transcript} (chat, SMS,
 * social) or a {@link CallbackContent}. Immutable.
 */
public sealed interface InteractionContent permits MailContent, Transcript, CallbackContent {
}
