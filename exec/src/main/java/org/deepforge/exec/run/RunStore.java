package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.exec.events.JobEvent;

/**
 * Where executions are recorded (never in the project): executions, jobs, console lines, metrics, plots and the
 * job cache. {@link SqliteRunStore} is the embedded implementation; a server database (PostgreSQL) implements the
 * same methods, and callers know only this interface.
 */
public interface RunStore extends AutoCloseable {
    /** A job of a new execution: the pipeline node's id and its operation (none for Input and Output nodes). */
    record NewJob(String id, Optional<String> operation) {}

    /** A finished job whose outputs a job with the same cache key reuses. */
    record CacheHit(String execution, String job) {}

    /** Records a new execution and its jobs, all pending, in one transaction. */
    void create(RunSpec run, List<NewJob> jobs) throws SQLException;

    /** A job's new status (and message); the execution turns running with its first running job (then true). */
    boolean jobStatus(String execution, String job, JobStatus status, String message) throws SQLException;

    /** Where a running job can be found again, and how far its console and events have been read. */
    void position(String execution, String job, String handle, long console, long events) throws SQLException;

    /** Executions that had not finished: what a restarted server must take up again. */
    List<Execution> unfinished() throws SQLException;

    /** Per job: status, handle, offsets, message. */
    Map<String, Engine.Known> known(String execution) throws SQLException;

    /** The execution as a whole reached {@code status}. */
    void executionStatus(String execution, JobStatus status) throws SQLException;

    /** Appends console lines; returns the sequence number of the first. */
    long appendLog(String execution, String job, List<String> lines) throws SQLException;

    /** Stores metric points and the latest state of each plot (other kinds are not kept). */
    void addEvents(String execution, String job, List<JobEvent> events) throws SQLException;

    /** A job's metric series as {@code window} asks: {@code {"<name>": [[step, value, time], ...]}}, time in seconds since the epoch. */
    ObjectNode metrics(String execution, String job, MetricWindow window) throws SQLException;

    /** Writes every metric point of a job as CSV ({@code name,step,value,time}) without holding the series in memory. */
    void metricsCsv(String execution, String job, java.io.Writer out) throws SQLException, java.io.IOException;

    /**
     * Writes the latest state of every plot of a job as a JSON array ({@code [{"id","title","svg","updated","data"?}]}), row
     * by row: a job may draw many figures of up to 8 MB each, more than a small heap holds at once.
     */
    void plots(String execution, String job, java.io.Writer out) throws SQLException, java.io.IOException;

    /** The job that last finished with this cache key. */
    Optional<CacheHit> cached(String key) throws SQLException;

    /** Records that {@code job} of {@code execution} produced the outputs for this cache key. */
    void cache(String key, String execution, String job) throws SQLException;

    /**
     * Most characters of console lines one page holds (a page always holds at least one line): lines may be up to
     * 1 MB each, and a page of thousands of them must not fill a small server's heap.
     */
    int MAX_LOG_PAGE_CHARS = 4 << 20;

    /**
     * Console lines from {@code from} on, at most {@code limit} and {@link #MAX_LOG_PAGE_CHARS} characters:
     * {@code {"from", "next", "lines": [...], "more"}}, {@code more} saying whether further lines follow.
     */
    ObjectNode log(String execution, String job, long from, int limit) throws SQLException;

    /** An execution with its jobs, as the REST API shows it. */
    Optional<Execution> execution(String id) throws SQLException;

    /**
     * Up to {@code limit} of a project's executions that {@code filter} selects, newest first (created, then id),
     * after the cursor when one is given; without their jobs.
     */
    ExecutionPage page(String project, ExecutionFilter filter, Optional<ExecutionPage.Cursor> after, int limit) throws SQLException;

    /**
     * Forgets an execution in one transaction: its row, jobs, console lines, metrics, plots and the cache entries that
     * name its jobs (so no later job reuses outputs from its folder). False if there was no such execution.
     */
    boolean delete(String execution) throws SQLException;

    @Override
    void close() throws SQLException;
}
