"""The network trainer of an interactive session (docs/sessions.md, "Trainer"): ``df.train(config)``.

``train(config)`` trains one of the project's architectures on a variable of the session, in the kernel, and
shows how it goes as display outputs that the agent forwards to the Workspace page:

- ``application/vnd.deepforge.training+json`` ``{"training", "state", "epochs", "total", "error"?}``: ``running``
  when it starts and after every epoch (``epochs``: epochs done, ``total``: epochs asked for), then ``finished``,
  ``stopped`` (Stop is an interrupt: the KeyboardInterrupt is caught and the model trained so far is kept) or
  ``failed`` (``error`` says why; the exception is raised again so that the cell shows its traceback);
- ``application/vnd.deepforge.metric+json`` ``{"training", "epoch", "step", "name", "value"}``: ``loss`` (the mean
  training loss of the last few batches) about ten times an epoch and at its end; at the end of each epoch
  ``accuracy`` (classification losses) and, with a validation split, ``val_loss`` and ``val_accuracy``. ``step``
  counts batches from 1 over all epochs.

The configuration (checked by the server against the training catalog, ``org.deepforge.nn.TrainingCatalog``)::

    {"training": "<id>", "data": "<variable>", "architecture": "<architecture id>",
     "loss": {"name": "CrossEntropyLoss", "arguments": {}}, "optimizer": {"name": "Adam", "arguments": {"lr": 0.001}},
     "batchSize": 32, "epochs": 1, "validationSplit": 0.1, "device": "cpu" | "cuda", "seed": 0}

The data variable holds ``(features, labels)`` (a tuple or list of two), a dict with ``x``/``y`` or
``features``/``labels``, or a ``torch.utils.data.Dataset`` of ``(features, label)`` pairs. numpy arrays and
lists become tensors. Features are float32 unless they are a tensor of whole numbers already (token ids for an
Embedding stay int64); labels are int64 class indices for the losses that take them (CrossEntropyLoss, NLLLoss,
MultiMarginLoss, MultiLabelMarginLoss; CrossEntropyLoss also takes one probability column per class) and float32
for every other loss. Seeding ``random``, numpy and torch with ``seed`` before the architecture is built makes a
training on the CPU repeatable: the same configuration gives the same weights, in the session and in the Train
operation that "Open as pipeline" makes of it. The validation samples are drawn once, before training, with a
generator seeded from ``seed``; the batches are shuffled every epoch with another.

Every training is kept in ``trainings`` (id -> ``Training``) with its model (on the CPU and in eval mode once it
ends), configuration, state and metric history, so that ``df.save("<training id>", "<name>")`` saves its model.
"""

import importlib
import json
import math
import os
import random

import numpy as np

__all__ = ["train", "trainings", "Training", "model_of", "METRIC", "TRAINING"]

METRIC = "application/vnd.deepforge.metric+json"
TRAINING = "application/vnd.deepforge.training+json"

DEFAULTS = {"batchSize": 32, "epochs": 1, "validationSplit": 0.0, "device": "cpu", "seed": 0}
# Losses whose labels are class indices; the trainer gives them int64 labels.
INDEX_LABELS = {"CrossEntropyLoss", "NLLLoss", "MultiMarginLoss", "MultiLabelMarginLoss"}
# How the losses whose outputs say a class are scored: argmax over classes, or a threshold per output.
ARGMAX_ACCURACY = {"CrossEntropyLoss", "NLLLoss", "MultiMarginLoss"}
THRESHOLD_ACCURACY = {"BCEWithLogitsLoss": 0.0, "MultiLabelSoftMarginLoss": 0.0, "BCELoss": 0.5}
LOSS_POINTS_PER_EPOCH = 10

trainings = {}


class Training:
    """One ``train`` call: ``model`` (None until the architecture is built), ``config``, ``state`` (running,
    finished, stopped, failed), ``epochs`` done, ``error`` (failed only) and ``history``: metric name ->
    ``[{"epoch", "step", "value"}]``."""

    def __init__(self, config):
        self.id = config["training"]
        self.config = config
        self.model = None
        self.state = "running"
        self.epochs = 0
        self.error = None
        self.history = {}

    def __repr__(self):
        return "<Training %s: %s after %s of %s epochs>" % (self.id, self.state, self.epochs, self.config["epochs"])


def model_of(training_id):
    """The model a training made (for ``df.save``); ValueError when there is no such training or no model."""
    training = trainings.get(training_id)
    if training is None:
        raise ValueError("there is no training %r in this session (trainings: %s)"
                         % (training_id, ", ".join(sorted(trainings)) or "none yet"))
    if training.model is None:
        raise ValueError("training %r %s before it built a model, so there is nothing to save%s"
                         % (training_id, training.state, ": " + training.error if training.error else ""))
    if training.state == "running":
        raise ValueError("training %r is still running; save its model once it has finished or been stopped"
                         % training_id)
    return training.model


