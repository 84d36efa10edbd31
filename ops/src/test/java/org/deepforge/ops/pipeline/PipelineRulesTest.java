package org.deepforge.ops.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;

class PipelineRulesTest {
    /** A model with operations whose interfaces are given directly (as the server derives them). */
    static ObjectNode model() throws Exception {
        return (ObjectNode) Json.MAPPER.readTree("""
            {"project": {"name": "t"},
             "operations": {
               "Load": {"code": "", "interface": {"class": "Load", "inputs": [], "outputs": [{"name": "data", "type": "numpy.ndarray"}],
                        "attributes": [{"name": "path", "type": "str", "required": true}], "references": [], "errors": []}},
               "Train": {"code": "", "interface": {"class": "Train",
                        "inputs": [{"name": "data", "type": "np.ndarray"}, {"name": "labels", "type": null}],
                        "outputs": [{"name": "model", "type": "torch.nn.Module"}],
                        "attributes": [{"name": "epochs", "type": "int", "default": 10, "min": 1, "max": 100},
                                       {"name": "optimizer", "type": "choice", "choices": ["adam", "sgd"], "default": "adam"},
                                       {"name": "rate", "type": "float", "default": 0.1}],
                        "references": [{"name": "net", "type": "Architecture"}], "errors": []}},
               "Text": {"code": "", "interface": {"class": "Text", "inputs": [{"name": "text", "type": "str"}], "outputs": [{"name": "text", "type": "str"}],
                        "attributes": [], "references": [], "errors": []}}},
             "architectures": {"a1": {"name": "net"}},
             "artifacts": {"art1": {"name": "x"}},
             "pipelines": {
               "p1": {"name": "main", "nodes": {
                        "n1": {"operation": "Load", "attributes": {"path": "x.npy"}},
                        "n2": {"operation": "Train", "attributes": {"epochs": 5}, "references": {"net": "a1"}},
                        "n3": {"operation": "Text"}},
                      "connections": {"c1": {"from": {"node": "n1", "port": "data"}, "to": {"node": "n2", "port": "data"}}}},
               "inner": {"name": "inner", "nodes": {
                        "i1": {"input": {"artifact": "", "name": "raw"}},
                        "t": {"operation": "Text"},
                        "o1": {"output": {"saveName": "cleaned"}}},
                      "connections": {"k1": {"from": {"node": "i1", "port": "data"}, "to": {"node": "t", "port": "text"}},
                                      "k2": {"from": {"node": "t", "port": "text"}, "to": {"node": "o1", "port": "data"}}}}}}
            """);
    }

    static ObjectNode pipeline(ObjectNode model, String id) {
        return (ObjectNode) model.get("pipelines").get(id);
    }

    static void connect(ObjectNode model, String pipeline, String id, String from, String fromPort, String to, String toPort) {
        ObjectNode c = ((ObjectNode) pipeline(model, pipeline).get("connections")).putObject(id);
        c.putObject("from").put("node", from).put("port", fromPort);
        c.putObject("to").put("node", to).put("port", toPort);
    }

    static List<String> messages(JsonNode model, String pipeline) {
        return PipelineRules.violations(model, pipeline).stream().map(Issue::message).toList();
    }

    @Test
    void aValidPipelineHasNoViolations() throws Exception {
        assertThat(messages(model(), "p1")).isEmpty();
        assertThat(messages(model(), "inner")).isEmpty();
    }

    @Test
    void cyclesAreRefusedAndNamed() throws Exception {
        ObjectNode m = model();
        ((ObjectNode) pipeline(m, "p1").get("nodes")).putObject("n4").put("operation", "Text");
        connect(m, "p1", "c2", "n3", "text", "n4", "text");
        connect(m, "p1", "c3", "n4", "text", "n3", "text");
        List<Issue> issues = PipelineRules.violations(m, "p1");
        assertThat(issues).extracting(Issue::kind).contains("cycle");
        assertThat(issues.stream().filter(i -> i.kind().equals("cycle")).findFirst().orElseThrow().message())
                .contains("Text (n3) → Text (n4) → Text (n3)");
    }

    @Test
    void selfLoopIsACycle() throws Exception {
        ObjectNode m = model();
        connect(m, "p1", "c2", "n3", "text", "n3", "text");
        assertThat(messages(m, "p1")).anySatisfy(s -> assertThat(s).contains("cycle").contains("Text (n3) → Text (n3)"));
    }

