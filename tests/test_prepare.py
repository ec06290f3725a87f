"""Tests of :mod:`credit_closure._columnar.prepare`: the model's cross-field rules on the long
tables (closed accounts, account ids, closures naming an account), on both engines (the
``engine`` fixture of conftest.py)."""

from __future__ import annotations

import numpy as np
import pytest
from _helpers import columnar_problems, long_accounts

pytestmark = pytest.mark.usefixtures("engine")


class TestCrossFieldRules:
    """The rules that tie a row to other rows and tables."""

    def test_cross_field_rules(self):
        """Model rules hold: closed needs closed_on, ids unique, closures name an account."""
        acc = long_accounts(
            account_id=np.array(["a", "a", "a"], dtype=object),
            closed_on=np.array(["NaT", "NaT", "NaT"], dtype="datetime64[D]"),
        )
        closures = {
            "subject_id": np.array(["s2"], dtype=object),
            "account_id": np.array(["zz"], dtype=object),
            "closed_on": np.array(["2025-01-01"], dtype="datetime64[D]"),
        }
        probs = columnar_problems(acc, closures)
        assert ("accounts.closed_on", "is required when status is 'closed' (row 1)") in probs
        assert (
            "accounts.account_id",
            "duplicates an earlier account id of the subject (row 1)",
        ) in probs
        assert (
            "closures.account_id",
            "names no account of the subject in accounts (row 0)",
        ) in probs

    def test_closure_on_open_account(self):
        """A closure event on an open account is refused."""
        closures = {
            "subject_id": np.array(["s2"], dtype=object),
            "account_id": np.array(["a"], dtype=object),
            "closed_on": np.array(["2025-01-01"], dtype="datetime64[D]"),
        }
        assert (
            "closures.account_id",
            "names an account whose status is 'open' (row 0)",
        ) in columnar_problems(long_accounts(), closures)
