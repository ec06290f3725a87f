"""credit_closure.report (the HTML validation report) and credit_closure._progress."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import CreditProfile, InvalidInputError
from credit_closure import report as rep
from credit_closure._progress import Progress, progress

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HAS_MPL = rep.charts_available()
needs_mpl = pytest.mark.skipif(not HAS_MPL, reason="matplotlib (the plot extra) not installed")

Y = [0, 0, 1, 0, 1, 1, 0, 0, 1, 0]
P = [0.1, 0.2, 0.7, 0.3, 0.6, 0.9, 0.15, 0.4, 0.35, 0.05]


@pytest.fixture(scope="module")
def fitted() -> Any:
    """A small synthetic book and a scorecard fitted on it (fit once per module)."""
    from credit_closure import LogisticScorer
    from credit_closure.synth import generate_portfolio

    dev = generate_portfolio(600, seed=3)
    recent = generate_portfolio(300, seed=4, as_of=dt.date(2026, 12, 31))
    scorer = LogisticScorer().fit(dev.profiles, dev.outcomes, as_of=dev.as_of)
    return scorer, dev, recent


def _images(html: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', html)]


class TestFromArrays:
    """html_report_from_arrays: tables always, charts when asked and available."""

    def test_tables_without_plots(self) -> None:
        """plots=False gives the metric and calibration tables and no image."""
        r = rep.html_report_from_arrays(Y, P, plots=False)
        assert r.html.startswith("<!DOCTYPE html>") and r.html.rstrip().endswith("</html>")
        assert "<td>AUC</td>" in r.html and f"{r.report.auc:.4f}" in r.html
        assert "Calibration by decile" in r.html
        assert r.charts == () and _images(r.html) == [] and not r.charts_missing

    def test_one_table_row_per_calibration_bin(self) -> None:
        """The calibration table has exactly one row per bin of the report."""
        r = rep.html_report_from_arrays(Y, P, plots=False, n_bins=4)
        section = r.html.split("<h2>Calibration by decile</h2>")[1].split("</table>")[0]
        assert section.count("<tr>") - 1 == len(r.report.calibration)

    def test_title_is_escaped(self) -> None:
        """A title with markup is shown as text, never as HTML."""
        r = rep.html_report_from_arrays(Y, P, plots=False, title="<script>x</script> & co")
        assert "<script>" not in r.html and "&lt;script&gt;x&lt;/script&gt; &amp; co" in r.html

    def test_bad_input_lists_problems(self) -> None:
        """Bad outcomes and probabilities raise InvalidInputError naming the arguments."""
        with pytest.raises(InvalidInputError) as e:
            rep.html_report_from_arrays([0, 2, 1], [0.1, 0.2, 1.5], plots=False)
        assert {p for p, _ in e.value.problems} >= {"y", "probability"}

    def test_psi_section_only_with_baseline(self) -> None:
        """The PSI table appears when a baseline score is given, not otherwise."""
        without = rep.html_report_from_arrays(Y, P, score=[600 - 50 * p for p in P], plots=False)
        with_b = rep.html_report_from_arrays(
            Y,
            P,
            score=[600 - 50 * p for p in P],
            baseline_score=[560 + 4 * i for i in range(20)],
            plots=False,
        )
        assert "Population stability" not in without.html
        assert "Population stability" in with_b.html and with_b.report.psi is not None

    @needs_mpl
    def test_charts_are_embedded_pngs(self) -> None:
        """With matplotlib: ROC, KS, distribution and calibration are PNGs embedded in the HTML."""
        r = rep.html_report_from_arrays(Y, P)
        assert [c.name for c in r.charts] == ["roc", "ks", "distribution", "calibration"]
        images = _images(r.html)
        assert len(images) == 4 and all(i.startswith(PNG_MAGIC) for i in images)
        assert [c.png for c in r.charts] == images

    @needs_mpl
    def test_psi_chart_with_baseline(self) -> None:
        """A baseline adds the PSI chart."""
        r = rep.html_report_from_arrays(
            Y, P, score=[600 - 50 * p for p in P], baseline_score=[560 + 4 * i for i in range(20)]
        )
        assert [c.name for c in r.charts][-1] == "psi"

    def test_without_matplotlib_says_how_to_get_charts(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """When matplotlib is missing, the tables stay and the page names the plot extra."""
        monkeypatch.setattr(rep, "charts_available", lambda: False)
        r = rep.html_report_from_arrays(Y, P)
        assert r.charts == () and r.charts_missing
        assert rep.PLOT_HINT.replace("'", "&#x27;") in r.html and "<td>AUC</td>" in r.html

    @settings(max_examples=25)
    @given(
        st.lists(st.tuples(st.integers(0, 1), st.floats(0, 1)), min_size=2, max_size=60).filter(
            lambda rows: {y for y, _ in rows} == {0, 1}
        )
    )
    def test_any_valid_sample_renders(self, rows: list) -> None:
        """Any sample with both classes renders, with the report's AUC printed in the page."""
        y = [a for a, _ in rows]
        p = [b for _, b in rows]
        r = rep.html_report_from_arrays(y, p, plots=False)
        assert 0.0 <= r.report.auc <= 1.0
        assert f'<td>AUC</td><td class="n">{r.report.auc:.4f}</td>' in r.html


