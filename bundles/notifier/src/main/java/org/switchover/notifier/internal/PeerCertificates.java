package org.switchover.notifier.internal;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.switchover.api.NodeId;

/**
 * What a peer's certificate says about the node it belongs to. A certificate of the server-group authority names
 * node {@code X} when its subject CN, or one of its DNS subject alternative names, is {@code switchover-X} (what
 * {@code bin/switchover-certs node X} writes). Trust in the authority says a certificate is one of ours; this says
 * which node it is for, so a certificate made for anything else cannot log on as A or B.
 */
final class PeerCertificates {

    /** Prefix of the name that ties a certificate to a node letter. */
    static final String NAME_PREFIX = "switchover-";

    private static final int SAN_DNS = 2;

    private PeerCertificates() {
    }

    /** @return the peer's leaf certificate of a handshaken session, or null when there is none */
    static X509Certificate leaf(SSLSession session) {
        try {
            Certificate[] chain = session == null ? null : session.getPeerCertificates();
            return chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** @return the subject of {@code cert} as written in logs, "(no certificate)" when null */
    static String subject(X509Certificate cert) {
        return cert == null ? "(no certificate)" : cert.getSubjectX500Principal().getName();
    }

    /** @return the names of {@code cert} that may tie it to a node: its subject CNs and DNS alternative names */
    static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    names.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            // no usable CN; the alternative names may still say it
        }
        try {
            Collection<List<?>> san = cert.getSubjectAlternativeNames();
            if (san != null) {
                for (List<?> entry : san) {
                    if (entry.size() >= 2 && entry.get(0) instanceof Integer type && type == SAN_DNS) {
                        names.add(String.valueOf(entry.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // treated as having no alternative names
        }
        return names;
    }

    /**
     * @return null when {@code cert} names node {@code node}; otherwise why not, naming the subject
     */
    static String mismatch(X509Certificate cert, NodeId node) {
        if (cert == null) {
            return "no peer certificate to check against node " + node;
        }
        String expected = NAME_PREFIX + node.name().toLowerCase(Locale.ROOT);
        for (String name : names(cert)) {
            if (name.trim().toLowerCase(Locale.ROOT).equals(expected)) {
                return null;
            }
        }
        return "certificate '" + subject(cert) + "' is not for node " + node + " (expected CN or DNS name "
                + NAME_PREFIX + node.name() + ")";
    }

    /** @return null when {@code cert} is for node A or node B; otherwise why not, naming the subject */
    static String notForANode(X509Certificate cert) {
        return mismatch(cert, NodeId.A) == null ? null : mismatch(cert, NodeId.B) == null ? null
                : "certificate '" + subject(cert) + "' is for no node of the pair (expected CN or DNS name "
                        + NAME_PREFIX + "A or " + NAME_PREFIX + "B)";
    }
}
