package org.deepforge.server;

import java.nio.file.Path;

/** Where and how the server runs. Port 0 picks a free port (tests). */
public record ServerConfig(String host, int port, Path dataDir) {
    public static final int DEFAULT_PORT = 8888;
    public static final String DEFAULT_HOST = "127.0.0.1";
}
