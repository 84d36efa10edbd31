"""``python -m deepforge.preview [--memory BYTES]``: one preview request (see :mod:`deepforge.preview`)."""

from deepforge.preview import main

main()
