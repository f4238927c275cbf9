"""``commonroom serve``: the ASGI server (pages and websockets) and, with the
database task backend, a task worker beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from commonroom.core.accesslog import uvicorn_log_config
from commonroom.env import envint


class Command(BaseCommand):
    help = "Serve Commonroom over ASGI (uvicorn), with a task worker when jobs are durable."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=envint("PORT", 8000, minimum=1))
        parser.add_argument("--workers", type=int, default=envint("WEB_CONCURRENCY", 1, minimum=1))
        parser.add_argument("--no-worker", action="store_true", help="Do not start a task worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn

        worker: subprocess.Popen[bytes] | None = None
        if settings.TASK_BACKEND_NAME == "database" and not options["no_worker"]:
            worker = subprocess.Popen(
                [sys.executable, "-m", "commonroom.cli", "db_worker"],
                env=os.environ.copy(),
            )
            self.stdout.write("Task worker started (durable jobs from the database).")
        self.stdout.write(f"Serving on http://{options['host']}:{options['port']}/")
        try:
            uvicorn.run(
                "commonroom.asgi:application",
                host=options["host"],
                port=options["port"],
                workers=options["workers"],
                lifespan="off",
                # The client's address is decided once, by core.http.client_ip
                # under COMMONROOM_PROXY_COUNT; uvicorn's rewriting of the peer
                # address follows another rule (FORWARDED_ALLOW_IPS), and the
                # two would disagree about who is behind a request.
                proxy_headers=False,
                server_header=False,
                log_level="info",
                # Paths carry calendar secrets, invitation tokens and search terms.
                log_config=uvicorn_log_config(),
            )
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
