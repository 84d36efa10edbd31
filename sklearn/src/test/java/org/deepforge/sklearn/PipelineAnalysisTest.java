package org.deepforge.sklearn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.deepforge.library.ArchitectureAnalysis;
import org.deepforge.library.LayerError;
import org.junit.jupiter.api.Test;

class PipelineAnalysisTest {
    private final SklearnKind kind = new SklearnKind(EstimatorCatalog.bundled());

    private ArchitectureAnalysis analyze(Drawing d) {
        return kind.analyze(d.json());
    }

    private static List<Integer> shape(Integer... dims) {
        return Arrays.asList(dims);
    }

    private static List<String> messages(ArchitectureAnalysis a) {
        return a.errors().stream().map(LayerError::message).toList();
    }

    @Test
    void featuresFlowThroughScalerAndPcaAndThePredictorPutsOutPredictions() {
        ArchitectureAnalysis a = analyze(Drawing.digits());
        assertThat(a.errors()).isEmpty();
        assertThat(a.layers().get("in").output()).isEqualTo(shape(null, 64));
        assertThat(a.layers().get("scale").output()).isEqualTo(shape(null, 64));
        assertThat(a.layers().get("pca").output()).isEqualTo(shape(null, 20));
        assertThat(a.layers().get("clf").output()).isEqualTo(shape((Integer) null));
        assertThat(a.shapes()).containsEntry("c1", shape(null, 64)).containsEntry("c3", shape(null, 20));
        assertThat(a.parameters()).hasValue(0);
        assertThat(a.layers().get("pca").inferred()).isEmpty();
    }

    @Test
    void unknownFeatureCountsAreNullNotGuesses() {
        ArchitectureAnalysis a = analyze(new Drawing("x").layer("in", "Input").layer("pca", "PCA", "{\"n_components\": 5}")
                .layer("ohe", "OneHotEncoder").layer("clf", "SVC").chain("in", "pca", "ohe", "clf"));
        assertThat(a.errors()).isEmpty();
        assertThat(a.layers().get("in").output()).isEqualTo(shape(null, null));
        assertThat(a.layers().get("pca").output()).isEqualTo(shape(null, 5));
        assertThat(a.layers().get("ohe").output()).isEqualTo(shape(null, null));
    }

    @Test
    void aPredictorBeforeATransformerIsAnErrorOnThePredictor() {
        ArchitectureAnalysis a = analyze(new Drawing("x").layer("in", "Input", "{\"features\": 64}")
                .layer("clf", "LogisticRegression").layer("pca", "PCA").chain("in", "clf", "pca"));
        assertThat(a.errorsOf("clf")).extracting(LayerError::message)
                .containsExactly("LogisticRegression is a predictor: it must be the last step; put transformers before it");
        assertThat(a.errorsOf("pca")).isEmpty();
    }

    @Test
    void moreComponentsThanInputFeaturesIsAnErrorThatSaysTheLimit() {
        ArchitectureAnalysis a = analyze(new Drawing("x").layer("in", "Input", "{\"features\": 64}")
                .layer("pca", "PCA", "{\"n_components\": 80}").layer("clf", "LogisticRegression").chain("in", "pca", "clf"));
        assertThat(a.errorsOf("pca")).extracting(LayerError::message).containsExactly(
                "PCA \"pca\": n_components is 80 but its input has only 64 features; set n_components to at most 64");
        assertThat(a.parameters()).isEmpty();
    }

    @Test
    void selectKBestAndPolynomialFeaturesCountTheirColumns() {
        ArchitectureAnalysis a = analyze(new Drawing("x").layer("in", "Input", "{\"features\": 64}")
                .layer("k", "SelectKBest", "{\"k\": 70}").layer("poly", "PolynomialFeatures").layer("clf", "Ridge")
                .chain("in", "poly", "k", "clf"));
        assertThat(a.layers().get("poly").output()).isEqualTo(shape(null, 2145));
        assertThat(a.errors()).isEmpty();
        a = analyze(new Drawing("x").layer("in", "Input", "{\"features\": 8}").layer("k", "SelectKBest", "{\"k\": 9}")
                .layer("poly", "PolynomialFeatures", "{\"degree\": 3, \"interaction_only\": true, \"include_bias\": false}")
                .layer("clf", "Ridge").chain("in", "k", "poly", "clf"));
        assertThat(messages(a)).containsExactly(
                "SelectKBest \"k\": k is 9 but its input has only 8 features; set k to at most 8");
        assertThat(a.layers().get("poly").output()).isEqualTo(shape(null, 9 + 36 + 84));
    }

    @Test
    void aChoiceOutsideItsChoicesIsAnErrorNamingThem() {
        ArchitectureAnalysis a = analyze(new Drawing("x").layer("in", "Input").layer("pca", "PCA", "{\"svd_solver\": \"fast\"}")
                .layer("clf", "LogisticRegression").chain("in", "pca", "clf"));
        assertThat(a.errorsOf("pca")).extracting(LayerError::message).containsExactly(
                "PCA \"pca\": svd_solver must be one of \"auto\", \"full\", \"arpack\", \"randomized\", not \"fast\"");
    }

