"""The strict JSON reader under hostile input (issue 16): a single linear scan of nesting and
value count, exact limits, unknown keys shown escaped, and TOML policies held to the same rules
as JSON.

No wall-clock bound: linearity is checked structurally, by counting what the scanner examines
(``documents._scan_trace``) on inputs of size n and 2n.
"""

from __future__ import annotations

import json
import pathlib
import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import CreditProfile, InvalidInputError, PolicyError
from credit_closure._contract import documents
from credit_closure._contract.documents import (
    MAX_DOCUMENT_BYTES,
    MAX_NESTING,
    MAX_VALUES,
    loads_document,
)
from credit_closure._scoring.rules import RulePolicy, RuleScorer

_OLD_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]')


def _old_scan(text: str, depth_limit: int, value_limit: int) -> str | None:
    """A regex scan (quadratic on hostile input; kept here as an oracle on small, valid
    documents only): the first limit passed in the text, as ``documents._scan`` says it."""
    depth = count = 0
    for m in _OLD_TOKENS.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > depth_limit:
                return "depth"
        if c in "[{,":
            count += 1
            if count > value_limit:
                return "values"
        elif c in "]}":
            depth -= 1
    return None


def _old_too_deep(text: str, limit: int) -> bool:
    return _old_scan(text, limit, len(text)) == "depth"


def _too_deep(raw: bytes, limit: int) -> bool:
    """The scan's nesting verdict alone (a value limit it cannot reach)."""
    return documents._scan(raw, limit, len(raw)) == "depth"


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The sizes of the steps the nesting scanner takes, for the test's calls."""
    seen: list[int] = []
    monkeypatch.setattr(documents, "_scan_trace", seen.append)
    yield seen


