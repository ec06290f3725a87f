"""Shared test configuration: hypothesis profiles, example paths, and the fixtures shared by
the scorecard's test files (``data``, ``fitted``, ``saved``) and by the columnar test files
(``engine``, ``portfolio``, ``tables``). A test module's own fixture of the same name takes
precedence over these."""

from __future__ import annotations

import os
import pathlib
import shutil
import sys

import attrs
import pytest
from _helpers import ODD, PORTFOLIO_AS_OF, columnar_profiles
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# tests/typing is type-checked by mypy and never run (importing it would run it)
collect_ignore = ["typing"]

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "profiles"


@pytest.fixture
def example_paths() -> list[pathlib.Path]:
    """The bundled example profiles."""
    return sorted(EXAMPLES.glob("*.json"))


# --------------------------------------------------------------------------------------
# The scorecard (test_logistic.py, test_fitting.py, test_parameters.py, test_artifact.py)
# --------------------------------------------------------------------------------------
def _with_channel(pf):
    """Add a categorical attribute ``channel`` tied to the true risk, with awkward labels."""
    import random

    rng = random.Random(11)
    out = []
    for p, prob in zip(pf.profiles, pf.true_probability.tolist()):
        k = min(3, int(prob * 40 + rng.random() * 1.5))
        attrs_ = dict(p.attributes)
        if rng.random() < 0.97:
            attrs_["channel"] = ODD[k]
        out.append(attrs.evolve(p, attributes=attrs_))
    return out


@pytest.fixture(scope="session")
def data():
    """A small synthetic portfolio (3,000 subjects) with an extra categorical attribute."""
    from credit_closure.synth import generate_portfolio

    pf = generate_portfolio(3000, seed=3, as_of=PORTFOLIO_AS_OF)
    return _with_channel(pf), pf.outcomes.tolist()


@pytest.fixture(scope="session")
def fitted(data):
    """The scorecard fitted once on :func:`data`."""
    from credit_closure import LogisticScorer

    profiles, outcomes = data
    return LogisticScorer().fit(profiles, outcomes, as_of=PORTFOLIO_AS_OF)


@pytest.fixture(scope="session")
def saved(fitted, tmp_path_factory):
    """The fitted scorecard saved to a file; returns the path."""
    path = tmp_path_factory.mktemp("model") / "model.json"
    fitted.save(path)
    return path


# --------------------------------------------------------------------------------------
# Columnar scoring (test_columnar.py, test_tables.py, test_prepare.py, test_convert.py)
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=["numpy", "numba"])
def engine(request):
    """Runs a test on both engines of score_columnar's default "auto": numba (when
    installed) and numpy (numba hidden). A columnar test module uses it for every test
    (``pytestmark = pytest.mark.usefixtures("engine")``)."""
    # the module object: the engine switch (_HAVE_NUMBA) is set where the code reads it
    from credit_closure._columnar import compiled as _columnar_compiled

    if request.param == "numba" and not _columnar_compiled.available():
        pytest.skip("numba is not installed")
    before = _columnar_compiled._HAVE_NUMBA
    if request.param == "numpy":
        _columnar_compiled._HAVE_NUMBA = False
    yield request.param
    _columnar_compiled._HAVE_NUMBA = before


@pytest.fixture(scope="session")
def portfolio():
    """2,500 synthetic profiles without activity."""
    return columnar_profiles(2500, seed=21)


@pytest.fixture(scope="session")
def tables(portfolio):
    """:func:`portfolio` as long tables (pandas)."""
    from credit_closure.columnar import profiles_to_tables

    return profiles_to_tables(portfolio)


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the test run (tests/test_spark.py, tests/test_refit.py);
    skipped without pyspark or Java."""
    pytest.importorskip("pyspark")
    pytest.importorskip("pyarrow")
    if shutil.which("java") is None:  # pragma: no cover - depends on the machine
        pytest.skip("Spark needs Java")
    from pyspark.sql import SparkSession

    saved = {
        k: os.environ.get(k) for k in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON", "PYTHONPATH")
    }
    for k in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON"):  # workers run this interpreter
        os.environ[k] = sys.executable
    # workers unpickle scorers defined in test modules (tests/test_refit.py) by module name
    here = str(pathlib.Path(__file__).resolve().parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (here, saved["PYTHONPATH"]) if p)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("credit-closure-tests")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield session
    session.stop()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture
def clean_registry(monkeypatch: pytest.MonkeyPatch):
    """No plugin switch, allow-list or cached scorer before and after the test (the plugin
    tests' shared reset)."""
    from credit_closure import plugins
    from credit_closure._scoring import registry

    monkeypatch.delenv(registry.ENV_DISABLE, raising=False)
    monkeypatch.delenv(registry.ENV_ALLOWED, raising=False)
    plugins.set_allowed()
    registry.clear_cache()
    yield
    plugins.set_allowed()
    registry.clear_cache()
