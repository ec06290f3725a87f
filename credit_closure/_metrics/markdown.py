"""The Markdown form of :class:`credit_closure.metrics.ValidationReport`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from credit_closure.metrics import ValidationReport


def f4(x: float) -> str:
    return f"{x:.4f}"


def g6(x: float) -> str:
    return f"{x:.6g}"


def md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def bin_labels(edges: tuple[float, ...] | None, n_bins: int) -> list[str]:
    if edges is None:
        return [f"bin {i}" for i in range(1, n_bins + 1)]
    if not edges:
        return ["all"]
    labels = [f"<= {g6(edges[0])}"]
    labels += [f"({g6(lo)}, {g6(hi)}]" for lo, hi in zip(edges[:-1], edges[1:])]
    labels.append(f"> {g6(edges[-1])}")
    return labels


def render_markdown(report: ValidationReport) -> str:
    """GitHub-flavoured Markdown tables of ``report`` (see ``ValidationReport.to_markdown``)."""
    out: list[str] = [f"# {md_escape(report.title)}", ""]
    out += [
        "## Discrimination",
        "",
        "| Metric | Value |",
        "|---|---:|",
        f"| Observations | {report.n} |",
        f"| Bads | {report.n_bad} |",
        f"| Bad rate | {f4(report.bad_rate)} |",
        f"| AUC | {f4(report.auc)} |",
        f"| Gini | {f4(report.gini)} |",
        f"| KS | {f4(report.ks.statistic)} |",
        f"| KS threshold | {g6(report.ks.threshold)} |",
        "",
        "## Calibration",
        "",
        "Bins are quantiles of the predicted probability; tied probabilities stay in one "
        "bin, so there may be fewer bins than requested.",
        "",
        "| Bin | Lower | Upper | N | Bads | Mean predicted | Observed rate |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, b in enumerate(report.calibration, start=1):
        out.append(
            f"| {i} | {g6(b.lower)} | {g6(b.upper)} | {b.n} | {b.n_bad} | "
            f"{f4(b.mean_predicted)} | {f4(b.observed_rate)} |"
        )
    if report.psi is not None:
        out += [
            "",
            f"## Population stability ({report.psi_basis})",
            "",
            f"PSI = {f4(report.psi.value)} ({report.psi.band})",
            "",
            "| Bin | Range | Expected share | Actual share | Contribution |",
            "|---:|---|---:|---:|---:|",
        ]
        for i, (rng, e, a, c) in enumerate(
            zip(
                bin_labels(report.psi.edges, len(report.psi.expected_share)),
                report.psi.expected_share,
                report.psi.actual_share,
                report.psi.contribution,
            ),
            start=1,
        ):
            out.append(f"| {i} | {rng} | {f4(e)} | {f4(a)} | {f4(c)} |")
    if report.csi:
        out += [
            "",
            "## Characteristic stability",
            "",
            "| Input | CSI | Band | Bins |",
            "|---|---:|---|---:|",
        ]
        for name, result in report.csi.items():
            out.append(
                f"| {md_escape(name)} | {f4(result.value)} | {result.band} | "
                f"{len(result.contribution)} |"
            )
    if report.psi is not None or report.csi:
        out += [
            "",
            "Bands: stable < 0.1, moderate 0.1 to 0.25, major > 0.25 (industry rule of "
            "thumb, not a regulation).",
        ]
    return "\n".join(out) + "\n"
