"""Per-op translation of a traced graph into architecture layers and connections."""

import collections
import inspect
import keyword
import operator
import re

import torch
import torch.fx
import torch.nn.functional as F
from torch import nn

from .arguments import _same, recover_arguments
from .common import NNError, _NotJSON, _jsonable
from .refusals import _op_name, _refusal
from .shapes import _flatten_tensors


def _identifier(text, taken):
    name = re.sub(r"\W", "_", text)
    if not name or name[0].isdigit():
        name = "m_" + name
    if name in ("Input", "Output") or keyword.iskeyword(name):
        name = name + "_"
    base, k = name, 2
    while name in taken:
        name = "%s_%d" % (base, k)
        k += 1
    taken.add(name)
    return name


def _is_tensor(v):
    return isinstance(v, torch.Tensor)


class _Ref:
    """A value made by a layer: the layer id and a getitem path into its output structure."""

    def __init__(self, layer, structure, path=()):
        self.layer, self.structure, self.path = layer, structure, path

    def item(self, i):
        return _Ref(self.layer, self.structure, self.path + (i,))

    def resolve(self):
        """(layer, flat output index) or None when the path is not a single tensor."""
        if self.structure is None:
            return (self.layer, self.path[0] if self.path else 0)
        index = 0
        value = self.structure
        for step in self.path:
            if isinstance(value, dict):
                keys = list(value)
                if step not in value:
                    return None
                for key in keys[:keys.index(step)]:
                    index += len(_flatten_tensors(value[key], []))
                value = value[step]
            elif isinstance(value, (tuple, list)):
                if not isinstance(step, int) or not -len(value) <= step < len(value):
                    return None
                step = step % len(value)
                for v in value[:step]:
                    index += len(_flatten_tensors(v, []))
                value = value[step]
            else:
                return None
        if not _is_tensor(value):
            return None
        return (self.layer, index)


def _bind(args, kwargs, names, defaults):
    """A dict of the call's arguments by name (positional first)."""
    out = dict(defaults)
    for name, v in zip(names, args):
        out[name] = v
    if len(args) > len(names):
        out["*"] = args[len(names):]
    out.update(kwargs)
    return out


_ADD = {operator.add, torch.add}
_MUL = {operator.mul, torch.mul}
_CAT = {torch.cat} | ({torch.concat} if hasattr(torch, "concat") else set())
_FLATTEN = {torch.flatten}
# functions (and Tensor methods) that are a torch.nn layer: (type, argument names after the input,
# their defaults, arguments that are ignored)
_POOL_MAX = ("MaxPool2d", ["kernel_size", "stride", "padding", "dilation", "ceil_mode",
                           "return_indices"],
             {"stride": None, "padding": 0, "dilation": 1, "ceil_mode": False,
              "return_indices": False}, ())
_POOL_AVG = ("AvgPool2d", ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
                           "divisor_override"],
             {"stride": None, "padding": 0, "ceil_mode": False, "count_include_pad": True,
              "divisor_override": None}, ())
_LAYER_FUNCTIONS = [
    ((torch.relu, F.relu), "relu", ("ReLU", ["inplace"], {"inplace": False}, ("inplace",))),
    ((torch.sigmoid, getattr(F, "sigmoid", torch.sigmoid)), "sigmoid", ("Sigmoid", [], {}, ())),
    ((torch.tanh, getattr(F, "tanh", torch.tanh)), "tanh", ("Tanh", [], {}, ())),
    ((F.gelu,), None, ("GELU", ["approximate"], {"approximate": "none"}, ())),
    ((F.softmax,), "softmax", ("Softmax", ["dim", "_stacklevel", "dtype"],
                               {"dim": None, "_stacklevel": 3, "dtype": None}, ("_stacklevel",))),
    ((F.dropout,), None, ("Dropout", ["p", "training", "inplace"],
                          {"p": 0.5, "training": True, "inplace": False}, ("training", "inplace"))),
    ((F.adaptive_avg_pool2d,), None, ("AdaptiveAvgPool2d", ["output_size"], {}, ())),
    ((F.max_pool2d,), None, _POOL_MAX),
    ((F.avg_pool2d,), None, _POOL_AVG),
]
_FUNCTION_LAYERS = {}
_METHOD_LAYERS = {}
for _fns, _method, _spec in _LAYER_FUNCTIONS:
    for _fn in _fns:
        try:
            _FUNCTION_LAYERS[_fn] = _spec
        except TypeError:  # unhashable
            pass
    if _method:
        _METHOD_LAYERS[_method] = _spec
