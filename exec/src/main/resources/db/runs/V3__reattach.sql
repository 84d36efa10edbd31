-- What is needed to find a running job again after a server restart and follow it where we left off.
ALTER TABLE jobs ADD COLUMN handle TEXT;
ALTER TABLE jobs ADD COLUMN console_offset INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN events_offset INTEGER NOT NULL DEFAULT 0;
