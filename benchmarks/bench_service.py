"""Load benchmark of the reference decision service (``credit-closure serve``), loopback only.

Measured in one run, against a baseline measured in the same run:

* the baseline: in-process ``CreditProfile.from_dict`` + ``assess()`` + ``to_dict`` +
  ``json.dumps`` on the same small profile, one thread, requests per second;
* the service, one worker, at 1, 8 and 32 clients (threads, each with its own keep-alive
  ``httpx.Client``): requests per second, p50 and p99 latency, and the throughput as a ratio
  of the baseline (bar: at least 0.3x at 8 clients);
* the p99 latency of small requests (8 clients) while a maximum-size profile is posted over
  and over by another client, as a ratio of the p99 without it (bar: at most 3x).

The server is ``credit-closure serve`` in a subprocess bound to 127.0.0.1 on a free port,
stopped (SIGTERM, then kill) at the end. Without uvicorn (the ``service`` extra), the same
figures are taken in-process, each request handed to the ASGI application as a server would
(no sockets, no HTTP parsing), and the table says so. Nothing leaves 127.0.0.1; every phase
is bounded by a request count and a time limit.

Usage::

    python benchmarks/bench_service.py [--quick] [--transport auto|loopback|asgi]
                                       [--client auto|wrk|python]

Throughput is measured with ``wrk`` (a C load generator, Debian's ``wrk`` package) when it
is installed: Python client threads share the machine's cores and the GIL with the server's
work, so on a small machine they measure the client more than the server.

uvicorn uses httptools and uvloop when they are installed (the ``service`` extra installs
them), h11 and asyncio otherwise; the table's title says which (docs/reference-service.md
shows the figures of both).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "examples" / "profiles" / "06_open_lines_whatif.json"
AS_OF = "2025-12-31"
PATH = f"/v1/assess?as_of={AS_OF}"
HEADERS = {"content-type": "application/json"}


def maximum_profile() -> dict[str, Any]:
    """A valid profile at every documented maximum: 500 accounts (closed, one closure each),
    500 closures, 5,000 inquiries, 100,000 activity records, 500 attributes (about 7 MB)."""
    from credit_closure._contract.checks import Limits

    products = ("credit_card", "revolving_consumer", "cash_loan", "other")
    accounts = [
        {
            "account_id": f"a{i:03d}",
            "product": products[i % 4],
            "status": "closed",
            "opened_on": f"{2010 + i % 10}-{1 + i % 12:02d}-01",
            "closed_on": f"2024-{1 + i % 12:02d}-15",
            "credit_limit": 1000 + 10 * i,
            "balance": 0,
        }
        for i in range(Limits.MAX_ACCOUNTS)
    ]
    closures = [
        {"account_id": a["account_id"], "closed_on": a["closed_on"], "initiator": "consumer"}
        for a in accounts[: Limits.MAX_CLOSURES]
    ]
    inquiries = [
        {"on": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", "kind": "self"}
        for i in range(Limits.MAX_INQUIRIES)
    ]
    activity = [
        {
            "account_id": f"a{i % Limits.MAX_ACCOUNTS:03d}",
            "at": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:00",
            "kind": "login",
        }
        for i in range(Limits.MAX_ACTIVITY)
    ]
    return {
        "subject_id": "p-max",
        "accounts": accounts,
        "closures": closures,
        "inquiries": inquiries,
        "activity": activity,
        "attributes": {f"x{i}": i for i in range(Limits.MAX_ATTRIBUTES)},
    }


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` by the nearest-rank method."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[k]


# --------------------------------------------------------------------------------------
# Baseline: in-process
# --------------------------------------------------------------------------------------
def in_process_rate(doc: dict[str, Any], seconds: float) -> tuple[float, float]:
    """Requests per second of from_dict + assess + to_dict + json.dumps, one thread, for
    about ``seconds``; and the CPU seconds each took."""
    from credit_closure import CreditProfile, assess

    for _ in range(50):  # warm up
        json.dumps(assess(CreditProfile.from_dict(doc), as_of=AS_OF).to_dict())
    n = 0
    start, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for _ in range(50):
            json.dumps(assess(CreditProfile.from_dict(doc), as_of=AS_OF).to_dict())
        n += 50
    return n / (time.perf_counter() - start), (time.process_time() - cpu) / n


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of process ``pid`` so far (Linux ``/proc``), else None."""
    if pid is None:
        return time.process_time()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------------------
