"""``python -m clerk_async.emulator``: see :mod:`clerk_async.emulator.cli`."""

from .cli import main

raise SystemExit(main())
