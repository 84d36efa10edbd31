from typing import Literal, Tuple


class LoadDataset:
    """Load one of scikit-learn's bundled data sets (nothing is downloaded).

    Attributes:
        name: ``digits`` (1797 8×8 images of handwritten digits, flattened to 64 pixel values
            0–16, classes 0–9), ``iris`` (150 flowers, 4 measurements, 3 species),
            ``wine`` (178 wines, 13 chemical measurements, 3 cultivars) or
            ``breast_cancer`` (569 tumours, 30 features, malignant 0 / benign 1).

    Outputs:
        X: the samples, an N×features float64 array.
        y: the class of each sample, an N int64 array.
    """

    def __init__(self, name: Literal["digits", "iris", "wine", "breast_cancer"] = "digits"):
        self.name = name

    def execute(self) -> Tuple["numpy.ndarray", "numpy.ndarray"]:
        import numpy as np
        from sklearn import datasets

        loaders = {"digits": datasets.load_digits, "iris": datasets.load_iris,
                   "wine": datasets.load_wine, "breast_cancer": datasets.load_breast_cancer}
        if self.name not in loaders:
            raise ValueError(f"LoadDataset: unknown data set {self.name!r}; "
                             f"use one of {', '.join(loaders)}")
        X, y = loaders[self.name](return_X_y=True)
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.int64)
        print(f"LoadDataset: {self.name}, {X.shape[0]} samples of {X.shape[1]} features, "
              f"{len(np.unique(y))} classes")
        return X, y
