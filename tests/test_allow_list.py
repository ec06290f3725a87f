"""The plugin allow-list: unset means no list, set but empty allows no plugin (fail closed),
for the variable ``CREDIT_CLOSURE_ALLOWED_PLUGINS`` and for ``set_allowed()`` alike; the
built-ins are never blocked. The rule is documented once, in docs/plugins.md.

Installed distributions are faked with ``*.dist-info`` folders in a temporary directory on
``sys.path``; importing a plugin module leaves a marker file, so a test can tell that a refused
plugin was never imported.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import credit_closure
from credit_closure import (
    LogisticScorer,
    RuleScorer,
    ScorerInfo,
    ScorerNotFoundError,
    assess,
    available_scorers,
    plugins,
)
from credit_closure._scoring import (
    registry as _registry,  # module object: its state is reset and its _gate read
)
from credit_closure.cli import main as cli_main

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2025-06-30"
PROFILE = {"subject_id": "p-allow", "accounts": []}

PLUGIN = """
from credit_closure import ScoreResult


class Scorer:
    credit_closure_api = 1
    version = "allow-1"

    def score(self, profile, as_of):
        return ScoreResult(probability_of_default=0.05, factors=[])
"""

EMPTY_VALUES = ["", " ", "\t", ",", " , , ", ",,,"]


class FakeSite:
    """A temporary site-packages folder with one plugin distribution per call to add()."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.modules: list[str] = []

    def add(self, dist: str, scorer: str) -> None:
        module = dist.replace("-", "_") + "_mod"
        marker = self.root.parent / f"{module}.imported"
        (self.root / f"{module}.py").write_text(
            f"open({str(marker)!r}, 'a').write('x')\n{PLUGIN}", encoding="utf-8"
        )
        info = self.root / f"{dist.replace('-', '_')}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n", encoding="utf-8"
        )
        (info / "entry_points.txt").write_text(
            f"[credit_closure.scorers]\n{scorer} = {module}:Scorer\n", encoding="utf-8"
        )
        self.modules.append(module)
        importlib.invalidate_caches()
        _registry.clear_cache()

    def imported(self, dist: str) -> bool:
        return (self.root.parent / (dist.replace("-", "_") + "_mod.imported")).exists()


# every test starts and ends with no plugin switch, allow-list or cached scorer
pytestmark = pytest.mark.usefixtures("clean_registry")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSite]:
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    s = FakeSite(root)
    s.add("alpha-dist", "alpha")
    s.add("beta-dist", "beta")
    yield s
    for m in s.modules:
        sys.modules.pop(m, None)


def _listed() -> set[str]:
    return {s.name for s in available_scorers()}


def _status(name: str) -> list[str]:
    return [r.status for r in plugins.check_plugins() if r.name == name]


class TestUnset:
    def test_unset_allows_every_plugin(self, site: FakeSite) -> None:
        """No variable and no set_allowed(): every third-party plugin is allowed, as before."""
        assert {"alpha", "beta"} <= _listed()
        assert assess(PROFILE, scorer="alpha", as_of=AS_OF).scorer == "alpha"
        assert _status("beta") == ["ok"]
        assert plugins.get_allowed() == (None, None)

    def test_set_allowed_without_arguments_removes_the_list(self, site: FakeSite) -> None:
        """set_allowed() (both None) is "no in-code list", not an empty one."""
        plugins.set_allowed(names=[])
        plugins.set_allowed()
        assert plugins.get_allowed() == (None, None)
        assert {"alpha", "beta"} <= _listed()


