"""Self-contained HTML validation reports with charts.

:func:`html_report` validates a scorer on labelled profiles and renders one HTML file that
a reviewer opens in any browser, offline: the discrimination summary (AUC, Gini, KS), the ROC
and KS curves, the score distribution of goods and bads, calibration by decile, the PSI
against a baseline when one is given (with the CSI of each scorecard input), and the
scorecard's points table for a :class:`~credit_closure.LogisticScorer`. The charts are PNG
images embedded as base64, so the file has no external reference; they can also be written
as separate PNG files.

Charts need matplotlib, from the optional ``plot`` extra (``pip install
'credit-closure[plot]'``). Without it the report still renders every table and says how to
get the charts. matplotlib is imported only when a chart is drawn, never by ``import
credit_closure``; the charts are drawn on ``matplotlib.figure.Figure`` objects (no pyplot, no
window, no global state).

The report carries aggregates only: no subject id, attribute value or single profile.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import importlib.util
import io
import math
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Union

import attrs

from credit_closure._version import __version__
from credit_closure.exceptions import InvalidInputError

__all__ = [
    "Chart",
    "HTMLReport",
    "PLOT_HINT",
    "PointsRow",
    "charts_available",
    "html_report",
    "html_report_from_arrays",
    "points_table",
]

#: What to run to get the charts.
PLOT_HINT = "pip install 'credit-closure[plot]'"

_PathLike = Union[str, "os.PathLike[str]"]


@attrs.frozen
class Chart:
    """One chart of a report, as PNG bytes.

    Attributes:
        name: File-name stem (``"roc"``, ``"ks"``, ``"distribution"``, ``"calibration"``,
            ``"psi"``).
        title: Caption shown above the image.
        png: The PNG image.
    """

    name: str
    title: str
    png: bytes = attrs.field(repr=lambda b: f"<{len(b)} bytes>")

    def data_uri(self) -> str:
        """The image as a ``data:image/png;base64,...`` URI."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@attrs.frozen
class PointsRow:
    """One bin of a scorecard input: its label and the points it adds.

    Attributes:
        input: The input's key (a feature name, or ``attributes.<name>``).
        bin: The bin's readable label (``"[0.1, 0.3)"``, ``"missing"``).
        points: Points added to the score for a profile in this bin.
    """

    input: str
    bin: str
    points: float


def _chart_tuple(charts: Iterable[Chart]) -> tuple[Chart, ...]:
    return tuple(charts)


@attrs.frozen
class HTMLReport:
    """A rendered validation report.

    Attributes:
        html: The complete, self-contained HTML document.
        report: The :class:`~credit_closure.metrics.ValidationReport` it shows.
        charts: The charts embedded in it (empty without matplotlib or with ``plots=False``).
        charts_missing: ``True`` when charts were wanted but matplotlib is not installed.
    """

    html: str = attrs.field(repr=False)
    report: Any
    charts: tuple[Chart, ...] = attrs.field(converter=_chart_tuple)
    charts_missing: bool = False

    def write(self, path: _PathLike, *, png_dir: _PathLike | None = None) -> list[Path]:
        """Write the HTML file, and with ``png_dir`` one PNG per chart.

        Args:
            path: The HTML file to create or overwrite (UTF-8).
            png_dir: A folder for ``<chart name>.png`` files (created if needed).

        Returns:
            The paths written, the HTML first.

        Example:
            >>> import tempfile, pathlib
            >>> r = html_report_from_arrays([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], plots=False)
            >>> with tempfile.TemporaryDirectory() as d:
            ...     paths = r.write(pathlib.Path(d) / "report.html")
            ...     paths[0].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
            True
        """
        out = Path(path)
        out.write_text(self.html, encoding="utf-8")
        written = [out]
        if png_dir is not None:
            folder = Path(png_dir)
            folder.mkdir(parents=True, exist_ok=True)
            for chart in self.charts:
                p = folder / f"{chart.name}.png"
                p.write_bytes(chart.png)
                written.append(p)
        return written


def charts_available() -> bool:
    """Whether matplotlib can be imported, so reports can carry charts.

    Example:
        >>> isinstance(charts_available(), bool)
        True
    """
    return importlib.util.find_spec("matplotlib") is not None


