package org.deepforge.exec.session;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Accepts connections on a listening channel, on a daemon thread of its own, until closed; each one goes to {@code handler}. */
final class Acceptor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Acceptor.class);
    private final ServerSocketChannel server;

    Acceptor(ServerSocketChannel server, String name, Consumer<SocketChannel> handler) {
        this.server = server;
        Thread thread = new Thread(() -> {
            while (server.isOpen()) {
                try {
                    handler.accept(server.accept());
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    LOG.warn("{}: accept failed: {}", name, e.getMessage());
                    pause(); // e.g. out of file descriptors: not in a tight loop
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closed anyway
        }
    }
}
