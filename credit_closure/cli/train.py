"""``credit-closure train``: fit a logistic scorecard from a JSON Lines training file."""

from __future__ import annotations

import argparse
import random
import sys
import warnings
from typing import Any

from credit_closure.exceptions import InvalidInputError


def register(subparsers: Any) -> None:
    """Add the ``train`` subcommand."""
    p = subparsers.add_parser(
        "train",
        help="fit a logistic scorecard on labelled profiles and save it as a JSON artifact",
        description=(
            "Fit a logistic scorecard (binning, WOE, L2 logistic regression, points per bin) "
            'on DATA, a JSON Lines file of {"profile": {...}, "outcome": 0|1, '
            '"as_of": "YYYY-MM-DD"} rows, save it to --out and print the validation report '
            "(Markdown) to stdout; the artifact path and sha256 go to stderr. "
            "Needs scikit-learn (pip install 'credit-closure[fit]'). --report also writes a "
            "self-contained HTML report with charts (pip install 'credit-closure[plot]'). "
            "--reason-texts gives the English and Chinese reason text of each lender "
            "attribute (by its code, ATTR_<NAME>); a scored attribute without one is named "
            "in a warning on stderr."
        ),
        epilog="Example: credit-closure train train.jsonl --out model.json --holdout 0.3 "
        "--reason-texts examples/training/reason_texts.json --report report.html   "
        "(exit codes: 0 ok, 1 input problems, 2 usage)",
    )
    p.add_argument("data", metavar="DATA.jsonl", help="training file (JSON Lines)")
    p.add_argument("--out", required=True, metavar="MODEL.json", help="artifact to write")
    p.add_argument("--seed", type=int, default=0, help="seed of the hold-out split (default 0)")
    p.add_argument(
        "--holdout",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="share of rows held out, stratified, for the report (default 0: the "
        "report is on the training rows)",
    )
    _add_fit_options(p)
    p.add_argument(
        "--reason-texts",
        dest="reason_texts",
        metavar="TEXTS.json",
        default=None,
        help="reason texts: a JSON (or, on Python 3.11+, TOML) object mapping reason codes "
        '(ATTR_AGE for the attribute "age") to {"en": ..., "zh": ...}, optionally with '
        '"bins": per-bin texts by values (from/below, categories, missing)',
    )
    p.add_argument(
        "--report",
        metavar="REPORT.html",
        default=None,
        help="also write the validation report as self-contained HTML with ROC, KS, "
        "distribution, calibration and PSI charts and the points table",
    )
    p.add_argument(
        "--png-dir",
        dest="png_dir",
        metavar="DIR",
        default=None,
        help="with --report, also write each chart as DIR/<chart>.png",
    )
    p.set_defaults(func=run)


def _add_fit_options(p: Any) -> None:
    """The options of the fit: binning, regression, selection and reasons."""
    p.add_argument(
        "--max-bins",
        type=int,
        default=None,
        help="value bins per input (default: the library's, 8)",
    )
    p.add_argument(
        "--min-bin-share",
        type=float,
        default=None,
        help="smallest share of rows per bin (default: the library's, 0.03)",
    )
    p.add_argument(
        "--C",
        dest="C",
        type=float,
        default=None,
        help="inverse L2 regularisation strength (default: the library's, 0.3)",
    )
    p.add_argument(
        "--min-iv",
        type=float,
        default=None,
        help="smallest information value of an input (default: the library's, 0.0)",
    )
    p.add_argument(
        "--binning",
        choices=("greedy", "optimal"),
        default=None,
        help="how pre-bins are grouped (default: the library's, greedy)",
    )
    p.add_argument(
        "--prebins",
        type=int,
        default=None,
        help="quantile pre-bins of numeric inputs (default: the library's, 30)",
    )
    p.add_argument(
        "--woe-smoothing",
        dest="woe_smoothing",
        type=float,
        default=None,
        help="pseudo-count added to the bads and goods of every bin, a multiple of "
        "0.5 (default: the library's, 1.0)",
    )
    p.add_argument("--max-inputs", type=int, default=None, help="keep at most this many inputs")
    p.add_argument(
        "--reason-method",
        choices=("points_below_max", "below_cutoff_average"),
        default="points_below_max",
        help="how reasons are ranked",
    )


