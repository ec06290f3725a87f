"""The closure-event model: construction, validation, strict JSON and round trips."""

from __future__ import annotations

import datetime as dt
import json
import math
import pathlib
from typing import Any, ClassVar

import attrs
import pytest
from _helpers import (
    minimal_closed,
)
from hypothesis import given
from strategies import profiles

from credit_closure import (
    AccountStatus,
    ClosureEvent,
    CreditAccount,
    CreditProfile,
    Enterprise,
    InvalidInputError,
    Principal,
    ProductType,
)
from credit_closure._contract import Attributes, Limits, json_schema, loads_document
from credit_closure._contract import (
    documents as cc_json,  # module object: monkeypatched or its state read, where the code looks it up
)
from credit_closure._contract import (
    fastpath as cc_fastpath,  # module object: monkeypatched, where the code looks it up
)

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples" / "profiles"

GOOD = {
    "subject_id": "p-7f3a",
    "accounts": [
        {
            "account_id": "a1",
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
    ],
    "closures": [
        {
            "account_id": "a1",
            "closed_on": "2025-06-10",
            "initiator": "consumer",
            "reason": "reduce_debt",
            "termination": "normal",
            "balance_at_closure": 0,
            "limit_at_closure": 20000,
        },
    ],
    "inquiries": [{"on": "2025-05-01", "kind": "loan_approval"}],
    "activity": [{"account_id": "a1", "at": "2025-07-01T10:00:00", "kind": "login"}],
    "attributes": {"monthly_income": 15000, "city_tier": "1"},
}


def problems_of(doc: object) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInputError) as info:
        CreditProfile.from_dict(doc)
    return info.value.problems


def paths_of(doc: object) -> set[str]:
    return {p for p, _ in problems_of(doc)}


class TestConstruction:
    """Python construction validates and converts without guessing."""

    def test_strings_converted_to_dates_and_enums(self) -> None:
        """ISO dates and enum values given as strings become dates and members."""
        acc = CreditAccount(
            account_id="a", product="credit_card", status="open", opened_on="2020-01-31"
        )
        assert acc.opened_on == dt.date(2020, 1, 31)
        assert acc.product is ProductType.CREDIT_CARD

    def test_every_problem_reported_at_once(self) -> None:
        """A bad account lists each bad field, not just the first."""
        with pytest.raises(InvalidInputError) as info:
            CreditAccount(
                account_id="",
                product="nope",
                status="closed",
                credit_limit=-1,
                balance=math.nan,
                opened_on="2021-04-01",
                closed_on="2020-01-01",
            )
        paths = [p for p, _ in info.value.problems]
        assert paths == ["account_id", "product", "closed_on", "credit_limit", "balance"]
        assert ("closed_on", "is before opened_on 2021-04-01") in info.value.problems

    def test_closed_needs_closed_on_and_open_refuses_it(self) -> None:
        """status closed requires closed_on; status open forbids it."""
        with pytest.raises(InvalidInputError, match="required when status is 'closed'"):
            CreditAccount(account_id="a", product="other", status="closed")
        with pytest.raises(InvalidInputError, match="must be absent when status is 'open'"):
            CreditAccount(account_id="a", product="other", status="open", closed_on="2020-01-01")

    def test_immutable(self) -> None:
        """Records are frozen."""
        acc = CreditAccount(account_id="a", product="other", status="open")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            acc.balance = 3  # type: ignore[misc]

    def test_caller_data_not_altered(self) -> None:
        """from_dict leaves the caller's document as it was."""
        doc = json.loads(json.dumps(GOOD))
        CreditProfile.from_dict(doc)
        assert doc == GOOD

    def test_consecutive_not_above_cumulative(self) -> None:
        """max_consecutive_delinquent_24m cannot exceed months_delinquent_24m."""
        with pytest.raises(InvalidInputError, match="larger than months_delinquent_24m"):
            CreditAccount(
                account_id="a",
                product="other",
                status="open",
                months_delinquent_24m=2,
                max_consecutive_delinquent_24m=3,
            )

    def test_repr_hides_attribute_values(self) -> None:
        """A profile's repr shows how many attributes, never their values."""
        p = CreditProfile(subject_id="s", attributes={"monthly_income": 123456, "secret": "zz-x"})
        assert "123456" not in repr(p) and "zz-x" not in repr(p)
        assert "<2 attributes>" in repr(p)

    def test_profiles_hashable_and_equal(self) -> None:
        """Equal profiles are equal and hash alike."""
        a = CreditProfile.from_dict(GOOD)
        b = CreditProfile.from_dict(json.loads(json.dumps(GOOD)))
        assert a == b and hash(a) == hash(b)

    def test_attributes_mapping(self) -> None:
        """Attributes behave as an immutable mapping and keep types."""
        a = Attributes({"x": 1, "y": 2.5, "z": "s"})
        assert dict(a) == {"x": 1, "y": 2.5, "z": "s"} and isinstance(a["x"], int)
        with pytest.raises(TypeError):
            a["x"] = 2  # type: ignore[index]


