package org.deepforge.exec.run;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.deepforge.store.StoreException;

/** One page of a project's executions, newest first, and the cursor of the next page when there is one. */
public record ExecutionPage(List<Execution> items, Optional<Cursor> next) {
    /** Most executions one page holds. */
    public static final int MAX_LIMIT = 500;

    public ExecutionPage {
        items = List.copyOf(items);
    }

    /**
     * A position in the newest-first order: the page goes on after the execution created at {@code created} with id
     * {@code id}. Keyset, not an offset, so executions created (or deleted) while a client pages neither repeat nor vanish.
     */
    public record Cursor(String created, String id) {
        /** The opaque text form clients send back as {@code ?cursor=}. */
        public String token() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((created + "\n" + id).getBytes(StandardCharsets.UTF_8));
        }

        /** The cursor {@code token} encodes; a 400 naming the parameter when it was not made by {@link #token()}. */
        public static Cursor of(String token) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.UTF_8).split("\n", -1);
                if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty() && token.length() <= 400) {
                    return new Cursor(parts[0], parts[1]);
                }
            } catch (IllegalArgumentException e) {
                // falls through to the refusal below
            }
            throw new RunException(StoreException.Kind.BAD_REQUEST,
                    "query parameter \"cursor\" is not a cursor this server gave out; send back a page's \"next\" unchanged, or leave it out for the first page");
        }

        static Cursor after(Execution e) {
            return new Cursor(e.created(), e.id());
        }
    }
}
