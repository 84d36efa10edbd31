package org.deepforge.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * A lean HTTP/1.1 client on one kept-alive connection that sends what a browser's {@code fetch} sends
 * ({@code Accept-Encoding: gzip, deflate, br, zstd}): the benchmark measures the server and the wire,
 * not the JDK HttpClient's own overhead (about a millisecond a request, measured beside it).
 */
final class LoopbackClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;

    LoopbackClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        out = new BufferedOutputStream(socket.getOutputStream());
        in = new BufferedInputStream(socket.getInputStream());
        host = "127.0.0.1:" + port;
    }

    /** A 2xx answer: its decoded body and the X-Analysis-Id header (null when absent). */
    record Answer(String body, String analysisId) {}

    /** POSTs JSON; returns the (decoded) body of a 2xx answer, throws otherwise. */
    String post(String path, byte[] body) throws IOException {
        return send("POST", path, body).body();
    }

    /** Sends JSON with {@code method}; the 2xx answer, throws otherwise. */
    Answer send(String method, String path, byte[] body) throws IOException {
        out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nAccept: */*\r\n"
                + "Accept-Encoding: gzip, deflate, br, zstd\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        String status = line();
        int length = -1;
        boolean chunked = false;
        boolean gzip = false;
        String analysisId = null;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String h = header.toLowerCase(Locale.ROOT);
            if (h.startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).strip());
            } else if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
                chunked = true;
            } else if (h.startsWith("content-encoding:") && h.contains("gzip")) {
                gzip = true;
            } else if (h.startsWith("x-analysis-id:")) {
                analysisId = header.substring(14).strip();
            }
        }
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line().strip(), 16); size > 0; size = Integer.parseInt(line().strip(), 16)) {
                received.write(in.readNBytes(size));
                line();
            }
            line();
        } else {
            received.write(in.readNBytes(length));
        }
        byte[] bytes = received.toByteArray();
        if (gzip) {
            try (InputStream unzip = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = unzip.readAllBytes();
            }
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!status.startsWith("HTTP/1.1 2")) {
            throw new IOException(method + " " + path + " answered " + status + ": " + text);
        }
        return new Answer(text, analysisId);
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
