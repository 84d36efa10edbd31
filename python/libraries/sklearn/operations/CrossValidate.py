from typing import Annotated

from deepforge import Architecture, Range


class CrossValidate:
    """Estimate how well an estimator pipeline generalises with k-fold cross-validation.

    Each fold fits a fresh clone of the estimator on the other folds and scores it (its
    ``score`` method: accuracy for classifiers, R² for regressors) on the fold held out.
    Classifiers get stratified folds (each class's share the same in every fold).

    References:
        estimator: the estimator pipeline (an architecture of kind ``sklearn-pipeline``); it is
            never changed.

    Attributes:
        folds: the number of folds (at least 2).
        seed: seeds the shuffle of the samples into folds.

    Inputs:
        X: the samples, N×features.
        y: one target per sample.

    Outputs:
        scores: ``{"fold_1": score, …, "fold_k": score, "mean": mean score, "std": standard
            deviation}``.

    Metrics: ``fold_score`` of each fold (step = fold number), then ``mean_score``.
    """

    def __init__(self, estimator: Architecture, folds: Annotated[int, Range(2, 100)] = 5,
                 seed: int = 0):
        self.estimator = estimator
        self.folds = folds
        self.seed = seed

    def execute(self, X, y) -> dict:
        import numpy as np
        from sklearn.base import BaseEstimator, clone, is_classifier
        from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

        from deepforge import log_metric

        if not isinstance(self.estimator, BaseEstimator):
            raise TypeError("CrossValidate: `estimator` must reference an architecture of kind "
                            "sklearn-pipeline (got %s)" % type(self.estimator).__name__)
        if self.folds < 2:
            raise ValueError(f"CrossValidate: folds must be at least 2, not {self.folds}")
        X, y = _to_numpy(X), _to_numpy(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if len(X) != len(y):
            raise ValueError(f"CrossValidate: {len(X)} samples but {len(y)} targets")
        if len(X) < self.folds:
            raise ValueError(f"CrossValidate: {len(X)} samples cannot make {self.folds} folds")
        estimator = clone(self.estimator)
        splitter = StratifiedKFold if is_classifier(estimator) else KFold
        cv = splitter(n_splits=self.folds, shuffle=True, random_state=self.seed)
        values = cross_val_score(estimator, X, y, cv=cv, error_score="raise")

        scores = {}
        for fold, value in enumerate(values, 1):
            scores[f"fold_{fold}"] = float(value)
            log_metric("fold_score", float(value), step=fold)
        scores["mean"] = float(np.mean(values))
        scores["std"] = float(np.std(values))
        log_metric("mean_score", scores["mean"])
        print(f"CrossValidate: {self.folds} folds, score {scores['mean']:.4f} "
              f"± {scores['std']:.4f}")
        return scores


def _to_numpy(values):
    import numpy as np

    if hasattr(values, "detach"):  # a torch tensor
        values = values.detach().cpu().numpy()
    return np.asarray(values)
