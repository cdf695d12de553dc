package org.switchover.notifier.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;

/**
 * A TLS handshake cut midway (a peer stopped or resumed while handshaking) is reported as what it is, not as an
 * authentication failure (issue 10: false alarms between two real nodes).
 */
class HandshakeCutTest extends EngineTestBase {

    @Test
    void aHandshakeCutMidwayIsNotAnAuthenticationFailure() throws Exception {
        TestNode a = track(TestNode.start(NodeId.A, 1));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(TestCerts.load(TestCerts.node("B")), TestCerts.PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(TestCerts.load(TestCerts.groupTrust()));
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLEngine engine = ctx.createSSLEngine("127.0.0.1", a.port());
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer hello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), hello);
        hello.flip();
        try (Socket s = new Socket("127.0.0.1", a.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(hello.array(), 0, hello.limit());
            out.flush();
            InputStream in = s.getInputStream();
            byte[] serverHello = new byte[5];
            assertEquals(5, in.readNBytes(serverHello, 0, 5), "the server answered the ClientHello");
            // then the client is cut off in the middle: the next record it sends is a stub of two bytes
            out.write(new byte[] {0x17, 0x03, 0x03, 0x00, 0x02, 0x01, 0x02});
            out.flush();
            in.skip(in.available());
        }
        await().atMost(10, TimeUnit.SECONDS).until(() ->
                a.engine.protocolErrors().getOrDefault("handshake-cut", 0L) == 1L);
        assertEquals(0L, a.engine.protocolErrors().getOrDefault("authentication-failure", 0L),
                a.engine.protocolErrors().toString());
        assertTrue(a.engine.protocolErrors().keySet().stream().noneMatch(k -> k.contains("auth")));
    }
}
