"""The reference decision service: HTTP for a decision engine that is not Python.

Install the extra (``pip install "credit-closure[service]"``: Starlette and uvicorn) and run
``credit-closure serve``, or build the ASGI application yourself::

    from credit_closure.service import create_app

    app = create_app(scorer="rules")  # or model="card.json", sha256="<64 hex digits>"

Routes: ``POST /v1/assess``, ``POST /v1/what-if``, ``GET /v1/scorers``, ``GET /healthz`` and
``GET /openapi.json``; ``docs/reference-service.md`` documents them, their status codes and the
access log. Importing :mod:`credit_closure` never imports this package (nor Starlette).
"""

from __future__ import annotations

from credit_closure.service._app import create_app

__all__ = ["create_app"]
