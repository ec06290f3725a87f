"""The public API contract: __all__, lazy imports and import cost."""

from __future__ import annotations

import subprocess
import sys

import pytest

import credit_closure

DOCUMENTED = {
    # DESIGN.md §3 names that lender code imports from credit_closure
    "CreditAccount",
    "ClosureEvent",
    "CreditProfile",
    "Enterprise",
    "Principal",
    "ProductType",
    "AccountStatus",
    "ClosureInitiator",
    "ClosureReason",
    "TerminationKind",
    "Assessment",
    "ReasonCode",
    "assess",
    "what_if",
    "get_scorer",
    "available_scorers",
    "register_scorer",
    "Scorer",
    "RuleScorer",
    "CreditClosureError",
    "InvalidInputError",
}

#: Contract v2 names (issue 14): the v2 records and vocabularies.
CONTRACT_V2 = {
    "ClosureKind",
    "Guarantee",
    "GuaranteedParty",
    "InstitutionType",
    "LiabilityType",
    "LimitChange",
    "LoanClassification",
    "PublicRecord",
    "PublicRecordKind",
    "PublicRecordStatus",
    "SpecialTransaction",
    "SpecialTransactionKind",
}


class TestAll:
    """__all__ is the contract."""

    def test_sorted_and_complete(self) -> None:
        """__all__ is sorted, unique, and every name resolves."""
        names = credit_closure.__all__
        assert names == sorted(names) and len(set(names)) == len(names)
        for name in names:
            assert getattr(credit_closure, name) is not None

    def test_design_names_present(self) -> None:
        """Every v1 name of DESIGN.md §3 available so far is exported."""
        assert DOCUMENTED <= set(credit_closure.__all__)

    def test_contract_v2_names_present(self) -> None:
        """Every contract v2 record and vocabulary is exported."""
        assert CONTRACT_V2 <= set(credit_closure.__all__)

    def test_unknown_attribute(self) -> None:
        """An unknown name raises AttributeError naming it."""
        try:
            credit_closure.does_not_exist  # noqa: B018
        except AttributeError as exc:
            assert "does_not_exist" in str(exc)
        else:  # pragma: no cover
            raise AssertionError("expected AttributeError")

    def test_invalid_input_error_is_value_error(self) -> None:
        """InvalidInputError is a CreditClosureError and a ValueError."""
        assert issubclass(credit_closure.InvalidInputError, credit_closure.CreditClosureError)
        assert issubclass(credit_closure.InvalidInputError, ValueError)


def test_import_is_light() -> None:
    """import credit_closure (and scoring with the rules) imports neither numpy nor scikit-learn."""
    code = (
        "import sys, credit_closure as c;"
        "c.assess({'subject_id': 's'}, as_of='2025-01-01');"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('sklearn', 'numpy', 'scipy', 'pandas')];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_ci_runs_readme_test_command() -> None:
    """.ci/run runs README's test command word for word."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    command = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest"
    assert command in readme and command in ci


def test_public_api_types() -> None:
    """mypy accepts tests/typing/check_public_api.py (the types users see are as pinned
    there, with no error), and without its ``# type: ignore`` a misspelt attribute of an
    Assessment is an ``attr-defined`` error."""
    import os
    import pathlib
    import tempfile

    api = pytest.importorskip("mypy.api")
    root = pathlib.Path(__file__).resolve().parent.parent
    source = root / "tests" / "typing" / "check_public_api.py"
    text = source.read_text(encoding="utf-8")
    line = "    _ = a.scroe  # type: ignore[attr-defined]\n"
    assert line in text
    with tempfile.TemporaryDirectory() as tmp:
        # another module name: both files are checked in one run
        copy = pathlib.Path(tmp) / "check_public_api_unignored.py"
        copy.write_text(text.replace(line, "    _ = a.scroe\n"), encoding="utf-8")
        saved = os.getcwd(), os.environ.get("MYPYPATH")
        os.chdir(root)  # this checkout's credit_closure, not an installed one
        os.environ["MYPYPATH"] = str(root)
        try:
            out, err, _status = api.run(
                ["--config-file", str(root / "pyproject.toml"), "--no-error-summary"]
                + ["--no-incremental", str(source), str(copy)]
            )
        finally:
            os.chdir(saved[0])
            if saved[1] is None:
                os.environ.pop("MYPYPATH", None)
            else:
                os.environ["MYPYPATH"] = saved[1]
    # only the two usage files count here (the package itself is mypy's own gate)
    errors = [x for x in out.splitlines() if ": error:" in x and "check_public_api" in x]
    assert [x for x in errors if "check_public_api.py" in x] == [], out + err
    assert len(errors) == 1 and "check_public_api_unignored.py" in errors[0], out + err
    assert '"Assessment" has no attribute "scroe"' in errors[0]
    assert errors[0].endswith("[attr-defined]")
