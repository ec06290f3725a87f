"""What a type checker tells lenders' code about the public API: checked by mypy (this
directory is in ``[tool.mypy] files``), never run (pytest does not collect it: its name does
not start with ``test_``). ``tests/test_public_api.py`` runs mypy on it.

Each ``assert_type`` pins a type users see; each ``# type: ignore[code]`` pins an error they
get (``warn_unused_ignores`` makes an ignore that silences nothing an error itself).
"""

from __future__ import annotations

import datetime as dt

from typing_extensions import assert_type

from credit_closure import (
    Assessment,
    AssessmentError,
    CreditProfile,
    Enterprise,
    EnterpriseAssessment,
    LogisticScorer,
    ReasonCode,
    RuleScorer,
    Scorer,
    ScoreResult,
    WhatIf,
    assess,
    assess_many,
    available_scorers,
    get_scorer,
    plugins,
    register_scorer,
    what_if,
)
from credit_closure._scoring import EnterpriseWhatIf
from credit_closure.plugins import ScorerInfo


def profiles_and_enterprises(profile: CreditProfile, enterprise: Enterprise) -> None:
    a = assess(profile, as_of="2025-06-30")
    assert_type(a, Assessment)
    assert_type(a.score, float)
    assert_type(a.reasons, tuple[ReasonCode, ...])
    assert_type(assess({"subject_id": "p-1"}, as_of=dt.date(2025, 6, 30)), Assessment)
    assert_type(assess(enterprise), EnterpriseAssessment)
    assert_type(assess(profile, scorer=RuleScorer()), Assessment)
    assert_type(assess(profile, scorer=LogisticScorer()), Assessment)

    w = what_if(profile, close="cc", on="2025-06-30")
    assert_type(w, WhatIf)
    assert_type(w.delta, float)
    assert_type(what_if(profile, close=["cc", "hb"]), WhatIf)
    assert_type(what_if(enterprise, close="cc", principal="p-1"), EnterpriseWhatIf)

    assert_type(assess_many([profile]), list[Assessment])
    assert_type(assess_many([profile], errors="collect"), list[Assessment | AssessmentError])
    assert_type(
        assess_many([profile, enterprise], n_jobs=2),
        list[Assessment | EnterpriseAssessment | AssessmentError],
    )


def scorers() -> None:
    s = get_scorer("rules")
    assert_type(s, Scorer)
    assert_type(s.version, str)
    assert_type(s.score(CreditProfile(subject_id="p-1"), dt.date(2025, 6, 30)), ScoreResult)
    assert_type(available_scorers(), tuple[ScorerInfo, ...])
    assert_type(register_scorer("mine", RuleScorer, replace=True), None)
    assert_type(plugins.get_scorer("rules"), Scorer)


def mistakes(profile: CreditProfile) -> None:
    a = assess(profile)
    _ = a.scroe  # type: ignore[attr-defined]
    assess(profile, scorer=42)  # type: ignore[call-overload]
    assess(42)  # type: ignore[call-overload]
    assess(profile, as_of=20250630)  # type: ignore[call-overload]
    what_if(profile)  # type: ignore[call-overload]
    get_scorer(1)  # type: ignore[arg-type]