    @Test
    void argumentsAreCheckedAgainstTheCatalog() {
        ArchitectureAnalysis a = analyze(new Drawing("x").layer("in", "Input", "{\"features\": \"many\"}")
                .layer("scale", "StandardScaler", "{\"with_mean\": \"yes\", \"colour\": 1}")
                .layer("clf", "RandomForestClassifier", "{\"n_estimators\": 10.5, \"max_depth\": null, \"min_samples_split\": 0.1}")
                .chain("in", "scale", "clf"));
        assertThat(messages(a)).containsExactlyInAnyOrder(
                "Input \"in\": features must be a whole number or null, not \"many\"",
                "StandardScaler \"scale\": with_mean must be true or false, not \"yes\"",
                "StandardScaler \"scale\" has no argument \"colour\"; its arguments are copy, with_mean, with_std",
                "RandomForestClassifier \"clf\": n_estimators must be a whole number, not 10.5");
    }

    @Test
    void featureUnionSumsItsBranches() {
        ArchitectureAnalysis a = analyze(new Drawing("x").layer("in", "Input", "{\"features\": 64}").layer("scale", "StandardScaler")
                .layer("pca", "PCA", "{\"n_components\": 10}").layer("k", "SelectKBest", "{\"k\": 5}").layer("union", "FeatureUnion")
                .layer("clf", "LogisticRegression").chain("in", "scale").connect("scale", "pca").connect("scale", "k")
                .connect("pca", "union", 0).connect("k", "union", 1).connect("union", "clf"));
        assertThat(a.errors()).isEmpty();
        assertThat(a.layers().get("union").output()).isEqualTo(shape(null, 15));
    }

    @Test
    void columnTransformerSumsItsBranchesAndThePassedThroughRemainder() {
        Drawing d = columns("passthrough");
        ArchitectureAnalysis a = analyze(d);
        assertThat(a.errors()).isEmpty();
        assertThat(a.layers().get("first").output()).isEqualTo(shape(null, 3));
        assertThat(a.layers().get("ct").output()).isEqualTo(shape(null, 3 + 2 + 5));
        assertThat(analyze(columns("drop")).layers().get("ct").output()).isEqualTo(shape(null, 5));
    }

    static Drawing columns(String remainder) {
        return new Drawing("mixed").layer("in", "Input", "{\"features\": 10}").layer("first", "Columns", "{\"columns\": [0, 1, 2]}")
                .layer("scale", "StandardScaler").layer("second", "Columns", "{\"columns\": [3, 4]}")
                .layer("ct", "ColumnTransformer", "{\"remainder\": \"" + remainder + "\"}").layer("clf", "LogisticRegression")
                .chain("in", "first", "scale").connect("scale", "ct", 0).connect("in", "second").connect("second", "ct", 1)
                .connect("ct", "clf");
    }

    @Test
    void columnsMustExistAndStartABranchOfAColumnTransformer() {
        ArchitectureAnalysis a = analyze(new Drawing("x").layer("in", "Input", "{\"features\": 4}")
                .layer("cols", "Columns", "{\"columns\": [1, 7]}").layer("clf", "LogisticRegression").chain("in", "cols", "clf"));
        assertThat(messages(a)).containsExactlyInAnyOrder(
                "Columns \"cols\": column 7 does not exist: the Input has 4 features (columns 0 to 3)",
                "Columns \"cols\" starts a branch of a ColumnTransformer: connect it directly after the Input and lead its"
                        + " branch into a ColumnTransformer");
        a = analyze(new Drawing("x").layer("in", "Input").layer("cols", "Columns").layer("clf", "LogisticRegression").chain("in", "cols"));
        assertThat(a.errorsOf("cols")).extracting(LayerError::message)
                .contains("Columns \"cols\": argument \"columns\" is required; set it");
    }

    @Test
    void aColumnTransformerBranchWithoutColumnsIsAnError() {
        ArchitectureAnalysis a = analyze(new Drawing("x").layer("in", "Input").layer("a", "StandardScaler").layer("b", "MinMaxScaler")
                .layer("ct", "ColumnTransformer").layer("clf", "SVC").connect("in", "a").connect("in", "b")
                .connect("a", "ct", 0).connect("b", "ct", 1).connect("ct", "clf"));
        assertThat(a.errorsOf("ct")).extracting(LayerError::message).containsExactly(
                "ColumnTransformer \"ct\": branch 0 must start with a Columns step (which columns it gets) right after the Input",
                "ColumnTransformer \"ct\": branch 1 must start with a Columns step (which columns it gets) right after the Input");
    }

    @Test
    void aMergeNeedsTwoBranchesFromOneStep() {
        ArchitectureAnalysis a = analyze(new Drawing("x").layer("in", "Input").layer("union", "FeatureUnion")
                .layer("clf", "SVC").chain("in", "union", "clf"));
        assertThat(messages(a)).containsExactly("FeatureUnion \"union\" joins branches: connect at least two (it has 1)");
    }

