"""The OpenAPI 3.1 description of the reference service, built from the JSON Schemas of the
v1 documents (``credit_closure/schema/*.schema.json``).

OpenAPI 3.1 uses JSON Schema draft 2020-12, the draft of our schemas, so they are embedded as
they are: each schema's ``$defs`` become entries of ``components.schemas`` and its
``#/$defs/NAME`` references are rewritten to point there.
"""

from __future__ import annotations

import copy
from typing import Any

from credit_closure._contract.documents import json_schema
from credit_closure._version import __version__

_REF_PREFIX = "#/$defs/"


def _rewrite_refs(node: Any, names: dict[str, str]) -> Any:
    """``node`` with every ``#/$defs/X`` reference replaced by its component."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_REF_PREFIX):
                out[key] = "#/components/schemas/" + names[value[len(_REF_PREFIX) :]]
            else:
                out[key] = _rewrite_refs(value, names)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, names) for v in node]
    return node


def _component_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def document_schemas() -> dict[str, Any]:
    """The ``components.schemas`` of the v1 profile and enterprise documents."""
    components: dict[str, Any] = {}
    for kind in ("profile", "enterprise"):
        schema = copy.deepcopy(json_schema(kind))
        defs: dict[str, Any] = schema.pop("$defs", {})
        for key in ("$schema", "$id"):
            schema.pop(key, None)
        plain = {name: _component_name(name) for name in defs}
        names: dict[str, str] = {}
        for name, sub in defs.items():
            # the enterprise embeds the profile's definitions: identical ones are shared
            taken = components.get(plain[name])
            same = taken is None or taken == _rewrite_refs(sub, plain)
            names[name] = plain[name] if same else _component_name(f"{kind}_{name}")
        for name, sub in defs.items():
            components[names[name]] = _rewrite_refs(sub, names)
        top = _component_name(kind)
        components[top] = _rewrite_refs(schema, names)
    return components


_PROBLEMS = {
    "type": "object",
    "required": ["error", "problems"],
    "properties": {
        "error": {"type": "string", "description": "what was wrong, in a few words"},
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["path", "message"],
                "properties": {
                    "path": {
                        "type": "string",
                        "description": "where in the document ('' for the whole body)",
                    },
                    "message": {"type": "string"},
                },
                "additionalProperties": False,
            },
        },
        "request_id": {"type": "string"},
    },
}

_FAILURE = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "scorer": {"type": "string", "description": "the scorer that failed"},
        "request_id": {"type": "string"},
    },
}

_WHAT_IF_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["profile", "close"],
    "properties": {
        "profile": {
            "description": "the subject: a profile document, or an enterprise document",
            "oneOf": [
                {"$ref": "#/components/schemas/Profile"},
                {"$ref": "#/components/schemas/Enterprise"},
            ],
        },
        "close": {
            "description": "the account id to close, or several",
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}, "minItems": 1},
            ],
        },
        "on": {
            "type": "string",
            "format": "date",
            "description": "closing and assessment date (default: today, UTC)",
        },
        "reason": {"type": "string", "description": "closure reason to record (default unknown)"},
        "principal": {
            "type": "string",
            "description": "enterprise only: the subject id of the principal who closes them",
        },
    },
}


def _errors(*codes: int) -> dict[str, Any]:
    texts = {
        400: ("unreadable body (not strict UTF-8 JSON) or a bad query parameter", "Problems"),
        413: ("body larger than the service's limit", "Problems"),
        415: ("Content-Type is not application/json (UTF-8)", "Problems"),
        422: ("the document is invalid; every problem with its path", "Problems"),
        500: ("the scorer failed; no subject data in the reply", "Failure"),
    }
    return {
        str(c): {
            "description": texts[c][0],
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{texts[c][1]}"}}
            },
        }
        for c in codes
    }


def _json_reply(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }


def openapi_document(*, max_body: int) -> dict[str, Any]:
    """The service's OpenAPI 3.1 document."""
    components = document_schemas()
    components["Problems"] = _PROBLEMS
    components["Failure"] = _FAILURE
    components["WhatIfRequest"] = _WHAT_IF_REQUEST
    body_errors = _errors(400, 413, 415, 422, 500)
    subject = {
        "oneOf": [
            {"$ref": "#/components/schemas/Profile"},
            {"$ref": "#/components/schemas/Enterprise"},
        ]
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "credit-closure reference decision service",
            "version": __version__,
            "description": "Assess v1 profile and enterprise documents. Bodies are strict "
            f"UTF-8 JSON (no byte-order mark, no duplicate keys), at most {max_body} bytes.",
        },
        "paths": {
            "/v1/assess": {
                "post": {
                    "summary": "Assess a profile or an enterprise",
                    "parameters": [
                        {
                            "name": "as_of",
                            "in": "query",
                            "required": False,
                            "description": "assessment date YYYY-MM-DD (default: today, UTC)",
                            "schema": {"type": "string", "format": "date"},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": subject}},
                    },
                    "responses": {
                        "200": _json_reply("the document `credit-closure assess --json` prints"),
                        **body_errors,
                    },
                }
            },
            "/v1/what-if": {
                "post": {
                    "summary": "Before and after closing accounts",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/WhatIfRequest"}
                            }
                        },
                    },
                    "responses": {
                        "200": _json_reply("the document `credit-closure what-if --json` prints"),
                        **body_errors,
                    },
                }
            },
            "/v1/scorers": {
                "get": {
                    "summary": "The scorer this service uses, and the scorers installed",
                    "responses": {"200": _json_reply("serving and available scorers")},
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Liveness",
                    "responses": {"200": _json_reply('{"status": "ok"}')},
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": _json_reply("OpenAPI 3.1")},
                }
            },
        },
        "components": {"schemas": components},
    }
