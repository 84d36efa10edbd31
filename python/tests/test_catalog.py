"""Tests of the layer catalog generator (python/tools/generate_layer_catalog.py) and of the committed
catalog nn/src/main/resources/org/deepforge/nn/layers.json."""

import json
import os
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO_ROOT, "python", "tools", "generate_layer_catalog.py")
COMMITTED = os.path.join(REPO_ROOT, "nn", "src", "main", "resources", "org", "deepforge", "nn", "layers.json")
TYPES = {"int", "float", "bool", "str", "tuple", "list", "dict", "callable", "module", "dtype", "device",
         "any", "int_or_tuple"}


def generate(path, *extra):
    subprocess.run([sys.executable, SCRIPT, "--out", str(path)] + list(extra), check=True,
                   capture_output=True, text=True, timeout=300)
    with open(path, "rb") as handle:
        return handle.read()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("catalog") / "layers.json", "--no-date")


@pytest.fixture(scope="module")
def catalog(generated):
    return json.loads(generated.decode("utf-8"))


@pytest.fixture(scope="module")
def layers(catalog):
    return {layer["name"]: layer for layer in catalog["layers"]}


def arguments(layer):
    return {argument["name"]: argument for argument in layer["arguments"]}


def test_valid_json_with_header(generated, catalog):
    assert generated.endswith(b"\n")
    import torch
    assert catalog["torch"] == torch.__version__
    assert catalog["python"]
    assert "generated" not in catalog  # --no-date
    names = [layer["name"] for layer in catalog["layers"]]
    assert names == sorted(names)
    assert len(names) == len(set(names))
    assert len(names) > 100


def test_date_by_default(tmp_path):
    data = json.loads(generate(tmp_path / "dated.json").decode("utf-8"))
    assert len(data["generated"]) == 10 and data["generated"][4] == "-"


def test_expected_layers_present(layers):
    for name in ("Conv2d", "LSTM", "Linear", "BatchNorm2d", "MaxPool2d", "AdaptiveAvgPool2d", "Embedding",
                 "MultiheadAttention", "TransformerEncoderLayer", "Upsample", "PixelShuffle", "Flatten",
                 "Dropout", "ReLU", "GRU", "RNN", "ConvTranspose2d", "LayerNorm", "Identity"):
        assert name in layers, name
        assert layers[name]["module"] == "torch.nn." + name


def test_excluded_classes(layers):
    for name in ("Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict", "Container",
                 "LazyLinear", "LazyConv2d", "Module", "_ConvNd", "RNNBase", "RNNCellBase", "_NormBase",
                 "_BatchNorm", "_Loss"):
        assert name not in layers, name
    for name in layers:
        assert not name.startswith("_") and not name.startswith("Lazy") and not name.endswith("Base")


def test_conv2d(layers):
    conv = layers["Conv2d"]
    assert conv["category"] == "Convolution"
    args = arguments(conv)
    for name in ("in_channels", "out_channels", "kernel_size"):
        assert args[name]["required"] is True
        assert "default" not in args[name]
    assert args["in_channels"]["type"] == "int"
    assert args["kernel_size"]["type"] == "int_or_tuple"
    assert args["stride"]["required"] is False and args["stride"]["default"] == 1
    assert args["padding"]["default"] == 0 and args["padding"]["required"] is False
    assert args["bias"]["default"] is True and args["bias"]["type"] == "bool"
    assert "device" not in args and "dtype" not in args
    assert args["out_channels"]["doc"]
    assert (conv["inputs"], conv["max_inputs"], conv["outputs"], conv["inputNames"]) == (1, 1, 1, ["input"])
    assert conv["doc"].startswith("Applies a 2D convolution")


def test_lstm_arguments_from_docstring(layers):
    lstm = layers["LSTM"]
    assert lstm["category"] == "Recurrent"
    args = arguments(lstm)
    assert list(args)[:2] == ["input_size", "hidden_size"]
    assert args["input_size"]["required"] and args["hidden_size"]["required"]
    assert args["input_size"]["type"] == "int"
    assert args["num_layers"]["default"] == 1 and args["num_layers"]["type"] == "int"
    assert args["batch_first"]["default"] is False and args["batch_first"]["type"] == "bool"
    assert args["bidirectional"]["default"] is False
    assert args["bias"]["default"] is True
    assert args["dropout"]["default"] == 0.0 and args["dropout"]["type"] == "float"
    assert args["proj_size"]["default"] == 0
    assert lstm["outputs"] == 2 and lstm["inputs"] == 1
    rnn = arguments(layers["RNN"])
    assert rnn["nonlinearity"]["default"] == "tanh" and rnn["nonlinearity"]["type"] == "str"
    assert "proj_size" not in arguments(layers["GRU"])
    assert layers["GRU"]["outputs"] == 2 and layers["RNN"]["outputs"] == 2
    for name in ("RNNCell", "LSTMCell", "GRUCell"):
        cell = arguments(layers[name])
        assert cell["input_size"]["required"] and cell["hidden_size"]["required"], name