def points_table(scorer: Any) -> tuple[PointsRow, ...]:
    """The points table of a fitted :class:`~credit_closure.LogisticScorer`: one row per bin.

    Any other scorer has no points table (an empty tuple).

    Args:
        scorer: A scorer object.

    Returns:
        The rows, input by input in the scorecard's order, bins in order, missing bin last.

    Example:
        >>> from credit_closure._scorecard.logistic import reference_scorer
        >>> rows = points_table(reference_scorer())
        >>> rows[0].input, rows[0].bin
        ('util_total', '(-inf, 0.0739)')
        >>> points_table(object())
        ()
    """
    inputs = getattr(scorer, "inputs_", None)
    if not inputs:
        return ()
    rows: list[PointsRow] = []
    for inp in inputs:
        key = getattr(inp, "key", getattr(inp, "name", "?"))
        for label, pts in zip(inp.labels, inp.points):
            rows.append(PointsRow(str(key), str(label), float(pts)))
    return tuple(rows)


# --------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------
_GOOD = "#2b7bba"
_BAD = "#d7301f"


def _figure() -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.6, 3.7), dpi=100)
    return fig, fig.subplots()


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _draw_charts(report: Any, y: Any, prob: Any, score: Any, base_score: Any) -> list[Chart]:
    import numpy as np

    y = np.asarray(y, dtype=np.int64)
    prob = np.asarray(prob, dtype=np.float64)
    charts = [
        _roc_chart(report, y, prob),
        _ks_chart(report, y, prob),
        _distribution_chart(y, prob, score),
        _calibration_chart(report),
    ]
    if report.psi is not None:
        charts.append(_psi_chart(report))
    return charts


def _roc_chart(report: Any, y: Any, prob: Any) -> Chart:
    """ROC curve of the predicted probability, with the chance diagonal."""
    from credit_closure.metrics import roc_curve

    fig, ax = _figure()
    fpr, tpr, _ = roc_curve(y, prob)
    ax.plot(fpr, tpr, color=_BAD, lw=2, label=f"scorer (AUC {report.auc:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label="chance")
    ax.set(
        xlabel="share of goods flagged (false positive rate)",
        ylabel="share of bads flagged (true positive rate)",
        xlim=(0, 1),
        ylim=(0, 1.01),
    )
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    return Chart("roc", f"ROC curve: AUC {report.auc:.3f}, Gini {report.gini:.3f}", _png(fig))


def _ks_chart(report: Any, y: Any, prob: Any) -> Chart:
    """Cumulative shares of bads and goods by PD, with the KS gap marked."""
    import numpy as np

    from credit_closure.metrics import ks_curve

    fig, ax = _figure()
    t, cum_bad, cum_good = ks_curve(y, prob)
    ax.step(t, cum_bad, where="post", color=_BAD, lw=2, label="bads: share with PD <= t")
    ax.step(t, cum_good, where="post", color=_GOOD, lw=2, label="goods: share with PD <= t")
    k = int(np.argmax(np.abs(cum_good - cum_bad)))
    ax.vlines(
        t[k],
        cum_bad[k],
        cum_good[k],
        color="black",
        lw=1.5,
        label=f"KS {report.ks.statistic:.3f} at PD {t[k]:.3g}",
    )
    ax.set(xlabel="probability of default t", ylabel="cumulative share", ylim=(0, 1.01))
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    return Chart("ks", f"KS curve: KS {report.ks.statistic:.3f}", _png(fig))


def _distribution_chart(y: Any, prob: Any, score: Any) -> Chart:
    """Histograms of the score (or PD) of goods and bads."""
    import numpy as np

    fig, ax = _figure()
    values = np.asarray(score if score is not None else prob, dtype=np.float64)
    unit = "score (points)" if score is not None else "probability of default"
    edges = np.histogram_bin_edges(values, bins=min(30, max(5, int(math.sqrt(len(values))))))
    ax.hist(
        values[y == 0],
        bins=edges,
        density=True,
        alpha=0.55,
        color=_GOOD,
        label=f"goods (n={int((y == 0).sum())})",
    )
    ax.hist(
        values[y == 1],
        bins=edges,
        density=True,
        alpha=0.55,
        color=_BAD,
        label=f"bads (n={int((y == 1).sum())})",
    )
    ax.set(xlabel=unit, ylabel="density")
    ax.legend()
    ax.grid(alpha=0.3)
    return Chart("distribution", f"Distribution of the {unit}, goods and bads", _png(fig))


def _calibration_chart(report: Any) -> Chart:
    """Mean predicted PD against the observed bad rate, bin by bin."""
    import numpy as np

    fig, ax = _figure()
    cal = report.calibration
    idx = np.arange(1, len(cal) + 1)
    ax.bar(
        idx - 0.2,
        [b.mean_predicted for b in cal],
        width=0.4,
        color="#7f7f7f",
        label="mean predicted PD",
    )
    ax.bar(
        idx + 0.2, [b.observed_rate for b in cal], width=0.4, color=_BAD, label="observed bad rate"
    )
    ax.set(xlabel="bin of predicted PD (1 = lowest)", ylabel="rate", xticks=idx)
    ax.legend()
    ax.grid(alpha=0.3, axis="y")
    return Chart("calibration", "Calibration by decile of predicted PD", _png(fig))


def _psi_chart(report: Any) -> Chart:
    """Baseline and actual shares per PSI bin (the report must have a PSI)."""
    import numpy as np

    fig, ax = _figure()
    n = len(report.psi.expected_share)
    idx = np.arange(1, n + 1)
    ax.bar(
        idx - 0.2,
        report.psi.expected_share,
        width=0.4,
        color=_GOOD,
        label="baseline (expected)",
    )
    ax.bar(
        idx + 0.2,
        report.psi.actual_share,
        width=0.4,
        color="#fdae61",
        label="this sample (actual)",
    )
    ax.set(
        xlabel=f"bin of the baseline's {report.psi_basis} (1 = lowest)",
        ylabel="share",
        xticks=idx,
    )
    ax.legend()
    ax.grid(alpha=0.3, axis="y")
    return Chart(
        "psi",
        f"Population stability: PSI {report.psi.value:.4f} ({report.psi.band})",
        _png(fig),
    )


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans CJK SC",sans-serif;
 margin:2rem auto;max-width:1200px;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .6rem}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}figcaption{font-weight:600}
