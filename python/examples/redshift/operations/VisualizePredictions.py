import numpy as np


class VisualizePredictions:
    """Plot the predicted redshift distribution of a few galaxies against the truth (Fig. 13).

    One panel per galaxy: the network's softmax output over the redshift bins as bars, the
    true redshift as a vertical line, and the expected redshift in the title, for checking
    the predictions by eye.

    Attributes:
        count: how many galaxies to show (chosen at random among the validation galaxies).
        max_z: the top of the redshift range the bins cover (as in TrainValidate).
        seed: seeds the choice of galaxies.

    Inputs:
        predictions: N×bins softmax distributions (from TrainValidate).
        truth: the N true redshifts.
    """

    def __init__(self, count: int = 4, max_z: float = 0.4, seed: int = 0):
        self.count = count
        self.max_z = max_z
        self.seed = seed

    def execute(self, predictions, truth):
        import matplotlib.pyplot as plt

        predictions = np.asarray(predictions, dtype=np.float64)
        truth = np.asarray(truth, dtype=np.float64)
        bins = predictions.shape[1]
        width = self.max_z / bins
        centres = (np.arange(bins) + 0.5) * width
        count = min(self.count, len(truth))
        chosen = np.random.default_rng(self.seed).choice(len(truth), count, replace=False)

        columns = min(count, 2)
        rows = -(-count // columns)
        figure, axes = plt.subplots(rows, columns, figsize=(5 * columns, 3 * rows),
                                    squeeze=False)
        for panel, galaxy in zip(axes.flat, chosen):
            panel.bar(centres, predictions[galaxy], width=width * 0.9, color="tab:blue",
                      label="predicted")
            panel.axvline(truth[galaxy], color="tab:red", linestyle="--", label="true z")
            expected = float(predictions[galaxy] @ centres)
            panel.set_title(f"galaxy {galaxy}: true z = {truth[galaxy]:.3f}, "
                            f"predicted {expected:.3f}", fontsize=9)
            panel.set_xlim(0, self.max_z)
            panel.set_xlabel("redshift")
            panel.set_ylabel("probability")
        for panel in list(axes.flat)[count:]:
            panel.axis("off")
        axes.flat[0].legend()
        figure.suptitle("Predicted redshift distributions")
        figure.tight_layout()
        plt.show()
