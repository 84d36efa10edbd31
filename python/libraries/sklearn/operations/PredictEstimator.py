class PredictEstimator:
    """Predict with a fitted scikit-learn estimator.

    Inputs:
        model: a fitted estimator (e.g. the output of FitEstimator).
        X: the samples, N×features.

    Outputs:
        predictions: ``model.predict(X)``, a numpy array (classes for a classifier, values for
            a regressor, cluster labels for a clusterer).
    """

    def execute(self, model, X) -> "numpy.ndarray":
        import numpy as np
        from sklearn.exceptions import NotFittedError

        if not hasattr(model, "predict") or not hasattr(model, "get_params"):
            raise TypeError(f"PredictEstimator: `model` must be a fitted scikit-learn estimator "
                            f"(the output of FitEstimator), not {type(model).__name__}; "
                            f"for a PyTorch network use Predict")
        if hasattr(X, "detach"):  # a torch tensor
            X = X.detach().cpu().numpy()
        X = np.asarray(X)
        if len(X) == 0:
            raise ValueError("PredictEstimator: no samples to predict")
        try:
            predictions = np.asarray(model.predict(X))
        except NotFittedError:
            raise ValueError("PredictEstimator: the model is not fitted; connect the output of "
                             "FitEstimator") from None
        return predictions
