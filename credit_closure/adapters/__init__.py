"""Adapters: bureau-shaped data to contract v2 profiles, with nothing dropped silently.

Two adapters map what a lender's bureau gives it into a :class:`~credit_closure.CreditProfile`
(contract v2): :func:`from_pboc` reads a document in the layout of the PBoC personal credit
report (:mod:`credit_closure.adapters.pboc`), :func:`from_metro2` reads Metro 2-shaped
tradeline records, fields by name (:mod:`credit_closure.adapters.metro2`). Each returns an
:class:`AdapterResult`: the profile, the list of every input field it did not map (with the
reason) and the paths it did. Bad input raises :class:`~credit_closure.InvalidInputError`
naming each problem's path in the input. The layouts and every mapping table are in
``docs/adapters.md``.

Example:
    >>> from credit_closure.adapters import from_metro2
    >>> res = from_metro2({"tradelines": [{
    ...     "consumer_account_number": "t1", "portfolio_type": "R", "account_type": "18",
    ...     "account_status": "11", "credit_limit": 5000, "current_balance": 1200,
    ...     "date_opened": "2018-02-01", "surname": "X"}]}, subject_id="s-1")
    >>> res.profile.accounts[0].status.value, [u.path for u in res.unmapped]
    ('open', ['tradelines[0].surname'])
"""

from __future__ import annotations

from credit_closure.adapters._common import AdapterResult, UnmappedField
from credit_closure.adapters._metro2 import from_metro2
from credit_closure.adapters._pboc import from_pboc

__all__ = ["AdapterResult", "UnmappedField", "from_metro2", "from_pboc"]
