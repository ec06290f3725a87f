"""Before/after table of the bundled examples under two bundled rule policies.

``python tools/policy_diff.py [OLD NEW]`` (default ``v1 v2``) prints, per example of
``examples/profiles`` and ``examples/enterprise``, the score, decision, closure impact and
trigger codes under each policy, as a Markdown table (the CHANGELOG's before/after numbers,
as of 2026-01-01, the goldens' date). Enterprises are assessed with ``EnterprisePolicy.v1()``
under the version-1 rules and with the default ``EnterprisePolicy()`` otherwise.
"""

import datetime as dt
import glob
import json
import os
import sys

import credit_closure as cc

AS_OF = dt.date(2026, 1, 1)


def _row(subject: object, scorer: cc.RuleScorer) -> str:
    if isinstance(subject, cc.Enterprise):  # each rule policy with its enterprise policy
        pol = cc.EnterprisePolicy.v1() if scorer.version.endswith("2026.11.0") else None
        a: object = (pol or cc.EnterprisePolicy()).assess(subject, scorer=scorer, as_of=AS_OF)
    else:
        a = cc.assess(subject, scorer=scorer, as_of=AS_OF)
    impact = getattr(a, "closure_impact", None)
    trig = ",".join(sorted({t.code for t in a.triggers})) or "—"
    imp = "—" if impact is None else f"{impact:+.2f}"
    return f"{a.score:.2f} {a.decision} ({imp}; {trig})"


def main(old: str = "v1", new: str = "v2") -> None:
    before, after = cc.RuleScorer(policy=old), cc.RuleScorer(policy=new)
    print(f"| example | {before.version} | {after.version} |")
    print("|---|---|---|")
    paths = sorted(glob.glob("examples/profiles/*.json")) + sorted(
        glob.glob("examples/enterprise/*.json")
    )
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
        subject: object = (
            cc.Enterprise.from_dict(doc)
            if "enterprise_id" in doc
            else cc.CreditProfile.from_dict(doc)
        )
        name = os.path.basename(path)
        print(f"| {name} | {_row(subject, before)} | {_row(subject, after)} |")


if __name__ == "__main__":
    main(*sys.argv[1:3])
