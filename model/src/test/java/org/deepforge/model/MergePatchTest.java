package org.deepforge.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class MergePatchTest {
    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s.replace('\'', '"'));
    }

    @Test
    void theExamplesOfRfc7386GiveTheirResults() throws Exception {
        String[][] cases = {
            {"{'a':'b'}", "{'a':'c'}", "{'a':'c'}"},
            {"{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}"},
            {"{'a':'b'}", "{'a':null}", "{}"},
            {"{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}"},
            {"{'a':['b']}", "{'a':'c'}", "{'a':'c'}"},
            {"{'a':'c'}", "{'a':['b']}", "{'a':['b']}"},
            {"{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}"},
            {"{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}"},
            {"['a','b']", "['c','d']", "['c','d']"},
            {"{'a':'b'}", "['c']", "['c']"},
            {"{'a':'foo'}", "null", "null"},
            {"{'a':'foo'}", "'bar'", "'bar'"},
            {"{'e':null}", "{'a':1}", "{'e':null,'a':1}"},
            {"[1,2]", "{'a':'b','c':null}", "{'a':'b'}"},
            {"{}", "{'a':{'bb':{'ccc':null}}}", "{'a':{'bb':{}}}"},
        };
        for (String[] c : cases) {
            assertThat(MergePatch.apply(json(c[0]), json(c[1]))).as("%s patched with %s", c[0], c[1]).isEqualTo(json(c[2]));
        }
    }

    @Test
    void theTargetIsLeftAsItWasAndUnchangedSubtreesAreShared() throws Exception {
        JsonNode target = json("{'layers':{'l1':{'arguments':{'k':3}},'l2':{'arguments':{'k':5}}},'name':'net'}");
        String before = target.toString();
        JsonNode patched = MergePatch.apply(target, json("{'layers':{'l2':{'arguments':{'k':7}}}}"));
        assertThat(target.toString()).isEqualTo(before);
        assertThat(patched.at("/layers/l2/arguments/k").asInt()).isEqualTo(7);
        assertThat(patched.at("/layers/l1")).isSameAs(target.at("/layers/l1"));
    }
}