# Loopback: credit-closure serve in a subprocess, clients in threads
# --------------------------------------------------------------------------------------
def server_stack() -> str:
    """The HTTP parser and event loop uvicorn picks here (``auto``: httptools and uvloop when
    installed, the service extra's speed-ups; else h11 and asyncio)."""
    import importlib.util

    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"{http}, {loop}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def loopback_server() -> Iterator[tuple[str, int]]:
    """``credit-closure serve`` on 127.0.0.1 (one worker); yields its base URL and pid."""
    import httpx

    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-m", "credit_closure.cli", "serve", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--workers", "1", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError("the server exited: " + proc.stderr.read().decode()[-500:])  # type: ignore[union-attr]
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start within 60 s")
            time.sleep(0.1)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _client_loop(
    base: str, body: bytes, count: int, out: list[float], stop: threading.Event | None = None
) -> None:
    import httpx

    with httpx.Client(base_url=base, timeout=120, headers=HEADERS) as client:
        i = 0
        while (stop is None and i < count) or (stop is not None and not stop.is_set()):
            t = time.perf_counter()
            r = client.post(PATH, content=body)
            if r.status_code != 200:
                raise RuntimeError(f"status {r.status_code}: {r.text[:200]}")
            out.append(time.perf_counter() - t)
            i += 1


