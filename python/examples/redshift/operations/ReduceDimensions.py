import numpy as np


class ReduceDimensions:
    """Embed the learned features in three dimensions with t-SNE, for plotting (Fig. 14).

    t-Distributed Stochastic Neighbor Embedding (scikit-learn) places galaxies whose
    features are alike close together, so clusters the network has learned become visible.

    Attributes:
        perplexity: t-SNE's effective number of neighbours; capped at (N − 1) / 3 for small
            inputs.
        seed: t-SNE's random state.

    Inputs:
        features: N×K features (from TrainValidate).

    Outputs:
        embedding: an N×3 float32 array.
    """

    def __init__(self, perplexity: float = 30.0, seed: int = 0):
        self.perplexity = perplexity
        self.seed = seed

    def execute(self, features):
        from sklearn.manifold import TSNE

        features = np.asarray(features, dtype=np.float64).reshape(len(features), -1)
        if len(features) < 4:
            raise ValueError(f"ReduceDimensions: t-SNE needs at least 4 samples, "
                             f"got {len(features)}")
        perplexity = max(1.0, min(self.perplexity, (len(features) - 1) / 3))
        tsne = TSNE(n_components=3, perplexity=perplexity, init="pca",
                    learning_rate="auto", random_state=self.seed)
        embedding = tsne.fit_transform(features).astype(np.float32)
        return embedding
