import glob
import os

import numpy as np

BANDS = ("u", "g", "r", "i", "z")


class Preprocess:
    """Turn the five band images of each galaxy into one normalised 5×64×64 datacube.

    As in the paper (Section 9, step 3): every galaxy's u, g, r, i and z images are cut to
    64×64 pixels around the image centre (where the survey put the galaxy) and stacked into
    a datacube. The cubes are stored channels-first (5×64×64), the layout PyTorch's
    convolutions expect.

    Normalisation keeps what carries the redshift: the sky level (the median of each
    image's border) is subtracted, pixel values are compressed with arcsinh (so bright
    centres do not drown faint outskirts) and each band is then standardised with the mean
    and standard deviation of that band over the whole data set — not per image, which
    would erase brightness and colour.

    Attributes:
        crop: the side of the cut in pixels (the network expects 64).
        softening: the arcsinh softening scale, in the images' flux units.

    Inputs:
        images: a directory of FITS files named ``<galaxy>_<band>.fits`` (as written by
            SyntheticSkySurvey), or a list of such file paths.
        redshifts: the redshift of each galaxy, in the sorted order of the galaxy names.

    Outputs:
        cubes: an N×5×crop×crop float32 array.
        redshifts: the redshifts, passed through as float32 so they travel with the cubes.
    """

    def __init__(self, crop: int = 64, softening: float = 10.0):
        self.crop = crop
        self.softening = softening

    def execute(self, images, redshifts):
        from astropy.io import fits

        if isinstance(images, (str, os.PathLike)):
            files = sorted(glob.glob(os.path.join(os.fspath(images), "*.fits")))
        else:
            files = sorted(os.fspath(f) for f in images)
        galaxies = {}
        for path in files:
            stem = os.path.basename(path).rsplit(".", 1)[0]
            galaxy, band = stem.rsplit("_", 1)
            galaxies.setdefault(galaxy, {})[band] = path
        names = sorted(galaxies)
        redshifts = np.asarray(redshifts, dtype=np.float32)
        if len(names) != len(redshifts):
            raise ValueError(f"Preprocess: {len(names)} galaxies but {len(redshifts)} redshifts")

        cubes = np.empty((len(names), len(BANDS), self.crop, self.crop), dtype=np.float32)
        for index, name in enumerate(names):
            missing = [band for band in BANDS if band not in galaxies[name]]
            if missing:
                raise ValueError(f"Preprocess: galaxy {name} has no image in band(s) "
                                 f"{', '.join(missing)}")
            for channel, band in enumerate(BANDS):
                with fits.open(galaxies[name][band], memmap=False) as hdul:
                    image = np.asarray(hdul[0].data, dtype=np.float64)
                cubes[index, channel] = self._cut(image, name)

        cubes = np.arcsinh(cubes / self.softening)
        mean = cubes.mean(axis=(0, 2, 3), keepdims=True)
        std = cubes.std(axis=(0, 2, 3), keepdims=True) + 1e-6
        cubes = ((cubes - mean) / std).astype(np.float32)
        print(f"Preprocess: {len(names)} datacubes of shape {cubes.shape[1:]}")
        return cubes, redshifts

    def _cut(self, image, name):
        """The crop×crop pixels around the centre, minus the sky level."""
        height, width = image.shape
        if height < self.crop or width < self.crop:
            raise ValueError(f"Preprocess: galaxy {name}'s image is {height}×{width}, "
                             f"smaller than the {self.crop}×{self.crop} cut")
        border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
        top, left = (height - self.crop) // 2, (width - self.crop) // 2
        return image[top:top + self.crop, left:left + self.crop] - np.median(border)