def train(config, namespace=None, display=None, architectures=None):
    """Trains as ``config`` says (see the module's docstring) and returns the ``Training``.

    ``namespace`` is where the data variable is looked up (default: the kernel's user namespace), ``display`` shows
    an output dict of mimetype -> value (default: IPython's, raw), ``architectures`` maps architecture ids to
    ``{"name", "module", "class"}`` (default: ``session.json``'s, in the working directory)."""
    display = display or _ipython_display
    config = _complete(config)
    training = Training(config)
    trainings[training.id] = training
    show = _Shower(training, display)
    show.state()
    try:
        _check(config)
        _run(training, namespace, architectures, show)
    except KeyboardInterrupt:
        training.state = "stopped"
    except BaseException as error:
        training.state = "failed"
        training.error = "%s: %s" % (type(error).__name__, error)
        _settle(training)
        show.state()
        raise
    else:
        training.state = "finished"
    _settle(training)
    show.state()
    return training


def _run(training, namespace, architectures, show):
    import torch

    config = training.config
    device = _device(config["device"])
    loss_name = config["loss"]["name"]
    data = _lookup(config["data"], namespace)
    dataset = _dataset(data, config["data"])
    _seed(config["seed"])
    model = _build(config["architecture"], architectures)
    training.model = model
    model.to(device)
    criterion = _loss(config["loss"]).to(device)
    optimizer = _optimizer(config["optimizer"], model.parameters())
    train_set, validation_set = _split(dataset, config["validationSplit"], config["seed"])
    shuffler = torch.Generator().manual_seed(config["seed"])
    loader = torch.utils.data.DataLoader(train_set, batch_size=config["batchSize"], shuffle=True, generator=shuffler)
    batches = len(loader)
    every = max(1, batches // LOSS_POINTS_PER_EPOCH)
    step = 0
    for epoch in range(1, config["epochs"] + 1):
        model.train()
        recent, recent_count, right, seen = 0.0, 0, 0, 0
        for number, (x, y) in enumerate(loader, 1):
            step += 1
            x, y = _features(x).to(device), _labels(y, loss_name).to(device)
            optimizer.zero_grad()
            outputs = model(x)
            loss = criterion(outputs, _match(y, outputs))
            loss.backward()
            optimizer.step()
            recent += loss.item() * len(y)
            recent_count += len(y)
            correct = _correct(outputs.detach(), y, loss_name)
            if correct is not None:
                right, seen = right + correct[0], seen + correct[1]
            if number % every == 0 or number == batches:
                show.metric(epoch, step, "loss", recent / recent_count)
                recent, recent_count = 0.0, 0
        if seen:
            show.metric(epoch, step, "accuracy", right / seen)
        if validation_set is not None:
            val_loss, val_accuracy = _evaluate(model, criterion, validation_set, config["batchSize"], loss_name, device)
            show.metric(epoch, step, "val_loss", val_loss)
            if val_accuracy is not None:
                show.metric(epoch, step, "val_accuracy", val_accuracy)
        training.epochs = epoch
        if epoch < config["epochs"]:
            show.state()


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


# ------------------------------------------------------------------------------------------------------------
# The configuration


def _complete(config):
    """A copy of ``config`` (the caller cannot change it under a running training) with the defaults filled in."""
    if not isinstance(config, dict):
        raise TypeError("df.train takes the trainer configuration as a dict, not %s" % type(config).__name__)
    config = json.loads(json.dumps(config))
    if not isinstance(config.get("training"), str) or not config["training"]:
        raise ValueError("the trainer configuration names no 'training' (the id its outputs are shown under)")
    for field, default in DEFAULTS.items():
        config.setdefault(field, default)
    return config


def _check(config):
    for field in ("data", "architecture", "loss", "optimizer"):
        if field not in config:
            raise ValueError("the trainer configuration has no %r" % field)
    for field in ("loss", "optimizer"):
        choice = config[field]
        if not isinstance(choice, dict) or not isinstance(choice.get("name"), str):
            raise ValueError("%r must be {\"name\": ..., \"arguments\": {...}}, not %r" % (field, choice))
        choice.setdefault("arguments", {})
    for field in ("batchSize", "epochs"):
        if not isinstance(config[field], int) or isinstance(config[field], bool) or config[field] < 1:
            raise ValueError("%r must be a whole number of at least 1, not %r" % (field, config[field]))
    split = config["validationSplit"]
    if not isinstance(split, (int, float)) or isinstance(split, bool) or not 0 <= split < 1:
        raise ValueError("'validationSplit' must be a number from 0 up to but not including 1, not %r" % (split,))


def _device(name):
    import torch

    if name == "cpu":
        return torch.device("cpu")
    if name == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError("the training asks for device \"cuda\" but this session has no usable CUDA GPU "
                               "(torch.cuda.is_available() is False); train on \"cpu\" or start the session "
                               "where there is a GPU")
        return torch.device("cuda")
    raise ValueError("'device' must be \"cpu\" or \"cuda\", not %r" % (name,))


def _lookup(variable, namespace):
    if namespace is None:
        namespace = _ipython().user_ns
    if variable not in namespace:
        raise NameError("the session has no variable %r to train on; load an artifact into it or define it "
                        "in the console first" % variable)
    return namespace[variable]


def _seed(seed):
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _build(architecture, architectures):
    if architectures is None:
        with open(os.path.join(os.getcwd(), "session.json"), encoding="utf-8") as handle:
            architectures = json.load(handle).get("architectures") or {}
    entry = architectures.get(architecture)
    if not isinstance(entry, dict):
        raise ValueError("the project has no architecture %r at the session's commit (architectures: %s)"
                         % (architecture, ", ".join("%s (%s)" % (k, v.get("name", "?"))
                                                    for k, v in sorted(architectures.items())) or "none"))
    module = importlib.import_module(entry["module"])
    return getattr(module, entry["class"])()


def _loss(choice):
    import torch

    cls = getattr(torch.nn, choice["name"], None)
    if not (choice["name"].endswith("Loss") and isinstance(cls, type) and issubclass(cls, torch.nn.Module)):
        raise ValueError("torch.nn has no loss %r" % choice["name"])
    arguments = dict(choice["arguments"])
    for name in ("weight", "pos_weight"):  # the losses' tensor arguments, given as (nested) lists
        if isinstance(arguments.get(name), list):
            arguments[name] = torch.tensor(arguments[name], dtype=torch.float32)
    return cls(**arguments)


def _optimizer(choice, parameters):
    import torch

    cls = getattr(torch.optim, choice["name"], None)
    if not (isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer)) or choice["name"] == "Optimizer":
        raise ValueError("torch.optim has no optimizer %r" % choice["name"])
    arguments = {k: tuple(v) if isinstance(v, list) else v for k, v in choice["arguments"].items()}
    return cls(parameters, **arguments)


