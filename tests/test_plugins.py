"""Scorer plugins: discovery without import, lazy loading, the handshake, precise failures,
operator controls, check_plugins and the ``plugins`` command.

Installed distributions are faked with ``*.dist-info`` folders (METADATA + entry_points.txt) in a
temporary directory put on ``sys.path``; their modules are plain files beside them.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import credit_closure
from credit_closure import (
    AmbiguousScorerError,
    IncompatibleScorerError,
    InvalidInputError,
    RuleScorer,
    ScorerLoadError,
    ScorerNotFoundError,
    ScoringError,
    assess,
    plugins,
)
from credit_closure._scoring import (
    registry as _registry,  # module object: monkeypatched or its state read, where the code looks it up
)
from credit_closure.cli import main as cli_main

AS_OF = "2025-06-30"
PROFILE = {
    "subject_id": "p-plug",
    "accounts": [
        {
            "account_id": "c1",
            "product": "credit_card",
            "status": "open",
            "opened_on": "2016-01-01",
            "credit_limit": 10000,
            "balance": 7000,
        }
    ],
}

GOOD = """
from credit_closure import Factor, ScoreResult

BUILT = []


class Scorer:
    credit_closure_api = 1
    version = "model-7"

    def __init__(self):
        BUILT.append(self)

    def score(self, profile, as_of):
        return ScoreResult(probability_of_default=0.04, factors=[
            Factor(code="UTILIZATION_HIGH", points=-5.0, feature="util_total")])
"""


class Site:
    """A fake site-packages directory on sys.path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.modules: list[str] = []

    def marker(self, name: str) -> Path:
        return self.root.parent / f"{name}.imported"

    def module(self, name: str, source: str, *, mark: bool = True) -> None:
        """Write module ``name``; importing it appends to its marker file."""
        head = f"open({str(self.marker(name))!r}, 'a').write('x')\n" if mark else ""
        (self.root / f"{name}.py").write_text(head + textwrap.dedent(source), encoding="utf-8")
        self.modules.append(name)
        importlib.invalidate_caches()

    def dist(
        self,
        dist: str,
        version: str,
        entries: dict[str, str],
        group: str = "credit_closure.scorers",
    ) -> None:
        """Write ``<dist>-<version>.dist-info`` declaring ``entries`` in ``group``."""
        info = self.root / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
        )
        lines = [f"[{group}]"] + [f"{k} = {v}" for k, v in entries.items()]
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        importlib.invalidate_caches()
        _registry.clear_cache()

    def imported(self, name: str) -> bool:
        return self.marker(name).exists()


# every test starts and ends with no plugin switch, allow-list or cached scorer
pytestmark = pytest.mark.usefixtures("clean_registry")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    s = Site(root)
    yield s
    for m in s.modules:
        sys.modules.pop(m, None)


def _rows(name: str | None = None) -> list[plugins.PluginReport]:
    return [r for r in plugins.check_plugins() if name is None or r.name == name]


