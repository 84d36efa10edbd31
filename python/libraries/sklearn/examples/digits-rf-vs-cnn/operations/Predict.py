from typing import Annotated

import numpy as np

from deepforge import Range


class Predict:
    """Run a trained network on new samples.

    Attributes:
        batch_size: samples per forward pass (only affects memory use).
        as_classes: give class indices instead of raw outputs: the index of the largest
            output for networks with one output per class, or 1 where the single output
            (a logit) is above 0 and 0 elsewhere.

    Inputs:
        model: a ``torch.nn.Module`` (e.g. the output of Train); run in eval mode, without
            gradients, on the device its parameters live on.
        data: the samples, first axis = sample (cast to float32).

    Outputs:
        predictions: a ``numpy.ndarray``: the network's outputs (N×…), or N class indices.
    """

    def __init__(self, batch_size: Annotated[int, Range(min=1)] = 256,
                 as_classes: bool = False):
        self.batch_size = batch_size
        self.as_classes = as_classes

    def execute(self, model, data):
        import torch

        if model is None or not callable(model):
            raise TypeError("Predict: `model` must be a torch.nn.Module, e.g. the output of Train")
        if self.batch_size < 1:
            raise ValueError(f"Predict: batch_size must be at least 1, not {self.batch_size}")
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
                batches = [model(inputs[start:start + self.batch_size].to(device)).cpu()
                           for start in range(0, len(inputs), self.batch_size)]
        finally:
            if was_training:
                model.train()
        if not batches:
            raise ValueError("Predict: no samples to predict")
        predictions = torch.cat(batches).numpy()

        if self.as_classes:
            outputs = predictions.reshape(len(predictions), -1)
            if outputs.shape[1] == 1:
                predictions = (outputs[:, 0] > 0).astype(np.int64)
            else:
                predictions = outputs.argmax(axis=1)
        return predictions
