package org.switchover.notifier.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;

/** Only peers of the server group get in; bad bytes on the port close that connection and nothing else. */
class SecurityTest extends EngineTestBase {

    @Test
    void aPeerWithACertificateOfAnotherAuthorityIsRefusedAndReachesNoHandler() {
        AtomicInteger calls = new AtomicInteger();
        TestNode a = nodeAWithCountingEcho(calls);
        // signed by another CA, but trusting ours: our side refuses its certificate
        TestNode rogue = connectingNodeB(a.port(), TestCerts.foreignNodeB());
        await().atMost(10, TimeUnit.SECONDS).until(() ->
                rogue.engine.status(Link.MAIN).status() == ConnectionStatus.AUTHENTICATION_FAILURE
                        && rogue.engine.status(Link.AUX).status() == ConnectionStatus.AUTHENTICATION_FAILURE);
        assertTrue(!rogue.engine.status(Link.MAIN).detail().isEmpty());
        Response viaLink = LoopbackTest.answer(rogue.engine.send(Link.MAIN, "*", "echo", new byte[] {1},
                Duration.ofSeconds(2)));
        assertEquals(ResponseOutcome.CONNECTION_LOST, viaLink.outcome());
        Response once = LoopbackTest.answer(rogue.engine.sendOnce("*", "echo", new byte[] {1},
                Duration.ofSeconds(5)));
        assertEquals(ResponseOutcome.CONNECTION_LOST, once.outcome());
        assertTrue(once.detail().contains("authentication failure"), once.detail());
        await().atMost(5, TimeUnit.SECONDS).until(() ->
                a.engine.protocolErrors().getOrDefault("authentication-failure", 0L) >= 3);
        assertEquals(0, calls.get(), "nothing from that peer reached a handler");
        assertEquals(0L, a.engine.requestsReceived().getOrDefault("echo", 0L));
        assertEquals(ConnectionStatus.NOT_CONNECTED, a.engine.status(Link.MAIN).status());
    }

    @Test
    void aPeerThatDoesNotTrustOurCertificateReportsAuthenticationFailure() {
        TestNode a = track(TestNode.start(NodeId.A, 1));
        TestNode b = track(TestNode.start(NodeId.B, a.port(), c -> c.truststore(TestCerts.foreignTrust())));
        b.engine.openPeerLinks();
        await().atMost(10, TimeUnit.SECONDS).until(() ->
                b.engine.status(Link.MAIN).status() == ConnectionStatus.AUTHENTICATION_FAILURE);
    }

    @Test
    void garbageAndOversizedFramesCloseOnlyTheirConnection() throws Exception {
        TestNode a = track(TestNode.start(NodeId.A, 1));
        TestNode b = track(TestNode.start(NodeId.B, a.port()));
        a.handlers.put("echo", r -> CompletableFuture.completedFuture(r.payload()));
        b.engine.openPeerLinks();
        LoopbackTest.awaitActive(b, Link.MAIN, Link.AUX);
        int statusesBefore = b.statuses.size();
        Random random = new Random(3);

        // 1. plain bytes, not TLS
        try (Socket s = new Socket("127.0.0.1", a.port())) {
            byte[] junk = new byte[4096];
            random.nextBytes(junk);
            s.getOutputStream().write(junk);
            assertClosed(s.getInputStream());
        }
        // 2. a group member announcing a 64 MiB frame: refused after the length field
        try (SSLSocket s = tlsClient(a.port())) {
            new DataOutputStream(s.getOutputStream()).writeInt(64 * 1024 * 1024);
            s.getOutputStream().flush();
            assertClosed(s.getInputStream());
        }
        // 3. 10,000 garbage frames from one client, over TLS
        try (SSLSocket s = tlsClient(a.port())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] junk = new byte[16];
            try {
                for (int i = 0; i < 10_000; i++) {
                    random.nextBytes(junk);
                    out.writeInt(junk.length);
                    out.write(junk);
                }
                out.flush();
            } catch (IOException closedWhileWriting) {
                // the server may close before all of it is written: that is the point
            }
            assertClosed(s.getInputStream());
        }
        // 4. many short-lived garbage connections
        for (int i = 0; i < 50; i++) {
            try (Socket s = new Socket("127.0.0.1", a.port())) {
                s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + i).getBytes());
                assertClosed(s.getInputStream());
            }
        }

        Response r = LoopbackTest.answer(b.engine.send(Link.MAIN, "*", "echo", new byte[] {9},
                Duration.ofSeconds(5)));
        assertEquals(ResponseOutcome.REPLY, r.outcome(), r.detail());
        assertEquals(statusesBefore, b.statuses.size(), "the legitimate links never blinked");
        assertEquals(ConnectionStatus.ACTIVE, a.engine.status(Link.MAIN).status());
        var errors = a.engine.protocolErrors();
        assertEquals(51L, errors.get(ProtocolException.NOT_TLS), errors.toString());
        assertEquals(1L, errors.get(ProtocolException.FRAME_TOO_LARGE), errors.toString());
        assertEquals(1L, errors.get(ProtocolException.MALFORMED_FRAME), errors.toString());
    }

    @Test
    void anIncompatibleProtocolIsRefusedAtLogonWithAReason() throws Exception {
        TestNode a = track(TestNode.start(NodeId.A, 1));
        try (SSLSocket s = tlsClient(a.port())) {
            io.netty.buffer.ByteBuf hello = MessageCodec.encode(new Message.Hello("B", "MAIN", 2, "9.0.0"),
                    io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
            byte[] bytes = new byte[hello.readableBytes()];
            hello.readBytes(bytes);
            hello.release();
            s.getOutputStream().write(bytes);
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            byte[] frame = new byte[in.readInt()];
            in.readFully(frame);
            Message m = MessageCodec.decode(io.netty.buffer.Unpooled.wrappedBuffer(frame));
            Message.HelloRefused refused = (Message.HelloRefused) m;
            assertTrue(refused.reason().contains("protocol 2 is not supported"), refused.reason());
            assertClosed(s.getInputStream());
        }
        assertEquals(1L, a.engine.protocolErrors().get("logon-refused"));
    }

    @Test
    void aClientThatStallsInTheHandshakeIsClosedAfterTheTimeout() throws Exception {
        TestNode a = track(TestNode.start(NodeId.A, 1));
        long t0 = System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", a.port())) {
            // a TLS record header announcing 32 KiB that never come
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x03, 0x7f, (byte) 0xff, 1, 2, 3});
            assertClosed(s.getInputStream());
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms >= 4000 && ms < 10_000, "closed by the handshake timeout after " + ms + " ms");
    }

    private static void assertClosed(InputStream in) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        byte[] buf = new byte[4096];
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buf) < 0) {
                    return;
                }
            } catch (IOException reset) {
                return;
            }
        }
        throw new AssertionError("connection was not closed within 10 s");
    }

    /** A TLS client holding node B's (valid) certificate. */
    private static SSLSocket tlsClient(int port) throws Exception {
        KeyStore ks = TestCerts.load(TestCerts.node("B"));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(TestCerts.load(TestCerts.groupTrust()));
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }
}
