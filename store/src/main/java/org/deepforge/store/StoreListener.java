package org.deepforge.store;

import java.util.Optional;

/** The change feed: told of each durable commit and branch move, in commit order per branch. Must not block. */
public interface StoreListener {
    void onCommit(CommitEvent event);

    /** A branch was created, deleted (empty head) or moved other than by a commit event. */
    default void onBranch(String project, String branch, Optional<String> head) {}
}
