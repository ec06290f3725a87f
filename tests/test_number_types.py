"""Numbers and dates as real data arrives (issue 17, item 1): numpy scalars, ``Decimal`` and
whole-day date-times, made plain by the contract's one rule
(``credit_closure._contract.checks._to_number`` and ``_to_date``) in the model's fields, in
attributes and in the columnar object columns; the rule is documented in
docs/json-contract.md ("Numbers and dates from numpy, pandas and databases")."""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import json
import subprocess
import sys
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from _helpers import PORTFOLIO_AS_OF, columnar_problems, fingerprint, long_accounts, output_rows
from hypothesis import given
from hypothesis import strategies as st
from strategies import scoring_profiles

import credit_closure
from credit_closure import (
    ClosureEvent,
    CreditAccount,
    CreditProfile,
    Enterprise,
    InvalidInputError,
    Principal,
)
from credit_closure._contract.attributes import Attributes
from credit_closure.columnar import profiles_to_tables, score_columnar

AS_OF = dt.date(2025, 12, 31)
INT_FIELDS = ("worst_dpd_24m", "months_delinquent_24m", "max_consecutive_delinquent_24m")
AMOUNT_FIELDS = ("credit_limit", "balance")
CLOSURE_INT_FIELDS = ("worst_dpd_6m_before",)
CLOSURE_AMOUNT_FIELDS = ("balance_at_closure", "limit_at_closure")
INT_TYPES = (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)
FLOAT_TYPES = (np.float16, np.float32, np.float64)


# --------------------------------------------------------------------------------------
# Helpers: the same value as a numpy scalar or a Decimal, drawn by hypothesis
# --------------------------------------------------------------------------------------
def _int_forms(value: int) -> list[Any]:
    """Every numpy integer type that holds ``value``, and its Decimal forms."""
    forms: list[Any] = [t(value) for t in INT_TYPES if np.iinfo(t).min <= value <= np.iinfo(t).max]
    return forms + [Decimal(value), Decimal(value).quantize(Decimal("0.01"))]


def _exact_floats(value: float) -> list[Any]:
    """The numpy floats that hold ``value`` exactly."""
    with np.errstate(over="ignore"):
        return [t(value) for t in FLOAT_TYPES if float(t(value)) == value]


def _float_forms(value: float) -> list[Any]:
    """numpy floats that hold ``value`` exactly, and Decimals whose nearest float it is."""
    return _exact_floats(value) + [Decimal(value), Decimal(repr(value))]


