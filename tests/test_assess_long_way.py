"""Review of the single assessment's speed work (optional feature block, scorer snapshots by
name): ``assess()`` against the long way, to the bit.

The long way (:func:`_long_way`) scores with the scorer's own ``score`` (``extract``'s full
feature vector) and ``probability_of_default`` on the built counterfactual, and assembles the
result with the scale's methods and a full sort of the reasons. It stands for what ``assess()``
gave before its shortcuts; every property here compares the two on random policies (rules and
conditions on any feature, the optional block included), random profiles (activity records,
contract v2 documents, closed lines in the 12-month window) and scorers changed after their
first use.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from typing import Any

import attrs
import pytest
from _helpers import full_sort_rank, two_cards
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import (
    AS_OF,
    lost_limit_profiles,
    policy_documents,
    profiles,
    scoring_profiles,
    v2_profiles,
)

from credit_closure import (
    ClosureEvent,
    CreditAccount,
    CreditProfile,
    LogisticScorer,
    PolicyError,
    RuleScorer,
    ScorerNotFoundError,
    assess,
    what_if,
)
from credit_closure._scorecard.bin_texts import BinnedTexts
from credit_closure._scoring import registry
from credit_closure._scoring.assess import CLOSURE_IMPACT_MONTHS, MAX_REASONS
from credit_closure._scoring.features import (
    DEFAULT_CONFIG,
    FEATURE_NAMES,
    OPTIONAL_INDEX,
    POLICY_INDEX,
    REPORT_INDEX,
    FeatureConfig,
    extract,
    extract_with_counterfactual,
    months_before,
    reopen_plan,
    reopened_profile,
)
from credit_closure._scoring.protocol import Factor, ScoreResult, Trigger
from credit_closure._scoring.reasons import REASONS
from credit_closure._scoring.scale import DEFAULT_SCALE, Band, Scale

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
START = months_before(AS_OF, CLOSURE_IMPACT_MONTHS)
OPTIONAL_NAMES = tuple(FEATURE_NAMES[i] for i in OPTIONAL_INDEX)
_ORDER = {"decline": 0, "refer": 1, "alert": 2}


@st.composite
def relimited_closures(draw: st.DrawFn) -> CreditProfile:
    """1-3 revolving lines closed in the closure-impact window with a balance and a limit at
    closure other than their own (the counterfactual reopens them at the limit at closure:
    its utilizations are not the profile's closed-line ones), beside 0-2 open cards. The
    running terms of the profile's vector must not leak into the counterfactual's: a
    ``line_utils`` left unrestored survived random profiles."""
    positive = st.sampled_from([1.0, 50.0, 900.0, 5000.0, 1e6])
    accounts, events = [], []
    for i in range(draw(st.integers(1, 3))):
        day = draw(st.dates(min_value=START + dt.timedelta(days=1), max_value=AS_OF))
        own = draw(st.sampled_from([True, False]))
        accounts.append(
            CreditAccount(
                account_id=f"c{i}",
                product=draw(st.sampled_from(["credit_card", "revolving_consumer"])),
                status="closed",
                opened_on=dt.date(2015, 1, 1),
                closed_on=day,
                credit_limit=draw(positive),
                balance=draw(positive) if own else None,
            )
        )
        events.append(
            ClosureEvent(
                account_id=f"c{i}",
                closed_on=day,
                initiator=draw(st.sampled_from(["consumer", "lender_risk", "unknown"])),
                reason="unknown",
                termination=draw(st.sampled_from([None, "normal", "abnormal"])),
                balance_at_closure=None if own else draw(positive),
                limit_at_closure=draw(positive),
            )
        )
    for i in range(draw(st.integers(0, 2))):
        accounts.append(
            CreditAccount(
                account_id=f"o{i}",
                product="credit_card",
                status="open",
                credit_limit=draw(positive),
                balance=draw(st.one_of(st.none(), positive)),
            )
        )
    return CreditProfile(subject_id="r", accounts=accounts, closures=events)


#: Profiles of every kind the single path meets: activity records (the counterfactual is then
#: built, not computed in the one pass), window edges, contract v2, closed revolving lines.
ANY_PROFILE = st.one_of(
    profiles(),
    profiles(max_accounts=12),
    scoring_profiles("s", AS_OF),
    v2_profiles(),
    lost_limit_profiles("l", AS_OF),
    relimited_closures(),
)


def _hex(x: Any) -> str:
    return "nan" if x != x else float(x).hex()


def _keeps_adverse(scorer: Any) -> bool:
    policy = getattr(scorer, "policy", None)
    config = DEFAULT_CONFIG if policy is None else policy.feature_config
    return bool(config.counterfactual_keeps_adverse)


def _long_way(scorer: Any, profile: CreditProfile, as_of: dt.date = AS_OF) -> list[Any]:
    """What ``assess(profile, scorer=scorer)`` must give, the long way (module docstring)."""
    result = scorer.score(profile, as_of)
    plan = reopen_plan(profile, months_before(as_of, CLOSURE_IMPACT_MONTHS), _keeps_adverse(scorer))
    cf_p = scorer.probability_of_default(reopened_profile(profile, plan), as_of) if plan else None
    scale = getattr(scorer, "scale", None)
    scale = scale if isinstance(scale, Scale) else DEFAULT_SCALE
    score, p = scale.scored(result.probability_of_default)
    impact = 0.0 if cf_p is None else score - scale.points(cf_p)
    seen: dict[tuple[str, str], Trigger] = {}
    for t in sorted(result.triggers, key=lambda t: (_ORDER[t.action], t.code, t.rule or "")):
        seen.setdefault((t.action, t.code), t)
    triggers = list(seen.values())
    decision = scale.decide(score)
    if any(t.action == "decline" for t in triggers):
        decision = "decline"
    elif decision == "approve" and any(t.action == "refer" for t in triggers):
        decision = "refer"
    return [
        _hex(score),
        _hex(p),
        _hex(impact),
        scale.band(score),
        decision,
        _full_sort(result, getattr(scorer, "reason_texts", None)),
        [(t.code, t.action, t.rule) for t in triggers],
        [(f.code, _hex(f.points), f.feature, repr(f.value)) for f in result.factors],
    ]


def _full_sort(result: ScoreResult, texts: Any) -> list[tuple[str, str, str, str]]:
    """Every code's summed negative points in factor order, all sorted, forced codes first."""
    out = []
    for pts, code in full_sort_rank(result, MAX_REASONS):
        text = None
        by_bin = getattr(texts, "by_bin", None) if type(texts) is not dict else None
        if by_bin:
            worst = None
            for f in result.factors:
                if f.code == code and f.points < 0 and (worst is None or f.points < worst.points):
                    worst = f
            if worst is not None and isinstance(worst.value, str):
                text = by_bin.get((code, worst.feature, worst.value))
        if text is None and texts:
            text = texts.get(code)
        if text is None:
            text = REASONS.get(code) or (code, code)
        out.append((code, text[0], text[1], _hex(pts)))
    return out


def _fast_way(scorer: Any, profile: CreditProfile, as_of: dt.date = AS_OF) -> list[Any]:
    a = assess(profile, scorer=scorer, as_of=as_of)
    return [
        _hex(a.score),
        _hex(a.probability_of_default),
        _hex(a.closure_impact),
        a.band,
        a.decision,
        [(r.code, r.message, r.message_zh, _hex(r.points)) for r in a.reasons],
        [(t.code, t.action, t.rule) for t in a.triggers],
        [(f.code, _hex(f.points), f.feature, repr(f.value)) for f in a.factors],
    ]


# -- the optional feature block ------------------------------------------------------------
@SETTINGS
@given(
    profile=ANY_PROFILE,
    config=st.builds(
        FeatureConfig,
        retention_months=st.sampled_from([12, 60]),
        counterfactual_keeps_adverse=st.booleans(),
        jurisdiction=st.sampled_from(["cn", "us"]),
    ),
    reads=st.tuples(st.booleans(), st.booleans(), st.booleans()),
)
def test_blocks_left_out_leave_the_others_alone(
    profile: CreditProfile, config: FeatureConfig, reads: tuple[bool, bool, bool]
) -> None:
    """Any profile (activity records, contract v2), any config, any blocks read: a block not
    read is NaN in both vectors, every other feature is the full extraction's to the bit
    (the profile's: ``extract``; the counterfactual's: ``extract`` of the built one)."""
    _check_blocks(profile, config, reads)


def _check_blocks(profile: CreditProfile, config: FeatureConfig, reads: Any) -> None:
    feats, cf = extract_with_counterfactual(profile, AS_OF, START, config, reads)
    skipped = (
        set(() if reads[0] else OPTIONAL_INDEX)
        | set(() if reads[1] else POLICY_INDEX)
        | set(() if reads[2] else REPORT_INDEX)
    )
    plan = reopen_plan(profile, START, config.counterfactual_keeps_adverse)
    want_cf = extract(reopened_profile(profile, plan), AS_OF, config) if plan else None
    for got, want in ((feats, extract(profile, AS_OF, config)), (cf, want_cf)):
        assert (got is None) == (want is None)
        if got is None or want is None:
            continue
        for j, (x, y) in enumerate(zip(want, got, strict=True)):
            assert (y != y) if j in skipped else _hex(x) == _hex(y), FEATURE_NAMES[j]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    profile=relimited_closures(),
    keeps=st.booleans(),
    reads=st.tuples(st.booleans(), st.booleans(), st.booleans()),
)
def test_reopened_lines_at_another_limit(
    profile: CreditProfile, keeps: bool, reads: tuple[bool, bool, bool]
) -> None:
    """The counterfactual's features on lines reopened at a limit other than their own."""
    _check_blocks(profile, FeatureConfig(counterfactual_keeps_adverse=keeps), reads)


