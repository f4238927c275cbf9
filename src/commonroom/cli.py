"""The ``commonroom`` command.

``commonroom serve``, ``commonroom demo``, ``commonroom seed-demo`` and
``commonroom audit verify`` are Commonroom's own; any other word is a Django
management command (``commonroom migrate``, ``commonroom check --deploy``).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] in {"serve", "demo"}:
        # The embedded default runs durable jobs from the database, with a
        # worker started beside the server.
        os.environ.setdefault("COMMONROOM_TASKS", "database")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonroom.settings")
    # Django's command names use underscores; ours are documented with
    # hyphens (``send-digests``, ``check-buddy-rhythm``): accept both.
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
