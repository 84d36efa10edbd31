"""Tests of deepforge.seeding: per-job seeds, seeding random/numpy/torch (torch also when it is imported
after seeding), deterministic algorithms, and runtime.run seeding a job from job.json.

Each check runs in a fresh /usr/bin/python3 (Debian's torch 1.13), as a job does.
"""
import functools
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PYTHON_DIR))

from deepforge import seeding  # noqa: E402

PYTHON = os.environ.get("DEEPFORGE_TEST_PYTHON") or (
    "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable)


def _run(code, cwd=None):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",) and not k.startswith("DEEPFORGE_")}
    env["PYTHONPATH"] = str(PYTHON_DIR)
    out = subprocess.run([PYTHON, "-c", textwrap.dedent(code)], cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


@functools.lru_cache(maxsize=None)
def _has_torch():
    return subprocess.run([PYTHON, "-c", "import torch"], capture_output=True).returncode == 0


def test_a_job_seed_is_the_first_four_bytes_of_sha256_of_the_execution_seed_and_the_node():
    expected = int.from_bytes(hashlib.sha256(b"42:n1").digest()[:4], "big")
    assert seeding.job_seed(42, "n1") == expected
    # the value the Java side (RunSpec.jobSeed) computes for the same seed and node
    assert seeding.job_seed(42, "n1") == 93642387
    assert seeding.job_seed(42, "n1") != seeding.job_seed(42, "n2") != seeding.job_seed(43, "n2")


def test_a_seed_outside_32_bits_is_refused_with_the_range():
    with pytest.raises(ValueError, match="0 to 4294967295"):
        seeding.seed(-1)


def test_seeding_fixes_python_and_numpy_random_numbers_across_processes():
    code = """
        from deepforge import seeding
        seeding.seed(7)
        import random, numpy
        print(random.random(), numpy.random.rand(3).tolist())
    """
    first, second = _run(code), _run(code)
    assert first == second
    assert first != _run(code.replace("seed(7)", "seed(8)"))


@pytest.mark.skipif(not _has_torch(), reason="torch is not installed for the job interpreter")
def test_torch_imported_after_seeding_is_seeded_and_deterministic():
    code = """
        from deepforge import seeding
        seeding.seed(11)
        import torch
        print(torch.rand(4).tolist(), torch.are_deterministic_algorithms_enabled())
    """
    first = _run(code)
    assert first == _run(code)
    reference = _run("""
        import torch
        torch.manual_seed(11)
        print(torch.rand(4).tolist(), True)
    """)
    assert first == reference
    assert first.strip().endswith("True")


@pytest.mark.skipif(not _has_torch(), reason="torch is not installed for the job interpreter")
def test_a_job_run_by_the_runtime_is_seeded_from_job_json_and_says_so_in_results(tmp_path):
    (tmp_path / "job.json").write_text(json.dumps({"seed": 1234, "executionSeed": 5}))
    (tmp_path / "main.py").write_text(textwrap.dedent("""
        from deepforge import runtime

        def main():
            import torch
            runtime.save_outputs({"x": torch.rand(3)})

        if __name__ == "__main__":
            runtime.run(main)
    """))
    hashes = []
    for _ in range(2):
        _run("import runpy, sys; sys.argv = ['main.py']; runpy.run_path('main.py', run_name='__main__')", cwd=tmp_path)
        results = json.loads((tmp_path / "results.json").read_text())
        assert results["status"] == "success", results
        assert results["seed"] == 1234
        assert results["nondeterministic"] == []
        hashes.append(results["outputs"]["x"]["sha256"])
    assert hashes[0] == hashes[1]


@pytest.mark.skipif(not _has_torch(), reason="torch is not installed for the job interpreter")
def test_what_torch_cannot_do_deterministically_is_recorded_in_results(tmp_path):
    (tmp_path / "job.json").write_text(json.dumps({"seed": 3}))
    (tmp_path / "main.py").write_text(textwrap.dedent("""
        from deepforge import runtime

        def main():
            import torch
            t = torch.zeros(5)
            t.put_(torch.tensor([0, 0]), torch.tensor([1.0, 2.0]), accumulate=False)  # no deterministic kernel
            runtime.save_outputs({"t": t})

        if __name__ == "__main__":
            runtime.run(main)
    """))
    _run("import runpy, sys; sys.argv = ['main.py']; runpy.run_path('main.py', run_name='__main__')", cwd=tmp_path)
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["status"] == "success", results
    assert any("put_ does not have a deterministic implementation" in n for n in results["nondeterministic"])
