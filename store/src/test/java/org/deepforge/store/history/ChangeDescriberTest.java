package org.deepforge.store.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;

class ChangeDescriberTest {
    static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s.replace('\'', '"'));
    }

    static final String BEFORE = "{'project':{'name':'Lab','description':''},'operations':{'GetData':{'code':'a\\n'},'Train':{'code':'x = 1\\ny = 2\\n'}},"
            + "'pipelines':{'F8k':{'name':'Train and score','nodes':{'n1':{'operation':'GetData'},'n2':{'operation':'Train','attributes':{'epochs':10},"
            + "'position':{'x':0,'y':0}}},'connections':{}}},'architectures':{'a1':{'name':'convnet','layers':{'l1':{'type':'Conv2d','arguments':{'out_channels':8}}},"
            + "'connections':{}}},'artifacts':{},'utils':{}}";

    static List<String> texts(List<ChangeDescriber.Change> changes) {
        return changes.stream().map(ChangeDescriber.Change::text).toList();
    }

    @Test
    void changesAreSaidWithTheNamesUsersGaveThings() throws Exception {
        JsonNode before = json(BEFORE);
        JsonNode after = json(BEFORE
                .replace("'epochs':10},'position':{'x':0,'y':0}", "'epochs':12},'position':{'x':40,'y':0}")
                .replace("'connections':{}}},'architectures'", "'connections':{'c7':{'from':{'node':'n1','port':'data'},'to':{'node':'n2','port':'data'}}}}},'architectures'")
                .replace("'x = 1\\ny = 2\\n'", "'x = 1\\ny = 3\\nz = 4\\n'")
                .replace("'out_channels':8", "'out_channels':16"));
        List<ChangeDescriber.Change> changes = ChangeDescriber.describe(before, after);
        assertThat(texts(changes)).containsExactly(
                "Train and score ▸ Train ▸ epochs: 10 → 12",
                "Move Train in Train and score",
                "Connect GetData.data → Train.data in Train and score",
                "Edit Train code (+2 −1 lines)",
                "convnet ▸ Conv2d ▸ out_channels: 8 → 16");
        String message = ChangeDescriber.message(changes);
        assertThat(message).startsWith("Train and score ▸ Train ▸ epochs: 10 → 12 and 4 more changes\n\n- Train and score");
        assertThat(message).doesNotContain("F8k").doesNotContain("n2").doesNotContain("c7").doesNotContain("l1");
    }

    @Test
    void addedAndRemovedThingsAndIdsInClientMessages() throws Exception {
        JsonNode before = json(BEFORE);
        JsonNode after = json(BEFORE.replace("'n1':{'operation':'GetData'},", "")
                .replace("'nodes':{", "'nodes':{'n3':{'operation':'Train'},"));
        assertThat(texts(ChangeDescriber.describe(before, after)))
                .containsExactly("Remove GetData from Train and score", "Add Train #2 to Train and score");
        assertThat(ChangeDescriber.mentionsIds("Set epochs of n2 (Train)", before, after)).isTrue();
        assertThat(ChangeDescriber.mentionsIds("Duplicate pipeline Train and score", before, after)).isFalse();
        assertThat(CommitMessages.forEdit("Set epochs of n2 (Train)", before, after)).doesNotContain("n2");
        assertThat(CommitMessages.forEdit("Tidy the pipeline", before, after)).isEqualTo("Tidy the pipeline");
    }

    /** Edits share the entries they did not touch with their parent: only the others are described, in key order. */
    @Test
    void entriesSharedWithThePreviousVersionAreNotDescribed() throws Exception {
        ObjectNode before = (ObjectNode) json("{'project':{'name':'Lab'},'pipelines':{'p2':{'name':'Two'},'p1':{'name':'One','nodes':{'n9':{}}},"
                + "'p3':{'name':'Three'},'p4':{'name':'Four'}},'operations':{},'architectures':{},'artifacts':{},'utils':{}}");
        ObjectNode after = before.deepCopy();
        ObjectNode pipelines = Json.MAPPER.createObjectNode();
        before.get("pipelines").fields().forEachRemaining(e -> pipelines.set(e.getKey(), e.getValue()));
        after.set("pipelines", pipelines);
        pipelines.remove("p3");
        pipelines.set("p0", json("{'name':'Zero'}"));
        pipelines.set("p4", json("{'name':'Four (final)','nodes':{'n7':{}}}"));
        assertThat(texts(ChangeDescriber.describe(before, after))).containsExactly(
                "Add pipeline Zero", "Delete pipeline Three", "Rename pipeline Four to Four (final)", "Add n7 to Four (final)");
        assertThat(texts(ChangeDescriber.describe(before, after)))
                .isEqualTo(texts(ChangeDescriber.describe(before.deepCopy(), after.deepCopy())));
        // ids inside what the edit touched are found; those of entries it did not touch are not looked for
        assertThat(ChangeDescriber.mentionsIds("Place n7", before, after)).isTrue();
        assertThat(ChangeDescriber.mentionsIds("Rename p3", before, after)).isTrue();
        assertThat(ChangeDescriber.mentionsIds("Look at n9", before, after)).isFalse();
        assertThat(ChangeDescriber.mentionsIds("Look at n9", before)).isTrue();
    }

    @Test
    void codeDiffsListOnlyTheChangedLinesWithContext() {
        StringBuilder a = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            a.append("line ").append(i).append('\n');
        }
        String b = a.toString().replace("line 20\n", "line twenty\n");
        CodeDiff.Result d = CodeDiff.of(a.toString(), b);
        assertThat(d.added()).isEqualTo(1);
        assertThat(d.removed()).isEqualTo(1);
        assertThat(d.hunks()).hasSize(1);
        CodeDiff.Hunk h = d.hunks().get(0);
        assertThat(h.oldStart()).isEqualTo(17);
        assertThat(h.lines()).hasSize(8);
        assertThat(h.lines().stream().filter(l -> l.type() != ' ').map(l -> l.type() + l.text()))
                .containsExactly("-line 20", "+line twenty");
    }
}
