package org.switchover.api.interaction;

import java.util.Locale;

/** The interaction channels the recovery service shadows, one channel bundle and one parameter each. */
public enum Channel {
    /** Email. */
    MAIL,
    /** Web chat (and intercom chat). */
    CHAT,
    /** Callback request. */
    CALLBACK,
    /** ACD SMS. */
    SMS,
    /** Social-media conversation (Facebook, Twitter). */
    SOCIAL_CONVERSATION,
    /** Social-media direct message. */
    DIRECT_MESSAGE;

    /** @return the lower-case name used in stream names, shell output and service properties ("social_conversation") */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param text a channel's {@link #key()} or name, any case; '-' is taken for '_'
     * @return the channel
     * @throws IllegalArgumentException when no channel has that name
     */
    public static Channel parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no channel '" + text + "' (mail, chat, callback, sms,"
                    + " social_conversation, direct_message)", e);
        }
    }
}
