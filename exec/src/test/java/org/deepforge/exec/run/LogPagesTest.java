package org.deepforge.exec.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job's console read a page at a time: bounded in lines and in characters, every line reached by following {@code next}. */
class LogPagesTest {
    @TempDir
    Path dir;

    @Test
    void aPageOfLongLinesStopsAtItsCharacterBudgetAndSaysMoreFollow() throws Exception {
        try (SqliteRunStore runs = new SqliteRunStore(dir.resolve("runs.db"))) {
            String mega = String.join("", Collections.nCopies(1 << 20, "x")); // the longest line a job's console keeps
            List<String> written = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                written.add(i + mega);
            }
            written.add("done");
            runs.appendLog("e1", "j1", written);

            List<String> read = new ArrayList<>();
            long from = 0;
            int pages = 0;
            JsonNode page;
            do {
                page = runs.log("e1", "j1", from, 5000);
                pages++;
                int chars = 0;
                for (JsonNode line : page.get("lines")) {
                    read.add(line.asText());
                    chars += line.asText().length();
                }
                assertThat(page.get("lines").size()).as("at least one line a page").isPositive();
                assertThat(chars).isLessThanOrEqualTo(RunStore.MAX_LOG_PAGE_CHARS);
                from = page.get("next").asLong();
            } while (page.get("more").asBoolean());
            assertThat(read).isEqualTo(written);
            assertThat(pages).as("three of these lines a page").isEqualTo(4);
            assertThat(runs.log("e1", "j1", from, 5000).get("lines")).isEmpty();
        }
    }

    @Test
    void aPageStopsAtItsLimitAndSaysMoreFollowOnlyWhenTheyDo() throws Exception {
        try (SqliteRunStore runs = new SqliteRunStore(dir.resolve("runs.db"))) {
            runs.appendLog("e1", "j1", List.of("a", "b", "c"));
            JsonNode first = runs.log("e1", "j1", 0, 2);
            assertThat(first.get("lines").toString()).isEqualTo("[\"a\",\"b\"]");
            assertThat(first.get("more").asBoolean()).isTrue();
            JsonNode last = runs.log("e1", "j1", first.get("next").asLong(), 2);
            assertThat(last.get("lines").toString()).isEqualTo("[\"c\"]");
            assertThat(last.get("more").asBoolean()).isFalse();
            assertThat(runs.log("e1", "j1", 0, 3).get("more").asBoolean()).as("exactly the limit, nothing after").isFalse();
        }
    }
}
