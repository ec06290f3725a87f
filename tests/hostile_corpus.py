"""A generated corpus of hostile inputs (issue 16, item 8).

Every case is built here, deterministically, from a few valid base documents; nothing is read
from disk except the package's own reference artifact and default policy. Large cases build
their bytes lazily (``Case.make`` is called by the test that runs the case).

A case has a ``kind`` saying which reader it goes through:

- ``document``: raw bytes for ``loads_document`` then ``CreditProfile.from_dict`` or
  ``Enterprise.from_dict`` (a document with ``enterprise_id``) then ``assess``;
- ``as_of`` / ``on``: a hostile argument value for ``assess(..., as_of=)`` and
  ``what_if(..., on=)`` on a valid profile;
- ``policy``: raw bytes of a policy file (``suffix`` ``.json`` or ``.toml``) for
  ``RulePolicy.from_file``;
- ``artifact``: raw bytes of a scorecard artifact for ``LogisticScorer.load``;
- ``path``: a hostile file name for both loaders.

``refuse=True`` means the documented error is the only right answer (a valid result is a
failure); otherwise a valid result is fine too. ``KNOWN_GAPS`` names the cases that fail today
because of a gap of issue 16 that another change fixes; the test marks exactly those as strict
xfails.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

AS_OF = "2025-12-31"

BASE_PROFILE: dict[str, Any] = {
    "subject_id": "p-7f3a",
    "accounts": [
        {
            "account_id": "hb1",
            "product": "revolving_consumer",
            "provider": "huabei",
            "opened_on": "2019-03-01",
            "credit_limit": 20000,
            "balance": 0,
            "status": "closed",
            "closed_on": "2025-06-10",
            "worst_dpd_24m": 0,
            "months_delinquent_24m": 0,
        },
        {
            "account_id": "cc1",
            "product": "credit_card",
            "provider": "cmb",
            "opened_on": "2014-09-15",
            "credit_limit": 50000,
            "balance": 6200,
            "status": "open",
            "worst_dpd_24m": 0,
            "months_delinquent_24m": 0,
        },
    ],
    "closures": [
        {
            "account_id": "hb1",
            "closed_on": "2025-06-10",
            "initiator": "consumer",
            "reason": "privacy",
            "termination": "normal",
            "balance_at_closure": 0,
            "limit_at_closure": 20000,
        }
    ],
    "inquiries": [{"on": "2025-05-01", "kind": "self"}],
    "activity": [{"account_id": "cc1", "at": "2025-07-01T10:00:00", "kind": "login"}],
    "attributes": {"monthly_income": 28000, "city_tier": "1"},
}

BASE_ENTERPRISE: dict[str, Any] = {
    "enterprise_id": "e-3c51",
    "principals": [
        {"role": "legal_representative", "stake": 0.55, "profile": BASE_PROFILE},
    ],
    "attributes": {"industry": "retail", "years_in_business": 7},
}


@dataclass(frozen=True)
class Case:
    """One hostile input; ``make()`` returns its bytes (or the argument value)."""

    id: str
    family: str
    kind: str
    make: Callable[[], Any] = field(repr=False, compare=False)
    refuse: bool = False
    suffix: str = ".json"


def _dumps(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _const(value: Any) -> Callable[[], Any]:
    return lambda: value


def _doc(doc: Any) -> Callable[[], bytes]:
    data = _dumps(doc)
    return lambda: data


def _with(path: tuple[Any, ...], value: Any, base: Any = None) -> dict[str, Any]:
    """A deep copy of the base profile with the value at ``path`` set."""
    doc = copy.deepcopy(BASE_PROFILE if base is None else base)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


def _raw_field(path: tuple[Any, ...], raw_json: str) -> Callable[[], bytes]:
    """The base profile with the JSON text ``raw_json`` spliced in at ``path`` (for values
    Python's ``json`` cannot write, such as ``NaN`` spellings and escapes)."""
    marker = "@@HOSTILE@@"
    text = json.dumps(_with(path, marker))
    data = text.replace(f'"{marker}"', raw_json).encode("utf-8")
    return lambda: data


# --------------------------------------------------------------------------------------
# Families
# --------------------------------------------------------------------------------------
def _nesting() -> Iterator[Case]:
    for depth in (31, 32, 33, 64, 1000, 100_000):
        for opener, closer in (("[", "]"), ('{"a":', "}")):
            shape = "array" if opener == "[" else "object"
            yield Case(
                f"nesting-{shape}-{depth}-attribute",
                "nesting",
                "document",
                _raw_field(("attributes", "x"), opener * depth + "1" + closer * depth),
                refuse=True,
            )
    yield Case(
        "nesting-unclosed-100000",
        "nesting",
        "document",
        _const(b"[" * 100_000),
        refuse=True,
    )
    yield Case(
        "nesting-top-level-array-of-profiles-deep",
        "nesting",
        "document",
        _const(b"[" * 40 + _dumps(BASE_PROFILE) + b"]" * 40),
        refuse=True,
    )
    yield Case(
        "nesting-brackets-inside-string-are-text",
        "nesting",
        "document",
        _doc(_with(("subject_id",), "[" * 100)),
    )
    for field_path in (("accounts",), ("closures",), ("accounts", 0, "credit_limit")):
        yield Case(
            f"nesting-deep-in-{'.'.join(map(str, field_path))}",
            "nesting",
            "document",
            _raw_field(field_path, "[" * 500 + "]" * 500),
            refuse=True,
        )


def _escapes() -> Iterator[Case]:
    for n in (1, 1024, 4096, 16_384):
        body = b'{"subject_id": "' + b'\\"' * n
        yield Case(f"escapes-unterminated-quotes-{n}", "escapes", "document", _const(body), True)
        body = b'{"subject_id": "' + b"\\\\" * n
        yield Case(
            f"escapes-unterminated-backslashes-{n}", "escapes", "document", _const(body), True
        )
    # The case: 128 KB of escaped quotes, 96 s with the quadratic pre-scan.
    yield Case(
        "escapes-unterminated-quotes-131072",
        "escapes",
        "document",
        lambda: b'{"subject_id": "' + b'\\"' * 65_536,
        True,
    )
    yield Case(
        "escapes-unterminated-in-unknown-key-16384",
        "escapes",
        "document",
        _const(b'{"' + b'\\"' * 16_384),
        True,
    )
    yield Case(
        "escapes-odd-backslash-before-quote",
        "escapes",
        "document",
        _const(b'{"subject_id": "a\\\\\\"}'),
        True,
    )
    for bad in ("\\x41", "\\u12", "\\u", "\\U0001F600", "\\'", "\\0", "\\\n"):
        yield Case(
            f"escapes-invalid-{bad.encode('unicode_escape').decode()}",
            "escapes",
            "document",
            _raw_field(("subject_id",), f'"a{bad}b"'),
            True,
        )


_STRING_FIELDS: list[tuple[str, tuple[Any, ...]]] = [
    ("subject_id", ("subject_id",)),
    ("account_id", ("accounts", 1, "account_id")),
    ("product", ("accounts", 1, "product")),
    ("provider", ("accounts", 1, "provider")),
    ("status", ("accounts", 1, "status")),
    ("opened_on", ("accounts", 1, "opened_on")),
    ("closure.account_id", ("closures", 0, "account_id")),
    ("closure.initiator", ("closures", 0, "initiator")),
    ("closure.reason", ("closures", 0, "reason")),
    ("inquiry.on", ("inquiries", 0, "on")),
    ("inquiry.kind", ("inquiries", 0, "kind")),
    ("activity.at", ("activity", 0, "at")),
    ("activity.kind", ("activity", 0, "kind")),
    ("attribute_value", ("attributes", "city_tier")),
]


def _huge() -> Iterator[Case]:
    for name, path in _STRING_FIELDS:
        for size, label in ((1 << 20, "1MiB"),):
            yield Case(
                f"huge-string-{label}-{name}",
                "huge",
                "document",
                (lambda p=path, s=size: _dumps(_with(p, "x" * s))),
                refuse=True,
            )
    yield Case(
        "huge-attribute-name-1MiB",
        "huge",
        "document",
        lambda: _dumps(_with(("attributes", "y" * (1 << 20)), 1)),
        refuse=True,
    )
    yield Case(
        "huge-unknown-key-1MiB",
        "huge",
        "document",
        lambda: _dumps(_with(("z" * (1 << 20),), 1)),
        refuse=True,
    )
    yield Case(
        "huge-unknown-key-300-chars",
        "huge",
        "document",
        _doc(_with(("k" * 300,), 1)),
        refuse=True,
    )
    yield Case(
        "huge-string-129-char-id",
        "huge",
        "document",
        _doc(_with(("subject_id",), "s" * 129)),
        refuse=True,
    )
    yield Case(
        "huge-string-128-char-id", "huge", "document", _doc(_with(("subject_id",), "s" * 128))
    )
    lists = [
        ("accounts", 501, lambda i: dict(BASE_PROFILE["accounts"][1], account_id=f"a{i}")),
        ("closures", 501, lambda i: dict(BASE_PROFILE["closures"][0])),
        ("inquiries", 5001, lambda i: {"on": "2025-05-01", "kind": "self"}),
        ("activity", 100_001, lambda i: {"account_id": "cc1", "at": "2025-07-01", "kind": "x"}),
    ]
    for name, n, item in lists:
        yield Case(
            f"huge-list-{name}-{n}",
            "huge",
            "document",
            (lambda nm=name, k=n, it=item: _dumps(_with((nm,), [it(i) for i in range(k)]))),
            refuse=True,
        )
    yield Case(
        "huge-list-attributes-501",
        "huge",
        "document",
        lambda: _dumps(_with(("attributes",), {f"k{i}": i for i in range(501)})),
        refuse=True,
    )
    yield Case(
        "huge-list-principals-201",
        "huge",
        "document",
        lambda: _dumps(
            dict(
                BASE_ENTERPRISE,
                principals=[
                    {"role": "shareholder", "profile": _with(("subject_id",), f"p{i}")}
                    for i in range(201)
                ],
            )
        ),
        refuse=True,
    )
    yield Case(
        "huge-list-of-empty-objects-in-accounts-50000",
        "huge",
        "document",
        lambda: b'{"subject_id": "s", "accounts": [' + b",".join([b"{}"] * 50_000) + b"]}",
        refuse=True,
    )
    yield Case(
        "huge-list-of-zeros-in-accounts-400000",
        "huge",
        "document",
        lambda: b'{"subject_id": "s", "accounts": [' + b",".join([b"0"] * 400_000) + b"]}",
        refuse=True,
    )
    yield Case(  # over MAX_VALUES: refused by the reader's count, before json.loads
        "huge-list-of-zeros-in-accounts-1000001",
        "huge",
        "document",
        lambda: b'{"subject_id": "s", "accounts": [' + b",".join([b"0"] * 1_000_001) + b"]}",
        refuse=True,
    )
    yield Case(
        "huge-object-of-1000001-keys-in-attributes",
        "huge",
        "document",
        lambda: (
            b'{"subject_id": "s", "attributes": {'
            + b",".join(b'"k%d":0' % i for i in range(1_000_001))
            + b"}}"
        ),
        refuse=True,
    )
    yield Case(
        "huge-valid-activity-20000",
        "huge",
        "document",
        lambda: _dumps(
            _with(
                ("activity",),
                [{"account_id": "cc1", "at": "2025-07-01T10:00:00", "kind": "login"}] * 20_000,
            )
        ),
    )
    yield Case(
        "huge-whitespace-4MiB",
        "huge",
        "document",
        lambda: b" " * (4 << 20) + _dumps(BASE_PROFILE),
    )
    yield Case(
        "huge-over-16MiB",
        "huge",
        "document",
        lambda: _dumps(BASE_PROFILE) + b" " * (16 << 20),
        refuse=True,
    )


_NUMBER_FIELDS: list[tuple[str, tuple[Any, ...]]] = [
    ("credit_limit", ("accounts", 1, "credit_limit")),
    ("balance", ("accounts", 1, "balance")),
    ("worst_dpd_24m", ("accounts", 1, "worst_dpd_24m")),
    ("balance_at_closure", ("closures", 0, "balance_at_closure")),
    ("attribute", ("attributes", "monthly_income")),
]

_NUMBER_FORMS: list[tuple[str, str, bool]] = [
    # (label, JSON text, must be refused)
    ("1e400", "1e400", True),
    ("-1e400", "-1e400", True),
    ("int-400-digits", "9" * 400, True),
    ("int-5000-digits", "9" * 5000, True),
    ("denormal-min", "5e-324", False),
    ("denormal", "2.2e-310", False),
    ("underflow-1e-400", "1e-400", False),
    ("neg-zero", "-0.0", False),
    ("neg-zero-int", "-0", False),
    ("NaN", "NaN", True),
    ("nan", "nan", True),
    ("Infinity", "Infinity", True),
    ("-Infinity", "-Infinity", True),
    ("inf", "inf", True),
    ("string-NaN", '"NaN"', True),
    ("string-number", '"12"', True),
    ("hex", "0x10", True),
    ("leading-zero", "012", True),
    ("plus-sign", "+1", True),
    ("bare-dot", ".5", True),
    ("trailing-dot", "5.", True),
    ("true", "true", True),
    ("negative", "-1", True),
    ("2^53+1", "9007199254740993", False),
    ("fraction-dpd", "1.5", False),
]


def _numbers() -> Iterator[Case]:
    for name, path in _NUMBER_FIELDS:
        for label, raw, refuse in _NUMBER_FORMS:
            if name == "attribute" and label in ("string-NaN", "string-number", "negative"):
                refuse = False  # a categorical or a negative attribute is valid
            yield Case(
                f"number-{name}-{label}", "numbers", "document", _raw_field(path, raw), refuse
            )
    for label, raw, refuse in (
        ("1e400", "1e400", True),
        ("int-400-digits", "9" * 400, True),
        ("neg-zero", "-0.0", False),
        ("denormal", "5e-324", False),
        ("NaN", "NaN", True),
    ):
        doc = copy.deepcopy(BASE_ENTERPRISE)
        doc["principals"][0]["stake"] = "@@HOSTILE@@"
        data = json.dumps(doc).replace('"@@HOSTILE@@"', raw).encode()
        yield Case(f"number-stake-{label}", "numbers", "document", _const(data), refuse)


def _duplicates() -> Iterator[Case]:
    base = json.dumps(BASE_PROFILE)
    yield Case(
        "dupkey-top-level",
        "duplicates",
        "document",
        _const(("{" + '"subject_id": "other", ' + base[1:]).encode()),
        True,
    )
    acct = '"account_id": "cc1",'
    yield Case(
        "dupkey-in-account",
        "duplicates",
        "document",
        _const(base.replace(acct, acct + ' "account_id": "cc9",').encode()),
        True,
    )
    yield Case(
        "dupkey-in-closure",
        "duplicates",
        "document",
        _const(
            base.replace(
                '"initiator": "consumer",', '"initiator": "consumer", "initiator": "lender_risk",'
            ).encode()
        ),
        True,
    )
    yield Case(
        "dupkey-in-attributes",
        "duplicates",
        "document",
        _const(base.replace('"city_tier": "1"', '"city_tier": "1", "city_tier": "2"').encode()),
        True,
    )
    yield Case(
        "dupkey-escaped-spelling",
        "duplicates",
        "document",
        _const(
            base.replace('"city_tier": "1"', '"city_tier": "1", "city\\u005ftier": "2"').encode()
        ),
        True,
    )
    yield Case(
        "dupkey-deep-inside-attribute-value",
        "duplicates",
        "document",
        _raw_field(("attributes", "x"), '{"a": {"b": 1, "b": 2}}'),
        True,
    )
    ent = json.dumps(BASE_ENTERPRISE)
    yield Case(
        "dupkey-in-principal-profile",
        "duplicates",
        "document",
        _const(
            ent.replace(
                '"subject_id": "p-7f3a"', '"subject_id": "p-7f3a", "subject_id": "x"'
            ).encode()
        ),
        True,
    )
    yield Case(
        "dupkey-nfc-vs-nfd-attribute-names-are-different-keys",
        "duplicates",
        "document",
        _doc(_with(("attributes",), {"caf\u00e9": 1, "cafe\u0301": 2})),
    )


_HOSTILE_TEXT: list[tuple[str, str, bool]] = [
    # (label, text, a control or surrogate: refused in ids and names)
    ("nul", "a\u0000b", True),
    ("esc-ansi", "a\u001b[31mb", True),
    ("newline", "a\nb", True),
    ("del", "a\u007fb", True),
    ("c1-nel", "a\u0085b", True),
    ("c1-csi", "a\u009bb", True),
    ("lone-high-surrogate", "a\ud800b", True),
    ("lone-low-surrogate", "a\udfffb", True),
    ("reversed-surrogates", "a\udc00\ud800b", True),
    ("rtl-override", "a\u202eb", False),
    ("zero-width-space", "a\u200bb", False),
    ("inner-bom", "a\ufeffb", False),
    ("homoglyph-cyrillic", "p-7f3\u0430", False),
    ("nfd", "cafe\u0301", False),
    ("astral", "a\U0001f600b", False),
]

_ID_AND_NAME_FIELDS: list[tuple[str, tuple[Any, ...]]] = [
    ("subject_id", ("subject_id",)),
    ("account_id", ("accounts", 1, "account_id")),
    ("provider", ("accounts", 1, "provider")),
    ("attribute_value", ("attributes", "city_tier")),
]


def _unicode() -> Iterator[Case]:
    for fname, path in _ID_AND_NAME_FIELDS:
        for label, text, bad in _HOSTILE_TEXT:
            escaped = json.dumps(text)  # \\uXXXX escapes, the only way to write a surrogate
            refuse = bad and (fname != "attribute_value" or "surrogate" in label)
            yield Case(
                f"unicode-{fname}-{label}", "unicode", "document", _raw_field(path, escaped), refuse
            )
    for label, text, bad in _HOSTILE_TEXT:
        escaped = json.dumps(text)
        doc = json.dumps(_with(("attributes",), {"@@K@@": 1}))
        yield Case(
            f"unicode-attribute-name-{label}",
            "unicode",
            "document",
            _const(doc.replace('"@@K@@"', escaped).encode()),
            bad,
        )
        ent = json.dumps(dict(BASE_ENTERPRISE, attributes={"industry": "@@V@@"}))
        yield Case(
            f"unicode-enterprise-attribute-value-{label}",
            "unicode",
            "document",
            _const(ent.replace('"@@V@@"', escaped).encode()),
            "surrogate" in label,
        )
    homoglyph_product = "revolving_c\u043ensumer"  # Cyrillic o
    yield Case(
        "unicode-homoglyph-enum",
        "unicode",
        "document",
        _doc(_with(("accounts", 0, "product"), homoglyph_product)),
        True,
    )
    yield Case(
        "unicode-fullwidth-enum",
        "unicode",
        "document",
        _doc(_with(("accounts", 0, "status"), "\uff43losed")),
        True,
    )
    yield Case(
        "unicode-duplicate-account-ids-nfc-nfd",
        "unicode",
        "document",
        _doc(
            _with(
                ("accounts",),
                [
                    dict(BASE_PROFILE["accounts"][1], account_id="caf\u00e9"),
                    dict(BASE_PROFILE["accounts"][1], account_id="cafe\u0301"),
                ],
                _with(("closures",), []),
            )
        ),
    )
    plain = json.dumps(BASE_PROFILE)
    raw_cases: list[tuple[str, bytes]] = [
        (
            "cesu8-surrogate-pair",
            plain.replace("p-7f3a", "p-\udfff").encode("utf-8", "surrogatepass"),
        ),
        ("raw-lone-surrogate-bytes", plain.encode().replace(b"p-7f3a", b"p-\xed\xa0\x80")),
        ("overlong-slash", plain.encode().replace(b"p-7f3a", b"p-\xc0\xaf")),
        ("overlong-3-byte", plain.encode().replace(b"p-7f3a", b"p-\xe0\x80\xaf")),
        ("overlong-nul", plain.encode().replace(b"p-7f3a", b"p-\xc0\x80")),
        ("byte-ff", plain.encode().replace(b"p-7f3a", b"p-\xff")),
        ("truncated-sequence", plain.encode().replace(b"p-7f3a", b"p-\xe4\xb8")),
        ("latin1-text", plain.replace("p-7f3a", "p-\u00e9").encode("latin-1")),
        ("utf8-bom", b"\xef\xbb\xbf" + plain.encode()),
        ("utf16-le-bom", plain.encode("utf-16")),
        ("utf16-le", plain.encode("utf-16-le")),
        ("utf16-be", plain.encode("utf-16-be")),
        ("utf32-bom", plain.encode("utf-32")),
        ("utf32-be", plain.encode("utf-32-be")),
        ("raw-nul-byte-outside-string", plain.encode().replace(b", ", b",\x00", 1)),
        ("raw-control-in-string", plain.encode().replace(b"p-7f3a", b"p-\x01")),
    ]
    for label, data in raw_cases:
        yield Case(f"unicode-bytes-{label}", "unicode", "document", _const(data), True)


DATE_FORMS: list[tuple[str, str, bool]] = [
    # (label, text, valid as a YYYY-MM-DD date in the library's range up to AS_OF)
    ("plain", "2024-03-01", True),
    ("leap-day", "2024-02-29", True),
    ("min-date", "1900-01-01", True),
    ("feb-29-non-leap", "2025-02-29", False),
    ("feb-30", "2025-02-30", False),
    ("apr-31", "2025-04-31", False),
    ("month-13", "2025-13-01", False),
    ("month-00", "2025-00-10", False),
    ("day-00", "2025-01-00", False),
    ("year-0001", "0001-01-01", False),
    ("year-9999", "9999-12-31", False),
    ("year-1899", "1899-12-31", False),
    ("year-10000", "10000-01-01", False),
    ("year-0000", "0000-01-01", False),
    ("after-as-of", "2026-01-01", False),
    ("week-date", "2025-W01-1", False),
    ("week-date-compact", "2025W011", False),
    ("week-53", "2020-W53-7", False),
    ("ordinal", "2025-032", False),
    ("ordinal-compact", "2025032", False),
    ("basic", "20250101", False),
    ("with-time", "2025-01-01T00:00:00", False),
    ("with-z", "2025-01-01Z", False),
    ("with-offset", "2025-01-01+08:00", False),
    ("space-time", "2025-01-01 10:00", False),
    ("single-digit-month", "2025-1-01", False),
    ("single-digit-day", "2025-01-1", False),
    ("slashes", "2025/01/01", False),
    ("us-order", "01/02/2025", False),
    ("dots", "01.02.2025", False),
    ("en-dash", "2025\u201301\u201301", False),
    ("fullwidth-digits", "\uff12\uff10\uff12\uff15-\uff10\uff11-\uff10\uff11", False),
    ("arabic-indic-digits", "\u0662\u0660\u0662\u0665-\u0660\u0661-\u0660\u0661", False),
    ("devanagari-digits", "\u0968\u0966\u0968\u096b-\u0966\u0967-\u0966\u0967", False),
    ("plus-year", "+2025-01-01", False),
    ("minus-year", "-2025-01-01", False),
    ("five-digit-year", "02025-01-01", False),
    ("leading-space", " 2025-01-01", False),
    ("trailing-space", "2025-01-01 ", False),
    ("trailing-newline", "2025-01-01\n", False),
    ("nul-inside", "2025-01-01\u0000", False),
    ("empty", "", False),
    ("year-only", "2025", False),
    ("year-month", "2025-01", False),
    ("words", "yesterday", False),
    ("chinese", "2025\u5e741\u67081\u65e5", False),
    ("underscores", "2025_01_01", False),
    ("nanoseconds", "2025-01-01T00:00:00.000000001", False),
]

TIME_FORMS: list[tuple[str, str]] = [
    ("plain", "2025-07-01T10:00:00"),
    ("z", "2025-07-01T10:00:00Z"),
    ("offset", "2025-07-01T10:00:00+08:00"),
    ("offset-overflow", "9999-12-31T23:59:59-23:59"),
    ("offset-underflow", "0001-01-01T00:00:00+23:59"),
    ("hour-24", "2025-07-01T24:00:00"),
    ("leap-second", "2025-06-30T23:59:60"),
    ("offset-24h", "2025-07-01T10:00:00+24:00"),
    ("offset-seconds", "2025-07-01T10:00:00+08:00:30"),
    ("micro", "2025-07-01T10:00:00.123456"),
    ("nano", "2025-07-01T10:00:00.123456789"),
    ("date-only", "2025-07-01"),
    ("week", "2025-W27-2T10:00:00"),
    ("fullwidth", "\uff12\uff10\uff12\uff15-07-01T10:00:00"),
    ("future", "2026-07-01T10:00:00"),
    ("lowercase-t", "2025-07-01t10:00:00"),
]


def _dates() -> Iterator[Case]:
    for label, text, valid in DATE_FORMS:
        yield Case(
            f"date-opened_on-{label}",
            "dates",
            "document",
            _doc(_with(("accounts", 1, "opened_on"), text)),
            not valid,
        )
        yield Case(
            f"date-inquiry-on-{label}",
            "dates",
            "document",
            _doc(_with(("inquiries", 0, "on"), text)),
            not valid,
        )
        # As an argument, a date after the documents' dates is fine; the library's upper
        # bound for as_of is its own to document, so 9999-12-31 only must not crash.
        arg_refuse = not valid and label not in ("after-as-of", "year-9999")
        yield Case(f"date-as_of-{label}", "dates", "as_of", _const(text), arg_refuse)
        yield Case(f"date-what_if-on-{label}", "dates", "on", _const(text), arg_refuse)
    for label, text in TIME_FORMS:
        yield Case(
            f"time-activity-at-{label}",
            "dates",
            "document",
            _doc(_with(("activity", 0, "at"), text)),
            label in ("hour-24", "leap-second", "offset-24h", "week", "fullwidth", "future"),
        )
    others: list[tuple[str, Any]] = [
        ("int", 20251231),
        ("float-nan", float("nan")),
        ("bytes", b"2025-12-31"),
        ("datetime", dt.datetime(2025, 12, 31, 12, 0)),
        ("date-min", dt.date.min),
        ("date-max", dt.date.max),
        ("list", ["2025-12-31"]),
        ("bool", True),
    ]
    for label, value in others:
        refuse = label not in ("date-max",)
        yield Case(f"date-as_of-object-{label}", "dates", "as_of", _const(value), refuse)
        yield Case(f"date-what_if-on-object-{label}", "dates", "on", _const(value), refuse)


def _cross() -> Iterator[Case]:
    acc = BASE_PROFILE["accounts"]
    cases: list[tuple[str, dict[str, Any], bool]] = [
        ("closure-before-opening", _with(("closures", 0, "closed_on"), "2018-01-01"), True),
        ("closed-before-opened", _with(("accounts", 0, "closed_on"), "2019-01-01"), True),
        ("duplicate-account-ids", _with(("accounts", 1, "account_id"), "hb1"), True),
        ("closure-for-unknown-account", _with(("closures", 0, "account_id"), "zz"), True),
        ("activity-for-unknown-account", _with(("activity", 0, "account_id"), "zz"), True),
        ("closure-date-mismatch", _with(("closures", 0, "closed_on"), "2025-06-11"), True),
        (
            "closed-without-closed_on",
            _with(("accounts", 0), {k: v for k, v in acc[0].items() if k != "closed_on"}),
            True,
        ),
        ("open-with-closed_on", _with(("accounts", 1, "closed_on"), "2025-01-01"), True),
        (
            "closure-after-as-of",
            _with(
                ("closures", 0, "closed_on"),
                "2026-06-10",
                _with(("accounts", 0, "closed_on"), "2026-06-10"),
            ),
            True,
        ),
        ("opened-after-as-of", _with(("accounts", 1, "opened_on"), "2026-02-01"), True),
        (
            "two-closures-one-account",
            _with(("closures",), [BASE_PROFILE["closures"][0]] * 2),
            False,
        ),
        ("closure-of-open-account", _with(("closures", 0, "account_id"), "cc1"), False),
        ("balance-over-limit", _with(("accounts", 1, "balance"), 10**9), False),
        ("months-delinquent-over-24", _with(("accounts", 1, "months_delinquent_24m"), 25), True),
        ("activity-before-opening", _with(("activity", 0, "at"), "2000-01-01T00:00:00"), False),
        ("accounts-null", _with(("accounts",), None), False),
        ("subject_id-null", _with(("subject_id",), None), True),
        ("subject_id-number", _with(("subject_id",), 7), True),
        ("account-not-object", _with(("accounts", 0), "hb1"), True),
        ("attributes-array", _with(("attributes",), [1, 2]), True),
    ]
    for label, doc, refuse in cases:
        yield Case(f"cross-{label}", "cross-field", "document", _doc(doc), refuse)
    ent_cases: list[tuple[str, dict[str, Any], bool]] = [
        (
            "stakes-over-one",
            dict(
                BASE_ENTERPRISE,
                principals=[
                    dict(BASE_ENTERPRISE["principals"][0], stake=0.7),
                    {"role": "shareholder", "stake": 0.6, "profile": _with(("subject_id",), "p2")},
                ],
            ),
            True,
        ),
        (
            "negative-stake",
            dict(BASE_ENTERPRISE, principals=[dict(BASE_ENTERPRISE["principals"][0], stake=-0.1)]),
            True,
        ),
        (
            "duplicate-principal-subject",
            dict(BASE_ENTERPRISE, principals=[BASE_ENTERPRISE["principals"][0]] * 2),
            False,
        ),
        (
            "unknown-role",
            dict(BASE_ENTERPRISE, principals=[dict(BASE_ENTERPRISE["principals"][0], role="ceo")]),
            True,
        ),
        (
            "principal-profile-invalid",
            dict(
                BASE_ENTERPRISE,
                principals=[
                    dict(
                        BASE_ENTERPRISE["principals"][0],
                        profile=_with(("accounts", 1, "account_id"), "hb1"),
                    )
                ],
            ),
            True,
        ),
        ("enterprise-and-subject-id", dict(BASE_ENTERPRISE, subject_id="p"), True),
    ]
    for label, doc, refuse in ent_cases:
        yield Case(f"cross-enterprise-{label}", "cross-field", "document", _doc(doc), refuse)
    for label, doc in (
        ("empty", b""),
        ("whitespace", b"  \n"),
        ("array", b"[]"),
        ("null", b"null"),
        ("number", b"1"),
        ("string", b'"x"'),
        ("trailing-data", _dumps(BASE_PROFILE) + b" {}"),
        ("truncated", _dumps(BASE_PROFILE)[:-7]),
    ):
        yield Case(f"cross-shape-{label}", "cross-field", "document", _const(doc), True)


_KEY_TEXTS: list[tuple[str, str]] = [
    ("ansi-red", "\u001b[31mFORGED\u001b[0m"),
    ("ansi-clear-screen", "\u001b[2J\u001b[H"),
    ("newline-forged-line", "x\n  - subject_id: is fine"),
    ("crlf", "x\r\nINFO ok"),
    ("carriage-return", "x\rOVERWRITE"),
    ("bell-backspace", "x\u0007\u0008\u0008y"),
    ("c1-csi", "x\u009b31m"),
    ("nel", "x\u0085y"),
    ("lone-surrogate", "x\ud800"),
    ("rtl", "x\u202egnp.exe"),
    ("long-2000", "k" * 2000),
    ("nul", "x\u0000y"),
]


def _unknown_keys() -> Iterator[Case]:
    for label, key in _KEY_TEXTS:
        esc = json.dumps(key)
        for where, base in (
            ("top", json.dumps(_with(("@@K@@",), 1))),
            ("account", json.dumps(_with(("accounts", 1, "@@K@@"), 1))),
            (
                "principal",
                json.dumps(
                    dict(
                        BASE_ENTERPRISE,
                        principals=[dict(BASE_ENTERPRISE["principals"][0], **{"@@K@@": 1})],
                    )
                ),
            ),
        ):
            yield Case(
                f"unknown-key-{where}-{label}",
                "unknown-keys",
                "document",
                _const(base.replace('"@@K@@"', esc).encode()),
                True,
            )


# --------------------------------------------------------------------------------------
# Policies and artifacts
# --------------------------------------------------------------------------------------
def default_policy() -> dict[str, Any]:
    text = resources.files("credit_closure").joinpath("data/default_policy.json").read_text("utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def reference_artifact() -> dict[str, Any]:
    text = (
        resources.files("credit_closure")
        .joinpath("data/logistic_reference.json")
        .read_text("utf-8")
    )
    doc: dict[str, Any] = json.loads(text)
    return doc


def reseal(doc: dict[str, Any]) -> dict[str, Any]:
    """The artifact with its embedded sha256 recomputed (a re-sealed forgery)."""
    content = {k: v for k, v in doc.items() if k != "sha256"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    out = dict(content)
    out["sha256"] = hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
    return out


def _scale_faults() -> list[tuple[str, dict[str, Any], str | None]]:
    """(label, scale changes, raw JSON replacement for a marker) for degenerate scales."""
    return [
        ("pdo-1e308", {"pdo": 1e308}, None),
        ("pdo-zero", {"pdo": 0}, None),
        ("pdo-negative", {"pdo": -20}, None),
        ("pdo-denormal", {"pdo": 5e-324}, None),
        ("base_odds-1e-320", {"base_odds": 1e-320}, None),
        ("base_odds-zero", {"base_odds": 0}, None),
        ("base_odds-1e308", {"base_odds": 1e308}, None),
        ("base_points-1e308", {"base_points": 1e308}, None),
        ("min-over-max", {"min_score": 900, "max_score": 300}, None),
        ("min-equals-max", {"min_score": 600, "max_score": 600}, None),
        ("pdo-400-digits", {"pdo": "@@N@@"}, "9" * 400),
        ("pdo-1e400", {"pdo": "@@N@@"}, "1e400"),
        ("pdo-NaN", {"pdo": "@@N@@"}, "NaN"),
    ]


def _policies() -> Iterator[Case]:
    pol = default_policy()
    for label, changes, raw in _scale_faults():
        doc = copy.deepcopy(pol)
        doc["scale"].update(changes)
        text = json.dumps(doc)
        if raw is not None:
            text = text.replace('"@@N@@"', raw)
        yield Case(
            f"policy-scale-{label}", "policies", "policy", _const(text.encode()), refuse=True
        )
    for label, raw in (
        ("1.0", "1.0"),
        ("true", "true"),
        ("string", '"1"'),
        ("400-digits", "1" + "0" * 399),
        ("2", "2"),
        ("-0", "-0"),
    ):
        text = json.dumps(dict(pol, format_version="@@N@@")).replace('"@@N@@"', raw)
        yield Case(
            f"policy-format_version-{label}",
            "policies",
            "policy",
            _const(text.encode()),
            refuse=True,
        )
    for label, raw in (
        ("400-digits", "9" * 400),
        ("1e400", "1e400"),
        ("neg-zero", "-0.0"),
        ("denormal", "5e-324"),
    ):
        doc = copy.deepcopy(pol)
        doc["rules"][0]["steps"][0]["log_odds"] = "@@N@@"
        text = json.dumps(doc).replace('"@@N@@"', raw)
        yield Case(
            f"policy-log_odds-{label}",
            "policies",
            "policy",
            _const(text.encode()),
            label in ("400-digits", "1e400"),
        )
    yield Case(
        "policy-deep-json-array",
        "policies",
        "policy",
        _const(
            json.dumps(dict(pol, description="@@N@@"))
            .replace('"@@N@@"', "[" * 5000 + "]" * 5000)
            .encode()
        ),
        refuse=True,
    )
    yield Case(
        "policy-unterminated-escapes-16384",
        "policies",
        "policy",
        _const(b'{"name": "' + b'\\"' * 16_384),
        refuse=True,
    )
    yield Case(
        "policy-lone-surrogate-in-name",
        "policies",
        "policy",
        _const(json.dumps(dict(pol, name="p\ud800")).encode()),
        refuse=True,
    )
    yield Case(
        "policy-c1-in-rule-id",
        "policies",
        "policy",
        _const(json.dumps(_set_rule_id(pol, "R\u009b2")).encode()),
        refuse=True,
    )
    yield Case(
        "policy-unknown-key-ansi",
        "policies",
        "policy",
        _const(json.dumps(dict(pol, **{"\u001b[2Jx": 1})).encode()),
        refuse=True,
    )
    yield Case(
        "policy-duplicate-key",
        "policies",
        "policy",
        _const(
            json.dumps(pol).replace('"name": "default"', '"name": "default", "name": "x"').encode()
        ),
        refuse=True,
    )
    yield Case("policy-pickle", "policies", "policy", _const(b"\x80\x04\x95\x00"), refuse=True)
    yield Case(
        "policy-utf16", "policies", "policy", _const(json.dumps(pol).encode("utf-16")), refuse=True
    )
    toml_head = _toml_policy(pol)
    yield Case(
        "policy-toml-valid", "policies", "policy", _const(toml_head.encode()), suffix=".toml"
    )
    for label, body in (
        ("deep-array-5000", "x = " + "[" * 5000 + "]" * 5000 + "\n"),
        ("datetime", "d = 2025-01-01T00:00:00Z\n"),
        ("local-date", "d = 2025-01-01\n"),
        ("int-400-digits", "n = " + "9" * 400 + "\n"),
        ("nan", "n = nan\n"),
        ("inf", "n = inf\n"),
    ):
        yield Case(
            f"policy-toml-{label}",
            "policies",
            "policy",
            _const((body + toml_head).encode()),
            suffix=".toml",
            refuse=True,
        )
    yield Case(
        "policy-toml-format_version-float",
        "policies",
        "policy",
        _const(toml_head.replace("format_version = 1", "format_version = 1.0").encode()),
        suffix=".toml",
        refuse=True,
    )
    yield Case(
        "policy-toml-scale-pdo-inf",
        "policies",
        "policy",
        _const(toml_head.replace("pdo = 20", "pdo = inf").encode()),
        suffix=".toml",
        refuse=True,
    )
    yield Case(
        "policy-toml-invalid-utf8",
        "policies",
        "policy",
        _const(toml_head.encode() + b"# \xff\n"),
        suffix=".toml",
        refuse=True,
    )
    yield Case(
        "policy-toml-over-16MiB",
        "policies",
        "policy",
        lambda: toml_head.encode() + b"#" + b"x" * (16 << 20) + b"\n",
        suffix=".toml",
        refuse=True,
    )


def _set_rule_id(pol: dict[str, Any], rid: str) -> dict[str, Any]:
    doc = copy.deepcopy(pol)
    doc["rules"][0]["id"] = rid
    return doc


def _toml_value(v: Any) -> str:
    if v is None:
        raise ValueError("no null in TOML")
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return (
            "{"
            + ", ".join(
                f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items() if x is not None
            )
            + "}"
        )
    raise TypeError(type(v))


def _toml_policy(pol: dict[str, Any]) -> str:
    """The default policy written as TOML (keys without a TOML null are left out)."""
    lines = []
    for k, v in pol.items():
        if k in ("scale", "rules"):
            continue
        lines.append(f"{k} = {_toml_value(v)}")
    lines.append("[scale]")
    for k, v in pol["scale"].items():
        lines.append(f"{k} = {_toml_value(v)}")
    for rule in pol["rules"]:
        lines.append("[[rules]]")
        for k, v in rule.items():
            if v is not None:
                lines.append(f"{k} = {_toml_value(v)}")
    return "\n".join(lines) + "\n"


def _restate_base_points(doc: dict[str, Any]) -> None:
    """Make ``base_points`` agree with a changed scale, as a careful forger would (the
    library's own ``Scale`` computes it; a scale it refuses is left as it is)."""
    from credit_closure._scoring.scale import Scale

    try:
        scale = Scale.from_dict(doc["scale"])
        doc["base_points"] = scale.offset - scale.factor * doc["intercept"]
    except Exception:
        pass


def _artifacts() -> Iterator[Case]:
    art = reference_artifact()
    for label, changes, raw in _scale_faults():
        doc = copy.deepcopy(art)
        doc["scale"].update(changes)
        if raw is None:
            _restate_base_points(doc)
            data = _dumps(reseal(doc))
        else:
            # A number Python cannot hold: sealed over the marker, so the hash cannot match;
            # the loader must still refuse it with ArtifactError.
            data = _dumps(reseal(doc)).replace(b'"@@N@@"', raw.encode())
        yield Case(f"artifact-scale-{label}", "artifacts", "artifact", _const(data), refuse=True)
    for label, value in (("1.0", 1.0), ("true", True), ("string", "1")):
        yield Case(
            f"artifact-format_version-{label}",
            "artifacts",
            "artifact",
            _const(_dumps(reseal(dict(art, format_version=value)))),
            refuse=True,
        )
    yield Case(
        "artifact-intercept-400-digits",
        "artifacts",
        "artifact",
        _const(_dumps(reseal(dict(art, intercept="@@N@@"))).replace(b'"@@N@@"', b"9" * 400)),
        refuse=True,
    )
    yield Case(
        "artifact-intercept-huge-int-sealed",
        "artifacts",
        "artifact",
        _const(_dumps(reseal(dict(art, intercept=10**399)))),
        refuse=True,
    )
    yield Case(
        "artifact-deep-training",
        "artifacts",
        "artifact",
        _const(_dumps(dict(art, training="@@N@@")).replace(b'"@@N@@"', b"[" * 5000 + b"]" * 5000)),
        refuse=True,
    )
    yield Case(
        "artifact-unterminated-escapes-16384",
        "artifacts",
        "artifact",
        _const(b'{"format": "' + b'\\"' * 16_384),
        refuse=True,
    )
    texts = copy.deepcopy(art["reason_texts"])
    first = next(iter(texts))
    for label, text in (("lone-surrogate", "x\ud800"), ("c1", "x\u009by"), ("ansi", "\u001b[31mx")):
        t2 = copy.deepcopy(texts)
        t2[first]["en"] = text
        yield Case(
            f"artifact-reason-text-{label}",
            "artifacts",
            "artifact",
            _const(_dumps(reseal(dict(art, reason_texts=t2)))),
            refuse=label == "lone-surrogate",
        )
    yield Case(
        "artifact-unknown-key-ansi",
        "artifacts",
        "artifact",
        _const(_dumps(reseal(dict(art, **{"\u001b[2Jk\nforged": 1})))),
        refuse=True,
    )
    yield Case(
        "artifact-bom", "artifacts", "artifact", _const(b"\xef\xbb\xbf" + _dumps(art)), refuse=True
    )
    yield Case(
        "artifact-utf16",
        "artifacts",
        "artifact",
        _const(json.dumps(art).encode("utf-16")),
        refuse=True,
    )
    yield Case(
        "artifact-tampered",
        "artifacts",
        "artifact",
        _const(_dumps(dict(art, intercept=0.0))),
        refuse=True,
    )
    yield Case("artifact-empty", "artifacts", "artifact", _const(b""), refuse=True)
    yield Case("artifact-reference-valid", "artifacts", "artifact", _const(_dumps(art)))


def _paths() -> Iterator[Case]:
    for label, value in (
        ("nul", "model\x00.json"),
        ("lone-surrogate", "model\ud800.json"),
        ("directory", "."),
        ("missing", "no-such-dir/none.json"),
        ("empty", ""),
        ("very-long", "x" * 5000 + ".json"),
    ):
        # Both loaders must refuse these; ``run_case`` checks each itself.
        yield Case(f"path-{label}", "paths", "path", _const(value))


def all_cases() -> list[Case]:
    """Every case of the corpus, in a fixed order."""
    out: list[Case] = []
    for family in (
        _nesting,
        _escapes,
        _huge,
        _numbers,
        _duplicates,
        _unicode,
        _dates,
        _cross,
        _unknown_keys,
        _policies,
        _artifacts,
        _paths,
    ):
        out.extend(family())
    ids = [c.id for c in out]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return out
