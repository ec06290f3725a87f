"""The reference decision service: a Starlette application around :func:`assess` and
:func:`what_if`.

Every body goes through the library's strict reader (:func:`loads_document`); reading,
checking and scoring run in a worker thread, so a large profile never blocks the event loop.
The access log names the method, the route, the status, the duration and a request id, and
nothing from a document.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credit_closure._contract.documents import MAX_DOCUMENT_BYTES, loads_document
from credit_closure._scoring.assess import _as_of, assess, what_if
from credit_closure.cli.assess import build_subject
from credit_closure.exceptions import InvalidInputError, ScoringError
from credit_closure.service._openapi import openapi_document

#: The service's logger; its records are the access log (one INFO line per request) and one
#: ERROR line per unexpected failure (the exception's type only).
access_logger = logging.getLogger("credit_closure.service")
if not any(isinstance(h, logging.NullHandler) for h in access_logger.handlers):
    access_logger.addHandler(logging.NullHandler())

#: The routes the access log names; any other path is logged as ``-`` (a path may hold data).
ROUTES = ("/v1/assess", "/v1/what-if", "/v1/scorers", "/healthz", "/openapi.json")

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WHAT_IF_KEYS = frozenset({"profile", "close", "on", "reason", "principal"})
_JSON_TYPES = ("application/json",)
#: Bodies up to this size are read and scored on the event loop (under a millisecond each);
#: larger ones in a worker thread, so that a large profile never blocks the other requests.
INLINE_BELOW = 8 * 1024


# --------------------------------------------------------------------------------------
# Replies
# --------------------------------------------------------------------------------------
class _Reply(Exception):
    """Stop handling a request and answer with ``status`` and a JSON ``body``."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


def _problems_reply(status: int, error: str, problems: list[tuple[str, str]]) -> _Reply:
    return _Reply(
        status,
        {"error": error, "problems": [{"path": p, "message": m} for p, m in problems]},
    )


def _json(status: int, body: Any, *, ascii_only: bool = True) -> Response:
    # ensure_ascii: a problem message may quote a key holding a lone surrogate, which UTF-8
    # cannot encode; escaped, every reply is valid JSON text
    data = json.dumps(body, ensure_ascii=ascii_only).encode("utf-8")
    return Response(data, status_code=status, media_type="application/json")


class _Unreadable(Exception):
    """The body is not strict JSON: the reader's error, for a 400."""

    def __init__(self, error: InvalidInputError) -> None:
        super().__init__(error)
        self.error = error


def _read(body: bytes) -> Any:
    try:
        return loads_document(body, what="request body")
    except InvalidInputError as exc:
        raise _Unreadable(exc) from None


# --------------------------------------------------------------------------------------
# The work done in a worker thread
# --------------------------------------------------------------------------------------
def _assess_body(body: bytes, scorer: Any, as_of: Any) -> bytes:
    doc = _read(body)
    subject = build_subject(doc)
    result = assess(subject, scorer=scorer, as_of=as_of)
    # the document `credit-closure assess --json` prints
    return json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")


