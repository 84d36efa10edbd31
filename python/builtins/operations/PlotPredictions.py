from typing import Literal

import numpy as np


class PlotPredictions:
    """Compare predictions with the true values in a plot.

    Attributes:
        kind: ``scatter`` — predicted against true value, one point per value, with the
            identity line y = x where perfect predictions lie; ``histogram`` — the
            distribution of the residuals (predicted − true), with a line at 0.
        title: the title of the figure.

    Inputs:
        predictions: predicted values (e.g. the output of Predict), any shape.
        truth: the true values, as many as the predictions (both are flattened).

    Draws one matplotlib figure and shows it (``plt.show()``); no outputs.
    """

    def __init__(self, kind: Literal["scatter", "histogram"] = "scatter",
                 title: str = "Predictions"):
        self.kind = kind
        self.title = title

    def execute(self, predictions, truth):
        import matplotlib.pyplot as plt

        predicted = _to_numpy(predictions).astype(np.float64).ravel()
        actual = _to_numpy(truth).astype(np.float64).ravel()
        if predicted.size != actual.size:
            raise ValueError(f"PlotPredictions: {predicted.size} predicted values but "
                             f"{actual.size} true values (for a classifier, predict with "
                             f"as_classes or plot one output column)")
        if predicted.size == 0:
            raise ValueError("PlotPredictions: nothing to plot")

        figure, axes = plt.subplots()
        if self.kind == "scatter":
            axes.scatter(actual, predicted, s=12, alpha=0.7, label="predictions")
            low = min(actual.min(), predicted.min())
            high = max(actual.max(), predicted.max())
            axes.plot([low, high], [low, high], "k--", linewidth=1, label="y = x (perfect)")
            axes.set_xlabel("true value")
            axes.set_ylabel("predicted value")
            axes.legend()
        elif self.kind == "histogram":
            residuals = predicted - actual
            axes.hist(residuals, bins="auto", color="tab:blue", alpha=0.8)
            axes.axvline(0.0, color="k", linestyle="--", linewidth=1)
            axes.set_xlabel("residual (predicted − true)")
            axes.set_ylabel("count")
        else:
            plt.close(figure)
            raise ValueError(f"PlotPredictions: unknown kind {self.kind!r}; "
                             f"use scatter or histogram")
        axes.set_title(self.title)
        plt.show()


def _to_numpy(values):
    if hasattr(values, "detach"):  # a torch tensor
        values = values.detach().cpu().numpy()
    return np.asarray(values)
