import random
from typing import Annotated, Literal

import numpy as np

from deepforge import Architecture, Range, log_metric, progress

# Losses whose labels are class indices: they get int64 labels, every other loss float32 ones.
INDEX_LABELS = {"CrossEntropyLoss", "NLLLoss", "MultiMarginLoss", "MultiLabelMarginLoss"}
ARGMAX_ACCURACY = {"CrossEntropyLoss", "NLLLoss", "MultiMarginLoss"}
THRESHOLD_ACCURACY = {"BCEWithLogitsLoss": 0.0, "MultiLabelSoftMarginLoss": 0.0, "BCELoss": 0.5}


class TrainNetwork:
    """Train an architecture as the network trainer of an interactive session does (docs/sessions.md).

    "Open as pipeline" makes this operation of a model trained in a session; its attributes are the
    trainer's configuration, so the same seed gives the same weights as the session did (on the CPU,
    with the same torch): the architecture is built anew after seeding, the validation samples are
    drawn with a generator seeded from ``seed`` and the batches shuffled with another.

    Attributes:
        loss, loss_arguments: a loss of ``torch.nn`` and its arguments (``weight`` and
            ``pos_weight`` as lists of numbers).
        optimizer, optimizer_arguments: an optimizer of ``torch.optim`` and its arguments.
        batch_size, epochs: samples per step and passes over the training samples.
        validation_split: the part of the samples held out to measure ``val_loss`` (0: none).
        device: ``cpu`` or ``cuda``.
        seed: seeds ``random``, numpy and torch before the architecture is built.

    References:
        model: the architecture to train.

    Inputs:
        data: ``(features, labels)``, a dict with ``x`` and ``y`` (or ``features`` and ``labels``),
            or a ``torch.utils.data.Dataset`` of ``(features, label)`` pairs.

    Outputs:
        model: the trained ``torch.nn.Module``, on the CPU and in eval mode.
    """

    def __init__(self, model: Architecture,
                 loss: str = "CrossEntropyLoss",
                 loss_arguments: dict = {},
                 optimizer: str = "Adam",
                 optimizer_arguments: dict = {"lr": 0.001},
                 batch_size: Annotated[int, Range(1, 65536)] = 32,
                 epochs: Annotated[int, Range(1, 100000)] = 1,
                 validation_split: float = 0.0,
                 device: Literal["cpu", "cuda"] = "cpu",
                 seed: int = 0):
        self.model = model
        self.loss = loss
        self.loss_arguments = loss_arguments
        self.optimizer = optimizer
        self.optimizer_arguments = optimizer_arguments
        self.batch_size = batch_size
        self.epochs = epochs
        self.validation_split = validation_split
        self.device = device
        self.seed = seed

    def execute(self, data):
        import torch

        if self.model is None:
            raise ValueError("TrainNetwork: no model; choose an architecture for the `model` reference")
        if not 0 <= self.validation_split < 1:
            raise ValueError("TrainNetwork: validation_split must be from 0 up to but not including 1")
        if self.device == "cuda" and not torch.cuda.is_available():
            raise RuntimeError("TrainNetwork: device is cuda but torch.cuda.is_available() is False")
        device = torch.device(self.device)
        dataset = _dataset(data)
        random.seed(self.seed)
        np.random.seed(self.seed)
        torch.manual_seed(self.seed)
        model = type(self.model)().to(device)  # built after seeding, as in the session
        criterion = self._criterion().to(device)
        optimizer = self._optimizer(model.parameters())
        train_set, validation_set = _split(dataset, self.validation_split, self.seed)
        shuffler = torch.Generator().manual_seed(self.seed)
        loader = torch.utils.data.DataLoader(train_set, batch_size=self.batch_size, shuffle=True,
                                             generator=shuffler)
        batches = len(loader)
        step = 0
        for epoch in range(1, self.epochs + 1):
            model.train()
            total, count, right, seen = 0.0, 0, 0, 0
            for x, y in loader:
                step += 1
                x, y = _features(x).to(device), _labels(y, self.loss).to(device)
                optimizer.zero_grad()
                outputs = model(x)
                loss = criterion(outputs, _match(y, outputs))
                loss.backward()
                optimizer.step()
                total += loss.item() * len(y)
                count += len(y)
                correct = _correct(outputs.detach(), y, self.loss)
                if correct is not None:
                    right, seen = right + correct[0], seen + correct[1]
                progress(step, self.epochs * batches, f"epoch {epoch}/{self.epochs}")
            log_metric("loss", total / count, step)
            if seen:
                log_metric("accuracy", right / seen, step)
            if validation_set is not None:
                val_loss, val_accuracy = _evaluate(model, criterion, validation_set, self.batch_size,
                                                   self.loss, device)
                log_metric("val_loss", val_loss, step)
                if val_accuracy is not None:
                    log_metric("val_accuracy", val_accuracy, step)
        model.eval()
        model = model.to("cpu")
        return model

    def _criterion(self):
        import torch

        cls = getattr(torch.nn, self.loss, None)
        if not (self.loss.endswith("Loss") and isinstance(cls, type) and issubclass(cls, torch.nn.Module)):
            raise ValueError(f"TrainNetwork: torch.nn has no loss {self.loss!r}")
        arguments = dict(self.loss_arguments)
        for name in ("weight", "pos_weight"):
            if isinstance(arguments.get(name), list):
                arguments[name] = torch.tensor(arguments[name], dtype=torch.float32)
        return cls(**arguments)

    def _optimizer(self, parameters):
        import torch

        cls = getattr(torch.optim, self.optimizer, None)
        if not (isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer)) or self.optimizer == "Optimizer":
            raise ValueError(f"TrainNetwork: torch.optim has no optimizer {self.optimizer!r}")
        arguments = {k: tuple(v) if isinstance(v, list) else v for k, v in self.optimizer_arguments.items()}
        return cls(parameters, **arguments)


