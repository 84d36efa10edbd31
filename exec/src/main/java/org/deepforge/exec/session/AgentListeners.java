package org.deepforge.exec.session;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where agents connect: a Unix socket {@value #SOCKET} in each local session's directory (reachable from inside its
 * sandbox, which has no network), and one TCP port shared by the agents of every other adapter, opened when first
 * needed. Every connection runs an {@link AgentConnection} on a daemon thread of its own; at most
 * {@link #MAX_CONNECTIONS} at once on the TCP port, which anyone on the network may reach, and
 * {@link #MAX_SESSION_CONNECTIONS} on a session's socket, which its users' code may reach.
 */
final class AgentListeners implements AutoCloseable {
    static final String SOCKET = "agent.sock";
    static final int MAX_CONNECTIONS = 256;
    /** Connections at once on one session's socket: its agent reconnecting, and never a thread per connection its code opens. */
    static final int MAX_SESSION_CONNECTIONS = 4;
    /** The longest path a Unix socket may have (sun_path less its terminating zero). */
    private static final int MAX_SOCKET_PATH = 107;

    private final Optional<InetSocketAddress> address;
    private final AgentConnection.Hub hub;
    private final ScheduledExecutorService timer;
    private final AtomicInteger tcpConnections = new AtomicInteger();
    private Acceptor tcp;
    private String tcpAddress;

    AgentListeners(Optional<InetSocketAddress> address, AgentConnection.Hub hub, ScheduledExecutorService timer) {
        this.address = address;
        this.hub = hub;
        this.timer = timer;
    }

    /** Listens on {@code <dir>/agent.sock} for the agent of {@code session} (a stale socket file is removed first). */
    Acceptor unix(String session, Path dir) throws IOException {
        Path socket = dir.toAbsolutePath().resolve(SOCKET);
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new IOException("the session directory " + dir.toAbsolutePath() + " is too deep for a Unix socket (its path "
                    + socket + " is over " + MAX_SOCKET_PATH + " bytes); give the server a shorter data directory");
        }
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        AtomicInteger connections = new AtomicInteger();
        return new Acceptor(server, "session-agent-" + session, c -> serve(c, Optional.of(session), connections, MAX_SESSION_CONNECTIONS));
    }

    /**
     * The TCP address agents connect to, {@code HOST:PORT}, opening the port if it is not open yet: the configured one,
     * else loopback; with no port configured, {@code preferredPort} if it is free (the port a session started before a
     * restart connects to), else any.
     */
    synchronized String tcpAddress(int preferredPort) throws IOException {
        if (tcp == null) {
            InetSocketAddress bind = address.orElse(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ServerSocketChannel server = ServerSocketChannel.open();
            try {
                server.bind(bind.getPort() == 0 && preferredPort > 0 ? new InetSocketAddress(bind.getAddress(), preferredPort) : bind);
            } catch (IOException e) {
                server.close();
                server = ServerSocketChannel.open();
                server.bind(bind);
            }
            InetSocketAddress bound = (InetSocketAddress) server.getLocalAddress();
            String host = bound.getAddress().isAnyLocalAddress() ? InetAddress.getLocalHost().getHostName() : bound.getAddress().getHostAddress();
            tcpAddress = (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort();
            tcp = new Acceptor(server, "session-agents-tcp", c -> serve(c, Optional.empty(), tcpConnections, MAX_CONNECTIONS));
        }
        return tcpAddress;
    }

    void removeSocket(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(SOCKET));
        } catch (IOException e) {
            // the directory went away
        }
    }

    private void serve(SocketChannel channel, Optional<String> session, AtomicInteger count, int max) {
        if (count.incrementAndGet() > max) {
            count.decrementAndGet();
            close(channel);
            return;
        }
        AgentConnection connection = new AgentConnection(channel, session, hub, timer);
        Thread thread = new Thread(() -> {
            try {
                connection.run();
            } finally {
                count.decrementAndGet();
            }
        }, "session-agent-connection");
        thread.setDaemon(true);
        thread.start();
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closed anyway
        }
    }

    @Override
    public synchronized void close() {
        if (tcp != null) {
            tcp.close();
            tcp = null;
        }
    }
}
