package org.deepforge.server.crash;

import java.nio.file.Path;
import org.deepforge.server.App;
import org.deepforge.server.ServerConfig;

/** A real server in its own JVM for crash trials: {@code CrashServer <data dir>}; prints "PORT <n>" once it serves. */
public final class CrashServer {
    private CrashServer() {}

    public static void main(String[] args) throws Exception {
        App app = App.start(ServerConfig.builder(Path.of(args[0])).build());
        System.out.println("PORT " + app.port());
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }
}
