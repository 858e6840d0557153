"""`python -m paritydocs.cli`: the `paritydocs` command."""

import sys

from paritydocs.cli import main

sys.exit(main())