def _random_scorer(data: st.DataObject) -> RuleScorer:
    """A rule scorer on a random policy whose rules and conditions read the optional block
    now and then (and often only through a ``when``/``when_any`` condition)."""
    names = data.draw(
        st.one_of(
            st.none(),
            st.lists(st.sampled_from(FEATURE_NAMES), min_size=1, max_size=6, unique=True).map(
                tuple
            ),
        )
    )
    if names is not None and data.draw(st.booleans()):
        names = (*names, data.draw(st.sampled_from(OPTIONAL_NAMES)))
    return RuleScorer(data.draw(policy_documents(features=names, max_rules=6)))


@SETTINGS
@given(data=st.data(), profile=ANY_PROFILE)
def test_random_policy_assess_equals_the_long_way(data: st.DataObject, profile: Any) -> None:
    """Random policies (a condition alone may read an optional feature), random profiles:
    ``assess()`` gives the long way's result to the bit."""
    scorer = _random_scorer(data)
    assert _fast_way(scorer, profile) == _long_way(scorer, profile)


@SETTINGS
@given(data=st.data(), profile=ANY_PROFILE, key=st.sampled_from(["when", "when_any"]))
def test_optional_feature_read_by_a_condition_alone(
    data: st.DataObject, profile: Any, key: str
) -> None:
    """Rules on features outside the optional block, one of them with a ``when`` or
    ``when_any`` condition on an optional feature: that condition alone makes the scorer
    read the block."""
    others = tuple(n for n in FEATURE_NAMES if n not in OPTIONAL_NAMES)
    doc = data.draw(policy_documents(features=others, max_rules=4))
    # a rule of the policy, or one that fires on any profile with an account
    rule = data.draw(
        st.sampled_from(doc["rules"])
        | st.just({"id": "Z", "feature": "n_open_accounts", "direction": "below", "reason": "X"})
    )
    if rule.get("id") == "Z":
        rule.update(steps=[{"threshold": 1e6, "log_odds": 0.7}], reason=doc["rules"][0]["reason"])
        doc["rules"].append(rule)
    feature = data.draw(st.sampled_from(OPTIONAL_NAMES))
    op = data.draw(st.sampled_from(["at_least", "below", "equals"]))
    value = data.draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 12.0, 60.0]))
    rule[key] = [*rule.get(key, ()), {"feature": feature, op: value}]
    scorer = RuleScorer(doc)
    assert _fast_way(scorer, profile) == _long_way(scorer, profile)


