"""Generate the golden v1 assessments of tests/data/golden/v1_assessments.json.

They were generated on main before contract v2 (issue 14) with
``python tools/golden_v1.py tests/data/golden/v1_assessments.json`` and are compared with
today's assessments by tests/test_contract_v2.py; regenerate only when a scorer's numbers
change on purpose (a breaking change, see CHANGELOG).
"""

import datetime as dt
import glob
import json
import re
import sys

import credit_closure as cc
from credit_closure.synth import generate_portfolio

AS_OF = dt.date(2026, 1, 1)


def main(path: str) -> None:
    docs = {}
    for path in sorted(glob.glob("examples/profiles/*.json")) + sorted(
        glob.glob("examples/enterprise/*.json")
    ):
        docs[path] = json.load(open(path, encoding="utf-8"))
    for path in sorted(glob.glob("docs/*.md")):
        for i, block in enumerate(
            re.findall(r"```json\n(.*?)```", open(path, encoding="utf-8").read(), re.S)
        ):
            try:
                d = json.loads(block)
            except ValueError:
                continue
            if isinstance(d, dict) and ("subject_id" in d or "enterprise_id" in d):
                docs[f"{path}#{i}"] = d
    port = generate_portfolio(60, seed=20261206, as_of=AS_OF)
    for p in port.profiles:
        docs[f"synth:{p.subject_id}"] = p.to_dict()
    out = {"as_of": AS_OF.isoformat(), "cases": []}
    for name, d in docs.items():
        for scorer in ("rules", "logistic"):
            try:
                subj = (
                    cc.Enterprise.from_dict(d)
                    if "enterprise_id" in d
                    else cc.CreditProfile.from_dict(d)
                )
                res = cc.assess(subj, scorer=scorer, as_of=AS_OF).to_dict()
            except cc.CreditClosureError as exc:
                res = {"error": type(exc).__name__}
            out["cases"].append({"name": name, "scorer": scorer, "document": d, "assessment": res})
    json.dump(out, open(path, "w", encoding="utf-8"), indent=1, sort_keys=True, ensure_ascii=False)
    print(len(out["cases"]), sum("error" in c["assessment"] for c in out["cases"]))


if __name__ == "__main__":
    main(sys.argv[1])