def test_other_layers(layers):
    assert arguments(layers["Linear"])["out_features"]["required"]
    assert layers["Linear"]["category"] == "Linear"
    assert arguments(layers["BatchNorm2d"])["num_features"]["required"]
    assert layers["BatchNorm2d"]["category"] == "Normalization"
    maxpool = arguments(layers["MaxPool2d"])
    assert maxpool["kernel_size"]["required"] and maxpool["kernel_size"]["type"] == "int_or_tuple"
    assert maxpool["stride"]["default"] is None
    assert layers["MaxPool2d"]["category"] == "Pooling"
    assert arguments(layers["AdaptiveAvgPool2d"])["output_size"]["required"]
    assert layers["Embedding"]["category"] == "Sparse"
    assert set(arguments(layers["Embedding"])) >= {"num_embeddings", "embedding_dim", "padding_idx"}
    assert "_weight" not in arguments(layers["Embedding"])
    assert arguments(layers["Upsample"])["mode"]["default"] == "nearest"
    assert layers["Upsample"]["category"] == "Vision"
    assert arguments(layers["PixelShuffle"])["upscale_factor"]["required"]
    assert layers["PixelShuffle"]["category"] == "Vision"
    flatten = arguments(layers["Flatten"])
    assert flatten["start_dim"]["default"] == 1 and flatten["end_dim"]["default"] == -1
    assert layers["Flatten"]["category"] == "Shape"
    assert arguments(layers["Dropout"])["p"]["default"] == 0.5
    assert layers["Dropout"]["category"] == "Dropout"
    assert layers["CrossEntropyLoss"]["category"] == "Loss" and layers["CrossEntropyLoss"]["inputs"] == 2
    assert layers["ZeroPad2d"]["category"] == "Padding"
    assert layers["CosineSimilarity"]["category"] == "Distance"


def test_relu_has_only_inplace(layers):
    relu = layers["ReLU"]
    assert relu["category"] == "Activation"
    assert relu["arguments"] == [{"name": "inplace", "required": False, "default": False, "type": "bool",
                                  "doc": relu["arguments"][0]["doc"]}]
    assert layers["Sigmoid"]["arguments"] == []
    assert layers["Identity"]["arguments"] == []


def test_transformer_layers(layers):
    mha = layers["MultiheadAttention"]
    assert mha["inputNames"][:3] == ["query", "key", "value"]
    assert mha["inputs"] == 3
    args = arguments(mha)
    assert args["embed_dim"]["required"] and args["num_heads"]["required"]
    assert args["batch_first"]["default"] is False
    encoder_layer = layers["TransformerEncoderLayer"]
    assert encoder_layer["category"] == "Transformer"
    args = arguments(encoder_layer)
    assert args["d_model"]["required"] and args["nhead"]["required"]
    assert args["dim_feedforward"]["default"] == 2048
    assert args["activation"]["default"] == "relu"  # a function default is given by its name
    assert encoder_layer["inputs"] == 1 and encoder_layer["inputNames"][0] == "src"


def test_every_layer_is_complete(catalog):
    categories = {"Convolution", "Pooling", "Padding", "Activation", "Normalization", "Recurrent",
                  "Transformer", "Linear", "Dropout", "Sparse", "Distance", "Loss", "Vision", "Shape", "Other"}
    for layer in catalog["layers"]:
        assert layer["category"] in categories, layer["name"]
        assert isinstance(layer["doc"], str) and isinstance(layer["docstring"], str)
        assert len(layer["docstring"]) <= 4000
        assert isinstance(layer["inputs"], int) and layer["inputs"] <= layer["max_inputs"]
        assert len(layer["inputNames"]) == layer["max_inputs"]
        assert layer["outputs"] >= 1
        for argument in layer["arguments"]:
            assert argument["type"] in TYPES, (layer["name"], argument)
            assert argument["name"] not in ("device", "dtype")
            assert ("default" in argument) != argument["required"], (layer["name"], argument)


def test_language_nodes(catalog):
    nodes = {node["name"]: node for node in catalog["language"]}
    assert list(nodes) == ["Input", "Output", "Concatenate", "Add", "Multiply", "Mean", "Reshape", "Split",
                           "Shared", "Permute", "ReduceMean", "Expand", "Select", "Parameter"]
    assert nodes["Parameter"]["inputs"] == 0 and arguments(nodes["Parameter"])["shape"]["required"]
    assert arguments(nodes["ReduceMean"])["keepdim"]["default"] is False
    assert arguments(nodes["Expand"])["shape"]["required"] and arguments(nodes["Permute"])["dims"]["required"]
    assert arguments(nodes["Input"])["shape"]["required"]
    assert arguments(nodes["Concatenate"])["dim"]["default"] == 1
    assert arguments(nodes["Reshape"])["shape"]["required"]
    split = arguments(nodes["Split"])
    assert split["split_size_or_sections"]["required"] and "dim" in split
    assert arguments(nodes["Shared"])["layer"]["required"]
    assert nodes["Output"]["outputs"] == 0 and nodes["Input"]["inputs"] == 0
    assert nodes["Add"]["max_inputs"] is None
    for node in nodes.values():
        for argument in node["arguments"]:
            assert argument["type"] in TYPES


def test_deterministic(generated, tmp_path):
    assert generate(tmp_path / "again.json", "--no-date") == generated


def test_committed_catalog_is_fresh(generated):
    assert os.path.exists(COMMITTED), "run python/tools/generate_layer_catalog.py --no-date"
    with open(COMMITTED, "rb") as handle:
        committed = handle.read()
    assert committed == generated, (
        "nn/src/main/resources/org/deepforge/nn/layers.json is stale: regenerate it with "
        "/usr/bin/python3 python/tools/generate_layer_catalog.py --no-date")
