"""PyTorch helpers of the analysis process (docs/architectures.md, docs/operations.md).

Two requests, dispatched from ``deepforge.analysis`` (which imports this module lazily, so that the
analysis process starts without torch):

* ``layer_shapes``: the output shapes and parameter count of one ``torch.nn`` layer for given
  input shapes, computed by running the layer on the ``meta`` device (no memory for weights or
  activations).  The fallback for layers the Java side has no shape rule for.
* ``import_model``: an architecture JSON (docs/architectures.md) from a torchvision model or from
  the user's own code, by tracing it with ``torch.fx.symbolic_trace``.

Errors are raised as :class:`NNError` with a message meant for the user.

The package, by concern: ``common`` (errors, JSON values, torch.nn classes and their parameters),
``shapes`` (layer_shapes), ``arguments`` (constructor arguments recovered from a module: the parameter
mapping), ``tracing`` (loading and tracing a model, recording node values), ``translate`` (per-op
translation of the traced graph into layers and connections), ``refusals`` (the message for what has
no architecture node), ``protocol`` (import_model, the requests, ``main``; ``__main__`` runs it).

Decisions where the brief leaves room:

* ``layer_shapes``: every ``null`` in an input shape is a batch size; the layer runs twice (batch 2
  and batch 3) and every output dimension that differs between the two runs is reported as
  ``null``.  JSON lists in ``arguments`` are passed as tuples.  Inferable arguments that are missing
  (``in_channels``, ``num_features`` from dimension 1; ``in_features``, ``input_size``,
  ``embed_dim``, ``d_model``, ``normalized_shape`` from the last dimension) are filled in from
  input 0 and listed in an extra ``inferred`` field.  An input given as ``null`` (not a list) is
  passed as ``None``.  ``Embedding``/``EmbeddingBag`` get integer inputs; an optional ``dtypes``
  list (``"float"``, ``"long"``, ``"bool"``, ...) overrides the input dtypes.  The layer runs in
  training mode (no inference fast paths, which lack meta kernels).  ``Lazy*`` layers are not cached.
* ``import_model``: ``input_shape`` may also be a list of shapes, one per forward parameter.  The
  traced graph is run once on meta tensors (batch 2; on the CPU if a meta kernel is missing) so
  that the output structure of every node is known: this resolves ``getitem`` on tuple outputs
  (``out, (h, c) = self.lstm(x)`` → outputs 0, 1, 2), and ``view``/``reshape`` shapes are taken
  from the actual result (so ``x.view(x.size(0), -1)`` works; the batch dimension must be kept).
  ``x.size()``/``x.shape`` arithmetic that only feeds ``view``/``reshape`` is dropped.
  Constructor arguments are recovered from module attributes, and every recovered layer is rebuilt
  from them and its parameter/buffer shapes compared with the original; a mismatch, or an argument
  that cannot be written as JSON, is reported as unsupported.  Arguments equal to their default
  are omitted, except for the listed common layers, whose main arguments are always written.
  ``torch.flatten`` defaults to ``start_dim=0`` (unlike ``nn.Flatten``) and ``torch.cat`` to
  ``dim=0``, so ``start_dim``/``end_dim``/``dim`` are always written.  Output layers are named
  ``output`` (one) or ``output_1``, ``output_2``, ... (zero-padded beyond 9).  Shared layers get no
  name.  Constant keyword arguments of a module call are accepted only when they equal the forward
  default or are ``need_weights`` (which does not change output 0).  The model is traced in eval
  mode (the inference graph: e.g. GoogLeNet's auxiliary heads are left out).  Besides the required
  mappings, ``torch.sigmoid``/``tanh``, ``F.gelu``, ``F.softmax``, ``F.dropout``, ``F.max_pool2d``
  and ``F.avg_pool2d`` become the matching torch.nn layers, and ``x.contiguous()`` is dropped.
  Unsupported operations are listed once; what only follows from them is not listed again.
  During tracing ``torch.fx.Proxy.__iter__`` is temporarily replaced by a version that finds the
  unpacking instruction by byte offset (torch 1.13's own fails on Python 3.11).
"""

from .common import NNError
from .shapes import layer_shapes
from .arguments import recover_arguments
from .protocol import answer, handle, import_model, main

__all__ = ["NNError", "layer_shapes", "recover_arguments", "answer", "handle", "import_model", "main"]
