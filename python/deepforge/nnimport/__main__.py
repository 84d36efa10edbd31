"""``python -m deepforge.nnimport [--memory BYTES]``: one model import (see :mod:`deepforge.nnimport.protocol`)."""

from deepforge.nnimport.protocol import main

main()
