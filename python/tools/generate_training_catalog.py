#!/usr/bin/env python3
"""Generate the trainer's catalog of losses and optimizers from ``torch.nn`` and ``torch.optim``.

Usage (from the repository root)::

    /usr/bin/python3 python/tools/generate_training_catalog.py [--out PATH] [--no-date]

The default output is ``nn/src/main/resources/org/deepforge/nn/training-catalog.json`` (next to the layer
catalog); the committed catalog is generated with ``--no-date`` so that regenerating it with the same torch
gives identical bytes. The server serves it at ``GET /api/v1/catalogs/training`` (docs/sessions.md, "Trainer")
and checks trainer configurations against it (``org.deepforge.nn.TrainingCatalog``)::

    {"torch": "1.13.0", "python": "3.11.2", "generated": "2025-01-01",  # absent with --no-date
     "losses": [                      # sorted by name
       {"name": "CrossEntropyLoss", "doc": "first paragraph of the docstring, markup removed",
        "kind": "classification",     # or "regression"; absent where it is not obvious (KLDivLoss)
        "labels": "int64",            # the dtype the trainer gives the labels: "int64" (class indices) or "float32"
        "arguments": [                # in signature order
          {"name": "ignore_index", "required": false, "default": -100, "type": "int", "doc": "..."}]}],
     "optimizers": [
       {"name": "Adam", "doc": "Implements Adam algorithm.",
        "arguments": [{"name": "lr", "required": false, "default": 0.001, "type": "float", "doc": "..."}]}]}

Argument types: int, float, bool, str, tuple, list, dict, tensor (given as a JSON array, turned into a tensor by
the trainer) and any. ``default`` is null where the argument is required or its default is not JSON.

What is left out, because the trainer calls ``loss(outputs, labels)`` and ``optimizer.step()`` once a batch:
losses whose forward needs more than (input, target) (CTCLoss, GaussianNLLLoss, the ranking and triplet losses),
LBFGS (its step needs a closure that re-evaluates the model) and SparseAdam (it needs sparse gradients, which
the layers of the architecture editor do not make). Left out of the arguments: ``params`` (the model's), the
deprecated ``size_average``/``reduce`` of losses, and the optimizers' implementation switches (``foreach``,
``fused``, ``capturable``, ``differentiable``), which change how a step is computed, not what it computes.
"""

import argparse
import datetime
import inspect
import os
import platform
import sys
import typing

import torch
from torch import nn, optim

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate_layer_catalog import (  # noqa: E402 - the layer catalog's reading of docstrings and annotations
    annotation_type, doc_type, first_paragraph, full_docstring, json_value, parse_args_section, render, type_hints,
    value_type)

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO_ROOT, "nn", "src", "main", "resources", "org", "deepforge", "nn",
                           "training-catalog.json")

TYPES = ("int", "float", "bool", "str", "tuple", "list", "dict", "tensor", "any")

EXCLUDED_OPTIMIZERS = {"Optimizer", "LBFGS", "SparseAdam"}
DROPPED_LOSS_ARGUMENTS = {"size_average", "reduce"}
DROPPED_OPTIMIZER_ARGUMENTS = {"params", "foreach", "fused", "capturable", "differentiable"}

# Losses whose labels are class indices (int64) and the rest of the obvious classification losses.
INDEX_LABELS = {"CrossEntropyLoss", "NLLLoss", "MultiMarginLoss", "MultiLabelMarginLoss"}
CLASSIFICATION = INDEX_LABELS | {"BCELoss", "BCEWithLogitsLoss", "MultiLabelSoftMarginLoss", "SoftMarginLoss",
                                 "HingeEmbeddingLoss"}