@SETTINGS
@given(data=st.data(), profile=ANY_PROFILE)
def test_policy_assigned_after_construction(data: st.DataObject, profile: Any) -> None:
    """A rule scorer whose ``policy`` is assigned after it was built is what a scorer built
    with that policy is: the same rules, scale and features read, on ``score()`` and on
    ``assess()``'s path (which must read every feature the new rules read)."""
    scorer = _random_scorer(data)
    policy = _random_scorer(data).policy
    scorer.policy = policy
    fresh = RuleScorer(policy)
    assert scorer.version == fresh.version and scorer.scale is policy.scale
    assert _fast_way(scorer, profile) == _long_way(scorer, profile) == _fast_way(fresh, profile)


@pytest.mark.parametrize(("built", "assigned"), [("v1", "default"), ("default", "v1")])
def test_bundled_policy_assigned_after_construction(built: str, assigned: str) -> None:
    """The version-1 rules read the optional block the default policy does not; the default
    rules read the policy v2 block the version-1 policy does not. After the assignment every
    path scores the new policy: ``assess``, ``what_if`` and the columnar engines, as a scorer
    built with it would."""
    from credit_closure.columnar import profiles_to_tables, score_columnar

    profile = two_cards(9000)
    scorer = RuleScorer(policy=built)
    tables = profiles_to_tables([profile])
    score_columnar(**tables, as_of=AS_OF, scorer=scorer)  # the engines' caches warm
    doc = dict(RuleScorer(policy=assigned).policy.document)
    doc["scale"] = {**doc["scale"], "pdo": 30}  # another factor: nothing of the old scale stays
    scorer.policy = doc
    fresh = RuleScorer(policy=doc)
    fast = _fast_way(scorer, profile)
    assert fast == _long_way(scorer, profile) == _fast_way(fresh, profile)
    assert fast[-1]  # the rules fired on the features read
    before = assess(profile, scorer=scorer, as_of=AS_OF)
    w = what_if(profile, close="a", on=AS_OF, scorer=scorer)
    assert w.before == before
    got = score_columnar(**tables, as_of=AS_OF, scorer=scorer)
    want = score_columnar(**tables, as_of=AS_OF, scorer=fresh)
    assert got.equals(want)
    assert got["score"].iloc[0] == before.score