class TestEmptyVariable:
    @pytest.mark.parametrize("value", EMPTY_VALUES)
    def test_empty_allows_none(
        self, site: FakeSite, monkeypatch: pytest.MonkeyPatch, value: str
    ) -> None:
        """Set but empty (or only spaces and commas): no plugin is listed, loaded or imported."""
        monkeypatch.setenv(_registry.ENV_ALLOWED, value)
        assert not {"alpha", "beta"} & _listed()
        with pytest.raises(
            ScorerNotFoundError, match="allow-list of CREDIT_CLOSURE_ALLOWED_PLUGINS is empty"
        ):
            plugins.get_scorer("alpha")
        with pytest.raises(ScorerNotFoundError):
            assess(PROFILE, scorer="beta", as_of=AS_OF)
        assert _status("alpha") == ["not_allowed"] and _status("beta") == ["not_allowed"]
        assert not site.imported("alpha-dist") and not site.imported("beta-dist")

    def test_the_refusal_names_the_rule(
        self, site: FakeSite, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """check_plugins' error says the list is empty and that empty allows nothing."""
        monkeypatch.setenv(_registry.ENV_ALLOWED, "")
        (row,) = [r for r in plugins.check_plugins() if r.name == "alpha"]
        assert row.error is not None
        assert "is empty" in row.error and "allows no third-party plugin" in row.error

    def test_a_loaded_plugin_is_refused_once_the_list_is_emptied(
        self, site: FakeSite, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The variable is read at each use: a cached plugin is refused on its next use."""
        assert plugins.get_scorer("alpha") is not None
        monkeypatch.setenv(_registry.ENV_ALLOWED, " ")
        with pytest.raises(ScorerNotFoundError, match="empty"):
            plugins.get_scorer("alpha")
        monkeypatch.delenv(_registry.ENV_ALLOWED)
        assert plugins.get_scorer("alpha") is not None

    def test_code_cannot_widen_an_empty_variable(
        self, site: FakeSite, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An empty operator list wins over any in-code list."""
        monkeypatch.setenv(_registry.ENV_ALLOWED, "")
        plugins.set_allowed(names=["alpha"], distributions=["alpha-dist"])
        with pytest.raises(ScorerNotFoundError, match="CREDIT_CLOSURE_ALLOWED_PLUGINS"):
            plugins.get_scorer("alpha")

    def test_non_empty_variable_still_lists(
        self, site: FakeSite, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Empty items around real ones are skipped: the list is what is named."""
        monkeypatch.setenv(_registry.ENV_ALLOWED, " , alpha ,, ")
        assert "alpha" in _listed() and "beta" not in _listed()
        monkeypatch.setenv(_registry.ENV_ALLOWED, ",dist:Beta_Dist,")
        assert "beta" in _listed() and "alpha" not in _listed()

    def test_the_command_reports_not_allowed(
        self,
        site: FakeSite,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """`credit-closure plugins --json` with an empty variable: not_allowed, exit 0."""
        monkeypatch.setenv(_registry.ENV_ALLOWED, "")
        assert cli_main(["plugins", "--json"]) == 0
        rows = {r["name"]: r["status"] for r in json.loads(capsys.readouterr().out)["scorers"]}
        assert rows["alpha"] == rows["beta"] == "not_allowed"
        assert rows["rules"] == rows["logistic"] == "ok"


class TestEmptyInCode:
    @pytest.mark.parametrize(
        "kwargs",
        [
            {"names": []},
            {"distributions": []},
            {"names": [], "distributions": []},
            {"names": ["alpha"], "distributions": []},
            {"names": [], "distributions": ["alpha-dist"]},
            {"names": ()},
            {"names": iter([])},
        ],
    )
    def test_empty_part_allows_none(self, site: FakeSite, kwargs: dict[str, object]) -> None:
        """set_allowed with an empty part allows no plugin, like the empty variable."""
        plugins.set_allowed(**kwargs)  # type: ignore[arg-type]
        assert not {"alpha", "beta"} & _listed()
        with pytest.raises(ScorerNotFoundError, match=r"set_allowed\(\) is empty"):
            plugins.get_scorer("alpha")
        assert _status("alpha") == ["not_allowed"]
        assert not site.imported("alpha-dist")

    def test_get_allowed_shows_the_empty_list(self) -> None:
        """get_allowed(): an empty frozenset for a part set to [], None for a part not set."""
        plugins.set_allowed(names=[])
        assert plugins.get_allowed() == (frozenset(), None)
        plugins.set_allowed(distributions=[])
        assert plugins.get_allowed() == (None, frozenset())

    def test_variable_and_function_agree(
        self, site: FakeSite, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The empty variable and set_allowed(names=[]) refuse the same plugins."""
        monkeypatch.setenv(_registry.ENV_ALLOWED, "")
        from_env = [_registry._gate(n, d) is None for n, d in [("alpha", "alpha-dist")]]
        monkeypatch.delenv(_registry.ENV_ALLOWED)
        plugins.set_allowed(names=[])
        from_code = [_registry._gate(n, d) is None for n, d in [("alpha", "alpha-dist")]]
        assert from_env == from_code == [False]


class TestBuiltins:
    @pytest.mark.parametrize("how", ["env", "code", "both"])
    def test_never_blocked(self, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
        """rules and logistic work and are listed whatever empty list is set."""
        if how in ("env", "both"):
            monkeypatch.setenv(_registry.ENV_ALLOWED, "")
        if how in ("code", "both"):
            plugins.set_allowed(names=[], distributions=[])
        assert isinstance(plugins.get_scorer("rules"), RuleScorer)
        assert isinstance(plugins.get_scorer("logistic"), LogisticScorer)
        assert {"rules", "logistic"} <= _listed()
        assert _status("rules") == ["ok"] and _status("logistic") == ["ok"]
        assert assess(PROFILE, scorer="logistic", as_of=AS_OF).scorer == "logistic"

    def test_in_process_registrations_are_not_blocked(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The allow-list is about installed plugins; register_scorer() is explicit code."""
        monkeypatch.setenv(_registry.ENV_ALLOWED, "")
        plugins.set_allowed(names=[])
        plugins.register_scorer("house-allow", RuleScorer)
        try:
            assert assess(PROFILE, scorer="house-allow", as_of=AS_OF).scorer == "house-allow"
            assert "house-allow" in _listed()
        finally:
            plugins.unregister_scorer("house-allow")


class TestDocumented:
    def test_one_section_in_the_plugins_page(self) -> None:
        """docs/plugins.md has one "The allow-list" section stating unset versus empty."""
        text = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
        assert len(re.findall(r"^#+ The allow-list$", text, re.M)) == 1
        section = text.split("### The allow-list", 1)[1].split("\n## ", 1)[0]
        for words in ("unset", "empty", "fails closed", "`rules`", "`logistic`"):
            assert words in section, words
        assert "set_allowed(names=[])" in section

    def test_variable_and_function_point_to_it(self) -> None:
        """The function's docstring, the module guide and the variable's comment name it."""
        pointer = 'docs/plugins.md, "The allow-list"'

        def flat(text: str | None) -> str:
            return " ".join((text or "").replace("#:", " ").replace("``", "").split())

        assert pointer in flat(plugins.set_allowed.__doc__)
        assert pointer in flat(plugins.__doc__)
        source = Path(_registry.__file__).read_text(encoding="utf-8")
        comment = source.split("ENV_ALLOWED = ", 1)[0].rsplit("\n\n", 1)[1]
        assert pointer in flat(comment)


def test_scorer_info_is_public() -> None:
    """ScorerInfo is exported from credit_closure and is what available_scorers() returns."""
    assert "ScorerInfo" in credit_closure.__all__
    assert credit_closure.ScorerInfo is plugins.ScorerInfo
    rows = available_scorers()
    assert rows and all(isinstance(r, ScorerInfo) for r in rows)
    rules = next(r for r in rows if r.name == "rules")
    assert rules._fields == ("name", "distribution", "version", "target")
    assert rules.distribution == "credit-closure" and rules.version == credit_closure.__version__
    assert json.loads(json.dumps(rules._asdict())) == rules._asdict()
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert "::: credit_closure._scoring.registry.ScorerInfo" in text
