"""Portfolio charts on real-looking data (issue 15 item 12): Laney p′ limits chosen on an
overdispersed baseline and reported, seasonal baselines, CUSUM reset after a signal.

Known answers by hand, hypothesis properties for the invariants (limits widen with σ_z; the
automatic choice never narrows the binomial limits; a reset CUSUM never exceeds the running
one and never alarms where it does not), the errors of a seasonal baseline short of data,
and the command line."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit_closure import InvalidInputError
from credit_closure._portfolio.charts import MIN_TEST_DF, chi2_sf
from credit_closure.cli import main
from credit_closure.portfolio import (
    ChartBasis,
    SignalConfig,
    closure_rates,
    cusum,
    laney_sigma_z,
    p_chart_limits,
)


def months(n: int, start: int = 2020) -> list[str]:
    return [f"{start + t // 12}-{t % 12 + 1:02d}" for t in range(n)]


def counts(
    x: list[int] | np.ndarray, n: list[int] | np.ndarray, periods: list[Any] | None = None
) -> dict[str, list[Any]]:
    x = [int(v) for v in x]
    return {
        "period": periods if periods is not None else months(len(x)),
        "open_at_start": [int(v) for v in n],
        "closures": x,
        "voluntary": x,
        "involuntary": [0] * len(x),
    }


def overdispersed(seed: int = 3, months_: int = 48, n0: int = 200_000, c: float = 0.05):
    """A book whose monthly rate moves by ``c`` (relative) on top of the binomial noise."""
    rng = np.random.default_rng(seed)
    n = np.full(months_, n0)
    x = rng.binomial(n, 0.015 * (1 + c * rng.standard_normal(months_)))
    return counts(x, n)


GROSS = {"rates": ["gross"]}


# ---------------------------------------------------------------------------------------
# Laney p′
# ---------------------------------------------------------------------------------------
class TestLaney:
    def test_sigma_z_by_hand(self) -> None:
        """p̄ = 0.011, σ = 0.0010430; z = -0.959, 1.918, -1.918, 0.959; MR̄ = 3.196 -> 2.833."""
        sd = math.sqrt(0.011 * 0.989 / 10_000)
        z = [(p - 0.011) / sd for p in (0.010, 0.013, 0.009, 0.012)]
        expected = np.mean(np.abs(np.diff(z))) / 1.128
        got = laney_sigma_z([100, 130, 90, 120], [10_000] * 4)
        assert got == pytest.approx(expected) and got == pytest.approx(2.8332, abs=1e-4)
        assert laney_sigma_z([5, 5, 5], [100, 100, 100]) == 0.0

    def test_limits_widen_by_sigma_z(self) -> None:
        """p′ limits are p̄ ± 3·σ_z·σ_t."""
        _c, lo, hi = p_chart_limits([10, 20], [1000, 1000], sigma_z=2.0)
        sd = math.sqrt(0.015 * 0.985 / 1000)
        assert hi.tolist() == pytest.approx([0.015 + 6 * sd] * 2)
        assert lo.tolist() == pytest.approx([max(0.0, 0.015 - 6 * sd)] * 2)
        with pytest.raises(InvalidInputError) as exc:
            p_chart_limits([1], [10], sigma_z=0)
        assert [p for p, _ in exc.value.problems] == ["sigma_z"]
        with pytest.raises(InvalidInputError):
            laney_sigma_z([1], [10])

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(st.tuples(st.integers(1, 10_000), st.floats(0, 1)), min_size=1, max_size=12),
        st.floats(0.05, 20),
        st.floats(0.05, 20),
    )
    def test_limits_widen_monotonically_with_sigma_z(self, rows, s1, s2) -> None:
        """Whatever the counts, a larger σ_z never narrows either limit."""
        n = [r[0] for r in rows]
        x = [int(r[1] * r[0]) for r in rows]
        lo_s, hi_s = sorted((s1, s2))
        _c, lo1, hi1 = p_chart_limits(x, n, sigma_z=lo_s)
        _c, lo2, hi2 = p_chart_limits(x, n, sigma_z=hi_s)
        assert (hi2 >= hi1).all() and (lo2 <= lo1).all()

    def test_auto_chooses_laney_on_an_overdispersed_baseline_and_says_why(self) -> None:
        """5 % extra variation on 200,000 accounts: σ_z ≈ 2; the p′ limits are used, the basis
        names the test, and the binomial chart alarms where the p′ chart does not."""
        data = overdispersed()
        auto = closure_rates(data, config={**GROSS, "baseline_periods": 24})
        (b,) = auto.bases
        assert isinstance(b, ChartBasis)
        assert (b.limits, b.requested, b.why, b.df) == ("laney", "auto", "overdispersed", 23)
        assert b.sigma_z == b.sigma_z_estimate and 1.5 < b.sigma_z < 3.5
        assert b.p_value is not None and b.p_value < 0.05 and "Laney p′" in b.reason
        assert f"σ_z {b.sigma_z:.3g}" in b.reason and f"X² {b.chi2:.1f} on 23 df" in b.reason
        plain = closure_rates(data, config={**GROSS, "baseline_periods": 24, "limits": "binomial"})
        assert plain.bases[0].limits == "binomial" and plain.bases[0].why == "requested"
        assert len(plain.alerts) > len(auto.alerts)
        assert all(a.limits == "laney" and a.sigma_z == b.sigma_z for a in auto.alerts)
        assert all("Laney p′ limits" in a.message for a in auto.alerts)
        doc = json.loads(json.dumps(auto.to_dict()))
        assert doc["bases"][0]["limits"] == "laney" and doc["config"]["limits"] == "auto"

    def test_binomial_limits_are_the_textbook_chart(self) -> None:
        """limits="binomial" is the chart of earlier releases: p_chart_limits with p̄ of the
        baseline, z = (p - p̄)/σ_t, whatever the data."""
        data = overdispersed()
        res = closure_rates(data, config={**GROSS, "baseline_periods": 24, "limits": "binomial"})
        x = np.array(data["closures"], dtype=float)
        n = np.array(data["open_at_start"], dtype=float)
        pb = x[:24].sum() / n[:24].sum()
        c, lo, hi = p_chart_limits(x, n, p_bar=pb)
        ch = res.charts["gross"]
        assert ch.center.tolist() == pytest.approx(c.tolist())
        assert ch.lcl.tolist() == pytest.approx(lo.tolist())
        assert ch.ucl.tolist() == pytest.approx(hi.tolist())
        z = (x / n - pb) / np.sqrt(pb * (1 - pb) / n)
        assert ch.z.tolist() == pytest.approx(z.tolist())
        assert ch.sigma_z.tolist() == [1.0] * len(x)

    def test_laney_chart_formula(self) -> None:
        """Laney mode: UCL = p̄ + 3·σ_z·σ_t·sqrt(1 + n_t/N) after the baseline (N accounts in
        it), z = (p - p̄)/(σ_z·σ_t·sqrt(1 + n_t/N)); σ_z from the baseline's moving ranges."""
        data = overdispersed()
        res = closure_rates(data, config={**GROSS, "baseline_periods": 24, "limits": "laney"})
        x = np.array(data["closures"], dtype=float)
        n = np.array(data["open_at_start"], dtype=float)
        sz = laney_sigma_z(x[:24], n[:24])
        assert res.bases[0].sigma_z == pytest.approx(sz)
        pb = x[:24].sum() / n[:24].sum()
        f = np.where(np.arange(len(x)) < 24, 1.0, np.sqrt(1 + n / n[:24].sum()))
        sd = np.sqrt(pb * (1 - pb) / n)
        ch = res.charts["gross"]
        assert ch.ucl.tolist() == pytest.approx((pb + 3 * sz * sd * f).tolist())
        assert ch.z.tolist() == pytest.approx(((x / n - pb) / (sz * sd * f)).tolist())

    def test_binomial_data_keep_binomial_limits(self) -> None:
        """Plain binomial months: the test does not reject, binomial limits, reason given."""
        rng = np.random.default_rng(7)
        n = np.full(36, 100_000)
        res = closure_rates(
            counts(rng.binomial(n, 0.01), n), config={**GROSS, "baseline_periods": 24}
        )
        (b,) = res.bases
        assert (b.limits, b.sigma_z, b.why) == ("binomial", 1.0, "binomial_fit")
        assert b.p_value is not None and b.p_value >= 0.05 and "fits the binomial" in b.reason

    def test_a_step_inside_the_baseline_is_not_overdispersion(self) -> None:
        """A clean step in the baseline makes X² large, but the moving ranges stay small:
        binomial limits, and the reason tells the reviewer to check the baseline."""
        n = [100_000] * 24
        res = closure_rates(counts([1000] * 12 + [1100] * 12, n), config=GROSS)
        (b,) = res.bases
        assert b.why == "baseline_shift" and b.limits == "binomial"
        assert b.sigma_z_estimate is not None and b.sigma_z_estimate < 1
        assert b.p_value is not None and b.p_value < 1e-3 and "check the baseline" in b.reason

    def test_too_short_a_baseline_is_not_tested(self) -> None:
        """Fewer than MIN_TEST_DF degrees of freedom: binomial limits, said so."""
        res = closure_rates(counts([10, 10, 10, 30], [100] * 4), config=GROSS)
        (b,) = res.bases
        assert (b.limits, b.why, b.df) == ("binomial", "too_few", 3)
        assert f"the test needs {MIN_TEST_DF}" in b.reason

    def test_laney_on_a_baseline_without_variation_keeps_binomial_limits(self) -> None:
        """Requested p′ limits on constant rates (σ_z = 0) or a zero rate fall back to the
        binomial width instead of collapsing the limits onto the centre."""
        for x in ([10] * 10, [0] * 10):
            res = closure_rates(counts(x, [1000] * 10), config={**GROSS, "limits": "laney"})
            (b,) = res.bases
            assert (b.limits, b.sigma_z, b.why) == ("binomial", 1.0, "no_variation")
            assert res.alerts == ()

    def test_laney_needs_two_baseline_periods(self) -> None:
        with pytest.raises(InvalidInputError) as exc:
            closure_rates(
                counts([10, 12, 30], [100] * 3),
                config={**GROSS, "limits": "laney", "baseline_periods": 1},
            )
        assert exc.value.problems[0][0] == "limits"

    @settings(max_examples=40, deadline=None)
    @given(st.integers(0, 10_000), st.sampled_from([0.0, 0.02, 0.05, 0.2]), st.integers(8, 30))
    def test_auto_never_narrows_the_binomial_limits(self, seed, c, base) -> None:
        """Whatever the data, the automatic choice's p-chart alarms are a subset of the
        binomial chart's: it only ever widens (σ_z > 1, prediction factor >= 1)."""
        rng = np.random.default_rng(seed)
        n = rng.integers(5_000, 500_000, 40)
        x = rng.binomial(n, np.clip(0.02 * (1 + c * rng.standard_normal(40)), 0, 1))
        cfg = {**GROSS, "rules": ["p_chart"], "baseline_periods": base}
        auto = closure_rates(counts(x, n), config=cfg)
        plain = closure_rates(counts(x, n), config={**cfg, "limits": "binomial"})
        assert {a.period for a in auto.alerts} <= {a.period for a in plain.alerts}
        assert (auto.charts["gross"].ucl >= plain.charts["gross"].ucl - 1e-15).all()

    def test_chi2_tail_matches_scipy(self) -> None:
        """The Wilson–Hilferty tail is within 0.002 of the exact χ² tail (df >= 7)."""
        stats = pytest.importorskip("scipy.stats")
        for df in (7, 11, 23, 35, 60):
            for q in (0.5, 0.9, 0.95, 0.99):
                x = stats.chi2.ppf(q, df)
                assert chi2_sf(x, df) == pytest.approx(1 - q, abs=2e-3)
        assert chi2_sf(0.0, 5) == 1.0


