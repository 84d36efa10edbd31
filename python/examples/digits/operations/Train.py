from typing import Annotated

import numpy as np

from deepforge import Architecture, Range, log_metric, progress


class Train:
    """Train a classifier on the digit images with Adam and cross-entropy loss.

    References:
        model: the network to train (the project's ``convnet``); it gets 1×8×8 images and
            gives one score (logit) per digit.

    Attributes:
        batch_size: images per gradient step.
        epochs: passes over the training data.
        learning_rate: Adam's step size.
        seed: seeds the shuffling of the batches, so a run can be repeated exactly.

    Inputs:
        training_data: ``{"images", "labels"}`` from GetData.

    Outputs:
        model: the trained network (in eval mode, on the CPU).

    Plot: "Training loss", the mean loss of each epoch, redrawn after every epoch.
    Progress: reported after every batch.
    """

    def __init__(self, model: Architecture, batch_size: Annotated[int, Range(min=1)] = 64,
                 epochs: Annotated[int, Range(1, 1000)] = 10, learning_rate: float = 0.001,
                 seed: int = 0):
        self.model = model
        self.batch_size = batch_size
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.seed = seed

    def execute(self, training_data):
        import matplotlib.pyplot as plt
        import torch

        torch.manual_seed(self.seed)
        images = torch.as_tensor(np.asarray(training_data["images"]), dtype=torch.float32)
        labels = torch.as_tensor(np.asarray(training_data["labels"]), dtype=torch.int64)
        model = self.model
        optimizer = torch.optim.Adam(model.parameters(), lr=self.learning_rate)
        loss_function = torch.nn.CrossEntropyLoss()

        figure, axes = plt.subplots()
        axes.set_title("Training loss")
        axes.set_xlabel("epoch")
        axes.set_ylabel("cross-entropy loss")
        line, = axes.plot([], [], marker="o")

        losses = []
        batches = -(-len(labels) // self.batch_size)
        for epoch in range(1, self.epochs + 1):
            model.train()
            total = 0.0
            order = torch.randperm(len(labels))
            for number, start in enumerate(range(0, len(labels), self.batch_size), 1):
                batch = order[start:start + self.batch_size]
                optimizer.zero_grad()
                loss = loss_function(model(images[batch]), labels[batch])
                loss.backward()
                optimizer.step()
                total += loss.item() * len(batch)
                # a bar with rate and ETA in DeepForge: batches done of all epochs' batches
                progress((epoch - 1) * batches + number, self.epochs * batches, f"epoch {epoch}/{self.epochs}")
            losses.append(total / len(labels))
            print(f"epoch {epoch}: loss {losses[-1]:.4f}")
            log_metric("loss", losses[-1], step=epoch)

            line.set_data(range(1, epoch + 1), losses)
            axes.relim()
            axes.autoscale_view()
            plt.pause(0.001)  # redraws the figure; DeepForge shows it live

        model.eval()
        return model
