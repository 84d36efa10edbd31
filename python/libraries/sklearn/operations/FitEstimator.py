from deepforge import Architecture


class FitEstimator:
    """Fit a scikit-learn estimator pipeline to training data.

    References:
        estimator: the estimator pipeline to fit (an architecture of kind
            ``sklearn-pipeline``; the job receives a fresh, unfitted ``Pipeline``). A clone is
            fitted (``sklearn.base.clone``), so the reference itself is never changed.

    Inputs:
        X_train: the training samples, N×features.
        y_train: one target per sample (a column vector is flattened).

    Outputs:
        model: the fitted estimator (saved as ``sklearn.estimator``).

    Metric: ``train_score``, the fitted model's ``score`` on its training data (accuracy for
    classifiers, R² for regressors), when it has one.
    """

    def __init__(self, estimator: Architecture):
        self.estimator = estimator

    def execute(self, X_train, y_train) -> "sklearn.estimator":
        from sklearn.base import BaseEstimator, clone

        from deepforge import log_metric

        if not isinstance(self.estimator, BaseEstimator):
            raise TypeError("FitEstimator: `estimator` must reference an architecture of kind "
                            "sklearn-pipeline (got %s)" % type(self.estimator).__name__)
        X, y = _to_numpy(X_train), _targets(y_train)
        if len(X) != len(y):
            raise ValueError(f"FitEstimator: {len(X)} samples but {len(y)} targets")
        if len(X) == 0:
            raise ValueError("FitEstimator: no samples to fit")
        model = clone(self.estimator)
        model.fit(X, y)
        if hasattr(model, "score"):
            score = float(model.score(X, y))
            log_metric("train_score", score)
            print(f"FitEstimator: {type(model).__name__} fitted on {len(X)} samples, "
                  f"training score {score:.4f}")
        return model


def _to_numpy(values):
    import numpy as np

    if hasattr(values, "detach"):  # a torch tensor
        values = values.detach().cpu().numpy()
    return np.asarray(values)


def _targets(values):
    values = _to_numpy(values)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    return values