# ---------------------------------------------------------------------------------------
# CUSUM reset
# ---------------------------------------------------------------------------------------
class TestCusumReset:
    def test_reset_by_hand(self) -> None:
        """z = 3 each period, k = 0.5, h = 4: 2.5, 5 (signal, restart), 2.5, 5."""
        hi, lo = cusum([3, 3, 3, 3], h=4)
        assert hi.tolist() == [2.5, 5.0, 2.5, 5.0] and lo.tolist() == [0.0] * 4
        hi, _ = cusum([3, 3, 3, 3], h=4, reset=False)
        assert hi.tolist() == [2.5, 5.0, 7.5, 10.0]
        # a low signal restarts both sums too
        hi, lo = cusum([1, -6, 1], h=4)
        assert lo.tolist() == [0.0, 5.5, 0.0] and hi.tolist() == [0.5, 0.0, 0.5]
        with pytest.raises(InvalidInputError):
            cusum([1.0], reset="yes")  # type: ignore[arg-type]

    @settings(max_examples=80, deadline=None)
    @given(
        st.lists(st.floats(-6, 6, allow_nan=False), min_size=1, max_size=60),
        st.floats(0, 2),
        st.floats(0.5, 8),
    )
    def test_reset_never_adds_alarms(self, z, k, h) -> None:
        """The restarted sums never exceed the running ones, agree up to the first signal,
        and alarm only in periods where the running CUSUM alarms too."""
        hi_r, lo_r = cusum(z, k=k, h=h)
        hi, lo = cusum(z, k=k, h=h, reset=False)
        assert (hi_r <= hi + 1e-12).all() and (lo_r <= lo + 1e-12).all()
        sig_r = (hi_r > h) | (lo_r > h)
        sig = (hi > h) | (lo > h)
        assert not (sig_r & ~sig).any()
        first = int(np.argmax(sig)) if sig.any() else len(z) - 1
        assert hi_r[: first + 1].tolist() == hi[: first + 1].tolist()
        assert lo_r[: first + 1].tolist() == lo[: first + 1].tolist()

    def test_reset_cusum_reproduces_the_textbook_arl0(self) -> None:
        """Restarted after each signal, k = 0.5 and h = 4 give Montgomery's two-sided ARL0
        of 168 on N(0, 1) data (seeded; the benchmark checks all charts, bench_charts.py)."""
        z = np.random.default_rng(11).standard_normal(200_000)
        hi, lo = cusum(z, k=0.5, h=4.0)
        signals = np.flatnonzero((hi > 4) | (lo > 4))
        arl0 = np.diff(np.concatenate([[-1], signals])).mean()
        assert arl0 == pytest.approx(168, rel=0.12)

    def test_config_default_resets_and_can_run_on(self) -> None:
        """A lasting shift: the reset chart alarms every few periods, the running one every
        period from its first signal."""
        n = [10_000] * 20
        data = counts([100] * 10 + [130] * 10, n)
        cfg = {**GROSS, "rules": ["cusum"], "baseline_periods": 10, "limits": "binomial"}
        reset = closure_rates(data, config=cfg)
        runon = closure_rates(data, config={**cfg, "cusum_reset": False})
        assert SignalConfig().cusum_reset is True
        first = min(a.period for a in runon.alerts)
        assert {a.period for a in runon.alerts} == set(months(20)[months(20).index(first) :])
        assert {a.period for a in reset.alerts} < {a.period for a in runon.alerts}
        assert min(a.period for a in reset.alerts) == first


