"""testlib 1 → 2: Normalize's attribute "scale" is now "factor" (in the operation's code and in every pipeline node)."""
import json
import sys

model = json.load(sys.stdin)
patch = []
for pid, pipeline in sorted(model.get("pipelines", {}).items()):
    for nid, node in sorted(pipeline.get("nodes", {}).items()):
        if node.get("operation") == "Normalize" and "scale" in node.get("attributes", {}):
            base = "/pipelines/%s/nodes/%s/attributes/" % (pid, nid)
            patch.append({"op": "move", "from": base + "scale", "path": base + "factor"})
operation = model.get("operations", {}).get("Normalize")
if operation is not None and operation.get("library") == "testlib":
    patch.append({"op": "replace", "path": "/operations/Normalize/code", "value": operation["code"].replace("scale", "factor")})
json.dump(patch, sys.stdout)
