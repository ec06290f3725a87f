"""Conformance checks for scorer authors, in the spirit of scikit-learn's ``check_estimator``.

Call :func:`check_scorer` from your plugin's own tests; it raises :class:`ConformanceError`
(an ``AssertionError``) saying which check failed and how to fix it::

    from credit_closure.testing import check_scorer
    from acme_scorer import AcmeGBMScorer

    def test_conforms():
        check_scorer(AcmeGBMScorer())

The checks run on a fixed, deterministic set of realistic profiles (:func:`conformance_profiles`:
a clean file, high utilization, a closure with a balance owed, a lender risk closure, an
abnormal termination, delinquency, many inquiries, activity after a closure, an empty
profile and a 200-account profile), plus any you pass.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as _dt
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from credit_closure._contract.model import CreditProfile
from credit_closure._scoring.assess import assess
from credit_closure._scoring.protocol import SUPPORTED_SCORER_APIS, Factor, ScoreResult, Trigger
from credit_closure._scoring.reasons import reason_text
from credit_closure._scoring.scale import Scale
from credit_closure.exceptions import CreditClosureError, InvalidInputError

__all__ = ["CHECKS", "ConformanceError", "check_scorer", "conformance_profiles"]

#: The date the built-in conformance profiles are observed at.
DEFAULT_AS_OF = _dt.date(2025, 6, 30)
#: Number of threads of the thread-safety check.
THREADS = 8
#: Accounts in the large profile.
LARGE_ACCOUNTS = 200

#: The checks, in the order they run.
CHECKS = (
    "declares_api",
    "declares_version",
    "optional_members",
    "returns_score_result",
    "known_reason_codes",
    "deterministic",
    "order_invariant",
    "does_not_mutate",
    "thread_safe",
    "works_through_assess",
    "batch_consistent",
)


class ConformanceError(CreditClosureError, AssertionError):
    """A scorer failed a conformance check.

    Attributes:
        check: The name of the failed check (one of :data:`CHECKS`).
        scorer_name: The scorer's ``name`` attribute or class name.
        profile: The pseudonymous id of the profile it failed on, if any.

    Example:
        >>> err = ConformanceError("declares_api", "Thing", "no credit_closure_api", "set it")
        >>> print(err)
        Thing fails check 'declares_api': no credit_closure_api. Fix: set it

    .. versionadded:: 0.1.0
    """

    def __init__(
        self, check: str, scorer_name: str, problem: str, fix: str, profile: str | None = None
    ) -> None:
        self.check = check
        self.scorer_name = scorer_name
        self.profile = profile
        on = f" on profile {profile!r}" if profile else ""
        super().__init__(f"{scorer_name} fails check {check!r}{on}: {problem}. Fix: {fix}")


# ---------------------------------------------------------------------------------------
# The conformance profiles
# ---------------------------------------------------------------------------------------
def _d(as_of: _dt.date, days_ago: int) -> str:
    return (as_of - _dt.timedelta(days=days_ago)).isoformat()


def _acc(
    as_of: _dt.date,
    aid: str,
    product: str,
    opened_days: int,
    limit: float,
    balance: float,
    *,
    status: str = "open",
    closed_days: int | None = None,
    dpd: int = 0,
    months_del: int = 0,
    consec: int = 0,
    provider: str | None = None,
) -> dict[str, Any]:
    a: dict[str, Any] = {
        "account_id": aid,
        "product": product,
        "opened_on": _d(as_of, opened_days),
        "credit_limit": limit,
        "balance": balance,
        "status": status,
        "worst_dpd_24m": dpd,
        "months_delinquent_24m": months_del,
        "max_consecutive_delinquent_24m": consec,
    }
    if provider:
        a["provider"] = provider
    if closed_days is not None:
        a["closed_on"] = _d(as_of, closed_days)
    return a


def _closure(
    as_of: _dt.date,
    aid: str,
    days: int,
    initiator: str,
    reason: str,
    termination: str = "normal",
    balance: float = 0.0,
    limit: float | None = None,
    dpd_before: int = 0,
) -> dict[str, Any]:
    c: dict[str, Any] = {
        "account_id": aid,
        "closed_on": _d(as_of, days),
        "initiator": initiator,
        "reason": reason,
        "termination": termination,
        "balance_at_closure": balance,
        "worst_dpd_6m_before": dpd_before,
    }
    if limit is not None:
        c["limit_at_closure"] = limit
    return c


def _large(as_of: _dt.date, n: int) -> dict[str, Any]:
    products = (
        "revolving_consumer",
        "cash_loan",
        "credit_card",
        "installment",
        "credit_card",
        "revolving_consumer",
        "business_loan",
        "mortgage",
    )
    accounts, closures = [], []
    for i in range(n):
        product = products[i % len(products)]
        limit = float(2000 + (i * 7919) % 60000)
        opened = 400 + (i * 37) % 3600
        util = ((i * 13) % 10) / 10.0
        balance = round(limit * util, 2)
        dpd = (0, 0, 0, 0, 0, 0, 30, 0, 0, 60)[i % 10]
        mdel = 0 if dpd == 0 else 1 + i % 3
        if i % 5 == 4:
            closed = 20 + (i * 11) % 700
            closed = min(closed, opened - 1)
            owed = 0.0 if i % 3 else round(limit * 0.1, 2)
            accounts.append(
                _acc(
                    as_of,
                    f"L{i:03d}",
                    product,
                    opened,
                    limit,
                    owed,
                    status="closed",
                    closed_days=closed,
                    dpd=dpd,
                    months_del=mdel,
                    consec=min(mdel, 1),
                )
            )
            initiator = ("consumer", "lender_risk", "lender_inactivity", "platform_policy")[i % 4]
            reason = {"consumer": "reduce_debt", "lender_risk": "lender_risk_control"}.get(
                initiator, "unused"
            )
            closures.append(
                _closure(as_of, f"L{i:03d}", closed, initiator, reason, balance=owed, limit=limit)
            )
        else:
            accounts.append(
                _acc(
                    as_of,
                    f"L{i:03d}",
                    product,
                    opened,
                    limit,
                    balance,
                    dpd=dpd,
                    months_del=mdel,
                    consec=min(mdel, 1),
                )
            )
    inquiries = [
        {
            "on": _d(as_of, 5 + 29 * k),
            "kind": ("loan_approval", "card_approval", "self", "post_loan")[k % 4],
        }
        for k in range(12)
    ]
    return {
        "subject_id": "conformance-large",
        "accounts": accounts,
        "closures": closures,
        "inquiries": inquiries,
        "attributes": {"monthly_income": 30000, "city_tier": "2"},
    }


def _open_line_docs(a: _dt.date) -> list[dict[str, Any]]:
    """Profiles with open lines only: a clean one and a highly utilised one."""
    return [
        {
            "subject_id": "conformance-clean",
            "accounts": [
                _acc(a, "hb1", "revolving_consumer", 2200, 20000, 300, provider="huabei"),
                _acc(a, "cc1", "credit_card", 3900, 50000, 2500),
            ],
            "attributes": {"monthly_income": 18000, "city_tier": "1"},
        },
        {
            "subject_id": "conformance-utilization",
            "accounts": [
                _acc(a, "cc1", "credit_card", 1500, 10000, 9600),
                _acc(a, "hb1", "revolving_consumer", 900, 5000, 4800, provider="huabei"),
            ],
        },
    ]


def _closure_docs(a: _dt.date) -> list[dict[str, Any]]:
    """Profiles with one closure: with a balance, by lender risk, abnormal (charged off)."""
    return [
        {
            "subject_id": "conformance-closed-with-balance",
            "accounts": [
                _acc(
                    a,
                    "jb1",
                    "cash_loan",
                    1400,
                    30000,
                    12000,
                    status="closed",
                    closed_days=60,
                    provider="jiebei",
                ),
                _acc(a, "cc1", "credit_card", 2500, 20000, 6000),
            ],
            "closures": [
                _closure(a, "jb1", 60, "consumer", "switch_platform", balance=12000, limit=30000)
            ],
        },
        {
            "subject_id": "conformance-lender-risk",
            "accounts": [
                _acc(
                    a,
                    "hb1",
                    "revolving_consumer",
                    1100,
                    8000,
                    0,
                    status="closed",
                    closed_days=90,
                    dpd=45,
                    months_del=2,
                    consec=2,
                ),
                _acc(a, "cc1", "credit_card", 3000, 30000, 9000),
            ],
            "closures": [
                _closure(
                    a, "hb1", 90, "lender_risk", "lender_risk_control", limit=8000, dpd_before=45
                )
            ],
        },
        {
            "subject_id": "conformance-abnormal",
            "accounts": [
                _acc(
                    a,
                    "ln1",
                    "installment",
                    2000,
                    40000,
                    15000,
                    status="charged_off",
                    closed_days=200,
                    dpd=180,
                    months_del=8,
                    consec=6,
                ),
                _acc(a, "cc1", "credit_card", 2600, 15000, 3000),
            ],
            "closures": [
                _closure(
                    a,
                    "ln1",
                    200,
                    "lender_risk",
                    "lender_risk_control",
                    termination="bad_debt",
                    balance=15000,
                    dpd_before=180,
                )
            ],
        },
    ]


def _behaviour_docs(a: _dt.date) -> list[dict[str, Any]]:
    """Delinquency, many inquiries, deleveraging closures, activity after a closure."""
    return [
        {
            "subject_id": "conformance-delinquent",
            "accounts": [
                _acc(a, "cc1", "credit_card", 1800, 20000, 14000, dpd=90, months_del=4, consec=3),
                _acc(a, "cl1", "cash_loan", 700, 10000, 8000, dpd=30, months_del=2, consec=1),
            ],
        },
        {
            "subject_id": "conformance-inquiries",
            "accounts": [_acc(a, "cc1", "credit_card", 500, 12000, 4000)],
            "inquiries": [
                {"on": _d(a, 3 + 9 * k), "kind": ("loan_approval", "card_approval")[k % 2]}
                for k in range(9)
            ],
        },
        {
            "subject_id": "conformance-deleveraging",
            "accounts": [
                _acc(
                    a,
                    "hb1",
                    "revolving_consumer",
                    2400,
                    15000,
                    0,
                    status="closed",
                    closed_days=120,
                    provider="huabei",
                ),
                _acc(
                    a,
                    "jb1",
                    "cash_loan",
                    2000,
                    40000,
                    0,
                    status="closed",
                    closed_days=45,
                    provider="jiebei",
                ),
                _acc(a, "cc1", "credit_card", 4000, 60000, 4800),
            ],
            "closures": [
                _closure(a, "hb1", 120, "consumer", "reduce_debt", limit=15000),
                _closure(a, "jb1", 45, "consumer", "reduce_debt", limit=40000),
            ],
        },
        {
            "subject_id": "conformance-post-closure-activity",
            "accounts": [
                _acc(
                    a,
                    "hb1",
                    "revolving_consumer",
                    1600,
                    10000,
                    0,
                    status="closed",
                    closed_days=40,
                    provider="huabei",
                ),
                _acc(a, "cc1", "credit_card", 2100, 25000, 5000),
            ],
            "closures": [_closure(a, "hb1", 40, "consumer", "security_concern", limit=10000)],
            "activity": [
                {"account_id": "hb1", "at": _d(a, 50) + "T09:30:00", "kind": "contact_change"},
                {"account_id": "hb1", "at": _d(a, 10) + "T21:15:00", "kind": "login"},
                {"account_id": "hb1", "at": _d(a, 8) + "T21:20:00", "kind": "reopen_request"},
            ],
        },
    ]


def conformance_profiles(as_of: _dt.date = DEFAULT_AS_OF) -> tuple[CreditProfile, ...]:
    """The deterministic profiles :func:`check_scorer` uses, observed at ``as_of``.

    Every date is counted back from ``as_of``, so no profile is dated after it.

    Args:
        as_of: The observation date.

    Returns:
        Validated profiles; the empty one is ``conformance-empty`` and the one with
        :data:`LARGE_ACCOUNTS` accounts is ``conformance-large``.

    Example:
        >>> ps = conformance_profiles()
        >>> [len(p.accounts) for p in ps if p.subject_id in ("conformance-empty", "conformance-large")]
        [0, 200]
    """
    a = as_of
    docs: list[dict[str, Any]] = [
        *_open_line_docs(a),
        *_closure_docs(a),
        *_behaviour_docs(a),
        {"subject_id": "conformance-empty"},
        _large(a, LARGE_ACCOUNTS),
    ]
    return tuple(CreditProfile.from_dict(d) for d in docs)


def _reversed_profile(p: CreditProfile) -> CreditProfile:
    doc = p.to_dict()
    for key in ("accounts", "closures", "inquiries", "activity"):
        if doc.get(key):
            doc[key] = list(reversed(doc[key]))
    return CreditProfile.from_dict(doc)


# ---------------------------------------------------------------------------------------
# Comparison helpers
# ---------------------------------------------------------------------------------------
def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


def _exactly_equal(a: ScoreResult, b: ScoreResult) -> bool:
    if a.probability_of_default != b.probability_of_default:
        return False
    if len(a.factors) != len(b.factors) or tuple(a.triggers) != tuple(b.triggers):
        return False
    for x, y in zip(a.factors, b.factors):
        if (x.code, x.points, x.feature) != (y.code, y.points, y.feature):
            return False
        if not _same_value(x.value, y.value):
            return False
    return True


def _factor_totals(r: ScoreResult) -> dict[tuple[str, str | None], float]:
    out: dict[tuple[str, str | None], float] = {}
    for f in r.factors:
        key = (f.code, f.feature)
        out[key] = out.get(key, 0.0) + f.points
    return out


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _equivalent(a: ScoreResult, b: ScoreResult) -> bool:
    """Equal up to the order of factors and floating-point summation order."""
    if not _close(a.probability_of_default, b.probability_of_default):
        return False
    ta, tb = _factor_totals(a), _factor_totals(b)
    if ta.keys() != tb.keys() or not all(_close(ta[k], tb[k]) for k in ta):
        return False
    return sorted(a.triggers, key=_trigger_key) == sorted(b.triggers, key=_trigger_key)


def _trigger_key(t: Trigger) -> tuple[str, str, str]:
    return (t.code, t.action, t.rule or "")


# ---------------------------------------------------------------------------------------
# check_scorer
# ---------------------------------------------------------------------------------------
def check_scorer(
    scorer: Any, *, profiles: Iterable[Any] | None = None, as_of: _dt.date | None = None
) -> None:
    """Check that ``scorer`` follows the scorer protocol; raise on the first failure.

    The checks (:data:`CHECKS`): it declares a supported ``credit_closure_api`` and a
    non-empty ``version``; optional ``scale``/``reason_texts``/``reason_method`` have the
    right types; ``score`` returns a :class:`~credit_closure.ScoreResult` with a probability
    in [0, 1] for every profile, the empty one and a 200-account one included; every factor
    and trigger code is in the library's catalog or the scorer's ``reason_texts``; scoring is
    deterministic; the order of accounts, closures, inquiries and activity does not change the
    result; the profile is not changed; 8 threads scoring at once get the serial results; and
    :func:`~credit_closure.assess` works with it, its reasons being factors the scorer
    returned; and, for a scorer with the optional ``score_batch(features, attributes,
    as_of)`` method (used by columnar scoring), that it gives exactly what ``score`` gives for
    each profile, from ``extract()``'s feature rows and the profiles' attributes.

    Args:
        scorer: The scorer object (an instance, not its class).
        profiles: More profiles (``CreditProfile`` or v1 documents) to check besides the
            built-in ones (:func:`conformance_profiles`); none may be dated after ``as_of``.
        as_of: The scoring date (default :data:`DEFAULT_AS_OF`).

    Raises:
        ConformanceError: the first check that fails, with what to fix.
        InvalidInputError: ``profiles`` or ``as_of`` is invalid.

    Example:
        >>> from credit_closure import RuleScorer
        >>> check_scorer(RuleScorer())  # passes silently
        >>> class NoApi:
        ...     version = "1"
        ...     def score(self, profile, as_of): ...
        >>> check_scorer(NoApi())
        Traceback (most recent call last):
        ...
        credit_closure.testing.ConformanceError: NoApi fails check 'declares_api': ...
    """
    day = DEFAULT_AS_OF if as_of is None else as_of
    if isinstance(day, _dt.datetime) or not isinstance(day, _dt.date):
        raise InvalidInputError([("as_of", "must be a datetime.date")], what="argument")
    extra = _own_profiles(profiles, day)
    sample = conformance_profiles(day) + extra
    name = str(getattr(scorer, "name", None) or type(scorer).__name__)

    def fail(check: str, problem: str, fix: str, profile: str | None = None) -> ConformanceError:
        return ConformanceError(check, name, problem, fix, profile)

    _check_declarations(scorer, fail)
    texts = getattr(scorer, "reason_texts", None)
    snapshots = [p.to_dict() for p in sample]

    first = _check_results(scorer, sample, day, texts, fail)
    _check_order_and_mutation(scorer, sample, first, snapshots, day, fail)
    _check_threads(scorer, sample, first, day, fail)
    _check_assess(scorer, sample, first, day, fail)
    _check_batch(scorer, sample, first, day, fail)


def _check_results(
    scorer: Any, sample: Sequence[CreditProfile], day: _dt.date, texts: Any, fail: Any
) -> list[ScoreResult]:
    """returns_score_result, known_reason_codes and deterministic; the first results."""
    first: list[ScoreResult] = []
    for p in sample:
        r = _score(scorer, p, day, fail)
        _check_result(r, p, texts, fail)
        again = _score(scorer, p, day, fail)
        if not _exactly_equal(r, again):
            raise fail(
                "deterministic",
                "scoring the same profile twice gave different results",
                "make score() a pure function of (profile, as_of): no random numbers "
                "without a fixed seed, no clock, no state kept between calls",
                p.subject_id,
            )
        first.append(r)
    return first


def _check_order_and_mutation(
    scorer: Any,
    sample: Sequence[CreditProfile],
    first: list[ScoreResult],
    snapshots: list[dict[str, Any]],
    day: _dt.date,
    fail: Any,
) -> None:
    """order_invariant and does_not_mutate (since the first call, too)."""
    for p, r in zip(sample, first):
        rev = _reversed_profile(p)
        if not _equivalent(r, _score(scorer, rev, day, fail)):
            raise fail(
                "order_invariant",
                "reversing the order of accounts, closures, inquiries and activity "
                "changed the result",
                "do not depend on list order; aggregate or sort by a key such as account_id",
                p.subject_id,
            )

    # does_not_mutate (since the first call, too)
    for p, before in zip(sample, snapshots):
        _score(scorer, p, day, fail)
        if p.to_dict() != before:
            raise fail(
                "does_not_mutate",
                "score() changed the profile",
                "treat the profile as read-only; copy what you need",
                p.subject_id,
            )


def _check_assess(
    scorer: Any, sample: Sequence[CreditProfile], first: list[ScoreResult], day: _dt.date, fail: Any
) -> None:
    """works_through_assess: assess() accepts the scorer and reasons are its own factors."""
    for p, r in zip(sample, first):
        try:
            a = assess(p, scorer=scorer, as_of=day)
        except CreditClosureError as exc:
            raise fail(
                "works_through_assess",
                f"assess() raised {type(exc).__name__}: {exc}",
                "see the message; assess() enforces the same protocol",
                p.subject_id,
            ) from exc
        used = {f.code for f in r.factors if f.points < 0}
        stray = [x.code for x in a.reasons if x.code not in used]
        if stray:
            raise fail(
                "works_through_assess",
                f"reasons {stray} are not factors with negative points that the scorer returned",
                "only return factors the score actually used",
                p.subject_id,
            )
        if not 0.0 <= a.probability_of_default <= 1.0 or a.score != a.score:
            raise fail(
                "works_through_assess",
                "assess() produced an invalid score",
                "return a finite probability of default in [0, 1]",
                p.subject_id,
            )


def _check_batch(
    scorer: Any, sample: Sequence[CreditProfile], first: list[ScoreResult], day: _dt.date, fail: Any
) -> None:
    """batch_consistent, only for a scorer with the optional score_batch method."""
    batch = getattr(scorer, "score_batch", None)
    if callable(batch):
        import numpy as np

        from credit_closure._scoring.features import extract

        features = np.array([extract(p, day) for p in sample], dtype=float)
        try:
            got = list(batch(features, [dict(p.attributes) for p in sample], day))
        except Exception as exc:
            raise fail(
                "batch_consistent",
                f"score_batch() raised {type(exc).__name__}: {exc}",
                "score_batch(features, attributes, as_of) takes the rows extract() "
                "gives and one attribute mapping per row",
            ) from exc
        if len(got) != len(sample):
            raise fail(
                "batch_consistent",
                f"score_batch() returned {len(got)} results for {len(sample)} rows",
                "return one ScoreResult per row, in order",
            )
        for p, r, b in zip(sample, first, got):
            if not isinstance(b, ScoreResult) or not _exactly_equal(r, b):
                raise fail(
                    "batch_consistent",
                    "score_batch() gave another result than score() for the same subject",
                    "compute the same numbers from the feature row and the "
                    "attributes as score() does from the profile",
                    p.subject_id,
                )


def _own_profiles(profiles: Iterable[Any] | None, day: _dt.date) -> tuple[CreditProfile, ...]:
    if profiles is None:
        return ()
    out: list[CreditProfile] = []
    problems: list[tuple[str, str]] = []
    for i, p in enumerate(profiles):
        if isinstance(p, Mapping):
            try:
                p = CreditProfile.from_dict(p)
            except InvalidInputError as exc:
                problems.extend(exc.prefixed(f"profiles[{i}]"))
                continue
        if not isinstance(p, CreditProfile):
            problems.append((f"profiles[{i}]", "must be a CreditProfile or a profile document"))
            continue
        for path, msg in p.dated_after(day):
            problems.append((f"profiles[{i}].{path}", msg))
        out.append(p)
    if problems:
        raise InvalidInputError(problems, what="argument")
    return tuple(out)


def _check_declarations(scorer: Any, fail: Any) -> None:
    supported = sorted(SUPPORTED_SCORER_APIS)
    if isinstance(scorer, type):
        raise fail(
            "declares_api",
            "got a class, not a scorer object",
            f"pass an instance: check_scorer({scorer.__name__}())",
        )
    api = getattr(scorer, "credit_closure_api", None)
    if isinstance(api, bool) or not isinstance(api, int) or api not in SUPPORTED_SCORER_APIS:
        raise fail(
            "declares_api",
            f"credit_closure_api is {api!r}; this library supports {supported}",
            f"set the class attribute credit_closure_api = {supported[-1]}",
        )
    version = getattr(scorer, "version", None)
    if not isinstance(version, str) or not version.strip():
        raise fail(
            "declares_version",
            f"version is {version!r}",
            "set version to a non-empty string naming the model or policy version "
            "(it is recorded in every assessment)",
        )
    if not callable(getattr(scorer, "score", None)):
        raise fail(
            "returns_score_result",
            "there is no score() method",
            "define score(self, profile, as_of) -> ScoreResult",
        )
    scale = getattr(scorer, "scale", None)
    if scale is not None and not isinstance(scale, Scale):
        raise fail(
            "optional_members",
            f"scale is a {type(scale).__name__}",
            "set scale to a credit_closure.Scale, or leave it out for the default",
        )
    texts = getattr(scorer, "reason_texts", None)
    if texts is not None:
        if not isinstance(texts, Mapping):
            raise fail(
                "optional_members",
                f"reason_texts is a {type(texts).__name__}",
                "make reason_texts a mapping of code -> (English, Chinese)",
            )
        for code, t in texts.items():
            if (
                not isinstance(code, str)
                or not isinstance(t, Sequence)
                or len(t) != 2
                or not all(isinstance(s, str) and s for s in t)
            ):
                raise fail(
                    "optional_members",
                    f"reason_texts[{code!r}] is not (en, zh) text",
                    "give every code a pair of non-empty strings (English, Chinese)",
                )
    method = getattr(scorer, "reason_method", None)
    if method is not None and not isinstance(method, str):
        raise fail(
            "optional_members",
            f"reason_method is a {type(method).__name__}",
            "make reason_method a short string such as 'points_lost'",
        )


def _score(scorer: Any, p: CreditProfile, day: _dt.date, fail: Any) -> ScoreResult:
    try:
        r = scorer.score(p, day)
    except Exception as exc:
        raise fail(
            "returns_score_result",
            f"score() raised {type(exc).__name__}: {exc}",
            "handle every valid profile, including an empty one (no accounts) and a "
            "large one; a missing value is NaN or None, never an error",
            p.subject_id,
        ) from exc
    if not isinstance(r, ScoreResult):
        raise fail(
            "returns_score_result",
            f"score() returned a {type(r).__name__}",
            "return credit_closure.ScoreResult(probability_of_default=..., "
            "factors=..., triggers=...)",
            p.subject_id,
        )
    return r


def _check_result(r: ScoreResult, p: CreditProfile, texts: Any, fail: Any) -> None:
    pd = r.probability_of_default
    if not (isinstance(pd, float) or isinstance(pd, int)) or not 0.0 <= pd <= 1.0 or pd != pd:
        raise fail(
            "returns_score_result",
            f"probability_of_default is {pd!r}",
            "return a finite probability in [0, 1]",
            p.subject_id,
        )
    for f in r.factors:
        if not isinstance(f, Factor):
            raise fail(
                "returns_score_result",
                f"a factor is a {type(f).__name__}",
                "put credit_closure.Factor objects in ScoreResult.factors",
                p.subject_id,
            )
        if reason_text(f.code, texts) is None:
            raise fail(
                "known_reason_codes",
                f"factor code {f.code!r} has no text",
                "use a code of the library's catalog (credit_closure.features."
                "FEATURE_REASON maps features to codes) or add it to reason_texts as "
                "(English, Chinese)",
                p.subject_id,
            )
    for t in r.triggers:
        if not isinstance(t, Trigger):
            raise fail(
                "returns_score_result",
                f"a trigger is a {type(t).__name__}",
                "put credit_closure.Trigger objects in ScoreResult.triggers",
                p.subject_id,
            )
        if reason_text(t.code, texts) is None:
            raise fail(
                "known_reason_codes",
                f"trigger code {t.code!r} has no text",
                "use a catalog code or add it to reason_texts",
                p.subject_id,
            )


def _check_threads(
    scorer: Any,
    sample: Sequence[CreditProfile],
    expected: Sequence[ScoreResult],
    day: _dt.date,
    fail: Any,
) -> None:
    start = threading.Barrier(THREADS)
    got: list[list[Any] | None] = [None] * THREADS

    def work(k: int) -> None:
        out: list[Any] = []
        try:
            start.wait(timeout=60)
        except threading.BrokenBarrierError:  # pragma: no cover - a thread died first
            pass
        for j in range(len(sample)):
            p = sample[(j + k) % len(sample)]  # each thread in a different order
            try:
                out.append((p, scorer.score(p, day)))
            except Exception as exc:
                out.append((p, exc))
        got[k] = out

    threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    index = {id(p): i for i, p in enumerate(sample)}
    for out in got:
        for p, r in out or ():
            ok = isinstance(r, ScoreResult) and _exactly_equal(r, expected[index[id(p)]])
            if not ok:
                what = (
                    f"raised {type(r).__name__}: {r}"
                    if isinstance(r, BaseException)
                    else "gave a different result than when called from one thread"
                )
                raise fail(
                    "thread_safe",
                    f"score() called from {THREADS} threads at once {what}",
                    "keep no per-call state on the scorer (use local variables), or "
                    "guard shared caches with a lock",
                    p.subject_id,
                )
