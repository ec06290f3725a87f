"""``credit-closure serve``: run the reference decision service (needs the ``service`` extra)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from typing import Any

#: The interpreter's thread switch interval in the server process, in seconds.
SWITCH_INTERVAL = 0.001

_EXTRA_HINT = 'the service needs Starlette and uvicorn: pip install "credit-closure[service]"'


def _usage(args: argparse.Namespace, message: str) -> None:
    args.parser.error(message)


def _check_options(args: argparse.Namespace) -> None:
    if args.model is not None and args.scorer is not None:
        _usage(args, "--scorer and --model are exclusive: serve one scorer or one model")
    if args.model is not None and args.sha256 is None:
        _usage(args, "--model needs --sha256 (pin the artifact you mean to serve)")
    if args.sha256 is not None and args.model is None:
        _usage(args, "--sha256 is only for --model")
    if args.workers < 1:
        _usage(args, "--workers must be at least 1")
    if not 0 <= args.port <= 65535:
        _usage(args, "--port must be between 0 and 65535")


def _cmd_serve(args: argparse.Namespace) -> int:
    _check_options(args)
    try:
        import uvicorn

        from credit_closure.service._app import configure_access_log, create_app
    except ImportError as exc:
        sys.stderr.write(f"credit-closure: {_EXTRA_HINT} ({exc})\n")
        return 1
    settings = {
        "scorer": args.scorer,
        "model": os.path.abspath(args.model) if args.model else None,
        "sha256": args.sha256,
        "max_body": args.max_body,
        "log_level": args.log_level,
    }
    # built here once, so that a bad scorer, model or hash stops the command before it binds
    app = create_app(
        scorer=settings["scorer"],
        model=settings["model"],
        sha256=settings["sha256"],
        max_body=settings["max_body"],
    )
    common: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "access_log": False,  # ours (credit_closure.service) names no query value
        "log_level": args.log_level,
        "timeout_graceful_shutdown": args.graceful_timeout,
        "server_header": False,
    }
    # a large body is scored in a worker thread: hand the interpreter back to the event loop
    # every millisecond (CPython's default is 5 ms), so that the small requests it serves
    # meanwhile wait less (docs/reference-service.md, "Concurrency"); this process only
    sys.setswitchinterval(SWITCH_INTERVAL)
    if args.workers == 1:
        configure_access_log(args.log_level)
        # uvicorn shuts down gracefully on SIGTERM/SIGINT, then raises the signal again for
        # the handler that was in place before it: a no-op here, so the command exits 0
        # after a graceful shutdown instead of dying by the signal
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, _after_graceful_shutdown)
        uvicorn.Server(uvicorn.Config(app, **common)).run()
        return 0
    os.environ["CREDIT_CLOSURE_SERVE"] = json.dumps(settings)
    uvicorn.run(
        "credit_closure.service._app:app_from_environment",
        factory=True,
        workers=args.workers,
        **common,
    )
    return 0


def _after_graceful_shutdown(signum: int, frame: Any) -> None:
    """The signal uvicorn raises again once it has shut down: nothing left to do."""


def register(sub: Any) -> None:
    """Add ``serve`` to the command's subparsers."""
    p = sub.add_parser(
        "serve",
        help="run the reference decision service (HTTP)",
        description="Serve POST /v1/assess, POST /v1/what-if, GET /v1/scorers, GET /healthz "
        "and GET /openapi.json with one scorer, or one model pinned by its sha256 "
        '(needs: pip install "credit-closure[service]").',
        epilog="Example: credit-closure serve --scorer rules --port 8080",
    )
    p.add_argument("--scorer", default=None, help="registered scorer name (default: rules)")
    p.add_argument(
        "--model",
        default=None,
        metavar="MODEL.json",
        help="serve a saved scorecard artifact (from `train`) instead; needs --sha256",
    )
    p.add_argument("--sha256", default=None, metavar="HEX", help="the model's expected sha256")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    p.add_argument(
        "--max-body",
        dest="max_body",
        type=int,
        default=16 * 1024 * 1024,
        metavar="BYTES",
        help="largest request body (default and maximum: 16 MiB)",
    )
    p.add_argument(
        "--graceful-timeout",
        dest="graceful_timeout",
        type=int,
        default=30,
        metavar="SECONDS",
        help="on SIGTERM/SIGINT, wait this long for requests in flight (default: 30)",
    )
    p.add_argument(
        "--log-level",
        dest="log_level",
        choices=("debug", "info", "warning", "error"),
        default="info",
        help="log level (default: info: one access line per request)",
    )
    p.set_defaults(func=_cmd_serve, parser=p)
