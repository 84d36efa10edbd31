package org.deepforge.exec.run;

import java.util.Locale;

/** A job's life: pending → queued → running → success | failed | cancelled, or skipped / cached. */
public enum JobStatus {
    PENDING, QUEUED, RUNNING, SUCCESS, FAILED, CANCELLED, SKIPPED, CACHED;

    public boolean finished() {
        return this == SUCCESS || this == FAILED || this == CANCELLED || this == SKIPPED || this == CACHED;
    }

    /** As the API and the run database write it: lower case. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status {@link #id()} names. */
    public static JobStatus of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