REGRESSION = {"MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "PoissonNLLLoss"}


def _is_tensor(annotation):
    return annotation is torch.Tensor or (isinstance(annotation, str) and annotation.split(".")[-1] == "Tensor")


def argument_type(annotation, default, documented_type, numeric_is_float):
    """The catalog type of an argument: Tensor (alone or with None) is ``tensor``; a union of a number and a
    Tensor (torch 2's ``lr: Union[float, Tensor]``) is the number, which JSON can carry."""
    if typing.get_origin(annotation) is typing.Union or type(annotation).__name__ == "UnionType":
        kept = [a for a in typing.get_args(annotation) if a is not type(None)]
        numbers = [a for a in kept if not _is_tensor(a)]
        if not numbers:
            return "tensor"
        annotation = typing.Union[tuple(numbers)]
    elif _is_tensor(annotation):
        return "tensor"
    kind = annotation_type(annotation)
    if kind is None:
        kind = value_type(default) or doc_type(documented_type) or "any"
    if kind not in TYPES:
        kind = "any"
    if kind == "int" and numeric_is_float:
        kind = "float"
    return kind


def is_required(default):
    return default is inspect.Parameter.empty or type(default).__name__ == "_RequiredParameter"


def arguments(cls, dropped, numeric_is_float):
    documented = parse_args_section(full_docstring(cls))
    hints = type_hints(cls.__init__)
    result = []
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name in dropped or p.name.startswith("_"):
            continue
        required = is_required(p.default)
        default = None if required else p.default
        documented_type, text = documented.get(p.name, (None, ""))
        kind = argument_type(hints.get(p.name, p.annotation), default, documented_type, numeric_is_float)
        if kind == "float" and isinstance(default, int) and not isinstance(default, bool):
            default = float(default)
        if isinstance(default, torch.Tensor):
            default = default.tolist()
        result.append({"name": p.name, "required": required, "type": kind, "default": json_value(default),
                       "doc": first_paragraph(text)})
    return result


def two_input_forward(cls):
    """Whether forward takes exactly the (input, target) the trainer gives it."""
    params = list(inspect.signature(cls.forward).parameters.values())[1:]
    required = [p for p in params if p.default is inspect.Parameter.empty
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    return len(required) == 2


def loss_classes():
    module = nn.modules.loss
    classes = [getattr(module, name) for name in dir(module) if name.endswith("Loss") and not name.startswith("_")]
    return sorted((c for c in classes if inspect.isclass(c) and issubclass(c, nn.Module) and two_input_forward(c)),
                  key=lambda c: c.__name__)


def optimizer_classes():
    classes = [getattr(optim, name) for name in dir(optim) if not name.startswith("_")]
    return sorted((c for c in classes if inspect.isclass(c) and issubclass(c, optim.Optimizer)
                   and c.__name__ not in EXCLUDED_OPTIMIZERS), key=lambda c: c.__name__)


def describe_loss(cls):
    name = cls.__name__
    entry = {"name": name, "doc": first_paragraph(full_docstring(cls)),
             "labels": "int64" if name in INDEX_LABELS else "float32",
             "arguments": arguments(cls, DROPPED_LOSS_ARGUMENTS, numeric_is_float=False)}
    if name in CLASSIFICATION:
        entry["kind"] = "classification"
    elif name in REGRESSION:
        entry["kind"] = "regression"
    return entry


def describe_optimizer(cls):
    # torch 1.x leaves most hyperparameters unannotated with whole-number defaults (weight_decay=0): all of an
    # optimizer's numbers are real numbers.
    return {"name": cls.__name__, "doc": first_paragraph(full_docstring(cls)),
            "arguments": arguments(cls, DROPPED_OPTIMIZER_ARGUMENTS, numeric_is_float=True)}


def catalog(with_date=True):
    result = {"torch": torch.__version__, "python": platform.python_version(),
              "losses": [describe_loss(c) for c in loss_classes()],
              "optimizers": [describe_optimizer(c) for c in optimizer_classes()]}
    if with_date:
        result["generated"] = datetime.date.today().isoformat()
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="output file (default: %(default)s)")
    parser.add_argument("--no-date", action="store_true",
                        help="leave out the generation date, so that regeneration gives identical bytes")
    args = parser.parse_args(argv)
    data = catalog(with_date=not args.no_date)
    for entry in data["losses"] + data["optimizers"]:
        for argument in entry["arguments"]:
            assert argument["type"] in TYPES, (entry["name"], argument)
    directory = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(directory, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(render(data))
    print("%d losses, %d optimizers -> %s" % (len(data["losses"]), len(data["optimizers"]), args.out),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
