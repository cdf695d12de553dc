package org.switchover.notifier.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate script as tests and the demo use it. */
class SwitchoverCertsTest {

    @TempDir
    Path tmp;

    @Test
    void groupAndNodeStoresHoldWhatTheNotifierNeeds() throws Exception {
        KeyStore trust = TestCerts.load(TestCerts.groupTrust());
        List<String> aliases = Collections.list(trust.aliases());
        assertEquals(1, aliases.size(), "the trust store holds only the CA");
        assertTrue(trust.isCertificateEntry(aliases.get(0)));

        KeyStore node = TestCerts.load(TestCerts.node("A"));
        String alias = Collections.list(node.aliases()).get(0);
        assertTrue(node.isKeyEntry(alias));
        Certificate[] chain = node.getCertificateChain(alias);
        assertEquals(2, chain.length, "key + chain up to the CA");
        X509Certificate leaf = (X509Certificate) chain[0];
        assertTrue(leaf.getSubjectX500Principal().getName().contains("CN=switchover-A"));
        leaf.verify(((X509Certificate) trust.getCertificate(aliases.get(0))).getPublicKey());
        assertTrue(leaf.getSubjectAlternativeNames().toString().contains("127.0.0.1"));
        assertTrue(leaf.getSubjectAlternativeNames().toString().contains("localhost"));
    }

    @Test
    void aNodeSignedThroughCaFromAnotherDirectoryChainsToThatAuthority() throws Exception {
        KeyStore node = TestCerts.load(TestCerts.foreignNodeB());
        String alias = Collections.list(node.aliases()).get(0);
        X509Certificate leaf = (X509Certificate) node.getCertificateChain(alias)[0];
        assertTrue(leaf.getSubjectX500Principal().getName().contains("CN=switchover-B"));
        KeyStore foreign = TestCerts.load(TestCerts.foreignTrust());
        leaf.verify(foreign.getCertificate(Collections.list(foreign.aliases()).get(0)).getPublicKey());
    }

    @Test
    void refusesToOverwriteUnlessForced() throws Exception {
        Path shared = TestCerts.groupTrust().getParent();
        byte[] before = Files.readAllBytes(shared.resolve("group-ca.p12"));
        TestCerts.Run again = TestCerts.run(shared.toString(), "group");
        assertNotEquals(0, again.exit());
        assertTrue(again.output().contains("already exists"), again.output());
        assertEquals(1, again.output().strip().lines().count(), "one-line reason: " + again.output());
        TestCerts.Run node = TestCerts.run(shared.toString(), "node", "A");
        assertNotEquals(0, node.exit());
        assertTrue(node.output().contains("node-A.p12 already exists"), node.output());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(shared.resolve("group-ca.p12"))));

        Files.copy(shared.resolve("group-ca.p12"), tmp.resolve("group-ca.p12"));
        Files.copy(shared.resolve("group-trust.p12"), tmp.resolve("group-trust.p12"));
        TestCerts.Run forced = TestCerts.run(tmp.toString(), "group", "--force");
        assertEquals(0, forced.exit(), forced.output());
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(tmp.resolve("group-ca.p12"))));
    }

    @Test
    void badInputExitsNonZeroWithAReason() {
        TestCerts.Run letter = TestCerts.run(tmp.toString(), "node", "C");
        assertNotEquals(0, letter.exit());
        assertTrue(letter.output().contains("A or B"), letter.output());
        TestCerts.Run noCa = TestCerts.run(tmp.resolve("empty").toString(), "node", "A");
        assertNotEquals(0, noCa.exit());
        assertTrue(noCa.output().contains("group-ca.p12 not found"), noCa.output());
        assertFalse(Files.exists(tmp.resolve("empty")), "nothing created on error");
        TestCerts.Run usage = TestCerts.run();
        assertNotEquals(0, usage.exit());
        assertTrue(usage.output().contains("Usage"), usage.output());
        TestCerts.Run unknown = TestCerts.run(tmp.toString(), "frobnicate");
        assertNotEquals(0, unknown.exit());
        assertTrue(unknown.output().contains("unknown command"), unknown.output());
    }

    @Test
    void withoutAGivenPasswordEveryStoreGetsItsOwnAndKeyMaterialIsOwnerOnly() throws Exception {
        Path pki = tmp.resolve("pki");
        assertEquals(0, TestCerts.runWithRandomPasswords(pki.toString(), "group").exit());
        TestCerts.Run node = TestCerts.runWithRandomPasswords(pki.toString(), "node", "A");
        assertEquals(0, node.exit(), node.output());
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(pki));
        java.util.Set<String> passwords = new java.util.HashSet<>();
        for (String store : List.of("group-ca.p12", "group-trust.p12", "node-A.p12")) {
            Path file = pki.resolve(store);
            Path passwordFile = pki.resolve(store + ".password");
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file), store);
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(passwordFile),
                    store);
            String password = Files.readString(passwordFile).strip();
            assertTrue(password.length() >= 16, store);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(file)) {
                ks.load(in, password.toCharArray());
            }
            assertTrue(ks.size() > 0, store);
            passwords.add(password);
        }
        assertEquals(3, passwords.size(), "a password of its own per store");
        assertFalse(passwords.contains("changeit"));
    }

    @Test
    void theAuthorityIsNeverWrittenIntoANodeDirectory() throws Exception {
        Path tls = tmp.resolve("node-a/etc/tls");
        TestCerts.Run intoEtcTls = TestCerts.run(tls.toString(), "group");
        assertNotEquals(0, intoEtcTls.exit());
        assertTrue(intoEtcTls.output().contains("node directory"), intoEtcTls.output());
        assertFalse(Files.exists(tls.resolve("group-ca.p12")));
        Path withNodeStore = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.copy(TestCerts.node("A"), withNodeStore.resolve("node.p12"));
        TestCerts.Run nextToNodeStore = TestCerts.run(withNodeStore.toString(), "group");
        assertNotEquals(0, nextToNodeStore.exit());
        assertFalse(Files.exists(withNodeStore.resolve("group-ca.p12")));
    }
}