def _hostile(n: int) -> dict[str, bytes]:
    """Adversarial documents of about ``n`` bytes, each with enough brackets to be scanned."""
    nest = b"[" * MAX_NESTING + b"]" * MAX_NESTING
    return {
        "escaped quotes, unterminated": b"[" * 40 + b'"' + b'\\"' * (n // 2),
        "escaped backslashes and quotes": b'["' + b'\\\\\\"[' * (n // 5) + b'"]',
        "brackets in a string": b'["' + b"[{" * (n // 2) + b'"]',
        "allowed nesting repeated": b"[" + b",".join([nest] * (n // (len(nest) + 1))) + b"]",
        "open brackets only": b"[" * n,
    }


class TestLinearScan:
    @pytest.mark.parametrize("shape", sorted(_hostile(8)))
    def test_one_pass_that_doubles_with_the_input(self, shape: str, steps: list[int]) -> None:
        """The scanner examines each byte of structure at most once: the total it examines is
        at most the input's size, and doubling the input at most doubles it."""
        small, large = _hostile(1 << 18)[shape], _hostile(1 << 19)[shape]
        _too_deep(small, MAX_NESTING)
        n_small = sum(steps)
        steps.clear()
        _too_deep(large, MAX_NESTING)
        n_large = sum(steps)
        assert 0 < n_small <= len(small)
        assert n_large <= len(large)
        assert n_large <= 2 * n_small + 64

    def test_steps_are_bounded(self, steps: list[int]) -> None:
        """Memory: the scanner works in steps of at most ``_SCAN_CHUNK`` bytes of structure."""
        _too_deep(b"[" * (3 * documents._SCAN_CHUNK + 5), MAX_NESTING)
        assert max(steps) <= documents._SCAN_CHUNK
        # It stops at the first step that goes too deep.
        assert len(steps) == 1

    def test_few_brackets_are_not_walked(self, steps: list[int]) -> None:
        """A document with no more brackets than the limit is not walked at all."""
        raw = b'["' + b"x" * 100_000 + b'"]'
        assert _too_deep(raw, MAX_NESTING) is False
        assert steps == []

    def test_megabyte_of_escaped_quotes(self) -> None:
        """The shape that took the old scan 96 s for 128 KB: a 1 MiB unterminated string of
        escaped quotes is refused as invalid JSON (not as too deep, not by a hang)."""
        raw = b'["' + b'\\"' * (1 << 19)
        with pytest.raises(InvalidInputError, match="Unterminated string"):
            loads_document(raw)

    @pytest.mark.parametrize("vector_from", [0, 1 << 16])
    def test_agrees_with_the_old_scan_on_valid_documents(
        self, vector_from: int, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """On valid JSON the new scan says what the old one said, at every limit, walked
        with numpy or byte by byte."""
        monkeypatch.setattr(documents, "_VECTOR_FROM", vector_from)
        docs = [
            [[["a[", "\\]"], {"k[": ['"{{']}]],
            {"a": [[[[[]]]]], "b\\": "\\\\", '"': ["]]]]"]},
            [['\\\\\\"[[['], [[[[0]]]], "x"],
            "[[[[",
            {"\u00e9\U0001f600": [[["\u00e9[", "\\u005b"]]]},
        ]
        for doc in docs:
            text = json.dumps(doc)
            for raw_text in (text, json.dumps(doc, ensure_ascii=False)):
                for limit in range(8):
                    assert _too_deep(raw_text.encode(), limit) == _old_too_deep(raw_text, limit), (
                        raw_text,
                        limit,
                    )

    @pytest.mark.parametrize("chunk", [1, 2, 3, 7])
    def test_steps_carry_string_and_depth_state(
        self, chunk: int, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Tiny steps give the same answers: whether a step starts inside a string, and at
        which depth, is carried over from the one before."""
        monkeypatch.setattr(documents, "_SCAN_CHUNK", chunk)
        monkeypatch.setattr(documents, "_VECTOR_FROM", 0)
        doc = [[["[[[", '"]]"', {"k": [[["{"]]]}]]]
        text = json.dumps(doc)
        for limit in range(9):
            assert _too_deep(text.encode(), limit) == _old_too_deep(text, limit)


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


_TRICKY_TEXT = st.text(alphabet='\\"[]{},x\u00e9 ', max_size=12)
_JSON = st.recursive(
    st.none() | st.integers(-5, 5) | _TRICKY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TRICKY_TEXT, inner, max_size=4),
    max_leaves=30,
)


def _max_profile() -> dict[str, object]:
    """A profile with every list of the contract at its maximum (what the value limit must
    leave room for), in the most values-dense form the contract allows."""
    from credit_closure._contract.checks import Limits

    n = Limits.MAX_ACCOUNTS
    return {
        "subject_id": "p",
        "accounts": [
            {
                "account_id": f"a{i}",
                "product": "credit_card",
                "status": "closed",
                "provider": "bank",
                "opened_on": "2010-01-01",
                "closed_on": "2024-01-01",
                "credit_limit": 1,
                "balance": 0,
                "worst_dpd_24m": 0,
                "months_delinquent_24m": 0,
                "max_consecutive_delinquent_24m": 0,
            }
            for i in range(n)
        ],
        "closures": [
            {
                "account_id": f"a{i}",
                "closed_on": "2024-01-01",
                "initiator": "consumer",
                "reason": "other",
                "termination": "normal",
                "balance_at_closure": 0,
                "limit_at_closure": 1,
                "worst_dpd_6m_before": 0,
            }
            for i in range(Limits.MAX_CLOSURES)
        ],
        "inquiries": [{"on": "2025-01-01", "kind": "self"}] * Limits.MAX_INQUIRIES,
        "activity": [{"account_id": "a0", "at": "2025-01-01T00:00", "kind": "login"}]
        * Limits.MAX_ACTIVITY,
        "attributes": {f"x{i}": i for i in range(Limits.MAX_ATTRIBUTES)},
    }


class TestValueLimit:
    """At most MAX_VALUES array elements and object members, counted in the linear scan."""

    def test_limit_is_exact(self) -> None:
        at = b"[" + b",".join([b"0"] * MAX_VALUES) + b"]"
        assert len(loads_document(at)) == MAX_VALUES
        over = b"[" + b",".join([b"0"] * (MAX_VALUES + 1)) + b"]"
        with pytest.raises(InvalidInputError, match="holds more than 1,000,000 values"):
            loads_document(over)

    def test_members_and_containers_count(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(documents, "MAX_VALUES", 4)
        assert loads_document(b'{"a": 1, "b": [2, 3]}') == {"a": 1, "b": [2, 3]}  # 2 + 2
        assert loads_document(b"[[], {}]") == [[], {}]  # 2, and one for each empty one
        assert loads_document(b"[[[[]]]]") == [[[[]]]]
        for raw in (b'{"a": 1, "b": [2, 3], "c": 4}', b"[[], {}, []]", b"[[[[[]]]]]"):
            with pytest.raises(InvalidInputError, match="more than 4 values"):
                loads_document(raw)

    def test_commas_and_brackets_in_strings_do_not_count(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(documents, "MAX_VALUES", 2)
        raw = json.dumps(["," * 100_000, '\\",[{' * 20_000]).encode()
        assert loads_document(raw)[0] == "," * 100_000

    def test_refused_before_parsing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Refused by the count even when the text is not valid JSON: nothing was parsed."""

        def no_parse(*args: object, **kwargs: object) -> None:
            raise AssertionError("json.loads was called")

        monkeypatch.setattr(documents.json, "loads", no_parse)
        with pytest.raises(InvalidInputError, match="more than 1,000,000 values"):
            loads_document(b"[" + b"0," * (MAX_VALUES + 1))

    def test_every_reader_applies_it(self, tmp_path: pathlib.Path) -> None:
        """Policies (and artifacts, CLI input, service bodies, JSON Lines: every reader goes
        through loads_document) are held to the same count."""
        path = tmp_path / "policy.json"
        path.write_bytes(b'{"rules": [' + b"0," * MAX_VALUES + b"0]}")
        with pytest.raises(PolicyError, match="more than 1,000,000 values"):
            RulePolicy.from_file(path)

    def test_largest_contract_documents_fit(self) -> None:
        """The largest profile the contract allows, and an enterprise of two of them, are far
        inside the limit (at least 2x room): no valid document is refused by the count."""
        profile = _max_profile()
        raw = json.dumps(profile, separators=(",", ":")).encode()
        values = raw.count(b",") + raw.count(b"[") + raw.count(b"{")  # no ',' in its strings
        assert values < MAX_VALUES / 2
        assert loads_document(raw) == profile
        CreditProfile.from_dict(profile)  # and it is a valid profile
        enterprise = {
            "enterprise_id": "e",
            "principals": [{"role": "guarantor", "profile": profile}] * 2,
        }
        assert len(loads_document(json.dumps(enterprise))["principals"]) == 2

    def test_bundled_documents_fit(self) -> None:
        root = pathlib.Path(__file__).resolve().parent.parent
        paths = [*root.glob("examples/**/*.json"), *root.glob("tests/data/**/*.json")]
        assert len(paths) > 100
        for path in paths:
            try:
                loads_document(path.read_bytes())
            except InvalidInputError as exc:
                assert "values" not in str(exc), path

    @settings(max_examples=150, deadline=None)
    @given(
        doc=_JSON,
        ascii_only=st.booleans(),
        depth_limit=st.integers(0, 5),
        value_limit=st.integers(0, 40),
        chunk=st.sampled_from([1, 2, 3, 5, 1 << 18]),
        vector_from=st.sampled_from([0, 1 << 16]),
    )
    def test_agrees_with_a_regex_scan(
        self,
        doc: object,
        ascii_only: bool,
        depth_limit: int,
        value_limit: int,
        chunk: int,
        vector_from: int,
    ) -> None:
        """On valid JSON the linear scan gives the regex scan's verdict (the first limit
        passed), walked with numpy or byte by byte, in steps of any size: escapes, strings
        and nesting carried from one step to the next."""
        text = json.dumps(doc, ensure_ascii=ascii_only)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(documents, "_SCAN_CHUNK", chunk)
            mp.setattr(documents, "_VECTOR_FROM", vector_from)
            got = documents._scan(text.encode(), depth_limit, value_limit)
        assert got == _old_scan(text, depth_limit, value_limit)


class TestDuplicateKeys:
    def test_first_repeated_key_named_at_any_depth(self) -> None:
        with pytest.raises(InvalidInputError, match="duplicate key 'b'"):
            loads_document(b'[{"x": {"a": 1, "b": 2, "c": 3, "b": 4, "a": 5}}]')

    def test_large_object_kept_in_order(self) -> None:
        doc = {f"k{i}": i for i in range(10_000)}
        assert list(loads_document(json.dumps(doc))) == list(doc)
        with pytest.raises(InvalidInputError, match="duplicate key 'k9999'"):
            loads_document(json.dumps(doc)[:-1] + ', "k9999": 0}')


class TestLimits:
    def test_depth_limit_is_exact(self) -> None:
        assert loads_document(_nested(MAX_NESTING)) is not None
        with pytest.raises(InvalidInputError, match=r"nested too deeply \(more than 32 levels\)"):
            loads_document(_nested(MAX_NESTING + 1))

    def test_objects_count_like_arrays(self) -> None:
        doc = b'{"a":' * (MAX_NESTING - 1) + b"[]" + b"}" * (MAX_NESTING - 1)
        loads_document(doc)
        with pytest.raises(InvalidInputError, match="nested too deeply"):
            loads_document(b'{"a":' * MAX_NESTING + b"[]" + b"}" * MAX_NESTING)

    def test_brackets_in_strings_do_not_count(self) -> None:
        raw = json.dumps(["[" * 100, "{" * 100, '\\"[[[[', "]" * 100]).encode()
        assert loads_document(raw)[0] == "[" * 100

    def test_escaped_quote_does_not_end_a_string(self) -> None:
        """``\\"`` inside a string is not its end; ``\\\\"`` is."""
        inner = '\\"' + "[" * 40
        raw = b'["' + inner.encode() + b'"]'
        assert loads_document(raw) == ['"' + "[" * 40]
        deep = b'["\\\\"' + b",[" * 40 + b"]" * 40 + b"]"
        with pytest.raises(InvalidInputError, match="nested too deeply"):
            loads_document(deep)

    def test_unterminated_string(self) -> None:
        with pytest.raises(InvalidInputError, match="is not valid JSON: Unterminated string"):
            loads_document(b'{"a": "[[[[')

    def test_too_deep_before_invalid(self) -> None:
        """Nesting is checked before parsing: a deep and broken document is too deep."""
        with pytest.raises(InvalidInputError, match="nested too deeply"):
            loads_document(b"[" * 50_000)

    def test_size_limit_message_unchanged(self) -> None:
        with pytest.raises(InvalidInputError, match=f"the maximum is {MAX_DOCUMENT_BYTES}"):
            loads_document(b" " * (MAX_DOCUMENT_BYTES + 1))

    def test_bom_refused(self) -> None:
        with pytest.raises(InvalidInputError, match="byte-order mark"):
            loads_document(b"\xef\xbb\xbf{}")
        with pytest.raises(InvalidInputError, match="byte-order mark"):
            loads_document("\ufeff{}")

    def test_str_and_bytes_agree(self) -> None:
        text = json.dumps({"a": ["\u00e9", "\U0001f600", "[{"]}, ensure_ascii=False)
        assert loads_document(text) == loads_document(text.encode())
        with pytest.raises(InvalidInputError, match="not valid UTF-8"):
            loads_document('{"a": "\ud800"}')
        with pytest.raises(InvalidInputError, match="is empty"):
            loads_document(" \n\t ")


class TestLoneSurrogates:
    @pytest.mark.parametrize(
        "escapes",
        ["\\ud800", "\\udc00", "\\udbff\\u0041", "\\ud800\\ud800\\udc00", "\\\\\\ud800"],
    )
    def test_lone_refused(self, escapes: str) -> None:
        for raw in (f'["{escapes}"]', f'{{"{escapes}": 1}}'):
            with pytest.raises(InvalidInputError, match="lone surrogate"):
                loads_document(raw.encode())

    @pytest.mark.parametrize(
        "escapes", ["\\ud83d\\ude00", "\\\\ud800", "\\\\\\\\ud800", "ud800", "\\u0041"]
    )
    def test_pairs_and_look_alikes_accepted(self, escapes: str) -> None:
        raw = f'["{escapes}"]'.encode()
        assert loads_document(raw) == json.loads(raw)


class TestUnknownKeys:
    def _paths(self, key: str) -> list[str]:
        doc = {"subject_id": "s1", "accounts": [{"account_id": "a", key: 1}], key: 2}
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict(doc)
        return sorted(p for p, m in exc.value.problems if m == "is not a known field")

    def test_plain_key_as_is(self) -> None:
        assert self._paths("colour") == ["accounts[0].colour", "colour"]

    @pytest.mark.parametrize(
        "key",
        [
            "x\n  - forged: is fine",
            "\x1b[31mred\x1b[0m",
            "\ud800",
            "\u202eevil",
            "a.b[0]",
            "k" * 10_000,
            "\u0085\u009b",
        ],
    )
    def test_hostile_key_escaped_and_cut(self, key: str) -> None:
        paths = self._paths(key)
        assert len(paths) == 2
        for path in paths:  # the key escaped and cut, in brackets (checks._key_path)
            name = path[path.index("[", len("accounts[0]") if path.startswith("acc") else 0) :]
            assert len(name) <= 62
            assert name.startswith("['") and name.endswith("]")
            assert path.isprintable()
            path.encode("utf-8")
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict({"subject_id": "s1", key: 1})
        str(exc.value).encode("utf-8")
        assert "\n  - forged" not in str(exc.value)

    def test_from_json_text(self) -> None:
        raw = b'{"subject_id": "s1", "\\u001b[2J\\n": 1}'
        with pytest.raises(InvalidInputError) as exc:
            CreditProfile.from_dict(loads_document(raw))
        assert exc.value.problems == [("['\\x1b[2J\\n']", "is not a known field")]


def _policy_toml() -> str:
    """The default policy as TOML (top-level scalars, then the rules as an array of tables)."""
    doc = RuleScorer.default().policy.document
    skip = ("rules", "scale")  # the default scale's last band has min_score null: not TOML
    scalars = [f"{k} = {_toml_value(v)}" for k, v in doc.items() if k not in skip]
    text = "\n".join(scalars) + "\n"
    for rule in doc["rules"]:
        text += "\n[[rules]]\n" + "".join(f"{k} = {_toml_value(x)}\n" for k, x in rule.items())
    return text


def _toml_value(v: object) -> str:
    if isinstance(v, dict):
        pairs = [f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items() if x is not None]
        return "{" + ", ".join(pairs) + "}"  # TOML has no null: an omitted key
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return json.dumps(v)


class TestTomlPolicy:
    def _write(self, tmp_path: pathlib.Path, text: str | bytes) -> pathlib.Path:
        path = tmp_path / "policy.toml"
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return path

    def test_round_trip(self, tmp_path: pathlib.Path) -> None:
        policy = RulePolicy.from_file(self._write(tmp_path, _policy_toml()))
        assert policy.rules == RuleScorer.default().policy.rules

    def test_over_the_limit_refused_not_truncated(self, tmp_path: pathlib.Path) -> None:
        """A valid policy padded past 16 MiB with a comment: refused, not cut and loaded."""
        text = _policy_toml()
        pad = MAX_DOCUMENT_BYTES + 1 - len(text.encode()) - 2
        path = self._write(tmp_path, text + "#" + "x" * pad + "\n")
        assert path.stat().st_size == MAX_DOCUMENT_BYTES + 1
        with pytest.raises(PolicyError, match="larger than 16777216 bytes"):
            RulePolicy.from_file(path)
        # At the limit exactly, it loads.
        path = self._write(tmp_path, text + "#" + "x" * (pad - 1) + "\n")
        assert RulePolicy.from_file(path).rules == RuleScorer.default().policy.rules

    def test_json_over_the_limit_refused(self, tmp_path: pathlib.Path) -> None:
        path = tmp_path / "policy.json"
        with open(path, "wb") as fh:
            fh.truncate(MAX_DOCUMENT_BYTES + 10)
        with pytest.raises(PolicyError, match="larger than"):
            RulePolicy.from_file(path)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("a = " + "[" * 5000 + "]" * 5000, "nested too deeply"),
            ("a = " + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1), "nested too deeply"),
            ("version = 1979-05-27T07:32:00Z", "version: is a TOML date or time"),
            ("version = 1979-05-27", "version: is a TOML date or time"),
            ("x = [07:32:00]", r"x\[0\]: is a TOML date or time"),
            ("base_log_odds = nan", "base_log_odds: is nan or inf"),
            ("base_log_odds = -inf", "base_log_odds: is nan or inf"),
            ("base_log_odds = " + "9" * 400, "base_log_odds: must be a finite number"),
            ("base_log_odds = " + "9" * 5000, "is not valid TOML"),
            ("a = ", "is not valid TOML"),
        ],
    )
    def test_parser_failures_are_policy_errors(
        self, tmp_path: pathlib.Path, text: str, message: str
    ) -> None:
        with pytest.raises(PolicyError, match=message):
            RulePolicy.from_file(self._write(tmp_path, text + "\n"))

    def test_not_utf8(self, tmp_path: pathlib.Path) -> None:
        with pytest.raises(PolicyError, match=r"not valid UTF-8 \(byte 5\)"):
            RulePolicy.from_file(self._write(tmp_path, b'a = "\xff"\n'))

    def test_hostile_toml_key_escaped(self, tmp_path: pathlib.Path) -> None:
        with pytest.raises(PolicyError) as exc:
            RulePolicy.from_file(self._write(tmp_path, '"\\u001b[2J" = 1980-01-01\n'))
        assert exc.value.problems == [
            ("['\\x1b[2J']", "is a TOML date or time; write it as a string")
        ]

    def test_nul_in_path(self) -> None:
        with pytest.raises(PolicyError, match="cannot be read"):
            RulePolicy.from_file("policy\x00.toml")

    def test_from_dict_with_non_json_values(self) -> None:
        import datetime as dt

        doc = dict(RuleScorer.default().policy.document)
        doc["rules"] = [dict(doc["rules"][0], rationale=dt.date(2020, 1, 1))]
        with pytest.raises(PolicyError, match="not JSON data|must be a string"):
            RulePolicy.from_dict(doc)
        doc = dict(RuleScorer.default().policy.document)
        doc["base_log_odds"] = 10**400
        with pytest.raises(PolicyError, match="base_log_odds: must be a finite number"):
            RulePolicy.from_dict(doc)

    def test_unknown_policy_keys_escaped(self) -> None:
        doc = json.loads(json.dumps(RuleScorer.default().policy.document))
        doc["\x1b[2J\nname"] = 1
        doc["rules"][0]["colour"] = 1
        doc["rules"][0]["\ud800"] = 1
        with pytest.raises(PolicyError) as exc:
            RulePolicy.from_dict(doc)
        paths = sorted(p for p, m in exc.value.problems if m == "is not a known field")
        rid = doc["rules"][0]["id"]
        assert paths == [
            "['\\x1b[2J\\nname']",
            f"rules[0] ({rid}).colour",
            f"rules[0] ({rid})['\\ud800']",
        ]
        str(exc.value).encode("utf-8")
