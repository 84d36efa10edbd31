-- Metrics at any size: one row per series (execution, job, name) and its points in a table without rowid keyed by
-- (series, step), so a point costs about 30 bytes on disk and a step range of a series is one index range. time is
-- a number (seconds since the epoch). A point logged without a step takes the step after the series' last one
-- (as charts always drew it); a repeated step replaces the earlier point (as charts always showed it).
CREATE TABLE metric_series (
    id          INTEGER PRIMARY KEY,
    execution   TEXT NOT NULL,
    job         TEXT NOT NULL,
    name        TEXT NOT NULL,
    UNIQUE (execution, job, name)
);

CREATE TABLE metric_points (
    series      INTEGER NOT NULL,
    step        INTEGER NOT NULL,
    value       REAL NOT NULL,
    time        REAL NOT NULL,
    PRIMARY KEY (series, step)
) WITHOUT ROWID;

INSERT INTO metric_series(execution, job, name)
SELECT execution, job, name FROM metrics GROUP BY execution, job, name ORDER BY MIN(rowid); -- in the order they were first logged

INSERT OR REPLACE INTO metric_points(series, step, value, time)
SELECT s.id, COALESCE(m.step, ROW_NUMBER() OVER (PARTITION BY s.id ORDER BY m.rowid) - 1), m.value, CAST(m.time AS REAL)
FROM metrics m JOIN metric_series s ON s.execution = m.execution AND s.job = m.job AND s.name = m.name
ORDER BY m.rowid;

DROP TABLE metrics;