def test_a_policy_that_fails_leaves_the_scorer_as_it_was() -> None:
    scorer = RuleScorer(policy="v1")
    with pytest.raises(PolicyError):
        scorer.policy = {"rules": "not a list"}
    assert scorer.version == RuleScorer(policy="v1").version
    assert scorer.policy.document == RuleScorer(policy="v1").policy.document


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=ANY_PROFILE)
def test_bundled_scorers_equal_the_long_way(profile: CreditProfile) -> None:
    """The bundled policies and the reference scorecard (which reads the optional block)."""
    from _helpers import REFERENCE_ARTIFACT

    for scorer in (
        RuleScorer.default(),
        RuleScorer(policy="v1"),
        RuleScorer(policy="us"),
        _reference_card(REFERENCE_ARTIFACT),
    ):
        try:
            want = _long_way(scorer, profile)
        except Exception as exc:  # a string where the card expects a number
            with pytest.raises(type(exc)):
                assess(profile, scorer=scorer, as_of=AS_OF)
            continue
        assert _fast_way(scorer, profile) == want


_CARDS: dict[str, LogisticScorer] = {}


def _reference_card(path: Any) -> LogisticScorer:
    card = _CARDS.get(str(path))
    if card is None:
        card = _CARDS[str(path)] = LogisticScorer.load(path)
    return card


# -- scorer snapshots ----------------------------------------------------------------------
class _Plugin:
    """A scorer outside the library (not trusted: its result is checked, no fast path)."""

    credit_closure_api = 1
    name = "review6-plugin"
    version = "1"

    def __init__(self, texts: Any = None, scale: Any = None, p: float = 0.2) -> None:
        self.reason_texts = texts
        self.scale = scale if scale is not None else DEFAULT_SCALE
        self.p = p

    def score(self, profile: CreditProfile, as_of: dt.date) -> ScoreResult:
        return ScoreResult(
            probability_of_default=self.p,
            factors=(Factor(code="UTILIZATION_HIGH", points=-5.0, feature="u", value="[1, 2)"),),
        )


def _binned(by_bin_text: tuple[str, str]) -> BinnedTexts:
    texts = BinnedTexts({"UTILIZATION_HIGH": ("code text", "代码")})
    texts.by_bin = {("UTILIZATION_HIGH", "u", "[1, 2)"): by_bin_text}
    return texts


PROFILE = CreditProfile.from_dict({"subject_id": "s", "accounts": []})


@pytest.fixture
def name() -> Any:
    yield "review6-test"
    registry.unregister_scorer("review6-test")


