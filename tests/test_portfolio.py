"""Portfolio closure-rate signal: known answers for the p-chart, CUSUM, EWMA and PSI,
input formats, event paths, properties, plot and CLI (DOMAIN.md §5, §9 R15)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _helpers import scalars
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import (
    CreditProfile,
    InvalidInputError,
)
from credit_closure.cli import main
from credit_closure.portfolio import (
    INITIATOR_CODES,
    ClosureRates,
    SignalConfig,
    closure_counts,
    closure_counts_from_arrays,
    closure_counts_from_profiles,
    closure_rates,
    cusum,
    ewma,
    p_chart_limits,
    plot_closure_rates,
    score_psi,
)

ROOT = Path(__file__).resolve().parent.parent

SHOCK = {
    "period": [1, 2, 3, 4],
    "open_at_start": [100] * 4,
    "closures": [10, 10, 10, 30],
    "voluntary": [5, 5, 5, 5],
    "involuntary": [5, 5, 5, 25],
}


class TestKnownAnswers:
    def test_p_chart_limits_by_hand(self):
        """p̄ = 60/400 = 0.15, σ = sqrt(0.15·0.85/100) = 0.0357071; limits 0.15 ± 0.1071213."""
        c, lo, hi = p_chart_limits([10, 10, 10, 30], [100, 100, 100, 100])
        sd = math.sqrt(0.15 * 0.85 / 100)
        assert c.tolist() == pytest.approx([0.15] * 4)
        assert lo.tolist() == pytest.approx([0.15 - 3 * sd] * 4)
        assert hi.tolist() == pytest.approx([0.15 + 3 * sd] * 4)
        assert hi[0] == pytest.approx(0.2571214, abs=1e-7)

    def test_p_chart_limits_use_each_periods_n_and_floor_at_zero(self):
        """Limits widen for a small n; the LCL is floored at 0."""
        _c, lo, hi = p_chart_limits([1, 5], [10, 1000], p_bar=0.02)
        assert lo[0] == 0.0 and hi[0] == pytest.approx(0.02 + 3 * math.sqrt(0.02 * 0.98 / 10))
        assert lo[1] == pytest.approx(0.02 - 3 * math.sqrt(0.02 * 0.98 / 1000))

    def test_cusum_by_hand(self):
        """z = 1,2,3,0,-1 with k = 0.5: S⁺ = .5,2,4.5,4,2.5 and S⁻ = 0,0,0,0,.5."""
        hi, lo = cusum([1, 2, 3, 0, -1], k=0.5, h=5)
        assert hi.tolist() == pytest.approx([0.5, 2.0, 4.5, 4.0, 2.5])
        assert lo.tolist() == pytest.approx([0.0, 0.0, 0.0, 0.0, 0.5])
        hi, lo = cusum([-2, -2], k=1.0)
        assert lo.tolist() == [1.0, 2.0] and hi.tolist() == [0.0, 0.0]

    def test_ewma_by_hand(self):
        """λ = 0.2: E = .2, .56, 1.048; limits 3·sqrt(λ/(2-λ)·(1-(1-λ)^{2t}))."""
        e, lim = ewma([1, 2, 3], lam=0.2, L=3)
        assert e.tolist() == pytest.approx([0.2, 0.56, 1.048])
        expected = [3 * math.sqrt(0.2 / 1.8 * (1 - 0.8 ** (2 * t))) for t in (1, 2, 3)]
        assert lim.tolist() == pytest.approx(expected)
        assert lim[0] == pytest.approx(0.6) and lim[1] == pytest.approx(0.768375, abs=1e-6)

    def test_psi_bands(self):
        """PSI 0 (stable), 0.1695 (moderate, warning at 0.1), 0.2747 (major, alert at 0.25)."""
        stable = score_psi([1, 2, 3, 4], [1, 2, 3, 4], edges=[2])
        assert stable.psi.value == 0.0 and stable.alert is None
        moderate = score_psi([1, 2, 3, 4], [1] * 7 + [4] * 3, edges=[2], period="p2")
        assert moderate.psi.value == pytest.approx(0.2 * math.log(1.4) - 0.2 * math.log(0.6))
        assert (moderate.alert.severity, moderate.alert.limit, moderate.alert.period) == (
            "warning",
            0.1,
            "p2",
        )
        major = score_psi([1, 2, 3, 4], [1, 1, 1, 4], edges=[2], segment="huabei")
        assert major.psi.value == pytest.approx(0.25 * math.log(1.5) - 0.25 * math.log(0.5))
        assert (major.alert.rule, major.alert.severity, major.alert.limit, major.alert.segment) == (
            "psi",
            "alert",
            0.25,
            "huabei",
        )

    def test_closure_rates_p_chart_alert_names_everything(self):
        """The shock period alerts on the p-chart with rate, period, segment, value, limit."""
        res = closure_rates(SHOCK, config={"rates": ["gross"], "rules": ["p_chart"]})
        (a,) = res.alerts
        assert (a.rule, a.rate, a.period, a.segment, a.side) == (
            "p_chart",
            "gross",
            4,
            "all",
            "high",
        )
        assert a.value == pytest.approx(0.3) and a.limit == pytest.approx(0.2571214, abs=1e-7)
        assert "PCHART" in a.sources and "UCL" in a.message

    def test_closure_rates_cusum_and_ewma_match_the_formulas(self):
        """The CUSUM and EWMA columns are the formulas applied to the standardised rates."""
        res = closure_rates(SHOCK, config={"rates": ["gross"]})
        sd = math.sqrt(0.15 * 0.85 / 100)
        z = [(p - 0.15) / sd for p in (0.1, 0.1, 0.1, 0.3)]
        ch = res.charts["gross"]
        assert ch.z.tolist() == pytest.approx(z)
        hi, lo = cusum(z)
        assert ch.cusum_hi.tolist() == pytest.approx(hi.tolist())
        assert ch.cusum_lo.tolist() == pytest.approx(lo.tolist())
        # S⁻ reaches 3·(1.4003 - 0.5) = 2.70 < 5: no CUSUM alert
        assert [a.rule for a in res.alerts if a.rule == "cusum"] == []
        # E = -0.28006, -0.50410, -0.68334, 0.29350; limits 0.6, 0.768, 0.859, 0.912: inside
        _e, lim = ewma(z)
        assert ch.ewma.tolist() == pytest.approx([-0.28006, -0.50410, -0.68334, 0.29350], abs=1e-5)
        assert ch.ewma_limit.tolist() == pytest.approx(lim.tolist())
        assert [a for a in res.alerts if a.rule == "ewma"] == []

    def test_ewma_alert_names_value_and_limit(self):
        """z = 0, 0, 3.178, 3.178: E_3 = 0.6356 < 0.8590 (no alert), E_4 = 1.1441 > 0.9123."""
        res = closure_rates(
            {
                "period": [1, 2, 3, 4],
                "open_at_start": [1000] * 4,
                "closures": [10, 10, 20, 20],
                "voluntary": [0] * 4,
                "involuntary": [0] * 4,
            },
            config={"rates": ["gross"], "rules": ["ewma"], "baseline_periods": 2},
        )
        (a,) = res.alerts
        assert (a.rule, a.period, a.side) == ("ewma", 4, "high")
        assert a.value == pytest.approx(1.14415, abs=1e-4)
        assert a.limit == pytest.approx(0.912265, abs=1e-5)
        assert res.charts["gross"].ewma[2] == pytest.approx(0.63564, abs=1e-4)

    def test_cusum_alert_after_sustained_shift(self):
        """A sustained 2σ rise trips the CUSUM with h = 5 in the third period after it starts."""
        n = 10_000
        closures = [100] * 10 + [120] * 5
        res = closure_rates(
            {
                "period": list(range(15)),
                "open_at_start": [n] * 15,
                "closures": closures,
                "voluntary": closures,
                "involuntary": [0] * 15,
            },
            config={"rates": ["gross"], "rules": ["cusum"], "baseline_periods": 10},
        )
        sd = math.sqrt(0.01 * 0.99 / n)
        z = (0.012 - 0.01) / sd  # 2.01
        first = min(a.period for a in res.alerts)
        expected = next(t for t in range(1, 6) if t * (z - 0.5) > 5)
        assert first == 9 + expected
        assert all(a.value > 5 and a.limit == 5 for a in res.alerts)

    def test_baseline_periods_fix_the_centre_line(self):
        """With baseline_periods the centre line comes from the first periods only."""
        res = closure_rates(SHOCK, config={"rates": ["gross"], "baseline_periods": 3})
        assert res.charts["gross"].center.tolist() == pytest.approx([0.1] * 4)


class TestFormats:
    def test_dict_records_and_dataframe_agree(self):
        """A dict of columns, a list of rows and a DataFrame give the same result."""
        pd = pytest.importorskip("pandas")
        rows = [dict(zip(SHOCK, vals)) for vals in zip(*SHOCK.values())]
        a = closure_rates(SHOCK)
        b = closure_rates(rows)
        c = closure_rates(pd.DataFrame(SHOCK))
        assert a.rows() == b.rows() == c.rows()
        assert [x.to_dict() for x in a.alerts] == [x.to_dict() for x in c.alerts]

    def test_datetime_periods_become_iso_dates(self):
        """A DataFrame with datetime periods is labelled by ISO date, in time order."""
        pd = pytest.importorskip("pandas")
        df = pd.DataFrame(
            {
                **SHOCK,
                "period": pd.to_datetime(["2025-04-01", "2025-01-01", "2025-02-01", "2025-03-01"]),
            }
        )
        c = closure_counts(df)
        assert c.period == ("2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01")
        assert c.closures.tolist() == [10, 10, 30, 10]

    def test_rows_are_sorted_by_segment_then_period(self):
        """Counts are sorted by segment, then period, whatever the input order."""
        c = closure_counts(
            {
                "period": ["2025-02", "2025-01", "2025-01"],
                "segment": ["b", "b", "a"],
                "open_at_start": [10, 10, 10],
                "closures": [1, 2, 3],
                "voluntary": [0, 0, 0],
                "involuntary": [0, 0, 0],
            }
        )
        assert list(zip(c.segment, c.period)) == [
            ("a", "2025-01"),
            ("b", "2025-01"),
            ("b", "2025-02"),
        ]
        assert c.closures.tolist() == [3, 2, 1]

    def test_every_problem_is_listed(self):
        """Bad counts raise one InvalidInputError listing each problem with its row."""
        bad = {
            "period": [1, 2, 2],
            "open_at_start": [0, 10, 10],
            "closures": [0, 11, 2],
            "voluntary": [0, 0, 2],
            "involuntary": [0, 0, 1],
        }
        with pytest.raises(InvalidInputError) as exc:
            closure_counts(bad)
        paths = [p for p, _ in exc.value.problems]
        assert "open_at_start[0]" in paths and "closures[1]" in paths
        assert "voluntary[2]" in paths and "period[2]" in paths

    def test_columns_are_checked(self):
        """Unknown and missing columns, unequal lengths and non-integers are reported."""
        with pytest.raises(InvalidInputError) as exc:
            closure_counts({"period": [1], "open": [3]})
        paths = {p for p, _ in exc.value.problems}
        assert {"open", "open_at_start", "closures"} <= paths
        with pytest.raises(InvalidInputError):
            closure_counts({**SHOCK, "closures": [1, 2, 3]})
        with pytest.raises(InvalidInputError):
            closure_counts({**SHOCK, "closures": [1.5, 2, 3, 4]})
        with pytest.raises(InvalidInputError):
            closure_counts({**SHOCK, "closures": [-1, 2, 3, 4]})
        with pytest.raises(InvalidInputError):
            closure_counts("not counts")

    def test_bad_config_is_reported(self):
        """An out-of-range configuration lists every field."""
        with pytest.raises(InvalidInputError) as exc:
            SignalConfig(cusum_h=0, ewma_lambda=1.5, rates=["net"])
        assert {p for p, _ in exc.value.problems} == {"cusum_h", "ewma_lambda", "rates"}
        with pytest.raises(InvalidInputError):
            closure_rates(SHOCK, config={"kk": 1})


class TestEvents:
    def test_arrays_by_hand(self):
        """Dates, initiator codes and segments count into the right cells."""
        days = np.array(
            ["2025-01-03", "2025-01-31", "2025-02-01", "2025-02-14", "2025-02-20"],
            dtype="datetime64[D]",
        )
        init = np.array([0, 1, 6, 5, 0])
        seg = np.array([0, 0, 0, 1, 1])
        opens = {
            ("2025-01", "0"): 50,
            ("2025-02", "0"): 48,
            ("2025-02", "1"): 30,
            ("2025-01", "1"): 31,
        }
        c = closure_counts_from_arrays(days, init, seg, open_at_start=opens)
        got = {
            (p, s): (o, x, v, i)
            for p, s, o, x, v, i in zip(
                c.period,
                c.segment,
                c.open_at_start.tolist(),
                c.closures.tolist(),
                c.voluntary.tolist(),
                c.involuntary.tolist(),
            )
        }
        assert got == {
            ("2025-01", "0"): (50, 2, 1, 1),
            ("2025-02", "0"): (48, 1, 0, 1),
            ("2025-01", "1"): (31, 0, 0, 0),
            ("2025-02", "1"): (30, 2, 1, 0),
        }

    def test_string_initiators_and_quarters(self):
        """Initiator names work like codes; quarters are labelled 2025Q1."""
        days = np.array(["2025-01-03", "2025-03-31", "2025-04-01"], dtype="datetime64[D]")
        names = ["consumer", "regulator", "lender_inactivity"]
        codes = [INITIATOR_CODES[n] for n in names]
        opens = {"2025Q1": 10, "2025Q2": 9}
        a = closure_counts_from_arrays(days, names, open_at_start=opens, freq="Q")
        b = closure_counts_from_arrays(days, np.array(codes), open_at_start=opens, freq="Q")
        assert a.to_dict() == b.to_dict()
        assert a.period == ("2025Q1", "2025Q2") and a.involuntary.tolist() == [1, 1]

    def test_missing_open_count_and_bad_values_are_reported(self):
        """A closure in a period without an open count, or an unknown initiator, is reported."""
        days = np.array(["2025-01-03", "2025-05-01"], dtype="datetime64[D]")
        with pytest.raises(InvalidInputError) as exc:
            closure_counts_from_arrays(days, [0, 0], open_at_start={"2025-01": 5})
        assert "2025-05" in exc.value.problems[0][1]
        with pytest.raises(InvalidInputError):
            closure_counts_from_arrays(days, ["consumer", "thief"], open_at_start={"2025-01": 5})
        with pytest.raises(InvalidInputError):
            closure_counts_from_arrays(days, [0, 9], open_at_start={"2025-01": 5})
        with pytest.raises(InvalidInputError):
            closure_counts_from_arrays(days, [0, 0], open_at_start={"2025-01": 5}, freq="W")

    def test_open_counts_as_a_table(self):
        """open_at_start may be a long-format table with period, segment and open_at_start."""
        days = np.array(["2025-01-03"], dtype="datetime64[D]")
        c = closure_counts_from_arrays(
            days,
            [0],
            ["x"],
            open_at_start={"period": ["2025-01"], "segment": ["x"], "open_at_start": [4]},
        )
        assert c.to_dict()["closures"] == [1]

    def test_profiles_by_hand(self):
        """Open-at-start counts and voluntary/involuntary splits from profiles."""
        p = CreditProfile.from_dict(
            {
                "subject_id": "s",
                "accounts": [
                    {
                        "account_id": "a",
                        "product": "credit_card",
                        "status": "open",
                        "opened_on": "2020-01-01",
                    },
                    {
                        "account_id": "b",
                        "product": "credit_card",
                        "status": "closed",
                        "opened_on": "2020-01-01",
                        "closed_on": "2025-01-15",
                    },
                    {
                        "account_id": "c",
                        "product": "cash_loan",
                        "status": "charged_off",
                        "opened_on": "2020-01-01",
                        "closed_on": "2025-02-03",
                    },
                    {
                        "account_id": "d",
                        "product": "credit_card",
                        "status": "closed",
                        "opened_on": "2025-01-05",
                        "closed_on": "2025-01-20",
                    },
                ],
                "closures": [
                    {"account_id": "b", "closed_on": "2025-01-15", "initiator": "consumer"}
                ],
            }
        )
        c = closure_counts_from_profiles([p], segment_by=None)
        assert c.period == ("2025-01", "2025-02")
        # January: a, b, c open at start (d opened inside January); b closed (voluntary)
        # February: a and c open at start; c charged off (involuntary)
        assert c.open_at_start.tolist() == [3, 2]
        assert c.closures.tolist() == [1, 1]
        assert c.voluntary.tolist() == [1, 0] and c.involuntary.tolist() == [0, 1]
        by_product = closure_counts_from_profiles([p], segment_by="product")
        assert set(by_product.segment) == {"credit_card", "cash_loan"}

    def test_profiles_and_arrays_paths_agree(self):
        """The profile path and the columnar path count the same closures."""
        rng = np.random.default_rng(3)
        profiles = []
        days, inits = [], []
        for i in range(30):
            d = np.datetime64("2024-02-01") + int(rng.integers(0, 300))
            init = ["consumer", "lender_risk", "unknown"][int(rng.integers(0, 3))]
            profiles.append(
                CreditProfile.from_dict(
                    {
                        "subject_id": f"s{i}",
                        "accounts": [
                            {
                                "account_id": "a",
                                "product": "credit_card",
                                "status": "closed",
                                "opened_on": "2020-01-01",
                                "closed_on": str(d),
                            }
                        ],
                        "closures": [{"account_id": "a", "closed_on": str(d), "initiator": init}],
                    }
                )
            )
            days.append(d)
            inits.append(init)
        from_profiles = closure_counts_from_profiles(profiles, segment_by=None)
        opens = dict(zip(from_profiles.period, from_profiles.open_at_start.tolist()))
        from_arrays = closure_counts_from_arrays(np.array(days), inits, open_at_start=opens)
        assert from_profiles.to_dict() == from_arrays.to_dict()


@st.composite
def count_tables(draw):
    t = draw(st.integers(1, 12))
    n = draw(st.lists(st.integers(1, 5000), min_size=t, max_size=t))
    c = [draw(st.integers(0, k)) for k in n]
    v = [draw(st.integers(0, k)) for k in c]
    i = [draw(st.integers(0, k - j)) for k, j in zip(c, v)]
    return {
        "period": list(range(t)),
        "open_at_start": n,
        "closures": c,
        "voluntary": v,
        "involuntary": i,
    }


class TestProperties:
    @settings(max_examples=80, deadline=None)
    @given(count_tables())
    def test_period_inside_limits_never_alerts_on_p_chart(self, table):
        """A p-chart alert fires exactly for periods outside their own limits."""
        res = closure_rates(table)
        for name, ch in res.charts.items():
            flagged = {a.period for a in res.alerts if a.rule == "p_chart" and a.rate == name}
            for r, p in enumerate(res.rates[name].tolist()):
                inside = ch.lcl[r] <= p <= ch.ucl[r]
                assert (res.counts.period[r] in flagged) == (not inside)

    @settings(max_examples=50, deadline=None)
    @given(count_tables())
    def test_rates_are_consistent(self, table):
        """Rates lie in [0, 1] and voluntary + involuntary never exceeds gross."""
        res = closure_rates(table)
        g, v, i = (res.rates[k] for k in ("gross", "voluntary", "involuntary"))
        assert ((g >= 0) & (g <= 1)).all() and (v + i <= g + 1e-12).all()
        assert (res.charts["gross"].lcl >= 0).all()


class TestIsolation:
    def test_scoring_never_imports_portfolio(self):
        """Assessing a person never loads the portfolio module (aggregates never feed a score)."""
        code = (
            "import sys, credit_closure as cc\n"
            "p = cc.CreditProfile.from_dict({'subject_id': 's'})\n"
            "cc.assess(p, as_of='2025-01-01')\n"
            "print('credit_closure.portfolio' in sys.modules)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
        ).stdout.strip()
        assert out == "False"

    def test_no_scorer_module_mentions_portfolio(self):
        """No scoring module refers to the portfolio module."""
        for name in (
            "_scoring/rules.py",
            "_scoring/features.py",
            "_scoring/assess.py",
            "_scoring/enterprise.py",
        ):
            assert "portfolio" not in (ROOT / "credit_closure" / name).read_text(encoding="utf-8")


class TestPlot:
    def test_plot_writes_png(self, tmp_path):
        """plot_closure_rates writes a PNG file."""
        pytest.importorskip("matplotlib")
        out = tmp_path / "rates.png"
        plot_closure_rates(closure_rates(SHOCK), out)
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    def test_missing_matplotlib_names_the_extra(self, tmp_path, monkeypatch):
        """Without matplotlib the error says pip install credit-closure[plot]."""
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        with pytest.raises(ImportError, match=r"credit-closure\[plot\]"):
            plot_closure_rates(closure_rates(SHOCK), tmp_path / "x.png")

    def test_bad_plot_arguments(self, tmp_path):
        """An unwatched rate or unknown segment is an input problem."""
        res = closure_rates(SHOCK, config={"rates": ["gross"]})
        with pytest.raises(InvalidInputError):
            plot_closure_rates(res, tmp_path / "x.png", rate="voluntary")
        with pytest.raises(InvalidInputError):
            plot_closure_rates(res, tmp_path / "x.png", segments=["nope"])
        assert isinstance(res, ClosureRates)


class TestCli:
    def test_monitor_csv_example(self, capsys):
        """`credit-closure monitor` prints the table and the shock's alerts; exit 0."""
        path = ROOT / "examples" / "portfolio" / "closure_counts.csv"
        assert main(["monitor", str(path), "--baseline", "12", "--rate", "gross"]) == 0
        out = capsys.readouterr().out
        assert "huabei" in out and "p_chart: gross rate, period 2025-04, segment huabei" in out

    def test_monitor_json_with_psi_and_plot(self, tmp_path, capsys):
        """JSON rows with a psi block give rates, alerts and a PSI; --plot writes the PNG."""
        pytest.importorskip("matplotlib")
        rows = [dict(zip(SHOCK, vals)) for vals in zip(*SHOCK.values())]
        f = tmp_path / "counts.json"
        f.write_text(
            json.dumps(
                {
                    "rows": rows,
                    "psi": {"expected": [1, 2, 3, 4], "actual": [1, 1, 1, 4], "period": 4},
                }
            )
        )
        png = tmp_path / "out.png"
        assert main(["monitor", str(f), "--json", "--plot", str(png)]) == 0
        doc = json.loads(capsys.readouterr().out)
        assert doc["psi"]["alert"]["severity"] == "alert"
        assert any(a["rule"] == "p_chart" for a in doc["alerts"])
        assert png.exists()

    def test_monitor_bad_csv_exits_1(self, tmp_path, capsys):
        """A CSV with a non-integer count exits 1 naming the line and column."""
        f = tmp_path / "bad.csv"
        f.write_text("period,open_at_start,closures,voluntary,involuntary\n2025-01,10,x,0,0\n")
        assert main(["monitor", str(f)]) == 1
        assert "line 2.closures" in capsys.readouterr().err

    def test_monitor_usage_error_exits_2(self, capsys):
        """A bad option value is a usage error (exit 2)."""
        with pytest.raises(SystemExit) as exc:
            main(["monitor", "x.csv", "--h", "high"])
        assert exc.value.code == 2