    @Test
    void cyclesAreErrorsOnEveryStepOfTheCycle() {
        ArchitectureAnalysis a = analyze(new Drawing("x").layer("in", "Input").layer("a", "StandardScaler").layer("b", "PCA")
                .layer("u", "FeatureUnion").layer("clf", "SVC").chain("in", "a").connect("u", "b").connect("b", "u", 1)
                .connect("a", "u", 0).connect("u", "clf"));
        assertThat(a.errorsOf("b")).extracting(LayerError::message).containsExactly(
                "PCA \"b\" is part of a cycle: data flows one way, from Input to the last step; remove one of its connections");
        assertThat(a.errorsOf("u")).isNotEmpty();
        assertThat(a.layers().get("clf").output()).isEqualTo(shape((Integer) null));
    }

    @Test
    void oneInputExactly() {
        assertThat(messages(analyze(new Drawing("x").layer("clf", "SVC"))))
                .containsExactlyInAnyOrder("SVC \"clf\": input 0 is not connected; connect the step before it",
                        "the pipeline has no Input: add one and connect it to the first step");
        ArchitectureAnalysis a = analyze(new Drawing("x").layer("in", "Input").layer("in2", "Input").layer("clf", "SVC").chain("in", "clf"));
        assertThat(a.errorsOf("in2")).extracting(LayerError::message).containsExactly(
                "Input \"in2\": a pipeline has exactly one Input (the data X); remove this one and connect its steps to Input \"in\"");
    }

    @Test
    void danglingStepsAndTwoEndsAreErrors() {
        ArchitectureAnalysis a = analyze(Drawing.digits().layer("lost", "PCA").layer("more", "MinMaxScaler").chain("lost", "more"));
        assertThat(a.errorsOf("lost")).extracting(LayerError::message).containsExactly(
                "PCA \"lost\": input 0 is not connected; connect the step before it");
        a = analyze(Drawing.digits().layer("svc", "SVC").connect("pca", "svc"));
        assertThat(a.errorsOf("svc")).extracting(LayerError::message).containsExactly("the pipeline ends in 2 steps (LogisticRegression"
                + " \"clf\", SVC \"svc\"); it must end in one: join the branches with a FeatureUnion or ColumnTransformer, or remove the extra ones");
        assertThat(messages(analyze(new Drawing("x").layer("in", "Input"))))
                .containsExactly("the pipeline has no steps: connect an estimator after the Input");
    }

    @Test
    void branchesThatDoNotJoinAreAnErrorOnTheStepThatSplits() {
        ArchitectureAnalysis a = analyze(new Drawing("x").layer("in", "Input").layer("a", "PCA").layer("b", "PCA")
                .layer("clf", "SVC").chain("in", "a", "clf").connect("in", "b").connect("b", "clf"));
        assertThat(messages(a)).contains("SVC \"clf\": input 0 has two connections (c2 and c4); remove one");
    }

    @Test
    void unknownTypesAndMalformedDrawingsAreErrorsNeverExceptions() {
        assertThat(messages(analyze(new Drawing("x").layer("in", "Input").layer("m", "Magic").chain("in", "m"))))
                .contains("\"Magic\" (layer \"m\") is not a scikit-learn estimator this library knows: pick one from the palette");
        for (String junk : List.of("[]", "{}", "{\"layers\": 3}", "{\"layers\": {\"a\": 1}, \"connections\": {\"c\": 2}}",
                "{\"layers\": {\"a\": {\"type\": \"Input\", \"arguments\": []}}, \"connections\": []}",
                "{\"layers\": {\"a\": {\"type\": \"Input\"}, \"b\": {\"type\": \"FeatureUnion\"}}, \"connections\": "
                        + "{\"c\": {\"from\": {\"layer\": \"a\", \"output\": 3}, \"to\": {\"layer\": \"b\", \"input\": -1}}}}")) {
            assertThat(kind.analyze(Drawing.parse(junk)).errors()).as(junk).isNotEmpty();
        }
    }

    @Test
    void aLongChainAndAWideUnionAreAnalysedAndGenerated() {
        Drawing d = new Drawing("big").layer("in", "Input", "{\"features\": 64}");
        String previous = "in";
        for (int i = 0; i < 2000; i++) {
            d.layer("s" + i, "StandardScaler").connect(previous, "s" + i);
            previous = "s" + i;
        }
        d.layer("union", "FeatureUnion").layer("clf", "SVC").connect("union", "clf");
        for (int i = 0; i < 300; i++) {
            d.layer("p" + i, "PCA", "{\"n_components\": 2}").connect(previous, "p" + i).connect("p" + i, "union", i);
        }
        ArchitectureAnalysis a = analyze(d);
        assertThat(a.errors()).isEmpty();
        assertThat(a.layers().get("union").output()).isEqualTo(shape(null, 600));
        assertThat(kind.generate(d.json()).code()).contains("(\"pca-300\", PCA(n_components=2)),");
    }
}
