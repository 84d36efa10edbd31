package org.deepforge.nn.shapes;

import java.util.Set;

/** torch.nn classes without a shape rule (containers, losses, …): they get "no shape rule yet", not "unknown type". */
final class KnownTorchLayers {
    static final Set<String> NAMES = Set.of(
            "AdaptiveLogSoftmaxWithLoss", "Container", "DataParallel", "Module", "ModuleDict", "ModuleList", "ParameterDict",
            "ParameterList", "RNNBase", "RNNCellBase", "Sequential", "TransformerDecoder", "TransformerEncoder",
            "BCELoss", "BCEWithLogitsLoss", "CTCLoss", "CosineEmbeddingLoss", "CrossEntropyLoss", "GaussianNLLLoss",
            "HingeEmbeddingLoss", "HuberLoss", "KLDivLoss", "L1Loss", "MSELoss", "MarginRankingLoss", "MultiLabelMarginLoss",
            "MultiLabelSoftMarginLoss", "MultiMarginLoss", "NLLLoss", "NLLLoss2d", "PoissonNLLLoss", "SmoothL1Loss",
            "SoftMarginLoss", "TripletMarginLoss", "TripletMarginWithDistanceLoss");

    private KnownTorchLayers() {}
}