# ---------------------------------------------------------------------------------------
class TestDiscovery:
    def test_listing_imports_no_plugin_module(self, site: Site):
        """available_scorers() reads metadata only: the plugin's import side effect never runs."""
        site.module("mark_plugin", GOOD)
        site.dist("mark-dist", "0.3", {"marked": "mark_plugin:Scorer"})
        listed = {s.name: s for s in plugins.available_scorers()}
        assert listed["marked"] == plugins.ScorerInfo(
            "marked", "mark-dist", "0.3", "mark_plugin:Scorer"
        )
        assert not site.imported("mark_plugin") and "mark_plugin" not in sys.modules
        plugins.get_scorer("marked")
        assert site.imported("mark_plugin")

    def test_get_scorer_loads_only_the_one_named(self, site: Site):
        """Loading one plugin imports no other plugin's module."""
        site.module("one_plugin", GOOD)
        site.module("two_plugin", GOOD)
        site.dist("one-dist", "1.0", {"one": "one_plugin:Scorer"})
        site.dist("two-dist", "1.0", {"two": "two_plugin:Scorer"})
        plugins.get_scorer("one")
        assert site.imported("one_plugin") and not site.imported("two_plugin")

    def test_builtins_are_listed_from_our_distribution(self):
        """rules and logistic are listed as credit-closure's own, with its version."""
        listed = {s.name: s for s in plugins.available_scorers()}
        for name in ("rules", "logistic"):
            assert listed[name].distribution == "credit-closure"
            assert listed[name].version == credit_closure.__version__

    def test_our_own_entry_points_are_not_reported_as_shadowing(self):
        """credit-closure's own entry points (rules) are the built-ins, status ok."""
        rows = _rows("rules")
        assert [(r.distribution, r.status) for r in rows] == [("credit-closure", "ok")]
        assert not [r for r in _rows() if r.status == "shadowed"]

    def test_third_party_cannot_shadow_a_builtin(self, site: Site):
        """A plugin named 'rules' is reported shadowed, never imported, and 'rules' stays ours."""
        site.module("evil_rules", GOOD)
        site.dist("evil-dist", "6.6", {"rules": "evil_rules:Scorer"})
        assert isinstance(plugins.get_scorer("rules"), RuleScorer)
        row = [r for r in _rows("rules") if r.distribution == "evil-dist"]
        assert [r.status for r in row] == ["shadowed"]
        assert not site.imported("evil_rules")

    def test_invalid_name_is_reported_and_never_loaded(self, site: Site):
        """An entry point named against the rules is invalid_name and cannot be used."""
        site.module("caps_plugin", GOOD)
        site.dist("caps-dist", "1.0", {"Acme.GBM": "caps_plugin:Scorer"})
        assert [r.status for r in _rows("Acme.GBM")] == ["invalid_name"]
        with pytest.raises(ScorerNotFoundError, match="caps-dist 1.0.*not valid"):
            plugins.get_scorer("Acme.GBM")
        assert not site.imported("caps_plugin")

    def test_other_groups_are_ignored(self, site: Site):
        """Entry points of other groups are not scorers."""
        site.module("other_group", GOOD)
        site.dist("other-dist", "1.0", {"notascorer": "other_group:Scorer"}, group="other.group")
        assert "notascorer" not in [s.name for s in plugins.available_scorers()]