# ---------------------------------------------------------------------------------------
# Seasonal baselines
# ---------------------------------------------------------------------------------------
#: Closures per 100,000 by month of year: CNY (Jan, Feb), 618 (Jun) and 双11 (Nov) peaks.
PATTERN = [1150, 1250, 1000, 1000, 1000, 1200, 1000, 1000, 1000, 1000, 1300, 1000]


class TestSeasonal:
    def test_a_repeating_year_raises_no_alarm(self) -> None:
        """Three identical years: with a month-of-year baseline (two years) the third year
        sits on its centres (z = 0, no alert); the flat baseline alarms on every peak."""
        data = counts(PATTERN * 3, [100_000] * 36)
        cfg = {**GROSS, "baseline_periods": 24, "limits": "binomial"}
        seasonal = closure_rates(data, config={**cfg, "season": "month"})
        flat = closure_rates(data, config=cfg)
        assert seasonal.alerts == () and flat.alerts
        assert seasonal.charts["gross"].z.tolist() == pytest.approx([0.0] * 36)
        assert seasonal.charts["gross"].center[1] == pytest.approx(0.0125)
        assert seasonal.bases[0].season == "month"

    @settings(max_examples=30, deadline=None)
    @given(
        st.lists(st.integers(500, 2000), min_size=12, max_size=12),
        st.integers(2, 3),
        st.sampled_from(["auto", "binomial", "laney"]),
    )
    def test_any_repeating_year_sits_on_its_seasonal_centres(self, pattern, years, limits):
        """Whatever the yearly pattern, a year that repeats its baseline years exactly has
        z = 0 and raises no alarm, with any limits."""
        data = counts(pattern * (years + 1), [100_000] * (12 * (years + 1)))
        res = closure_rates(
            data,
            config={**GROSS, "baseline_periods": 12 * years, "season": "month", "limits": limits},
        )
        z = res.charts["gross"].z[12 * years :]
        assert np.abs(z).max() < 1e-9
        assert not [a for a in res.alerts if a.period in data["period"][12 * years :]]

    def test_seasonal_prediction_factor(self) -> None:
        """After the baseline, a season's centre from k periods of n accounts widens the
        limits by sqrt(1 + n/(k·n)) = sqrt(1 + 1/k)."""
        data = counts(PATTERN * 3, [100_000] * 36)
        res = closure_rates(
            data,
            config={**GROSS, "baseline_periods": 24, "season": "month", "limits": "binomial"},
        )
        ch = res.charts["gross"]
        sd = math.sqrt(0.0125 * 0.9875 / 100_000)
        assert ch.ucl[1] == pytest.approx(0.0125 + 3 * sd)  # inside the baseline
        assert ch.ucl[25] == pytest.approx(0.0125 + 3 * sd * math.sqrt(1.5))

    def test_one_year_is_not_enough(self) -> None:
        """A month-of-year baseline needs season_min_periods (2) years: each short month is
        named, with its segment and count."""
        data = counts(PATTERN * 2, [100_000] * 24)
        with pytest.raises(InvalidInputError) as exc:
            closure_rates(data, config={**GROSS, "baseline_periods": 18, "season": "month"})
        paths = [p for p, _ in exc.value.problems]
        assert paths == [f"season.{m:02d}" for m in range(7, 13)]
        assert "1 baseline period(s)" in exc.value.problems[0][1]
        assert "at least 2" in exc.value.problems[0][1]
        with pytest.raises(InvalidInputError):
            closure_rates(data, config={**GROSS, "season": "month", "season_min_periods": 3})

    def test_labels_must_carry_the_season(self) -> None:
        data = counts([10] * 4, [100] * 4, periods=[1, 2, 3, 4])
        with pytest.raises(InvalidInputError) as exc:
            closure_rates(data, config={"season": "month"})
        assert exc.value.problems[0][0] == "season" and "YYYY-MM" in exc.value.problems[0][1]

    def test_quarters_and_own_keys(self) -> None:
        """Quarters from YYYYQn or month labels; a mapping gives any key (here the month of
        Chinese New Year, which moves between January and February)."""
        q = counts([10] * 8, [100] * 8, periods=[f"{2020 + i // 4}Q{i % 4 + 1}" for i in range(8)])
        assert closure_rates(q, config={"season": "quarter"}).bases[0].season == "quarter"
        per = months(36)
        cny = {"2020-01", "2021-02", "2022-02"}
        keys = {p: ("cny" if p in cny else "normal") for p in per}
        x = [1400 if p in cny else 1000 for p in per]
        data = counts(x, [100_000] * 36, periods=per)
        res = closure_rates(data, config={**GROSS, "season": keys, "baseline_periods": 24})
        assert res.alerts == ()
        assert res.bases[0].season == "custom"
        assert SignalConfig(season=keys).to_dict()["season"] == keys
        with pytest.raises(InvalidInputError) as exc:
            closure_rates(data, config={"season": {"2020-01": "cny"}})
        assert "has no season key" in exc.value.problems[0][1]

    def test_config_checks_and_round_trip(self) -> None:
        with pytest.raises(InvalidInputError) as exc:
            SignalConfig(
                limits="wide",
                dispersion_alpha=0.9,
                cusum_reset=1,  # type: ignore[arg-type]
                season="week",
                season_min_periods=1,
            )
        assert {p for p, _ in exc.value.problems} == {
            "limits",
            "dispersion_alpha",
            "cusum_reset",
            "season",
            "season_min_periods",
        }
        cfg = SignalConfig(season={"2025-01": "cny", "2025-02": "x"}, limits="laney")
        again = SignalConfig(**json.loads(json.dumps(cfg.to_dict())))
        assert again == cfg


# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------
class TestCli:
    def write(self, tmp_path, data: dict[str, list[Any]]) -> str:
        path = tmp_path / "counts.json"
        rows = [dict(zip(data, vals)) for vals in zip(*data.values())]
        path.write_text(json.dumps(rows), encoding="utf-8")
        return str(path)

    def test_monitor_reports_the_limits(self, tmp_path, capsys) -> None:
        path = self.write(tmp_path, overdispersed())
        assert main(["monitor", path, "--baseline", "24", "--rate", "gross"]) == 0
        out = capsys.readouterr().out
        assert "limits (per segment and rate):\n- all gross: Laney p′ limits: baseline" in out
        assert main(["monitor", path, "--baseline", "24", "--rate", "gross", "--json"]) == 0
        doc = json.loads(capsys.readouterr().out)
        assert doc["bases"][0]["limits"] == "laney"
        assert main(["monitor", path, "--baseline", "24", "--limits", "binomial", "--json"]) == 0
        doc = json.loads(capsys.readouterr().out)
        assert {b["limits"] for b in doc["bases"]} == {"binomial"}
        assert main(["monitor", path, "--baseline", "24", "--lang", "zh"]) == 0
        out = capsys.readouterr().out
        assert "控制限（按细分和关闭率）：\n- 细分 all 总关闭率：Laney p′ 控制限（σ_z " in out
        assert "基线过度离散（X² " in out
        assert not re.search(r"[\u4e00-\u9fff][,;:!?()]|[,;:!?()][\u4e00-\u9fff]", out)

    def test_monitor_seasons_and_reset(self, tmp_path, capsys) -> None:
        path = self.write(tmp_path, counts(PATTERN * 3, [100_000] * 36))
        argv = ["monitor", path, "--baseline", "24", "--limits", "binomial", "--json"]
        assert main([*argv, "--season", "month"]) == 0
        assert json.loads(capsys.readouterr().out)["alerts"] == []
        keys = tmp_path / "seasons.json"
        keys.write_text(json.dumps({p: p[5:] for p in months(36)}), encoding="utf-8")
        assert main([*argv, "--season-map", str(keys)]) == 0
        assert json.loads(capsys.readouterr().out)["alerts"] == []
        assert main([*argv, "--no-cusum-reset"]) == 0
        doc = json.loads(capsys.readouterr().out)
        assert doc["config"]["cusum_reset"] is False
        assert main(["monitor", path, "--baseline", "12", "--season", "month"]) == 1
        err = capsys.readouterr().err
        assert "season.01" in err and "at least 2" in err
        keys.write_text("[1]", encoding="utf-8")
        assert main([*argv, "--season-map", str(keys)]) == 1
        assert "--season-map" in capsys.readouterr().err
