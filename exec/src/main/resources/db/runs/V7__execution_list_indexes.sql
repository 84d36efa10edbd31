-- Executions are listed a page at a time, newest first (created, then id), optionally of one pipeline, in some
-- statuses or of one user: each index serves one of these keyset queries without sorting.
DROP INDEX executions_by_project;
CREATE INDEX executions_by_project ON executions(project, created, id);
CREATE INDEX executions_by_pipeline ON executions(project, pipeline, created, id);
CREATE INDEX executions_by_status ON executions(project, status, created, id);
CREATE INDEX executions_by_user ON executions(project, user_id, created, id);