class TestStrictJson:
    """from_dict is strict and reports every problem with its path."""

    def test_valid_document_round_trips_exactly(self) -> None:
        """to_dict(from_dict(doc)) == doc for a complete document."""
        assert CreditProfile.from_dict(GOOD).to_dict() == GOOD

    @pytest.mark.parametrize(
        "value, message",
        [
            ("12", "must be a number (got string)"),
            (True, "must be a number (got boolean)"),
            (-1, "must be >= 0 (got -1)"),
            (1e300, "larger than the maximum amount"),
            ([1], "must be a number (got array)"),
        ],
    )
    def test_amount_types(self, value: object, message: str) -> None:
        """Strings, booleans, negatives and absurd amounts are refused."""
        doc = json.loads(json.dumps(GOOD))
        doc["accounts"][0]["credit_limit"] = value
        probs = problems_of(doc)
        assert probs[0][0] == "accounts[0].credit_limit" and message in probs[0][1]

    def test_integer_fields_refuse_floats_and_bools(self) -> None:
        """3.0 is not an integer and true is not 1."""
        doc = json.loads(json.dumps(GOOD))
        doc["accounts"][0]["worst_dpd_24m"] = 3.0
        doc["accounts"][0]["months_delinquent_24m"] = True
        assert paths_of(doc) == {"accounts[0].worst_dpd_24m", "accounts[0].months_delinquent_24m"}

    def test_unknown_and_missing_keys(self) -> None:
        """Unknown keys and missing required keys are named."""
        doc = json.loads(json.dumps(GOOD))
        doc["nickname"] = "x"
        del doc["accounts"][0]["product"]
        doc["closures"][0]["colour"] = "red"
        assert paths_of(doc) == {"nickname", "accounts[0].product", "closures[0].colour"}

    def test_dates_strict(self) -> None:
        """Impossible dates, other formats and numbers for dates are refused."""
        doc = json.loads(json.dumps(GOOD))
        doc["accounts"][0]["opened_on"] = "2019-02-30"
        doc["closures"][0]["closed_on"] = "10/06/2025"
        doc["inquiries"][0]["on"] = 20250501
        doc["activity"][0]["at"] = "yesterday"
        assert paths_of(doc) == {
            "accounts[0].opened_on",
            "closures[0].closed_on",
            "inquiries[0].on",
            "activity[0].at",
        }

    def test_cross_field_problems(self) -> None:
        """Duplicate ids, unknown accounts and contradictions are reported."""
        doc = json.loads(json.dumps(GOOD))
        doc["accounts"].append(dict(doc["accounts"][0]))
        doc["closures"].append({"account_id": "zz", "closed_on": "2025-01-01"})
        doc["activity"].append({"account_id": "qq", "at": "2025-01-01T00:00:00", "kind": "login"})
        assert paths_of(doc) == {
            "accounts[1].account_id",
            "closures[1].account_id",
            "activity[1].account_id",
        }

    def test_closure_of_open_account_and_date_mismatch(self) -> None:
        """A closure must name a non-open account and match its closed_on."""
        doc = json.loads(json.dumps(GOOD))
        doc["closures"][0]["closed_on"] = "2025-06-11"
        probs = problems_of(doc)
        assert probs == [
            ("closures[0].closed_on", "differs from the account's closed_on 2025-06-10")
        ]
        doc = json.loads(json.dumps(GOOD))
        doc["accounts"][0]["status"] = "open"
        del doc["accounts"][0]["closed_on"]
        assert paths_of(doc) == {"closures[0].account_id"}

    def test_many_problems_across_sections(self) -> None:
        """Problems in several lists come back together, with the subject id problem."""
        doc = json.loads(json.dumps(GOOD))
        doc["subject_id"] = ""
        doc["accounts"][0]["status"] = "gone"
        doc["inquiries"][0]["kind"] = "curious"
        doc["attributes"]["bad"] = None
        assert paths_of(doc) == {
            "subject_id",
            "accounts[0].status",
            "inquiries[0].kind",
            "attributes.bad",
        }

    @pytest.mark.parametrize("doc", [[], "x", 3, None, True])
    def test_not_an_object(self, doc: object) -> None:
        """Anything but an object is refused with a message."""
        assert (
            problems_of(doc)
            == [("", f"must be an object (got {json.dumps(doc) if doc is not None else 'null'})")]
            or problems_of(doc)[0][0] == ""
        )

    def test_lists_must_be_arrays_and_bounded(self) -> None:
        """A non-list and an over-long list are refused without deep work."""
        assert paths_of({"subject_id": "s", "accounts": {}}) == {"accounts"}
        big = {
            "subject_id": "s",
            "inquiries": [{"on": "2020-01-01", "kind": "self"}] * (Limits.MAX_INQUIRIES + 1),
        }
        probs = problems_of(big)
        assert probs == [
            (
                "inquiries",
                f"has {Limits.MAX_INQUIRIES + 1} items; the maximum is {Limits.MAX_INQUIRIES}",
            )
        ]

    def test_null_means_unknown(self) -> None:
        """null optional fields are accepted and left out on output."""
        doc = {
            "subject_id": "s",
            "accounts": [
                {"account_id": "a", "product": "other", "status": "open", "balance": None}
            ],
        }
        assert CreditProfile.from_dict(doc).to_dict()["accounts"] == [
            {"account_id": "a", "product": "other", "status": "open"}
        ]

    def test_message_lists_problems(self) -> None:
        """The exception message lists the problems, one per line."""
        with pytest.raises(InvalidInputError) as info:
            CreditProfile.from_dict({"subject_id": 5})
        assert "subject_id: must be a string (got number)" in str(info.value)

    @given(profiles())
    def test_round_trip_property(self, profile: CreditProfile) -> None:
        """from_dict(to_dict(p)) == p, also through JSON text."""
        doc = profile.to_dict()
        assert CreditProfile.from_dict(doc) == profile
        assert CreditProfile.from_dict(json.loads(json.dumps(doc))) == profile


