"""The refusal of a model whose operations have no architecture node: the operations, grouped and
counted, within a message budget."""

import operator
import re

import torch
import torch.nn.functional as F




# the most characters of the list of unsupported operations in a refusal (the server adds its own
# 28-character prefix and the whole message stays under 300)
_MESSAGE_BUDGET = 270


def _op_name(node):
    if node.op == "call_method":
        return "Tensor.%s" % node.target
    if node.op == "get_attr":
        return "parameter %s" % node.target
    target = node.target
    mod = getattr(target, "__module__", None) or ""
    name = getattr(target, "__name__", str(target))
    if target in (operator.getitem,):
        return "indexing (x[...])"
    if mod in ("_operator", "operator"):
        return "operator.%s" % name
    if mod.startswith("torch.nn.functional") or getattr(F, name, None) is target:
        return "F.%s" % name
    if mod == "torch" or mod.startswith("torch._") or getattr(torch, name, None) is target:
        return "torch.%s" % name
    return "%s.%s" % (mod, name) if mod else name


def _refusal(unsupported):
    """The refusal for the grouped unsupported operations, in order of first use, with their counts;
    at most _MESSAGE_BUDGET characters (what does not fit is counted, not listed)."""
    head = "the model uses operations that have no architecture node: "
    parts = ["%s ×%d" % (what, len(nodes)) if len(nodes) > 1 else what
             for what, nodes in unsupported.items()]
    if len(head + ", ".join(parts)) > _MESSAGE_BUDGET:
        # torchvision.models.swin_transformer.shifted_window_attention → swin_transformer.shifted_window_attention
        parts = [re.sub(r"\b(?:[a-z_]\w*\.)+(?=[a-z_]\w*\.\w+)", "", p) if p.startswith("torchvision.") else p
                 for p in parts]
    for shown in range(len(parts), 0, -1):
        rest = len(parts) - shown
        text = head + ", ".join(parts[:shown]) + (" and %d more" % rest if rest else "")
        if len(text) <= _MESSAGE_BUDGET:
            return text
    return (head + parts[0])[:_MESSAGE_BUDGET - 1] + "…"
