import numpy as np


class VisualizeEmbeddings:
    """Draw the 3-D embedding of the galaxies coloured by prediction error (Fig. 14).

    Each point is a validation galaxy placed by ReduceDimensions; its colour is the
    absolute error of the predicted redshift (the expectation of the predicted
    distribution) against the true one, so regions of the feature space where the network
    struggles stand out.

    Attributes:
        max_z: the top of the redshift range the bins cover (as in TrainValidate).

    Inputs:
        embedding: N×3 points (from ReduceDimensions).
        predictions: N×bins softmax distributions (from TrainValidate).
        truth: the N true redshifts.
    """

    def __init__(self, max_z: float = 0.4):
        self.max_z = max_z

    def execute(self, embedding, predictions, truth):
        import matplotlib.pyplot as plt
        from mpl_toolkits.mplot3d import Axes3D  # noqa: F401 (registers the 3-D projection)

        embedding = np.asarray(embedding, dtype=np.float64)
        predictions = np.asarray(predictions, dtype=np.float64)
        truth = np.asarray(truth, dtype=np.float64)
        bins = predictions.shape[1]
        centres = (np.arange(bins) + 0.5) * self.max_z / bins
        error = np.abs(predictions @ centres - truth)

        figure = plt.figure(figsize=(7, 6))
        axes = figure.add_subplot(projection="3d")
        points = axes.scatter(embedding[:, 0], embedding[:, 1], embedding[:, 2],
                              c=error, cmap="viridis", s=12)
        figure.colorbar(points, ax=axes, shrink=0.7, label="absolute redshift error")
        axes.set_title("t-SNE embedding of the learned features")
        plt.show()
