"""Tests of ``python -m deepforge.preview`` (python/deepforge/preview/), run as the server runs it: a real
subprocess with one JSON request on stdin and one answer line on stdout (the sandbox around it is the
server's and is tested there: ArtifactPreviewsTest)."""
import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PYTHON_DIR))

from deepforge import preview  # noqa: E402


def ask(request, memory=None):
    command = ["/usr/bin/python3", "-m", "deepforge.preview"]
    if memory:
        command += ["--memory", str(memory)]
    env = {"PATH": os.environ.get("PATH", "/usr/bin"), "PYTHONPATH": str(PYTHON_DIR), "MPLBACKEND": "Agg"}
    p = subprocess.run(command, input=json.dumps(request).encode(), capture_output=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr.decode()
    lines = p.stdout.decode().strip().splitlines()
    assert len(lines) == 1, p.stdout
    return json.loads(lines[0])


def result(request):
    answer = ask(request)
    assert answer["ok"], answer
    return answer["result"]


def test_array_statistics_skip_nans_and_count_them(tmp_path):
    a = np.array([[1.0, np.nan], [3.0, -2.0]])
    np.save(tmp_path / "a.npy", a)
    r = result({"op": "summary", "type": "numpy.ndarray", "data": str(tmp_path / "a.npy")})
    assert r["shape"] == [2, 2] and r["dtype"] == "float64"
    assert r["stats"] == {"min": -2.0, "max": 3.0, "mean": pytest.approx(2.0 / 3), "exact": True, "nan": 1}
    assert r["image"].startswith("data:image/png;base64,")


def test_image_like_arrays_get_an_image_channels_last_or_first(tmp_path):
    for name, shape in (("hwc", (20, 30, 3)), ("chw", (3, 20, 30)), ("gray", (20, 30))):
        np.save(tmp_path / (name + ".npy"), np.random.default_rng(0).integers(0, 255, shape).astype(np.uint8))
        r = result({"op": "summary", "type": "numpy.ndarray", "data": str(tmp_path / (name + ".npy"))})
        assert r["image"].startswith("data:image/png;base64,"), name
        import base64
        import io
        from matplotlib import image as mpimg

        png = mpimg.imread(io.BytesIO(base64.b64decode(r["image"].split(",", 1)[1])), format="png")
        assert png.shape[:2] == (20, 30), name
    np.save(tmp_path / "stack.npy", np.zeros((5, 2, 30)))
    assert "image" not in result({"op": "summary", "type": "numpy.ndarray", "data": str(tmp_path / "stack.npy")})


def test_a_one_dimensional_array_lists_its_first_values_and_a_scalar_its_value(tmp_path):
    np.save(tmp_path / "v.npy", np.arange(500, dtype=np.int16))
    r = result({"op": "summary", "type": "numpy.ndarray", "data": str(tmp_path / "v.npy")})
    assert r["values"][:3] == [0, 1, 2] and len(r["values"]) == 200
    assert "image" not in r
    np.save(tmp_path / "s.npy", np.float32(2.5))
    assert result({"op": "summary", "type": "numpy.ndarray", "data": str(tmp_path / "s.npy")})["value"] == 2.5


def test_a_slice_is_downsampled_to_at_most_256_per_side_and_checks_its_index(tmp_path):
    a = np.lib.format.open_memmap(tmp_path / "big.npy", mode="w+", dtype=np.float32, shape=(3, 1000, 300))
    a[:] = np.arange(1000 * 300, dtype=np.float32).reshape(1000, 300)
    a[2] += 1
    a.flush()
    path = str(tmp_path / "big.npy")
    r = result({"op": "slice", "type": "numpy.ndarray", "data": path, "index": [2]})
    assert r["shape"] == [1000, 300] and r["step"] == [4, 2]
    assert len(r["rows"]) == 250 and len(r["rows"][0]) == 150
    assert r["rows"][1][1] == 4 * 300 + 2 + 1
    assert r["min"] == 1.0
    wrong = ask({"op": "slice", "type": "numpy.ndarray", "data": path, "index": [3]})
    assert not wrong["ok"] and "outside 0..2" in wrong["error"]
    wrong = ask({"op": "slice", "type": "numpy.ndarray", "data": path, "index": []})
    assert not wrong["ok"] and "give 1 index(es)" in wrong["error"]


def test_statistics_of_a_huge_array_are_estimated_and_say_so(monkeypatch):
    monkeypatch.setattr(preview.arrays, "EXACT_STATS", 1 << 22)
    a = np.arange(3 << 22, dtype=np.float64)
    s = preview.arrays._stats(a)
    assert s["exact"] is False
    assert s["min"] == 0.0


def test_tables_for_dicts_lists_of_numbers_and_lists_of_records(tmp_path):
    cases = {
        "d": ({"loss": 0.5, "weights": np.zeros((2, 3))}, [["loss", 0.5], ["weights", "ndarray [2, 3] float64"]]),
        "l": ([1, 2.5, None], [[0, 1], [1, 2.5], [2, None]]),
        "r": ([{"a": 1, "b": "x"}, {"a": 2}], [[1, "x"], [2, None]]),
    }
    for name, (obj, rows) in cases.items():
        with open(tmp_path / name, "wb") as f:
            pickle.dump(obj, f)
        r = result({"op": "summary", "type": "pickle", "data": str(tmp_path / name)})
        assert r["kind"] == "table" and r["rows"] == rows, r


def test_files_are_recognised_by_their_first_bytes(tmp_path):
    from astropy.io import fits
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    plt.imsave(tmp_path / "p.png", np.eye(8))
    hdu = fits.PrimaryHDU(np.zeros((3, 4), dtype=np.int16))
    hdu.header["TELESCOP"] = "HST"
    fits.HDUList([hdu, fits.ImageHDU(np.ones(5), name="SCI")]).writeto(tmp_path / "f.fits")
    (tmp_path / "t.json").write_text('{"a": [1, 2]}')
    (tmp_path / "b.bin").write_bytes(bytes(range(256)))
    np.save(tmp_path / "n.npy", np.ones(4))

    def summary(name):
        return result({"op": "summary", "type": "file", "data": str(tmp_path / name)})

    assert summary("p.png")["image"].startswith("data:image/png;base64,")
    f = summary("f.fits")
    assert [h["name"] for h in f["hdus"]] == ["PRIMARY", "SCI"]
    assert f["hdus"][0]["shape"] == [3, 4] and f["hdus"][1]["shape"] == [5]
    assert ["TELESCOP", "HST", ""] in f["hdus"][0]["cards"]
    t = summary("t.json")
    assert t["kind"] == "text" and t["json"] is True
    assert summary("b.bin")["kind"] == "binary"
    assert summary("n.npy")["shape"] == [4]


def test_a_pickle_that_raises_or_exits_answers_an_error_and_prints_stay_off_the_answer(tmp_path):
    (tmp_path / "make.py").write_text(textwrap.dedent("""
        import pickle, sys
        class Loud:
            def __reduce__(self):
                return (print, ("{\\"ok\\": true, \\"result\\": \\"forged\\"}",))
        class Raises:
            def __reduce__(self):
                return (int, ("not a number",))
        pickle.dump(Loud(), open(sys.argv[1] + "/loud.pkl", "wb"))
        pickle.dump(Raises(), open(sys.argv[1] + "/raises.pkl", "wb"))
    """))
    subprocess.run(["/usr/bin/python3", str(tmp_path / "make.py"), str(tmp_path)], check=True)
    loud = result({"op": "summary", "type": "pickle", "data": str(tmp_path / "loud.pkl")})
    assert loud == {"kind": "object", "type": "builtins.NoneType", "text": "None"}
    raises = ask({"op": "summary", "type": "pickle", "data": str(tmp_path / "raises.pkl")})
    assert not raises["ok"] and "ValueError" in raises["error"]


def test_a_model_of_a_generated_module_becomes_a_portable_checkpoint(tmp_path):
    import torch

    modules = tmp_path / "modules"
    (modules / "architectures").mkdir(parents=True)
    (modules / "architectures" / "__init__.py").write_text("")
    (modules / "architectures" / "a1.py").write_text(textwrap.dedent("""
        import torch
        from torch import nn


        class Tiny(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(3, 2)
                self.bn = nn.BatchNorm1d(2)

            def forward(self, x):
                return self.bn(self.fc(x))
    """))
    subprocess.run(["/usr/bin/python3", "-c", "import sys, torch; sys.path.insert(0, %r); from architectures.a1 import Tiny; "
                    "torch.manual_seed(0); torch.save(Tiny(), %r)" % (str(modules), str(tmp_path / "model.pt"))], check=True)
    request = {"type": "torch.nn.Module", "data": str(tmp_path / "model.pt"), "modules": str(modules)}
    summary = result(dict(request, op="summary"))
    assert summary["class"] == "Tiny" and summary["parameters"] == 3 * 2 + 2 + 2 + 2
    assert [(m["name"], m["type"], m.get("out")) for m in summary["modules"]] == [
        ("(model)", "Tiny", None), ("fc", "Linear", 2), ("bn", "BatchNorm1d", 2)]
    out = tmp_path / "out"
    out.mkdir()
    made = result(dict(request, op="portable", out=str(out)))
    assert made["format"] == "deepforge-model/1"
    ck = torch.load(out / "model.pt", weights_only=True)  # torch 2.6's default: strings, dicts and tensors only
    assert set(ck) == {"format", "class", "code", "state_dict"}
    assert all(isinstance(v, torch.Tensor) for v in ck["state_dict"].values())
    ns = {}
    exec(ck["code"], ns)
    model = ns[ck["class"]]()
    model.load_state_dict(ck["state_dict"])
    assert torch.equal(model.fc.weight, ck["state_dict"]["fc.weight"])

    # without the modules folder the class is not a generated architecture: a clear refusal
    (tmp_path / "elsewhere").mkdir()
    refused = ask(dict(request, op="portable", out=str(out), modules=str(tmp_path / "elsewhere")))
    assert not refused["ok"]
