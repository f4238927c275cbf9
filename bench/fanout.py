"""Benchmark: real-time fan-out on PostgreSQL + Redis, baselines in the same run.

    .venv/bin/python bench/fanout.py           # 2,000 sockets: 200 spaces of 10 + one of 2,000
    .venv/bin/python bench/fanout.py --quick   # 200 sockets: 20 spaces of 10 + one of 200

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) and Redis on
127.0.0.1:6379. A throwaway database is created and dropped; Redis db 11 is
flushed first (``--redis-db`` to change it).

Every client holds one websocket subscribed to its group's space (10 members)
and the program-wide space (all N). A publisher process posts at increasing
rates, each event carrying its send time in ``created_at``; latency is receive
time minus send time. Three servers get the same client harness:

- *ours*: commonroom.asgi under uvicorn with the default pub/sub channel layer;
  the publisher calls ``realtime.events.append`` (stores the event, then one
  ``group_send``). Each server process joins a stream's group once and hands
  each event to its local sockets itself (realtime/fanout.py): one access
  check and one JSON encoding per event per process, whatever the number of
  sockets. The server's database connections come from a psycopg pool
  (``COMMONROOM_DB_POOL_SIZE``).
- *naive*: the textbook Channels design on ``channels_redis.core.RedisChannelLayer``:
  every socket joins the stream's group, ``group_send`` queues one message
  per socket, and each socket checks its own access (``use_per_socket_design``).
  The bench swaps the backend and the design in the server and publisher
  processes only; the settings module is untouched.
- *bare*: a tiny ``websockets`` server fed by Redis pub/sub (``PUBLISH`` per
  message, ``websockets.broadcast`` to the stream's sockets): the ceiling.

Then a resume run on *ours*: 10% of clients drop, 1,000 events are published,
the dropped clients reconnect with their last positions; lost and duplicated
events are counted over every client and the catch-up time is timed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PY = sys.executable
P99_AIM = 0.100
# Messages per rate step, at least: at 0.5 msg/s a 3 s step was 2 messages,
# so one slow moment of the shared box decided the big space's p99.
MIN_MESSAGES = 10
LAYERS = {
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
    "core": "channels_redis.core.RedisChannelLayer",
}
BIG = "big"
SMALL = "small"


# --- child processes: server, bare server, publisher ------------------------------


def fast_loop() -> Any:
    """uvloop, which uvicorn runs *ours* and *naive* on: the bare server gets
    it too (a fair ceiling), and so do the 2,000 clients (a lower floor for
    every server's latency)."""
    import uvloop

    return uvloop.new_event_loop


def setup_django(layer: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonroom.settings")
    import django
    from django.conf import settings

    django.setup()
    # Read lazily (channels.layers on first use), so swapping it here is enough.
    settings.CHANNEL_LAYERS["default"]["BACKEND"] = LAYERS[layer]


def use_per_socket_design() -> None:
    """The naive design, for the *naive* server only: Channels' textbook
    fan-out. Every socket joins each stream's group itself, so the layer's
    ``group_send`` queues one message per socket, and every socket checks its
    own access at each event (``may_read``, the rule every delivery must
    keep). The consumer's dedup, gap refill and backlog are ours, unchanged:
    only the per-process hub (realtime/fanout.py) is taken out."""
    from commonroom.realtime import consumers, fanout
    from commonroom.realtime.events import group_name

    class PerSocketGroups:
        def __init__(self, layer: Any) -> None:
            self.layer = layer

        async def follow(self, key: str, follower: Any) -> None:
            await self.layer.group_add(group_name(key), follower.channel_name)

        async def unfollow(self, key: str, follower: Any) -> None:
            await self.layer.group_discard(group_name(key), follower.channel_name)

    async def stream_event(self: Any, message: dict[str, Any]) -> None:
        event = message["event"]
        allowed = await consumers.may_read(self.user_id, event["stream"])
        message = {"type": "websocket.send", "text": json.dumps(event)}
        sending = self.offer(event, message, frozenset({self.user_id} if allowed else ()))
        if sending is not None:
            await sending

    fanout.hub = PerSocketGroups  # type: ignore[assignment]
    consumers.EventConsumer.stream_event = stream_event  # type: ignore[attr-defined]


def serve_app(layer: str, port: int) -> None:
    setup_django(layer)
    if os.environ.get("BENCH_DESIGN") == "per-socket":
        use_per_socket_design()
    import uvicorn

    from commonroom.asgi import application

    uvicorn.run(application, host="127.0.0.1", port=port, log_level="warning", lifespan="off")


async def serve_bare(port: int) -> None:
    import redis.asyncio as aioredis
    from websockets.asyncio.server import ServerConnection, broadcast, serve

    subscribers: dict[str, set[ServerConnection]] = {}

    async def handler(ws: ServerConnection) -> None:
        mine: list[str] = []
        try:
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "subscribe":
                    for key in message["streams"]:
                        subscribers.setdefault(key, set()).add(ws)
                        mine.append(key)
                        await ws.send(json.dumps({"type": "subscribed", "stream": key}))
        finally:
            for key in mine:
                subscribers[key].discard(ws)

    async def pump() -> None:
        client = aioredis.from_url(os.environ["REDIS_URL"])
        pubsub = client.pubsub()
        await pubsub.psubscribe("bare.*")
        async for item in pubsub.listen():
            if item["type"] == "pmessage":
                key = item["channel"].decode()[len("bare.") :]
                broadcast(subscribers.get(key, ()), item["data"].decode())

    async with serve(handler, "127.0.0.1", port, ping_interval=None, compression=None):
        await pump()


def warm_layer() -> None:
    """Opens the publishing loop's Redis connection (its HELLO and SELECT,
    counted like any other command) without sending anything, so the first
    event of a step does not carry a new process's connection set-up."""
    from channels.layers import get_channel_layer

    from commonroom.realtime import publisher

    layer = get_channel_layer()

    async def connect() -> None:
        if hasattr(layer, "_get_layer"):  # the pub/sub layer: one client per shard
            shard = layer._get_layer()._shards[0]
            shard._ensure_redis()
            client = shard._redis
        else:  # the core layer
            client = layer.connection(0)
        pool = client.connection_pool
        await pool.release(await pool.get_connection("PUBLISH"))

    asyncio.run_coroutine_threadsafe(connect(), publisher._background_loop()).result(10)


def publish(spec: dict[str, Any]) -> None:
    """Posts ``count`` events round-robin over ``streams`` at ``rate`` per
    second (or as fast as possible), then prints what it did as JSON."""
    streams: list[str] = spec["streams"]
    rate: float = spec["rate"]
    if spec["server"] == "bare":
        import redis

        client = redis.Redis.from_url(os.environ["REDIS_URL"])

        def send(key: str, payload: dict[str, Any]) -> None:
            # Increasing across publisher processes; the bare server has no log.
            event = {"type": "event", "stream": key, "position": time.time_ns()}
            event |= {"kind": "message.new", "payload": payload}
            client.publish("bare." + key, json.dumps(event))
    else:
        setup_django(spec["layer"])
        from commonroom.realtime import events

        def send(key: str, payload: dict[str, Any]) -> None:
            events.append(key, "message.new", payload)

        # A new process per step: open its database connection before the
        # clock starts, as a running web process has (bare has no database).
        from django.db import connection

        connection.ensure_connection()
        events.last_position(streams[0])
        warm_layer()

    started = time.time()
    for i in range(spec["count"]):
        if rate > 0:
            delay = started + i / rate - time.time()
            if delay > 0:
                time.sleep(delay)
        send(streams[i % len(streams)], {"created_at": time.time(), "message_id": i})
    print(json.dumps({"published": spec["count"], "seconds": time.time() - started}))


# --- the orchestrator: database, users, sessions ------------------------------------


@dataclass
class World:
    sessions: list[str]  # session key per client
    streams: list[tuple[str, str]]  # (small space stream, big space stream) per client
    small_streams: list[str]
    big_stream: str


def build_world(clients: int) -> World:
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from commonroom.accounts.middleware import LAST_SEEN_KEY
    from commonroom.accounts.models import User
    from commonroom.care.models import Enrollment, GroupMembership, Phase, Program, TherapyGroup
    from commonroom.spaces.models import Space, SpaceKind, SpaceScope

    program = Program.objects.create(name="Fan-out bench", slug="fanout-bench")
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(email=f"p{i}@bench.invalid", display_name=f"P{i}", password=unusable)
            for i in range(clients)
        ],
        batch_size=1000,
    )
    Enrollment.objects.bulk_create(
        [Enrollment(user=u, program=program, phase=Phase.ACTIVE) for u in users], batch_size=1000
    )
    groups = TherapyGroup.objects.bulk_create(
        [TherapyGroup(program=program, name=f"Group {g}") for g in range(clients // 10)]
    )
    GroupMembership.objects.bulk_create(
        [GroupMembership(group=groups[i // 10], user=u) for i, u in enumerate(users)],
        batch_size=1000,
    )
    spaces = Space.objects.bulk_create(
        [
            Space(
                program=program,
                scope=SpaceScope.GROUP,
                group=g,
                kind=SpaceKind.GENERAL,
                name=g.name,
            )
            for g in groups
        ]
    )
    big = Space.objects.create(
        program=program, scope=SpaceScope.PROGRAM, kind=SpaceKind.GENERAL, name="Everyone"
    )
    store = SessionStore()
    expires = timezone.now() + timezone.timedelta(hours=12)
    keys = [secrets.token_hex(16) for _ in users]
    Session.objects.bulk_create(
        [
            Session(
                session_key=key,
                expire_date=expires,
                session_data=store.encode(
                    {
                        "_auth_user_id": str(u.pk),
                        "_auth_user_backend": "allauth.account.auth_backends.AuthenticationBackend",
                        "_auth_user_hash": u.get_session_auth_hash(),
                        LAST_SEEN_KEY: time.time(),
                    }
                ),
            )
            for key, u in zip(keys, users, strict=True)
        ],
        batch_size=1000,
    )
    small = [s.stream_key for s in spaces]
    return World(
        sessions=keys,
        streams=[(small[i // 10], big.stream_key) for i in range(clients)],
        small_streams=small,
        big_stream=big.stream_key,
    )


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def redis_calls(client: Any) -> dict[str, int]:
    """Commands Redis has run so far, by name (INFO commandstats)."""
    stats = client.info("commandstats")
    calls = {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}
    calls.pop("info", None)  # only this bench asks for INFO
    return calls


# --- the client harness -----------------------------------------------------------


@dataclass
class Recorder:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {BIG: [], SMALL: []})
    first_send: float = float("inf")
    last_receive: float = 0.0
    big_stream: str = ""

    def record(self, key: str, sent: float, now: float) -> None:
        self.latencies[BIG if key == self.big_stream else SMALL].append(now - sent)
        self.first_send = min(self.first_send, sent)
        self.last_receive = now

    def reset(self) -> None:
        self.latencies = {BIG: [], SMALL: []}
        self.first_send = float("inf")
        self.last_receive = 0.0


class Client:
    def __init__(self, url: str, headers: dict[str, str], streams: tuple[str, ...]) -> None:
        self.url = url
        self.headers = headers
        self.positions = dict.fromkeys(streams, 0)
        self.duplicates = 0
        self.gaps = 0
        self.ws: Any = None
        self.reader: asyncio.Task[None] | None = None

    async def connect(self, recorder: Recorder, origin: str) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(
            self.url,
            additional_headers=self.headers,
            origin=origin,  # type: ignore[arg-type]
            open_timeout=120,
            ping_interval=None,
            compression=None,
            max_queue=None,
        )
        pending = set(self.positions)
        await self.ws.send(json.dumps({"type": "subscribe", "streams": self.positions}))
        async for raw in self.ws:
            message = json.loads(raw)
            if message["type"] == "event":
                self.on_event(message, recorder, time.time())
            elif message["type"] == "subscribed":
                pending.discard(message["stream"])
                if not pending:
                    break
            elif message["type"] == "error":
                raise RuntimeError(f"subscribe refused: {message}")
        self.reader = asyncio.create_task(self.read(recorder))

    def on_event(self, message: dict[str, Any], recorder: Recorder, now: float) -> None:
        key = message["stream"]
        position = message["position"]
        last = self.positions[key]
        if position <= last:
            self.duplicates += 1
            return
        self.gaps += position - last - 1
        self.positions[key] = position
        recorder.record(key, message["payload"]["created_at"], now)

    async def read(self, recorder: Recorder) -> None:
        with contextlib.suppress(Exception):
            async for raw in self.ws:
                message = json.loads(raw)
                if message["type"] == "event":
                    self.on_event(message, recorder, time.time())

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            with contextlib.suppress(BaseException):
                await self.reader


async def connect_all(clients: list[Client], recorder: Recorder, origin: str) -> float:
    started = time.perf_counter()
    gate = asyncio.Semaphore(50)

    async def one(client: Client) -> None:
        async with gate:
            await client.connect(recorder, origin)

    await asyncio.gather(*(one(c) for c in clients))
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Step:
    rate: float
    published: int
    expected: int
    delivered: int
    p99: float
    throughput: float  # deliveries per second, first send to last receipt

    @property
    def ok(self) -> bool:
        return self.p99 <= P99_AIM and self.delivered >= self.expected


@dataclass
class Ladder:
    server: str
    space: str
    steps: list[Step]
    cpu_per_million: float
    redis_per_message: float
    redis_commands: dict[str, float]

    @property
    def best(self) -> Step | None:
        passing = [s for s in self.steps if s.ok]
        return max(passing, key=lambda s: s.throughput) if passing else None


async def run_publisher(spec: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        PY, __file__, "--publish", json.dumps(spec), env=env, stdout=subprocess.PIPE
    )
    out, _err = await proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"publisher failed ({proc.returncode})")
    return dict(json.loads(out.decode().strip().splitlines()[-1]))


async def wait_for(
    expected: int, recorder: Recorder, space: str, *, idle: float, cap: float
) -> None:
    started = time.time()
    while len(recorder.latencies[space]) < expected:
        now = time.time()
        last = recorder.last_receive or started
        if now - last > idle or now - started > cap:
            return
        await asyncio.sleep(0.05)


async def ladder(
    server: str, layer: str, space: str, rates: list[float], *, world: World, seconds: float,
    recorder: Recorder, env: dict[str, str], pid: int, redis_client: Any, clients: int,
) -> Ladder:  # fmt: skip
    streams = [world.big_stream] if space == BIG else world.small_streams
    fanout = clients if space == BIG else 10
    steps: list[Step] = []
    cpu = 0.0
    redis_ops: dict[str, int] = {}
    messages = deliveries = 0
    for rate in rates:
        count = max(MIN_MESSAGES, round(rate * seconds))
        recorder.reset()
        cpu_before, ops_before = cpu_seconds(pid), redis_calls(redis_client)
        spec = {"server": server, "layer": layer, "streams": streams, "rate": rate}
        await run_publisher(spec | {"count": count}, env)
        await wait_for(count * fanout, recorder, space, idle=10, cap=120)
        cpu += cpu_seconds(pid) - cpu_before
        for name, calls in redis_calls(redis_client).items():
            redis_ops[name] = redis_ops.get(name, 0) + calls - ops_before.get(name, 0)
        got = recorder.latencies[space]
        messages += count
        deliveries += len(got)
        span = max(recorder.last_receive - recorder.first_send, 1e-9)
        step = Step(rate, count, count * fanout, len(got), percentile(got, 0.99), len(got) / span)
        steps.append(step)
        print(
            f"  {server:5} {space:5} {rate:7.1f} msg/s: {step.delivered}/{step.expected} "
            f"delivered, p99 {step.p99 * 1000:.0f} ms, {step.throughput:,.0f} deliveries/s",
            flush=True,
        )
        if not step.ok:
            break
        await asyncio.sleep(0.5)
    per_message = {name: calls / messages for name, calls in redis_ops.items() if calls}
    cpu_per_million = cpu / max(deliveries, 1) * 1e6
    return Ladder(server, space, steps, cpu_per_million, sum(per_message.values()), per_message)


# The server process's database connections, as docs/deployment says for ASGI:
# a psycopg pool (settings.py, COMMONROOM_DB_POOL_SIZE).
POOLED = {"COMMONROOM_DB_POOL_SIZE": "4"}
# server -> (channel layer, environment of the server process)
SERVERS: dict[str, tuple[str, dict[str, str]]] = {
    "ours": ("pubsub", POOLED),
    "ours-nopool": ("pubsub", {}),  # a new PostgreSQL connection per database call
    # Channels' default layer and per-socket groups and checks (use_per_socket_design).
    "naive": ("core", POOLED | {"BENCH_DESIGN": "per-socket"}),
}


def start_server(server: str, port: int, env: dict[str, str], log: Any) -> subprocess.Popen[bytes]:
    extra: dict[str, str] = {}
    if server == "bare":
        args = ["--serve-bare", str(port)]
    else:
        layer, extra = SERVERS[server]
        args = ["--serve", layer, str(port)]
    proc = subprocess.Popen(  # noqa: S603 (our own arguments)
        [PY, __file__, *args], env=env | extra, stderr=log
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        if proc.poll() is not None:
            raise RuntimeError(f"{server} server exited with {proc.returncode}")
        time.sleep(0.2)
    raise RuntimeError(f"{server} server did not start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def measure_server(
    server: str, *, world: World, env: dict[str, str], args: argparse.Namespace,
    redis_client: Any, resume: bool,
) -> tuple[list[Ladder], dict[str, Any] | None]:  # fmt: skip
    layer = SERVERS.get(server, ("bare", {}))[0]
    port = free_port()
    log_path = Path(env["COMMONROOM_DATA_DIR"]) / f"{server}.log"
    log = log_path.open("wb")
    proc = start_server(server, port, env, log)
    try:
        recorder = Recorder(big_stream=world.big_stream)
        origin = f"http://127.0.0.1:{port}"
        url = f"ws://127.0.0.1:{port}/ws/"
        clients = [
            Client(url, {"Cookie": f"sessionid={key}"} if server != "bare" else {}, streams)
            for key, streams in zip(world.sessions, world.streams, strict=True)
        ]
        took = await connect_all(clients, recorder, origin)
        print(f"{server}: {len(clients)} sockets connected in {took:.1f} s", flush=True)
        n = len(clients)
        small_rates = [10 * 2**i for i in range(args.steps)]
        big_rates = [(0.5 if n > 500 else 1) * 2**i for i in range(args.steps)]
        common = {
            "world": world, "seconds": args.seconds, "recorder": recorder, "env": env,
            "pid": proc.pid, "redis_client": redis_client, "clients": n,
        }  # fmt: skip
        ladders = [
            await ladder(server, layer, SMALL, small_rates, **common),
            await ladder(server, layer, BIG, big_rates, **common),
        ]
        outcome = await resume_run(clients, recorder, env, world) if resume else None
        errors = log_path.read_text(errors="replace").count("Exception in ASGI application")
        print(f"{server}: {errors} server errors while measuring (log: {log_path})")
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
        return ladders, outcome
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


async def resume_run(
    clients: list[Client], recorder: Recorder, env: dict[str, str], world: World
) -> dict[str, Any]:
    from asgiref.sync import sync_to_async

    from commonroom.realtime.models import Stream

    rng = random.Random(5)
    dropped = rng.sample(clients, max(1, len(clients) // 10))
    await asyncio.gather(*(c.close() for c in dropped))
    for c in dropped:
        c.ws = c.reader = None
    streams = [*world.small_streams, world.big_stream]
    rng.shuffle(streams)
    started = time.perf_counter()
    await run_publisher(
        {"server": "ours", "layer": "pubsub", "streams": streams, "rate": 0, "count": 1000}, env
    )
    publish_seconds = time.perf_counter() - started
    rows = await sync_to_async(lambda: list(Stream.objects.values_list("key", "last_position")))()
    final = dict(rows)

    def behind(group: list[Client]) -> int:
        return sum(max(0, final.get(k, 0) - p) for c in group for k, p in c.positions.items())

    reconnect = time.perf_counter()
    origin = clients[0].url.replace("ws://", "http://").removesuffix("/ws/")
    await connect_all(dropped, recorder, origin)
    deadline = time.perf_counter() + 600
    while behind(dropped) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    catch_up = time.perf_counter() - reconnect
    while behind(clients) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    return {
        "dropped": len(dropped),
        "events": 1000,
        "publish_s": publish_seconds,
        "catch_up_s": catch_up,
        "lost": sum(c.gaps for c in clients),
        "behind_at_deadline": behind(clients),
        "duplicated": sum(c.duplicates for c in clients),
    }


# --- the table ----------------------------------------------------------------------


def print_tables(ladders: list[Ladder], resume: dict[str, Any] | None, clients: int) -> None:
    def fmt_ms(value: float) -> str:
        return f"{value * 1000:,.0f}"

    header = ("server", "space", "msg/s @ p99<=100ms", "deliveries/s @ p99<=100ms",
              "p99 ms there", "lowest-rate p99 ms", "max tried msg/s", "max deliveries/s seen",
              "CPU s / M deliv",
              "Redis ops / msg")  # fmt: skip
    rows = []
    for lad in ladders:
        best = lad.best
        label = f"1 x {clients:,}" if lad.space == BIG else f"{clients // 10} x 10"
        capped = best is not None and best is lad.steps[-1]
        rows.append((
            lad.server, label,
            "-" if best is None else f"{best.rate:g}" + ("+" if capped else ""),
            "-" if best is None else f"{best.throughput:,.0f}" + ("+" if capped else ""),
            "-" if best is None else fmt_ms(best.p99),
            fmt_ms(lad.steps[0].p99), f"{lad.steps[-1].rate:g}",
            f"{max(s.throughput for s in lad.steps):,.0f}",
            f"{lad.cpu_per_million:,.0f}", f"{lad.redis_per_message:.2f}",
        ))  # fmt: skip
    print()
    print(f"Fan-out, {clients:,} websocket clients ({clients // 10} spaces of 10 + 1 of "
          f"{clients:,}); '+' = ladder ended without failing")  # fmt: skip
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))

    def throughput(server: str, space: str) -> float:
        for lad in ladders:
            if lad.server == server and lad.space == space:
                best = lad.best
                return best.throughput if best else 0.0
        return 0.0

    def saturated(server: str, space: str) -> float:
        found = [lad for lad in ladders if lad.server == server and lad.space == space]
        return max((s.throughput for s in found[0].steps), default=0.0) if found else 0.0

    print()
    for space, label in ((BIG, f"1 x {clients:,}"), (SMALL, f"{clients // 10} x 10")):
        bare, naive = throughput("bare", space), throughput("naive", space)
        for name in ("ours", "ours-nopool"):
            if not any(lad.server == name for lad in ladders):
                continue
            ours = throughput(name, space)
            vs_bare = f"{ours / bare:.2f}x" if bare else "n/a"
            ran_naive = any(lad.server == "naive" for lad in ladders)
            vs_naive = f"{ours / naive:.1f}x" if naive else "n/a (naive met no rate)"
            vs_naive = vs_naive if ran_naive else "n/a (not run)"
            print(f"{label}: {name} / bare = {vs_bare} (aim >= 0.6x); "
                  f"{name} / naive = {vs_naive} (aim >= 5x on 1 x {clients:,})")  # fmt: skip
            top, top_naive = saturated(name, space), saturated("naive", space)
            if top and top_naive:
                print(f"    max deliveries/s seen, whatever the latency: {name} / naive = "
                      f"{top / top_naive:.2f}x")  # fmt: skip
    for lad in ladders:
        if lad.server == "ours":
            aim = "meets" if lad.redis_per_message <= 2 else "misses"
            detail = ", ".join(f"{k} {v:.2f}" for k, v in sorted(lad.redis_commands.items()))
            print(f"ours, {lad.space} spaces: {lad.redis_per_message:.2f} Redis ops per message "
                  f"({aim} <= 2): {detail}")  # fmt: skip
    if resume:
        print()
        print(
            f"Resume: {resume['dropped']} clients dropped, {resume['events']} events published "
            f"in {resume['publish_s']:.1f} s, reconnected: lost {resume['lost']}, duplicated "
            f"{resume['duplicated']} (must be 0), catch-up {resume['catch_up_s']:.2f} s, "
            f"still behind after 600 s: {resume['behind_at_deadline']}"
        )


# --- main -------------------------------------------------------------------------


def psql(*args: str) -> None:
    subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL)  # noqa: S603 (fixed commands)


async def orchestrate(args: argparse.Namespace, env: dict[str, str]) -> None:
    import redis

    redis_client = redis.Redis.from_url(env["REDIS_URL"])
    redis_client.flushdb()
    from asgiref.sync import sync_to_async

    started = time.perf_counter()
    world = await sync_to_async(build_world)(args.clients)
    print(f"built {args.clients:,} people and sessions in {time.perf_counter() - started:.1f} s")
    ladders: list[Ladder] = []
    resume = None
    try:
        for server in args.servers:
            found, outcome = await measure_server(
                server, world=world, env=env, args=args, redis_client=redis_client,
                resume=server == "ours" and not args.no_resume,
            )  # fmt: skip
            ladders += found
            resume = resume or outcome
    finally:
        redis_client.flushdb()  # the naive layer's group keys would outlive the run
    print_tables(ladders, resume, args.clients)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 clients, shorter steps")
    parser.add_argument("--clients", type=int, help="connected clients (default 2,000)")
    parser.add_argument("--seconds", type=float, help="publishing time per rate step")
    parser.add_argument("--steps", type=int, default=7, help="rate steps per ladder (x2 each)")
    parser.add_argument(
        "--servers", nargs="+", default=["ours", "naive", "bare"],
        choices=["ours", "ours-nopool", "naive", "bare"],
    )  # fmt: skip
    parser.add_argument("--no-resume", action="store_true")
    parser.add_argument("--redis-db", type=int, default=11)
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--publish", metavar="SPEC", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_app(args.serve[0], int(args.serve[1]))
        return 0
    if args.serve_bare:
        asyncio.run(serve_bare(args.serve_bare), loop_factory=fast_loop())
        return 0
    if args.publish:
        publish(json.loads(args.publish))
        return 0

    args.clients = args.clients or (200 if args.quick else 2000)
    args.seconds = args.seconds or (2.0 if args.quick else 3.0)
    database = f"commonroom_fanout_{os.getpid()}"
    data_dir = tempfile.mkdtemp(prefix="commonroom-fanout-")
    env = os.environ | {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "COMMONROOM_DATA_DIR": data_dir,
        "COMMONROOM_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "commonroom.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    os.environ.update(env)
    psql("createdb", "-h", "127.0.0.1", "-U", "postgres", database)
    try:
        migrate = [PY, "-m", "django", "migrate", "--noinput", "-v", "0"]
        subprocess.run(migrate, env=env, check=True)  # noqa: S603 (fixed command)
        setup_django("pubsub")
        asyncio.run(orchestrate(args, env), loop_factory=fast_loop())
    finally:
        from django.db import connections

        connections.close_all()
        psql("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
