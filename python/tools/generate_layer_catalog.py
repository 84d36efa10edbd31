#!/usr/bin/env python3
"""Generate the layer catalog of the architecture editor from ``torch.nn``.

Usage (from the repository root)::

    /usr/bin/python3 python/tools/generate_layer_catalog.py [--out PATH] [--no-date]

The default output is ``nn/src/main/resources/org/deepforge/nn/layers.json``; the committed catalog is
generated with ``--no-date`` so that regenerating it with the same torch gives identical bytes.

The catalog (see docs/architectures.md: an architecture layer's ``type`` names an entry of it)::

    {"torch": "1.13.0", "python": "3.11.2", "generated": "2025-01-01",  # absent with --no-date
     "layers": [                      # every public concrete layer class of torch.nn, sorted by name
       {"name": "Conv2d", "module": "torch.nn.Conv2d", "category": "Convolution",
        "doc": "first paragraph of the docstring, markup removed",
        "docstring": "the whole docstring (at most 4000 characters)",
        "arguments": [                # in signature order; device/dtype and _private ones dropped
          {"name": "in_channels", "required": true, "type": "int", "doc": "..."},
          {"name": "stride", "required": false, "default": 1, "type": "int_or_tuple", "doc": "..."}],
        "inputs": 1,                  # required tensor inputs of forward
        "max_inputs": 1,              # all tensor-like inputs of forward (null: any number)
        "outputs": 1,                 # tensors returned by forward (null: depends on the arguments)
        "inputNames": ["input"]}],    # names of forward's tensor-like parameters, max_inputs of them
     "language": [...]}               # the language's own nodes (Input, Output, Concatenate, ...)

Argument types: int, float, bool, str, tuple, list, dict, callable, module, dtype, device, any and
int_or_tuple (an int or a tuple/list of ints).  ``default`` is absent when the argument is required; a
default that is a function is given by its name (e.g. ``"relu"``), a tuple as a JSON array.
"""

import argparse
import ast
import collections.abc
import datetime
import inspect
import json
import math
import os
import platform
import re
import sys
import types
import typing

import torch
from torch import nn

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO_ROOT, "nn", "src", "main", "resources", "org", "deepforge", "nn", "layers.json")

CONTAINERS = {"Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict", "Container"}
ABSTRACT = {"Module", "RNNBase", "RNNCellBase"}
DROPPED_ARGUMENTS = {"device", "dtype"}
# Layers whose __init__ is only (*args, **kwargs): their arguments come from the docstring's Args section.
DOCSTRING_SIGNATURE = {"RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"}
# forward returns (output, hidden state); the hidden state is a tuple (h_n, c_n) for LSTM.
TWO_OUTPUTS = {"RNN", "LSTM", "GRU"}
DOCSTRING_LIMIT = 4000

# torch.nn.modules.<submodule> -> category
CATEGORIES = {
    "activation": "Activation",
    "adaptive": "Loss",
    "batchnorm": "Normalization",
    "channelshuffle": "Vision",
    "container": "Other",
    "conv": "Convolution",
    "distance": "Distance",
    "dropout": "Dropout",
    "flatten": "Shape",
    "fold": "Vision",
    "instancenorm": "Normalization",
    "linear": "Linear",
    "loss": "Loss",
    "normalization": "Normalization",
    "padding": "Padding",
    "pixelshuffle": "Vision",
    "pooling": "Pooling",
    "rnn": "Recurrent",
    "sparse": "Sparse",
    "transformer": "Transformer",
    "upsampling": "Vision",
}
# Classes whose submodule does not say what they are.
CATEGORY_OVERRIDES = {
    "MultiheadAttention": "Transformer",  # lives in torch.nn.modules.activation
    "Identity": "Other",                  # lives in torch.nn.modules.linear
}

TYPES = ("int", "float", "bool", "str", "tuple", "list", "dict", "callable", "module", "dtype", "device",
         "any", "int_or_tuple")


