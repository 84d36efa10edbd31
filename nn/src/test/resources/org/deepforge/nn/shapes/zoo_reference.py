"""Every classification model of the installed torchvision through DeepForge's model import, with the
shapes torch computed at every layer: {"model": {"architecture": ..., "torch": ...} or {"error": ...}} as
JSON on stdout (ZooAgreementTest). Run with PYTHONPATH pointing at the repository's python/ directory."""
import json
import sys
import warnings

import torchvision.models as tvm

from deepforge import nnimport

# the import traces the inference graph: without the auxiliary heads torch's count is the architecture's
ARGUMENTS = {"googlenet": {"aux_logits": False, "init_weights": False},
             "inception_v3": {"aux_logits": False, "init_weights": False}}


def main():
    warnings.simplefilter("ignore")
    names = tvm.list_models(module=tvm) if hasattr(tvm, "list_models") else sys.argv[1:]
    report = {}
    for name in names:
        answer = nnimport.answer({"source": {"torchvision": name, "arguments": ARGUMENTS.get(name, {})},
                                  "input_shape": [3, 224, 224], "with_torch_shapes": True})
        if answer["ok"]:
            arch = answer["result"]
            report[name] = {"torch": arch.pop("torch"), "architecture": arch}
        else:
            report[name] = {"error": answer["error"]}
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
