class PlotConfusionMatrices:
    """Compare two classifiers' predictions of the same samples: their confusion matrices side
    by side, each titled with its name and accuracy.

    Attributes:
        title_a: the name of the first classifier (left).
        title_b: the name of the second classifier (right).
        normalize: show each true class's row as shares (0–1) instead of counts.

    Inputs:
        y_true: the true class of each sample.
        predictions_a: the first classifier's predicted classes (e.g. from PredictEstimator).
        predictions_b: the second classifier's predicted classes (e.g. from Predict with
            as_classes). Raw scores with one column per class are taken as the index of the
            largest.

    Draws one matplotlib figure with two axes and shows it (``plt.show()``); no outputs.
    """

    def __init__(self, title_a: str = "Classifier A", title_b: str = "Classifier B",
                 normalize: bool = False):
        self.title_a = title_a
        self.title_b = title_b
        self.normalize = normalize

    def execute(self, y_true, predictions_a, predictions_b):
        import matplotlib.pyplot as plt
        import numpy as np
        from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix

        truth = _classes(y_true, "y_true")
        predicted = [_classes(predictions_a, "predictions_a"),
                     _classes(predictions_b, "predictions_b")]
        for name, values in zip(("predictions_a", "predictions_b"), predicted):
            if len(values) != len(truth):
                raise ValueError(f"PlotConfusionMatrices: {len(values)} values in {name} but "
                                 f"{len(truth)} in y_true")
        if len(truth) == 0:
            raise ValueError("PlotConfusionMatrices: nothing to plot")
        labels = np.unique(np.concatenate([truth] + predicted))

        figure, axes = plt.subplots(1, 2, figsize=(11, 5))
        for ax, title, values in zip(axes, (self.title_a, self.title_b), predicted):
            matrix = confusion_matrix(truth, values, labels=labels,
                                      normalize="true" if self.normalize else None)
            ConfusionMatrixDisplay(matrix, display_labels=labels).plot(
                ax=ax, colorbar=False, cmap="Blues", values_format=".2f" if self.normalize else "d")
            accuracy = float(np.mean(values == truth))
            ax.set_title(f"{title} (accuracy {accuracy:.3f})")
        figure.suptitle("Confusion matrices")
        figure.tight_layout()
        plt.show()


def _classes(values, name):
    import numpy as np

    if hasattr(values, "detach"):  # a torch tensor
        values = values.detach().cpu().numpy()
    values = np.asarray(values)
    if values.ndim == 2 and values.shape[1] > 1:  # scores, one column per class
        values = values.argmax(axis=1)
    elif values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(f"PlotConfusionMatrices: {name} must hold one class per sample, "
                         f"not an array of shape {values.shape}")
    return values
