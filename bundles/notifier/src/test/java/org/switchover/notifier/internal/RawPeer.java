package org.switchover.notifier.internal;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

/** A hand-driven peer over a real TLS socket: writes whatever frames (or parts of frames) a test wants. */
final class RawPeer implements AutoCloseable {

    final SSLSocket socket;
    final OutputStream out;
    final InputStream in;
    /** The TCP socket under the TLS one: closing it never waits for a writer blocked on a peer that stopped reading. */
    private final Socket tcp;

    private RawPeer(Socket tcp, SSLSocket socket) throws IOException {
        this.tcp = tcp;
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    /** @return a peer that finished the TLS handshake with {@code keystore}'s certificate */
    static RawPeer connect(int port, Path keystore) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(TestCerts.load(keystore), TestCerts.PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(TestCerts.load(TestCerts.groupTrust()));
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        Socket tcp = new Socket("127.0.0.1", port);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(tcp, "127.0.0.1", port, true);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return new RawPeer(tcp, s);
    }

    /** @return a peer logged on as node B on {@code link} */
    static RawPeer logOn(int port, String link) throws Exception {
        RawPeer p = connect(port, TestCerts.node("B"));
        p.write(new Message.Hello("B", link, Message.PROTOCOL, "1.0.0"));
        Message answer = p.read();
        if (!(answer instanceof Message.HelloAck)) {
            throw new IllegalStateException("logon refused: " + answer);
        }
        return p;
    }

    static byte[] frame(Message m) {
        ByteBuf b = MessageCodec.encode(m, UnpooledByteBufAllocator.DEFAULT);
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        b.release();
        return bytes;
    }

    void write(Message m) throws IOException {
        out.write(frame(m));
        out.flush();
    }

    Message read() throws Exception {
        DataInputStream data = new DataInputStream(in);
        byte[] body = new byte[data.readInt()];
        data.readFully(body);
        return MessageCodec.decode(Unpooled.wrappedBuffer(body));
    }

    /** @return true when the other side closed the connection within {@code seconds}, reading what it sent */
    boolean closedWithin(int seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        socket.setSoTimeout(250);
        byte[] buf = new byte[8192];
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (java.net.SocketTimeoutException quiet) {
                // nothing yet
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        tcp.close();
    }
}
