from typing import Annotated, Tuple

from deepforge import Range


class SplitData:
    """Split samples and their targets into a training set and a test set
    (``sklearn.model_selection.train_test_split``).

    Attributes:
        test_size: the share of samples that go to the test set (strictly between 0 and 1).
        seed: seeds the shuffle, so the same split comes out every run.
        stratify: keep each class's share the same in both sets (for classification targets).

    Inputs:
        X: the samples, first axis = sample (a numpy array, a torch tensor or a list).
        y: one target per sample.

    Outputs:
        X_train, X_test, y_train, y_test: numpy arrays.
    """

    def __init__(self, test_size: Annotated[float, Range(0.0, 1.0)] = 0.25, seed: int = 0,
                 stratify: bool = True):
        self.test_size = test_size
        self.seed = seed
        self.stratify = stratify

    def execute(self, X, y) -> Tuple["numpy.ndarray", "numpy.ndarray", "numpy.ndarray", "numpy.ndarray"]:
        from sklearn.model_selection import train_test_split

        if not 0.0 < self.test_size < 1.0:
            raise ValueError(f"SplitData: test_size must lie strictly between 0 and 1, "
                             f"not {self.test_size}")
        X, y = _to_numpy(X), _to_numpy(y)
        if len(X) != len(y):
            raise ValueError(f"SplitData: {len(X)} samples but {len(y)} targets")
        try:
            X_train, X_test, y_train, y_test = train_test_split(
                X, y, test_size=self.test_size, random_state=self.seed,
                stratify=y if self.stratify else None)
        except ValueError as error:
            if not self.stratify:
                raise
            raise ValueError(f"SplitData: cannot stratify ({error}); turn stratify off for "
                             f"continuous targets or classes with a single sample") from None
        print(f"SplitData: {len(X_train)} training and {len(X_test)} test samples")
        return X_train, X_test, y_train, y_test


def _to_numpy(values):
    import numpy as np

    if hasattr(values, "detach"):  # a torch tensor
        values = values.detach().cpu().numpy()
    return np.asarray(values)
