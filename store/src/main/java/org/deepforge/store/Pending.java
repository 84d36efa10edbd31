package org.deepforge.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A change set waiting for its branch's writer, and the future its caller waits on. */
final class Pending {
    final ChangeSet change;
    final List<ObjectNode> ops;
    final String message;
    final CompletableFuture<ChangeResult> result = new CompletableFuture<>();

    Pending(ChangeSet change, List<ObjectNode> ops, String message) {
        this.change = change;
        this.ops = ops;
        this.message = message;
    }
}
