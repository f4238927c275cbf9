"""``commonroom seed-demo``: seed the demo program (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from commonroom.core import demo


class Command(BaseCommand):
    help = "Seed the demo program. Running it twice changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        demo.seed()
        self.stdout.write(demo.accounts_table())
