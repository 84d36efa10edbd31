"""End to end with the Python client against a real server ($DEEPFORGE_SERVER, local mode): the digits
example trained with its console followed live, metrics read back as numbers, the model downloaded with
its sha256 verified, a file uploaded and read back. Run by PythonClientE2ETest; exits non-zero on any failure."""
import hashlib
import os
import sys
import tempfile
import zipfile

from deepforge_client import Client, Conflict, ExecutionFailed

client = Client()
project = client.create_example("digits")
pipeline = project.pipeline("Train and score")  # by name
print("project", project.id, "pipeline", pipeline.id)

# two epochs instead of ten: a change set against the commit we read
view = project.model()
epochs = "/pipelines/%s/nodes/n2/attributes/epochs" % pipeline.id
view.change([{"op": "replace", "path": epochs, "value": 2}], message="two epochs for the test")
try:  # the same field again from the now stale view
    view.change([{"op": "replace", "path": epochs, "value": 3}])
    sys.exit("a stale change set was accepted")
except Conflict as e:
    print("conflict:", e.message)
assert project.model().model["pipelines"][pipeline.id]["nodes"]["n2"]["attributes"]["epochs"] == 2

execution = project.run(pipeline)
status = execution.wait(follow=True, timeout=900)
print("status", status)
assert status == "success", status
assert execution.id in [e.id for e in project.executions()]

metrics = execution.metrics("Train")
loss = metrics["loss"]
assert loss.steps == [1, 2], loss.steps
assert len(loss.values) == 2 and all(isinstance(v, float) for v in loss.values), loss.values
assert all(isinstance(t, float) and t > 0 for t in loss.times), loss.times
print("loss values", loss.values)
arrays = execution.metrics("Train", as_numpy=True)
assert str(arrays["loss"].values.dtype) == "float64"
last = execution.metrics("Train", points=2, first=2, last=2)["loss"]  # a step range, downsampled
assert last.steps == [2] and last.values == loss.values[1:], last

work = tempfile.mkdtemp(prefix="client-e2e-")
model = project.artifact("myModel")
stored = project.model().model["artifacts"][model.id]["storage"]["sha256"]
done = model.download(work, format="original", progress=lambda n, total: None)
assert done.verified and done.sha256 == stored, (done, stored)
with open(done.path, "rb") as f:
    assert hashlib.sha256(f.read()).hexdigest() == stored
print("downloaded", os.path.basename(str(done.path)), done.size, "bytes, sha256", done.sha256, "verified")
portable = model.download(os.path.join(work, "portable.pt"))  # converted for plain PyTorch, hashed as sent
assert portable.verified and portable.size > 0 and portable.sha256 != stored, portable

source = os.path.join(work, "notes.bin")
data = os.urandom(1_000_000)
with open(source, "wb") as f:
    f.write(data)
seen = []
uploaded = project.upload_artifact(source, "notes", progress=lambda n, total: seen.append(n))
assert seen[-1] == len(data) and uploaded.sha256 == hashlib.sha256(data).hexdigest()
back = project.artifact(uploaded.id).download(os.path.join(work, "back.bin"))
assert back.verified
with open(back.path, "rb") as f:
    assert f.read() == data
print("uploaded", uploaded.name, uploaded.size, "bytes")

again = execution.rerun()  # exactly the recorded commit: the jobs come from the cache
assert again.wait() == "success"
print("rerun", again.id, again.status)

archive = project.export_pipeline(pipeline, os.path.join(work, "pipeline.zip"))
assert "main.py" in zipfile.ZipFile(str(archive)).namelist()
# a failing run: wait() raises with the failed job and its message, after printing its traceback
project.model().change([{"op": "replace", "path": "/pipelines/%s/nodes/n1/attributes/test_fraction" % pipeline.id, "value": 1.5}])
failing = project.run(pipeline)
try:
    failing.wait(follow=True, timeout=900)
    sys.exit("a failing run did not raise")
except ExecutionFailed as e:
    assert e.job == "n1" and e.execution.status == "failed", (e.job, e.execution.status)
    print("failed as expected:", e.message)
assert failing.wait(check=False) == "failed"
# deleting it: a dry run first, then for real; the model the first run made stays in main
preview = client.delete_execution(failing.id, dry_run=True)
assert preview["dryRun"] and preview["deleted"] == [failing.id], preview
gone = project.delete_executions(ids=[failing.id])
assert gone["deleted"] == [failing.id] and gone["freed"]["folderBytes"] > 0, gone
assert any(a.name == "myModel" for a in project.artifacts())
print("deleted failed execution, freed", gone["freed"]["bytes"], "bytes")
print("E2E OK")
