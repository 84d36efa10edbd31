package org.deepforge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs {@code deepforge} in this JVM as a user's shell would, with its own environment (config folder, server, token)
 * and captured stdout/stderr; a listener can watch stdout line by line while the command still runs.
 */
final class InProcessCli {
    static final ObjectMapper MAPPER = new ObjectMapper();

    record Result(int code, String out, String err) {
        JsonNode json() throws Exception {
            return MAPPER.readTree(out);
        }
    }

    private final Map<String, String> env = new HashMap<>();

    InProcessCli(Path configHome) {
        env.put("XDG_CONFIG_HOME", configHome.toString());
        env.put("HOME", configHome.toString());
    }

    InProcessCli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Result run(String... args) {
        return run("", line -> {}, args);
    }

    /** Runs a command with {@code stdin} as its input, telling {@code onLine} each line of stdout as it is printed. */
    Result run(String stdin, Consumer<String> onLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InputStream in = System.in;
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            int code = Main.commandLine(new Main(env)).setOut(new PrintWriter(new Lines(out, onLine), true))
                    .setErr(new PrintWriter(err, true)).execute(args);
            return new Result(code, out.toString(), err.toString());
        } finally {
            System.setIn(in);
        }
    }

    /** Passes text on to {@code sink} and each complete line to {@code onLine}. */
    private static final class Lines extends Writer {
        private final StringWriter sink;
        private final Consumer<String> onLine;
        private final StringBuilder line = new StringBuilder();

        Lines(StringWriter sink, Consumer<String> onLine) {
            this.sink = sink;
            this.onLine = onLine;
        }

        @Override
        public void write(char[] buffer, int offset, int length) {
            sink.write(buffer, offset, length);
            for (int i = offset; i < offset + length; i++) {
                if (buffer[i] == '\n') {
                    onLine.accept(line.toString());
                    line.setLength(0);
                } else {
                    line.append(buffer[i]);
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
