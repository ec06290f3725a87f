"""Regenerate the reference logistic scorecard shipped as ``scorer="logistic"``.

The artifact ``credit_closure/data/logistic_reference.json`` is fitted on a **synthetic**
portfolio (``credit_closure.synth.generate_portfolio(n=20000, seed=2026)``) with the default
``LogisticScorer`` parameters. The fit is deterministic: the same library, scikit-learn and
numpy versions give the same bytes and the same sha256 (the versions are recorded in the
artifact's ``training.versions``). The shipped card was fitted by 0.1.0; the fit has changed
since (more candidate features, ``C="auto"``, the Newton solver), so a refit with the unreleased
0.2 code differs and ``--check`` exits 1. It is kept on purpose: regenerating it changes the
built-in ``logistic`` scorer's numbers (a breaking change, for the CHANGELOG of its release).

Usage::

    python benchmarks/train_reference.py            # rewrite the artifact
    python benchmarks/train_reference.py --check    # exit 1 when a refit differs from it
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from credit_closure._scorecard.logistic import _REFERENCE_FILE, LogisticScorer
from credit_closure.synth import generate_portfolio

N = 20_000
SEED = 2026
NOTE = (
    "SYNTHETIC: credit_closure.synth.generate_portfolio(n=20000, seed=2026). This reference "
    "model only demonstrates the method; it is not fitted on real borrowers and must be "
    "refitted on a lender's own outcomes before any lending decision."
)


def fit_reference() -> LogisticScorer:
    """Fit the reference scorecard on the synthetic portfolio."""
    pf = generate_portfolio(N, seed=SEED)
    return LogisticScorer().fit(
        pf.profiles, pf.outcomes.tolist(), as_of=pf.as_of, training_note=NOTE
    )


def main(argv: list[str] | None = None) -> int:
    """Refit and write (or check) the reference artifact; return the exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--check", action="store_true", help="only compare a refit with the shipped artifact"
    )
    ap.add_argument("--out", type=Path, default=_REFERENCE_FILE, help="artifact path")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    scorer = fit_reference()
    took = time.perf_counter() - t0
    m = scorer.metadata_["metrics"]
    print(
        f"fitted {scorer.version} on {N} synthetic subjects in {took:.1f} s: "
        f"{len(scorer.inputs_)} inputs, train AUC {m['auc']:.4f}, KS {m['ks']:.4f}"
    )
    if args.check:
        shipped = LogisticScorer.load(args.out)
        same = shipped.sha256_ == scorer.sha256_
        print(f"shipped {shipped.version}: {'identical' if same else 'DIFFERENT'}")
        return 0 if same else 1
    with tempfile.TemporaryDirectory() as tmp:  # write, reload, then move into place
        probe = Path(tmp) / "probe.json"
        scorer.save(probe)
        assert LogisticScorer.load(probe, sha256=scorer.sha256_).version == scorer.version
    scorer.save(args.out)
    print(f"wrote {args.out} sha256 {scorer.sha256_}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
