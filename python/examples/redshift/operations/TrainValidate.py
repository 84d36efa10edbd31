from typing import Annotated

import numpy as np

from deepforge import Architecture, Range, log_metric, progress


class TrainValidate:
    """Train the redshift network as a classifier over redshift bins and validate it.

    As in the paper (Section 9.3): the redshift range [0, max_z] is divided into ``bins``
    equal bins, the network is trained with cross-entropy loss to predict the bin of each
    galaxy, and the redshift it predicts is the expectation of its output distribution,
    Σ p(bin) · (bin centre).

    A share of the galaxies (``validation_fraction``) is held out. After every epoch the
    training and validation losses are printed, logged as metrics and drawn in one figure,
    "Loss", which is updated in place (``plt.pause``) so DeepForge shows it live (Fig. 12).
    Progress is reported after every batch, so DeepForge shows a bar with rate and ETA.

    Paper setting: epochs=10 on count=10000 galaxies. The defaults are small, so the
    example runs in a few minutes on two CPU cores.

    References:
        model: the network (the project's ``inception`` architecture, Section 9.1): it gets
            5×64×64 datacubes and gives one logit per redshift bin; its last layer must be
            a ``Linear`` with ``bins`` outputs.

    Attributes:
        epochs: passes over the training galaxies.
        batch_size: galaxies per gradient step.
        bins: the number of redshift classes.
        max_z: the top of the redshift range; larger redshifts fall in the last bin.
        learning_rate: Adam's step size.
        validation_fraction: the share of galaxies held out for validation.
        seed: seeds the split, the batch order and dropout, so runs repeat.

    Inputs:
        cubes: N×5×64×64 datacubes (from Preprocess).
        redshifts: the N true redshifts.

    Outputs:
        model: the trained network (eval mode, CPU).
        predictions: N_val×bins array, the softmax distribution of each validation galaxy.
        truth: the N_val true redshifts of the validation galaxies.
        features: N_val×K array, what the network learned: the input of its last
            ``Linear`` layer (the penultimate layer's activations), for ReduceDimensions.
        metrics: ``{"mae": mean |expected z − true z| on the validation galaxies,
            "baseline_mae": the same when always predicting the training galaxies' mean
            redshift, "train_loss", "validation_loss": of the last epoch}``.
    """

    def __init__(self, model: Architecture, epochs: Annotated[int, Range(1, 1000)] = 3,
                 batch_size: Annotated[int, Range(min=1)] = 32,
                 bins: Annotated[int, Range(min=2)] = 32, max_z: float = 0.4,
                 learning_rate: float = 0.001, validation_fraction: float = 0.2,
                 seed: int = 0):
        self.model = model
        self.epochs = epochs
        self.batch_size = batch_size
        self.bins = bins
        self.max_z = max_z
        self.learning_rate = learning_rate
        self.validation_fraction = validation_fraction
        self.seed = seed

    def execute(self, cubes, redshifts):
        import matplotlib.pyplot as plt
        import torch

        torch.manual_seed(self.seed)
        data = torch.as_tensor(np.asarray(cubes, dtype=np.float32))
        z = np.asarray(redshifts, dtype=np.float32)
        classes = torch.as_tensor(
            np.clip((z / self.max_z * self.bins).astype(np.int64), 0, self.bins - 1))
        centres = (np.arange(self.bins, dtype=np.float32) + 0.5) * self.max_z / self.bins

        order = np.random.default_rng(self.seed).permutation(len(z))
        val_count = max(1, int(round(len(z) * self.validation_fraction)))
        val, train = order[:val_count], order[val_count:]
        print(f"TrainValidate: {len(train)} training and {len(val)} validation galaxies, "
              f"{self.bins} redshift bins of width {self.max_z / self.bins:.4f}")

        model = self.model
        optimizer = torch.optim.Adam(model.parameters(), lr=self.learning_rate)
        loss_function = torch.nn.CrossEntropyLoss()

        figure, axes = plt.subplots()
        axes.set_title("Loss")
        axes.set_xlabel("epoch")
        axes.set_ylabel("cross-entropy loss")
        train_line, = axes.plot([], [], marker="o", label="training")
        val_line, = axes.plot([], [], marker="o", label="validation")
        axes.legend()

        train_losses, val_losses = [], []
        train_index = torch.as_tensor(train)
        batches = -(-len(train) // self.batch_size)
        for epoch in range(1, self.epochs + 1):
            model.train()
            total = 0.0
            shuffled = train_index[torch.randperm(len(train_index))]
            for number, start in enumerate(range(0, len(shuffled), self.batch_size), 1):
                batch = shuffled[start:start + self.batch_size]
                optimizer.zero_grad()
                loss = loss_function(model(data[batch]), classes[batch])
                loss.backward()
                optimizer.step()
                total += loss.item() * len(batch)
                # a bar with rate and ETA in DeepForge: batches done of all epochs' batches
                progress((epoch - 1) * batches + number, self.epochs * batches, f"epoch {epoch}/{self.epochs}")
            train_losses.append(total / len(train))
            logits, features = self._evaluate(model, data[torch.as_tensor(val)])
            val_losses.append(loss_function(logits, classes[torch.as_tensor(val)]).item())
            print(f"epoch {epoch}: training loss {train_losses[-1]:.4f}, "
                  f"validation loss {val_losses[-1]:.4f}")
            log_metric("train_loss", train_losses[-1], step=epoch)
            log_metric("validation_loss", val_losses[-1], step=epoch)

            epochs = list(range(1, epoch + 1))
            train_line.set_data(epochs, train_losses)
            val_line.set_data(epochs, val_losses)
            axes.relim()
            axes.autoscale_view()
            plt.pause(0.001)  # redraws the figure; DeepForge updates it live

        predictions = torch.softmax(logits, dim=1).numpy()
        features = features.numpy()
        truth = z[val]
        expected = predictions @ centres
        metrics = {"mae": float(np.abs(expected - truth).mean()),
                   "baseline_mae": float(np.abs(z[train].mean() - truth).mean()),
                   "train_loss": train_losses[-1], "validation_loss": val_losses[-1]}
        print(f"validation MAE {metrics['mae']:.4f} "
              f"(predicting the mean redshift: {metrics['baseline_mae']:.4f})")
        return model, predictions, truth, features, metrics

    def _evaluate(self, model, data):
        """Logits and penultimate-layer features of ``data``, in batches."""
        import torch

        last_linear = [m for m in model.modules() if isinstance(m, torch.nn.Linear)][-1]
        captured = []
        hook = last_linear.register_forward_hook(
            lambda module, inputs, output: captured.append(inputs[0].detach()))
        model.eval()
        logits = []
        try:
            with torch.no_grad():
                for start in range(0, len(data), 256):
                    logits.append(model(data[start:start + 256]))
        finally:
            hook.remove()
        return torch.cat(logits), torch.cat(captured)
