import numpy as np


class PlotEmbeddings3D:
    """Draw a 3-D scatter plot of embedded samples, coloured by a value per sample.

    Attributes:
        title: the title of the figure.

    Inputs:
        embedding: an N×3 array (e.g. the output of ReduceDimensions with components=3).
        values: optional, one value per point that sets its colour: numbers use the
            viridis colour map; other values (class names, strings) get one colour each,
            named on the colour bar. Without values all points have one colour and there
            is no colour bar.

    Draws one matplotlib figure (drag it to rotate in an interactive window) and shows it
    (``plt.show()``); no outputs.
    """

    def __init__(self, title: str = "Embedding"):
        self.title = title

    def execute(self, embedding, values=None):
        import matplotlib.pyplot as plt
        from matplotlib.colors import ListedColormap
        from mpl_toolkits.mplot3d import Axes3D  # noqa: F401 (registers "3d" on old matplotlib)

        points = _to_numpy(embedding).astype(np.float64)
        if points.ndim != 2 or points.shape[1] != 3:
            raise ValueError(f"PlotEmbeddings3D: the embedding must be N×3, not "
                             f"{'×'.join(map(str, points.shape))} (use ReduceDimensions "
                             f"with components=3)")

        figure = plt.figure()
        axes = figure.add_subplot(projection="3d")
        x, y, z = points[:, 0], points[:, 1], points[:, 2]
        if values is None:
            axes.scatter(x, y, z, s=12)
        else:
            values = _to_numpy(values)
            if values.size != len(points):
                plt.close(figure)
                raise ValueError(f"PlotEmbeddings3D: {len(points)} points but {values.size} values")
            values = values.ravel()
            if np.issubdtype(values.dtype, np.number) or values.dtype == bool:
                cloud = axes.scatter(x, y, z, c=values.astype(np.float64), cmap="viridis", s=12)
                figure.colorbar(cloud, ax=axes, shrink=0.7, pad=0.1).set_label("value")
            else:
                names, codes = np.unique(values.astype(str), return_inverse=True)
                if len(names) <= 20:  # one distinct colour per category
                    palette = plt.get_cmap("tab10" if len(names) <= 10 else "tab20")
                    colour_map = ListedColormap(palette.colors[:len(names)])
                else:
                    colour_map = plt.get_cmap("viridis", len(names))
                cloud = axes.scatter(x, y, z, c=codes, cmap=colour_map, s=12,
                                     vmin=-0.5, vmax=len(names) - 0.5)
                bar = figure.colorbar(cloud, ax=axes, shrink=0.7, pad=0.1,
                                      ticks=np.arange(len(names)))
                bar.ax.set_yticklabels(names)
        axes.set_xlabel("component 1")
        axes.set_ylabel("component 2")
        axes.set_zlabel("component 3")
        axes.set_title(self.title)
        plt.show()


def _to_numpy(values):
    if hasattr(values, "detach"):  # a torch tensor
        values = values.detach().cpu().numpy()
    return np.asarray(values)
