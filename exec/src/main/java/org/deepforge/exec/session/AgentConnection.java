package org.deepforge.exec.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.deepforge.model.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's connection (docs/sessions.md, "The agent protocol"): the handshake — a hello within
 * {@link #HELLO_SECONDS}, at most {@link #MAX_HELLO} bytes before the welcome, admitted by the {@link Hub} — then
 * every line, parsed by {@link AgentMessage}, handed to the hub in order; lines over {@link #MAX_LINE} and lines
 * that are no known message are dropped. Runs on a thread of its own; sends from any thread.
 */
final class AgentConnection implements Runnable {
    static final int HELLO_SECONDS = 10;
    static final int MAX_HELLO = 64 * 1024;
    static final int MAX_LINE = 16 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(AgentConnection.class);

    /** Where a connection's session lives: decides whom to admit and takes what admitted agents say. */
    interface Hub {
        /** Whether this hello may speak for its session (live, secret right, protocol known, the listener's session if it has one). */
        boolean admit(AgentMessage.Hello hello, Optional<String> listenerSession);

        /** The agent was welcomed: the session now talks through {@code connection}. */
        void connected(AgentConnection connection, AgentMessage.Hello hello);

        void message(AgentConnection connection, AgentMessage message);

        void disconnected(AgentConnection connection);
    }

    private final SocketChannel channel;
    private final Optional<String> listenerSession;
    private final Hub hub;
    private final ScheduledExecutorService timer;
    private volatile String session;

    AgentConnection(SocketChannel channel, Optional<String> listenerSession, Hub hub, ScheduledExecutorService timer) {
        this.channel = channel;
        this.listenerSession = listenerSession;
        this.hub = hub;
        this.timer = timer;
    }

    /** The session this connection speaks for (null before the welcome). */
    String session() {
        return session;
    }

    @Override
    public void run() {
        ScheduledFuture<?> deadline = timer.schedule(this::close, HELLO_SECONDS, TimeUnit.SECONDS);
        try {
            LineReader lines = new LineReader(channel);
            LineReader.Line first = lines.next(MAX_HELLO);
            deadline.cancel(false);
            if (first == null || first.oversize()
                    || !(AgentMessage.parse(first.bytes()).orElse(null) instanceof AgentMessage.Hello hello)
                    || !hub.admit(hello, listenerSession)) {
                return;
            }
            send(Json.MAPPER.createObjectNode().put("type", "welcome"));
            session = hello.session();
            hub.connected(this, hello);
            for (LineReader.Line line; (line = lines.next(MAX_LINE)) != null; ) {
                if (!line.oversize()) {
                    AgentMessage.parse(line.bytes()).ifPresent(m -> hub.message(this, m));
                }
            }
        } catch (IOException e) {
            LOG.debug("agent connection of session {} ended: {}", session, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("agent connection of session {} failed", session, e);
        } finally {
            deadline.cancel(false);
            close();
            if (session != null) {
                hub.disconnected(this);
            }
        }
    }

    /** Sends one message as a line; false (and the connection closed) when it cannot. */
    boolean send(JsonNode message) {
        byte[] bytes = (Json.compact(message) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                return true;
            } catch (IOException e) {
                close();
                return false;
            }
        }
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closed anyway
        }
    }
}