img{max-width:100%;border:1px solid #eee}.note{background:#fff8e1;border:1px solid #f0c36d;
 padding:.6rem}.meta{color:#666;font-size:.9rem}
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _f(x: float, digits: int = 4) -> str:
    return f"{x:.{digits}f}"


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[bool]) -> str:
    out = ["<table><thead><tr>", "".join(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        cells = "".join(
            f'<td class="n">{_e(v)}</td>' if num else f"<td>{_e(v)}</td>"
            for v, num in zip(row, numeric)
        )
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _chart_section(charts: Sequence[Chart], charts_missing: bool, plots: bool) -> list[str]:
    """The charts, or a note saying why there are none."""
    parts: list[str] = []
    if charts_missing:
        parts.append(
            f'<p class="note">Charts need matplotlib, which is not installed. '
            f"Install it with <code>{_e(PLOT_HINT)}</code> and run again to get the "
            "ROC, KS, distribution, calibration and PSI charts.</p>"
        )
    elif not plots:
        parts.append('<p class="note">Charts were not requested.</p>')
    if charts:
        parts.append('<h2>Charts</h2><div class="charts">')
        for c in charts:
            parts.append(
                f'<figure id="chart-{_e(c.name)}"><figcaption>{_e(c.title)}'
                f'</figcaption><img alt="{_e(c.title)}" width="560" height="370" '
                f'src="{c.data_uri()}"></figure>'
            )
        parts.append("</div>")
    return parts


def _calibration_section(r: Any) -> list[str]:
    """The calibration table."""
    parts: list[str] = []
    parts.append("<h2>Calibration by decile</h2>")
    parts.append(
        "<p>Bins are quantiles of the predicted probability of default; tied "
        "probabilities stay in one bin, so there may be fewer than ten.</p>"
    )
    parts.append(
        _table(
            ("Bin", "PD from", "PD to", "N", "Bads", "Mean predicted", "Observed rate"),
            [
                (
                    i,
                    f"{b.lower:.6g}",
                    f"{b.upper:.6g}",
                    b.n,
                    b.n_bad,
                    _f(b.mean_predicted),
                    _f(b.observed_rate),
                )
                for i, b in enumerate(r.calibration, start=1)
            ],
            (True,) * 7,
        )
    )
    return parts


def _stability_sections(r: Any) -> list[str]:
    """The PSI table and the CSI of every input, when the report has them."""
    parts: list[str] = []
    if r.psi is not None:
        from credit_closure._metrics.markdown import bin_labels as _bin_labels

        parts.append(f"<h2>Population stability ({_e(r.psi_basis)})</h2>")
        parts.append(
            f"<p>PSI = {_f(r.psi.value)} ({_e(r.psi.band)}). Bands: stable &lt; 0.1, "
            "moderate 0.1 to 0.25, major &gt; 0.25 (an industry rule of thumb, not a "
            "regulation).</p>"
        )
        labels = _bin_labels(r.psi.edges, len(r.psi.expected_share))
        parts.append(
            _table(
                ("Bin", "Range", "Baseline share", "Sample share", "Contribution"),
                [
                    (i, lab, _f(e), _f(a), _f(c))
                    for i, (lab, e, a, c) in enumerate(
                        zip(labels, r.psi.expected_share, r.psi.actual_share, r.psi.contribution),
                        start=1,
                    )
                ],
                (True, False, True, True, True),
            )
        )
    if r.csi:
        parts.append("<h2>Characteristic stability (CSI per input)</h2>")
        parts.append(
            _table(
                ("Input", "CSI", "Band", "Bins"),
                [(k, _f(v.value), v.band, len(v.contribution)) for k, v in r.csi.items()],
                (False, True, False, True),
            )
        )
    return parts


def _points_section(points: Sequence[PointsRow]) -> list[str]:
    """The scorecard points table of a logistic scorecard."""
    parts: list[str] = []
    if points:
        parts.append("<h2>Scorecard points</h2>")
        parts.append(
            "<p>Points each bin adds to the score (higher = lower risk); the "
            "missing bin is used when the input is unknown.</p>"
        )
        parts.append(
            _table(
                ("Input", "Bin", "Points"),
                [(p.input, p.bin, f"{p.points:+.2f}") for p in points],
                (False, False, True),
            )
        )
    return parts


def _render(
    report: Any,
    charts: Sequence[Chart],
    points: Sequence[PointsRow],
    charts_missing: bool,
    plots: bool,
) -> str:
    r = report
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(r.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(r.title)}</h1>",
        f'<p class="meta">credit-closure {_e(__version__)} · '
        f"{_e(_dt.datetime.now(_dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'))} · "
        "aggregates only, no subject data</p>",
        "<h2>Discrimination</h2>",
        _table(
            ("Metric", "Value"),
            [
                ("Observations", r.n),
                ("Bads", r.n_bad),
                ("Bad rate", _f(r.bad_rate)),
                ("AUC", _f(r.auc)),
                ("Gini", _f(r.gini)),
                ("KS", _f(r.ks.statistic)),
                ("KS threshold (PD)", f"{r.ks.threshold:.6g}"),
            ],
            (False, True),
        ),
    ]
    parts += _chart_section(charts, charts_missing, plots)
    parts += _calibration_section(r)
    parts += _stability_sections(r)
    parts += _points_section(points)
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _build(
    report: Any,
    y: Any,
    prob: Any,
    score: Any,
    base_score: Any,
    points: Sequence[PointsRow],
    plots: bool,
) -> HTMLReport:
    charts: list[Chart] = []
    missing = False
    if plots:
        if charts_available():
            charts = _draw_charts(report, y, prob, score, base_score)
        else:
            missing = True
    return HTMLReport(_render(report, charts, points, missing, plots), report, charts, missing)


def html_report_from_arrays(
    y: Any,
    probability: Any,
    *,
    score: Any = None,
    baseline_score: Any = None,
    points: Sequence[PointsRow] = (),
    title: str = "Scorecard validation report",
    n_bins: int = 10,
    psi_bins: int = 10,
    plots: bool = True,
) -> HTMLReport:
    """Render a report from outcomes and predictions (for any model, inside or outside).

    The figures are those of :func:`~credit_closure.metrics.validation_report_from_arrays`,
    which checks the inputs.

    Args:
        y: Outcomes, 0 = good and 1 = bad; both classes must occur.
        probability: Predicted probability of default per row.
        score: Optional points per row: the distribution chart and the PSI use them.
        baseline_score: Optional baseline sample on the same scale, for the PSI.
        points: Optional scorecard points table (see :func:`points_table`).
        title: Report heading.
        n_bins: Requested number of calibration bins.
        psi_bins: Requested number of PSI bins.
        plots: Draw the charts (needs matplotlib; without it the report says how to get
            them).

    Returns:
        The :class:`HTMLReport`.

    Raises:
        InvalidInputError: Listing every problem with the inputs.

    Example:
        >>> r = html_report_from_arrays([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], plots=False)
        >>> r.report.auc, "<td>AUC</td>" in r.html, r.charts
        (0.75, True, ())
    """
    from credit_closure.metrics import validation_report_from_arrays

    report = validation_report_from_arrays(
        y,
        probability,
        score=score,
        baseline_score=baseline_score,
        title=title,
        n_bins=n_bins,
        psi_bins=psi_bins,
    )
    return _build(report, y, probability, score, baseline_score, tuple(points), plots)


def _scored(
    scorer: Any, profiles: Sequence[Any], as_of: Any, tick: Callable[[], None]
) -> tuple[list[float], list[float]]:
    from credit_closure._metrics.scoring import report_dates as _report_dates
    from credit_closure._scoring.scale import DEFAULT_SCALE, Scale

    problems: list[tuple[str, str]] = []
    dates = _report_dates(as_of, len(profiles), "as_of", problems)
    if problems:  # pragma: no cover - validation_report has already refused them
        raise InvalidInputError(problems)
    scale = getattr(scorer, "scale", None)
    if not isinstance(scale, Scale):
        scale = DEFAULT_SCALE
    probs: list[float] = []
    pts: list[float] = []
    for p, d in zip(profiles, dates):
        pd = scorer.score(p, d).probability_of_default
        probs.append(pd)
        pts.append(scale.points(scale.clip_probability(pd)))
        tick()
    return probs, pts


def html_report(
    scorer: Any,
    profiles: Sequence[Any],
    outcomes: Any,
    *,
    as_of: Any,
    baseline_profiles: Sequence[Any] | None = None,
    baseline_as_of: Any = None,
    title: str | None = None,
    n_bins: int = 10,
    psi_bins: int = 10,
    plots: bool = True,
    progress: bool = False,
) -> HTMLReport:
    """Validate a scorer on labelled profiles and render the HTML report.

    The figures are those of :func:`~credit_closure.metrics.validation_report` (same
    arguments, same checks); the charts add the ROC and KS curves, the score distribution of
    goods and bads, calibration by decile and, with a baseline, the PSI bins. A fitted
    :class:`~credit_closure.LogisticScorer` also gets its points table.

    Args:
        scorer: A scorer object (a fitted ``LogisticScorer``, say) or a registered name.
        profiles: The profiles to validate on.
        outcomes: One outcome per profile, 0 = good, 1 = bad; both must occur.
        as_of: One date (``date`` or ``"YYYY-MM-DD"``) or one per profile.
        baseline_profiles: Optional baseline sample (typically the development sample) for
            PSI and CSI.
        baseline_as_of: Date(s) of the baseline; ``as_of`` when omitted.
        title: Report heading; names the scorer's version when omitted.
        n_bins: Requested number of calibration bins.
        psi_bins: Requested number of PSI bins.
        plots: Draw the charts (needs matplotlib).
        progress: Show a progress bar on stderr while scoring (only on a terminal, only
            after a couple of seconds).

    Returns:
        The :class:`HTMLReport`.

    Raises:
        InvalidInputError: Listing every problem with the inputs.
        NotFittedError: For a ``LogisticScorer`` that is not fitted.

    Example:
        >>> from credit_closure import CreditProfile
        >>> ps = [CreditProfile.from_dict({"subject_id": f"s{i}", "accounts": [
        ...     {"account_id": "a", "product": "credit_card", "status": "open",
        ...      "credit_limit": 10000, "balance": 1000 * i}]}) for i in range(10)]
        >>> r = html_report("rules", ps, [0] * 7 + [1] * 3, as_of="2025-06-30", plots=False)
        >>> r.report.n, r.html.count("<h2>Calibration by decile</h2>")
        (10, 1)
    """
    from credit_closure._progress import Progress
    from credit_closure._scoring.registry import resolve
    from credit_closure.metrics import validation_report

    obj = resolve(scorer)[0]
    report = validation_report(
        obj,
        profiles,
        outcomes,
        as_of=as_of,
        baseline_profiles=baseline_profiles,
        baseline_as_of=baseline_as_of,
        title=title,
        n_bins=n_bins,
        psi_bins=psi_bins,
    )
    if not plots or not charts_available():
        return _build(report, None, None, None, None, points_table(obj), plots)
    total = len(profiles) + (len(baseline_profiles) if baseline_profiles is not None else 0)
    bar = Progress(total, label="charts") if progress else None
    tick = bar.update if bar is not None else (lambda: None)
    try:
        probs, pts = _scored(obj, profiles, as_of, tick)
        base = None
        if baseline_profiles is not None:
            b_as_of = as_of if baseline_as_of is None else baseline_as_of
            base = _scored(obj, baseline_profiles, b_as_of, tick)[1]
    finally:
        if bar is not None:
            bar.close()
    return _build(report, list(outcomes), probs, pts, base, points_table(obj), True)