def _split(outcomes: list[int], share: float, seed: int) -> tuple[list[int], list[int]]:
    """Stratified split: ``(train indices, hold-out indices)``, each sorted."""
    rng = random.Random(seed)
    train: list[int] = []
    test: list[int] = []
    for cls in (0, 1):
        idx = [i for i, y in enumerate(outcomes) if y == cls]
        rng.shuffle(idx)
        k = round(share * len(idx))
        test += idx[:k]
        train += idx[k:]
    return sorted(train), sorted(test)


def _fit(scorer: Any, profiles: list[Any], outcomes: list[int], dates: list[Any]) -> None:
    """Fit ``scorer``; print each reason-text warning as one line of stderr (other warnings
    are shown as usual)."""
    from credit_closure.exceptions import ReasonTextWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ReasonTextWarning)
        scorer.fit(profiles, outcomes, as_of=dates)
    for w in caught:
        if issubclass(w.category, ReasonTextWarning):
            sys.stderr.write(f"credit-closure: warning: {w.message}\n")
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def run(args: argparse.Namespace) -> int:
    """Run ``train``; return the exit code."""
    from credit_closure._scorecard.logistic import LogisticScorer
    from credit_closure.metrics import validation_report
    from credit_closure.synth import read_jsonl

    if not 0.0 <= args.holdout < 1.0:
        raise InvalidInputError([("--holdout", "must be in [0, 1)")], what="argument")
    texts = None
    if args.reason_texts is not None:
        args.source_name = args.reason_texts
        texts = LogisticScorer.read_reason_texts(args.reason_texts)
    args.source_name = args.data
    try:
        data = read_jsonl(args.data)
    except OSError as exc:
        raise InvalidInputError(
            [("", f"cannot read {args.data}: {exc.strerror}")], what="file"
        ) from None
    profiles = list(data.profiles)
    outcomes = [int(v) for v in data.outcomes.tolist()]
    dates = list(data.as_of)
    if args.holdout > 0:
        tr, te = _split(outcomes, args.holdout, args.seed)
        if not te or not tr:
            raise InvalidInputError(
                [("--holdout", "leaves no rows on one side of the split")], what="argument"
            )
    else:
        tr, te = list(range(len(profiles))), []
    options = {
        k: v
        for k, v in (
            ("max_bins", args.max_bins),
            ("min_bin_share", args.min_bin_share),
            ("C", args.C),
            ("min_iv", args.min_iv),
            ("binning", args.binning),
            ("prebins", args.prebins),
            ("woe_smoothing", args.woe_smoothing),
        )
        if v is not None
    }
    scorer = LogisticScorer(
        **options,
        max_inputs=args.max_inputs,
        reason_method=args.reason_method,
        reason_texts=texts,
    )
    _fit(scorer, [profiles[i] for i in tr], [outcomes[i] for i in tr], [dates[i] for i in tr])
    digest = scorer.save(args.out)
    rows = te if te else tr
    title = (
        f"Validation on {len(te)} held-out rows (seed {args.seed})"
        if te
        else f"Validation on the {len(tr)} training rows (in-sample)"
    )
    report = validation_report(
        scorer,
        [profiles[i] for i in rows],
        [outcomes[i] for i in rows],
        as_of=[dates[i] for i in rows],
        baseline_profiles=[profiles[i] for i in tr] if te else None,
        baseline_as_of=[dates[i] for i in tr] if te else None,
        title=f"{title}: {scorer.version}",
    )
    sys.stdout.write(report.to_markdown())
    if not report.to_markdown().endswith("\n"):
        sys.stdout.write("\n")
    sys.stderr.write(f"wrote {args.out}\nsha256 {digest}\nversion {scorer.version}\n")
    if args.report:
        from credit_closure.cli.validate import write_html
        from credit_closure.report import html_report

        html = html_report(
            scorer,
            [profiles[i] for i in rows],
            [outcomes[i] for i in rows],
            as_of=[dates[i] for i in rows],
            baseline_profiles=[profiles[i] for i in tr] if te else None,
            baseline_as_of=[dates[i] for i in tr] if te else None,
            title=f"{title}: {scorer.version}",
            progress=True,
        )
        write_html(html, args.report, args.png_dir)
    return 0
