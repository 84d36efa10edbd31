package org.deepforge.exec.db;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Flyway migrations of a SQLite database, run only when one of them is not applied yet. Flyway itself (its plugins,
 * its scan of the classpath, its validation) costs a second of CPU at every server start; a database that already
 * has every migration of {@code classpath:<location>} in its {@code flyway_schema_history} is left as it is. When
 * anything is in doubt (no history, a failed migration, migrations not listable), Flyway decides, as before.
 */
public final class Migrations {
    private static final Pattern VERSIONED = Pattern.compile("V([0-9]+(?:[._][0-9]+)*)__.*\\.sql");

    private Migrations() {
    }

    /** Applies the migrations in {@code classpath:<location>} (e.g. {@code db/migration}) that are not applied yet. */
    public static void migrate(DataSource source, String location) {
        if (!current(source, location)) {
            Flyway.configure().dataSource(source).locations("classpath:" + location).load().migrate();
        }
    }

    /** Whether every versioned migration in {@code location} is applied, successfully, and nothing else. */
    static boolean current(DataSource source, String location) {
        try {
            Set<String> versions = versions(location);
            if (versions.isEmpty()) {
                return false;
            }
            try (Connection c = source.getConnection()) {
                try (ResultSet table = c.getMetaData().getTables(null, null, "flyway_schema_history", null)) {
                    if (!table.next()) {
                        return false;
                    }
                }
                Set<String> applied = new HashSet<>();
                try (Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
                    while (r.next()) {
                        if (!r.getBoolean(2)) {
                            return false;
                        }
                        applied.add(r.getString(1));
                    }
                }
                return applied.equals(versions);
            }
        } catch (IOException | SQLException | URISyntaxException | RuntimeException e) {
            return false;
        }
    }

    /** The versions of the migrations in {@code location} on the classpath ({@code V1_2__name.sql} is 1.2). */
    static Set<String> versions(String location) throws IOException, URISyntaxException {
        URL url = Migrations.class.getClassLoader().getResource(location);
        Set<String> versions = new HashSet<>();
        if (url == null) {
            return versions;
        }
        if (url.getProtocol().equals("jar")) {
            JarURLConnection connection = (JarURLConnection) url.openConnection();
            connection.setUseCaches(false);
            String prefix = location.endsWith("/") ? location : location + "/";
            try (JarFile jar = connection.getJarFile()) {
                jar.stream().map(e -> e.getName()).filter(n -> n.startsWith(prefix) && n.indexOf('/', prefix.length()) < 0)
                        .forEach(n -> version(n.substring(prefix.length()), versions));
            }
        } else if (url.getProtocol().equals("file")) {
            try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                files.forEach(f -> version(f.getFileName().toString(), versions));
            }
        }
        return versions;
    }

    private static void version(String name, Set<String> versions) {
        Matcher m = VERSIONED.matcher(name);
        if (m.matches()) {
            versions.add(m.group(1).replace('_', '.'));
        }
    }
}
