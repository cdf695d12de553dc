package org.switchover.notifier.internal;

import java.io.IOException;

import javax.net.ssl.SSLException;

/**
 * Tells a TLS handshake that was cut off (the other side stopped, vanished or resumed midway; its records arrived
 * truncated) from one that refused a certificate. Only the second is an authentication failure; the first happens
 * when a node starts, stops or is paused, and is logged at INFO (issue 10: no false alarms between real nodes).
 */
final class TlsFailures {

    private TlsFailures() {
    }

    /**
     * @return true when a TLS failure says the handshake was cut off (connection ended, reset or truncated records)
     *     rather than that a certificate was refused
     */
    static boolean isCutOff(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.security.cert.CertificateException
                    || t instanceof java.security.cert.CertPathValidatorException
                    || t instanceof java.security.cert.CertPathBuilderException) {
                return false;
            }
        }
        String text = String.valueOf(Connection.describe(cause)).toLowerCase(java.util.Locale.ROOT);
        for (String refusal : CERTIFICATE_WORDS) {
            if (text.contains(refusal)) {
                return false;
            }
        }
        boolean tls = false;
        boolean io = false;
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            tls |= t instanceof SSLException;
            io |= t instanceof IOException;
        }
        if (io && !tls) {
            return true; // reset or end of stream below TLS
        }
        for (String cut : CUT_WORDS) {
            if (text.contains(cut)) {
                return true;
            }
        }
        return false;
    }

    /** Words of TLS failures that concern a certificate: those stay authentication failures. */
    private static final String[] CERTIFICATE_WORDS = {"certificate", "certification", "pkix", "unknown_ca",
        "cert chain", "access_denied", "bad_certificate"};
    /** Words of TLS failures that mean the handshake was cut off. */
    private static final String[] CUT_WORDS = {"insufficient buffer remaining", "tag mismatch", "bad_record_mac",
        "end of file", "eof", "terminated the handshake", "connection reset", "broken pipe", "closed",
        "unexpected_message", "user_canceled"};

}
