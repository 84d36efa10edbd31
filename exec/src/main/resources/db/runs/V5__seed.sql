-- The seed an execution's jobs are seeded from (RunSpec.jobSeed); executions recorded before it read as seed 0.
ALTER TABLE executions ADD COLUMN seed INTEGER NOT NULL DEFAULT 0;
