import glob
import os

import numpy as np

FITS_EXTENSIONS = (".fits", ".fit", ".fts", ".fits.gz", ".fit.gz", ".fts.gz", ".fz")


class LoadFITS:
    """Load images from FITS files (astronomy's image format) into one array.

    Attributes:
        path: a FITS file, a directory (every ``.fits``/``.fit``/``.fts`` file in it,
            optionally gzipped, or ``.fz``), or a glob pattern such as ``data/*.fits``.
            Files are read in sorted order of their paths.
        hdu: which HDU (header/data unit) of each file holds the image: 0 is the primary
            HDU; use 1 for files whose image lives in the first extension (e.g.
            tile-compressed ``.fz`` files).

    Outputs:
        images: a ``float32`` array stacking one image per file: N×H×W for 2-D images,
            N×C×H×W for data cubes (the dimensions are kept as stored, in numpy order).
            BSCALE/BZERO scaling is applied. All images must have the same shape.
        headers: one ``dict`` per file, in the same order, mapping header keywords to
            values; repeated COMMENT/HISTORY cards become lists of strings and keywords
            without a value map to ``None``.
    """

    def __init__(self, path: str, hdu: int = 0):
        self.path = path
        self.hdu = hdu

    def execute(self):
        from astropy.io import fits

        files = self._files()
        images, headers = [], []
        for file in files:
            with fits.open(file, memmap=False) as hdul:
                if not -len(hdul) <= self.hdu < len(hdul):
                    raise ValueError(f"LoadFITS: {file!r} has {len(hdul)} HDU(s); "
                                     f"hdu={self.hdu} does not exist")
                unit = hdul[self.hdu]
                if not unit.is_image:
                    raise ValueError(f"LoadFITS: HDU {self.hdu} of {file!r} is a "
                                     f"{type(unit).__name__}, not an image")
                if unit.data is None:
                    hint = " (try hdu=1)" if self.hdu == 0 and len(hdul) > 1 else ""
                    raise ValueError(f"LoadFITS: HDU {self.hdu} of {file!r} holds no data{hint}")
                images.append(np.asarray(unit.data, dtype=np.float32))
                headers.append(_header_dict(unit.header))

        shapes = {image.shape for image in images}
        if len(shapes) > 1:
            listed = ", ".join(f"{os.path.basename(f)}: {i.shape}" for f, i in zip(files, images))
            raise ValueError(f"LoadFITS: the images have different shapes and cannot be "
                             f"stacked ({listed})")
        images = np.stack(images)
        return images, headers

    def _files(self):
        path = os.path.expanduser(str(self.path))
        if os.path.isdir(path):
            files = [os.path.join(path, name) for name in os.listdir(path)
                     if name.lower().endswith(FITS_EXTENSIONS)
                     and os.path.isfile(os.path.join(path, name))]
            where = f"in directory {path!r}"
        elif glob.has_magic(path):
            files = [f for f in glob.glob(path) if os.path.isfile(f)]
            where = f"matching {path!r}"
        elif os.path.isfile(path):
            files = [path]
            where = ""
        else:
            raise FileNotFoundError(f"LoadFITS: no such file or directory: {path!r}")
        if not files:
            raise FileNotFoundError(f"LoadFITS: no FITS files {where}")
        return sorted(files)


def _header_dict(header):
    """A FITS header as a plain dict (keyword -> value)."""
    from astropy.io.fits.card import Undefined

    result = {}
    for card in header.cards:
        keyword, value = card.keyword, card.value
        if not keyword:
            continue
        if keyword in ("COMMENT", "HISTORY"):
            result.setdefault(keyword, []).append(str(value))
        else:
            result[keyword] = None if isinstance(value, Undefined) else value
    return result
