"""The reference decision service: a small ASGI application around :func:`assess` and
:func:`what_if`.

The application is one plain ASGI callable (no web framework in the request path: the
service's own work is what a request costs). Every body goes through the library's strict
reader (:func:`loads_document`); a large body is read, checked and scored in a worker thread,
so it never blocks the event loop. The access log names the method, the route, the status,
the duration and a request id, and nothing from a document.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import functools
import json
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from credit_closure._contract.documents import MAX_DOCUMENT_BYTES, loads_document
from credit_closure._scoring.assess import _as_of, assess, what_if
from credit_closure.cli.assess import build_subject
from credit_closure.exceptions import InvalidInputError, ScoringError
from credit_closure.service._openapi import openapi_document

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: The service's logger; its records are the access log (one INFO line per request) and one
#: ERROR line per unexpected failure (the exception's type only).
access_logger = logging.getLogger("credit_closure.service")
if not any(isinstance(h, logging.NullHandler) for h in access_logger.handlers):
    access_logger.addHandler(logging.NullHandler())

#: The routes the access log names; any other path is logged as ``-`` (a path may hold data).
ROUTES = ("/v1/assess", "/v1/what-if", "/v1/scorers", "/healthz", "/openapi.json")

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CHARSET_RE = re.compile(r"charset\s*=\s*\"?([^\";\s]+)", re.I)
_WHAT_IF_KEYS = frozenset({"profile", "close", "on", "reason", "principal"})
_JSON_TYPES = ("application/json",)
#: Bodies up to this size are read and scored on the event loop (under a millisecond each);
#: larger ones in a worker thread, so that a large profile never blocks the other requests.
INLINE_BELOW = 8 * 1024
#: One encoder for every 200 reply (``json.dumps`` with options builds a new one per call).
_UTF8_JSON = json.JSONEncoder(ensure_ascii=False)
_ASCII_JSON = json.JSONEncoder()
_JSON_HEADER = (b"content-type", b"application/json")
#: The status an access line records when the client left before its body was read (nothing
#: is sent); nginx's convention.
CLIENT_GONE = 499


# --------------------------------------------------------------------------------------
# Replies
# --------------------------------------------------------------------------------------
class _Reply(Exception):
    """Stop handling a request and answer with ``status`` and a JSON ``body``."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


class _ClientGone(Exception):
    """The client disconnected before its body was read: there is no one to answer."""


def _problems_reply(status: int, error: str, problems: list[tuple[str, str]]) -> _Reply:
    return _Reply(
        status,
        {"error": error, "problems": [{"path": p, "message": m} for p, m in problems]},
    )


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
# The work (on the event loop for a small body, in a worker thread for a large one)
# --------------------------------------------------------------------------------------
def _assess_body(body: bytes, scorer: Any, as_of: Any) -> bytes:
    doc = _read(body)
    subject = build_subject(doc)
    result = assess(subject, scorer=scorer, as_of=as_of)
    # the document `credit-closure assess --json` prints
    return _UTF8_JSON.encode(result.to_dict()).encode("utf-8")


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
    return _UTF8_JSON.encode(w.to_dict()).encode("utf-8")


# --------------------------------------------------------------------------------------
# Requests: headers, query, body
# --------------------------------------------------------------------------------------
class _Request:
    """What the routes read of one request: its scope, its ``receive`` and the three headers
    the service looks at (found in one pass)."""

    __slots__ = ("content_length", "content_type", "receive", "rid", "scope")

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self.scope = scope
        self.receive = receive
        self.content_type: bytes | None = None
        self.content_length: bytes | None = None
        given = b""
        for name, value in scope.get("headers") or ():
            if name == b"content-type":
                self.content_type = value
            elif name == b"content-length":
                self.content_length = value
            elif name == b"x-request-id":
                given = value
        # the client's id when it is plain, else a new random one
        text = given.decode("latin-1")
        self.rid = text if _REQUEST_ID_RE.match(text) else os.urandom(16).hex()