def _request_problem_paths(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Problems of a what-if: those about the request's own keys keep their path, those about
    the subject get ``profile.`` in front."""
    out = []
    for path, message in problems:
        head = re.split(r"[.\[]", path, maxsplit=1)[0]
        if head in _WHAT_IF_KEYS - {"profile"} or head.startswith("--"):
            out.append((path.lstrip("-"), message))
        else:
            out.append((f"profile.{path}" if path else "profile", message))
    return out


def _what_if_body(body: bytes, scorer: Any) -> bytes:
    doc = _read(body)
    if not isinstance(doc, Mapping):
        raise InvalidInputError(
            [("", f"must be an object (got {type(doc).__name__})")], what="what-if request"
        )
    problems = [(str(k)[:40], "is not a known key") for k in doc if k not in _WHAT_IF_KEYS]
    problems += [(k, "is required") for k in ("profile", "close") if k not in doc]
    for key in ("on", "reason", "principal"):
        if key in doc and not isinstance(doc[key], str):
            problems.append((key, "must be a string"))
    if problems:
        raise InvalidInputError(problems, what="what-if request")
    try:
        subject = build_subject(doc["profile"])
    except InvalidInputError as exc:
        raise InvalidInputError(exc.prefixed("profile"), what="what-if request") from None
    kwargs: dict[str, Any] = {"close": doc["close"], "on": doc.get("on"), "scorer": scorer}
    if "reason" in doc:
        kwargs["reason"] = doc["reason"]
    if "principal" in doc:
        kwargs["principal"] = doc["principal"]
    try:
        w = what_if(subject, **kwargs)
    except InvalidInputError as exc:
        raise InvalidInputError(
            _request_problem_paths(exc.problems), what="what-if request"
        ) from None
    # the document `credit-closure what-if --json` prints
    return json.dumps(w.to_dict(), ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------------------
class _Service:
    """The routes of one application, bound to its scorer and limits."""

    def __init__(
        self, scorer: Any, serving: dict[str, Any], max_body: int, inline_below: int
    ) -> None:
        self.scorer = scorer
        self.serving = serving
        self.max_body = max_body
        self.inline_below = inline_below
        self.openapi = json.dumps(openapi_document(max_body=max_body)).encode("utf-8")

    async def body(self, request: Request) -> bytes:
        """The request body, refused (413) past ``max_body`` without reading the rest."""
        ctype = request.headers.get("content-type")
        if ctype is not None:
            media, _, params = ctype.partition(";")
            charset = re.search(r"charset\s*=\s*\"?([^\";\s]+)", params, re.I)
            if media.strip().lower() not in _JSON_TYPES or (
                charset is not None and charset.group(1).lower() not in ("utf-8", "utf8")
            ):
                raise _problems_reply(
                    415,
                    "unsupported media type",
                    [("content-type", "must be application/json (UTF-8)")],
                )
        length = request.headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                raise _problems_reply(
                    400, "bad request", [("content-length", "is not a number of bytes")]
                )
            if int(length) > self.max_body:
                raise self._too_large()
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body:
                raise self._too_large()
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self) -> _Reply:
        return _problems_reply(
            413, "body too large", [("", f"is larger than {self.max_body} bytes")]
        )

    async def run(self, request: Request, work: Callable[..., bytes], *args: Any) -> Response:
        """Read the body, then ``work(body, *args)`` in a worker thread; map its errors."""
        body = await self.body(request)
        try:
            if len(body) <= self.inline_below:
                # a small body costs well under a millisecond: a thread hand-off would cost
                # more than the work (docs/reference-service.md, "Concurrency")
                data = work(body, *args)
            else:
                data = await run_in_threadpool(work, body, *args)
        except _Unreadable as exc:
            raise _problems_reply(400, "unreadable JSON", exc.error.problems) from None
        except InvalidInputError as exc:
            raise _problems_reply(422, f"invalid {exc.what}", exc.problems) from None
        except ScoringError as exc:
            access_logger.error(
                "%s: scorer %r failed (%s)",
                request.state.request_id,
                exc.scorer_name,
                type(exc.original_exception).__name__,
            )
            raise _Reply(500, {"error": "the scorer failed", "scorer": exc.scorer_name}) from None
        return Response(data, media_type="application/json")

    async def assess(self, request: Request) -> Response:
        params = request.query_params
        unknown = sorted({k for k in params if k != "as_of"})
        problems = [(k[:40], "is not a known query parameter") for k in unknown]
        values = params.getlist("as_of")
        if len(values) > 1:
            problems.append(("as_of", "is given more than once"))
        as_of: Any = None
        if values and len(values) == 1:
            try:
                as_of = _as_of(values[0])
            except InvalidInputError as exc:
                problems.extend(exc.problems)
        if problems:
            raise _problems_reply(400, "bad query", problems)
        return await self.run(request, _assess_body, self.scorer, as_of)

    async def what_if(self, request: Request) -> Response:
        if request.query_params:
            raise _problems_reply(
                400,
                "bad query",
                [(k[:40], "is not a known query parameter") for k in request.query_params],
            )
        return await self.run(request, _what_if_body, self.scorer)

    async def scorers(self, request: Request) -> Response:
        from credit_closure._scoring.registry import available_scorers

        rows = [dict(info._asdict()) for info in available_scorers()]
        return _json(200, {"serving": self.serving, "available": rows})

    async def healthz(self, request: Request) -> Response:
        return _json(200, {"status": "ok"})

    async def openapi_json(self, request: Request) -> Response:
        return Response(self.openapi, media_type="application/json")


def _guard(
    handler: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """Answer every failure as JSON: a :class:`_Reply` as it says, anything else 500 with a
    generic message (its type logged, never its text: it could quote a document)."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except _Reply as reply:
            return _json(reply.status, {**reply.body, "request_id": request.state.request_id})
        except Exception as exc:
            access_logger.error(
                "%s: internal error (%s)", request.state.request_id, type(exc).__name__
            )
            return _json(500, {"error": "internal error", "request_id": request.state.request_id})

    return endpoint


class AccessLog:
    """ASGI middleware: a request id (``X-Request-Id``, kept when the client sends a plain
    one) and one access-log line per request, with no personal data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or ()).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _REQUEST_ID_RE.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        status = 500
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [*message.get("headers", ()), (b"x-request-id", rid.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            path = scope.get("path", "")
            as_of = ""
            if path == "/v1/assess" and b"as_of=" in scope.get("query_string", b""):
                value = dict(
                    p.split(b"=", 1) for p in scope["query_string"].split(b"&") if b"=" in p
                ).get(b"as_of", b"")
                shown = value.decode("ascii", "replace")
                as_of = f" as_of={shown if _DATE_RE.match(shown) else 'invalid'}"
            access_logger.info(
                "%s %s %s %d %.1fms%s",
                rid,
                scope.get("method", "-"),
                path if path in ROUTES else "-",
                status,
                (time.perf_counter() - start) * 1000.0,
                as_of,
            )


def _resolve(
    scorer: Any, model: str | os.PathLike[str] | None, sha256: str | None
) -> tuple[Any, dict[str, Any]]:
    """The scorer object and what ``/v1/scorers`` says about it."""
    if model is not None:
        if scorer is not None:
            raise InvalidInputError(
                [("model", "give a scorer or a model, not both")], what="argument"
            )
        if sha256 is None:
            raise InvalidInputError(
                [("sha256", "is required with a model: pin the artifact you mean to serve")],
                what="argument",
            )
        from credit_closure._scorecard.logistic import LogisticScorer

        card = LogisticScorer.load(model, sha256=sha256)
        return card, {
            "scorer": "model",
            "version": str(getattr(card, "version", "")),
            "sha256": sha256.lower(),
        }
    if sha256 is not None:
        raise InvalidInputError([("sha256", "is only for a model")], what="argument")
    if scorer is None:
        scorer = "rules"
    if isinstance(scorer, str):
        from credit_closure._scoring.registry import get_scorer

        obj = get_scorer(scorer)
        return obj, {"scorer": scorer, "version": str(getattr(obj, "version", ""))}
    return scorer, {
        "scorer": type(scorer).__name__,
        "version": str(getattr(scorer, "version", "")),
    }


def create_app(
    *,
    scorer: Any = None,
    model: str | os.PathLike[str] | None = None,
    sha256: str | None = None,
    max_body: int = MAX_DOCUMENT_BYTES,
) -> Starlette:
    """Build the reference decision service (an ASGI application).

    Args:
        scorer: A registered scorer name (default ``"rules"``) or a scorer object.
        model: Instead of ``scorer``, a saved scorecard artifact (from ``train``) ...
        sha256: ... pinned by the sha256 (hex) of its content; required with ``model``.
        max_body: The largest body accepted, in bytes (at most the reader's own limit,
            :data:`MAX_DOCUMENT_BYTES`).

    Returns:
        A Starlette application; serve it with any ASGI server (``credit-closure serve``
        runs uvicorn).

    Raises:
        InvalidInputError: conflicting or bad arguments.
        ScorerNotFoundError: no scorer has that name.
        ArtifactError: the model is malformed or its sha256 is not the pinned one.
    """
    if isinstance(max_body, bool) or not isinstance(max_body, int):
        raise InvalidInputError([("max_body", "must be an integer")], what="argument")
    if not 1 <= max_body <= MAX_DOCUMENT_BYTES:
        raise InvalidInputError(
            [("max_body", f"must be between 1 and {MAX_DOCUMENT_BYTES}")], what="argument"
        )
    obj, serving = _resolve(scorer, model, sha256)
    svc = _Service(obj, serving, max_body, INLINE_BELOW)

    async def not_found(request: Request, exc: Exception) -> Response:
        code = exc.status_code if isinstance(exc, HTTPException) else 500
        words = {404: "not found", 405: "method not allowed"}.get(code, "error")
        rid = getattr(request.state, "request_id", "")
        return _json(code, {"error": words, "request_id": rid})

    routes = [
        Route("/v1/assess", _guard(svc.assess), methods=["POST"]),
        Route("/v1/what-if", _guard(svc.what_if), methods=["POST"]),
        Route("/v1/scorers", _guard(svc.scorers), methods=["GET"]),
        Route("/healthz", _guard(svc.healthz), methods=["GET"]),
        Route("/openapi.json", _guard(svc.openapi_json), methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found})
    app.add_middleware(AccessLog)
    return app


def app_from_environment() -> Starlette:
    """The application ``credit-closure serve --workers N`` starts in each worker process,
    configured by the ``CREDIT_CLOSURE_SERVE`` environment variable the command sets."""
    config = json.loads(os.environ["CREDIT_CLOSURE_SERVE"])
    configure_access_log(config.get("log_level", "info"))
    return create_app(
        scorer=config.get("scorer"),
        model=config.get("model"),
        sha256=config.get("sha256"),
        max_body=int(config.get("max_body", MAX_DOCUMENT_BYTES)),
    )


def configure_access_log(level: str = "info") -> None:
    """Print the service's log to stderr (the ``serve`` command only; a library user's own
    logging configuration decides otherwise)."""
    if any(not isinstance(h, logging.NullHandler) for h in access_logger.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    access_logger.addHandler(handler)
    access_logger.setLevel(getattr(logging, level.upper(), logging.INFO))
    access_logger.propagate = False
