"""The session's network trainer (deepforge.session.trainer), run without a kernel: the data variable comes from
a namespace given to it and its outputs go to a list."""

import importlib
import importlib.util
import sys
import textwrap
import uuid
from pathlib import Path

import numpy as np
import pytest
import torch

PYTHON_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PYTHON_DIR))

from deepforge.session import trainer  # noqa: E402

ARCHITECTURES = textwrap.dedent("""
    import torch
    from torch import nn


    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(2, 2)

        def forward(self, x):
            return self.linear(x)


    class Regressor(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(2, 1)

        def forward(self, x):
            return self.linear(x)


    class Interrupted(Classifier):
        '''Stops (as the Stop button's interrupt does) in its fifth forward pass.'''

        def __init__(self):
            super().__init__()
            self.calls = 0

        def forward(self, x):
            self.calls += 1
            if self.calls == 5:
                raise KeyboardInterrupt()
            return super().forward(x)
""")


@pytest.fixture
def architectures(tmp_path, monkeypatch):
    """Architecture ids -> {"name", "module", "class"} as session.json has them, the module importable."""
    module = "arch_%s" % uuid.uuid4().hex
    (tmp_path / (module + ".py")).write_text(ARCHITECTURES, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return {name: {"name": name, "module": module, "class": cls}
            for name, cls in (("classifier", "Classifier"), ("regressor", "Regressor"), ("stops", "Interrupted"))}


def blobs(count=200, seed=1):
    """Two separable clouds of points, labels 0 and 1 (int64)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, count)
    features = rng.normal(0, 0.5, (count, 2)) + np.where(labels[:, None] == 1, 2.0, -2.0)
    return features, labels


def config(**changes):
    base = {"training": "t1", "data": "xy", "architecture": "classifier",
            "loss": {"name": "CrossEntropyLoss", "arguments": {}},
            "optimizer": {"name": "Adam", "arguments": {"lr": 0.05}},
            "batchSize": 16, "epochs": 2, "validationSplit": 0.2, "device": "cpu", "seed": 0}
    base.update(changes)
    return base


def run(cfg, data, architectures):
    shown = []
    training = trainer.train(cfg, namespace={"xy": data}, display=shown.append, architectures=architectures)
    return training, shown


def states(shown):
    return [d[trainer.TRAINING]["state"] for d in shown if trainer.TRAINING in d]


def metrics(shown, name):
    return [d[trainer.METRIC] for d in shown if trainer.METRIC in d and d[trainer.METRIC]["name"] == name]


def test_a_classifier_learns_a_separable_problem_and_reports_loss_accuracy_and_validation(architectures):
    training, shown = run(config(), blobs(), architectures)
    assert training.state == "finished" and training.epochs == 2
    assert states(shown) == ["running", "running", "finished"]
    loss = [m["value"] for m in metrics(shown, "loss")]
    assert loss[-1] < loss[0] / 2
    assert metrics(shown, "accuracy")[-1]["value"] > 0.95
    assert len(metrics(shown, "val_loss")) == 2 and metrics(shown, "val_accuracy")[-1]["value"] > 0.95
    last = metrics(shown, "loss")[-1]
    assert last == {"training": "t1", "epoch": 2, "step": 20, "name": "loss", "value": last["value"]}
    assert [p["value"] for p in training.history["loss"]] == loss
    model = trainer.model_of("t1")
    assert trainer.trainings["t1"] is training and model is training.model
    assert not model.training and next(model.parameters()).device.type == "cpu"
    assert all("text/plain" in d for d in shown)


def test_the_same_seed_gives_the_same_weights_and_another_seed_others(architectures):
    first, _ = run(config(), blobs(), architectures)
    again, _ = run(config(training="t2"), blobs(), architectures)
    other, _ = run(config(training="t3", seed=7), blobs(), architectures)
    assert torch.equal(first.model.linear.weight, again.model.linear.weight)
    assert not torch.equal(first.model.linear.weight, other.model.linear.weight)


def test_regression_gets_float_labels_from_whole_numbers_and_classification_int64_from_floats(architectures):
    features, labels = blobs()
    # MSELoss refuses int64 targets and (N,) targets against (N, 1) outputs: the trainer makes them float (N, 1)
    training, shown = run(config(architecture="regressor", loss={"name": "MSELoss"}, validationSplit=0.0),
                          {"x": features, "y": labels}, architectures)
    assert training.state == "finished"
    assert metrics(shown, "accuracy") == [] and metrics(shown, "val_loss") == []
    loss = [m["value"] for m in metrics(shown, "loss")]
    assert loss[-1] < loss[0]
    # CrossEntropyLoss refuses float class indices: whole-number floats become int64
    training, _ = run(config(training="t4"), {"features": features.astype(np.float32),
                                              "labels": labels.astype(np.float64)}, architectures)
    assert training.state == "finished"
    with pytest.raises(ValueError, match="needs class indices"):
        run(config(training="t5"), (features, labels + 0.5), architectures)


def test_a_torch_dataset_trains_too(architectures):
    features, labels = blobs()
    dataset = torch.utils.data.TensorDataset(torch.tensor(features, dtype=torch.float64), torch.tensor(labels))
    training, shown = run(config(validationSplit=0.1), dataset, architectures)
    assert training.state == "finished" and metrics(shown, "val_accuracy")


def test_an_interrupt_stops_the_training_and_keeps_the_model(architectures):
    training, shown = run(config(architecture="stops", training="s1"), blobs(), architectures)
    assert training.state == "stopped"
    assert states(shown) == ["running", "stopped"]
    assert trainer.model_of("s1") is training.model and training.model.calls == 5
    assert not training.model.training


def test_a_bad_configuration_fails_with_a_message_shown_and_raised(architectures):
    cases = [
        (config(loss={"name": "SquaredLoss"}), ValueError, "torch.nn has no loss 'SquaredLoss'"),
        (config(optimizer={"name": "Optimizer", "arguments": {}}), ValueError, "torch.optim has no optimizer"),
        (config(optimizer={"name": "Adam", "arguments": {"learning_rate": 1}}), TypeError, "learning_rate"),
        (config(data="nope"), NameError, "no variable 'nope'"),
        (config(architecture="a9"), ValueError, "no architecture 'a9'"),
        (config(batchSize=0), ValueError, "'batchSize' must be a whole number"),
        (config(validationSplit=1), ValueError, "'validationSplit'"),
        (config(device="tpu"), ValueError, "'device'"),
    ]
    if not torch.cuda.is_available():
        cases.append((config(device="cuda"), RuntimeError, "no usable CUDA GPU"))
    for cfg, kind, message in cases:
        shown = []
        with pytest.raises(kind, match=message):
            trainer.train(cfg, namespace={"xy": blobs()}, display=shown.append, architectures=architectures)
        failed = shown[-1][trainer.TRAINING]
        assert failed["state"] == "failed" and failed["error"].startswith(kind.__name__ + ": "), failed
    with pytest.raises(ValueError, match="has 200 samples but 3 labels"):
        run(config(), (blobs()[0], [0, 1, 0]), architectures)
    with pytest.raises(ValueError, match="a dict without x and y"):
        run(config(), {"a": 1}, architectures)
    with pytest.raises(ValueError, match="names no 'training'"):
        trainer.train({"data": "xy"}, namespace={}, display=print)


def test_a_training_that_failed_before_its_model_existed_has_nothing_to_save(architectures):
    with pytest.raises(NameError):
        run(config(training="f1", data="missing"), None, architectures)
    with pytest.raises(ValueError, match="failed before it built a model"):
        trainer.model_of("f1")
    with pytest.raises(ValueError, match="there is no training 'zz'"):
        trainer.model_of("zz")


def test_outside_a_kernel_the_namespace_must_be_given(architectures):
    import IPython

    assert IPython.get_ipython() is None
    with pytest.raises(RuntimeError, match="pass namespace="):
        trainer.train(config(), display=lambda data: None, architectures=architectures)


def test_in_a_shell_it_reads_the_users_namespace_and_publishes_raw_outputs(architectures, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    published = []
    monkeypatch.setattr(shell.display_pub, "publish", lambda data, *args, **kwargs: published.append(data))
    shell.user_ns["xy"] = blobs()
    try:
        training = trainer.train(config(training="k1", epochs=1), architectures=architectures)
    finally:
        InteractiveShell.clear_instance()  # later tests run outside a kernel again
    assert training.state == "finished"
    assert published[0][trainer.TRAINING]["state"] == "running"
    assert published[-1][trainer.TRAINING] == {"training": "k1", "state": "finished", "epochs": 1, "total": 1}


def test_the_train_operation_open_as_pipeline_makes_gives_the_sessions_weights(architectures, monkeypatch, tmp_path):
    """exec's TrainNetwork template (what "Open as pipeline" makes of a training) trains as the session did."""
    monkeypatch.delenv("DEEPFORGE_EVENTS", raising=False)
    monkeypatch.chdir(tmp_path)  # not a job directory (no job.json) and no $DEEPFORGE_EVENTS: no events are written
    template = (PYTHON_DIR.parent / "exec" / "src" / "main" / "resources" / "org" / "deepforge"
                / "exec" / "reify" / "TrainNetwork.py")
    spec = importlib.util.spec_from_file_location("train_network_%s" % uuid.uuid4().hex, template)
    operation = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(operation)
    module = importlib.import_module(architectures["classifier"]["module"])

    cfg = config(training="same", optimizer={"name": "SGD", "arguments": {"lr": 0.1, "momentum": 0.9}},
                 loss={"name": "CrossEntropyLoss", "arguments": {"weight": [1.0, 2.0]}}, epochs=2, seed=11)
    session, _ = run(cfg, blobs(), architectures)
    made = operation.TrainNetwork(module.Classifier(), loss="CrossEntropyLoss", loss_arguments={"weight": [1.0, 2.0]},
                                  optimizer="SGD", optimizer_arguments={"lr": 0.1, "momentum": 0.9}, batch_size=16,
                                  epochs=2, validation_split=0.2, device="cpu", seed=11).execute(blobs())
    assert not made.training
    for theirs, ours in zip(made.state_dict().values(), session.model.state_dict().values()):
        assert torch.equal(theirs, ours)
