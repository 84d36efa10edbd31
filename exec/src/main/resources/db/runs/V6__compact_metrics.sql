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

-- Each series' minimum and maximum point per block of 32 steps (level 5: step >> 5) and of 1,024 steps (level 10), so
-- that a chart's downsampling reads a few thousand blocks instead of every point (about 2 bytes a point more).
CREATE TABLE metric_blocks (
    series      INTEGER NOT NULL,
    level       INTEGER NOT NULL,
    block       INTEGER NOT NULL,
    min_step    INTEGER NOT NULL,
    min_value   REAL NOT NULL,
    min_time    REAL NOT NULL,
    max_step    INTEGER NOT NULL,
    max_value   REAL NOT NULL,
    max_time    REAL NOT NULL,
    PRIMARY KEY (series, level, block)
) WITHOUT ROWID;

INSERT INTO metric_blocks
SELECT mn.series, 5, mn.block, mn.step, mn.value, mn.time, mx.step, mx.value, mx.time
FROM (SELECT series, step >> 5 AS block, step, MIN(value) AS value, time FROM metric_points GROUP BY series, step >> 5) mn
JOIN (SELECT series, step >> 5 AS block, step, MAX(value) AS value, time FROM metric_points GROUP BY series, step >> 5) mx
  ON mx.series = mn.series AND mx.block = mn.block;

INSERT INTO metric_blocks
SELECT mn.series, 10, mn.block, mn.step, mn.value, mn.time, mx.step, mx.value, mx.time
FROM (SELECT series, step >> 10 AS block, step, MIN(value) AS value, time FROM metric_points GROUP BY series, step >> 10) mn
JOIN (SELECT series, step >> 10 AS block, step, MAX(value) AS value, time FROM metric_points GROUP BY series, step >> 10) mx
  ON mx.series = mn.series AND mx.block = mn.block;