_PASS_METHODS = {"contiguous"}
_SHAPE_METHODS = {"size", "dim", "numel"}
# functions whose weight and bias come from a torch.nn layer of this class (a subclass that calls the
# functional form in its own forward, e.g. torchvision's LayerNorm2d): (class, the weight's and bias's
# argument positions after the input)
_FUNCTIONAL_OF_LAYER = {F.layer_norm: (nn.LayerNorm, ["normalized_shape", "weight", "bias", "eps"])}


def _is_stochastic_depth(node):
    """torchvision.ops.stochastic_depth (traced from StochasticDepth modules too)."""
    t = node.target
    return (node.op == "call_function" and getattr(t, "__name__", "") == "stochastic_depth"
            and (getattr(t, "__module__", "") or "").startswith("torchvision."))


def _dims_arg(args, kwargs, name):
    """The dims of x.permute(0, 2, 1) / x.permute([0, 2, 1]) / torch.permute(x, (0, 2, 1))."""
    rest = list(args[1:])
    if name in kwargs:
        rest = [kwargs[name]]
    if len(rest) == 1 and isinstance(rest[0], (list, tuple)):
        rest = list(rest[0])
    return rest


class _Importer:
    def __init__(self, gm, values, shapes, values3=None, model=None):
        self.gm, self.values, self.shapes = gm, values, shapes
        # the traced model: its modules that were traced through (the graph module keeps only leaves)
        self.model = model if model is not None else gm
        # the same run with batch 3: which sizes are the batch
        self.values3 = values3 if values3 is not None else {}
        self.layers = collections.OrderedDict()
        self.connections = collections.OrderedDict()
        self.refs = {}
        self.unsupported = collections.OrderedDict()
        self.names = set()
        self.shared = {}
        self.failed = set()
        self.layer_nodes = {}  # layer id -> the fx node whose value is its output
        self.layer_parameters = {}  # layer id -> its trainable parameters in the original model
        self.attr_layers = {}  # parameter target -> its Parameter layer
        self.quiet = False  # while the node being translated has an input that failed

    def problem(self, what, node, follows=False):
        """Reports an unsupported operation.  A problem that ``follows`` from the node's inputs (no batch
        dimension, not a layer output) is not reported when one of them failed: it follows from that."""
        self.failed.add(node)
        if self.quiet and follows:
            return
        self.unsupported.setdefault(what, []).append(node.name)

    def add_layer(self, typ, arguments, name=None, node=None, parameters=0):
        lid = "l%d" % (len(self.layers) + 1)
        layer = {"type": typ, "arguments": arguments}
        if name is not None:
            layer["name"] = name
        self.layers[lid] = layer
        if node is not None:
            self.layer_nodes[lid] = node
        self.layer_parameters[lid] = int(parameters)
        return lid

    def connect(self, ref, lid, index):
        src = ref.resolve()
        kid = "k%d" % (len(self.connections) + 1)
        self.connections[kid] = {"from": {"layer": src[0], "output": src[1]},
                                 "to": {"layer": lid, "input": index}}

    # -- batch sizes ------------------------------------------------------------------------------

    def batch_dims(self, node):
        """The dimensions of the node's (first) tensor that are the batch size (2 in one run, 3 in the
        other); None when that cannot be told."""
        a, b = self.values.get(node), self.values3.get(node)
        a = _flatten_tensors(a, [])
        b = _flatten_tensors(b, [])
        if not a or not b or a[0].dim() != b[0].dim():
            return None
        return [i for i, (x, y) in enumerate(zip(a[0].shape, b[0].shape)) if x != y]

    def size_value(self, v):
        """A size argument as JSON: an int, None for the batch size, or raises _NotJSON."""
        if isinstance(v, torch.fx.Node):
            a, b = self.values.get(v), self.values3.get(v)
            if isinstance(a, int) and a == b:
                return a
            if (a, b) == (2, 3):
                return None
            raise _NotJSON()
        if isinstance(v, int) and not isinstance(v, bool):
            return v
        raise _NotJSON()

    # -- tensors ----------------------------------------------------------------------------------

    def tensor_ref(self, arg):
        """The _Ref of an argument that must be a tensor, or None."""
        if not isinstance(arg, torch.fx.Node):
            return None
        if arg.op == "get_attr" and arg not in self.refs and arg not in self.failed:
            self.parameter(arg)
        ref = self.refs.get(arg)
        if not isinstance(ref, _Ref) or ref.resolve() is None:
            return None
        return ref

    def parameter(self, node):
        """A Parameter layer for a learnable tensor of the model used as a value (a class token, a
        positional embedding, a layer scale); made when first used, so that weights handed to a function
        that becomes a layer (F.layer_norm) are not made twice."""
        target = node.target
        if target in self.attr_layers:
            self.refs[node] = _Ref(self.attr_layers[target], None)
            return
        try:
            value = self.gm.get_parameter(target)
        except AttributeError:
            self.problem("buffers (constant tensors)", node)
            return
        lid = self.add_layer("Parameter", {"shape": list(value.shape)},
                             _identifier(target, self.names), node, value.numel())
        self.attr_layers[target] = lid
        self.refs[node] = _Ref(lid, None)

    def identity(self, node, arg):
        """The node is its argument (an identity in eval mode, a one-tensor torch.cat)."""
        if isinstance(arg, torch.fx.Node) and arg in self.failed:
            self.failed.add(node)
            return
        ref = self.tensor_ref(arg)
        if ref is None:
            self.problem("%s of a value that is not a layer output" % _op_name(node), node, follows=True)
            return
        self.refs[node] = ref

    def layer_from(self, node, typ, arguments, inputs, name=None, parameters=0):
        """A layer fed by the tensor arguments `inputs`; None (and a problem) if one is not."""
        refs = [self.tensor_ref(a) for a in inputs]
        if any(a in self.failed for a in inputs if isinstance(a, torch.fx.Node)):
            self.failed.add(node)  # follows from a reported problem: not reported again
            return None
        if not inputs or any(r is None for r in refs):
            self.problem("%s with an input that is not a layer output" % _op_name(node)
                         if node.op != "call_module" else
                         "module %s called with an input that is not a layer output"
                         % node.target, node)
            return None
        lid = self.add_layer(typ, arguments, name, node, parameters)
        for i, r in enumerate(refs):
            self.connect(r, lid, i)
        self.refs[node] = _Ref(lid, self.values.get(node))
        return lid

    def run(self):
        placeholders = [n for n in self.gm.graph.nodes if n.op == "placeholder"]
        used = [n for n in placeholders if n.users]
        if not used:
            raise NNError("the model's forward uses no input")
        if len(self.shapes) != len(used):
            raise NNError("the model takes %d input%s (%s) but %d input shape%s given"
                          % (len(used), "" if len(used) == 1 else "s",
                             ", ".join(n.target for n in used), len(self.shapes),
                             " was" if len(self.shapes) == 1 else "s were"))
        shape_of = dict(zip(used, self.shapes))
        for node in self.gm.graph.nodes:
            if node.op == "placeholder":
                if node in shape_of:
                    lid = self.add_layer("Input", {"shape": list(shape_of[node])},
                                         _identifier(node.target.lstrip("*"), self.names), node)
                    self.refs[node] = _Ref(lid, self.values.get(node))
            elif node.op == "call_module":
                self.module(node)
            elif node.op in ("call_function", "call_method"):
                self.function(node)
            elif node.op == "get_attr":
                pass  # a Parameter layer once something uses it as a tensor (tensor_ref)
            elif node.op == "output":
                self.output(node)
        if self.unsupported:
            raise NNError(_refusal(self.unsupported))
        self.check_reachable()
        return {"layers": dict(self.layers), "connections": dict(self.connections)}

    def torch_shapes(self):
        """What torch computed for every layer: its output shapes (None where the size is the batch)
        and its trainable parameters in the original model."""
        layers = {}
        for lid in self.layers:
            node = self.layer_nodes.get(lid)
            outputs = []
            if node is not None and self.layers[lid]["type"] != "Output":
                ts2 = _flatten_tensors(self.values.get(node), [])
                ts3 = _flatten_tensors(self.values3.get(node), [])
                for k, t in enumerate(ts2):
                    other = ts3[k].shape if k < len(ts3) and ts3[k].dim() == t.dim() else t.shape
                    outputs.append([None if a != b else int(a) for a, b in zip(t.shape, other)])
            layers[lid] = {"outputs": outputs, "parameters": self.layer_parameters.get(lid, 0)}
        return {"layers": layers,
                "parameters": int(sum(p.numel() for p in self.gm.parameters()))}

    def check_reachable(self):
        succ = collections.defaultdict(list)
        for c in self.connections.values():
            succ[c["from"]["layer"]].append(c["to"]["layer"])
        seen = [lid for lid, l in self.layers.items() if l["type"] in ("Input", "Parameter")]
        seen_set = set(seen)
        while seen:
            for nxt in succ[seen.pop()]:
                if nxt not in seen_set:
                    seen_set.add(nxt)
                    seen.append(nxt)
        lost = [lid for lid in self.layers if lid not in seen_set]
        if lost:
            raise NNError("internal error: layers %s are not reachable from an input"
                          % ", ".join(lost))

    def module(self, node):
        target = node.target
        module = self.gm.get_submodule(target)
        try:
            sig = inspect.signature(module.forward)
            bound = sig.bind(*node.args, **node.kwargs)
        except (TypeError, ValueError) as e:
            self.problem("module %s called with arguments it does not take (%s)" % (target, e),
                         node)
            return
        inputs = []
        params = list(sig.parameters.values())
        for p in params:
            if p.name not in bound.arguments:
                continue
            v = bound.arguments[p.name]
            if p.kind == p.VAR_POSITIONAL:
                if any(not isinstance(x, torch.fx.Node) for x in v):
                    self.problem("module %s called with a constant input" % target, node)
                    return
                inputs.extend(v)
            elif isinstance(v, torch.fx.Node):
                inputs.append(v)
            elif p.name == "need_weights" or (p.default is not inspect.Parameter.empty
                                              and _same(v, p.default)) or v is None:
                continue
            else:
                self.problem("module %s called with %s=%r" % (target, p.name, v), node)
                return
        if target in self.shared:
            self.layer_from(node, "Shared", {"layer": self.shared[target]}, inputs)
            return
        try:
            typ, arguments = recover_arguments(module)
        except NNError as e:
            self.problem(str(e), node)  # names the class: grouped over the modules of one class
            return
        lid = self.layer_from(node, typ, arguments, inputs, _identifier(target, self.names),
                              sum(p.numel() for p in module.parameters()))
        if lid is not None:
            self.shared[target] = lid

    def function(self, node):
        inputs = []
        torch.fx.node.map_arg((node.args, node.kwargs), inputs.append)
        self.quiet = any(a in self.failed for a in inputs)
        try:
            self.translate(node)
        finally:
            self.quiet = False

    def translate(self, node):
        t, args, kwargs = node.target, node.args, node.kwargs
        method = node.op == "call_method"
        value = self.values.get(node)
        # shape helpers (x.size(0), x.shape, arithmetic on them): no layer; a layer that takes
        # one as a tensor input reports it
        if not _is_tensor(value) and not _flatten_tensors(value, []):
            self.refs[node] = "shape"
            return
        if ((t is operator.getitem and not method) or (method and t in _PASS_METHODS)) \
                and args and args[0] in self.failed:
            self.failed.add(node)
            return
        if t is operator.getitem and not method:
            src = args[0]
            ref = self.refs.get(src) if isinstance(src, torch.fx.Node) else None
            if isinstance(ref, _Ref) and not _is_tensor(self.values.get(src)) \
                    and isinstance(args[1], (int, str)):
                self.refs[node] = ref.item(args[1])
                return
            self.select(node, src, args[1])
            return
        if _is_stochastic_depth(node):
            b = _bind(args, kwargs, ["input", "p", "mode", "training"], {"training": True})
            if b.get("training") is not False:
                self.problem("torchvision.ops.stochastic_depth in training mode", node)
                return
            self.identity(node, b["input"])  # an identity in eval mode
            return
        if (method and t in ("add", "__add__")) or (not method and t in _ADD):
            b = _bind(args, kwargs, ["input", "other", "alpha"], {"alpha": 1})
            if b.get("alpha") != 1 or "*" in b:
                self.problem("%s with alpha" % _op_name(node), node)
                return
            if not isinstance(b.get("other"), torch.fx.Node):
                self.problem("%s of a constant" % _op_name(node), node)
                return
            self.layer_from(node, "Add", {}, [b["input"], b["other"]])
            return
        if (method and t in ("mul", "__mul__")) or (not method and t in _MUL):
            b = _bind(args, kwargs, ["input", "other"], {})
            if not isinstance(b.get("other"), torch.fx.Node) or "*" in b:
                self.problem("%s with a constant" % _op_name(node), node)
                return
            self.layer_from(node, "Multiply", {}, [b["input"], b["other"]])
            return
        if not method and t in _CAT:
            b = _bind(args, kwargs, ["tensors", "dim"], {"dim": 0})
            tensors = b.get("tensors")
            if not isinstance(tensors, (list, tuple)) or not isinstance(b["dim"], int):
                self.problem("torch.cat of a computed list", node)
                return
            if len(tensors) == 1:
                self.identity(node, tensors[0])  # torch.cat([x]) is x
                return
            self.layer_from(node, "Concatenate", {"dim": b["dim"]}, list(tensors))
            return
        if (method and t == "flatten") or (not method and t in _FLATTEN):
            b = _bind(args, kwargs, ["input", "start_dim", "end_dim"],
                      {"start_dim": 0, "end_dim": -1})
            self.layer_from(node, "Flatten", {"start_dim": b["start_dim"], "end_dim": b["end_dim"]},
                            [b["input"]])
            return
        if (method and t in ("view", "reshape")) or (not method and t is torch.reshape):
            self.reshape(node, args[0] if args else kwargs.get("input"))
            return
        if (method and t == "permute") or (not method and t is torch.permute):
            dims = _dims_arg(args, kwargs, "dims")
            if not all(isinstance(d, int) for d in dims):
                self.problem("%s with computed dims" % _op_name(node), node)
                return
            self.layer_from(node, "Permute", {"dims": dims}, [args[0]])
            return
        if (method and t == "transpose") or (not method and t is torch.transpose):
            b = _bind(args, kwargs, ["input", "dim0", "dim1"], {})
            rank = value.dim()
            dims = list(range(rank))
            try:
                d0, d1 = b["dim0"] % rank, b["dim1"] % rank
            except (KeyError, TypeError, ZeroDivisionError):
                self.problem("%s with computed dims" % _op_name(node), node)
                return
            dims[d0], dims[d1] = dims[d1], dims[d0]
            self.layer_from(node, "Permute", {"dims": dims}, [b["input"]])
            return
        if (method and t in ("chunk", "split")) or (not method and t in (torch.chunk, torch.split)):
            self.split(node, t if method else t.__name__)
            return
        if (method and t == "mean") or (not method and t is torch.mean):
            b = _bind(args, kwargs, ["input", "dim", "keepdim"], {"dim": None, "keepdim": False})
            dim = b.get("dim")
            if dim is None or "*" in b or b.get("dtype") is not None:
                self.problem("%s over every dimension" % _op_name(node) if dim is None
                             else "%s with a dtype" % _op_name(node), node)
                return
            arguments = {"dim": list(dim) if isinstance(dim, (list, tuple)) else dim}
            if b["keepdim"]:
                arguments["keepdim"] = True
            self.layer_from(node, "ReduceMean", arguments, [b["input"]])
            return
        if method and t == "expand":
            sizes = _dims_arg(args, kwargs, "size")
            try:
                shape = [self.size_value(v) for v in sizes]
            except _NotJSON:
                self.problem("Tensor.expand to a computed size", node)
                return
            self.layer_from(node, "Expand", {"shape": shape}, [args[0]])
            return
        if not method and t in _FUNCTIONAL_OF_LAYER and self.functional_layer(node):
            return
        spec = _METHOD_LAYERS.get(t) if method else _FUNCTION_LAYERS.get(t)
        if spec is not None:
            typ, names, defaults, ignored = spec
            b = _bind(args, kwargs, ["input"] + names, defaults)
            arguments = {}
            for pname in names:
                if pname in ignored or pname not in b:
                    continue
                if pname in defaults and _same(b[pname], defaults[pname]):
                    continue
                try:
                    arguments[pname] = _jsonable(b[pname])
                except _NotJSON:
                    self.problem("%s with a computed %s" % (_op_name(node), pname), node)
                    return
            if "*" in b or (typ == "Softmax" and b.get("dtype") is not None):
                self.problem("%s with arguments the layer %s does not take" % (_op_name(node), typ),
                             node)
                return
            self.layer_from(node, typ, arguments, [b["input"]])
            return
        if method and t in _PASS_METHODS:
            ref = self.tensor_ref(args[0])
            if ref is None:
                self.problem(_op_name(node), node)
                return
            self.refs[node] = ref
            return
        self.problem(_op_name(node), node)

    def reshape(self, node, src):
        """x.view / x.reshape / torch.reshape that keeps the batch in dimension 0: a Reshape."""
        out, before = self.values.get(node), self.values.get(src)
        name = "torch.reshape" if node.op == "call_function" else "Tensor.%s" % node.target
        if not (_is_tensor(out) and _is_tensor(before) and out.dim() >= 1 and before.dim() >= 1
                and out.shape[0] == before.shape[0]
                and self.batch_dims(node) in ([0], None) and self.batch_dims(src) in ([0], None)):
            self.problem("%s that changes the batch dimension" % name, node, follows=True)
            return
        self.layer_from(node, "Reshape", {"shape": list(out.shape[1:])}, [src])

    def split(self, node, what):
        """x.chunk(n, dim) / x.split(size, dim) / torch.chunk / torch.split: a Split."""
        first = "chunks" if what == "chunk" else "split_size_or_sections"
        b = _bind(node.args, node.kwargs, ["input", first, "dim"], {"dim": 0})
        if "split_size" in b:
            b[first] = b.pop("split_size")
        src, dim = b["input"], b["dim"]
        before = self.values.get(src)
        size = b.get(first)
        if not _is_tensor(before) or not isinstance(dim, int) or "*" in b or not (
                isinstance(size, int) or (isinstance(size, (list, tuple))
                                          and all(isinstance(s, int) for s in size))):
            self.problem("%s with computed sizes" % _op_name(node), node)
            return
        dim = dim % before.dim()
        if dim in (self.batch_dims(src) or [0]):
            self.problem("%s of the batch dimension" % _op_name(node), node, follows=True)
            return
        if what == "chunk":
            if not isinstance(size, int) or size < 1:
                self.problem("%s with computed sizes" % _op_name(node), node)
                return
            size = -(-before.shape[dim] // size)  # torch.chunk's pieces: as torch.split of this size
        self.layer_from(node, "Split", {"split_size_or_sections": _jsonable(size), "dim": dim}, [src])

    def select(self, node, src, index):
        """x[:, 0] / x[..., 2]: a Select of one index along one dimension."""
        before = self.values.get(src)
        items = list(index) if isinstance(index, tuple) else [index]
        full = slice(None, None, None)
        if not _is_tensor(before) or sum(isinstance(i, int) for i in items) != 1 or any(
                not (isinstance(i, int) or i == full or i is Ellipsis) for i in items) \
                or items.count(Ellipsis) > 1:
            self.problem("indexing (x[...])", node)
            return
        at = next(k for k, i in enumerate(items) if isinstance(i, int))
        if Ellipsis in items and items.index(Ellipsis) < at:
            dim = before.dim() - (len(items) - at)
        else:
            dim = at
        if dim in (self.batch_dims(src) or [0]):
            self.problem("indexing the batch dimension (x[i])", node, follows=True)
            return
        self.layer_from(node, "Select", {"dim": dim, "index": items[at]}, [src])

    def functional_layer(self, node):
        """F.layer_norm(x, shape, self.weight, self.bias, eps) in the forward of a subclass of nn.LayerNorm
        (torchvision's LayerNorm2d): that module's layer.  False when the weights are not one layer's."""
        cls, names = _FUNCTIONAL_OF_LAYER[node.target]
        b = _bind(node.args, node.kwargs, ["input"] + names, {})
        weight, bias = b.get("weight"), b.get("bias")
        if not (isinstance(weight, torch.fx.Node) and weight.op == "get_attr"
                and weight.target.endswith(".weight")):
            return False
        owner = weight.target[:-len(".weight")]
        if not (isinstance(bias, torch.fx.Node) and bias.op == "get_attr"
                and bias.target == owner + ".bias"):
            return False
        try:
            module = self.model.get_submodule(owner)
        except AttributeError:
            return False
        if not isinstance(module, cls):
            return False
        try:
            typ, arguments = recover_arguments(module, cls)
        except NNError as e:
            self.problem("module %s: %s" % (owner, e), node)
            return True
        for pname in names:
            if pname in arguments and pname in b and not _same(_jsonable_or(b[pname]), arguments[pname]):
                self.problem("%s with other arguments than module %s" % (_op_name(node), owner), node)
                return True
        self.layer_from(node, typ, arguments, [b["input"]], _identifier(owner, self.names),
                        sum(p.numel() for p in module.parameters()))
        return True

    def output(self, node):
        items = []

        def walk(v):
            if isinstance(v, torch.fx.Node):
                items.append(v)
            elif isinstance(v, (tuple, list)):
                for x in v:
                    walk(x)
            elif isinstance(v, dict):
                for x in v.values():
                    walk(x)

        walk(node.args[0])
        refs = []
        if any(item in self.failed for item in items):
            return
        for item in items:
            ref = self.tensor_ref(item)
            if ref is None:
                self.problem("a returned value that is not a tensor (%s)" % item.name, node)
                return
            refs.append(ref)
        if not refs:
            self.problem("a forward that returns no tensor", node)
            return
        width = len(str(len(refs)))
        for i, ref in enumerate(refs):
            if len(refs) == 1:
                name = "output"
            else:
                name = "output_%0*d" % (width, i + 1)
            name = _identifier(name, self.names)
            lid = self.add_layer("Output", {}, name)
            self.connect(ref, lid, 0)


def _jsonable_or(value):
    try:
        return _jsonable(value)
    except _NotJSON:
        return value
