"""Shared test configuration: hypothesis profiles and example paths."""

from __future__ import annotations

import os
import pathlib

import pytest
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
