"""``python -m clerk_async.migrate``: the ``clerk-migrate`` command line."""

from clerk_async.migrate.cli import main

raise SystemExit(main())
