package org.deepforge.server.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.deepforge.exec.db.Migrations;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** The server's SQLite database (users, roles; later runs), migrated by Flyway on open when a migration is pending. */
public final class Database {
    private final SQLiteDataSource dataSource;

    public Database(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(10_000);
        dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        Migrations.migrate(dataSource, "db/migration");
    }

    public Connection connect() throws SQLException {
        return dataSource.getConnection();
    }
}
