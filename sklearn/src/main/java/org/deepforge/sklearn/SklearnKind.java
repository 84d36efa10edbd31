package org.deepforge.sklearn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deepforge.library.ArchitectureAnalysis;
import org.deepforge.library.ArchitectureKind;
import org.deepforge.library.CodeGenerationException;
import org.deepforge.library.GeneratedModule;
import org.deepforge.model.Json;

/** Estimator pipelines: scikit-learn's estimators as a graph, feature counts in Java, code as a Pipeline. */
final class SklearnKind implements ArchitectureKind {
    static final String ID = "sklearn-pipeline";

    private final EstimatorCatalog catalog;
    private final PipelineAnalyzer analyzer;

    SklearnKind(EstimatorCatalog catalog) {
        this.catalog = catalog;
        this.analyzer = new PipelineAnalyzer(catalog);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String name() {
        return "Estimator pipeline (scikit-learn)";
    }

    @Override
    public String description() {
        return "scikit-learn's transformers, classifiers, regressors and clusterers connected from one Input to one last"
                + " step; feature counts as you draw; generated as an sklearn Pipeline.";
    }

    @Override
    public byte[] catalog() {
        return catalog.json();
    }

    /** An Input alone: the user adds the steps. */
    @Override
    public JsonNode template() {
        ObjectNode template = Json.MAPPER.createObjectNode();
        ObjectNode input = template.putObject("layers").putObject("input");
        input.put("type", EstimatorSpec.INPUT);
        input.putObject("arguments");
        template.putObject("connections");
        return template;
    }

    @Override
    public ArchitectureAnalysis analyze(JsonNode architecture) {
        return analyzer.analyze(architecture).analysis();
    }

    /** A module whose function returns a fresh, unfitted Pipeline; refuses a drawing with errors (422). */
    @Override
    public GeneratedModule generate(JsonNode architecture) {
        PipelineAnalyzer.Analyzed analyzed = analyzer.analyze(architecture);
        var errors = analyzed.analysis().errors();
        if (analyzed.chain().isEmpty()) {
            throw new CodeGenerationException("the pipeline has errors; fix them first: " + errors.get(0).message()
                    + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""));
        }
        String function = PythonSource.functionName(analyzed.drawing().name());
        return new GeneratedModule(function, PipelineCode.generate(function, analyzed.drawing().name(), catalog.sklearnVersion(),
                analyzed.chain().get()));
    }
}
