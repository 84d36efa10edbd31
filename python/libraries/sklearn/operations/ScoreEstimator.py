class ScoreEstimator:
    """Score a fitted scikit-learn estimator on labelled data with its own ``score`` method:
    mean accuracy for classifiers, R² for regressors.

    Inputs:
        model: a fitted estimator (e.g. the output of FitEstimator).
        X: the samples, N×features.
        y: one target per sample.

    Outputs:
        score: the score, a float; also logged as the metric ``score``.
    """

    def execute(self, model, X, y) -> float:
        from sklearn.exceptions import NotFittedError

        from deepforge import log_metric

        if not hasattr(model, "score") or not hasattr(model, "get_params"):
            raise TypeError(f"ScoreEstimator: `model` must be a fitted scikit-learn estimator "
                            f"with a score method (the output of FitEstimator), "
                            f"not {type(model).__name__}")
        X, y = _to_numpy(X), _to_numpy(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if len(X) != len(y):
            raise ValueError(f"ScoreEstimator: {len(X)} samples but {len(y)} targets")
        if len(X) == 0:
            raise ValueError("ScoreEstimator: no samples to score")
        try:
            score = float(model.score(X, y))
        except NotFittedError:
            raise ValueError("ScoreEstimator: the model is not fitted; connect the output of "
                             "FitEstimator") from None
        log_metric("score", score)
        print(f"ScoreEstimator: {score:.4f} on {len(X)} samples")
        return score


def _to_numpy(values):
    import numpy as np

    if hasattr(values, "detach"):  # a torch tensor
        values = values.detach().cpu().numpy()
    return np.asarray(values)
