package org.deepforge.exec.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** Flyway runs when a migration is pending, and only then. */
class MigrationsTest {
    @TempDir
    Path dir;

    @Test
    void aDatabaseWithEveryMigrationIsCurrentAndOneWithAFailedOrMissingMigrationIsNot() throws Exception {
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + dir.resolve("runs.db"));
        assertThat(Migrations.versions("db/runs")).contains("1", "2", "3", "4");
        assertThat(Migrations.current(source, "db/runs")).as("a new database").isFalse();

        Migrations.migrate(source, "db/runs");
        assertThat(Migrations.current(source, "db/runs")).isTrue();
        Migrations.migrate(source, "db/runs"); // nothing to do
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            assertThat(s.executeQuery("SELECT count(*) FROM executions").getInt(1)).isZero();
            s.executeUpdate("UPDATE flyway_schema_history SET success = 0 WHERE version = '4'");
            assertThat(Migrations.current(source, "db/runs")).as("a failed migration: Flyway decides").isFalse();
            s.executeUpdate("DELETE FROM flyway_schema_history WHERE version = '4'");
            assertThat(Migrations.current(source, "db/runs")).as("a pending migration").isFalse();
        }
        assertThat(Migrations.current(source, "db/nothing-here")).isFalse();
    }
}