# ---------------------------------------------------------------------------------------
class TestLoading:
    def test_cached_per_process(self, site: Site):
        """The second get_scorer returns the same object; the factory ran once."""
        site.module("cache_plugin", GOOD)
        site.dist("cache-dist", "2.0", {"cached": "cache_plugin:Scorer"})
        a = plugins.get_scorer("cached")
        assert plugins.get_scorer("cached") is a
        assert len(sys.modules["cache_plugin"].BUILT) == 1

    def test_concurrent_first_use_builds_once(self, site: Site):
        """Eight threads asking at once for an unloaded plugin get one shared instance."""
        site.module(
            "slow_plugin",
            GOOD.replace("BUILT.append(self)", "import time; time.sleep(0.05); BUILT.append(self)"),
        )
        site.dist("slow-dist", "1.0", {"slow": "slow_plugin:Scorer"})
        barrier = threading.Barrier(8)
        got: list[object] = []

        def use() -> None:
            barrier.wait()
            got.append(plugins.get_scorer("slow"))

        threads = [threading.Thread(target=use) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(got) == 8 and len({id(g) for g in got}) == 1
        assert len(sys.modules["slow_plugin"].BUILT) == 1

    def test_factory_function_target(self, site: Site):
        """A zero-argument factory function that declares the API version works."""
        site.module(
            "factory_plugin",
            GOOD
            + textwrap.dedent("""
            def make():
                return Scorer()
            make.credit_closure_api = 1
        """),
        )
        site.dist("factory-dist", "1.1", {"made": "factory_plugin:make"})
        assert plugins.get_scorer("made").version == "model-7"

    def test_provenance_in_every_assessment(self, site: Site):
        """assess() by plugin name records scorer, model version, distribution and its version."""
        site.module("prov_plugin", GOOD)
        site.dist("prov-dist", "4.5.6", {"prov": "prov_plugin:Scorer"})
        a = assess(PROFILE, scorer="prov", as_of=AS_OF)
        assert (
            a.scorer,
            a.scorer_version,
            a.scorer_distribution,
            a.scorer_distribution_version,
        ) == ("prov", "model-7", "prov-dist", "4.5.6")
        assert a.to_dict()["scorer_distribution_version"] == "4.5.6"
        assert [r.code for r in a.reasons] == ["UTILIZATION_HIGH"]

    def test_builtin_provenance(self):
        """A built-in's assessment names credit-closure and its version."""
        a = assess(PROFILE, as_of=AS_OF)
        assert (a.scorer_distribution, a.scorer_distribution_version) == (
            "credit-closure",
            credit_closure.__version__,
        )

    def test_in_process_registration_overrides_entry_point(self, site: Site):
        """register_scorer wins over an installed plugin of that name, which is reported."""
        site.module("over_plugin", GOOD)
        site.dist("over-dist", "1.0", {"over": "over_plugin:Scorer"})
        plugins.register_scorer("over", RuleScorer)
        try:
            assert isinstance(plugins.get_scorer("over"), RuleScorer)
            rows = {r.distribution: r.status for r in _rows("over")}
            assert rows == {None: "ok", "over-dist": "shadowed"}
            assert not site.imported("over_plugin")
        finally:
            plugins.unregister_scorer("over")

    @settings(max_examples=60, deadline=None)
    @given(name=st.text(alphabet="abcXYZ019-_. é", max_size=70))
    def test_register_accepts_exactly_the_valid_names(self, name: str):
        """register_scorer accepts a name iff it matches ^[a-z][a-z0-9_-]{0,63}$."""
        valid = bool(_registry.NAME_RE.match(name)) and name not in _registry.BUILTINS
        try:
            plugins.register_scorer(name, RuleScorer, replace=True)
        except InvalidInputError as exc:
            assert not valid and exc.problems[0][0] == "name"
        else:
            assert valid
            plugins.unregister_scorer(name)


# ---------------------------------------------------------------------------------------
class TestFailures:
    def test_unknown_name_lists_what_is_available(self):
        """An unknown name raises ScorerNotFoundError (a LookupError) listing the names."""
        with pytest.raises(ScorerNotFoundError) as info:
            plugins.get_scorer("no-such-scorer")
        assert isinstance(info.value, LookupError)
        assert {"rules", "logistic"} <= set(info.value.available)
        assert "rules" in str(info.value)

    def test_unknown_names_leave_no_state_behind(self):
        """Looking up many unknown names (say, from requests) does not grow the registry."""
        before = len(_registry._name_locks)
        for i in range(50):
            with pytest.raises(ScorerNotFoundError):
                plugins.get_scorer(f"typo-{i}")
        assert len(_registry._name_locks) == before and not _registry._cache.get("typo-1")

    def test_broken_import(self, site: Site):
        """An import error becomes ScorerLoadError naming scorer, distribution, version, target."""
        site.module("broken_plugin", "x = 1 / 0\n")
        site.dist("broken-dist", "0.9.1", {"broken": "broken_plugin:Scorer"})
        with pytest.raises(ScorerLoadError) as info:
            plugins.get_scorer("broken")
        err = info.value
        for part in (
            "'broken'",
            "broken-dist",
            "0.9.1",
            "broken_plugin:Scorer",
            "ZeroDivisionError",
        ):
            assert part in str(err)
        assert isinstance(err, ImportError) and err.stage == "import"
        assert isinstance(err.__cause__, ZeroDivisionError)
        assert (err.scorer_name, err.distribution, err.version) == (
            "broken",
            "broken-dist",
            "0.9.1",
        )

    def test_missing_attribute(self, site: Site):
        """A target naming a missing attribute is a ScorerLoadError at import."""
        site.module("noattr_plugin", GOOD)
        site.dist("noattr-dist", "1.0", {"noattr": "noattr_plugin:Missing"})
        with pytest.raises(ScorerLoadError, match="noattr-dist 1.0.*AttributeError"):
            plugins.get_scorer("noattr")

    def test_construction_failure(self, site: Site):
        """A factory that raises becomes ScorerLoadError (stage construct), chained."""
        site.module(
            "ctor_plugin", GOOD.replace("BUILT.append(self)", "raise RuntimeError('no model file')")
        )
        site.dist("ctor-dist", "2.2", {"ctor": "ctor_plugin:Scorer"})
        with pytest.raises(ScorerLoadError) as info:
            plugins.get_scorer("ctor")
        assert info.value.stage == "construct"
        assert "ctor-dist 2.2" in str(info.value) and "no model file" in str(info.value)
        assert isinstance(info.value.__cause__, RuntimeError)

    def test_failure_is_not_cached_as_success_and_never_falls_back(self, site: Site):
        """Every use of a broken plugin raises again; assess() never uses another scorer."""
        site.module("again_plugin", "raise ValueError('bad')\n")
        site.dist("again-dist", "1.0", {"again": "again_plugin:Scorer"})
        for _ in range(2):
            with pytest.raises(ScorerLoadError):
                assess(PROFILE, scorer="again", as_of=AS_OF)

    def test_not_a_scorer(self, site: Site):
        """A factory returning an object without score() is a ScorerLoadError."""
        site.module("nosc_plugin", "def make():\n    return 42\nmake.credit_closure_api = 1\n")
        site.dist("nosc-dist", "1.0", {"nosc": "nosc_plugin:make"})
        with pytest.raises(ScorerLoadError, match="no score"):
            plugins.get_scorer("nosc")

    def test_keyboard_interrupt_passes_through_import(self, site: Site):
        """KeyboardInterrupt raised while importing a plugin is not wrapped."""
        site.module("kbd_plugin", "raise KeyboardInterrupt\n")
        site.dist("kbd-dist", "1.0", {"kbd": "kbd_plugin:Scorer"})
        with pytest.raises(KeyboardInterrupt):
            plugins.get_scorer("kbd")

    def test_system_exit_passes_through_construction(self, site: Site):
        """SystemExit raised by a factory is not wrapped, even in check_plugins()."""
        site.module("exit_plugin", GOOD.replace("BUILT.append(self)", "raise SystemExit(3)"))
        site.dist("exit-dist", "1.0", {"leave": "exit_plugin:Scorer"})
        with pytest.raises(SystemExit):
            plugins.get_scorer("leave")
        with pytest.raises(SystemExit):
            plugins.check_plugins()

    def test_scoring_error_names_scorer_and_distribution(self, site: Site):
        """An exception inside score() becomes ScoringError naming the plugin and its version."""
        site.module(
            "boom_plugin",
            GOOD.replace(
                "return ScoreResult(", "raise KeyError('feature x')\n        return ScoreResult("
            ),
        )
        site.dist("boom-dist", "3.1", {"boom": "boom_plugin:Scorer"})
        with pytest.raises(ScoringError) as info:
            assess(PROFILE, scorer="boom", as_of=AS_OF)
        err = info.value
        assert (err.scorer_name, err.distribution, err.version) == ("boom", "boom-dist", "3.1")
        assert "boom-dist 3.1" in str(err) and isinstance(err.__cause__, KeyError)


# ---------------------------------------------------------------------------------------
class TestHandshake:
    def test_unsupported_version_is_refused_before_the_factory_runs(self, site: Site):
        """credit_closure_api = 2 raises IncompatibleScorerError; the constructor never runs."""
        ctor_marker = site.root.parent / "ctor-ran"
        site.module(
            "v2_plugin",
            GOOD.replace("credit_closure_api = 1", "credit_closure_api = 2").replace(
                "BUILT.append(self)", f"open({str(ctor_marker)!r}, 'w')"
            ),
        )
        site.dist("v2-dist", "2.0.0", {"future": "v2_plugin:Scorer"})
        with pytest.raises(IncompatibleScorerError) as info:
            plugins.get_scorer("future")
        err = info.value
        assert not ctor_marker.exists() and site.imported("v2_plugin")
        assert (err.declared, err.supported) == (2, (1,))
        msg = str(err)
        for part in (
            "'future'",
            "v2-dist 2.0.0",
            "v2_plugin:Scorer",
            "version 2",
            "supports version 1",
            "Fix:",
        ):
            assert part in msg
        assert isinstance(err, ScorerLoadError)

    def test_missing_declaration(self, site: Site):
        """A target without credit_closure_api is incompatible, and the fix says what to set."""
        site.module("nodecl_plugin", GOOD.replace("credit_closure_api = 1", "pass"))
        site.dist("nodecl-dist", "1.0", {"nodecl": "nodecl_plugin:Scorer"})
        with pytest.raises(IncompatibleScorerError, match="credit_closure_api = 1") as info:
            plugins.get_scorer("nodecl")
        assert info.value.declared is None

    def test_bool_is_not_a_version(self, site: Site):
        """credit_closure_api = True is not accepted as version 1."""
        site.module(
            "bool_plugin", GOOD.replace("credit_closure_api = 1", "credit_closure_api = True")
        )
        site.dist("bool-dist", "1.0", {"boolish": "bool_plugin:Scorer"})
        with pytest.raises(IncompatibleScorerError):
            plugins.get_scorer("boolish")


# ---------------------------------------------------------------------------------------
class TestAmbiguity:
    def _two(self, site: Site) -> None:
        site.module("gbm_a", GOOD)
        site.module("gbm_b", GOOD)
        site.dist("alpha-models", "1.0", {"gbm": "gbm_a:Scorer"})
        site.dist("beta-models", "2.5", {"gbm": "gbm_b:Scorer"})

    def test_two_distributions_one_name(self, site: Site):
        """Two offers of one name raise AmbiguousScorerError listing both; neither is imported."""
        self._two(site)
        with pytest.raises(AmbiguousScorerError) as info:
            plugins.get_scorer("gbm")
        msg = str(info.value)
        assert "alpha-models 1.0 (gbm_a:Scorer)" in msg and "beta-models 2.5 (gbm_b:Scorer)" in msg
        assert isinstance(info.value, LookupError)
        assert not site.imported("gbm_a") and not site.imported("gbm_b")
        assert [r.status for r in _rows("gbm")] == ["ambiguous", "ambiguous"]
        assert "gbm" not in [s.name for s in plugins.available_scorers()]

    def test_allow_list_resolves_ambiguity(self, site: Site, monkeypatch: pytest.MonkeyPatch):
        """Allowing one distribution makes the name unambiguous."""
        self._two(site)
        monkeypatch.setenv(_registry.ENV_ALLOWED, "dist:Beta_Models")
        assert plugins.get_scorer("gbm") is not None
        assert site.imported("gbm_b") and not site.imported("gbm_a")
        assert {r.distribution: r.status for r in _rows("gbm")} == {
            "alpha-models": "not_allowed",
            "beta-models": "ok",
        }


# ---------------------------------------------------------------------------------------
class TestOperatorControls:
    @pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
    def test_disable_switch(self, site: Site, monkeypatch: pytest.MonkeyPatch, value: str):
        """CREDIT_CLOSURE_DISABLE_PLUGINS refuses plugins before import; built-ins still work."""
        site.module("off_plugin", GOOD)
        site.dist("off-dist", "1.0", {"off": "off_plugin:Scorer"})
        monkeypatch.setenv(_registry.ENV_DISABLE, value)
        with pytest.raises(ScorerNotFoundError, match="disabled"):
            plugins.get_scorer("off")
        assert [r.status for r in _rows("off")] == ["disabled"]
        assert "off" not in [s.name for s in plugins.available_scorers()]
        assert not site.imported("off_plugin")
        assert assess(PROFILE, as_of=AS_OF).scorer == "rules"

    @pytest.mark.parametrize("value", ["0", "", "false", "no"])
    def test_disable_switch_off_values(
        self, site: Site, monkeypatch: pytest.MonkeyPatch, value: str
    ):
        """Other values leave plugins on."""
        site.module("on_plugin", GOOD)
        site.dist("on-dist", "1.0", {"on": "on_plugin:Scorer"})
        monkeypatch.setenv(_registry.ENV_DISABLE, value)
        assert plugins.get_scorer("on").version == "model-7"

    def test_disable_refuses_an_already_loaded_plugin(
        self, site: Site, monkeypatch: pytest.MonkeyPatch
    ):
        """Switching plugins off also refuses one that was loaded before."""
        site.module("late_plugin", GOOD)
        site.dist("late-dist", "1.0", {"late": "late_plugin:Scorer"})
        plugins.get_scorer("late")
        monkeypatch.setenv(_registry.ENV_DISABLE, "1")
        with pytest.raises(ScorerNotFoundError, match="no longer allowed"):
            assess(PROFILE, scorer="late", as_of=AS_OF)

    def test_in_process_registration_survives_the_switch(self, monkeypatch: pytest.MonkeyPatch):
        """register_scorer is application code, not a third-party plugin: still usable."""
        monkeypatch.setenv(_registry.ENV_DISABLE, "1")
        plugins.register_scorer("house", RuleScorer, replace=True)
        try:
            assert assess(PROFILE, scorer="house", as_of=AS_OF).scorer == "house"
        finally:
            plugins.unregister_scorer("house")

    def test_env_allow_list_by_name(self, site: Site, monkeypatch: pytest.MonkeyPatch):
        """Only the listed scorer names load; the others are not_allowed and never imported."""
        site.module("yes_plugin", GOOD)
        site.module("no_plugin", GOOD)
        site.dist("yes-dist", "1.0", {"yes": "yes_plugin:Scorer"})
        site.dist("no-dist", "1.0", {"nope": "no_plugin:Scorer"})
        monkeypatch.setenv(_registry.ENV_ALLOWED, " yes , other ")
        plugins.get_scorer("yes")
        with pytest.raises(ScorerNotFoundError, match="allow-list"):
            plugins.get_scorer("nope")
        assert [r.status for r in _rows("nope")] == ["not_allowed"]
        assert not site.imported("no_plugin")

    def test_code_allow_list_narrows_the_environment(
        self, site: Site, monkeypatch: pytest.MonkeyPatch
    ):
        """set_allowed() applies on top of the environment's list: a plugin must pass both."""
        site.module("aa_plugin", GOOD)
        site.module("bb_plugin", GOOD)
        site.dist("aa-dist", "1.0", {"aa": "aa_plugin:Scorer"})
        site.dist("bb-dist", "1.0", {"bb": "bb_plugin:Scorer"})
        monkeypatch.setenv(_registry.ENV_ALLOWED, "aa,bb")
        plugins.set_allowed(distributions=["AA_dist"])
        assert plugins.get_scorer("aa") is not None
        with pytest.raises(ScorerNotFoundError, match="set_allowed"):
            plugins.get_scorer("bb")
        plugins.set_allowed(names=["zz"])
        with pytest.raises(ScorerNotFoundError):
            plugins.get_scorer("aa")

    @settings(max_examples=60, deadline=None)
    @given(
        name=st.sampled_from(["a", "b", "c"]),
        dist=st.sampled_from(["d-1", "D_2", "d.3"]),
        env_names=st.none() | st.sets(st.sampled_from(["a", "b", "c"]), min_size=1),
        env_dists=st.none() | st.sets(st.sampled_from(["d-1", "d_2", "D-3"]), min_size=1),
        code_names=st.none() | st.sets(st.sampled_from(["a", "b", "c"])),
        code_dists=st.none() | st.sets(st.sampled_from(["D-1", "d-2", "d-3"])),
    )
    def test_allow_lists_model(self, name, dist, env_names, env_dists, code_names, code_dists):
        """A plugin passes iff it matches every name and distribution list that is set."""

        def canon(d: str) -> str:
            return d.replace("_", "-").replace(".", "-").lower()

        items = sorted(env_names or []) + [f"dist:{d}" for d in sorted(env_dists or [])]
        with pytest.MonkeyPatch.context() as mp:
            if items:
                mp.setenv(_registry.ENV_ALLOWED, ",".join(items))
            else:
                mp.delenv(_registry.ENV_ALLOWED, raising=False)
            plugins.set_allowed(names=code_names, distributions=code_dists)
            try:
                got = _registry._gate(name, dist)
            finally:
                plugins.set_allowed()
        expected = all(
            [
                env_names is None or name in env_names,
                env_dists is None or canon(dist) in {canon(d) for d in env_dists},
                code_names is None or name in code_names,
                code_dists is None or canon(dist) in {canon(d) for d in code_dists},
            ]
        )
        assert (got is None) == expected
        assert got is None or got[0] == "not_allowed"

    def test_set_allowed_validates(self):
        """A bare string or a non-string item is an InvalidInputError listing both problems."""
        with pytest.raises(InvalidInputError) as info:
            plugins.set_allowed(names="acme-gbm", distributions=["ok", 3])
        assert [p for p, _ in info.value.problems] == ["names", "distributions[1]"]

    def test_builtins_ignore_the_allow_list(self, monkeypatch: pytest.MonkeyPatch):
        """The allow-list is about third-party plugins; built-ins always work."""
        monkeypatch.setenv(_registry.ENV_ALLOWED, "dist:nothing")
        assert isinstance(plugins.get_scorer("rules"), RuleScorer)


# ---------------------------------------------------------------------------------------
class TestCheckPlugins:
    def _zoo(self, site: Site) -> None:
        site.module("zoo_ok", GOOD)
        site.module("zoo_broken", "raise ImportError('missing dependency')\n")
        site.module("zoo_v9", GOOD.replace("credit_closure_api = 1", "credit_closure_api = 9"))
        site.module("zoo_dup", GOOD)
        site.dist(
            "zoo-a",
            "1.0",
            {
                "zoo-ok": "zoo_ok:Scorer",
                "zoo-broken": "zoo_broken:Scorer",
                "zoo-v9": "zoo_v9:Scorer",
                "dup": "zoo_dup:Scorer",
                "Bad Name": "zoo_ok:Scorer",
                "logistic": "zoo_ok:Scorer",
            },
        )
        site.dist("zoo-b", "2.0", {"dup": "zoo_dup:Scorer"})

    def test_one_row_per_entry_point_with_its_status(self, site: Site):
        """Every status is reported, nothing raises, and each row names its distribution."""
        self._zoo(site)
        rows = [r for r in plugins.check_plugins() if r.distribution in ("zoo-a", "zoo-b")]
        got = sorted((r.name, r.distribution, r.version, r.status) for r in rows)
        assert got == [
            ("Bad Name", "zoo-a", "1.0", "invalid_name"),
            ("dup", "zoo-a", "1.0", "ambiguous"),
            ("dup", "zoo-b", "2.0", "ambiguous"),
            ("logistic", "zoo-a", "1.0", "shadowed"),
            ("zoo-broken", "zoo-a", "1.0", "load_failed"),
            ("zoo-ok", "zoo-a", "1.0", "ok"),
            ("zoo-v9", "zoo-a", "1.0", "incompatible"),
        ]
        errors = {r.name: r.error for r in rows}
        assert errors["zoo-ok"] is None and "missing dependency" in errors["zoo-broken"]
        assert "version 9" in errors["zoo-v9"]
        assert all(r.status in plugins.STATUSES for r in plugins.check_plugins())

    def test_failures_log_a_warning_and_the_traceback_only_at_debug(
        self, site: Site, caplog: pytest.LogCaptureFixture
    ):
        """A load failure logs one WARNING without traceback; the traceback is at DEBUG."""
        site.module("logme", "raise ImportError('missing dependency')\n")
        site.dist("log-dist", "1.0", {"logme": "logme:Scorer"})
        with caplog.at_level(logging.DEBUG, logger="credit_closure"):
            plugins.check_plugins()
        warn = [
            r for r in caplog.records if r.levelno == logging.WARNING and "logme" in r.getMessage()
        ]
        debug = [r for r in caplog.records if r.levelno == logging.DEBUG and r.exc_info]
        assert len(warn) == 1 and warn[0].exc_info is None
        assert "log-dist 1.0" in warn[0].getMessage()
        assert debug and isinstance(debug[0].exc_info[1], ImportError)

    def test_library_logger_has_a_null_handler(self):
        """The credit_closure logger has a NullHandler, so nothing prints by default."""
        handlers = logging.getLogger("credit_closure").handlers
        assert any(isinstance(h, logging.NullHandler) for h in handlers)


# ---------------------------------------------------------------------------------------
class TestCommand:
    def test_table(self, site: Site, capsys: pytest.CaptureFixture[str]):
        """credit-closure plugins prints one row per scorer and exits 0, even with failures."""
        site.module("cmd_broken", "raise ImportError('nope')\n")
        site.dist("cmd-dist", "1.0", {"cmd-broken": "cmd_broken:Scorer"})
        assert cli_main(["plugins"]) == 0
        out = capsys.readouterr().out
        assert out.splitlines()[0].split() == [
            "NAME",
            "DISTRIBUTION",
            "VERSION",
            "TARGET",
            "STATUS",
        ]
        assert any(
            line.split()[:2] == ["rules", "credit-closure"] and line.endswith("ok")
            for line in out.splitlines()
        )
        assert any(
            line.startswith("cmd-broken") and "load_failed" in line for line in out.splitlines()
        )

    def test_json(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
        """--json prints the rows and the switch state."""
        monkeypatch.setenv(_registry.ENV_DISABLE, "1")
        assert cli_main(["plugins", "--json"]) == 0
        doc = json.loads(capsys.readouterr().out)
        assert doc["plugins_disabled"] is True
        assert {
            "name": "rules",
            "distribution": "credit-closure",
            "version": credit_closure.__version__,
            "target": "credit_closure._scoring.rules:RuleScorer.default",
            "status": "ok",
            "error": None,
        } in doc["scorers"]
