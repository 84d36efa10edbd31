import numpy as np


class GetData:
    """Load scikit-learn's bundled handwritten digits and split them for training and testing.

    The data set has 1797 grey images of 8×8 pixels (values 0–16), each a digit 0–9. It
    ships with scikit-learn, so nothing is downloaded.

    Attributes:
        test_fraction: the share of the images held out for testing (0 < test_fraction < 1).
        seed: seeds the shuffle, so the split can be repeated exactly.

    Outputs:
        training_data: ``{"images": N×1×8×8 float32 array, standardised (mean 0, std 1),
            "labels": N int64 array of digits}``.
        testing_data: the held-out images, in the same form.
    """

    def __init__(self, test_fraction: float = 0.2, seed: int = 0):
        self.test_fraction = test_fraction
        self.seed = seed

    def execute(self):
        from sklearn.datasets import load_digits

        if not 0 < self.test_fraction < 1:
            raise ValueError("GetData: test_fraction must lie between 0 and 1")
        digits = load_digits()
        images = digits.images[:, None, :, :]  # N×1×8×8, values 0–16
        images = ((images - images.mean()) / images.std()).astype(np.float32)
        labels = digits.target.astype(np.int64)

        order = np.random.default_rng(self.seed).permutation(len(labels))
        test_count = max(1, int(round(len(labels) * self.test_fraction)))
        test, train = order[:test_count], order[test_count:]
        print(f"GetData: {len(train)} training and {len(test)} testing images")

        training_data = {"images": images[train], "labels": labels[train]}
        testing_data = {"images": images[test], "labels": labels[test]}
        return training_data, testing_data