    @Test
    void portTypesMustBeCompatibleAndUntypedPortsTakeAnything() throws Exception {
        ObjectNode m = model();
        connect(m, "p1", "c2", "n3", "text", "n2", "labels"); // untyped input: fine
        assertThat(messages(m, "p1")).isEmpty();
        ObjectNode m2 = model();
        ((ObjectNode) pipeline(m2, "p1").get("nodes")).putObject("n5").put("operation", "Text");
        connect(m2, "p1", "c2", "n2", "model", "n5", "text");
        assertThat(messages(m2, "p1")).anySatisfy(s -> assertThat(s)
                .contains("cannot connect Train (n2).model (torch.nn.Module) to Text (n5).text (str)"));
    }

    @Test
    void npAndNumpyAreTheSameType() {
        assertThat(Ports.compatible("numpy.ndarray", "np.ndarray")).isTrue();
        assertThat(Ports.compatible("'numpy.ndarray'", "numpy.ndarray")).isTrue();
        assertThat(Ports.compatible("int", "Any")).isTrue();
        assertThat(Ports.compatible("int", "str")).isFalse();
    }

    @Test
    void typesTheCheckKnowsMustAgreeAndUnknownClassesMayBeSubclasses() {
        assertThat(Ports.compatible("file", "float")).isFalse();
        assertThat(Ports.compatible("numpy.ndarray", "torch.Tensor")).isFalse();
        assertThat(Ports.compatible("List[int]", "list")).isTrue();
        assertThat(Ports.compatible("typing.List[int]", "tuple")).isFalse();
        assertThat(Ports.compatible("int", "float")).isTrue();
        assertThat(Ports.compatible("bool", "int")).isTrue();
        assertThat(Ports.compatible("float", "int")).isFalse();
        assertThat(Ports.compatible("float", "Optional[float]")).isTrue();
        assertThat(Ports.compatible("float", "int | None")).isFalse();
        assertThat(Ports.compatible("str", "Union[int, str]")).isTrue();
        assertThat(Ports.compatible("Optional[Any]", "int")).isTrue();
        assertThat(Ports.compatible("'nn.Module'", "torch.nn.Module")).isTrue();
        assertThat(Ports.compatible("MyNet", "torch.nn.Module")).isTrue();
        assertThat(Ports.compatible("torch.utils.data.Dataset", "Dataset")).isTrue();
        assertThat(Ports.compatible("Annotated[float, Range(0, 1)]", "float")).isTrue();
        assertThat(Ports.compatible("Sequence[int]", "list")).isTrue();
    }

    @Test
    void anInputNodeFeedsItsArtifactsType() throws Exception {
        ObjectNode m = model();
        ((ObjectNode) m.get("artifacts")).putObject("f1").put("name", "notes.txt").put("type", "file");
        ((ObjectNode) m.get("artifacts")).putObject("k1").put("name", "blob").put("type", "pickle");
        ObjectNode nodes = (ObjectNode) pipeline(m, "p1").get("nodes");
        nodes.putObject("i1").putObject("input").put("artifact", "f1");
        nodes.putObject("i2").putObject("input").put("artifact", "k1");
        nodes.putObject("n5").put("operation", "Text");
        connect(m, "p1", "c2", "i1", "data", "n3", "text");
        connect(m, "p1", "c3", "i2", "data", "n5", "text"); // pickled: whatever it holds may fit
        assertThat(messages(m, "p1")).containsExactly("cannot connect Input (i1).data (file) to Text (n3).text (str): a file is not a str; "
                + "change one of the two types, or annotate the input Any to take anything");
    }

    @Test
    void analysisLintIsAWarningAtTheNodeAndLine() throws Exception {
        ObjectNode m = model();
        ObjectNode iface = (ObjectNode) m.get("operations").get("Text").get("interface");
        iface.putArray("lint").addObject().put("line", 7).put("col", 15).put("kind", "undefined-name")
                .put("severity", "error").put("message", "undefined name 'factr'");
        connect(m, "p1", "c2", "n1", "data", "n2", "labels");
        Issue lint = PipelineRules.problems(m, "p1").stream().filter(i -> i.kind().equals("undefined-name")).findFirst().orElseThrow();
        assertThat(lint.node()).isEqualTo("n3");
        assertThat(lint.line()).isEqualTo(7);
        assertThat(lint.message()).isEqualTo("Text (n3): line 7: undefined name 'factr'");
        assertThat(lint.blocksRun()).isFalse();
        assertThat(lint.toJson().path("severity").asText()).isEqualTo("warning");
        assertThat(lint.toJson().path("line").asInt()).isEqualTo(7);
    }

    @Test
    void anInputTakesOneSource() throws Exception {
        ObjectNode m = model();
        ((ObjectNode) pipeline(m, "p1").get("nodes")).putObject("n0").put("operation", "Load");
        connect(m, "p1", "c2", "n0", "data", "n2", "data");
        assertThat(messages(m, "p1")).anySatisfy(s -> assertThat(s).contains("already has a source"));
    }