def loopback_load(base: str, body: bytes, clients: int, total: int) -> tuple[float, list[float]]:
    """Throughput (requests/s) and latencies of ``total`` requests from ``clients`` threads."""
    per = max(1, total // clients)
    outs: list[list[float]] = [[] for _ in range(clients)]
    threads = [
        threading.Thread(target=_client_loop, args=(base, body, per, outs[i]))
        for i in range(clients)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    elapsed = time.perf_counter() - start
    lat = [x for o in outs for x in o]
    return len(lat) / elapsed, lat


_WRK_SCRIPT = """
local f = io.open(os.getenv("BENCH_BODY"), "rb"); local body = f:read("*a"); f:close()
wrk.method = "POST"; wrk.body = body; wrk.headers["Content-Type"] = "application/json"
"""


def _wrk_ms(text: str) -> float:
    """A wrk latency figure (``512.00us``, ``3.09ms``, ``1.20s``) in seconds."""
    for unit, scale in (("us", 1e-6), ("ms", 1e-3), ("s", 1.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * scale
    return float(text)


def wrk_load(base: str, body: bytes, clients: int, seconds: int) -> tuple[float, list[float], int]:
    """Throughput, (p50, p99) latency and request count of ``clients`` keep-alive connections
    from wrk, a C load generator (one thread), for ``seconds``: the server is measured, not a
    Python client sharing its cores and the GIL."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        body_file = Path(tmp) / "body.json"
        body_file.write_bytes(body)
        script = Path(tmp) / "post.lua"
        script.write_text(_WRK_SCRIPT, encoding="utf-8")
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{clients}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                str(script),
                base + PATH,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
            env=dict(os.environ, BENCH_BODY=str(body_file)),
        ).stdout
    rate = float(out.split("Requests/sec:")[1].split()[0])
    dist = {
        line.split()[0]: _wrk_ms(line.split()[1])
        for line in out.splitlines()
        if line.strip().startswith(("50%", "99%"))
    }
    count = int(out.split(" requests in ")[0].split()[-1])
    return rate, [dist["50%"], dist["99%"]], count


def loopback_in_flight(
    base: str, small: bytes, big: bytes, clients: int, total: int
) -> tuple[list[float], int]:
    """Latencies of small requests while another client posts ``big`` over and over."""
    stop = threading.Event()
    big_lat: list[float] = []
    hog = threading.Thread(target=_client_loop, args=(base, big, 0, big_lat, stop))
    hog.start()
    time.sleep(0.5)  # the big one is in flight
    _, lat = loopback_load(base, small, clients, total)
    stop.set()
    hog.join(timeout=600)
    return lat, len(big_lat)


# --------------------------------------------------------------------------------------
# In-process ASGI (no uvicorn): the same phases, requests handed to the application directly
# --------------------------------------------------------------------------------------
async def _asgi_post(app: Any, body: bytes) -> None:
    """One POST /v1/assess given to the ASGI application as a server would (no sockets)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/assess",
        "raw_path": b"/v1/assess",
        "query_string": f"as_of={AS_OF}".encode(),
        "root_path": "",
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)  # pragma: no cover - the app reads one message
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    if status != [200]:
        raise RuntimeError(f"status {status}")


async def _asgi_client(app: Any, body: bytes, count: int, out: list[float]) -> None:
    for _ in range(count):
        t = time.perf_counter()
        await _asgi_post(app, body)
        out.append(time.perf_counter() - t)
        await asyncio.sleep(0)  # let the other clients in, as a socket read would


async def _asgi_hog(app: Any, body: bytes, stop: asyncio.Event, out: list[float]) -> None:
    while not stop.is_set():
        t = time.perf_counter()
        await _asgi_post(app, body)
        out.append(time.perf_counter() - t)


async def asgi_phase(
    app: Any, body: bytes, clients: int, total: int, big: bytes | None = None
) -> tuple[float, list[float], int]:
    """Throughput and latencies in-process; with ``big``, one more client posts it meanwhile."""
    stop = asyncio.Event()
    big_lat: list[float] = []
    hog = None
    if big is not None:
        hog = asyncio.create_task(_asgi_hog(app, big, stop, big_lat))
        await asyncio.sleep(0.5)
    per = max(1, total // clients)
    outs: list[list[float]] = [[] for _ in range(clients)]
    start = time.perf_counter()
    await asyncio.gather(*(_asgi_client(app, body, per, outs[i]) for i in range(clients)))
    elapsed = time.perf_counter() - start
    stop.set()
    if hog is not None:
        await hog
    lat = [x for o in outs for x in o]
    return len(lat) / elapsed, lat, len(big_lat)


# --------------------------------------------------------------------------------------
class Phase(NamedTuple):
    """One throughput row: its baseline (requests/s, CPU s per request) measured just
    before, the service's requests/s, its latencies, its CPU s per request (None: unknown)."""

    base: tuple[float, float]
    rate: float
    lat: list[float]
    cpu: float | None


def _per_request(before: float | None, after: float | None, count: int) -> float | None:
    if before is None or after is None or count == 0 or after <= before:
        return None
    return (after - before) / count


def _row(
    name: str,
    rate: float | None,
    lat: list[float] | None,
    ratio: str,
    bar: str,
    *,
    wrk: bool = False,
    cpu: str = "",
) -> str:
    r = f"{rate:9.0f}" if rate is not None else " " * 9
    lo, hi = (
        (lat[0], lat[1])
        if wrk and lat
        else ((percentile(lat, 0.50), percentile(lat, 0.99)) if lat else (None, None))
    )
    p50 = f"{lo * 1000:8.2f}" if lo is not None else " " * 8
    p99 = f"{hi * 1000:8.2f}" if hi is not None else " " * 8
    return f"| {name:<34} | {r} | {p50} | {p99} | {ratio:>7} | {bar:<16} | {cpu:>9} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    parser.add_argument("--transport", choices=("auto", "loopback", "asgi"), default="auto")
    parser.add_argument(
        "--client",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator for the throughput rows (auto: wrk when installed, else Python "
        "threads with httpx); the in-flight p99 rows always use the Python client",
    )
    args = parser.parse_args(argv)
    import shutil

    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk") is not None)
    try:
        import uvicorn  # noqa: F401

        have_uvicorn = True
    except ImportError:
        have_uvicorn = False
    transport = args.transport
    if transport == "auto":
        transport = "loopback" if have_uvicorn else "asgi"
    if transport == "loopback" and not have_uvicorn:
        sys.stderr.write('loopback needs uvicorn: pip install "credit-closure[service]"\n')
        return 2
    n_load, n_flight = (240, 160) if args.quick else (1600, 800)
    base_seconds, wrk_seconds = (1.0, 3) if args.quick else (3.0, 10)

    small = SMALL.read_bytes()
    doc = json.loads(small)
    big = json.dumps(maximum_profile()).encode()

    # each throughput row is compared with a baseline measured just before it: on a shared
    # machine the load changes during a run, and a baseline taken minutes earlier misleads
    results: dict[int, Phase] = {}
    if transport == "loopback":
        with loopback_server() as (url, pid):
            loopback_load(url, small, 4, 100)  # warm up
            for c in (1, 8, 32):
                base = in_process_rate(doc, base_seconds)
                cpu = cpu_seconds(pid)
                if use_wrk:
                    rate, lat, count = wrk_load(url, small, c, wrk_seconds)
                else:
                    rate, lat = loopback_load(url, small, c, n_load)
                    count = len(lat)
                results[c] = Phase(base, rate, lat, _per_request(cpu, cpu_seconds(pid), count))
            without = loopback_load(url, small, 8, n_flight)[1]
            with_big, n_big = loopback_in_flight(url, small, big, 8, n_flight)
    else:
        from credit_closure.service import create_app

        app = create_app()
        asyncio.run(asgi_phase(app, small, 4, 100))  # warm up
        for c in (1, 8, 32):
            base = in_process_rate(doc, base_seconds)
            cpu = cpu_seconds(None)
            rate, lat, _ = asyncio.run(asgi_phase(app, small, c, n_load))
            results[c] = Phase(base, rate, lat, _per_request(cpu, cpu_seconds(None), len(lat)))
        without = asyncio.run(asgi_phase(app, small, 8, n_flight))[1]
        _, with_big, n_big = asyncio.run(asgi_phase(app, small, 8, n_flight, big=big))

    use_wrk = use_wrk and transport == "loopback"
    where = (
        f"127.0.0.1, uvicorn ({server_stack()}), 1 worker"
        if transport == "loopback"
        else "in-process ASGI"
    )
    where += ", throughput by wrk" if use_wrk else ", throughput by Python client threads"
    print(f"reference service benchmark ({where}; {'quick' if args.quick else 'full'} run)")
    print(
        f"| {'measure':<34} | {'req/s':>9} | {'p50 ms':>8} | {'p99 ms':>8} | {'ratio':>7} "
        f"| {'bar':<16} | {'cpu ratio':>9} |"
    )
    print(f"|{'-' * 36}|{'-' * 11}|{'-' * 10}|{'-' * 10}|{'-' * 9}|{'-' * 18}|{'-' * 11}|")
    rows: list[str] = []
    ok = True
    for c, ph in results.items():
        rows.append(
            _row(f"in-process baseline before {c}", ph.base[0], None, "1.00x", "", cpu="1.00x")
        )
        ratio = ph.rate / ph.base[0]
        bar = ""
        if c == 8:
            passed = ratio >= 0.3
            ok &= passed
            bar = f">= 0.30x {'PASS' if passed else 'FAIL'}"
        cpu_ratio = f"{ph.base[1] / ph.cpu:.2f}x" if ph.cpu else "n/a"
        rows.append(
            _row(
                f"service, {c} client{'s' if c > 1 else ''}",
                ph.rate,
                ph.lat,
                f"{ratio:.2f}x",
                bar,
                wrk=use_wrk,
                cpu=cpu_ratio,
            )
        )
    p99_without = percentile(without, 0.99)
    p99_with = percentile(with_big, 0.99)
    ratio = p99_with / p99_without
    passed = ratio <= 3.0
    ok &= passed
    rows.append(_row("small requests, 8 clients", None, without, "1.00x", ""))
    rows.append(
        _row(
            f"same, max-size in flight ({n_big} scored)",
            None,
            with_big,
            f"{ratio:.2f}x",
            f"<= 3.00x {'PASS' if passed else 'FAIL'}",
        )
    )
    print("\n".join(rows))
    print(f"maximum-size profile: {len(big):,} bytes")
    print(
        "ratio: the service's requests/s over the in-process baseline measured just before it "
        "(the bar). cpu ratio: the baseline's CPU time per request over the server's (its "
        "throughput ratio with a core to itself, whatever else the machine runs)."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