def _forms(value: Any) -> list[Any]:
    """The forms of ``value`` whose plain value is ``value`` itself, of the same type (a
    whole float's Decimal is the int of the same value, which scores the same as a number
    but is another category: those are compared on their own)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return [value]
    if isinstance(value, int):
        return _int_forms(value)
    return _float_forms(value) if not value.is_integer() else _exact_floats(value)


@st.composite
def disguised(draw: st.DrawFn, doc: Any) -> Any:
    """``doc`` (a profile's v1 dict) with each number replaced by a drawn numpy scalar or
    Decimal of the same value (strings, dates and the lists' shapes unchanged)."""
    if isinstance(doc, dict):
        return {k: draw(disguised(v)) for k, v in doc.items()}
    if isinstance(doc, list):
        return [draw(disguised(v)) for v in doc]
    return draw(st.sampled_from(_forms(doc)))


def _plain_types(profile: CreditProfile) -> None:
    """Every number the profile stores is a plain int or float, every date a plain date."""
    for a in profile.accounts:
        for name in AMOUNT_FIELDS + INT_FIELDS:
            v = getattr(a, name)
            assert v is None or type(v) in (int, float), (name, type(v))
        for name in INT_FIELDS:
            assert getattr(a, name) is None or type(getattr(a, name)) is int
        for name in ("opened_on", "closed_on"):
            assert getattr(a, name) is None or type(getattr(a, name)) is dt.date
    for c in profile.closures:
        for name in CLOSURE_AMOUNT_FIELDS + CLOSURE_INT_FIELDS:
            v = getattr(c, name)
            assert v is None or type(v) in (int, float), (name, type(v))
        assert type(c.closed_on) is dt.date
    for v in profile.attributes.values():
        assert type(v) in (int, float, str)


def _numbers_equal(a: Any, b: Any) -> None:
    """Two v1 documents hold the same values (an int and a float of the same value match)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _numbers_equal(a[k], b[k])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _numbers_equal(x, y)
    else:
        assert a == b and type(a) in (type(b), int, float), (a, b)


# --------------------------------------------------------------------------------------
# The model: constructors, from_dict and attributes
# --------------------------------------------------------------------------------------
class TestModel:
    @given(data=st.data())
    def test_disguised_profiles_equal_plain_ones(self, data):
        """A profile whose numbers arrive as numpy scalars and Decimals (every numeric field
        and attribute) builds, stores plain values, round-trips through JSON like the plain
        one and is assessed identically by the rules and the scorecard."""
        plain = data.draw(scoring_profiles("s1", AS_OF))
        doc = plain.to_dict()
        given_doc = data.draw(disguised(doc))
        before = copy.deepcopy(given_doc)
        built = CreditProfile.from_dict(given_doc)
        assert given_doc == before  # the caller's document is not changed
        _plain_types(built)
        assert built == plain
        _numbers_equal(built.to_dict(), doc)
        assert CreditProfile.from_dict(json.loads(json.dumps(built.to_dict()))) == built
        for scorer in ("rules", "logistic"):
            got = credit_closure.assess(built, scorer=scorer, as_of=AS_OF)
            want = credit_closure.assess(plain, scorer=scorer, as_of=AS_OF)
            assert fingerprint(got) == fingerprint(want)

    @given(
        value=st.integers(0, 24),
        kind=st.sampled_from(INT_TYPES),
        field=st.sampled_from(INT_FIELDS + AMOUNT_FIELDS),
    )
    def test_numpy_integers_in_every_account_field(self, value, kind, field):
        """A numpy integer of any width is stored as the int of the same value."""
        extra = {"months_delinquent_24m": 24} if field == "max_consecutive_delinquent_24m" else {}
        acc = CreditAccount(
            account_id="a", product="cash_loan", status="open", **extra, **{field: kind(value)}
        )
        assert type(getattr(acc, field)) is int and getattr(acc, field) == value

    @given(
        value=st.floats(0, 65504, width=16)
        | st.floats(0, 9999999827968.0, width=32)
        | st.floats(0, 1e13),
        kind=st.sampled_from(FLOAT_TYPES),
        field=st.sampled_from(AMOUNT_FIELDS + CLOSURE_AMOUNT_FIELDS),
    )
    def test_numpy_floats_are_their_exact_value(self, value, kind, field):
        """float16/32/64 become the float64 of the same value (a float32 0.1 is
        0.10000000149011612, its exact value, not 0.1)."""
        with np.errstate(over="ignore"):
            x = kind(value)
        if not np.isfinite(x):
            return
        cls = CreditAccount if field in AMOUNT_FIELDS else ClosureEvent
        base = (
            {"account_id": "a", "product": "cash_loan", "status": "open"}
            if cls is CreditAccount
            else {"account_id": "a", "closed_on": "2025-01-01"}
        )
        stored = getattr(cls(**base, **{field: x}), field)
        assert type(stored) is float and stored == float(x) and np.float64(stored) == x

    def test_float32_keeps_its_exact_value(self):
        acc = CreditAccount(
            account_id="a", product="cash_loan", status="open", balance=np.float32(0.1)
        )
        assert acc.balance == 0.10000000149011612

    @given(text=st.decimals(min_value=0, max_value=10**13, allow_nan=False, places=4))
    def test_decimal_amounts_are_the_nearest_float(self, text):
        """A Decimal amount is the nearest float (an int when it is a whole number)."""
        acc = CreditAccount(account_id="a", product="cash_loan", status="open", balance=text)
        if text == text.to_integral_value():
            assert type(acc.balance) is int and acc.balance == text
        else:
            assert type(acc.balance) is float and acc.balance == float(text)

    def test_decimal_in_integer_fields(self):
        """A whole Decimal is an int in an integer field; any other is refused there."""
        acc = CreditAccount(
            account_id="a",
            product="cash_loan",
            status="open",
            worst_dpd_24m=Decimal("30.00"),
            months_delinquent_24m=Decimal("2"),
        )
        assert (acc.worst_dpd_24m, type(acc.worst_dpd_24m)) == (30, int)
        with pytest.raises(InvalidInputError) as info:
            CreditAccount(
                account_id="a", product="cash_loan", status="open", worst_dpd_24m=Decimal("1.5")
            )
        assert info.value.problems == [("worst_dpd_24m", "must be an integer (got number)")]

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (Decimal("NaN"), "must be a finite number (got nan)"),
            (Decimal("sNaN"), "must be a finite number (got nan)"),
            (Decimal("Infinity"), "must be a finite number (got inf)"),
            (Decimal("-Infinity"), "must be a finite number (got -inf)"),
            (Decimal("1e400"), "is beyond the range of a 64-bit float (got Decimal)"),
            (np.float64("nan"), "must be a finite number (got nan)"),
            (np.float32("inf"), "must be a finite number (got inf)"),
            (
                np.longdouble(1) / np.longdouble(3),
                "is not exactly representable as a 64-bit float (got longdouble)",
            ),
            (np.bool_(True), "must be a number (got boolean)"),
            (True, "must be a number (got boolean)"),
            (np.timedelta64(3, "D"), "must be a number (got timedelta64)"),
            (np.complex128(1), "must be a number (got complex128)"),
        ],
    )
    def test_refused_numbers(self, value, message):
        """Non-finite, inexact, boolean and non-real values are refused, naming the field."""
        if isinstance(value, np.longdouble) and np.finfo(np.longdouble).nmant <= 52:
            pytest.skip("longdouble is float64 on this platform")
        with pytest.raises(InvalidInputError) as info:
            CreditAccount(account_id="a", product="cash_loan", status="open", balance=value)
        assert info.value.problems == [("balance", message)]

    @pytest.mark.parametrize("value", [np.bool_(False), True, False])
    @pytest.mark.parametrize("field", INT_FIELDS)
    def test_booleans_refused_in_integer_fields(self, value, field):
        with pytest.raises(InvalidInputError) as info:
            CreditAccount(account_id="a", product="cash_loan", status="open", **{field: value})
        assert info.value.problems == [(field, "must be an integer (got boolean)")]

    def test_exactness_beyond_2_53(self):
        """2**53 + 1 is kept exact as an int, so the limits refuse it: above the maximum
        amount, too large an attribute; as a Decimal it is never rounded either."""
        big = np.int64(2**53 + 1)
        with pytest.raises(InvalidInputError) as info:
            CreditAccount(account_id="a", product="cash_loan", status="open", balance=big)
        assert info.value.problems == [("balance", "is larger than the maximum amount 1e+13")]
        with pytest.raises(InvalidInputError) as info:
            Attributes({"x": big, "y": Decimal(2**53 + 1), "z": np.uint64(2**64 - 1)})
        assert info.value.problems == [
            ("attributes.x", "is too large an integer to be exact in JSON (|n| > 2**53)"),
            (
                "attributes.y",
                "is a whole number that no 64-bit float holds exactly (got Decimal)",
            ),
            ("attributes.z", "is too large an integer to be exact in JSON (|n| > 2**53)"),
        ]
        ok = Attributes({"x": np.int64(2**53), "y": Decimal(2**60), "z": Decimal("1e20")})
        assert ok.to_dict() == {"x": 2**53, "y": float(2**60), "z": 1e20}
        assert type(ok["x"]) is int and type(ok["y"]) is float

    @given(
        value=st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False),
        form=st.integers(0, 20),
    )
    def test_attributes_every_dtype(self, value, form):
        """Attributes hold the plain value of every numpy number and Decimal of it."""
        forms = _forms(value) + [Decimal(value)]
        given_value = forms[form % len(forms)]
        a = Attributes({"x": given_value})
        assert type(a["x"]) in (int, float) and a["x"] == value
        if isinstance(given_value, np.integer) or (
            isinstance(given_value, Decimal) and value == int(value) and abs(value) <= 2**53
        ):
            assert type(a["x"]) is int

    def test_attributes_keep_the_callers_mapping(self):
        given_values = {"n": np.int32(7), "d": Decimal("0.10"), "s": "tier"}
        before = dict(given_values)
        a = Attributes(given_values)
        assert given_values == before and type(given_values["n"]) is np.int32
        assert a.to_dict() == {"n": 7, "d": 0.1, "s": "tier"}

    def test_stake_and_enterprise(self):
        """A principal's stake follows the same rule; a bool stake is still refused."""
        profile = CreditProfile(subject_id="p")
        pr = Principal(role="shareholder", stake=np.float32(0.5), profile=profile)
        assert type(pr.stake) is float and pr.stake == 0.5
        assert Principal(role="shareholder", stake=Decimal("0.25"), profile=profile).stake == 0.25
        e = Enterprise(enterprise_id="e", principals=[pr], attributes={"staff": np.int64(40)})
        assert e.attributes["staff"] == 40 and type(e.attributes["staff"]) is int
        with pytest.raises(InvalidInputError, match="stake"):
            Principal(role="shareholder", stake=np.bool_(True), profile=profile)

    def test_decimal_context_is_our_own(self):
        """The caller's decimal context (precision, traps) neither applies nor changes."""
        with decimal.localcontext() as ctx:
            ctx.prec = 3
            ctx.traps[decimal.Inexact] = True
            ctx.traps[decimal.Rounded] = True
            acc = CreditAccount(
                account_id="a", product="cash_loan", status="open", balance=Decimal("12345.678")
            )
            assert acc.balance == 12345.678
            assert decimal.getcontext().prec == 3


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------
class TestDates:
    @pytest.mark.parametrize(
        "value",
        [
            dt.date(2020, 1, 1),
            "2020-01-01",
            dt.datetime(2020, 1, 1),
            pd.Timestamp("2020-01-01"),
            np.datetime64("2020-01-01"),
            np.datetime64("2020-01-01T00:00:00.000000000"),
            np.datetime64("2020-01-01T00", "h"),
        ],
    )
    def test_whole_days_are_dates(self, value):
        """A date, its string, and a date-time that is exactly a day (naive, midnight) are
        the plain date."""
        ev = ClosureEvent(account_id="a", closed_on=value)
        assert type(ev.closed_on) is dt.date and ev.closed_on == dt.date(2020, 1, 1)

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (dt.datetime(2020, 1, 1, 12, 30), "must be whole days (it has a time of day)"),
            (pd.Timestamp("2020-01-01 00:00:00.000000001"), "must be whole days"),
            (np.datetime64("2020-01-01T00:00:01"), "must be whole days"),
            (dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc), "is a date-time with a time zone"),
            (pd.Timestamp("2020-01-01", tz="Asia/Shanghai"), "is a date-time with a time zone"),
            (pd.NaT, "is not a date (got NaT)"),
            (np.datetime64("NaT"), "is not a date (got NaT)"),
            (np.datetime64("12000-01-01"), "is outside the years 1-9999"),
            (np.datetime64("1850-01-01"), "is before 1900-01-01"),
            (20200101, "must be a date in YYYY-MM-DD form (got number)"),
        ],
    )
    def test_ambiguous_date_times_refused(self, value, message):
        """A time of day or a time zone would make the day a guess: refused, naming the
        field; NaT is refused like NaN (use None for an unknown date)."""
        with pytest.raises(InvalidInputError) as info:
            CreditAccount(account_id="a", product="cash_loan", status="open", opened_on=value)
        ((path, got),) = info.value.problems
        assert path == "opened_on" and got.startswith(message)

    def test_as_of_still_refuses_date_times(self):
        """The assessment date is an argument, not data: it keeps its own rule."""
        with pytest.raises(InvalidInputError, match="not a date-time"):
            credit_closure.assess(CreditProfile(subject_id="p"), as_of=dt.datetime(2025, 1, 1))