@pytest.mark.parametrize("by_name", [False, True])
def test_texts_replaced_by_equal_mapping_with_other_bins(name: str, by_name: bool) -> None:
    """Per-bin texts live beside the mapping (``BinnedTexts.by_bin``): a table equal as a
    dict but with other bin texts is another table; the snapshot must not keep the old one."""
    plugin = _Plugin(texts=_binned(("first bin", "一")))
    registry.register_scorer(name, lambda: plugin)
    ref: Any = name if by_name else plugin
    for _ in range(2):  # the second by name is a hit (the first one loaded the name)
        assert assess(PROFILE, scorer=ref, as_of=AS_OF).reasons[0].message == "first bin"
    plugin.reason_texts = _binned(("second bin", "二"))
    assert plugin.reason_texts == _binned(("first bin", "一"))  # equal as dicts
    assert assess(PROFILE, scorer=ref, as_of=AS_OF).reasons[0].message == "second bin"
    assert _fast_way(plugin, PROFILE) == _long_way(plugin, PROFILE)


@pytest.mark.parametrize("by_name", [False, True])
def test_scale_replaced_by_equal_scale_of_other_sign(name: str, by_name: bool) -> None:
    """``Scale`` equality is ``==`` on its numbers, and ``0.0 == -0.0``: a scale whose base
    points went from ``0.0`` to ``-0.0`` is equal, yet its score at even odds is ``-0.0``."""

    def scale(base: float) -> Scale:
        return Scale(
            base_points=base,
            base_odds=1.0,
            min_score=-100.0,
            max_score=100.0,
            approve_at=50.0,
            decline_below=-50.0,
            bands=[Band(name="A", min_score=-math.inf)],
        )

    plugin = _Plugin(scale=scale(0.0), p=0.5)
    registry.register_scorer(name, lambda: plugin)
    ref: Any = name if by_name else plugin
    for _ in range(2):
        assert math.copysign(1.0, assess(PROFILE, scorer=ref, as_of=AS_OF).score) == 1.0
    plugin.scale = scale(-0.0)
    assert plugin.scale == scale(0.0)
    got = assess(PROFILE, scorer=ref, as_of=AS_OF).score
    assert _hex(got) == _hex(plugin.scale.scored(0.5)[0]) == "-0x0.0p+0"


def test_new_objects_in_a_loop_never_get_an_old_snapshot() -> None:
    """Scorers made and dropped in turn (CPython may give a new one a dead one's id): each is
    assessed with its own version, texts and scale."""
    for i in range(60):
        plugin = _Plugin(
            texts={"UTILIZATION_HIGH": (f"text {i}", "zh")},
            scale=attrs.evolve(DEFAULT_SCALE, approve_at=540.0 + i),
            p=0.01 + i / 100,
        )
        plugin.version = str(i)
        a = assess(PROFILE, scorer=plugin, as_of=AS_OF)
        assert (a.scorer_version, a.reasons[0].message) == (str(i), f"text {i}")
        assert _hex(a.score) == _hex(plugin.scale.scored(plugin.p)[0])
        del plugin, a


@pytest.mark.parametrize("change", ["replace", "unregister", "clear_cache"])
def test_registration_changed_while_its_scorer_is_built(name: str, change: str) -> None:
    """A registration replaced (or removed, or the cache cleared) while a thread is building
    the scorer of the one before: that scorer answers the call that built it but is not kept,
    so the name then gives what the registry says now. (Before: the old scorer was cached
    after the change and served for good.)"""
    started, release = threading.Event(), threading.Event()
    built: list[Any] = []

    def slow() -> RuleScorer:
        started.set()
        assert release.wait(10)
        return RuleScorer()

    registry.register_scorer(name, slow)
    thread = threading.Thread(target=lambda: built.append(registry.get_scorer(name)))
    thread.start()
    assert started.wait(10)
    if change == "replace":
        registry.register_scorer(name, lambda: RuleScorer(policy="v1"), replace=True)
    elif change == "unregister":
        registry.unregister_scorer(name)
    else:
        registry.clear_cache()
    release.set()
    thread.join(10)
    assert built and built[0].version == "default@2026.12.0"  # the call that built it
    if change == "replace":
        assert registry.get_scorer(name).version == "default@2026.11.0"
        profile = CreditProfile.from_dict({"subject_id": "s", "accounts": []})
        assert assess(profile, scorer=name, as_of=AS_OF).scorer_version == "default@2026.11.0"
    elif change == "unregister":
        with pytest.raises(ScorerNotFoundError):
            registry.get_scorer(name)
    else:  # cleared: the registration stands, its scorer is built again
        again = registry.get_scorer(name)
        assert again is not built[0] and again is registry.get_scorer(name)


