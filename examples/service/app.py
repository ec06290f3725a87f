"""A minimal decision service built as ``docs/decision-service.md`` describes it.

``POST /v1/assess?as_of=YYYY-MM-DD`` with a profile or enterprise document as the body:

- 200 with the assessment;
- 400 when the body is not a JSON document the strict reader accepts (not UTF-8, a BOM,
  UTF-16/32, duplicate keys, ``NaN``, too deep, ...) or ``as_of`` is missing or wrong;
- 413 when the body is over the size limit;
- 422 with the problem list when the document is JSON but not a valid profile/enterprise;
- 500 only for a server-side fault (a scorer that raises: ``ScoringError``), never for bad
  input.

The request handling is the plain function :func:`handle`, so it can be tested (and reused
by another framework) without Starlette; :func:`create_app` wraps it in a Starlette route
and runs it in the thread pool, so that a large profile does not block the event loop.

Run it with ``uvicorn examples.service.app:app`` (needs ``starlette`` and ``uvicorn``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from credit_closure import CreditProfile, Enterprise, InvalidInputError, assess
from credit_closure._contract.documents import MAX_DOCUMENT_BYTES, loads_document
from credit_closure.exceptions import CreditClosureError, ScoringError

#: Largest request body accepted (bytes); the library's own document limit.
MAX_BODY_BYTES = MAX_DOCUMENT_BYTES
#: Problems returned in one response at most (the count is always given).
MAX_PROBLEMS = 50
#: The scorer: a registered name here; load a pinned ``LogisticScorer`` once at start-up
#: in a real service (``LogisticScorer.load(path, sha256=APPROVED)``).
SCORER = "rules"


def _problems(exc: InvalidInputError) -> list[dict[str, str]]:
    return [{"path": p, "message": m} for p, m in exc.problems[:MAX_PROBLEMS]]


def _as_of(query: Mapping[str, str]) -> str | tuple[int, dict[str, Any]]:
    """The ``as_of`` query parameter, or an error response."""
    value = query.get("as_of")
    if value is None:
        return 400, {"error": "missing_as_of", "detail": "pass as_of=YYYY-MM-DD"}
    if not isinstance(value, str):
        return 400, {"error": "invalid_as_of", "detail": "as_of must be text"}
    return value


def handle(body: bytes, query: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
    """Answer one ``POST /v1/assess``: ``(HTTP status, JSON-able body)``.

    Bad input is always a 4xx; only a scorer failing while scoring is a 5xx.
    """
    if len(body) > MAX_BODY_BYTES:
        return 413, {"error": "too_large", "detail": f"the limit is {MAX_BODY_BYTES} bytes"}
    as_of = _as_of(query)
    if isinstance(as_of, tuple):
        return as_of
    try:
        doc = loads_document(body)
    except InvalidInputError as exc:
        return 400, {"error": "unreadable_json", "problems": _problems(exc)}
    try:
        if isinstance(doc, dict) and "enterprise_id" in doc:
            subject: Any = Enterprise.from_dict(doc)
        else:
            subject = CreditProfile.from_dict(doc)
    except InvalidInputError as exc:
        return 422, {
            "error": "invalid_document",
            "count": len(exc.problems),
            "problems": _problems(exc),
        }
    try:
        result = assess(subject, scorer=SCORER, as_of=as_of)
    except InvalidInputError as exc:  # as_of, or a document dated after it
        return 422, {
            "error": "invalid_request",
            "count": len(exc.problems),
            "problems": _problems(exc),
        }
    except ScoringError:
        return 500, {"error": "scoring_failed"}
    except CreditClosureError:
        return 500, {"error": "configuration"}
    return 200, result.to_dict()


def encode(payload: Mapping[str, Any]) -> bytes:
    """JSON bytes of a response body. ``ensure_ascii=True`` escapes every non-ASCII
    character, so a lone surrogate echoed in a problem cannot make the response
    unencodable."""
    return json.dumps(payload, ensure_ascii=True, allow_nan=False).encode("ascii")


def create_app() -> Any:
    """The Starlette application (imported lazily: only the service needs Starlette)."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def assess_route(request: Request) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            status, payload = 413, {"error": "too_large"}
        else:
            chunks = []
            size = 0
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    break
                chunks.append(chunk)
            if size > MAX_BODY_BYTES:
                status, payload = 413, {"error": "too_large"}
            else:
                body = b"".join(chunks)
                query = dict(request.query_params)
                status, payload = await run_in_threadpool(handle, body, query)
        return Response(encode(payload), status_code=status, media_type="application/json")

    return Starlette(routes=[Route("/v1/assess", assess_route, methods=["POST"])])


def __getattr__(name: str) -> Any:
    # ``uvicorn examples.service.app:app`` builds the app on first access.
    if name == "app":
        return create_app()
    raise AttributeError(name)