@functools.lru_cache(maxsize=256)
def _query(raw: bytes) -> tuple[tuple[str, str], ...]:
    """The query string's pairs, decoded as Starlette and most frameworks do (cached: a
    service sees the same few query strings over and over)."""
    return tuple(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


@functools.lru_cache(maxsize=256)
def _assess_query(raw: bytes) -> tuple[_dt.date | None, tuple[tuple[str, str], ...]]:
    """``as_of`` of ``/v1/assess`` (``None``: today), or the query's problems."""
    pairs = _query(raw)
    unknown = sorted({k for k, _ in pairs if k != "as_of"})
    problems = [(k[:40], "is not a known query parameter") for k in unknown]
    values = [v for k, v in pairs if k == "as_of"]
    if len(values) > 1:
        problems.append(("as_of", "is given more than once"))
    as_of = None
    if len(values) == 1:
        try:
            as_of = _as_of(values[0])
        except InvalidInputError as exc:
            problems.extend(exc.problems)
    return as_of, tuple(problems)


def _shown_as_of(scope: Scope) -> str:
    """The access log's `` as_of=…`` (a well-formed date or ``invalid``), else nothing."""
    query = scope.get("query_string", b"")
    if scope.get("path") != "/v1/assess" or b"as_of=" not in query:
        return ""
    value = dict(p.split(b"=", 1) for p in query.split(b"&") if b"=" in p).get(b"as_of", b"")
    shown = value.decode("ascii", "replace")
    return f" as_of={shown if _DATE_RE.match(shown) else 'invalid'}"


# --------------------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------------------
Handler = Callable[["ServiceApp", _Request], Awaitable[tuple[int, bytes]]]


class ServiceApp:
    """The reference decision service: an ASGI 3 application (HTTP and lifespan) with the
    routes of ``docs/reference-service.md``, bound to one scorer and one body limit.

    Built by :func:`create_app`; serve it with any asyncio ASGI server.
    """

    def __init__(self, scorer: Any, serving: dict[str, Any], max_body: int) -> None:
        self.scorer = scorer
        self.serving = serving
        self.max_body = max_body
        self.inline_below = INLINE_BELOW
        self.openapi = json.dumps(openapi_document(max_body=max_body)).encode("utf-8")
        self.routes: dict[str, tuple[frozenset[str], Handler]] = {
            "/v1/assess": (frozenset({"POST"}), ServiceApp.assess),
            "/v1/what-if": (frozenset({"POST"}), ServiceApp.what_if),
            "/v1/scorers": (frozenset({"GET", "HEAD"}), ServiceApp.scorers),
            "/healthz": (frozenset({"GET", "HEAD"}), ServiceApp.healthz),
            "/openapi.json": (frozenset({"GET", "HEAD"}), ServiceApp.openapi_json),
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self.http(scope, receive, send)
        elif kind == "lifespan":
            await _lifespan(receive, send)
        else:  # a websocket: not served
            await send({"type": "websocket.close", "code": 1000})

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one HTTP request and write its access line."""
        start = time.perf_counter()
        request = _Request(scope, receive)
        rid = request.rid
        route = self.routes.get(scope["path"])
        extra: list[tuple[bytes, bytes]] = []
        try:
            if route is None:
                raise _Reply(404, {"error": "not found"})
            methods, handler = route
            if scope["method"] not in methods:
                extra.append((b"allow", ", ".join(sorted(methods)).encode("ascii")))
                raise _Reply(405, {"error": "method not allowed"})
            status, data = await handler(self, request)
        except _Reply as reply:
            status = reply.status
            data = _ASCII_JSON.encode({**reply.body, "request_id": rid}).encode("ascii")
        except _ClientGone:
            status, data = CLIENT_GONE, b""
        except Exception as exc:
            access_logger.error("%s: internal error (%s)", rid, type(exc).__name__)
            status = 500
            body = {"error": "internal error", "request_id": rid}
            data = _ASCII_JSON.encode(body).encode("ascii")
        try:
            if status != CLIENT_GONE:
                headers = [
                    _JSON_HEADER,
                    (b"content-length", str(len(data)).encode("ascii")),
                    (b"x-request-id", rid.encode("ascii")),
                    *extra,
                ]
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": data})
        finally:
            if access_logger.isEnabledFor(logging.INFO):
                access_logger.info(
                    "%s %s %s %d %.1fms%s",
                    rid,
                    scope.get("method", "-"),
                    scope["path"] if route is not None else "-",
                    status,
                    (time.perf_counter() - start) * 1000.0,
                    _shown_as_of(scope),
                )

    # -- reading ---------------------------------------------------------------------
    async def body(self, request: _Request) -> bytes:
        """The request body, refused (413) past ``max_body`` without reading the rest."""
        ctype = request.content_type
        if ctype is not None and ctype != b"application/json":
            media, _, params = ctype.decode("latin-1").partition(";")
            charset = _CHARSET_RE.search(params)
            if media.strip().lower() not in _JSON_TYPES or (
                charset is not None and charset.group(1).lower() not in ("utf-8", "utf8")
            ):
                raise _problems_reply(
                    415,
                    "unsupported media type",
                    [("content-type", "must be application/json (UTF-8)")],
                )
        length = request.content_length
        if length is not None:
            if not length.isdigit():
                raise _problems_reply(
                    400, "bad request", [("content-length", "is not a number of bytes")]
                )
            if int(length) > self.max_body:
                raise self._too_large()
        chunks: list[bytes] = []
        size = 0
        receive = request.receive
        while True:
            message = await receive()
            if message["type"] != "http.request":  # http.disconnect
                raise _ClientGone
            chunk = message.get("body", b"")
            if chunk:
                size += len(chunk)
                if size > self.max_body:
                    raise self._too_large()
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _too_large(self) -> _Reply:
        return _problems_reply(
            413, "body too large", [("", f"is larger than {self.max_body} bytes")]
        )

    async def run(
        self, request: _Request, work: Callable[..., bytes], *args: Any
    ) -> tuple[int, bytes]:
        """Read the body, then ``work(body, *args)`` (in a worker thread for a large body);
        map its errors."""
        body = await self.body(request)
        try:
            if len(body) <= self.inline_below:
                # a small body costs well under a millisecond: a thread hand-off would cost
                # more than the work (docs/reference-service.md, "Concurrency")
                data = work(body, *args)
            else:
                loop = asyncio.get_running_loop()
                data = await loop.run_in_executor(None, functools.partial(work, body, *args))
        except _Unreadable as exc:
            raise _problems_reply(400, "unreadable JSON", exc.error.problems) from None
        except InvalidInputError as exc:
            raise _problems_reply(422, f"invalid {exc.what}", exc.problems) from None
        except ScoringError as exc:
            access_logger.error(
                "%s: scorer %r failed (%s)",
                request.rid,
                exc.scorer_name,
                type(exc.original_exception).__name__,
            )
            raise _Reply(500, {"error": "the scorer failed", "scorer": exc.scorer_name}) from None
        return 200, data

    # -- routes ----------------------------------------------------------------------
    async def assess(self, request: _Request) -> tuple[int, bytes]:
        as_of, problems = _assess_query(request.scope.get("query_string", b""))
        if problems:
            raise _problems_reply(400, "bad query", list(problems))
        # looked up here, not bound: a test replaces it to see which thread runs it
        return await self.run(request, _assess_body, self.scorer, as_of)

    async def what_if(self, request: _Request) -> tuple[int, bytes]:
        pairs = _query(request.scope.get("query_string", b""))
        if pairs:
            raise _problems_reply(
                400, "bad query", [(k[:40], "is not a known query parameter") for k, _ in pairs]
            )
        return await self.run(request, _what_if_body, self.scorer)

    async def scorers(self, request: _Request) -> tuple[int, bytes]:
        from credit_closure._scoring.registry import available_scorers

        rows = [dict(info._asdict()) for info in available_scorers()]
        return 200, _ASCII_JSON.encode({"serving": self.serving, "available": rows}).encode()

    async def healthz(self, request: _Request) -> tuple[int, bytes]:
        return 200, b'{"status": "ok"}'

    async def openapi_json(self, request: _Request) -> tuple[int, bytes]:
        return 200, self.openapi


async def _lifespan(receive: Receive, send: Send) -> None:
    """Start-up and shutdown: nothing to do (the scorer is loaded when the app is built)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


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
) -> ServiceApp:
    """Build the reference decision service (an ASGI application).

    Args:
        scorer: A registered scorer name (default ``"rules"``) or a scorer object.
        model: Instead of ``scorer``, a saved scorecard artifact (from ``train``) ...
        sha256: ... pinned by the sha256 (hex) of its content; required with ``model``.
        max_body: The largest body accepted, in bytes (at most the reader's own limit,
            :data:`MAX_DOCUMENT_BYTES`).

    Returns:
        An ASGI 3 application; serve it with any asyncio ASGI server (``credit-closure
        serve`` runs uvicorn).

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
    return ServiceApp(obj, serving, max_body)


def app_from_environment() -> ServiceApp:
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
