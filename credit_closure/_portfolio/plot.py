"""The chart of :func:`credit_closure.portfolio.plot_closure_rates` (matplotlib, Agg)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from credit_closure.portfolio import ClosureRates


def draw_rate_panels(plt: Any, result: ClosureRates, path: Any, rate: str, segs: list[str]) -> None:
    """Draw one panel per segment of ``rate`` with its p-chart limits and alerts; save a PNG.

    ``plt`` is ``matplotlib.pyplot``, already set to the Agg backend by the caller, which has
    checked ``rate`` and ``segs``. The figure is closed even when saving fails.
    """
    ch = result.charts[rate]
    c = result.counts
    ncols = 1 if len(segs) == 1 else 2
    nrows = (len(segs) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.5 * ncols, 3.0 * nrows), squeeze=False)
    alerted = {(a.segment, a.period) for a in result.alerts if a.rate == rate}
    try:
        for ax, s in zip(axes.ravel(), segs):
            idx = [r for r in range(len(c)) if c.segment[r] == s]
            xs = list(range(len(idx)))
            labels = [str(c.period[r]) for r in idx]
            y = result.rates[rate][idx]
            ax.plot(xs, y, marker="o", ms=3, lw=1.2, label=f"{rate} rate")
            ax.step(xs, ch.ucl[idx], where="mid", color="tab:red", lw=0.9, label="UCL")
            ax.step(xs, ch.lcl[idx], where="mid", color="tab:red", lw=0.9, ls="--", label="LCL")
            ax.plot(xs, ch.center[idx], color="grey", lw=0.8, label="centre")
            hit = [i for i, r in enumerate(idx) if (s, c.period[r]) in alerted]
            if hit:
                ax.scatter(
                    [xs[i] for i in hit],
                    y[hit],
                    color="tab:red",
                    zorder=3,
                    label="alert (any rule)",
                )
            step = max(1, len(xs) // 8)
            ax.set_xticks(xs[::step])
            ax.set_xticklabels(labels[::step], rotation=30, fontsize=7)
            ax.set_title(f"segment {s}", fontsize=9)
            ax.tick_params(axis="y", labelsize=7)
        for ax in axes.ravel()[len(segs) :]:
            ax.set_visible(False)
        axes.ravel()[0].legend(fontsize=7, loc="upper left")
        fig.suptitle(f"{rate} closure rate with p-chart limits", fontsize=10)
        fig.tight_layout()
        fig.savefig(path, format="png", dpi=110)
    finally:
        plt.close(fig)
