import numpy as np


class ScoreModel:
    """Score a trained classifier on the held-out digits.

    Inputs:
        model: the trained network (from Train).
        testing_data: ``{"images", "labels"}`` from GetData.

    Outputs:
        metrics: ``{"accuracy": share of digits classified correctly,
            "loss": mean cross-entropy loss}``; also printed.
    """

    def execute(self, model, testing_data):
        import torch

        images = torch.as_tensor(np.asarray(testing_data["images"]), dtype=torch.float32)
        labels = torch.as_tensor(np.asarray(testing_data["labels"]), dtype=torch.int64)
        model.eval()
        with torch.no_grad():
            logits = model(images)
            loss = torch.nn.functional.cross_entropy(logits, labels).item()
            accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
        metrics = {"accuracy": accuracy, "loss": loss}
        print(f"accuracy {accuracy:.3f} on {len(labels)} test images, loss {loss:.4f}")
        return metrics
