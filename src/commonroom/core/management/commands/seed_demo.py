"""``commonroom seed-demo``: seed the demo program (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from commonroom.core import demo


class Command(BaseCommand):
    help = "Seed the demo program. Running it twice changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            demo.seed()
        except demo.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(demo.accounts_table())
