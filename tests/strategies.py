"""Hypothesis strategies for valid profiles (hand-written: the model's cross-field rules and
non-negative amounts are not inferred from annotations)."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import strategies as st

from credit_closure import (
    AccountStatus,
    ClosureInitiator,
    ClosureKind,
    ClosureReason,
    CreditAccount,
    CreditProfile,
    Inquiry,
    InquiryKind,
    ProductType,
    TerminationKind,
)
from credit_closure._contract import V1_STATUS
from credit_closure._contract.model import ActivityKind, ActivityRecord, ClosureEvent

AS_OF = dt.date(2025, 12, 31)
EARLIEST = dt.date(2005, 1, 1)

amounts = st.one_of(st.integers(0, 200_000), st.floats(0, 200_000, allow_nan=False))
dates = st.dates(min_value=EARLIEST, max_value=AS_OF)
recent = st.dates(min_value=dt.date(2023, 1, 1), max_value=AS_OF)


@st.composite
def accounts(draw: st.DrawFn, account_id: str) -> tuple[CreditAccount, ClosureEvent | None]:
    """One account and, when it is closed, maybe its closure event."""
    product = draw(st.sampled_from(list(ProductType)))
    status = draw(st.sampled_from(list(AccountStatus)))
    opened = draw(st.one_of(st.none(), dates))
    closed = None
    if status in (AccountStatus.CLOSED, AccountStatus.CHARGED_OFF, AccountStatus.TRANSFERRED):
        lo = opened or EARLIEST
        closed = draw(st.dates(min_value=lo, max_value=AS_OF))
        if status is not AccountStatus.CLOSED and draw(st.booleans()):
            closed = None
    worst = draw(st.one_of(st.none(), st.integers(0, 400)))
    # plausible summaries (contract v2 refuses the others): a delinquency of d days spans at
    # least d // 31 consecutive monthly reports; no delinquent month when the worst is 0
    need = 0 if worst is None else min(24, worst // 31)
    top = 0 if worst == 0 else 24
    months = draw(st.one_of(st.none(), st.integers(need, top)))
    consec = None if months is None else draw(st.one_of(st.none(), st.integers(need, months)))
    acc = CreditAccount(
        account_id=account_id,
        product=product,
        status=status,
        provider=draw(st.one_of(st.none(), st.sampled_from(["huabei", "jiebei", "cmb", "icbc"]))),
        opened_on=opened,
        closed_on=closed,
        credit_limit=draw(st.one_of(st.none(), amounts)),
        balance=draw(st.one_of(st.none(), amounts)),
        worst_dpd_24m=worst,
        months_delinquent_24m=months,
        max_consecutive_delinquent_24m=consec,
    )
    event = None
    if (
        V1_STATUS[status] is not AccountStatus.OPEN
        and V1_STATUS[status] is not AccountStatus.SUSPENDED
        and draw(st.booleans())
    ):
        day = (
            closed
            if closed is not None
            else draw(st.dates(min_value=opened or EARLIEST, max_value=AS_OF))
        )
        event = ClosureEvent(
            account_id=account_id,
            closed_on=day,
            initiator=draw(st.sampled_from(list(ClosureInitiator))),
            reason=draw(st.sampled_from(list(ClosureReason))),
            termination=draw(st.one_of(st.none(), st.sampled_from(list(TerminationKind)))),
            balance_at_closure=draw(st.one_of(st.none(), amounts)),
            limit_at_closure=draw(st.one_of(st.none(), amounts)),
            worst_dpd_6m_before=draw(st.one_of(st.none(), st.integers(0, 200))),
        )
    return acc, event


@st.composite
def profiles(draw: st.DrawFn, max_accounts: int = 8, activity: bool = True) -> CreditProfile:
    """A valid profile dated no later than :data:`AS_OF`."""
    n = draw(st.integers(0, max_accounts))
    pairs = [draw(accounts(f"a{i}")) for i in range(n)]
    accs = [a for a, _ in pairs]
    events = [e for _, e in pairs if e is not None]
    inquiries = draw(
        st.lists(
            st.builds(Inquiry, on=recent, kind=st.sampled_from(list(InquiryKind))), max_size=10
        )
    )
    acts = []
    if activity and accs:
        for _ in range(draw(st.integers(0, 4))):
            acc = draw(st.sampled_from(accs))
            day = draw(recent)
            at = dt.datetime.combine(day, dt.time(draw(st.integers(0, 23)), 0))
            acts.append(
                ActivityRecord(
                    account_id=acc.account_id, at=at, kind=draw(st.sampled_from(list(ActivityKind)))
                )
            )
    attributes = draw(
        st.dictionaries(
            st.sampled_from(["monthly_income", "city_tier", "age", "employment"]),
            st.one_of(st.integers(0, 10**6), st.text(max_size=5)),
            max_size=4,
        )
    )
    return CreditProfile(
        subject_id=draw(st.sampled_from(["p-1", "p-2", "主体-3"])),
        accounts=accs,
        closures=events,
        inquiries=inquiries,
        activity=acts,
        attributes=attributes,
    )


def open_revolving_profile(limits: list[float], balances: list[float]) -> CreditProfile:
    """Open revolving lines with the given limits and balances."""
    accs = [
        CreditAccount(
            account_id=f"r{i}",
            product="credit_card",
            status="open",
            opened_on="2015-01-01",
            credit_limit=lim,
            balance=bal,
        )
        for i, (lim, bal) in enumerate(zip(limits, balances))
    ]
    return CreditProfile(subject_id="s", accounts=accs)


def two_rules_on_one_feature_policy() -> dict:
    """The default policy plus a rule X1 on util_total, the feature R2 already uses, with its
    own reason code (for the factor-cache regression tests)."""
    import json

    from credit_closure._scoring.rules import _DEFAULT_POLICY_FILE

    with open(_DEFAULT_POLICY_FILE, encoding="utf-8") as fh:
        doc = json.load(fh)
    doc["name"] = "dup"
    doc["rules"].append(
        {
            "id": "X1",
            "title": "x",
            "feature": "util_total",
            "direction": "at_least",
            "reason": "CLOSED_WITH_BALANCE",
            "steps": [{"threshold": 0.1, "log_odds": 2.0}],
        }
    )
    return doc


# ======================================================================================
# Engine agreement: random profiles dated around every window edge, and random rule
# policies whose thresholds land on the values features take.
# Public API only (credit_closure, credit_closure.features, credit_closure.columnar), so
# that these strategies survive the internal refactors.
# ======================================================================================

#: Window lengths the features and the closure impact use, in months (3/6/12/24 windows,
#: the default 60-month retention and the 24-month closure-impact window).
WINDOW_MONTHS = (3, 6, 12, 24, 60)

#: Assessment dates: ordinary, month ends whose "N months before" clamps (31st, 29 Feb), and
#: a leap day.
AS_OF_DATES = (
    dt.date(2025, 12, 31),
    dt.date(2025, 6, 30),
    dt.date(2024, 2, 29),
    dt.date(2025, 3, 31),
    dt.date(2025, 8, 31),
    dt.date(2026, 1, 15),
)


def months_back(day: dt.date, months: int) -> dt.date:
    """``day`` minus ``months`` calendar months, the day clamped to the month's end (the
    documented window start: a date ``d`` is inside a window when ``start < d <= as_of``)."""
    y, m = divmod(day.year * 12 + (day.month - 1) - months, 12)
    m += 1
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return dt.date(y, m, min(day.day, (nxt - dt.timedelta(days=1)).day))


def edge_dates(as_of: dt.date, months: tuple[int, ...] = WINDOW_MONTHS) -> list[dt.date]:
    """Dates on, just before and just after every window start, and ``as_of`` itself."""
    out = {as_of, as_of - dt.timedelta(days=1)}
    for n in months:
        start = months_back(as_of, n)
        out.update(start + dt.timedelta(days=k) for k in (-1, 0, 1))
        # "30 days a month" readings of the window, a classic off-by-a-few
        out.add(as_of - dt.timedelta(days=30 * n))
    return sorted(d for d in out if d <= as_of)


def dates_for(as_of: dt.date, retention: int = 60) -> st.SearchStrategy[dt.date]:
    """Dates no later than ``as_of``: mostly on window edges, else anywhere in 8 years."""
    edges = edge_dates(as_of, (*WINDOW_MONTHS, retention))
    return st.one_of(
        st.sampled_from(edges),
        st.sampled_from(edges),
        st.dates(min_value=months_back(as_of, 96), max_value=as_of),
        st.dates(min_value=dt.date(2000, 1, 1), max_value=as_of),
    )


#: Amounts that stress exact sums and the zero/positive tests: 0.1 + 0.2 != 0.3 in floats.
SPECIAL_AMOUNTS = (0, 0.0, 0.1, 0.2, 0.3, 0.7, 1, 0.01, 3, 1000, 3000.0, 10000, 1e13, 1e-9)
#: 2**43 plus half its ulp (2**-10) plus a tiny same-sign term: fsum's final round-half-even
#: correction (the plain sum and a naive exact sum round the other way).
HALF_ULP_AMOUNTS = (8796093022208.0, 0.0009765625, 1e-9)
exact_sum_amounts = st.one_of(
    st.sampled_from(SPECIAL_AMOUNTS),
    st.sampled_from(HALF_ULP_AMOUNTS),
    st.sampled_from(SPECIAL_AMOUNTS),
    st.integers(0, 200_000),
    st.floats(0, 200_000, allow_nan=False),
    st.decimals(0, 100, places=2).map(float),
)
maybe_amount = st.one_of(st.none(), exact_sum_amounts)
maybe_dpd = st.one_of(st.none(), st.sampled_from([0, 29, 30, 31, 59, 60, 89, 90, 400]))


@st.composite
def scoring_accounts(
    draw: st.DrawFn, account_id: str, as_of: dt.date, retention: int = 60
) -> tuple[CreditAccount, ClosureEvent | None]:
    """One account of any product and status and, unless it is open, maybe its closure
    event; dates on window edges, amounts that stress exact sums."""
    when = dates_for(as_of, retention)
    product = draw(st.sampled_from(list(ProductType)))
    status = draw(st.sampled_from(list(AccountStatus)))
    opened = draw(st.one_of(st.none(), when))
    closed = None
    if V1_STATUS[status] is not AccountStatus.OPEN:
        later = when.map(lambda d: d if opened is None else max(d, opened))
        if status is AccountStatus.CLOSED or draw(st.booleans()):
            closed = draw(st.one_of(later, st.just(opened or as_of)))
    worst = draw(maybe_dpd)
    # plausible summaries (contract v2 refuses the others, see accounts())
    need = 0 if worst is None else min(24, worst // 31)
    choices = [m for m in (0, 1, 2, 3, 5, 6, 24) if m >= need and (worst != 0 or m == 0)]
    months = draw(st.one_of(st.none(), st.sampled_from(choices)))
    consec = None
    if draw(st.booleans()):
        consec = draw(st.integers(min(need, 24), 24 if months is None else months))
    limit = draw(maybe_amount)
    balance = draw(st.one_of(maybe_amount, st.just(limit)))
    acc = CreditAccount(
        account_id=account_id,
        product=product,
        status=status,
        provider=draw(st.one_of(st.none(), st.sampled_from(["huabei", "jiebei", "cmb"]))),
        opened_on=opened,
        closed_on=closed,
        credit_limit=limit,
        balance=balance,
        worst_dpd_24m=worst,
        months_delinquent_24m=months,
        max_consecutive_delinquent_24m=consec,
        # contract v2 dates the policy v2 retention clocks read (issue 15)
        first_delinquency_on=draw(
            st.one_of(st.none(), when.map(lambda d: d if opened is None else max(d, opened)))
        ),
        last_payment_on=draw(st.one_of(st.none(), when)),
    )
    event = None
    if V1_STATUS[status] is not AccountStatus.OPEN and draw(st.booleans()):
        if closed is not None:
            day = closed
        else:
            day = draw(when.map(lambda d: d if opened is None else max(d, opened)))
        event = ClosureEvent(
            account_id=account_id,
            closed_on=day,
            initiator=draw(st.sampled_from(list(ClosureInitiator))),
            reason=draw(st.sampled_from(list(ClosureReason))),
            termination=draw(st.one_of(st.none(), st.sampled_from(list(TerminationKind)))),
            balance_at_closure=draw(st.one_of(maybe_amount, st.just(balance))),
            limit_at_closure=draw(st.one_of(maybe_amount, st.just(limit))),
            worst_dpd_6m_before=draw(maybe_dpd),
            kind=draw(st.one_of(st.none(), st.sampled_from(list(ClosureKind)))),
        )
    return acc, event


@st.composite
def scoring_profiles(
    draw: st.DrawFn,
    subject_id: str,
    as_of: dt.date,
    max_accounts: int = 6,
    retention: int = 60,
) -> CreditProfile:
    """A valid profile without activity (the columnar format carries none), dated no later
    than ``as_of``, with inquiries of every kind and numeric and string attributes."""
    n = draw(st.integers(0, max_accounts))
    pairs = [draw(scoring_accounts(f"a{i}", as_of, retention)) for i in range(n)]
    inquiries = draw(
        st.lists(
            st.builds(
                Inquiry, on=dates_for(as_of, retention), kind=st.sampled_from(list(InquiryKind))
            ),
            max_size=9,
        )
    )
    # the reference scorecard reads monthly_income (a number: cuts hit exactly), city_tier and
    # employment (categories; a number-valued or unseen category too)
    categories = st.one_of(
        st.sampled_from(["1", "2", "3", "4", "5", "salaried", "student", "other", ""]),
        st.sampled_from([1, 2, 2.5]),
    )
    attributes = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "monthly_income": st.one_of(
                    st.sampled_from([0, 2800, 2800.0, 3850.0, 12650.0, 17450]),
                    st.integers(0, 10**6),
                    st.floats(0, 1e6, allow_nan=False),
                ),
                "city_tier": categories,
                "employment": categories,
                "age": st.one_of(st.integers(18, 90), st.text(max_size=3)),
            },
        )
    )
    return CreditProfile(
        subject_id=subject_id,
        accounts=[a for a, _ in pairs],
        closures=[e for _, e in pairs if e is not None],
        inquiries=inquiries,
        attributes=attributes,
    )


@st.composite
def profile_batches(
    draw: st.DrawFn, as_of: dt.date, min_size: int = 1, max_size: int = 40, retention: int = 60
) -> list[CreditProfile]:
    """Profiles with distinct subject ids (``s000``, ``s001``...), for one columnar call."""
    n = draw(st.integers(min_size, max_size))
    return [draw(scoring_profiles(f"s{i:03d}", as_of, retention=retention)) for i in range(n)]


#: The revolving products of contract v1 (their closed limits count in
#: ``lost_limit_share_12m``; ``overdraft``, revolving too, is a v2 product).
V1_REVOLVING_PRODUCTS = ("credit_card", "revolving_consumer", "cash_loan")
#: The closure initiators of contract v1.
V1_INITIATORS = (
    "consumer",
    "lender_risk",
    "lender_inactivity",
    "platform_policy",
    "regulator",
    "unknown",
)


@st.composite
def closed_revolving_accounts(
    draw: st.DrawFn, account_id: str, as_of: dt.date
) -> tuple[CreditAccount, ClosureEvent | None]:
    """A revolving line closed inside the 12-month window (on its edges mostly) whose owed
    amount is positive, unknown or zero: ``balance``, else the event's
    ``balance_at_closure``, else nothing. Only a zero owed amount re-adds the limit in
    ``util_delta_closure``; ``lost_limit_share_12m`` counts every such limit (the mutation
    check's ``kernel-summed-buffer-swap`` survived while random profiles seldom met a rule
    on the share with a threshold between the two sums). Contract v1 values only: a batch
    with a v2 profile has rules scored by the numpy twin, not the compiled kernel."""
    start = months_back(as_of, 12)
    closed = draw(
        st.one_of(
            st.sampled_from([start + dt.timedelta(days=1), as_of, as_of - dt.timedelta(days=1)]),
            st.dates(min_value=start + dt.timedelta(days=1), max_value=as_of),
        )
    )
    positive = st.one_of(
        st.sampled_from([0.01, 0.1, 1, 1000, 3000.0, 1e13]), st.floats(1e-9, 200_000)
    )
    owed = draw(st.sampled_from(["balance", "at_closure", "unknown", "unknown_event", "zero"]))
    limit = draw(st.one_of(positive, st.just(0)))
    on_event = draw(st.booleans())  # the limit on the event (limit_at_closure) instead
    acc = CreditAccount(
        account_id=account_id,
        product=draw(st.sampled_from(V1_REVOLVING_PRODUCTS)),
        status=draw(st.sampled_from(["closed", "closed", "charged_off", "transferred"])),
        opened_on=draw(st.one_of(st.none(), st.just(months_back(as_of, 48)))),
        closed_on=closed,
        credit_limit=None if on_event else limit,
        balance=draw(positive) if owed == "balance" else (0 if owed == "zero" else None),
        worst_dpd_24m=draw(maybe_dpd),
    )
    event = None
    if on_event or owed in ("at_closure", "unknown_event") or draw(st.booleans()):
        event = ClosureEvent(
            account_id=account_id,
            closed_on=closed,
            initiator=draw(st.sampled_from(V1_INITIATORS)),
            reason=draw(st.sampled_from(list(ClosureReason))),
            termination=draw(st.one_of(st.none(), st.sampled_from(list(TerminationKind)))),
            balance_at_closure=draw(positive) if owed == "at_closure" else None,
            limit_at_closure=limit if on_event else None,
            worst_dpd_6m_before=draw(maybe_dpd),
        )
    return acc, event


@st.composite
def lost_limit_profiles(draw: st.DrawFn, subject_id: str, as_of: dt.date) -> CreditProfile:
    """A contract v1 profile with 1-3 revolving lines closed in the 12-month window (see
    :func:`closed_revolving_accounts`) beside 0-2 open cards and, when they are v1, 0-3
    random accounts and inquiries: ``lost_limit_share_12m`` takes values in [0, 1] on it."""
    base = draw(scoring_profiles(subject_id, as_of, max_accounts=3))
    if base.contract_version != 1:
        base = CreditProfile(subject_id=subject_id, attributes=base.attributes)
    n = draw(st.integers(1, 3))
    pairs = [draw(closed_revolving_accounts(f"L{i}", as_of)) for i in range(n)]
    opened = [
        CreditAccount(
            account_id=f"O{i}",
            product="credit_card",
            status="open",
            credit_limit=draw(exact_sum_amounts),
            balance=draw(maybe_amount),
        )
        for i in range(draw(st.integers(0, 2)))
    ]
    return CreditProfile(
        subject_id=subject_id,
        accounts=[*base.accounts, *opened, *(a for a, _ in pairs)],
        closures=[*base.closures, *(e for _, e in pairs if e is not None)],
        inquiries=base.inquiries,
        attributes=base.attributes,
    )


# ---- rule policies ------------------------------------------------------------------------

#: Values features often take exactly: counts, flags, ratio edges and the default thresholds.
TYPICAL_VALUES = (0.0, 1.0, 0.5, 2.0, 3.0, 6.0, 7.0, 0.3, 0.01, 0.9, 12.0, 24.0, 30.0, 60.0, 90.0)


def value_pool(feature_rows: list[dict[str, float]]) -> dict[str, list[float]]:
    """Per feature, every finite value it took in ``feature_rows`` (a policy refuses NaN and
    infinite thresholds; utilization over a subnormal limit overflows to infinity)."""
    pool: dict[str, list[float]] = {}
    for row in feature_rows:
        for name, v in row.items():
            if math.isfinite(v):
                pool.setdefault(name, []).append(float(v))
    return pool


def _threshold(pool: dict[str, list[float]], feature: str) -> st.SearchStrategy[float]:
    seen = pool.get(feature, [])
    options = [st.sampled_from(TYPICAL_VALUES), st.floats(-1, 100, allow_nan=False)]
    if seen:
        options = [st.sampled_from(seen), st.sampled_from(seen), *options]
    return st.one_of(options)


@st.composite
def conditions(draw: st.DrawFn, pool: dict[str, list[float]], names: tuple[str, ...]) -> dict:
    """One ``when``/``when_any`` condition: any feature, any operator, ``missing`` or not."""
    feature = draw(st.sampled_from(names))
    op = draw(st.sampled_from(["at_least", "below", "equals", "equals"]))
    c = {"feature": feature, op: draw(_threshold(pool, feature))}
    missing = draw(st.sampled_from([None, True, False]))
    if missing is not None:
        c["missing"] = missing
    return c


@st.composite
def policy_rules(
    draw: st.DrawFn, rid: str, pool: dict[str, list[float]], names: tuple[str, ...], codes: list
) -> dict:
    """One rule: 1-3 steps on thresholds from ``pool``, optional trigger and conditions.
    Mostly on a feature the batch gives values to (with 60 features, many NaN on a v1 batch,
    a uniform pick rarely puts a later step exactly on a value: the mutation check's
    ``kernel-at_least-step`` survived)."""
    seen = [n for n in names if pool.get(n)]
    feature = draw(
        st.sampled_from(seen) if seen and draw(st.booleans()) else st.sampled_from(names)
    )
    direction = draw(st.sampled_from(["at_least", "below"]))
    ths = draw(st.lists(_threshold(pool, feature), min_size=1, max_size=3, unique=True))
    ths.sort(reverse=direction == "below")
    sign = draw(st.sampled_from([1.0, 1.0, -1.0]))
    mags = sorted(
        draw(
            st.lists(
                st.sampled_from([0.0, 0.1, 0.25, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0]),
                min_size=len(ths),
                max_size=len(ths),
            )
        )
    )
    rule: dict = {
        "id": rid,
        "feature": feature,
        "direction": direction,
        "steps": [{"threshold": t, "log_odds": sign * m} for t, m in zip(ths, mags)],
        "reason": draw(st.sampled_from(codes)),
    }
    if direction == "at_least" and draw(st.booleans()):
        del rule["direction"]  # the default
    if draw(st.integers(0, 2)) == 0:
        trig: dict = {"action": draw(st.sampled_from(["refer", "decline", "alert"]))}
        if draw(st.booleans()):
            trig["code"] = draw(st.sampled_from(codes))
        rule["trigger"] = trig
    if draw(st.integers(0, 2)) == 0:
        rule["when"] = draw(st.lists(conditions(pool, names), min_size=1, max_size=3))
    if draw(st.integers(0, 2)) == 0:
        rule["when_any"] = draw(st.lists(conditions(pool, names), min_size=1, max_size=3))
    return rule


_CUTOFFS = ((580, 530), (600, 560), (650, 300), (900, 899), (300, 300))


@st.composite
def policy_documents(
    draw: st.DrawFn,
    pool: dict[str, list[float]] | None = None,
    max_rules: int = 8,
    retention: int | None = None,
    features: tuple[str, ...] | None = None,
) -> dict:
    """A valid rule policy document for ``RulePolicy.from_dict`` (format version 1); its
    rules and conditions read ``features`` only when given (else any feature)."""
    from credit_closure.columnar import REASON_TEXTS
    from credit_closure.features import FEATURE_NAMES

    pool = pool or {}
    codes = sorted(REASON_TEXTS)
    names = tuple(FEATURE_NAMES) if features is None else features
    n = draw(st.integers(1, max_rules))
    approve_at, decline_below = draw(st.sampled_from(_CUTOFFS))
    return {
        "format": "credit_closure.rule_policy",
        "format_version": 1,
        "name": "random",
        "version": "1",
        "base_log_odds": draw(
            st.one_of(st.sampled_from([-3.912023005428146, -2.0, 0.0]), st.floats(-6, 3))
        ),
        "retention_months": retention if retention is not None else 60,
        "retention_clock": draw(st.sampled_from(["closed_on", "end_of_bad_act"])),
        "jurisdiction": draw(st.sampled_from(["cn", "us"])),
        "counterfactual_keeps_adverse": draw(st.booleans()),
        "scale": {
            "base_points": 600,
            "base_odds": 50,
            "pdo": 20,
            "min_score": 300,
            "max_score": 900,
            "bands": [
                {"name": "A", "min_score": 640},
                {"name": "B", "min_score": 600},
                {"name": "C", "min_score": 570},
                {"name": "D", "min_score": 540},
                {"name": "E", "min_score": None},
            ],
            "approve_at": approve_at,
            "decline_below": decline_below,
        },
        "rules": [draw(policy_rules(f"X{i}", pool, names, codes)) for i in range(n)],
    }


# ------------------------------------------------------------------------------------------
# Contract v2
# ------------------------------------------------------------------------------------------
history_symbols = st.text(alphabet="N*1234567MCGDZB#/", min_size=1, max_size=60)


@st.composite
def v2_profiles(draw: st.DrawFn, max_accounts: int = 6) -> CreditProfile:
    """A valid contract v2 profile: :func:`profiles` with repayment histories (summaries
    derived, or given as the history's own), current delinquency, classifications,
    special transactions, limit history, guarantees and public records."""
    import attrs

    from credit_closure import (
        Guarantee,
        GuaranteedParty,
        InstitutionType,
        LiabilityType,
        LimitChange,
        LoanClassification,
        PublicRecord,
        PublicRecordKind,
        PublicRecordStatus,
        SpecialTransaction,
        SpecialTransactionKind,
    )

    base = draw(profiles(max_accounts=max_accounts, activity=False))
    accs = []
    for acc in base.accounts:
        changes: dict[str, object] = {}
        if draw(st.booleans()):
            hist = draw(history_symbols)
            changes.update(
                repayment_history=hist,
                history_end=draw(recent),
                worst_dpd_24m=None,
                months_delinquent_24m=None,
                max_consecutive_delinquent_24m=None,
            )
            if draw(st.booleans()):
                changes["overdue_amounts"] = draw(
                    st.lists(st.one_of(st.none(), amounts), min_size=len(hist), max_size=len(hist))
                )
        if draw(st.booleans()):
            changes.update(
                classification=draw(st.sampled_from(list(LoanClassification))),
                liability=draw(st.sampled_from(list(LiabilityType))),
                institution_type=draw(st.sampled_from(list(InstitutionType))),
                current_overdue_amount=draw(st.one_of(st.none(), amounts)),
                current_overdue_periods=draw(st.one_of(st.none(), st.integers(0, 999))),
                last_payment_on=draw(st.one_of(st.none(), recent)),
                special_transactions=draw(
                    st.lists(
                        st.builds(
                            SpecialTransaction,
                            kind=st.sampled_from(list(SpecialTransactionKind)),
                            on=recent,
                            amount=st.one_of(st.none(), amounts),
                            months=st.one_of(st.none(), st.integers(1, 600)),
                        ),
                        max_size=3,
                    )
                ),
                limit_history=draw(
                    st.lists(
                        st.builds(
                            LimitChange,
                            on=recent,
                            limit=amounts,
                            initiator=st.sampled_from(list(ClosureInitiator)),
                        ),
                        max_size=3,
                    )
                ),
            )
        accs.append(attrs.evolve(acc, **changes) if changes else acc)
    guarantees = [
        Guarantee(
            guarantee_id=f"g{i}",
            party=draw(st.sampled_from(list(GuaranteedParty))),
            amount=draw(st.one_of(st.none(), amounts)),
            balance=draw(st.one_of(st.none(), amounts)),
            classification=draw(st.one_of(st.none(), st.sampled_from(list(LoanClassification)))),
            status=draw(st.one_of(st.none(), st.sampled_from(list(AccountStatus)))),
            opened_on=draw(st.one_of(st.none(), dates)),
        )
        for i in range(draw(st.integers(0, 2)))
    ]
    records = draw(
        st.lists(
            st.builds(
                PublicRecord,
                kind=st.sampled_from(list(PublicRecordKind)),
                on=dates,
                amount=st.one_of(st.none(), amounts),
                status=st.sampled_from(list(PublicRecordStatus)),
            ),
            max_size=2,
        )
    )
    return attrs.evolve(
        base,
        accounts=accs,
        guarantees=guarantees,
        public_records=records,
        contract_version=2,
    )
