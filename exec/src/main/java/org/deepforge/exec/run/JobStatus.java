package org.deepforge.exec.run;

import java.util.Locale;

/** A job's life: pending → queued → running → success | failed | cancelled, or skipped / cached. */
public enum JobStatus {
    PENDING, QUEUED, RUNNING, SUCCESS, FAILED, CANCELLED, SKIPPED, CACHED;

    public boolean finished() {
        return this == SUCCESS || this == FAILED || this == CANCELLED || this == SKIPPED || this == CACHED;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
