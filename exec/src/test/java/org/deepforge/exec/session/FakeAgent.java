package org.deepforge.exec.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.deepforge.model.Json;

/** A Java stand-in for the Python agent, speaking raw lines over a session's Unix socket; what the server sends is queued. */
final class FakeAgent implements AutoCloseable {
    /** What the reader puts on the queue when the server closed the connection. */
    static final JsonNode CLOSED = Json.MAPPER.createObjectNode().put("type", "closed (test marker)");

    final SocketChannel channel;
    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

    /** Connects to the session's Unix socket in {@code dir}. */
    FakeAgent(Path dir) throws IOException {
        this(SocketChannel.open(StandardProtocolFamily.UNIX));
        channel.connect(UnixDomainSocketAddress.of(dir.resolve("agent.sock")));
        read();
    }

    /** Connects to the TCP agent port {@code HOST:PORT}. */
    FakeAgent(String hostAndPort) throws IOException {
        this(SocketChannel.open());
        int colon = hostAndPort.lastIndexOf(':');
        channel.connect(new InetSocketAddress(hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1))));
        read();
    }

    private FakeAgent(SocketChannel channel) {
        this.channel = channel;
    }

    private void read() {
        Thread reader = new Thread(() -> {
            LineReader lines = new LineReader(channel);
            try {
                for (LineReader.Line l; (l = lines.next(64 << 20)) != null; ) {
                    received.add(Json.MAPPER.readTree(l.bytes()));
                }
            } catch (IOException e) {
                // closed
            }
            received.add(CLOSED);
        });
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects and says hello with the session's own secret; returns once welcomed. */
    static FakeAgent welcomed(Path dir, String session) throws Exception {
        return welcomed(new FakeAgent(dir), dir, session);
    }

    static FakeAgent welcomed(FakeAgent a, Path dir, String session) throws Exception {
        a.hello(session, Files.readString(dir.resolve("secret")), 1);
        JsonNode answer = a.next();
        if (!answer.path("type").asText().equals("welcome")) {
            throw new AssertionError("no welcome but " + answer);
        }
        return a;
    }

    void hello(String session, String secret, int protocol) throws IOException {
        send("{\"type\":\"hello\",\"session\":\"" + session + "\",\"secret\":\"" + secret + "\",\"protocol\":" + protocol
                + ",\"pid\":1,\"environment\":{\"python\":\"3.11.2\",\"cuda\":false,\"nested\":{\"x\":1}}}");
    }

    void send(String line) throws IOException {
        sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** The next message from the server (fails after a generous wait). */
    JsonNode next() throws InterruptedException {
        JsonNode m = received.poll(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("the server sent nothing");
        }
        return m;
    }

    /** The next message that is not of a type the test does not follow. */
    JsonNode next(String type) throws InterruptedException {
        while (true) {
            JsonNode m = next();
            if (m.path("type").asText().equals(type) || m == CLOSED) {
                return m;
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
