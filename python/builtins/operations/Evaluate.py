from typing import Annotated, Literal

import numpy as np

from deepforge import Range


class Evaluate:
    """Score a trained network on labelled data.

    Attributes:
        task: ``classification`` — the network outputs one logit per class (or a single
            logit for a binary problem) and the labels are class indices (or one-hot rows);
            ``regression`` — the outputs are compared with the labels value by value.
        batch_size: samples per forward pass (only affects memory use).

    Inputs:
        model: a ``torch.nn.Module`` (e.g. the output of Train); run in eval mode, on the
            device its parameters live on.
        data: the samples, first axis = sample.
        labels: one target per sample.

    Outputs:
        metrics: a dict of floats. Classification: ``accuracy`` (share of correct
            predictions) and ``loss`` (mean cross-entropy of the logits; binary
            cross-entropy for a single logit). Regression: ``mae``, ``rmse`` and ``r2``
            (coefficient of determination, averaged over output columns).
    """

    def __init__(self, task: Literal["classification", "regression"] = "classification",
                 batch_size: Annotated[int, Range(min=1)] = 256):
        self.task = task
        self.batch_size = batch_size

    def execute(self, model, data, labels):
        outputs = _model_outputs(model, data, self.batch_size).astype(np.float64)
        truth = _to_numpy(labels)
        if len(truth) != len(outputs):
            raise ValueError(f"Evaluate: {len(outputs)} samples but {len(truth)} labels")
        if self.task == "classification":
            metrics = _classification_metrics(outputs, truth)
        elif self.task == "regression":
            metrics = _regression_metrics(outputs, truth.astype(np.float64))
        else:
            raise ValueError(f"Evaluate: unknown task {self.task!r}; "
                             f"use classification or regression")
        return metrics


def _classification_metrics(logits, labels):
    count = len(logits)
    logits = logits.reshape(count, -1)
    if labels.ndim == 2 and labels.shape[1] > 1:  # one-hot rows
        labels = labels.argmax(axis=1)
    labels = labels.reshape(count)
    if not np.all(labels == np.round(labels)):
        raise ValueError("Evaluate: classification labels must be class indices (0, 1, ...)")
    labels = labels.astype(np.int64)

    if logits.shape[1] == 1:  # one logit: binary classification
        z = logits[:, 0]
        predicted = (z > 0).astype(np.int64)
        loss = np.mean(np.logaddexp(0.0, z) - labels * z)
    else:
        if labels.min(initial=0) < 0 or labels.max(initial=0) >= logits.shape[1]:
            raise ValueError(f"Evaluate: labels must lie in 0..{logits.shape[1] - 1} for "
                             f"{logits.shape[1]} output classes")
        predicted = logits.argmax(axis=1)
        log_norm = np.logaddexp.reduce(logits, axis=1)
        loss = np.mean(log_norm - logits[np.arange(count), labels])
    accuracy = np.mean(predicted == labels)
    return {"accuracy": float(accuracy), "loss": float(loss)}


def _regression_metrics(predictions, truth):
    count = len(predictions)
    if predictions.size != truth.size:
        raise ValueError(f"Evaluate: the model gives {predictions.shape[1:]} values per sample "
                         f"but the labels have {truth.shape[1:]}")
    predictions = predictions.reshape(count, -1)
    truth = truth.reshape(count, -1)
    errors = predictions - truth
    ss_res = np.sum(errors ** 2, axis=0)
    ss_tot = np.sum((truth - truth.mean(axis=0)) ** 2, axis=0)
    # As scikit-learn: a constant target scores 1 when predicted exactly, else 0.
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(ss_tot > 0, 1.0 - ss_res / ss_tot, np.where(ss_res == 0, 1.0, 0.0))
    return {"mae": float(np.mean(np.abs(errors))),
            "rmse": float(np.sqrt(np.mean(errors ** 2))),
            "r2": float(np.mean(r2))}


def _model_outputs(model, data, batch_size):
    """Run `model` on `data` batch by batch without gradients; the outputs as numpy."""
    import torch

    if model is None or not callable(model):
        raise TypeError("Evaluate: `model` must be a torch.nn.Module, e.g. the output of Train")
    if batch_size < 1:
        raise ValueError(f"Evaluate: batch_size must be at least 1, not {batch_size}")
    if isinstance(data, torch.Tensor):
        inputs = data.detach().cpu().float()
    else:
        inputs = torch.as_tensor(np.asarray(data)).float()
    parameter = next(iter(model.parameters()), None) if hasattr(model, "parameters") else None
    device = parameter.device if parameter is not None else torch.device("cpu")

    was_training = getattr(model, "training", False)
    if hasattr(model, "eval"):
        model.eval()
    try:
        with torch.no_grad():
            batches = [model(inputs[start:start + batch_size].to(device)).cpu()
                       for start in range(0, len(inputs), batch_size)]
    finally:
        if was_training:
            model.train()
    if not batches:
        raise ValueError("Evaluate: no samples to evaluate")
    return torch.cat(batches).numpy()


def _to_numpy(values):
    if hasattr(values, "detach"):  # a torch tensor
        values = values.detach().cpu().numpy()
    return np.asarray(values)
