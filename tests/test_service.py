"""The reference decision service (``credit_closure.service``, ``credit-closure serve``).

In-process with Starlette's TestClient always; end to end over 127.0.0.1 (uvicorn in a
subprocess on a free port) when uvicorn is installed.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import json
import logging
import os
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from credit_closure import CreditProfile, assess, what_if
from credit_closure.cli import main
from credit_closure.exceptions import InvalidInputError, ScorerNotFoundError

pytest.importorskip("starlette")
httpx = pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's TestClient deprecates plain httpx
    from starlette.testclient import TestClient

from credit_closure.service import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "examples" / "profiles" / "06_open_lines_whatif.json"
AS_OF = "2025-12-31"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:starlette.*")


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location(
        "bench_service", ROOT / "benchmarks" / "bench_service.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with TestClient(create_app(), raise_server_exceptions=False) as c:
            yield c


def _post(client: TestClient, path: str, body: bytes, **headers: str) -> Any:
    return client.post(path, content=body, headers={"content-type": "application/json", **headers})


# --------------------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------------------
class TestRoutes:
    def test_assess_is_the_cli_document(
        self, client: TestClient, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """POST /v1/assess answers what `credit-closure assess --json` prints."""
        r = _post(client, f"/v1/assess?as_of={AS_OF}", PROFILE.read_bytes())
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/json"
        assert main(["assess", str(PROFILE), "--as-of", AS_OF, "--json"]) == 0
        assert r.json() == json.loads(capsys.readouterr().out)

    def test_assess_enterprise(self, client: TestClient) -> None:
        """An enterprise document is assessed as an enterprise."""
        path = next((ROOT / "examples" / "enterprise").glob("*.json"))
        r = _post(client, f"/v1/assess?as_of={AS_OF}", path.read_bytes())
        assert r.status_code == 200, r.text
        assert "principals" in r.json()

    def test_as_of_defaults_to_today(self, client: TestClient) -> None:
        """Without as_of the assessment is dated today (UTC), as on the command line."""
        r = _post(client, "/v1/assess", PROFILE.read_bytes())
        assert r.status_code == 200
        assert r.json()["as_of"] == assess(json.loads(PROFILE.read_bytes())).to_dict()["as_of"]

    def test_what_if_is_the_cli_document(
        self, client: TestClient, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """POST /v1/what-if answers what `credit-closure what-if --json` prints."""
        body = {"profile": json.loads(PROFILE.read_bytes()), "close": ["hb1"], "on": AS_OF}
        r = client.post("/v1/what-if", json=body)
        assert r.status_code == 200, r.text
        argv = ["what-if", str(PROFILE), "--close", "hb1", "--on", AS_OF, "--json"]
        assert main(argv) == 0
        assert r.json() == json.loads(capsys.readouterr().out)
        w = what_if(json.loads(PROFILE.read_bytes()), close="hb1", on=AS_OF)
        assert r.json() == json.loads(json.dumps(w.to_dict()))

    def test_what_if_one_id_and_reason(self, client: TestClient) -> None:
        """close may be one id; reason is recorded."""
        body = {
            "profile": json.loads(PROFILE.read_bytes()),
            "close": "hb1",
            "on": AS_OF,
            "reason": "unknown",
        }
        r = client.post("/v1/what-if", json=body)
        assert r.status_code == 200, r.text
        assert r.json()["closed"] == ["hb1"]

    def test_scorers(self, client: TestClient) -> None:
        """GET /v1/scorers: the scorer served and the installed ones."""
        r = client.get("/v1/scorers")
        assert r.status_code == 200
        doc = r.json()
        assert doc["serving"]["scorer"] == "rules"
        assert {"rules", "logistic"} <= {row["name"] for row in doc["available"]}

    def test_healthz(self, client: TestClient) -> None:
        assert client.get("/healthz").json() == {"status": "ok"}

    def test_openapi_embeds_the_json_schemas(self, client: TestClient) -> None:
        """GET /openapi.json: OpenAPI 3.1 whose Profile is the profile JSON Schema."""
        from credit_closure._contract.documents import json_schema

        doc = client.get("/openapi.json").json()
        assert doc["openapi"] == "3.1.0"
        assert set(doc["paths"]) == {
            "/v1/assess",
            "/v1/what-if",
            "/v1/scorers",
            "/healthz",
            "/openapi.json",
        }
        schemas = doc["components"]["schemas"]
        profile = json_schema("profile")
        assert schemas["Profile"]["properties"].keys() == profile["properties"].keys()
        text = json.dumps(doc)
        assert "#/$defs/" not in text
        for ref in _refs(doc):
            assert ref.removeprefix("#/components/schemas/") in schemas, ref

    def test_openapi_profile_schema_validates_the_examples(self, client: TestClient) -> None:
        """The embedded Profile schema (refs resolved in the OpenAPI document) accepts the
        example profiles."""
        jsonschema = pytest.importorskip("jsonschema")
        doc = client.get("/openapi.json").json()
        schema = {"$ref": "#/components/schemas/Profile", "components": doc["components"]}
        for path in sorted((ROOT / "examples" / "profiles").glob("*.json")):
            jsonschema.validate(json.loads(path.read_bytes()), schema)

    def test_request_id_is_echoed(self, client: TestClient) -> None:
        """A plain X-Request-Id is kept; anything else is replaced."""
        r = client.get("/healthz", headers={"x-request-id": "abc-123"})
        assert r.headers["x-request-id"] == "abc-123"
        r = client.get("/healthz", headers={"x-request-id": "has space"})
        assert r.headers["x-request-id"] != "has space"
        assert len(r.headers["x-request-id"]) == 32


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


# --------------------------------------------------------------------------------------
# Bad input: always 4xx, with the problem list
# --------------------------------------------------------------------------------------
GOOD = PROFILE.read_bytes()

BAD_BODIES = [
    ("bom", b"\xef\xbb\xbf" + GOOD, 400),
    ("utf16", GOOD.decode().encode("utf-16"), 400),
    ("utf16le", GOOD.decode().encode("utf-16-le"), 400),
    ("latin1", '{"subject_id": "é"}'.encode("latin-1"), 400),
    ("duplicate keys", b'{"subject_id": "a", "subject_id": "b"}', 400),
    ("truncated", GOOD[: len(GOOD) // 2], 400),
    ("empty", b"", 400),
    ("nan", b'{"subject_id": "a", "attributes": {"x": NaN}}', 400),
    ("lone surrogate", b'{"subject_id": "\\ud800"}', 400),
    ("too deep", b"[" * 40 + b"]" * 40, 400),
    ("not an object", b"[1, 2]", 422),
    ("a string", b'"hello"', 422),
    ("unknown key", b'{"subject_id": "a", "zz": 1}', 422),
    ("lone-surrogate key", b'{"subject_id": "a", "\\udc80x": 1}', 400),
    ("bad field", b'{"subject_id": 3}', 422),
    ("dated after as_of", GOOD.replace(b"2019-04-01", b"2030-04-01"), 422),
]


class TestBadInput:
    @pytest.mark.parametrize("name, body, status", BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
    def test_bad_body(self, client: TestClient, name: str, body: bytes, status: int) -> None:
        """Each bad body gets its 4xx and a JSON problem list."""
        r = _post(client, f"/v1/assess?as_of={AS_OF}", body)
        assert r.status_code == status, r.text
        doc = json.loads(r.content.decode("ascii"))  # replies are ASCII JSON
        assert doc["problems"] and all({"path", "message"} == set(p) for p in doc["problems"])

    def test_unknown_key_is_named(self, client: TestClient) -> None:
        r = _post(client, "/v1/assess", b'{"subject_id": "a", "zz": 1}')
        assert r.json()["problems"] == [{"path": "zz", "message": "is not a known field"}]

    @pytest.mark.parametrize(
        "query",
        ["as_of=2025-13-01", "as_of=yesterday", "as_of=", "as_of=2025-12-31&as_of=2025-12-30"],
    )
    def test_bad_as_of(self, client: TestClient, query: str) -> None:
        r = _post(client, f"/v1/assess?{query}", GOOD)
        assert r.status_code == 400
        assert [p["path"] for p in r.json()["problems"]] == ["as_of"]

    def test_unknown_query_parameter(self, client: TestClient) -> None:
        r = _post(client, "/v1/assess?subject=x", GOOD)
        assert r.status_code == 400
        assert r.json()["problems"][0]["path"] == "subject"
        assert _post(client, "/v1/what-if?x=1", b"{}").status_code == 400

    def test_oversized_body_is_413(self) -> None:
        """Over the limit: 413, by Content-Length or (without one) while reading."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            small = TestClient(create_app(max_body=len(GOOD) - 1))
        r = _post(small, "/v1/assess", GOOD)
        assert r.status_code == 413
        assert _post(small, "/v1/assess", GOOD[:-2] + b" }").status_code == 413

        def chunks() -> Iterator[bytes]:
            yield GOOD[:100]
            yield GOOD[100:]

        r = small.post("/v1/assess", content=chunks())  # chunked: no Content-Length
        assert r.status_code == 413
        assert (
            _post(small, f"/v1/assess?as_of={AS_OF}", GOOD.rstrip()).status_code == 200
        )  # at the limit

    def test_content_type(self, client: TestClient) -> None:
        """Only JSON in UTF-8; no Content-Type is taken as JSON."""
        r = client.post("/v1/assess", content=GOOD, headers={"content-type": "text/plain"})
        assert r.status_code == 415
        r = client.post(
            "/v1/assess",
            content=GOOD,
            headers={"content-type": "application/json; charset=utf-16"},
        )
        assert r.status_code == 415
        r = client.post(
            f"/v1/assess?as_of={AS_OF}",
            content=GOOD,
            headers={"content-type": "application/json; charset=UTF-8"},
        )
        assert r.status_code == 200
        assert client.post(f"/v1/assess?as_of={AS_OF}", content=GOOD).status_code == 200

    def test_bad_content_length(self, client: TestClient) -> None:
        r = client.post("/v1/assess", content=GOOD, headers={"content-length": "x"})
        assert r.status_code == 400

    @pytest.mark.parametrize(
        "body, paths",
        [
            ({"close": ["hb1"]}, ["profile"]),
            ({"profile": {"subject_id": "a"}}, ["close"]),
            ({"profile": {"subject_id": "a"}, "close": "x", "extra": 1}, ["extra"]),
            ({"profile": {"subject_id": 3}, "close": "x"}, ["profile.subject_id"]),
            ({"profile": {"subject_id": "a"}, "close": 3}, ["close"]),
            ({"profile": "GOOD", "close": ["nope"], "on": AS_OF}, ["close[0]"]),
            ({"profile": "GOOD", "close": ["hb1"], "on": "31/12/2025"}, ["on"]),
            ({"profile": "GOOD", "close": ["hb1"], "on": 20251231}, ["on"]),
            ({"profile": "GOOD", "close": ["hb1"], "principal": "p"}, ["principal"]),
        ],
    )
    def test_bad_what_if(self, client: TestClient, body: dict[str, Any], paths: list[str]) -> None:
        """A what-if request's problems name the request key or the path in the profile."""
        if body.get("profile") == "GOOD":
            body = {**body, "profile": json.loads(GOOD)}
        r = client.post("/v1/what-if", json=body)
        assert r.status_code == 422, r.text
        assert [p["path"] for p in r.json()["problems"]] == paths

    def test_what_if_not_an_object(self, client: TestClient) -> None:
        assert _post(client, "/v1/what-if", b"[]").status_code == 422
        assert _post(client, "/v1/what-if", b"\xef\xbb\xbf{}").status_code == 400

    def test_unknown_route_and_method(self, client: TestClient) -> None:
        assert client.get("/v1/nope").status_code == 404
        assert client.get("/v1/assess").status_code == 405
        assert client.get("/v1/nope").json()["error"] == "not found"

    def test_method_not_allowed_names_the_allowed(self, client: TestClient) -> None:
        r = client.delete("/healthz")
        assert r.status_code == 405
        assert r.headers["allow"] == "GET, HEAD"
        assert client.get("/v1/what-if").headers["allow"] == "POST"

    def test_head_of_a_get_route(self, client: TestClient) -> None:
        r = client.head("/healthz")
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/json"

    def test_query_parsing_is_cached_by_value(self, client: TestClient) -> None:
        """The same query string twice gets the same answer (the parse is cached by value)."""
        for _ in range(2):
            assert _post(client, "/v1/assess?as_of=2025-02-30", GOOD).status_code == 400
            r = _post(client, "/v1/assess?as_of=2025-12-31", GOOD)
            assert r.status_code == 200 and r.json()["as_of"] == "2025-12-31"
            r = _post(client, "/v1/assess?as_of=2025-12-31&x", GOOD)
            assert [p["path"] for p in r.json()["problems"]] == ["x"]

    def test_malformed_corpus_never_5xx(self, client: TestClient) -> None:
        """Every document of the test suite's malformed corpus gets a 4xx."""
        bad = sorted(p for p in (ROOT / "tests" / "data" / "bad").iterdir() if p.is_file())
        assert len(bad) >= 50
        for path in bad:
            r = _post(client, f"/v1/assess?as_of={AS_OF}", path.read_bytes())
            assert r.status_code < 500, (path.name, r.text)

    def test_hypothesis_bodies_never_5xx(self, client: TestClient) -> None:
        """Random bytes and random JSON get a 2xx or a 4xx, never a 5xx."""
        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st

        json_values = st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=8),
            lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
            max_leaves=10,
        )

        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v))))
        def check(body: Any) -> None:
            data = body if isinstance(body, bytes) else body.encode()
            for path in ("/v1/assess", "/v1/what-if"):
                assert _post(client, path, data).status_code < 500

        check()


