import time
from typing import Annotated, Literal

import numpy as np

from deepforge import Architecture, Range, progress

REDRAW_INTERVAL = 0.5  # seconds between redraws of the loss plot (the last epoch is always drawn)


class Train:
    """Fit a PyTorch network to labelled data with mini-batch gradient descent.

    Attributes:
        loss: ``cross_entropy`` (classification: the network outputs one logit per class,
            labels are class indices, or class probabilities with one column per class),
            ``mse`` or ``l1`` (regression), ``bce`` (binary classification: the network
            outputs one logit per target, labels are 0/1; uses ``BCEWithLogitsLoss``).
        optimizer: ``adam``, ``sgd`` (with momentum 0.9) or ``rmsprop``.
        learning_rate: the optimizer's step size.
        epochs: how many passes over the data.
        batch_size: samples per gradient step.
        seed: seeds torch (dropout, ...) and the shuffling of the batches, so a run on the
            CPU can be repeated exactly.

    References:
        model: the architecture to train. It is trained in place (on the GPU when one is
            available) and handed on on the CPU.

    Inputs:
        data: the samples, first axis = sample (numpy array or torch tensor; cast to float32).
        labels: one target per sample.

    Outputs:
        model: the trained ``torch.nn.Module`` (in eval mode).
        history: ``{"epoch": [1, 2, ...], "loss": [mean training loss of each epoch]}``.

    Progress: reported after every batch (``deepforge.progress``: batches done of all epochs'
    batches, labelled with the epoch), so DeepForge shows a bar with its rate and ETA.

    Plot: one figure, "Training loss", with the loss of each epoch. The same figure is
    updated as training goes: its line gets the new point and ``plt.pause`` redraws it
    (at most twice per second, and always after the last epoch). ``plt.pause`` runs the
    GUI event loop briefly with an interactive backend and simply waits a millisecond with
    a non-interactive one such as Agg, so training works headless; the figure is left open
    for the runtime to capture.
    """

    def __init__(self, model: Architecture,
                 loss: Literal["cross_entropy", "mse", "l1", "bce"] = "cross_entropy",
                 optimizer: Literal["adam", "sgd", "rmsprop"] = "adam",
                 learning_rate: float = 0.001,
                 epochs: Annotated[int, Range(1, 100000)] = 10,
                 batch_size: Annotated[int, Range(min=1)] = 32,
                 seed: int = 0):
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.seed = seed

    def execute(self, data, labels):
        import torch
        import matplotlib.pyplot as plt

        if self.model is None:
            raise ValueError("Train: no model; choose an architecture for the `model` reference")
        if self.epochs < 1 or self.batch_size < 1 or self.learning_rate <= 0:
            raise ValueError("Train: epochs and batch_size must be at least 1 and "
                             "learning_rate above 0")
        inputs = _as_tensor(data).float()
        targets = self._targets(labels)
        if len(inputs) != len(targets):
            raise ValueError(f"Train: {len(inputs)} samples but {len(targets)} labels")
        if len(inputs) == 0:
            raise ValueError("Train: no samples to train on")

        torch.manual_seed(self.seed)
        shuffler = torch.Generator().manual_seed(self.seed)
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        model = self.model.to(device)
        criterion = self._criterion()
        optimizer = self._optimizer(model.parameters())

        figure, axes = plt.subplots()
        line, = axes.plot([], [], marker="o", markersize=3)
        axes.set_title("Training loss")
        axes.set_xlabel("epoch")
        axes.set_ylabel(f"{self.loss} loss")
        last_drawn = float("-inf")

        history = {"epoch": [], "loss": []}
        count = len(inputs)
        batches = -(-count // self.batch_size)
        for epoch in range(1, self.epochs + 1):
            model.train()
            total = 0.0
            order = torch.randperm(count, generator=shuffler)
            for number, start in enumerate(range(0, count, self.batch_size), 1):
                batch = order[start:start + self.batch_size]
                x, y = inputs[batch].to(device), targets[batch].to(device)
                optimizer.zero_grad()
                outputs = model(x)
                loss = criterion(outputs, self._match(y, outputs))
                loss.backward()
                optimizer.step()
                total += loss.item() * len(batch)
                progress((epoch - 1) * batches + number, self.epochs * batches,
                         f"epoch {epoch}/{self.epochs}")
            history["epoch"].append(epoch)
            history["loss"].append(total / count)

            if epoch == self.epochs or time.monotonic() - last_drawn >= REDRAW_INTERVAL:
                line.set_data(history["epoch"], history["loss"])
                axes.relim()
                axes.autoscale_view()
                plt.figure(figure.number)  # plt.pause redraws the current figure
                plt.pause(0.001)
                last_drawn = time.monotonic()

        model.eval()
        model = model.to("cpu")
        return model, history

    def _targets(self, labels):
        targets = _as_tensor(labels)
        if self.loss == "cross_entropy":
            if targets.dim() == 2 and targets.shape[1] == 1:
                targets = targets[:, 0]
            if targets.dim() == 1:  # class indices
                if targets.is_floating_point() and not _is_whole(targets):
                    raise ValueError("Train: cross_entropy needs class indices (0, 1, ...) "
                                     "as labels, or one probability column per class")
                return targets.long()
            return targets.float()  # class probabilities, one column per class
        return targets.float()

    @staticmethod
    def _match(targets, outputs):
        """Let labels of shape (N,) meet outputs of shape (N, 1) (and the like)."""
        if (targets.is_floating_point() and targets.shape != outputs.shape
                and targets.numel() == outputs.numel()):
            return targets.view_as(outputs)
        return targets

    def _criterion(self):
        import torch.nn as nn
        criteria = {"cross_entropy": nn.CrossEntropyLoss, "mse": nn.MSELoss,
                    "l1": nn.L1Loss, "bce": nn.BCEWithLogitsLoss}
        if self.loss not in criteria:
            raise ValueError(f"Train: unknown loss {self.loss!r}; use one of {', '.join(criteria)}")
        return criteria[self.loss]()

    def _optimizer(self, parameters):
        import torch.optim as optim
        if self.optimizer == "adam":
            return optim.Adam(parameters, lr=self.learning_rate)
        if self.optimizer == "sgd":
            return optim.SGD(parameters, lr=self.learning_rate, momentum=0.9)
        if self.optimizer == "rmsprop":
            return optim.RMSprop(parameters, lr=self.learning_rate)
        raise ValueError(f"Train: unknown optimizer {self.optimizer!r}; use adam, sgd or rmsprop")


def _is_whole(values):
    """Whether a float tensor holds only whole numbers."""
    return bool((values == values.round()).all())


def _as_tensor(values):
    """A CPU torch tensor from a numpy array, a tensor or a (nested) list."""
    import torch
    if isinstance(values, torch.Tensor):
        return values.detach().cpu()
    return torch.as_tensor(np.asarray(values))
