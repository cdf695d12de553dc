package org.switchover.notifier.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * Mutual-TLS contexts built from the node's PKCS12 key store and the server-group trust store. The files are
 * checked (path, size, modification time, password) whenever a connection is made and re-read when anything
 * changed, so new connections pick up renewed certificates without a restart. A file that cannot be used is
 * reported once per change with a clear reason; the last good material stays in use meanwhile.
 */
public final class TlsContexts {

    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);
    private static final String PROTOCOL = "TLSv1.3";
    /**
     * BoringSSL through netty-tcnative when its bundle (and the native library for this platform) is present: its
     * AES-GCM runs at full speed from the first byte, where the JDK's needs the JIT to warm up first (a fresh backup's
     * full synchronisation spent about half its CPU there). The JDK's provider otherwise.
     */
    static final SslProvider PROVIDER = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;

    /** The two contexts built from one version of the files. */
    private record Material(Object key, SslContext server, SslContext client) {
    }

    private Material current;
    private Object lastFailedKey;
    private String lastFailure;

    /** @return the server context for {@code c}'s files; TlsUnavailable when none can be built */
    public SslContext server(NotifierSettings c) throws TlsUnavailable {
        return material(c).server;
    }

    /**
     * Builds the contexts for {@code c}'s files now, on a daemon thread of its own, so that the first connection (the
     * core's first question to its peer at start) finds them ready: loading the native TLS library and the key
     * stores took about 0.4 s of a node's start. A connection made meanwhile waits for this build rather than
     * repeating it; a failure is reported as it would be by a connection, and tried again by the next one.
     */
    public void warmUp(NotifierSettings c) {
        Thread t = new Thread(() -> {
            try {
                material(c);
            } catch (TlsUnavailable | RuntimeException e) {
                LOG.debug("Notifier TLS warm-up: {}", e.toString()); // material() has reported it
            }
        }, "switchover-notifier-tls-warmup");
        t.setDaemon(true);
        t.start();
    }

    /** @return the client context for {@code c}'s files; TlsUnavailable when none can be built */
    public SslContext client(NotifierSettings c) throws TlsUnavailable {
        return material(c).client;
    }

    private synchronized Material material(NotifierSettings c) throws TlsUnavailable {
        Object key = List.of(c.keystore(), c.keystorePassword(), c.truststore(), c.truststorePassword(),
                stamp(c.keystore()), stamp(c.truststore()));
        if (current != null && current.key.equals(key)) {
            return current;
        }
        if (key.equals(lastFailedKey)) {
            if (current != null) {
                return current;
            }
            throw new TlsUnavailable(lastFailure);
        }
        try {
            Material m = load(c, key);
            LOG.info("Notifier TLS provider: {}", PROVIDER == SslProvider.OPENSSL
                    ? "BoringSSL (netty-tcnative " + OpenSsl.versionString() + ")" : "the JDK's");
            if (current != null) {
                LOG.info("Notifier TLS material re-read from {} and {}", c.keystore(), c.truststore());
            }
            current = m;
            lastFailedKey = null;
            return m;
        } catch (TlsUnavailable e) {
            lastFailedKey = key;
            lastFailure = e.getMessage();
            if (current != null) {
                LOG.error("{}; new connections keep using the TLS material read before", e.getMessage());
                return current;
            }
            LOG.error("{}; no notifier connection can be made until this is fixed", e.getMessage());
            throw e;
        }
    }

    private static Material load(NotifierSettings c, Object key) throws TlsUnavailable {
        KeyStore ks = read(c.keystore(), c.keystorePassword(), "key store");
        KeyStore ts = read(c.truststore(), c.truststorePassword(), "trust store");
        try {
            boolean hasKey = false;
            for (String alias : Collections.list(ks.aliases())) {
                hasKey |= ks.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new TlsUnavailable("TLS key store " + c.keystore() + " holds no private key");
            }
            boolean hasCa = false;
            for (String alias : Collections.list(ts.aliases())) {
                hasCa |= ts.isCertificateEntry(alias);
            }
            if (!hasCa) {
                throw new TlsUnavailable("TLS trust store " + c.truststore() + " holds no trusted certificate");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, c.keystorePassword().toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SslContext server = SslContextBuilder.forServer(kmf)
                    .trustManager(tmf)
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols(PROTOCOL)
                    .sslProvider(PROVIDER)
                    .build();
            // The pair trusts each other through the group CA only; host names are not part of that trust.
            SslContext client = SslContextBuilder.forClient()
                    .keyManager(kmf)
                    .trustManager(tmf)
                    .protocols(PROTOCOL)
                    .sslProvider(PROVIDER)
                    .endpointIdentificationAlgorithm(null)
                    .build();
            return new Material(key, server, client);
        } catch (GeneralSecurityException | SSLException e) {
            throw new TlsUnavailable("TLS material from " + c.keystore() + " and " + c.truststore()
                    + " is unusable: " + e.getMessage());
        }
    }

    private static KeyStore read(Path file, String password, String what) throws TlsUnavailable {
        if (!Files.isReadable(file)) {
            throw new TlsUnavailable("TLS " + what + " " + file + " does not exist or is not readable");
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password.toCharArray());
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsUnavailable("TLS " + what + " " + file + " cannot be read as PKCS12 with the configured "
                    + "password: " + e.getMessage());
        }
    }

    private static Object stamp(Path p) {
        try {
            return Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return "missing";
        }
    }

    /** No usable TLS material: the message says which file and why. */
    public static final class TlsUnavailable extends Exception {
        TlsUnavailable(String message) {
            super(Objects.requireNonNull(message), null, false, false);
        }
    }
}