def _evaluate(model, criterion, dataset, batch_size, loss_name, device):
    import torch

    model.eval()
    total, count, right, seen = 0.0, 0, 0, 0
    with torch.no_grad():
        for x, y in torch.utils.data.DataLoader(dataset, batch_size=batch_size):
            x, y = _features(x).to(device), _labels(y, loss_name).to(device)
            outputs = model(x)
            total += criterion(outputs, _match(y, outputs)).item() * len(y)
            count += len(y)
            correct = _correct(outputs, y, loss_name)
            if correct is not None:
                right, seen = right + correct[0], seen + correct[1]
    return total / count, (right / seen if seen else None)


def _dataset(data):
    import torch

    if isinstance(data, torch.utils.data.Dataset):
        return data
    if isinstance(data, dict):
        for x, y in (("x", "y"), ("features", "labels")):
            if x in data and y in data:
                return _tensors(data[x], data[y])
        raise ValueError("TrainNetwork: data is a dict without x and y (or features and labels)")
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return _tensors(data[0], data[1])
    raise ValueError("TrainNetwork: data must be (features, labels), a dict with x and y, or a torch Dataset, "
                     f"not {type(data).__name__}")


def _tensors(features, labels):
    import torch

    features, labels = _tensor(features), _tensor(labels)
    if len(features) != len(labels):
        raise ValueError(f"TrainNetwork: {len(features)} samples but {len(labels)} labels")
    if len(features) == 0:
        raise ValueError("TrainNetwork: no samples to train on")
    return torch.utils.data.TensorDataset(features, labels)


def _tensor(values):
    import torch

    if isinstance(values, torch.Tensor):
        return values.detach().cpu()
    array = np.asarray(values)
    if array.dtype.kind in "iu":  # numpy's whole numbers (pixels as uint8, ...) are measurements here
        array = array.astype(np.float32)
    return torch.as_tensor(array)


def _features(x):
    import torch

    return x if x.dtype in (torch.int64, torch.int32) else x.float()


def _labels(y, loss_name):
    if loss_name in INDEX_LABELS:
        if loss_name == "CrossEntropyLoss" and y.is_floating_point() and y.dim() == 2 and y.shape[1] > 1:
            return y.float()  # one probability column per class
        if y.dim() == 2 and y.shape[1] == 1 and loss_name != "MultiLabelMarginLoss":
            y = y[:, 0]
        if y.is_floating_point() and not bool((y == y.round()).all()):
            raise ValueError(f"TrainNetwork: {loss_name} needs class indices (0, 1, ...) as labels")
        return y.long()
    return y.float()


def _match(targets, outputs):
    """Let float labels of shape (N,) meet outputs of shape (N, 1) (and the like)."""
    if targets.is_floating_point() and targets.shape != outputs.shape and targets.numel() == outputs.numel():
        return targets.view_as(outputs)
    return targets


def _correct(outputs, labels, loss_name):
    """(right, counted) for the losses whose outputs say a class; None for the others."""
    if loss_name in ARGMAX_ACCURACY and outputs.dim() == 2:
        truth = labels.argmax(1) if labels.dim() == 2 else labels
        return int((outputs.argmax(1) == truth).sum()), len(truth)
    if loss_name in THRESHOLD_ACCURACY:
        predicted = outputs > THRESHOLD_ACCURACY[loss_name]
        truth = _match(labels, outputs) > 0.5
        return int((predicted == truth).sum()), truth.numel()
    return None


def _split(dataset, fraction, seed):
    import torch

    count = len(dataset)
    held = int(round(count * fraction))
    if fraction > 0 and held == 0 and count > 1:
        held = 1
    if held >= count:
        raise ValueError(f"TrainNetwork: a validation split of {fraction} leaves no samples to train on")
    if held == 0:
        return dataset, None
    order = torch.randperm(count, generator=torch.Generator().manual_seed(seed)).tolist()
    return torch.utils.data.Subset(dataset, order[held:]), torch.utils.data.Subset(dataset, order[:held])
