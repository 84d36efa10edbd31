import os
from typing import Annotated

import numpy as np

from deepforge import Range


class LoadArray:
    """Load a numeric array from a .npy, .npz or .csv file.

    Attributes:
        path: the file to read (``~`` is expanded; a relative path is relative to the
            job's working directory).
        key: for ``.npz`` archives, the name of the array to read. May be left empty
            when the archive holds exactly one array.
        delimiter: the column separator of a ``.csv`` file.
        skip_header: how many lines to skip at the top of a ``.csv`` file (e.g. 1 for
            a line of column names).

    Outputs:
        data: the loaded ``numpy.ndarray``. A CSV file gives a float array (missing
            cells become NaN); a single row or column gives a 1-D array.
    """

    def __init__(self, path: str, key: str = "", delimiter: str = ",",
                 skip_header: Annotated[int, Range(min=0)] = 0):
        self.path = path
        self.key = key
        self.delimiter = delimiter
        self.skip_header = skip_header

    def execute(self):
        path = os.path.expanduser(str(self.path))
        if not os.path.isfile(path):
            raise FileNotFoundError(f"LoadArray: no such file: {path!r}")

        extension = os.path.splitext(path)[1].lower()
        if extension == ".npy":
            data = np.load(path, allow_pickle=False)
        elif extension == ".npz":
            data = self._load_npz(path)
        elif extension == ".csv":
            if self.skip_header < 0:
                raise ValueError(f"LoadArray: skip_header must be 0 or more, "
                                 f"not {self.skip_header}")
            data = np.genfromtxt(path, delimiter=self.delimiter or None,
                                 skip_header=self.skip_header, dtype=float)
        else:
            raise ValueError(f"LoadArray: cannot read {extension or 'extension-less'!s} files "
                             f"({path!r}); use a .npy, .npz or .csv file")
        return data

    def _load_npz(self, path):
        with np.load(path, allow_pickle=False) as archive:
            names = list(archive.files)
            if self.key:
                if self.key not in names:
                    raise ValueError(f"LoadArray: {path!r} has no array named {self.key!r}; "
                                     f"it holds: {', '.join(names) or 'nothing'}")
                return archive[self.key]
            if len(names) != 1:
                raise ValueError(f"LoadArray: {path!r} holds {len(names)} arrays "
                                 f"({', '.join(names)}); set `key` to choose one")
            return archive[names[0]]
