package org.deepforge.store.merge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;

class ModelMergerTest {
    static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s.replace('\'', '"'));
    }

    @Test
    void editsToDifferentNodesCommute() throws Exception {
        JsonNode base = json("{'pipelines':{'p1':{'nodes':{'n1':{'x':1}}}}}");
        JsonNode ours = json("{'pipelines':{'p1':{'nodes':{'n1':{'x':1},'n2':{'x':2}}}}}");
        JsonNode theirs = json("{'pipelines':{'p1':{'nodes':{'n1':{'x':5}}}}}");
        var r = ModelMerger.merge(base, ours, theirs);
        assertThat(r.clean()).isTrue();
        assertThat(r.merged()).isEqualTo(json("{'pipelines':{'p1':{'nodes':{'n1':{'x':5},'n2':{'x':2}}}}}"));
    }

    @Test
    void sameFieldChangedDifferentlyIsAConflictWithBothValues() throws Exception {
        var r = ModelMerger.merge(json("{'a':{'b':1}}"), json("{'a':{'b':2}}"), json("{'a':{'b':3}}"));
        assertThat(r.clean()).isFalse();
        Conflict c = r.conflicts().get(0);
        assertThat(c.path()).isEqualTo("/a/b");
        assertThat(c.ours().asInt()).isEqualTo(2);
        assertThat(c.theirs().asInt()).isEqualTo(3);
        assertThat(c.base().asInt()).isEqualTo(1);
    }

    @Test
    void sameChangeOnBothSidesIsNoConflict() throws Exception {
        var r = ModelMerger.merge(json("{'a':1}"), json("{'a':2}"), json("{'a':2}"));
        assertThat(r.clean()).isTrue();
        assertThat(r.merged()).isEqualTo(json("{'a':2}"));
    }

    @Test
    void deleteAgainstModifyIsAConflict() throws Exception {
        var r = ModelMerger.merge(json("{'p':{'p1':{'name':'a'}}}"), json("{'p':{}}"), json("{'p':{'p1':{'name':'b'}}}"));
        assertThat(r.conflicts()).extracting(Conflict::path).containsExactly("/p/p1");
    }

    @Test
    void deletesAndAddsOnBothSidesMerge() throws Exception {
        var r = ModelMerger.merge(json("{'m':{'a':1,'b':2}}"), json("{'m':{'b':2,'c':3}}"), json("{'m':{'a':1,'d':4}}"));
        assertThat(r.merged()).isEqualTo(json("{'m':{'c':3,'d':4}}"));
    }

    @Test
    void codeMergesByLines() throws Exception {
        String base = "class A:\n    def __init__(self, x=1):\n        pass\n\n    def execute(self):\n        return 1\n";
        String ours = base.replace("x=1", "x=2");
        String theirs = base.replace("return 1", "return 42");
        var r = ModelMerger.merge(Json.MAPPER.valueToTree(base), Json.MAPPER.valueToTree(ours), Json.MAPPER.valueToTree(theirs));
        assertThat(r.clean()).isTrue();
        assertThat(r.merged().asText()).contains("x=2").contains("return 42");
    }

    @Test
    void codeWithoutTrailingNewlineStaysWithout() throws Exception {
        String base = "a\nb\nc";
        var r = ModelMerger.merge(Json.MAPPER.valueToTree(base), Json.MAPPER.valueToTree("A\nb\nc"), Json.MAPPER.valueToTree("a\nb\nC"));
        assertThat(r.merged().asText()).isEqualTo("A\nb\nC");
    }

    @Test
    void sameLinesChangedIsAConflict() throws Exception {
        var r = ModelMerger.merge(Json.MAPPER.valueToTree("a\nb\n"), Json.MAPPER.valueToTree("x\nb\n"), Json.MAPPER.valueToTree("y\nb\n"));
        assertThat(r.clean()).isFalse();
    }

    @Test
    void tokensAreEscapedInPaths() throws Exception {
        var r = ModelMerger.merge(json("{'a/b':{'~':1}}"), json("{'a/b':{'~':2}}"), json("{'a/b':{'~':3}}"));
        assertThat(r.conflicts().get(0).path()).isEqualTo("/a~1b/~0");
    }
}
