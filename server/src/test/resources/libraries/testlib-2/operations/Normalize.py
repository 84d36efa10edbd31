class Normalize:
    """Multiplies the data by a factor."""

    def __init__(self, factor=1.0):
        self.factor = factor

    def execute(self, data):
        normalized = data * self.factor
        return normalized