# --------------------------------------------------------------------------------------
# Scorers, models and failures
# --------------------------------------------------------------------------------------
class _Broken:
    credit_closure_api = 1
    version = "broken-1"

    def score(self, profile: Any, as_of: Any) -> Any:
        raise RuntimeError(f"boom {profile.subject_id}")


class TestConfiguration:
    def test_scoring_error_is_a_generic_500(self, caplog: pytest.LogCaptureFixture) -> None:
        """A failing scorer: 500 naming the scorer, nothing of the subject, in reply or log."""
        caplog.set_level(logging.DEBUG)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            c = TestClient(create_app(scorer=_Broken()), raise_server_exceptions=False)
        r = _post(c, f"/v1/assess?as_of={AS_OF}", GOOD)
        assert r.status_code == 500
        assert set(r.json()) == {"error", "scorer", "request_id"}
        assert "p-0c11" not in r.text
        assert all("p-0c11" not in rec.getMessage() for rec in caplog.records)

    def test_unknown_scorer_fails_at_start(self) -> None:
        with pytest.raises(ScorerNotFoundError):
            create_app(scorer="no-such-scorer")

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"scorer": "rules", "model": "m.json", "sha256": "0" * 64},
            {"model": "m.json"},
            {"sha256": "0" * 64},
            {"max_body": 0},
            {"max_body": 10**9},
            {"max_body": True},
        ],
    )
    def test_conflicting_arguments(self, kwargs: dict[str, Any]) -> None:
        with pytest.raises(InvalidInputError):
            create_app(**kwargs)

    def test_model_pinned_by_sha256(self, tmp_path: Path) -> None:
        """A model is served only with the sha256 it has; /v1/scorers states it."""
        from credit_closure.exceptions import ArtifactError

        model, sha = _trained_model(tmp_path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            c = TestClient(create_app(model=model, sha256=sha))
        assert c.get("/v1/scorers").json()["serving"]["sha256"] == sha
        assert _post(c, f"/v1/assess?as_of={AS_OF}", GOOD).status_code == 200
        with pytest.raises(ArtifactError):
            create_app(model=model, sha256="f" * 64)


def _trained_model(tmp_path: Path) -> tuple[str, str]:
    from credit_closure import LogisticScorer
    from credit_closure.synth import generate_portfolio

    dev = generate_portfolio(600, seed=11)
    card = LogisticScorer().fit(dev.profiles, dev.outcomes, as_of=dev.as_of)
    path = tmp_path / "card.json"
    card.save(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    return str(path), str(doc["sha256"])


class TestServeCommand:
    @pytest.mark.parametrize(
        "argv",
        [
            ["serve", "--scorer", "rules", "--model", "m.json", "--sha256", "0" * 64],
            ["serve", "--model", "m.json"],
            ["serve", "--sha256", "0" * 64],
            ["serve", "--workers", "0"],
            ["serve", "--port", "70000"],
        ],
    )
    def test_usage_errors(self, argv: list[str]) -> None:
        """Conflicting or incomplete options are usage errors (exit 2)."""
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2

    def test_listed_in_help(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit):
            main(["serve", "--help"])
        out = capsys.readouterr().out
        for option in ("--scorer", "--model", "--sha256", "--workers", "--host", "--port"):
            assert option in out

    def test_without_uvicorn_says_which_extra(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setitem(sys.modules, "uvicorn", None)
        assert main(["serve"]) == 1
        assert "credit-closure[service]" in capsys.readouterr().err

    def test_serve_hands_the_interpreter_back_often(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The server process switches threads every millisecond (a large body is scored in
        a worker thread while the event loop serves the small ones); one uvicorn worker."""
        uvicorn = pytest.importorskip("uvicorn")
        from credit_closure.cli import serve

        calls: list[Any] = []
        monkeypatch.setattr(sys, "setswitchinterval", lambda s: calls.append(("switch", s)))
        monkeypatch.setattr(serve.signal, "signal", lambda *a: None)

        class _Server:
            def __init__(self, config: Any) -> None:
                calls.append(("config", config.http, config.loop))

            def run(self) -> None:
                calls.append(("run",))

        monkeypatch.setattr(uvicorn, "Server", _Server)
        from credit_closure.service import _app

        # not the real one: it would give the service's logger a handler in this process
        monkeypatch.setattr(_app, "configure_access_log", lambda level: None)
        assert main(["serve", "--log-level", "warning"]) == 0
        assert calls[0] == ("switch", serve.SWITCH_INTERVAL) and serve.SWITCH_INTERVAL == 0.001
        assert calls[1] == ("config", "auto", "auto")  # httptools and uvloop when installed
        assert calls[2] == ("run",)

    def test_bad_scorer_stops_before_binding(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        pytest.importorskip("uvicorn")
        assert main(["serve", "--scorer", "no-such-scorer"]) == 3  # a scorer fault: exit 3


# --------------------------------------------------------------------------------------
# Logs, imports, the event loop
# --------------------------------------------------------------------------------------
class TestPrivacyAndShape:
    def test_access_log_has_no_personal_data(self, caplog: pytest.LogCaptureFixture) -> None:
        """One line per request: id, method, route, status, duration, as_of; nothing else."""
        caplog.set_level(logging.DEBUG, logger="credit_closure.service")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            c = TestClient(create_app())
        _post(c, f"/v1/assess?as_of={AS_OF}", GOOD, **{"x-request-id": "rq-1"})
        _post(c, "/v1/assess?as_of=secret-zz", GOOD)
        c.get("/v1/p-0c11/hb1")
        lines = [r.getMessage() for r in caplog.records if r.name == "credit_closure.service"]
        assert len(lines) == 3
        assert lines[0].startswith("rq-1 POST /v1/assess 200 ")
        assert lines[0].endswith(f"ms as_of={AS_OF}")
        assert lines[1].endswith("as_of=invalid") and " 400 " in lines[1]
        assert " GET - 404 " in lines[2]
        for line in lines:
            for secret in ("p-0c11", "hb1", "14000", "secret-zz", "huabei"):
                assert secret not in line

    def test_log_calls_are_the_documented_ones(self) -> None:
        """The service's log calls are the ones docs/reference-service.md lists."""
        found = []
        for path in sorted((ROOT / "credit_closure" / "service").glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("debug", "info", "warning", "error", "exception")
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id.endswith("logger")
                ):
                    found.append(node.func.attr)
        assert sorted(found) == ["error", "error", "info"]
        doc = (ROOT / "docs" / "reference-service.md").read_text("utf-8")
        for text in ("scorer 'NAME' failed (TYPE)", "internal error (TYPE)", "as_of="):
            assert text in doc

    def test_import_credit_closure_does_not_import_starlette(self) -> None:
        code = (
            "import sys, credit_closure, credit_closure.cli;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('starlette', 'uvicorn', 'numpy', 'sklearn') or m.startswith('credit_closure.service')))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=120,
        ).stdout
        assert out.strip() == "[]"

    def test_maximum_profile_is_scored(self, client: TestClient) -> None:
        """A valid profile at every documented maximum is scored (200)."""
        doc = BENCH.maximum_profile()
        CreditProfile.from_dict(doc)  # valid
        r = _post(client, f"/v1/assess?as_of={AS_OF}", json.dumps(doc).encode())
        assert r.status_code == 200, r.text[:500]
        assert r.json()["subject_id"] == "p-max"

    def test_client_gone_before_the_body_is_read(self, caplog: pytest.LogCaptureFixture) -> None:
        """A client that disconnects mid-body gets nothing sent; the access line says 499."""
        import asyncio

        caplog.set_level(logging.INFO, logger="credit_closure.service")
        app = create_app()
        messages = [
            {"type": "http.request", "body": GOOD[:10], "more_body": True},
            {"type": "http.disconnect"},
        ]
        sent: list[Any] = []

        async def receive() -> Any:
            return messages.pop(0)

        async def send(message: Any) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/v1/assess",
            "query_string": b"",
            "headers": [(b"content-type", b"application/json")],
        }
        asyncio.run(app(scope, receive, send))
        assert sent == []
        [line] = [r.getMessage() for r in caplog.records if r.name == "credit_closure.service"]
        assert " POST /v1/assess 499 " in line

    def test_lifespan_and_websocket(self) -> None:
        """The lifespan protocol is answered; a websocket is closed."""
        import asyncio

        app = create_app()
        inbox = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
        sent: list[Any] = []

        async def receive() -> Any:
            return inbox.pop(0)

        async def send(message: Any) -> None:
            sent.append(message["type"])

        asyncio.run(app({"type": "lifespan"}, receive, send))
        assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
        sent.clear()
        asyncio.run(app({"type": "websocket", "path": "/healthz"}, receive, send))
        assert sent == ["websocket.close"]

    def test_large_bodies_leave_the_event_loop(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Bodies over INLINE_BELOW are read and scored in a worker thread."""
        import threading

        from credit_closure.service import _app

        seen: list[str] = []
        real = _app._assess_body

        def spy(*args: Any) -> bytes:
            seen.append(threading.current_thread().name)
            return real(*args)

        monkeypatch.setattr(_app, "_assess_body", spy)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            c = TestClient(create_app())
        doc = json.loads(GOOD)
        doc["attributes"].update({f"pad{i}": "x" * 100 for i in range(100)})
        big = json.dumps(doc).encode()
        assert len(big) > _app.INLINE_BELOW >= len(GOOD)
        assert _post(c, f"/v1/assess?as_of={AS_OF}", big).status_code == 200
        assert _post(c, f"/v1/assess?as_of={AS_OF}", GOOD).status_code == 200
        loop_thread = seen[1]
        assert seen[0] != loop_thread


# --------------------------------------------------------------------------------------
# End to end over 127.0.0.1 (uvicorn in a subprocess)
# --------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _served(*extra: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = _free_port()
    cmd = [sys.executable, "-m", "credit_closure.cli", "serve", "--port", str(port), *extra]
    # the caller's path too: where it has httptools and uvloop, the server runs on them
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read().decode()  # type: ignore[union-attr]
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait()


@pytest.mark.slow
class TestLoopback:
    @pytest.fixture(autouse=True)
    def _needs_uvicorn(self) -> None:
        pytest.importorskip("uvicorn")

    def test_every_route_and_bad_bodies(self) -> None:
        with _served() as (base, proc), httpx.Client(base_url=base, timeout=60) as c:
            r = c.post(f"/v1/assess?as_of={AS_OF}", content=GOOD)
            assert r.status_code == 200
            body = {"profile": json.loads(GOOD), "close": ["hb1"], "on": AS_OF}
            assert c.post("/v1/what-if", json=body).status_code == 200
            assert c.get("/v1/scorers").status_code == 200
            assert c.get("/openapi.json").json()["openapi"] == "3.1.0"
            for _name, bad, status in BAD_BODIES:
                assert c.post(f"/v1/assess?as_of={AS_OF}", content=bad).status_code == status
            over = b" " * (16 * 1024 * 1024 + 1)
            assert c.post("/v1/assess", content=over).status_code == 413
            assert c.get("/healthz").status_code == 200  # still serving
        assert proc.returncode == 0  # graceful shutdown on SIGTERM
        err = proc.stderr.read().decode()  # type: ignore[union-attr]
        assert "POST /v1/assess 200" in err
        assert "p-0c11" not in err and "hb1" not in err

    def test_two_workers(self) -> None:
        with _served("--workers", "2") as (base, _proc):
            r = httpx.post(f"{base}/v1/assess?as_of={AS_OF}", content=GOOD, timeout=60)
            assert r.status_code == 200
