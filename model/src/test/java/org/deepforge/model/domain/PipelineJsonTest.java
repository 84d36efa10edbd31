package org.deepforge.model.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.deepforge.model.InvalidModelException;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;

class PipelineJsonTest {
    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text.replace('\'', '"'));
    }

    static JsonNode model(String pipeline) throws Exception {
        return json("{'project': {'name': 'x'}, 'pipelines': {'p': " + pipeline + "}}");
    }

    @Test
    void eachNodeKindOfTheModelViewBecomesItsRecordInTheModelsOrder() throws Exception {
        Pipeline p = PipelineJson.read(model("""
            {'name': 'Train and score', 'nodes': {
               'n2': {'operation': 'Train', 'attributes': {'epochs': 2}, 'references': {'model': 'a1', 'unset': null}, 'position': {'x': 0}},
               'i1': {'input': {'artifact': 'art7'}},
               'o1': {'output': {'saveName': 'myModel'}},
               's1': {'pipeline': 'p2'}},
             'connections': {'c1': {'from': {'node': 'i1', 'port': 'data'}, 'to': {'node': 'n2', 'port': 'data'}}}}"""), "p");
        assertThat(p.name()).isEqualTo("Train and score");
        assertThat(p.nodes().keySet()).containsExactly("n2", "i1", "o1", "s1");
        Node.Operation train = (Node.Operation) p.nodes().get("n2");
        assertThat(train.operation()).isEqualTo("Train");
        assertThat(train.attributes().path("epochs").asInt()).isEqualTo(2);
        assertThat(train.references()).containsExactly(java.util.Map.entry("model", "a1"));
        assertThat(p.nodes().get("i1")).isEqualTo(new Node.Input("i1", "art7", ""));
        assertThat(p.nodes().get("o1")).isEqualTo(new Node.Output("o1", "myModel"));
        assertThat(p.nodes().get("s1")).isEqualTo(new Node.SubPipeline("s1", "p2"));
        assertThat(p.connections()).containsExactly(new Connection("c1", new Port("i1", "data"), new Port("n2", "data")));
        assertThat(p.into("n2")).hasSize(1);
        assertThat(p.source("n2", "data")).contains(new Port("i1", "data"));
        assertThat(p.source("n2", "other")).isEmpty();
    }

    @Test
    void nodesStillBeingEditedReadWithEmptyFieldsAndPortNamesFallBackToTheirIds() throws Exception {
        Pipeline p = PipelineJson.read(model("{'nodes': {'i1': {'input': {}}, 'o1': {'output': {}}, 'n': {'operation': 'Sum'}}}"), "p");
        Node.Input in = (Node.Input) p.nodes().get("i1");
        assertThat(in.artifact()).isEmpty();
        assertThat(in.portName()).isEqualTo("i1");
        assertThat(((Node.Output) p.nodes().get("o1")).portName()).isEqualTo("o1");
        assertThat(((Node.Operation) p.nodes().get("n")).attributes().isObject()).isTrue();
        assertThat(p.name()).isEmpty();
        assertThat(p.connections()).isEmpty();
    }

    @Test
    void attributesAreACopySoLaterEditsOfTheModelDoNotReachTheRecord() throws Exception {
        JsonNode model = model("{'nodes': {'n': {'operation': 'Sum', 'attributes': {'k': 1}}}}");
        Pipeline p = PipelineJson.read(model, "p");
        ((com.fasterxml.jackson.databind.node.ObjectNode) model.path("pipelines").path("p").path("nodes").path("n").path("attributes")).put("k", 2);
        assertThat(((Node.Operation) p.nodes().get("n")).attributes().path("k").asInt()).isEqualTo(1);
    }

    @Test
    void aMissingPipelineIsNamed() throws Exception {
        assertThatThrownBy(() -> PipelineJson.read(model("{}"), "q"))
                .isInstanceOf(InvalidModelException.class).hasMessage("there is no pipeline q");
    }

    @Test
    void aNodeWithTwoKindsIsRefusedNamingBoth() throws Exception {
        assertThatThrownBy(() -> PipelineJson.read(model("{'nodes': {'n': {'operation': 'A', 'input': {}}}}"), "p"))
                .isInstanceOf(InvalidModelException.class)
                .hasMessage("node n must have exactly one of \"operation\", \"input\", \"output\" or \"pipeline\"; it has operation and input")
                .extracting(e -> ((InvalidModelException) e).path()).isEqualTo("/pipelines/p/nodes/n");
    }

    @Test
    void aNodeWithoutAKindIsRefused() throws Exception {
        assertThatThrownBy(() -> PipelineJson.read(model("{'nodes': {'n': {'position': {}}}}"), "p"))
                .hasMessage("node n must have exactly one of \"operation\", \"input\", \"output\" or \"pipeline\"");
    }

    @Test
    void malformedFieldsAreRefusedWithWhatToWrite() throws Exception {
        assertThatThrownBy(() -> PipelineJson.read(model("{'nodes': {'n': 3}}"), "p")).hasMessage("node n must be a JSON object");
        assertThatThrownBy(() -> PipelineJson.read(model("{'nodes': {'n': {'operation': 7}}}"), "p"))
                .hasMessage("node n: \"operation\" must name an operation");
        assertThatThrownBy(() -> PipelineJson.read(model("{'nodes': {'n': {'operation': 'A', 'attributes': []}}}"), "p"))
                .hasMessage("node n: \"attributes\" must be an object of attribute values");
        assertThatThrownBy(() -> PipelineJson.read(model("{'nodes': {'n': {'operation': 'A', 'references': {'m': 1}}}}"), "p"))
                .hasMessage("node n: reference \"m\" must be an architecture id (a string) or null");
        assertThatThrownBy(() -> PipelineJson.read(model("{'nodes': {'i': {'input': 'art'}}}"), "p"))
                .hasMessage("Input node i needs {\"input\": {\"artifact\": …}}");
        assertThatThrownBy(() -> PipelineJson.read(model("{'nodes': {'o': {'output': {'saveName': 5}}}}"), "p"))
                .hasMessage("\"saveName\" must be a string")
                .extracting(e -> ((InvalidModelException) e).path()).isEqualTo("/pipelines/p/nodes/o/output/saveName");
        assertThatThrownBy(() -> PipelineJson.read(model("{'nodes': []}"), "p")).hasMessage("\"nodes\" must be an object keyed by id");
    }

    @Test
    void aConnectionMustJoinTwoNodesOfThePipeline() throws Exception {
        assertThatThrownBy(() -> PipelineJson.read(model("{'nodes': {'a': {'operation': 'A'}}, "
                + "'connections': {'c': {'from': {'node': 'a', 'port': 'x'}, 'to': {'node': 'gone', 'port': 'y'}}}}"), "p"))
                .hasMessage("connection c joins node gone, which is not in pipeline p; remove the connection or add the node");
        assertThatThrownBy(() -> PipelineJson.read(model("{'nodes': {'a': {'operation': 'A'}}, "
                + "'connections': {'c': {'from': {'node': 'a'}, 'to': {'node': 'a', 'port': 'y'}}}}"), "p"))
                .hasMessage("connection c needs {\"from\": {\"node\", \"port\"}, \"to\": {\"node\", \"port\"}}")
                .extracting(e -> ((InvalidModelException) e).path()).isEqualTo("/pipelines/p/connections/c/from/port");
    }

    @Test
    void labelsNameTheNodeAsMessagesDo() {
        assertThat(new Node.Operation("n2", "Train", Json.MAPPER.createObjectNode(), java.util.Map.of()).label()).isEqualTo("Train (n2)");
        assertThat(new Node.Input("i1", "", "").label()).isEqualTo("Input (i1)");
        assertThat(new Node.Output("o1", "").label()).isEqualTo("Output (o1)");
        assertThat(new Node.SubPipeline("s1", "p2").label()).isEqualTo("pipeline p2 (s1)");
    }
}
