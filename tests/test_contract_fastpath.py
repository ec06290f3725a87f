"""The fast reader of profile documents (issue 18: ``from_dict`` checks each value once).

It must never accept what the strict reader refuses, and what it builds must equal the strict
reader's object to the bit; on any problem the public ``from_dict`` reports exactly what the
strict reader reports.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit_closure import CreditProfile, Enterprise, InvalidInputError
from credit_closure._contract import (
    documents as cc_documents,  # module object: monkeypatched, where the code looks it up
)
from credit_closure._contract import read_profile, strict_profile_from_dict
from tests.strategies import profiles, v2_profiles

CORE = {
    "subject_id": "bench-1",
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
            "account_id": "jb1",
            "product": "cash_loan",
            "opened_on": "2020-02-10",
            "credit_limit": 30000.5,
            "balance": 12400,
            "status": "open",
            "worst_dpd_24m": 35,
            "months_delinquent_24m": 1,
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
        }
    ],
    "inquiries": [{"on": "2025-05-01", "kind": "loan_approval"}],
    "activity": [{"account_id": "jb1", "at": "2025-07-01T10:00:00Z", "kind": "login"}],
    "attributes": {"monthly_income": 15000, "city_tier": "1", "ratio": 0.25},
}


def _strict(doc: Any) -> CreditProfile | list[tuple[str, str]]:
    try:
        return strict_profile_from_dict(doc)
    except InvalidInputError as exc:
        return list(exc.problems)


def _public(doc: Any) -> CreditProfile | list[tuple[str, str]]:
    try:
        return CreditProfile.from_dict(doc)
    except InvalidInputError as exc:
        return list(exc.problems)


def _same(a: CreditProfile, b: CreditProfile) -> None:
    """Equal to the bit: equality, the repr of every field (types of numbers included), the
    cached latest date, the version and the document."""
    assert a == b
    assert repr(a) == repr(b)
    assert a._latest == b._latest
    assert a.contract_version == b.contract_version
    assert json.dumps(a.to_dict(), sort_keys=True) == json.dumps(b.to_dict(), sort_keys=True)
    for x, y in zip(a.accounts, b.accounts, strict=True):
        assert [type(getattr(x, f)) for f in x.__slots__ if hasattr(x, f)] == [
            type(getattr(y, f)) for f in y.__slots__ if hasattr(y, f)
        ]


def _check(doc: Any) -> CreditProfile | None:
    """The fast reader agrees with the strict one on ``doc``; returns the fast result."""
    fast = read_profile(doc)
    strict = _strict(doc)
    if fast is not None:
        assert isinstance(strict, CreditProfile), strict  # never accepts what strict refuses
        _same(fast, strict)
    public = _public(doc)
    if isinstance(strict, CreditProfile):
        assert isinstance(public, CreditProfile)
        _same(public, strict)
    else:
        assert public == strict  # the same problems, paths and messages, in the same order
    return fast


class TestValidDocuments:
    def test_core_profile_is_read_fast(self) -> None:
        assert _check(CORE) is not None

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(profiles())
    def test_v1_profiles(self, profile: CreditProfile) -> None:
        """Every valid v1 profile's document is read by the fast reader, to the same object."""
        doc = json.loads(json.dumps(profile.to_dict()))
        fast = _check(doc)
        assert fast is not None
        assert fast == profile
        assert fast._latest == profile._latest

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(v2_profiles())
    def test_v2_profiles(self, profile: CreditProfile) -> None:
        doc = json.loads(json.dumps(profile.to_dict()))
        fast = _check(doc)
        assert fast is not None
        assert fast == profile
        assert fast.to_dict() == profile.to_dict()

    def test_declared_version_1(self) -> None:
        assert _check({**CORE, "contract_version": 1}) is not None

    def test_collection_account_first_delinquency_before_opening(self) -> None:
        acc = {
            "account_id": "c1",
            "product": "other",
            "status": "open",
            "opened_on": "2024-03-01",
            "first_delinquency_on": "2023-07-15",
            "institution_type": "collection_agency",
        }
        got = _check({"contract_version": 2, "subject_id": "s", "accounts": [acc]})
        assert got is not None
        assert got.accounts[0].first_delinquency_on == dt.date(2023, 7, 15)


