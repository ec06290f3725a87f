"""Issue 16, items 2 and 7: the library's identity is the distribution that holds the running
package (never a name), the disable switch takes documented values only, and a scorer's
exception text never reaches a message at score time.

Installed distributions are faked with ``*.dist-info`` folders in a temporary directory put on
``sys.path``, their modules beside them.
"""

from __future__ import annotations

import importlib
import importlib.metadata as md
import json
import logging
import os
import sys
import textwrap
from pathlib import Path

import pytest

import credit_closure
from credit_closure import (
    RuleScorer,
    ScorerLoadError,
    ScorerNotFoundError,
    ScoringError,
    assess,
    assess_many,
    plugins,
)
from credit_closure._scoring import identity as _identity
from credit_closure._scoring import registry as _registry
from credit_closure.cli import main as cli_main
from credit_closure.exceptions import PluginConfigError

AS_OF = "2025-06-30"
PROFILE = {
    "subject_id": "p-ident",
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
SECRET = "Zhang San 110101199003077777"

SCORER = """
from credit_closure import Factor, ScoreResult


class Scorer:
    credit_closure_api = 1
    version = "look-1"

    def score(self, profile, as_of):
        return ScoreResult(probability_of_default=0.04, factors=[
            Factor(code="UTILIZATION_HIGH", points=-5.0, feature="util_total")])
"""

LEAKY = f"""
from credit_closure import ScoreResult, InvalidInputError, NotFittedError


class Scorer:
    credit_closure_api = 1
    version = "leaky-1"
    kind = "value"

    def score(self, profile, as_of):
        if self.kind == "library":
            raise NotFittedError("no model for {SECRET}")
        raise ValueError("bad income for {SECRET}")

    def score_batch(self, features, attributes, as_of):
        raise ValueError("bad income for {SECRET}")
"""


class Site:
    """A fake site-packages folder on sys.path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.modules: list[str] = []

    def module(self, name: str, source: str) -> None:
        marker = self.root.parent / f"{name}.imported"
        head = f"open({str(marker)!r}, 'a').write('x')\n"
        (self.root / f"{name}.py").write_text(head + textwrap.dedent(source), encoding="utf-8")
        self.modules.append(name)
        importlib.invalidate_caches()

    def imported(self, name: str) -> bool:
        return (self.root.parent / f"{name}.imported").exists()

    def dist(
        self, name: str, version: str, entries: dict[str, str], record: list[str] | None = None
    ) -> Path:
        info = self.root / f"{name}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
        )
        lines = ["[credit_closure.scorers]"] + [f"{k} = {v}" for k, v in entries.items()]
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        if record is not None:
            (info / "RECORD").write_text(
                "".join(f"{f},,\n" for f in record + [f"{info.name}/RECORD"]), encoding="utf-8"
            )
        importlib.invalidate_caches()
        _registry.clear_cache()
        return info


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


def _rows(name: str) -> list[tuple[str | None, str]]:
    return [(r.distribution, r.status) for r in plugins.check_plugins() if r.name == name]


LOOKALIKES = ["Credit_Closure", "credit.closure", "CREDIT-CLOSURE"]


# ---------------------------------------------------------------------------------------
class TestIdentity:
    @pytest.mark.parametrize("dist", LOOKALIKES)
    def test_lookalike_is_under_the_disable_switch(
        self, site: Site, monkeypatch: pytest.MonkeyPatch, dist: str
    ):
        """A distribution whose name normalises to credit-closure is a third-party plugin:
        the disable switch refuses it before its module is imported."""
        site.module("look_plugin", SCORER)
        site.dist(dist, "9.9", {"look": "look_plugin:Scorer"})
        monkeypatch.setenv(_registry.ENV_DISABLE, "1")
        with pytest.raises(ScorerNotFoundError, match="disabled"):
            plugins.get_scorer("look")
        assert _rows("look") == [(dist, "disabled")]
        assert "look" not in [s.name for s in plugins.available_scorers()]
        assert not site.imported("look_plugin")

    @pytest.mark.parametrize("dist", LOOKALIKES)
    def test_lookalike_is_under_the_allow_list(
        self, site: Site, monkeypatch: pytest.MonkeyPatch, dist: str
    ):
        """The allow-list applies to a look-alike like to any plugin."""
        site.module("look_plugin", SCORER)
        site.dist(dist, "9.9", {"look": "look_plugin:Scorer"})
        monkeypatch.setenv(_registry.ENV_ALLOWED, "dist:acme-scorer")
        with pytest.raises(ScorerNotFoundError, match="allow-list"):
            plugins.get_scorer("look")
        assert _rows("look") == [(dist, "not_allowed")]
        plugins.set_allowed(names=["other"])
        monkeypatch.delenv(_registry.ENV_ALLOWED)
        with pytest.raises(ScorerNotFoundError, match="allow-list"):
            plugins.get_scorer("look")
        assert not site.imported("look_plugin")

    def test_lookalike_is_recorded_as_itself(self, site: Site):
        """Allowed, a look-alike's scorer is recorded with its own distribution and version,
        never as the library."""
        site.module("look_plugin", SCORER)
        site.dist("Credit_Closure", "9.9", {"look": "look_plugin:Scorer"})
        a = assess(PROFILE, scorer="look", as_of=AS_OF)
        assert (a.scorer_distribution, a.scorer_distribution_version) == ("Credit_Closure", "9.9")
        listed = {s.name: s for s in plugins.available_scorers()}
        assert listed["look"].distribution == "Credit_Closure"
        assert _rows("look") == [("Credit_Closure", "ok")]

    def test_lookalike_cannot_take_over_an_allowed_name(
        self, site: Site, monkeypatch: pytest.MonkeyPatch
    ):
        """Two offers of an allowed name (the real plugin and a look-alike) are ambiguous:
        neither is used, neither is imported."""
        site.module("acme_plugin", SCORER)
        site.module("look_plugin", SCORER)
        site.dist("acme-scorer", "1.0", {"acme-gbm": "acme_plugin:Scorer"})
        site.dist("credit.closure", "9.9", {"acme-gbm": "look_plugin:Scorer"})
        monkeypatch.setenv(_registry.ENV_ALLOWED, "acme-gbm")
        with pytest.raises(credit_closure.AmbiguousScorerError):
            plugins.get_scorer("acme-gbm")
        assert sorted(_rows("acme-gbm")) == [
            ("acme-scorer", "ambiguous"),
            ("credit.closure", "ambiguous"),
        ]
        monkeypatch.setenv(_registry.ENV_ALLOWED, "acme-gbm,dist:acme-scorer")
        assert assess(PROFILE, scorer="acme-gbm", as_of=AS_OF).scorer_distribution == (
            "acme-scorer"
        )
        assert not site.imported("look_plugin")

    @pytest.mark.parametrize("builtin", ["rules", "logistic"])
    def test_lookalike_cannot_take_a_builtin_name(self, site: Site, builtin: str):
        """A look-alike declaring a built-in's name with its own code is refused and reported
        as shadowed; the built-in stays the library's."""
        site.module("look_rules", SCORER)
        site.dist("Credit_Closure", "9.9", {builtin: "look_rules:Scorer"})
        assert assess(PROFILE, scorer=builtin, as_of=AS_OF).scorer_distribution == "credit-closure"
        assert sorted(_rows(builtin)) == [
            ("Credit_Closure", "shadowed"),
            ("credit-closure", "ok"),
        ]
        assert not site.imported("look_rules")

    def test_shadowing_is_reported_by_the_command(
        self, site: Site, capsys: pytest.CaptureFixture[str]
    ):
        """`credit-closure plugins` shows the refused look-alike and why."""
        site.module("look_rules", SCORER)
        site.dist("credit.closure", "9.9", {"rules": "look_rules:Scorer"})
        assert cli_main(["plugins"]) == 0
        out = capsys.readouterr().out
        assert any(
            line.split()[:2] == ["rules", "credit.closure"] and line.endswith("shadowed")
            for line in out.splitlines()
        )
        assert "built-in scorer's name" in out

    def test_a_copy_declaring_the_builtins_exactly_is_ignored(self, site: Site):
        """Another copy of the library (same name, the built-ins with their exact targets: a
        source checkout run next to an installed copy) names the running code; it is neither
        loaded nor reported, and the built-ins stay the library's."""
        site.dist("credit_closure", "0.0.1", dict(_registry.BUILTINS))
        assert _rows("rules") == [("credit-closure", "ok")]
        assert _rows("logistic") == [("credit-closure", "ok")]

    def test_a_foreign_name_with_a_builtin_target_is_still_shadowed(self, site: Site):
        """The exemption is for the library's own name only."""
        site.dist("acme-scorer", "1.0", {"rules": _registry.BUILTINS["rules"]})
        assert ("acme-scorer", "shadowed") in _rows("rules")

    def test_the_distribution_holding_the_running_package_is_ours(
        self, site: Site, monkeypatch: pytest.MonkeyPatch
    ):
        """A distribution whose RECORD holds the running credit_closure/__init__.py is the
        library: its entry points are the built-ins (and its extra names are reserved), even
        under a name that is not credit-closure."""
        pkg = site.root / "credit_closure"
        pkg.mkdir()
        (pkg / "__init__.py").write_text("", encoding="utf-8")
        monkeypatch.setattr(
            _identity, "running_library", lambda: os.path.realpath(pkg / "__init__.py")
        )
        site.dist(
            "renamed-build",
            "0.1.0",
            {"rules": _registry.BUILTINS["rules"], "house-extra": "credit_closure:nothing"},
            record=["credit_closure/__init__.py"],
        )
        found = _registry._discover()
        assert dict(found.own) == {
            "rules": _registry.BUILTINS["rules"],
            "house-extra": "credit_closure:nothing",
        }
        assert not [c for c in found.third_party if c.distribution == "renamed-build"]
        assert _rows("rules") == [("credit-closure", "ok")]

    def test_a_record_elsewhere_is_not_ours(self, site: Site):
        """A RECORD listing credit_closure/__init__.py at another place is a look-alike."""
        site.module("look_rules", SCORER)
        site.dist(
            "credit-closure",
            "9.9",
            {"rules": "look_rules:Scorer"},
            record=["credit_closure/__init__.py"],
        )
        assert ("credit-closure", "shadowed") in _rows("rules")
        assert isinstance(plugins.get_scorer("rules"), RuleScorer)

    def test_editable_install_of_the_running_tree_is_ours(
        self, site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        """An editable install (PEP 610 direct_url.json) of the folder holding the running
        package is the library; one of another folder is not."""
        project = tmp_path / "project with space"
        (project / "src" / "credit_closure").mkdir(parents=True)
        running = os.path.realpath(project / "src" / "credit_closure" / "__init__.py")
        monkeypatch.setattr(_identity, "running_library", lambda: running)
        info = site.dist("credit-closure", "0.1.0", {"house-extra": "credit_closure:nothing"})
        (info / "direct_url.json").write_text(
            json.dumps({"url": project.as_uri(), "dir_info": {"editable": True}}), encoding="utf-8"
        )
        dist = md.Distribution.at(info)
        assert _identity.holds_running_library(dist)
        assert dict(_registry._discover().own) == {"house-extra": "credit_closure:nothing"}
        monkeypatch.setattr(_identity, "running_library", lambda: "/elsewhere/__init__.py")
        assert not _identity.holds_running_library(dist)

    def test_the_running_library_is_found_in_this_environment(self):
        """The running package is credit_closure/__init__.py as loaded."""
        assert _identity.running_library() == os.path.realpath(credit_closure.__file__)
        assert not _identity.holds_running_library(None)


# ---------------------------------------------------------------------------------------
class TestDisableSwitch:
    @pytest.mark.parametrize("value", ["1", "true", "YES", "on", " On ", "TRUE"])
    def test_on_values(self, site: Site, monkeypatch: pytest.MonkeyPatch, value: str):
        """The documented 'off' values switch plugins off."""
        site.module("sw_plugin", SCORER)
        site.dist("sw-dist", "1.0", {"sw": "sw_plugin:Scorer"})
        monkeypatch.setenv(_registry.ENV_DISABLE, value)
        assert plugins.plugins_disabled() is True
        assert _rows("sw") == [("sw-dist", "disabled")]

    @pytest.mark.parametrize("value", ["", "0", "false", "No", "off", " 0 "])
    def test_off_values(self, site: Site, monkeypatch: pytest.MonkeyPatch, value: str):
        """The documented 'on' values leave plugins on."""
        site.module("sw_plugin", SCORER)
        site.dist("sw-dist", "1.0", {"sw": "sw_plugin:Scorer"})
        monkeypatch.setenv(_registry.ENV_DISABLE, value)
        assert plugins.plugins_disabled() is False
        assert plugins.get_scorer("sw").version == "look-1"

    @pytest.mark.parametrize(
        "value",
        ["y", "n", "2", "disable", "enabled", "yes please", "\u0131", "1\x1b[31m", "\ud800"],
    )
    def test_other_values_are_refused_loudly(
        self, site: Site, monkeypatch: pytest.MonkeyPatch, value: str
    ):
        """Any other value raises PluginConfigError naming the variable and the value,
        escaped; no plugin is listed, checked or imported, and a plugin already loaded is
        refused too. Built-ins still work."""
        site.module("sw_plugin", SCORER)
        site.dist("sw-dist", "1.0", {"sw": "sw_plugin:Scorer"})
        if value == "\ud800":  # an environment cannot hold a lone surrogate: patch the read
            monkeypatch.setattr(_registry.os, "environ", {_registry.ENV_DISABLE: value})
        else:
            monkeypatch.setenv(_registry.ENV_DISABLE, value)
        for call in (
            plugins.plugins_disabled,
            plugins.check_plugins,
            plugins.available_scorers,
            lambda: plugins.get_scorer("sw"),
            lambda: assess(PROFILE, scorer="sw", as_of=AS_OF),
        ):
            with pytest.raises(PluginConfigError) as info:
                call()
            err = info.value
            assert isinstance(err, ScorerLoadError) and isinstance(err, ImportError)
            msg = str(err)
            assert msg.startswith(f"{_registry.ENV_DISABLE}={value!a} ")
            assert msg.isascii() and "\x1b" not in msg
            assert (err.variable, err.value) == (_registry.ENV_DISABLE, value)
        assert not site.imported("sw_plugin")
        assert assess(PROFILE, as_of=AS_OF).scorer == "rules"

    def test_a_loaded_plugin_is_refused_after_a_bad_value(
        self, site: Site, monkeypatch: pytest.MonkeyPatch
    ):
        """A value set after a plugin was loaded refuses it on its next use."""
        site.module("sw_plugin", SCORER)
        site.dist("sw-dist", "1.0", {"sw": "sw_plugin:Scorer"})
        assert assess(PROFILE, scorer="sw", as_of=AS_OF).scorer == "sw"
        monkeypatch.setenv(_registry.ENV_DISABLE, "y")
        with pytest.raises(PluginConfigError):
            assess(PROFILE, scorer="sw", as_of=AS_OF)

    def test_a_long_value_is_truncated(self, monkeypatch: pytest.MonkeyPatch):
        """The message shows at most 40 characters of the value."""
        monkeypatch.setenv(_registry.ENV_DISABLE, "x" * 5000)
        with pytest.raises(PluginConfigError) as info:
            plugins.plugins_disabled()
        assert len(str(info.value)) < 400 and "x" * 41 not in str(info.value)

    def test_the_command_exits_1_without_traceback(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ):
        """`credit-closure plugins` with a bad value: exit 3 (a configuration fault), the
        reason on stderr."""
        monkeypatch.setenv(_registry.ENV_DISABLE, "y")
        assert cli_main(["plugins"]) == 3
        cap = capsys.readouterr()
        assert "CREDIT_CLOSURE_DISABLE_PLUGINS='y' is not an accepted value" in cap.err
        assert "Traceback" not in cap.err and cap.out == ""

    def test_exported(self):
        """PluginConfigError is public in the exceptions module, a CreditClosureError."""
        import credit_closure.exceptions as exceptions

        assert "PluginConfigError" in exceptions.__all__
        assert issubclass(PluginConfigError, credit_closure.CreditClosureError)


# ---------------------------------------------------------------------------------------
class _Leaky:
    """A scorer object whose exceptions carry subject data."""

    credit_closure_api = 1
    version = "leaky-obj"

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def score(self, profile, as_of):
        raise self.exc


class TestExceptionTextWithheld:
    def _check(self, err: ScoringError, kind: type[BaseException]) -> None:
        assert SECRET not in str(err) and "Zhang" not in str(err)
        assert kind.__name__ in str(err)
        assert isinstance(err.original_exception, kind) and err.__cause__ is err.original_exception
        assert SECRET in str(err.original_exception)  # the documented debug route

    def test_plugin_by_name(self, site: Site):
        """An installed plugin's exception: scorer, distribution and type named; no text."""
        site.module("leaky_plugin", LEAKY)
        site.dist("leaky-dist", "2.0", {"leaky": "leaky_plugin:Scorer"})
        with pytest.raises(ScoringError) as info:
            assess(PROFILE, scorer="leaky", as_of=AS_OF)
        err = info.value
        assert str(err).startswith("scorer 'leaky' from leaky-dist 2.0 failed: score() raised")
        self._check(err, ValueError)

    @pytest.mark.parametrize(
        "exc",
        [
            ValueError(SECRET),
            KeyError(SECRET),
            RuntimeError(f"line 1\n{SECRET}"),
            credit_closure.NotFittedError(SECRET),
            ScoringError("inner", SECRET),
        ],
    )
    def test_scorer_object(self, exc: BaseException):
        """A scorer object's exception, of any type, a library type included (a plugin can
        raise those too): its text never reaches the message."""
        with pytest.raises(ScoringError) as info:
            assess(PROFILE, scorer=_Leaky(exc), as_of=AS_OF)
        self._check(info.value, type(exc))

    def test_broken_str_does_not_break_the_error(self):
        """An exception whose __str__ raises still gives a clean ScoringError."""

        class Weird(Exception):
            def __str__(self) -> str:
                raise RuntimeError(SECRET)

        with pytest.raises(ScoringError, match="score\\(\\) raised Weird"):
            assess(PROFILE, scorer=_Leaky(Weird()), as_of=AS_OF)

    def test_builtin_library_text_is_kept(self):
        """A built-in scorer's own library error keeps its text (no subject data in it)."""
        with pytest.raises(ScoringError, match="NotFittedError: .*fit") as info:
            assess(PROFILE, scorer=credit_closure.LogisticScorer(), as_of=AS_OF)
        assert isinstance(info.value.__cause__, credit_closure.NotFittedError)

    def test_what_if_and_batches(self):
        """what_if, assess_many (raise and collect) carry no text either."""
        leaky = _Leaky(ValueError(SECRET))
        with pytest.raises(ScoringError) as info:
            credit_closure.what_if(PROFILE, close="c1", on=AS_OF, scorer=leaky)
        self._check(info.value, ValueError)
        with pytest.raises(ScoringError) as info:
            assess_many([PROFILE, PROFILE], scorer=leaky, as_of=AS_OF)
        assert SECRET not in str(info.value) and info.value.position == 0
        out = assess_many([PROFILE], scorer=leaky, as_of=AS_OF, errors="collect")
        assert out[0].error_type == "ScoringError" and SECRET not in out[0].message

    def test_score_batch_in_columnar_scoring(self):
        """A plugin's score_batch failure in columnar scoring: type named, no text."""
        from credit_closure.columnar import profiles_to_tables, score_columnar

        class Batchy(_Leaky):
            def score_batch(self, features, attributes, as_of):
                raise ValueError(SECRET)

        t = profiles_to_tables([credit_closure.CreditProfile.from_dict(PROFILE)])
        with pytest.raises(ScoringError) as info:
            score_columnar(
                t["accounts"],
                t["closures"],
                t["inquiries"],
                t["attributes"],
                scorer=Batchy(ValueError(SECRET)),
                as_of=AS_OF,
            )
        assert SECRET not in str(info.value) and "ValueError" in str(info.value)
        assert isinstance(info.value.original_exception, ValueError)

    def test_nothing_logged_and_the_cli_prints_no_text(
        self, site: Site, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
    ):
        """Scoring logs nothing of it; the command prints the type only and exits 3 (a scorer
        fault)."""
        site.module("leaky_plugin", LEAKY)
        site.dist("leaky-dist", "2.0", {"leaky": "leaky_plugin:Scorer"})
        doc = site.root.parent / "p.json"
        doc.write_text(json.dumps(PROFILE), encoding="utf-8")
        with caplog.at_level(logging.DEBUG, logger="credit_closure"):
            code = cli_main(["assess", str(doc), "--scorer", "leaky", "--as-of", AS_OF])
        cap = capsys.readouterr()
        assert code == 3 and "ValueError" in cap.err and "Traceback" not in cap.err
        assert SECRET not in cap.err + cap.out + caplog.text

    def test_message_helper_keeps_library_text_only_when_asked(self):
        """ScoringError withholds a non-library original's text wherever it was copied."""
        exc = OSError(SECRET)
        err = ScoringError("s", f"call failed ({type(exc).__name__}: {exc}); see", original=exc)
        assert str(err) == "scorer 's' failed: call failed (OSError); see"
        err = ScoringError("s", f"said {exc}", original=exc)
        assert SECRET not in str(err) and "(text withheld)" in str(err)
