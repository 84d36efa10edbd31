package org.deepforge.exec.run;

import java.util.Optional;

/** Where finished jobs are found by their content key. */
public interface JobCache {
    /** The job that produced outputs for a content key. */
    record Entry(String execution, String job) {}

    /** The job that produced outputs for this key, if any. */
    Optional<Entry> lookup(String key);

    void record(String key, String execution, String job);

    JobCache NONE = new JobCache() {
        @Override
        public Optional<Entry> lookup(String key) {
            return Optional.empty();
        }

        @Override
        public void record(String key, String execution, String job) {}
    };
}
