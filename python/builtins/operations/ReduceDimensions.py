import warnings
from typing import Annotated, Literal

import numpy as np

from deepforge import Range


class ReduceDimensions:
    """Embed high-dimensional samples in 2 or 3 dimensions for plotting (t-SNE or PCA).

    Attributes:
        method: ``tsne`` (scikit-learn's t-SNE: keeps neighbours together, good for seeing
            clusters; distances between clusters mean little) or ``pca`` (linear projection
            on the directions of largest variance; fast and deterministic).
        components: the dimension of the embedding, 2 or 3.
        perplexity: t-SNE's effective number of neighbours. It is capped at (N - 1) / 3
            (at least 1) for small inputs, with a warning, so that tiny data sets work.
        seed: random state of t-SNE (PCA does not need one).

    Inputs:
        data: N samples of any shape; each sample is flattened to a feature vector.

    Outputs:
        embedding: an N×components ``numpy.ndarray``.
    """

    def __init__(self, method: Literal["tsne", "pca"] = "tsne",
                 components: Annotated[int, Range(2, 3)] = 3,
                 perplexity: float = 30.0, seed: int = 0):
        self.method = method
        self.components = components
        self.perplexity = perplexity
        self.seed = seed

    def execute(self, data):
        if hasattr(data, "detach"):  # a torch tensor
            data = data.detach().cpu().numpy()
        features = np.asarray(data, dtype=np.float64)
        count = len(features)
        features = features.reshape(count, -1)
        if self.components not in (2, 3):
            raise ValueError(f"ReduceDimensions: components must be 2 or 3, not {self.components}")
        if count < 2:
            raise ValueError(f"ReduceDimensions: needs at least 2 samples, got {count}")

        if self.method == "pca":
            from sklearn.decomposition import PCA
            if min(features.shape) < self.components:
                raise ValueError(f"ReduceDimensions: PCA to {self.components} components needs at "
                                 f"least {self.components} samples and features; the data has "
                                 f"{count} samples of {features.shape[1]} features")
            embedding = PCA(n_components=self.components).fit_transform(features)
        elif self.method == "tsne":
            from sklearn.manifold import TSNE
            if self.perplexity <= 0:
                raise ValueError(f"ReduceDimensions: perplexity must be above 0, "
                                 f"not {self.perplexity}")
            perplexity = min(float(self.perplexity), max(1.0, (count - 1) / 3.0))
            if perplexity < self.perplexity:
                warnings.warn(f"ReduceDimensions: perplexity {self.perplexity} is too large for "
                              f"{count} samples; using {perplexity:.3g}")
            # PCA initialisation is more stable than random, where the data allows it.
            init = "pca" if min(features.shape) >= self.components else "random"
            tsne = TSNE(n_components=self.components, perplexity=perplexity, init=init,
                        learning_rate="auto", random_state=self.seed)
            embedding = tsne.fit_transform(features)
        else:
            raise ValueError(f"ReduceDimensions: unknown method {self.method!r}; use tsne or pca")
        return embedding