# --------------------------------------------------------------------------------------
# Portfolio counts and security monitoring: hostile values
# --------------------------------------------------------------------------------------
_COUNT_ROWS = [
    {
        "period": f"2024-{m:02d}",
        "segment": "huabei",
        "open_at_start": 1000,
        "closures": 30,
        "voluntary": 20,
        "involuntary": 5,
    }
    for m in range(1, 13)
]


class TestHostileInput:
    """closure_counts/closure_rates refuse hostile input cleanly."""

    @pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
    @settings(max_examples=100, deadline=None)
    @given(
        st.integers(0, 11),
        st.sampled_from(sorted(_COUNT_ROWS[0]) + ["extra"]),
        st.one_of(
            scalars.filter(lambda v: not isinstance(v, int) or abs(v) < 2**62),
            st.just([1]),
            st.just({"a": 1}),
        ),
    )
    def test_hostile_count_cell(self, row: int, column: str, value: Any) -> None:
        """One hostile cell in the counts table: valid counts or InvalidInputError."""
        from credit_closure.portfolio import closure_counts, closure_rates

        data = [dict(r) for r in _COUNT_ROWS]
        data[row][column] = value
        try:
            closure_rates(closure_counts(data))
        except InvalidInputError as exc:
            assert exc.problems

    @pytest.mark.parametrize("column", ["open_at_start", "closures", "voluntary", "involuntary"])
    def test_count_beyond_int64(self, column: str) -> None:
        """A 40-digit count is refused with InvalidInputError."""
        from credit_closure.portfolio import closure_counts

        data = [dict(r) for r in _COUNT_ROWS]
        data[3][column] = 10**40
        with pytest.raises(InvalidInputError):
            closure_counts(data)