class TestEnterprise:
    """Enterprises and principals."""

    DOC: ClassVar[dict[str, Any]] = {
        "enterprise_id": "e-1",
        "principals": [
            {"role": "legal_representative", "stake": 0.6, "profile": {"subject_id": "p-1"}},
            {"role": "guarantor", "profile": {"subject_id": "p-2"}},
        ],
        "attributes": {"industry": "retail"},
    }

    def test_round_trip(self) -> None:
        """Enterprise documents round-trip losslessly (empty lists are written out)."""
        e = Enterprise.from_dict(self.DOC)
        assert Enterprise.from_dict(e.to_dict()) == e
        assert e.to_dict()["principals"][0]["stake"] == 0.6

    def test_nested_paths(self) -> None:
        """Problems inside a principal's profile carry the full path."""
        doc = json.loads(json.dumps(self.DOC))
        doc["principals"][1]["profile"]["accounts"] = [
            {"account_id": "a", "product": "x", "status": "open"}
        ]
        doc["principals"][0]["stake"] = 1.5
        doc["principals"][0]["role"] = "boss"
        with pytest.raises(InvalidInputError) as info:
            Enterprise.from_dict(doc)
        paths = {p for p, _ in info.value.problems}
        assert paths == {
            "principals[0].role",
            "principals[0].stake",
            "principals[1].profile.accounts[0].product",
        }

    def test_stakes_add_up_to_at_most_one(self) -> None:
        """Stakes of distinct subjects cannot exceed 1."""
        with pytest.raises(InvalidInputError, match="stakes add up to 1.2000"):
            Enterprise(
                enterprise_id="e",
                principals=[
                    Principal(role="shareholder", stake=0.6, profile=CreditProfile(subject_id="a")),
                    Principal(role="shareholder", stake=0.6, profile=CreditProfile(subject_id="b")),
                ],
            )

    def test_needs_a_principal(self) -> None:
        """An enterprise with no principal is refused."""
        with pytest.raises(InvalidInputError, match="at least one principal"):
            Enterprise(enterprise_id="e", principals=[])


