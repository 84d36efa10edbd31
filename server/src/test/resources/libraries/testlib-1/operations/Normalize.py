class Normalize:
    """Multiplies the data by a scale."""

    def __init__(self, scale=1.0):
        self.scale = scale

    def execute(self, data):
        normalized = data * self.scale
        return normalized
