"""Files kept byte for byte, recognised by their first bytes: images, FITS, .npy, text and JSON."""

import base64
import json
import os

from .arrays import _array_summary, _png
from .common import MAX_IMAGE, MAX_TEXT, _sniff
from .objects import _cell


def _fits(path):
    from astropy.io import fits

    hdus = []
    with fits.open(path, memmap=True, lazy_load_hdus=True) as hdul:
        for i, hdu in enumerate(hdul):
            if i >= 50:
                break
            header = hdu.header
            cards = [[c.keyword, _cell(c.value) if not isinstance(c.value, str) else c.value, c.comment]
                     for c in header.cards][:500]
            entry = {"name": hdu.name, "kind": type(hdu).__name__, "cards": cards}
            naxis = header.get("NAXIS", 0)
            if isinstance(naxis, int) and naxis > 0:
                entry["shape"] = [header.get("NAXIS%d" % n) for n in range(naxis, 0, -1)]
                entry["bitpix"] = header.get("BITPIX")
            hdus.append(entry)
    return {"kind": "fits", "type": "FITS", "hdus": hdus}


def _image(path, head):
    mime = ("image/png" if head.startswith(b"\x89PNG\r\n\x1a\n") else
            "image/jpeg" if head.startswith(b"\xff\xd8\xff") else "image/gif")
    size = os.path.getsize(path)
    out = {"kind": "image", "type": mime, "bytes": size}
    if size <= MAX_IMAGE:
        with open(path, "rb") as f:
            out["image"] = "data:%s;base64,%s" % (mime, base64.b64encode(f.read()).decode("ascii"))
        return out
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import image as mpimg

    arr = mpimg.imread(path)
    out["shape"] = list(arr.shape)
    out["image"] = _png(arr, "rgb" if arr.ndim == 3 else "gray")
    return out


def _file_summary(path):
    head = _sniff(path)
    if head.startswith(b"\x93NUMPY"):
        import numpy as np

        return _array_summary(np.load(path, mmap_mode="r", allow_pickle=False))
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")):
        return _image(path, head)
    if head.startswith(b"SIMPLE  =") and len(head) >= 80:
        return _fits(path)
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        raw = f.read(MAX_TEXT)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(raw) - 4 or b"\0" in raw:  # not just a character cut at the end
            return {"kind": "binary", "type": "file", "bytes": size, "head": raw[:256].hex()}
        text = raw[:e.start].decode("utf-8")
    out = {"kind": "text", "type": "text", "text": text, "truncated": size > len(raw), "bytes": size}
    if size <= MAX_TEXT:
        try:
            out["json"] = isinstance(json.loads(text), (dict, list))
        except ValueError:
            pass
    return out