    @Test
    void connectionsMustNameExistingNodesAndPortsInTheRightDirection() throws Exception {
        ObjectNode m = model();
        connect(m, "p1", "c2", "n1", "data", "ghost", "data");
        assertThat(messages(m, "p1")).anySatisfy(s -> assertThat(s).contains("ghost, which is not in this pipeline"));
        ObjectNode m2 = model();
        connect(m2, "p1", "c2", "n2", "data", "n3", "text");
        assertThat(messages(m2, "p1")).anySatisfy(s -> assertThat(s).contains("Train (n2) has no output \"data\"; its outputs are model"));
        ObjectNode m3 = model();
        connect(m3, "p1", "c2", "n1", "data", "n2", "nope");
        assertThat(messages(m3, "p1")).anySatisfy(s -> assertThat(s).contains("has no input \"nope\""));
    }

    @Test
    void attributeValuesAreChecked() throws Exception {
        ObjectNode m = model();
        ObjectNode attrs = (ObjectNode) pipeline(m, "p1").get("nodes").get("n2").get("attributes");
        attrs.put("epochs", "ten");
        assertThat(messages(m, "p1")).anySatisfy(s -> assertThat(s).contains("\"epochs\" must be a whole number, not \"ten\""));
        attrs.put("epochs", 1000);
        assertThat(messages(m, "p1")).anySatisfy(s -> assertThat(s).contains("must be at most 100"));
        attrs.put("epochs", 3).put("optimizer", "adagrad");
        assertThat(messages(m, "p1")).anySatisfy(s -> assertThat(s).contains("must be one of \"adam\", \"sgd\""));
        attrs.put("optimizer", "sgd").put("rate", 1);
        assertThat(messages(m, "p1")).isEmpty();
        attrs.put("bogus", 1);
        assertThat(messages(m, "p1")).anySatisfy(s -> assertThat(s).contains("Train has no attribute \"bogus\""));
    }

    @Test
    void referencesMustNameArchitectures() throws Exception {
        ObjectNode m = model();
        ((ObjectNode) pipeline(m, "p1").get("nodes").get("n2").get("references")).put("net", "a9");
        assertThat(messages(m, "p1")).anySatisfy(s -> assertThat(s).contains("architecture \"a9\", which does not exist"));
    }

    @Test
    void subPipelinePortsComeFromItsInputAndOutputNodes() throws Exception {
        ObjectNode m = model();
        ((ObjectNode) pipeline(m, "p1").get("nodes")).putObject("s1").put("pipeline", "inner");
        connect(m, "p1", "c2", "n3", "text", "s1", "raw");
        assertThat(messages(m, "p1")).isEmpty();
        Ports ports = Ports.of(m, pipeline(m, "p1").get("nodes").get("s1")).orElseThrow();
        assertThat(ports.inputs()).containsOnlyKeys("raw");
        assertThat(ports.outputs()).containsOnlyKeys("cleaned");
    }

    @Test
    void aPipelineCannotContainItself() throws Exception {
        ObjectNode m = model();
        ((ObjectNode) pipeline(m, "inner").get("nodes")).putObject("s").put("pipeline", "p1");
        ((ObjectNode) pipeline(m, "p1").get("nodes")).putObject("s1").put("pipeline", "inner");
        assertThat(messages(m, "p1")).anySatisfy(s -> assertThat(s).contains("would contain itself: p1 → inner → p1"));
    }

    @Test
    void problemsListWhatBlocksARun() throws Exception {
        ObjectNode m = model();
        ((ObjectNode) pipeline(m, "p1").get("nodes").get("n2")).putObject("references");
        List<Issue> problems = PipelineRules.problems(m, "p1");
        assertThat(problems).extracting(Issue::message).contains(
                "Train (n2): input \"labels\" is not connected",
                "Text (n3): input \"text\" is not connected",
                "Train (n2): choose an architecture for \"net\"");
        List<Issue> inner = PipelineRules.problems(m, "inner");
        assertThat(inner).extracting(Issue::message).contains("Input i1: choose the artifact it feeds in");
        ((ObjectNode) pipeline(m, "p1").get("nodes").get("n1")).remove("attributes");
        assertThat(PipelineRules.problems(m, "p1")).extracting(Issue::message).contains("Load (n1): attribute \"path\" needs a value");
    }

    @Test
    void malformedNodesAreViolations() throws Exception {
        ObjectNode m = model();
        ((ObjectNode) pipeline(m, "p1").get("nodes")).putObject("x").put("operation", "Nope");
        ((ObjectNode) pipeline(m, "p1").get("nodes")).putObject("y").put("color", "red");
        assertThat(messages(m, "p1")).anySatisfy(s -> assertThat(s).contains("operation \"Nope\", which does not exist"))
                .anySatisfy(s -> assertThat(s).contains("exactly one of"));
    }
}
