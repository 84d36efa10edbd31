"""Every classification model of the installed torchvision through the model import (issue #19): each
imports, with the parameter count and every module's output shape equal to torch's, or is refused with a
short message that names the operations the architecture language lacks.

Models and their copies are built on PyTorch's meta device, so even vit_h_14 and regnet_y_128gf cost no
memory for weights; the whole module takes about a minute of CPU. The Java rules' agreement with the same
torch shapes, layer by layer, is nn's ZooAgreementTest."""

import os
import re
import sys

import pytest

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
from torch import nn  # noqa: E402

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

from deepforge import nnimport  # noqa: E402
from deepforge.nnimport.tracing import _MetaWeights  # noqa: E402

from archinterp import Interpreted, flat  # noqa: E402
from test_nnimport import assert_valid  # noqa: E402

import torchvision.models as tvm  # noqa: E402

if hasattr(tvm, "list_models"):
    MODELS = tvm.list_models(module=tvm)
else:  # torchvision before 0.14: the builders the package exports
    MODELS = sorted(n for n in dir(tvm) if n[0].islower() and not n.startswith("_")
                    and callable(getattr(tvm, n)) and not isinstance(getattr(tvm, n), type(tvm))
                    and n not in ("get_model", "get_weight", "list_models", "get_model_weights"))
# windowed attention (swin) and maxvit's relative attention have no nodes: refused, with what they use
REFUSED = {"swin": ["shifted_window_attention"], "maxvit": ["torch.einsum"]}
# the import traces the inference graph: without the auxiliary heads that only training uses, torch's
# count of the model's weights is the count of what the architecture holds
ARGUMENTS = {"googlenet": {"aux_logits": False, "init_weights": False},
             "inception_v3": {"aux_logits": False, "init_weights": False}}
PREFIX = "importing the model failed: "  # what the server puts before the refusal (ModelImporter)
HEAD = "the model uses operations that have no architecture node: "


def on_meta(build):
    with _MetaWeights():
        module = build()
    return module.to("meta").eval()


def leaf_outputs(model, x):
    """The first output shape of every leaf module called in forward, by module name."""
    seen = {}

    def hook(name):
        def record(module, inputs, output):
            if name not in seen:
                seen[name] = [list(t.shape) for t in flat(output, [])]
        return record

    handles = [m.register_forward_hook(hook(n)) for n, m in model.named_modules()
               if n and not list(m.children())]
    try:
        out = model(x)  # eval mode with gradients on: no inference fast paths (no meta kernels)
    finally:
        for h in handles:
            h.remove()
    return seen, [list(t.shape) for t in flat(out, [])]


@pytest.mark.parametrize("name", MODELS)
def test_torchvision_model(name):
    arguments = ARGUMENTS.get(name, {})
    answer = nnimport.answer({"source": {"torchvision": name, "arguments": arguments},
                              "input_shape": [3, 224, 224], "with_torch_shapes": True})
    if not answer["ok"]:
        message = answer["error"]
        family = next((f for f in REFUSED if name.startswith(f)), None)
        assert family is not None, "%s was refused: %s" % (name, message)
        assert len(PREFIX + message) <= 300, message
        assert message.startswith(HEAD) and len(message) > len(HEAD), message
        for op in REFUSED[family]:
            assert op in message
        return
    arch = answer["result"]
    assert_valid(arch)
    reference = arch["torch"]
    model = on_meta(lambda: getattr(tvm, name)(weights=None, **arguments))
    x = torch.empty(2, 3, 224, 224, device="meta")
    modules, model_out = leaf_outputs(model, x)
    rebuilt = on_meta(lambda: Interpreted(arch, input_key=lambda lid: int(lid[1:])))

    # the same number of weights: the model's, the import's count, the rebuilt architecture's
    count = sum(p.numel() for p in model.parameters())
    assert reference["parameters"] == count
    assert sum(p.numel() for p in rebuilt.parameters()) == count
    assert sum(l["parameters"] for l in reference["layers"].values()) == count

    got = [list(t.shape) for t in flat(rebuilt(x), [])]
    assert got == model_out
    # every layer of the architecture, rebuilt from its JSON arguments alone, gives torch's shapes
    for lid, layer in reference["layers"].items():
        if layer["outputs"]:
            want = [[2 if d is None else d for d in s] for s in layer["outputs"]]
            assert [list(t.shape) for t in rebuilt.values[lid]][:len(want)] == want, (lid, arch["layers"][lid])
    # every torch.nn module the model calls is a layer of that name with torch's output shape
    by_name = {l["name"]: lid for lid, l in arch["layers"].items() if "name" in l and l["type"] != "Shared"}
    named = dict(model.named_modules())
    compared = 0
    for module_name, shapes in modules.items():
        lid = by_name.get(re.sub(r"\W", "_", module_name))
        cls = type(named[module_name])
        if getattr(nn, cls.__name__, None) is not cls:
            continue  # torchvision's own (Permute, StochasticDepth, LayerNorm2d): traced into nodes
        assert lid is not None, "module %s (%s) has no layer" % (module_name, cls.__name__)
        assert [list(t.shape) for t in rebuilt.values[lid]][:len(shapes)] == shapes, module_name
        compared += 1
    assert compared > 0