# --------------------------------------------------------------------------------------------------------
# Docstrings

ROLE = re.compile(r":(?:math|attr|class|func|meth|ref|mod|obj|data|exc|const|doc|py:\w+):`([^`]*)`")


def _role_text(match):
    text = match.group(1)
    ref = re.match(r"^(.*?)\s*<[^>]*>$", text)  # :ref:`Title<target>`
    if ref and ref.group(1):
        return ref.group(1)
    if text.startswith("~"):
        return text[1:].rsplit(".", 1)[-1]
    return text


def clean_text(text):
    """Reduce reStructuredText markup to plain words on one line."""
    text = ROLE.sub(_role_text, text)
    text = re.sub(r"``([^`]*)``", r"\1", text)
    text = re.sub(r"`([^`<]*?)\s*<[^>]*>`_", r"\1", text)  # `title <url>`_
    text = re.sub(r"`([^`]*)`_?", r"\1", text)
    text = re.sub(r"\*\*([^*]*)\*\*", r"\1", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip()


def full_docstring(cls):
    doc = cls.__dict__.get("__doc__") or ""
    return inspect.cleandoc(doc) if doc.strip() else ""


def first_paragraph(doc):
    for paragraph in re.split(r"\n\s*\n", doc):
        if paragraph.strip():
            return clean_text(paragraph)
    return ""


def trim(doc, limit=DOCSTRING_LIMIT):
    if len(doc) <= limit:
        return doc
    cut = doc[:limit - 3]
    newline = cut.rfind("\n")
    if newline > limit // 2:
        cut = cut[:newline]
    return cut.rstrip() + "..."


SECTION = re.compile(r"^(\s*)(Args|Arguments|Parameters|Keyword args|Keyword arguments):\s*$")
ENTRY = re.compile(r"^(\*{0,2}[A-Za-z_]\w*)\s*(?:\(((?:[^()]|\([^()]*\))*)\))?\s*:(?!:)\s*(.*)$")


def parse_args_section(doc):
    """{name: (type text or None, raw text)} of the entries of the docstring's Args sections, in order."""
    lines = doc.splitlines()
    entries = {}
    i = 0
    while i < len(lines):
        header = SECTION.match(lines[i])
        i += 1
        if not header:
            continue
        header_indent = len(header.group(1))
        entry_indent = None
        current = None
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                i += 1
                continue
            indent = len(line) - len(line.lstrip())
            if indent <= header_indent:
                break
            if entry_indent is None:
                entry_indent = indent
            match = ENTRY.match(line.strip()) if indent == entry_indent else None
            if match:
                name = match.group(1).lstrip("*")
                current = [match.group(2), [match.group(3)]]
                if name not in entries:
                    entries[name] = current
            elif indent < entry_indent:
                break
            elif current is not None:
                current[1].append(line.strip())
            i += 1
    return {name: (kind, " ".join(text).strip()) for name, (kind, text) in entries.items()}


def parse_documented_default(text):
    """The value after the last 'Default:' of an argument's text; (found, value)."""
    matches = re.findall(r"Default:\s*(.+?)\s*(?:$|\.\s|\.$)", text)
    if not matches:
        return False, None
    raw = matches[-1].strip().rstrip(".").strip()
    raw = re.sub(r"^``(.*)``$", r"\1", raw)
    raw = re.sub(r"^:\w+:`(.*)`$", r"\1", raw).strip("`").strip()
    try:
        return True, ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return False, None


# --------------------------------------------------------------------------------------------------------
# Types

DOC_TYPE_WORDS = {
    "int": "int", "integer": "int", "float": "float", "bool": "bool", "boolean": "bool", "str": "str",
    "string": "str", "tuple": "tuple", "list": "list", "dict": "dict", "callable": "callable",
    "function": "callable", "nn.module": "module", "module": "module", "torch.dtype": "dtype",
    "dtype": "dtype", "torch.device": "device", "device": "device",
}


def combine(kinds):
    kinds = {t for t in kinds if t is not None}
    if not kinds:
        return None
    if len(kinds) == 1:
        return kinds.pop()
    if "any" in kinds:
        return "any"
    if "int" in kinds and kinds <= {"int", "tuple", "list", "int_or_tuple"}:
        return "int_or_tuple"
    if kinds <= {"tuple", "list"}:
        return "tuple"
    if kinds == {"int", "float"}:
        return "float"
    return "any"


def annotation_type(ann):
    """The catalog type of an annotation, None when it says nothing (absent, None)."""
    if ann is inspect.Parameter.empty or ann is None or ann is type(None):
        return None
    if isinstance(ann, str):
        return string_annotation_type(ann)
    if ann is typing.Any:
        return "any"
    origin = typing.get_origin(ann)
    args = typing.get_args(ann)
    if origin is typing.Union or (hasattr(types, "UnionType") and isinstance(ann, types.UnionType)):
        return combine(annotation_type(a) for a in args)
    if origin is not None:
        if origin is typing.Literal:
            return combine(value_type(a) for a in args)
        if origin in (tuple,):
            return "tuple"
        if origin in (list, collections.abc.Sequence, collections.abc.MutableSequence):
            return "list"
        if origin in (dict, collections.abc.Mapping):
            return "dict"
        if origin is collections.abc.Callable:
            return "callable"
        return "any"
    if ann is bool:
        return "bool"
    if ann is int:
        return "int"
    if ann is float:
        return "float"
    if ann is str:
        return "str"
    if ann is torch.dtype:
        return "dtype"
    if ann is torch.device:
        return "device"
    if inspect.isclass(ann):
        if issubclass(ann, tuple):  # tuple, torch.Size, named tuples
            return "tuple"
        if issubclass(ann, list):
            return "list"
        if issubclass(ann, dict):
            return "dict"
        if issubclass(ann, nn.Module):
            return "module"
    if ann is typing.Callable or ann is collections.abc.Callable:
        return "callable"
    return "any"


def string_annotation_type(text):
    """Fallback for annotations left as strings that could not be evaluated."""
    text = text.strip()
    inner = re.match(r"^(?:typing\.)?Optional\[(.*)\]$", text)
    if inner:
        return string_annotation_type(inner.group(1))
    union = re.match(r"^(?:typing\.)?Union\[(.*)\]$", text)
    parts = _split_top(union.group(1)) if union else _split_top(text, "|")
    if len(parts) > 1:
        return combine(string_annotation_type(p) for p in parts)
    base = re.split(r"\[", text, 1)[0].strip().lower()
    base = base.split(".")[-1]
    return {"int": "int", "float": "float", "bool": "bool", "str": "str", "tuple": "tuple",
            "list": "list", "dict": "dict", "callable": "callable", "module": "module", "dtype": "dtype",
            "device": "device", "size": "tuple", "none": None, "nonetype": None,
            "_size_1_t": "int_or_tuple", "_size_2_t": "int_or_tuple", "_size_3_t": "int_or_tuple",
            "_size_any_t": "int_or_tuple"}.get(base, "any")


def _split_top(text, sep=","):
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def value_type(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, tuple):
        return "tuple"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "dict"
    if isinstance(value, torch.dtype):
        return "dtype"
    if isinstance(value, torch.device):
        return "device"
    if isinstance(value, nn.Module):
        return "module"
    if callable(value):
        return "callable"
    return "any"


def doc_type(kind):
    """The catalog type of a docstring's '(int or tuple, optional)'."""
    if not kind:
        return None
    words = [w.strip() for w in re.split(r",|\bor\b", kind.lower())]
    kinds = [DOC_TYPE_WORDS.get(w) for w in words if w and w != "optional"]
    if not kinds or None in kinds:
        return None
    return combine(kinds)


def says_int_or_tuple(kind):
    return bool(kind) and re.search(r"\bint or tuple\b", kind.lower()) is not None


def json_value(value):
    """A default as JSON: tuples become arrays, functions their name."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        return value
    if isinstance(value, (tuple, list)):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (torch.dtype, torch.device)):
        return str(value)
    name = getattr(value, "__name__", None)
    if name:
        return name
    return type(value).__name__


# --------------------------------------------------------------------------------------------------------
# Layers


def layer_classes():
    package = torch.nn.modules
    names = getattr(package, "__all__", None) or [n for n in dir(package) if not n.startswith("_")]
    classes = {}
    for name in names:
        cls = getattr(package, name, None)
        if not (inspect.isclass(cls) and issubclass(cls, nn.Module)):
            continue
        if (name.startswith("_") or name in CONTAINERS or name in ABSTRACT or name.endswith("Base")
                or name.startswith("Lazy")):
            continue
        classes[name] = cls
    return [classes[name] for name in sorted(classes)]


def category(cls):
    if cls.__name__ in CATEGORY_OVERRIDES:
        return CATEGORY_OVERRIDES[cls.__name__]
    submodule = cls.__module__.rsplit(".", 1)[-1]
    return CATEGORIES.get(submodule, "Other")


def type_hints(function):
    try:
        return typing.get_type_hints(function)
    except Exception:  # noqa: BLE001 - unresolvable forward references: use the raw annotations
        return dict(getattr(function, "__annotations__", {}) or {})


def name_type(name):
    """Last resort for unannotated, undocumented arguments (MultiheadAttention's embed_dim, kdim, ...)."""
    if re.search(r"^(num_|n_)|_(dim|size|features|channels|layers|heads)$|^[kv]dim$", name):
        return "int"
    if name.endswith("_layer"):
        return "module"
    return "any"


def make_argument(name, required, default, ann_type, documented):
    kind, text = documented.get(name, (None, ""))
    if ann_type is None:
        ann_type = value_type(default) if not required else None
    if ann_type is None:
        ann_type = doc_type(kind)
    if says_int_or_tuple(kind) and ann_type in (None, "int", "tuple", "any"):
        ann_type = "int_or_tuple"
    if ann_type is None:
        ann_type = name_type(name)
    if ann_type == "float" and isinstance(default, int) and not isinstance(default, bool):
        default = float(default)
    argument = {"name": name, "required": required, "type": ann_type, "doc": clean_text(text)}
    if not required:
        argument["default"] = json_value(default)
    return argument


def signature_arguments(cls, documented):
    init = cls.__init__
    if init is nn.Module.__init__:
        return None
    try:
        signature = inspect.signature(init)
    except (TypeError, ValueError):
        return None
    params = [p for p in list(signature.parameters.values())[1:]]
    named = [p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if not named:
        return None
    hints = type_hints(init)
    arguments = []
    for p in named:
        if p.name in DROPPED_ARGUMENTS or p.name.startswith("_"):
            continue
        required = p.default is inspect.Parameter.empty
        ann = hints.get(p.name, p.annotation)
        arguments.append(make_argument(p.name, required, None if required else p.default,
                                       annotation_type(ann), documented))
    return arguments


def docstring_arguments(cls, documented):
    """Arguments of the recurrent layers, whose __init__ is (*args, **kwargs), from their Args section.

    Types come from the base class's signature where it names the argument (RNNBase/RNNCellBase take
    mode, input_size, hidden_size, num_layers, ...), else from the documented default."""
    base_hints, base_params = {}, {}
    for base in cls.__mro__[1:]:
        if base is nn.Module or not issubclass(base, nn.Module) or "__init__" not in base.__dict__:
            continue
        try:
            for p in list(inspect.signature(base.__init__).parameters.values())[1:]:
                base_params.setdefault(p.name, p)
        except (TypeError, ValueError):
            pass
        for key, value in type_hints(base.__init__).items():
            base_hints.setdefault(key, value)
    arguments = []
    for name, (_kind, text) in documented.items():
        if name in DROPPED_ARGUMENTS or name.startswith("_"):
            continue
        found, default = parse_documented_default(text)
        ann_type = annotation_type(base_hints.get(name, inspect.Parameter.empty))
        if ann_type is None and name in base_params:
            base_default = base_params[name].default
            if base_default is not inspect.Parameter.empty:
                ann_type = value_type(base_default)
        if ann_type is None and name in ("input_size", "hidden_size"):
            ann_type = "int"
        arguments.append(make_argument(name, not found, default if found else None, ann_type, documented))
    return arguments


def is_tensor_like(param):
    ann = param.annotation
    if ann is inspect.Parameter.empty:
        return param.default is inspect.Parameter.empty or param.default is None
    text = ann if isinstance(ann, str) else repr(ann)
    return "Tensor" in text or "PackedSequence" in text


def output_count(cls, forward):
    if cls.__name__ in TWO_OUTPUTS:
        return 2
    try:
        ret = type_hints(forward).get("return", inspect.Parameter.empty)
    except Exception:  # noqa: BLE001
        ret = inspect.Parameter.empty
    if typing.get_origin(ret) is tuple:
        args = typing.get_args(ret)
        if args and Ellipsis not in args:
            return len(args)
    if inspect.isclass(ret) and issubclass(ret, tuple) and hasattr(ret, "_fields"):
        return len(ret._fields)
    return 1


def forward_io(cls):
    forward = cls.forward
    try:
        params = list(inspect.signature(forward).parameters.values())[1:]
    except (TypeError, ValueError):
        params = []
    required = 0
    names = []
    variadic = False
    for p in params:
        if p.kind == p.VAR_POSITIONAL:
            variadic = True
            continue
        if p.kind == p.VAR_KEYWORD:
            continue
        if p.default is inspect.Parameter.empty:
            required += 1
            names.append(p.name)
        elif is_tensor_like(p):
            names.append(p.name)
    return {"inputs": required, "max_inputs": None if variadic else len(names), "inputNames": names,
            "outputs": output_count(cls, forward)}


def describe(cls):
    doc = full_docstring(cls)
    documented = parse_args_section(doc)
    name = cls.__name__
    if name in DOCSTRING_SIGNATURE and signature_arguments(cls, documented) is None:
        arguments = docstring_arguments(cls, documented)
    else:
        arguments = signature_arguments(cls, documented) or []
    module = "torch.nn." + name if getattr(nn, name, None) is cls else cls.__module__ + "." + name
    layer = {"name": name, "module": module, "category": category(cls), "doc": first_paragraph(doc),
             "docstring": trim(doc), "arguments": arguments}
    layer.update(forward_io(cls))
    return layer


# --------------------------------------------------------------------------------------------------------
# The language's own nodes (docs/architectures.md)


def _arg(name, type_, doc, default=inspect.Parameter.empty):
    argument = {"name": name, "type": type_, "doc": doc, "required": default is inspect.Parameter.empty}
    if default is not inspect.Parameter.empty:
        argument["default"] = default
    return argument


def _node(name, doc, arguments, inputs, max_inputs, outputs, input_names):
    return {"name": name, "category": "Language", "doc": doc, "docstring": doc, "arguments": arguments,
            "inputs": inputs, "max_inputs": max_inputs, "outputs": outputs, "inputNames": input_names}


def language_nodes():
    merge = "Its inputs are connected to input 0, 1, 2, ... (any number, at least two)."
    return [
        _node("Input", "An input of the model: one parameter of forward. Several Inputs make a multi-input "
              "model, in the order of their names.",
              [_arg("shape", "list", "The per-sample shape, without the batch dimension, e.g. [1, 28, 28].")],
              0, 0, 1, []),
        _node("Output", "An output of the model. Several Outputs make forward return a tuple, in the order "
              "of their names.", [], 1, 1, 0, ["input"]),
        _node("Concatenate", "Concatenates its inputs along a dimension (torch.cat), in input order. " + merge,
              [_arg("dim", "int", "The dimension to concatenate along (0 is the batch dimension).", 1)],
              2, None, 1, []),
        _node("Add", "Adds its inputs element-wise (a + b + ...). " + merge, [], 2, None, 1, []),
        _node("Multiply", "Multiplies its inputs element-wise (a * b * ...). " + merge, [], 2, None, 1, []),
        _node("Mean", "The element-wise mean of its inputs (torch.stack([...]).mean(0)). " + merge,
              [], 2, None, 1, []),
        _node("Reshape", "Reshapes each sample (x.reshape(x.shape[0], ...)); the batch dimension is kept.",
              [_arg("shape", "list", "The per-sample shape, without the batch dimension; may hold one -1.")],
              1, 1, 1, ["input"]),
        _node("Split", "Splits its input into chunks (torch.split); output i is chunk i. The number of "
              "outputs depends on the arguments.",
              [_arg("split_size_or_sections", "int_or_tuple",
                    "The size of each chunk (int), or the list of the chunks' sizes."),
               _arg("dim", "int", "The dimension to split along (0 is the batch dimension).", 1)],
              1, 1, None, ["input"]),
        _node("Shared", "Applies another layer's module again, with the same (shared) weights. Its inputs "
              "and outputs are those of that layer.",
              [_arg("layer", "str", "The id of the layer whose module is applied again.")],
              None, None, None, []),
        _node("Permute", "Reorders the dimensions (x.permute(...)); dimension 0 is the batch. A transpose is "
              "the permutation that swaps two dimensions.",
              [_arg("dims", "list", "The input dimension at each output position, e.g. [0, 2, 1]; every "
                    "dimension once.")],
              1, 1, 1, ["input"]),
        _node("ReduceMean", "The mean over some dimensions of each sample (x.mean(dim)), e.g. global average "
              "pooling as x.mean([2, 3]).",
              [_arg("dim", "int_or_tuple", "The dimension or list of dimensions to average over (not the "
                    "batch)."),
               _arg("keepdim", "bool", "Keep the averaged dimensions with size 1.", False)],
              1, 1, 1, ["input"]),
        _node("Expand", "Repeats size-1 dimensions without copying (x.expand(...)), e.g. a class token to the "
              "batch size.",
              [_arg("shape", "list", "The size of each output dimension: -1 keeps the input's, null is the "
                    "batch size; extra leading sizes add dimensions.")],
              1, 1, 1, ["input"]),
        _node("Select", "Takes one index along one dimension, dropping that dimension (x[:, 0] is dim 1, "
              "index 0).",
              [_arg("dim", "int", "The dimension to index (not the batch)."),
               _arg("index", "int", "The index; negative counts from the end.")],
              1, 1, 1, ["input"]),
        _node("Parameter", "A learnable tensor (nn.Parameter) of a fixed shape, e.g. a class token or a "
              "positional embedding; it starts at zeros.",
              [_arg("shape", "list", "The full shape of the tensor (it has no batch dimension; broadcasting "
                    "or Expand meets the batch).")],
              0, 0, 1, []),
    ]


# --------------------------------------------------------------------------------------------------------


def catalog(with_date=True):
    result = {"torch": torch.__version__, "python": platform.python_version(),
              "layers": [describe(cls) for cls in layer_classes()], "language": language_nodes()}
    if with_date:
        result["generated"] = datetime.date.today().isoformat()
    return result


def render(data):
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="output file (default: %(default)s)")
    parser.add_argument("--no-date", action="store_true",
                        help="leave out the generation date, so that regeneration gives identical bytes")
    args = parser.parse_args(argv)
    data = catalog(with_date=not args.no_date)
    for layer in data["layers"] + data["language"]:
        for argument in layer["arguments"]:
            assert argument["type"] in TYPES, (layer["name"], argument)
    text = render(data)
    directory = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(directory, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    print("%d layers, %d language nodes -> %s" % (len(data["layers"]), len(data["language"]), args.out),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
