package org.deepforge.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The WebSocket {@code watch} of one execution, used only as a doorbell: every message about the execution wakes the
 * follower, which then reads the new console lines over REST with its cursors (the socket's {@code log} messages carry
 * no position, so lines are never taken from them and none can be printed twice or lost).
 */
public final class ExecutionWatch implements AutoCloseable {
    private final WebSocket socket;
    private final Listener listener;

    private ExecutionWatch(WebSocket socket, Listener listener) {
        this.socket = socket;
        this.listener = listener;
    }

    static Optional<ExecutionWatch> open(HttpClient http, URI uri, Optional<String> token, String execution, Runnable wake) {
        Listener listener = new Listener(execution, wake);
        WebSocket.Builder b = http.newWebSocketBuilder();
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        try {
            WebSocket socket = b.buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
            socket.sendText(DeepForgeClient.MAPPER.createObjectNode().put("type", "watch").put("execution", execution).toString(),
                    true);
            if (!listener.watching.get(10, TimeUnit.SECONDS)) {
                socket.abort();
                return Optional.empty();
            }
            return Optional.of(new ExecutionWatch(socket, listener));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Whether the socket is still open (when it closes, the follower polls instead). */
    public boolean open() {
        return !listener.closed && !socket.isInputClosed();
    }

    @Override
    public void close() {
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        final CompletableFuture<Boolean> watching = new CompletableFuture<>();
        private final String execution;
        private final Runnable wake;
        private final StringBuilder partial = new StringBuilder();
        volatile boolean closed;

        Listener(String execution, Runnable wake) {
            this.execution = execution;
            this.wake = wake;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                message(text);
            }
            socket.request(1);
            return null;
        }

        private void message(String text) {
            JsonNode msg;
            try {
                msg = DeepForgeClient.MAPPER.readTree(text);
            } catch (IOException e) {
                return;
            }
            String type = msg.path("type").asText();
            if (type.equals("watching")) {
                watching.complete(true);
            } else if (type.equals("error")) {
                watching.complete(false);
            } else if (execution.equals(msg.path("execution").asText())) {
                wake.run();
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            gone();
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            gone();
        }

        private void gone() {
            closed = true;
            watching.complete(false);
            wake.run();
        }
    }
}