class TestLoadsDocument:
    """Raw JSON text is read strictly."""

    @pytest.mark.parametrize(
        "raw, message",
        [
            (b"", "is empty"),
            (b"\xef\xbb\xbf{}", "byte-order mark"),
            (b'{"a": "\xff"}', "not valid UTF-8"),
            (b'{"a": NaN}', "NaN is not allowed"),
            (b'{"a": 1, "a": 2}', "duplicate key"),
            (b'{"a": ', "not valid JSON"),
            (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ],
    )
    def test_bad_text(self, raw: bytes, message: str) -> None:
        """Each kind of bad text gets its own clear message."""
        with pytest.raises(InvalidInputError, match=message):
            loads_document(raw)


class TestSchema:
    """The shipped JSON Schema agrees with the library on the examples."""

    def test_examples_valid_under_schema(self) -> None:
        """Every bundled example validates against the profile schema."""
        jsonschema = pytest.importorskip("jsonschema")
        schema = json_schema("profile")
        for path in sorted(EXAMPLES.glob("*.json")):
            jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)

    def test_schema_rejects_what_library_rejects(self) -> None:
        """Type-level problems are refused by the schema too."""
        jsonschema = pytest.importorskip("jsonschema")
        schema = json_schema("profile")
        for mutate in (
            lambda d: d.update(extra=1),
            lambda d: d["accounts"][0].update(credit_limit="12"),
            lambda d: d["accounts"][0].update(balance=True),
            lambda d: d["closures"][0].update(initiator="boss"),
        ):
            doc = json.loads(json.dumps(GOOD))
            mutate(doc)
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate(doc, schema)
            with pytest.raises(InvalidInputError):
                CreditProfile.from_dict(doc)

    def test_enterprise_schema(self) -> None:
        """The enterprise schema accepts a valid enterprise document."""
        jsonschema = pytest.importorskip("jsonschema")
        jsonschema.validate(TestEnterprise.DOC, json_schema("enterprise"))


def test_status_enum_values() -> None:
    """The v1 contract's values come first, in their v1 order (the columnar codes); contract
    v2 only appends."""
    assert [s.value for s in AccountStatus][:5] == [
        "open",
        "closed",
        "charged_off",
        "transferred",
        "suspended",
    ]
    assert ClosureEvent(account_id="a", closed_on="2020-01-01").initiator.value == "unknown"


class TestInternalCopies:
    """The unchecked copies used by closure impact stay in step with the classes."""

    def test_reopened_account_sets_every_field(self) -> None:
        """reopened_account writes every attrs field of CreditAccount."""
        from credit_closure._contract import reopened_account

        acc = CreditAccount(
            account_id="a",
            product="credit_card",
            status="closed",
            closed_on="2024-01-01",
            credit_limit=5,
            balance=1,
            worst_dpd_24m=3,
            months_delinquent_24m=2,
            max_consecutive_delinquent_24m=1,
            provider="x",
        )
        new = reopened_account(acc, 7, 1)
        for a in attrs.fields(CreditAccount):
            getattr(new, a.name)  # every slot is set
        assert new == attrs.evolve(acc, status="open", closed_on=None, credit_limit=7)

    def test_profile_unchecked_sets_every_field(self) -> None:
        """profile_unchecked copies every attrs field of CreditProfile."""
        from credit_closure._contract import profile_unchecked

        p = CreditProfile.from_dict(GOOD)
        q = profile_unchecked(p, closures=())
        for a in attrs.fields(CreditProfile):
            getattr(q, a.name)
        assert q == attrs.evolve(p, closures=(), accounts=p.accounts) or q.closures == ()
        assert {a.name for a in attrs.fields(CreditProfile)} == {
            "subject_id",
            "accounts",
            "closures",
            "inquiries",
            "activity",
            "attributes",
            "guarantees",
            "public_records",
            "currency",
            "contract_version",
            "_latest",
        }


