import os
from typing import Annotated

import numpy as np

from deepforge import Range
from deepforge.serialization import File

BANDS = ("u", "g", "r", "i", "z")
# Effective wavelengths of the SDSS filters (nm); used to place the galaxy's 400 nm break.
WAVELENGTHS = np.array([355.0, 469.0, 617.0, 748.0, 893.0])


class SyntheticSkySurvey:
    """Make a small synthetic galaxy survey: five-band FITS images with known redshifts.

    This stands in for the paper's CasJobsQuery and DownloadFits operations (Section 9.2),
    which query SDSS for galaxies with 0 ≤ z ≤ 0.4 and download their images in the u, g,
    r, i and z bands. It runs anywhere, needs no account or network, and is seeded, so
    every run makes the same sky.

    Each galaxy gets a redshift z drawn uniformly from [0, 0.4]. The redshift drives what
    a network can learn from the pixels, as in real data:

    * colour — the galaxy's spectrum has a break (a step up in flux) at 400 nm in its rest
      frame, observed at 400·(1 + z) nm, so it moves from between u and g towards r as z
      grows and the g/u and r/g flux ratios change;
    * size — more distant galaxies look smaller;
    * brightness — and fainter.

    Each galaxy also has its own colour, size and brightness scatter, a random shape and
    orientation, a slightly off-centre position, sky background and Gaussian noise, so the
    task is not trivial. Images are stored as one FITS file per galaxy and band,
    ``galaxy_00042_r.fits``, with the redshift in the header keyword ``REDSHIFT``.

    Paper setting: count=10000 (with epochs=10 in TrainValidate). The default is small, so
    the example runs in a few minutes on a laptop.

    Attributes:
        count: how many galaxies to make.
        image_size: the side of each image in pixels (Preprocess cuts 64×64 around the
            centre, so use at least 64).
        seed: seeds every random choice.

    Outputs:
        images: the directory holding the FITS files (``sky_survey`` in the job's working
            directory), as a ``deepforge.serialization.File``: the files travel to the next job,
            which receives a path to its own copy.
        redshifts: the true redshift of each galaxy, a float32 array in galaxy order.
    """

    def __init__(self, count: Annotated[int, Range(1, 1000000)] = 1000,
                 image_size: Annotated[int, Range(min=64)] = 72, seed: int = 0):
        self.count = count
        self.image_size = image_size
        self.seed = seed

    def execute(self):
        from astropy.io import fits

        if self.image_size < 64:
            raise ValueError("SyntheticSkySurvey: image_size must be at least 64 "
                             "(Preprocess cuts 64×64 pixels around the centre)")
        rng = np.random.default_rng(self.seed)
        directory = os.path.abspath("sky_survey")
        os.makedirs(directory, exist_ok=True)

        redshifts = rng.uniform(0.0, 0.4, self.count).astype(np.float32)
        size = self.image_size
        y, x = np.mgrid[0:size, 0:size].astype(np.float64)
        for index, z in enumerate(redshifts):
            cubes = self._galaxy(float(z), x, y, rng)
            for band, image in zip(BANDS, cubes):
                header = fits.Header()
                header["FILTER"] = (band, "SDSS band")
                header["REDSHIFT"] = (float(z), "true redshift (synthetic)")
                header["OBJID"] = (index, "galaxy number")
                path = os.path.join(directory, f"galaxy_{index:05d}_{band}.fits")
                fits.PrimaryHDU(image.astype(np.float32), header=header).writeto(
                    path, overwrite=True)
            if (index + 1) % 1000 == 0:
                print(f"SyntheticSkySurvey: {index + 1} of {self.count} galaxies")
        print(f"SyntheticSkySurvey: wrote {self.count} galaxies × {len(BANDS)} bands "
              f"to {directory}")
        images = File(directory)  # the next job gets the files themselves, not a path it cannot see
        return images, redshifts

    def _galaxy(self, z, x, y, rng):
        """The five band images of one galaxy at redshift z."""
        size = x.shape[0]
        # Spectrum: flat below the break, a factor `jump` brighter above it, plus a
        # galaxy-specific tilt; smoothed step so flux ratios change gradually with z.
        break_nm = 400.0 * (1.0 + z)
        jump = rng.uniform(2.5, 3.5)
        step = 1.0 / (1.0 + np.exp(-(WAVELENGTHS - break_nm) / 25.0))
        tilt = (WAVELENGTHS / 600.0) ** rng.normal(0.0, 0.15)
        sed = (1.0 + (jump - 1.0) * step) * tilt
        # Brightness and size fall with distance (z + 0.03 keeps the nearest finite).
        flux = 4000.0 * rng.lognormal(0.0, 0.2) * (0.05 / (z + 0.03)) ** 1.2
        radius = np.clip(9.0 * rng.lognormal(0.0, 0.12) * (0.05 / (z + 0.03)) ** 0.6, 1.0, 14.0)
        # Elliptical exponential profile, randomly oriented and slightly off centre.
        axis_ratio = rng.uniform(0.4, 1.0)
        angle = rng.uniform(0.0, np.pi)
        cx, cy = (size - 1) / 2.0 + rng.normal(0.0, 1.0, 2)
        dx, dy = x - cx, y - cy
        along = dx * np.cos(angle) + dy * np.sin(angle)
        across = (-dx * np.sin(angle) + dy * np.cos(angle)) / axis_ratio
        profile = np.exp(-np.hypot(along, across) / radius)
        profile /= profile.sum()
        sky, noise = 10.0, 3.0
        return [flux * weight * profile + sky + rng.normal(0.0, noise, profile.shape)
                for weight in sed]
