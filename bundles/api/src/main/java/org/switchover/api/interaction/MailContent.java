package org.switchover.api.interaction;

import java.util.List;
import java.util.Map;

/**
 * An email: its headers, plain and HTML bodies and attachment references (the attachment bytes stay in the host's
 * mail store; a shadow carries only the reference).
 *
 * @param headers header name to value (Subject, From, To, Message-ID...)
 * @param plainBody the text/plain body, "" when none
 * @param htmlBody the text/html body, "" when none
 * @param attachments references to the attachments, in order
 */
public record MailContent(Map<String, String> headers, String plainBody, String htmlBody,
                          List<Attachment> attachments) implements InteractionContent {

    /**
     * A reference to one attachment.
     *
     * @param name file name
     * @param mimeType MIME type
     * @param size bytes
     * @param location where the host keeps the bytes (a URI or a store key)
     * @param draft true for an attachment of an agent's draft reply
     */
    public record Attachment(String name, String mimeType, long size, String location, boolean draft) {
    }

    public MailContent {
        headers = Map.copyOf(headers);
        attachments = List.copyOf(attachments);
    }
}