def test_threads_assessing_by_name_while_it_is_re_registered(name: str) -> None:
    """Threads assess by name while the name is re-registered again and again: every result
    is one of the scorers', and once the registry settles the name gives the last one."""
    versions = ["default@2026.12.0", "default@2026.11.0"]
    factories = [RuleScorer, lambda: RuleScorer(policy="v1")]
    registry.register_scorer(name, factories[0])
    profile = CreditProfile.from_dict(
        {
            "subject_id": "s",
            "accounts": [
                {"account_id": "a", "product": "credit_card", "status": "open",
                 "opened_on": "2018-01-01", "credit_limit": 10000, "balance": 9000},
            ],
        }
    )  # fmt: skip
    want = {v: _fast_way(f(), profile) for v, f in zip(versions, factories)}
    bad: list[Any] = []
    stop = threading.Event()

    def work() -> None:
        while not stop.is_set():
            a = assess(profile, scorer=name, as_of=AS_OF)
            got = _fast_way(registry.get_scorer(name), profile)
            if a.scorer_version not in want or got not in want.values():
                bad.append((a.scorer_version, got))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for i in range(40):
            registry.register_scorer(name, factories[i % 2], replace=True)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not bad
    last = assess(profile, scorer=name, as_of=AS_OF)
    assert last.scorer_version == versions[1]
    assert _fast_way(name, profile) == want[versions[1]]


CODES = [
    "CLOSED_SHARE",
    "DELINQUENCY_LEVEL",
    "UTILIZATION_HIGH",
    "RECENT_CLOSURE",
    "CLOSED_BY_LENDER",
]


@settings(max_examples=200, deadline=None)
@given(
    factors=st.lists(
        st.tuples(
            st.sampled_from(CODES),
            st.sampled_from([-3.0, -1.5, -1.0, -0.5, 0.0, -0.0, 2.0, -1e-300, -1e300]),
        ),
        max_size=12,
    ),
    triggers=st.lists(
        st.tuples(
            st.sampled_from([*CODES[:3], "Z"]),
            st.sampled_from(["decline", "refer", "alert"]),
            st.sampled_from([None, "r1", "r2"]),
        ),
        max_size=4,
    ),
    p=st.one_of(st.sampled_from([0.0, 1.0, 0.5, 5e-324]), st.floats(0.0, 1.0)),
    texts=st.sampled_from(
        [None, {}, {CODES[0]: ["a en", "a zh"], CODES[2]: ("c", "c zh"), "Z": ("z", "z zh")}]
    ),
)
def test_plugin_results_assembled_as_the_long_way(
    factors: list[tuple[str, float]],
    triggers: list[tuple[str, str, str | None]],
    p: float,
    texts: Any,
) -> None:
    """A plugin's result (lists for texts, ties, zero and negative-zero points, triggers
    repeated and of every action, probabilities on the scale's edges): the assessment is
    assembled as the long way does it."""

    class Random(_Plugin):
        def score(self, profile: CreditProfile, as_of: dt.date) -> ScoreResult:
            return ScoreResult(
                probability_of_default=p,
                factors=[Factor(code=c, points=x, feature="f", value=0) for c, x in factors],
                triggers=[Trigger(code=c, action=a, rule=r) for c, a, r in triggers],
            )

    plugin = Random(texts=texts)
    assert _fast_way(plugin, PROFILE) == _long_way(plugin, PROFILE)


def test_a_scorer_whose_factory_loads_another_name_is_cached(name: str) -> None:
    """A factory that loads another registered name while it builds (a scorer wrapping
    another): loading that other name is no change to what this name resolves to, so the
    scorer is still cached and its factory runs once. (Before: any scorer cached meanwhile,
    under any name, kept it out of the cache, and the next use built it again.)"""
    inner = name + "-inner"
    calls: list[int] = []

    def outer() -> RuleScorer:
        calls.append(1)
        registry.get_scorer(inner)
        return RuleScorer()

    registry.register_scorer(inner, RuleScorer)
    registry.register_scorer(name, outer)
    try:
        first = registry.get_scorer(name)
        assert registry.get_scorer(name) is first
        assert calls == [1]
    finally:
        registry.unregister_scorer(inner)
