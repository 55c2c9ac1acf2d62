"""``python -m mobitui`` runs the same entry point as the ``mobitui`` script."""

from mobitui.cli import main

raise SystemExit(main())