def test_docs_schema_copies_match_package() -> None:
    """docs/schema holds the same JSON Schemas as the package."""
    root = pathlib.Path(__file__).resolve().parent.parent
    for kind in ("profile", "enterprise"):
        name = f"{kind}-v1.schema.json"
        assert (root / "docs" / "schema" / name).read_bytes() == (
            root / "credit_closure" / "schema" / name
        ).read_bytes()
        assert json_schema(kind)["title"].startswith("credit_closure")


# --------------------------------------------------------------------------------------
# Resource limits
# --------------------------------------------------------------------------------------
_LIST_LIMITS = [
    ("accounts", Limits.MAX_ACCOUNTS),
    ("closures", Limits.MAX_CLOSURES),
    ("inquiries", Limits.MAX_INQUIRIES),
    ("activity", Limits.MAX_ACTIVITY),
    ("attributes", Limits.MAX_ATTRIBUTES),
    ("principals", Limits.MAX_PRINCIPALS),
]


def _doc_with(kind: str, n: int) -> tuple[dict[str, Any], str]:
    """A document with ``n`` items of ``kind``; returns (doc, 'profile' | 'enterprise')."""
    doc = minimal_closed()
    if kind == "accounts":
        doc["accounts"] = [
            {"account_id": f"a{i}", "product": "other", "status": "open"} for i in range(n)
        ]
    elif kind == "closures":
        doc["accounts"] = [
            {
                "account_id": f"a{i}",
                "product": "other",
                "status": "closed",
                "closed_on": "2020-01-01",
            }
            for i in range(n)
        ]
        doc["accounts"] = doc["accounts"][: Limits.MAX_ACCOUNTS]
        doc["closures"] = [
            {"account_id": f"a{i % Limits.MAX_ACCOUNTS}", "closed_on": "2020-01-01"}
            for i in range(n)
        ]
    elif kind == "inquiries":
        doc["inquiries"] = [{"on": "2025-01-01", "kind": "self"}] * n
    elif kind == "activity":
        doc["activity"] = [{"account_id": "a", "at": "2025-01-01T00:00:00", "kind": "login"}] * n
    elif kind == "attributes":
        doc["attributes"] = {f"x{i}": i for i in range(n)}
    else:
        return {
            "enterprise_id": "e",
            "principals": [
                {"role": "guarantor", "profile": {"subject_id": f"p-{i}"}} for i in range(n)
            ],
        }, "enterprise"
    return doc, "profile"