# --------------------------------------------------------------------------------------
# pandas rows
# --------------------------------------------------------------------------------------
def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": ["a1", "a2"],
            "product": ["credit_card", "cash_loan"],
            "status": ["open", "closed"],
            "opened_on": pd.to_datetime(["2019-03-01", "2021-06-15"]),
            "closed_on": pd.to_datetime([None, "2025-11-30"]),
            "credit_limit": np.array([20000.0, 5000.5], dtype=np.float32),
            "balance": np.array([1500, 0], dtype=np.int64),
            "worst_dpd_24m": np.array([0, 30], dtype=np.int32),
        }
    )


PLAIN_ROWS = [
    {
        "account_id": "a1",
        "product": "credit_card",
        "status": "open",
        "opened_on": "2019-03-01",
        "credit_limit": 20000.0,
        "balance": 1500,
        "worst_dpd_24m": 0,
    },
    {
        "account_id": "a2",
        "product": "cash_loan",
        "status": "closed",
        "opened_on": "2021-06-15",
        "closed_on": "2025-11-30",
        "credit_limit": 5000.5,
        "balance": 0,
        "worst_dpd_24m": 30,
    },
]


class TestPandasRows:
    def test_row_to_dict(self):
        """``df.iloc[i].to_dict()`` (Timestamps at midnight, numbers boxed by pandas) and
        cells read one by one (numpy scalars) build the same accounts as plain values, and
        the profile is assessed identically."""
        df = _frame()
        rows = [df.iloc[i].to_dict() for i in range(len(df))]
        rows[0].pop("closed_on")  # the open account has no closing date
        cells = [{c: df[c].iloc[i] for c in df.columns} for i in range(len(df))]
        cells[0].pop("closed_on")
        assert (
            type(cells[1]["balance"]) is np.int64 and type(cells[1]["credit_limit"]) is np.float32
        )
        plain = CreditProfile(
            subject_id="s", accounts=[CreditAccount(**r) for r in PLAIN_ROWS], attributes={"n": 3}
        )
        for source in (rows, cells):
            before = copy.deepcopy(source)
            built = CreditProfile(
                subject_id="s",
                accounts=[CreditAccount(**r) for r in source],
                attributes={"n": df["worst_dpd_24m"].iloc[0] + 3},
            )
            assert source[1].keys() == before[1].keys()
            assert built == plain and built.to_dict() == plain.to_dict()
            _plain_types(built)
            want = credit_closure.assess(plain, as_of=AS_OF)
            assert fingerprint(credit_closure.assess(built, as_of=AS_OF)) == fingerprint(want)

    def test_missing_cells_are_refused_not_guessed(self):
        """pandas marks a missing number NaN and a missing date NaT: both are refused in a
        record (map them to None for "unknown"), never read as a value."""
        df = _frame()
        df.loc[0, "balance"] = np.nan
        row = df.iloc[0].to_dict()
        with pytest.raises(InvalidInputError) as info:
            CreditAccount(**row)
        problems = info.value.problems
        assert ("balance", "must be a finite number (got nan)") in problems
        assert ("closed_on", "is not a date (got NaT); use None for an unknown date") in problems
        clean = {k: (None if pd.isna(v) else v) for k, v in row.items()}
        assert CreditAccount(**clean).balance is None