# ------------------------------------------------------------------------------------------
# Broken documents: the fast reader declines, the public errors are the strict ones
# ------------------------------------------------------------------------------------------
_NASTY: list[Any] = [
    None, "", "x", "a" * 129, "id\x00", "id\x85", "\ud800", -1, 0, 1, 24, 25, 999, 1000,
    36_500, 36_501, 1e13, 1e14, 10**16, 2**53 + 1, math.nan, math.inf, -math.inf, -0.0, True,
    False, 1.5, "2025-02-30", "2025-13-01", "1899-12-31", "1900-01-01", "2025-1-01", "20250101",
    "2025-W01-1", "2025-06-10\n", "2025-06-10T00:00:00", "2025-06-10T10:00:00+08:00",
    "2025-0a-01", "+025-01-01", "\uff12025-01-01", "2025-01-1 ", "2025-1--01",
    "9999-12-31T23:59:59-05:00", "2010-01-01", "2030-01-01", [], {}, [1], {"a": 1}, ("t",),
    "open", "closed", "charged_off", "suspended", "frozen", "overdue", "credit_card", "overdraft",
    "consumer", "paid_as_agreed", "loan_approval", "financing_approval", "normal", "loss",
    "collection_agency", "bank", "guarantor", "login", "N" * 24, "N" * 61, "NX", "1234567",
    "N" * 20 + "1234", "#" * 24, 1, 2, 3, "2", "CNY", "cny",
]  # fmt: skip
_KEYS = [
    "account_id", "product", "status", "provider", "opened_on", "closed_on", "credit_limit",
    "balance", "worst_dpd_24m", "months_delinquent_24m", "max_consecutive_delinquent_24m",
    "classification", "liability", "institution_type", "current_overdue_amount",
    "current_overdue_periods", "first_delinquency_on", "last_payment_on", "repayment_history",
    "history_end", "overdue_amounts", "special_transactions", "limit_history", "initiator",
    "reason", "termination", "balance_at_closure", "limit_at_closure", "worst_dpd_6m_before",
    "kind", "on", "at", "institution_type", "subject_id", "accounts", "closures", "inquiries",
    "activity", "attributes", "contract_version", "guarantees", "public_records", "bogus",
    "amount", "months", "limit", "guarantee_id", "party", "ends_on", "overdue_amount", "currency",
]  # fmt: skip


def _records(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every object of ``doc`` (the document, its records and their nested records)."""
    out = [doc]
    for key in ("accounts", "closures", "inquiries", "activity", "guarantees", "public_records"):
        items = doc.get(key)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                out.append(item)
                for nested in ("special_transactions", "limit_history"):
                    more = item.get(nested)
                    out.extend(x for x in more if isinstance(x, dict)) if isinstance(
                        more, list
                    ) else None
    if isinstance(doc.get("attributes"), dict):
        out.append(doc["attributes"])
    return out


@st.composite
def broken_documents(draw: st.DrawFn) -> dict[str, Any]:
    base = draw(st.one_of(profiles(max_accounts=4), v2_profiles(max_accounts=4)))
    doc = json.loads(json.dumps(base.to_dict()))
    if draw(st.booleans()):
        doc = copy.deepcopy(CORE)
    for _ in range(draw(st.integers(1, 3))):
        target = draw(st.sampled_from(_records(doc)))
        action = draw(st.sampled_from(["set", "set", "set", "delete", "copy"]))
        key = draw(st.sampled_from([*target.keys(), *_KEYS] if target else _KEYS))
        if action == "delete":
            target.pop(key, None)
        elif action == "copy" and isinstance(doc.get("accounts"), list) and doc["accounts"]:
            doc["accounts"].append(copy.deepcopy(doc["accounts"][0]))
        else:
            target[key] = copy.deepcopy(draw(st.sampled_from(_NASTY)))
    return doc


class TestBrokenDocuments:
    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(broken_documents())
    def test_agrees_with_the_strict_reader(self, doc: dict[str, Any]) -> None:
        _check(doc)

    @pytest.mark.parametrize(
        "doc",
        [
            None,
            [],
            "text",
            {},
            {"subject_id": "s", "accounts": ({"account_id": "a", "product": "other"},)},
            {"subject_id": "s", "contract_version": 2.0},
            {"subject_id": "s", "contract_version": True},
            {"subject_id": "s", "attributes": {"k": "\ud800"}},
            {"subject_id": "s", "attributes": {"": 1}},
            {"subject_id": "s", "attributes": {"k": 2**53 + 1}},
            {"subject_id": "s", "activity": [{"account_id": "a", "at": "x", "kind": "login"}]},
        ],
    )
    def test_examples(self, doc: Any) -> None:
        assert read_profile(doc) is None
        _check(doc)

    def test_other_shapes_go_to_the_strict_reader(self) -> None:
        """A value of another shape (a ``Decimal`` amount, a non-dict mapping) is declined and
        read by the strict reader, to the same profile."""
        import decimal
        from types import MappingProxyType

        doc = copy.deepcopy(CORE)
        doc["accounts"][0]["credit_limit"] = decimal.Decimal("20000")
        assert read_profile(doc) is None
        assert CreditProfile.from_dict(doc) == CreditProfile.from_dict(CORE)
        assert read_profile(MappingProxyType(CORE)) is None
        assert CreditProfile.from_dict(MappingProxyType(CORE)) == CreditProfile.from_dict(CORE)


class TestEnterprise:
    """An enterprise's principals' profiles are read by the fast reader too, to the same
    enterprise as the strict reader alone gives."""

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(profiles(max_accounts=3), v2_profiles(max_accounts=3)), st.booleans())
    def test_same_enterprise(self, profile: CreditProfile, broken: bool) -> None:
        doc: dict[str, Any] = {
            "enterprise_id": "e1",
            "principals": [{"role": "legal_representative", "stake": 0.5, "profile": {}}],
        }
        inner = profile.to_dict()
        if inner.pop("contract_version", None) == 2:
            doc["contract_version"] = 2
        if broken and inner["accounts"]:
            inner["accounts"][0]["balance"] = -1
        doc["principals"][0]["profile"] = inner
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(cc_documents, "read_profile", lambda *args: None)
            try:
                strict: Any = Enterprise.from_dict(doc)
            except InvalidInputError as exc:
                strict = list(exc.problems)
        try:
            got: Any = Enterprise.from_dict(doc)
        except InvalidInputError as exc:
            got = list(exc.problems)
        assert got == strict
        if isinstance(got, Enterprise):
            assert repr(got) == repr(strict)
