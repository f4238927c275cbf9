"""``commonroom demo``: migrate, seed the demo program, print the accounts, serve."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonroom.core import demo


class Command(BaseCommand):
    help = "Migrate the embedded database, seed the demo program and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=None)
        parser.add_argument("--port", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        # Before migrating: a refused demo leaves a production database untouched.
        try:
            demo.refuse_in_production()
        except demo.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo")
        serve_options = {k: v for k in ("host", "port") if (v := options.get(k)) is not None}
        call_command("serve", **serve_options)
