from typing import Annotated

import numpy as np

from deepforge import Range


class TrainTestSplit:
    """Split samples (and their labels) into a training set and a test set.

    Attributes:
        test_fraction: the share of samples that go to the test set (rounded to the
            nearest whole sample).
        seed: seed of the shuffle, so that a run can be repeated exactly.
        shuffle: shuffle before splitting; without shuffling, the last samples form
            the test set.

    Inputs:
        data: the samples along the first axis (a numpy array, a torch tensor or a list).
        labels: optional, one label per sample; split the same way as ``data``.

    Outputs:
        train_data, test_data, train_labels, test_labels. The label outputs are ``None``
        when no labels are given.
    """

    def __init__(self, test_fraction: Annotated[float, Range(0.0, 1.0)] = 0.2, seed: int = 0,
                 shuffle: bool = True):
        self.test_fraction = test_fraction
        self.seed = seed
        self.shuffle = shuffle

    def execute(self, data, labels=None):
        if not 0.0 <= self.test_fraction <= 1.0:
            raise ValueError(f"TrainTestSplit: test_fraction must lie in [0, 1], "
                             f"not {self.test_fraction}")
        count = len(data)
        if labels is not None and len(labels) != count:
            raise ValueError(f"TrainTestSplit: {count} samples but {len(labels)} labels")

        if self.shuffle:
            order = np.random.default_rng(self.seed).permutation(count)
        else:
            order = np.arange(count)
        test_count = int(round(count * self.test_fraction))
        train_index, test_index = order[:count - test_count], order[count - test_count:]

        train_data, test_data = _take(data, train_index), _take(data, test_index)
        if labels is None:
            train_labels, test_labels = None, None
        else:
            train_labels, test_labels = _take(labels, train_index), _take(labels, test_index)
        return train_data, test_data, train_labels, test_labels


def _take(values, index):
    """The items of `values` at positions `index`, keeping the container type."""
    if isinstance(values, (list, tuple)):
        return type(values)(values[i] for i in index)
    if hasattr(values, "detach"):  # a torch tensor
        import torch
        return values[torch.as_tensor(index, dtype=torch.long)]
    return np.asarray(values)[index]