class TestResourceLimits:
    """Each documented maximum is enforced with a clear InvalidInputError, before deep work."""

    @pytest.mark.parametrize("kind, limit", [k for k in _LIST_LIMITS if k[0] != "activity"])
    def test_at_the_limit_is_accepted(self, kind: str, limit: int) -> None:
        """Exactly the maximum number of items is valid."""
        doc, which = _doc_with(kind, limit)
        obj = (Enterprise if which == "enterprise" else CreditProfile).from_dict(doc)
        assert len(getattr(obj, kind)) == limit

    @pytest.mark.parametrize("kind, limit", _LIST_LIMITS)
    def test_over_the_limit_is_refused(self, kind: str, limit: int) -> None:
        """One item over the maximum is one problem on the list, naming the maximum."""
        doc, which = _doc_with(kind, limit + 1)
        with pytest.raises(InvalidInputError) as info:
            (Enterprise if which == "enterprise" else CreditProfile).from_dict(doc)
        assert info.value.problems == [(kind, f"has {limit + 1} items; the maximum is {limit}")]

    @pytest.mark.parametrize("kind, limit", _LIST_LIMITS)
    def test_no_record_built_over_the_limit(
        self, kind: str, limit: int, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Over a list limit, not one record of the list is built (the length is checked first)."""
        calls = {"n": 0}
        name = {
            "accounts": "_account",
            "closures": "_closure",
            "inquiries": "_inquiry",
            "activity": "_activity",
            "principals": "_principal",
        }.get(kind)
        if name is None:  # attributes: the values of an over-long mapping are never read

            class CountingDict(dict):
                def items(self) -> Any:  # type: ignore[override]
                    calls["n"] += 1
                    return super().items()

            doc, _ = _doc_with(kind, limit + 1)
            doc["attributes"] = CountingDict(doc["attributes"])
            with pytest.raises(InvalidInputError):
                CreditProfile.from_dict(doc)
            assert calls["n"] == 0
            doc["attributes"] = CountingDict({"x": 1})
            CreditProfile.from_dict(doc)
            assert calls["n"] > 0
            return
        # both readers: the fast one (a valid plain document) and the strict one
        for module in (cc_json, cc_fastpath):
            if not hasattr(module, name):
                continue
            original = getattr(module, name)

            def counting(*args: Any, original: Any = original) -> Any:
                calls["n"] += 1
                return original(*args)

            monkeypatch.setattr(module, name, counting)
        doc, which = _doc_with(kind, limit + 1)
        with pytest.raises(InvalidInputError):
            (Enterprise if which == "enterprise" else CreditProfile).from_dict(doc)
        assert calls["n"] == 0
        small, _ = _doc_with(kind, 2)  # and the counter does count when under the limit
        (Enterprise if which == "enterprise" else CreditProfile).from_dict(small)
        assert calls["n"] == 2

    def test_direct_construction_limits(self) -> None:
        """Building a profile in code past a list limit raises too, naming the list."""
        from credit_closure import CreditAccount

        acc = [
            CreditAccount(account_id=f"a{i}", product="other", status="open")
            for i in range(Limits.MAX_ACCOUNTS + 1)
        ]
        with pytest.raises(InvalidInputError) as info:
            CreditProfile(subject_id="p", accounts=acc)
        assert [p for p, _ in info.value.problems] == ["accounts"]

    @pytest.mark.parametrize("field", ["subject_id", "account_id", "enterprise_id"])
    def test_id_length(self, field: str) -> None:
        """Ids of MAX_ID_LENGTH characters pass; one more is refused on that path."""

        def doc(n: int) -> tuple[Any, Any]:
            ident = "i" * n
            if field == "enterprise_id":
                return Enterprise, {
                    "enterprise_id": ident,
                    "principals": [{"role": "guarantor", "profile": {"subject_id": "p"}}],
                }
            if field == "subject_id":
                return CreditProfile, {"subject_id": ident}
            return CreditProfile, {
                "subject_id": "p",
                "accounts": [{"account_id": ident, "product": "other", "status": "open"}],
            }

        cls, ok = doc(Limits.MAX_ID_LENGTH)
        cls.from_dict(ok)
        cls, bad = doc(Limits.MAX_ID_LENGTH + 1)
        with pytest.raises(InvalidInputError) as info:
            cls.from_dict(bad)
        path = "accounts[0].account_id" if field == "account_id" else field
        assert info.value.problems == [(path, f"is longer than {Limits.MAX_ID_LENGTH} characters")]

    def test_attribute_string_and_name_length(self) -> None:
        """Attribute strings up to MAX_STRING_LENGTH and names up to 64 characters pass."""
        n = Limits.MAX_STRING_LENGTH
        CreditProfile.from_dict({"subject_id": "p", "attributes": {"k" * 64: "v" * n}})
        with pytest.raises(InvalidInputError) as info:
            CreditProfile.from_dict({"subject_id": "p", "attributes": {"k" * 65: "v" * (n + 1)}})
        assert [p for p, _ in info.value.problems] == ["attributes"]
        with pytest.raises(InvalidInputError) as info:
            CreditProfile.from_dict({"subject_id": "p", "attributes": {"k": "v" * (n + 1)}})
        assert [p for p, _ in info.value.problems] == ["attributes.k"]

    def test_amount_and_dpd_maximums(self) -> None:
        """MAX_AMOUNT and MAX_DPD are accepted; just above them is refused."""

        def acc(**kw: Any) -> dict[str, Any]:
            return {
                "subject_id": "p",
                "accounts": [dict(account_id="a", product="other", status="open", **kw)],
            }

        CreditProfile.from_dict(acc(balance=Limits.MAX_AMOUNT, worst_dpd_24m=Limits.MAX_DPD))
        with pytest.raises(InvalidInputError) as info:
            CreditProfile.from_dict(
                acc(balance=Limits.MAX_AMOUNT * 1.0000001, worst_dpd_24m=Limits.MAX_DPD + 1)
            )
        assert sorted(p for p, _ in info.value.problems) == [
            "accounts[0].balance",
            "accounts[0].worst_dpd_24m",
        ]