# --------------------------------------------------------------------------------------
# Columnar object columns
# --------------------------------------------------------------------------------------
@pytest.mark.usefixtures("engine")
class TestColumnar:
    def test_decimal_and_numpy_object_columns(self):
        """Object columns of Decimals and numpy scalars score exactly like float columns
        and like the profiles through assess()."""
        profiles = [
            CreditProfile.from_dict(
                {
                    "subject_id": f"s{i}",
                    "accounts": [dict(r, balance=r["balance"] + i) for r in PLAIN_ROWS],
                    "attributes": {"monthly_income": 3850 + 1000 * i, "city_tier": "2"},
                }
            )
            for i in range(3)
        ]
        t = profiles_to_tables(profiles, container="numpy")
        plain = score_columnar(**t, as_of=PORTFOLIO_AS_OF, scorer="logistic")
        acc = dict(t["accounts"])
        acc["credit_limit"] = np.array(
            [Decimal(repr(float(v))) for v in acc["credit_limit"]], dtype=object
        )
        acc["balance"] = np.array([np.float32(v) for v in acc["balance"]], dtype=object)
        acc["worst_dpd_24m"] = np.array(
            [Decimal(int(v)).quantize(Decimal("0.1")) for v in acc["worst_dpd_24m"]], dtype=object
        )
        acc["opened_on"] = np.array([pd.Timestamp(v) for v in acc["opened_on"]], dtype=object)
        attrs = dict(t["attributes"])
        attrs["monthly_income"] = np.array(
            [Decimal(int(v)) for v in attrs["monthly_income"]], dtype=object
        )
        got = score_columnar(
            acc, t["closures"], t["inquiries"], attrs, as_of=PORTFOLIO_AS_OF, scorer="logistic"
        )
        assert output_rows(got) == output_rows(plain)
        for p in profiles:
            a = credit_closure.assess(p, as_of=PORTFOLIO_AS_OF, scorer="logistic")
            assert output_rows(got)[p.subject_id][0] == a.score

    def test_refused_cells_name_rows(self):
        """Values the rule refuses are reported with their rows, every one at once."""
        probs = columnar_problems(
            long_accounts(
                balance=np.array([Decimal("1e400"), np.bool_(True), Decimal("5")], dtype=object),
                opened_on=np.array(
                    [
                        pd.Timestamp("2020-01-01 08:00"),
                        dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
                        dt.datetime(2020, 1, 1),
                    ],
                    dtype=object,
                ),
            )
        )
        assert ("accounts.balance", "must be a number (row 1)") in probs
        assert (
            "accounts.balance",
            "is beyond the range of a 64-bit float (got Decimal) (row 0)",
        ) in probs
        assert ("accounts.opened_on", "must be whole days (it has a time of day) (row 0)") in probs
        assert any(
            path == "accounts.opened_on" and m.startswith("is a date-time with a time zone")
            for path, m in probs
        )
        assert len(probs) == 4

    def test_attribute_object_columns(self):
        attributes = {
            "subject_id": np.array(["s1", "s2"], dtype=object),
            "a": np.array([Decimal(2**53 + 1), np.bool_(True)], dtype=object),
            "b": np.array([np.int64(2**60), Decimal("0.5")], dtype=object),
        }
        probs = dict(columnar_problems(long_accounts(), None, None, attributes))
        assert probs["attributes.a"] in (
            "is a whole number that no 64-bit float holds exactly (got Decimal) (row 0)",
            "must be a number or a string (row 1)",
        )
        assert probs["attributes.b"].startswith("is too large an integer")


def test_import_does_not_import_numpy():
    """The rule tells numpy scalars by their module: importing the package imports no numpy."""
    code = "import sys, credit_closure; assert 'numpy' not in sys.modules, 'numpy imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
