"""``python3 -u -m deepforge.analysis``: the analysis process (see :mod:`deepforge.analysis.protocol`)."""

import sys

from deepforge.analysis.protocol import main

sys.exit(main())
