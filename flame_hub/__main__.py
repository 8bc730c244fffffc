"""``python -m flame_hub`` runs the ``flame-hub`` command."""

import sys

from flame_hub.cli import main

sys.exit(main())
