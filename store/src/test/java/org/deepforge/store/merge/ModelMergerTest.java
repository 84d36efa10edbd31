package org.deepforge.store.merge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
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

    /** Edits share every entry they did not touch with their parent; such a merge must equal one of separate copies. */
    @Test
    void entriesSharedBetweenVersionsMergeAsCopiesDo() throws Exception {
        ObjectNode base = (ObjectNode) json("{'m':{'a':{'x':1},'b':{'x':2},'c':{'x':3},'e':{'x':5,'y':5}}}");
        ObjectNode ours = shallow(base);
        ObjectNode oursMap = shallow(base.get("m"));
        ours.set("m", oursMap);
        oursMap.set("b", json("{'x':20}"));
        oursMap.set("d", json("{'x':4}"));
        oursMap.set("e", json("{'x':5,'y':50}"));
        ObjectNode theirs = shallow(base);
        ObjectNode theirsMap = shallow(base.get("m"));
        theirs.set("m", theirsMap);
        theirsMap.remove("c");
        theirsMap.set("a", json("{'x':10}"));
        theirsMap.set("e", json("{'x':55,'y':5}"));
        var shared = ModelMerger.merge(base, ours, theirs);
        var copies = ModelMerger.merge(base.deepCopy(), ours.deepCopy(), theirs.deepCopy());
        assertThat(shared.clean()).isTrue();
        assertThat(shared.merged()).isEqualTo(json("{'m':{'a':{'x':10},'b':{'x':20},'d':{'x':4},'e':{'x':55,'y':50}}}"));
        assertThat(shared.merged()).isEqualTo(copies.merged());
        assertThat(fieldNames(shared.merged().get("m"))).isEqualTo(fieldNames(copies.merged().get("m")));
        // deleting an entry the other side changed is still a conflict when the entries are shared
        ObjectNode changedC = shallow(ours);
        ObjectNode changedCMap = shallow(oursMap);
        changedC.set("m", changedCMap);
        changedCMap.set("c", json("{'x':30}"));
        assertThat(ModelMerger.merge(base, changedC, theirs).conflicts()).extracting(Conflict::path).containsExactly("/m/c");
    }

    static ObjectNode shallow(JsonNode node) {
        ObjectNode copy = Json.MAPPER.createObjectNode();
        node.fields().forEachRemaining(e -> copy.set(e.getKey(), e.getValue()));
        return copy;
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
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