# ------------------------------------------------------------------------------------------------------------
# Data


def _dataset(data, variable):
    import torch

    if isinstance(data, torch.utils.data.Dataset):
        return data
    if isinstance(data, dict):
        for x, y in (("x", "y"), ("features", "labels")):
            if x in data and y in data:
                return _tensors(data[x], data[y], variable)
        raise ValueError("%r is a dict without x and y (or features and labels); its keys are %s"
                         % (variable, ", ".join(map(repr, list(data)[:10]))))
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return _tensors(data[0], data[1], variable)
    raise ValueError("%r holds %s; the trainer takes (features, labels), a dict with x and y, or a "
                     "torch.utils.data.Dataset" % (variable, type(data).__name__))


def _tensors(features, labels, variable):
    import torch

    features, labels = _tensor(features), _tensor(labels)
    if len(features) != len(labels):
        raise ValueError("%r has %d samples but %d labels" % (variable, len(features), len(labels)))
    if len(features) == 0:
        raise ValueError("%r holds no samples" % variable)
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
            raise ValueError("%s needs class indices (0, 1, ...) as labels, but they hold fractions"
                             % loss_name)
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
        raise ValueError("a validation split of %s leaves none of the %d samples to train on" % (fraction, count))
    if held == 0:
        return dataset, None
    order = torch.randperm(count, generator=torch.Generator().manual_seed(seed)).tolist()
    return torch.utils.data.Subset(dataset, order[held:]), torch.utils.data.Subset(dataset, order[:held])


def _settle(training):
    """A model that ended is handed on on the CPU and in eval mode, as the Train operation returns it."""
    if training.model is not None:
        training.model.to("cpu")
        training.model.eval()


# ------------------------------------------------------------------------------------------------------------
# Display


class _Shower:
    def __init__(self, training, display):
        self.training = training
        self.display = display

    def state(self):
        t = self.training
        value = {"training": t.id, "state": t.state, "epochs": t.epochs, "total": t.config["epochs"]}
        if t.error is not None:
            value["error"] = t.error
        self.display({TRAINING: value, "text/plain": "training %s: %s after %s of %s epochs%s"
                      % (t.id, t.state, t.epochs, t.config["epochs"], ": " + t.error if t.error else "")})

    def metric(self, epoch, step, name, value):
        value = float(value) if math.isfinite(value) else None  # a diverged loss: JSON has no NaN
        self.training.history.setdefault(name, []).append({"epoch": epoch, "step": step, "value": value})
        self.display({METRIC: {"training": self.training.id, "epoch": epoch, "step": step, "name": name,
                               "value": value},
                      "text/plain": "epoch %d step %d %s %s" % (epoch, step, name, "%.6g" % value if value is not None
                                                                   else "not a number")})


def _ipython():
    import IPython

    shell = IPython.get_ipython()
    if shell is None:
        raise RuntimeError("df.train runs in a session's kernel; outside one, pass namespace= and display=")
    return shell


def _ipython_display(data):
    from IPython.display import display

    display(data, raw=True)