class TestHtmlReport:
    """html_report on a fitted scorecard and on a registered scorer."""

    def test_points_table_of_a_scorecard(self, fitted: Any) -> None:
        """Every bin of every input of the scorecard is a row of the points table."""
        scorer, _, recent = fitted
        r = rep.html_report(
            scorer, list(recent.profiles), recent.outcomes.tolist(), as_of=recent.as_of, plots=False
        )
        rows = rep.points_table(scorer)
        assert len(rows) == sum(len(i.points) for i in scorer.inputs_)
        assert "<h2>Scorecard points</h2>" in r.html
        assert all(f"{row.points:+.2f}" in r.html for row in rows)

    def test_rule_scorer_has_no_points_table(self) -> None:
        """A registered rule scorer gets the report without a points table."""
        ps = [
            CreditProfile.from_dict(
                {
                    "subject_id": f"s{i}",
                    "accounts": [
                        {
                            "account_id": "a",
                            "product": "credit_card",
                            "status": "open",
                            "credit_limit": 10000,
                            "balance": 1000 * i,
                        }
                    ],
                }
            )
            for i in range(10)
        ]
        r = rep.html_report("rules", ps, [0] * 7 + [1] * 3, as_of="2025-06-30", plots=False)
        assert r.report.n == 10 and "Scorecard points" not in r.html

    def test_no_subject_data_in_the_page(self, fitted: Any) -> None:
        """The report carries aggregates only: no subject id of the sample appears."""
        scorer, dev, recent = fitted
        r = rep.html_report(
            scorer,
            list(recent.profiles),
            recent.outcomes.tolist(),
            as_of=recent.as_of,
            baseline_profiles=list(dev.profiles),
            baseline_as_of=dev.as_of,
            plots=False,
        )
        ids = {p.subject_id for p in recent.profiles} | {p.subject_id for p in dev.profiles}
        found = set(re.findall(r"[\w-]+", r.html)) & ids
        assert found == set()

    @needs_mpl
    def test_full_report_with_baseline(self, fitted: Any, tmp_path: Path) -> None:
        """With a baseline: five charts, PSI and CSI tables; write() saves HTML and PNGs."""
        scorer, dev, recent = fitted
        r = rep.html_report(
            scorer,
            list(recent.profiles),
            recent.outcomes.tolist(),
            as_of=recent.as_of,
            baseline_profiles=list(dev.profiles),
            baseline_as_of=dev.as_of,
        )
        assert [c.name for c in r.charts] == ["roc", "ks", "distribution", "calibration", "psi"]
        assert "Characteristic stability" in r.html
        paths = r.write(tmp_path / "r.html", png_dir=tmp_path / "png")
        assert paths[0].read_text(encoding="utf-8") == r.html
        assert sorted(p.name for p in paths[1:]) == sorted(f"{c.name}.png" for c in r.charts)
        assert all(p.read_bytes().startswith(PNG_MAGIC) for p in paths[1:])

    def test_bad_profiles_raise_invalid_input(self) -> None:
        """A non-profile in the sample is reported by path, as validation_report does."""
        with pytest.raises(InvalidInputError) as e:
            rep.html_report("rules", ["nope"], [1], as_of="2025-06-30", plots=False)
        assert any(p.startswith("profiles[0]") for p, _ in e.value.problems)

    def test_import_does_not_import_matplotlib(self) -> None:
        """Importing credit_closure.report leaves matplotlib unimported."""
        code = "import sys, credit_closure.report; print('matplotlib' in sys.modules)"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert out == "False"


class _TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


class TestProgress:
    """The stderr progress bar: silent off a terminal, drawn on one after the delay."""

    def test_silent_when_not_a_terminal(self) -> None:
        """A non-terminal stream gets nothing, however long the run."""
        t = iter(range(0, 1000, 5))
        stream = io.StringIO()
        with Progress(100, stream=stream, clock=lambda: float(next(t))) as bar:
            for _ in range(100):
                bar.update()
        assert stream.getvalue() == "" and bar.done == 100

    def test_silent_before_the_delay(self) -> None:
        """On a terminal, a run shorter than the delay draws nothing."""
        stream = _TTY()
        with Progress(10, stream=stream, delay=2.0, clock=lambda: 0.5) as bar:
            for _ in range(10):
                bar.update()
        assert stream.getvalue() == ""

    def test_draws_after_the_delay(self) -> None:
        """On a terminal, a long run draws the bar and ends the line."""
        now = [0.0]
        stream = _TTY()
        with Progress(4, label="scoring", stream=stream, clock=lambda: now[0]) as bar:
            for _ in range(4):
                now[0] += 1.0
                bar.update()
        text = stream.getvalue()
        assert "scoring [" in text and "4/4 100%" in text and text.endswith("\n")

    def test_iterator_yields_everything(self) -> None:
        """progress() yields the items unchanged, in order."""
        assert list(progress(iter("abc"), stream=io.StringIO())) == ["a", "b", "c"]
