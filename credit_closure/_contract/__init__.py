"""The input contract: the closure-event model and its strict JSON documents.

Internal seam for this library's tests and benchmarks; not public API; may change without
notice. The names below are imported lazily (module ``__getattr__``): importing this package
imports none of its submodules, so ``import credit_closure`` stays as light as before. Tests
import internals only from here (``from credit_closure._contract import loads_document``), never from the
submodules, except a module object that a test monkeypatches or whose state it reads (the name
must be looked up where the code looks it up); docs/internals.md, "Tests".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from credit_closure._seams import lazy_names

if TYPE_CHECKING:
    from credit_closure._contract.documents import _ACCOUNT_FIELDS as ACCOUNT_FIELDS
    from credit_closure._contract.documents import _ACTIVITY_FIELDS as ACTIVITY_FIELDS
    from credit_closure._contract.documents import _CLOSURE_FIELDS as CLOSURE_FIELDS
    from credit_closure._contract.documents import _ENTERPRISE_FIELDS as ENTERPRISE_FIELDS
    from credit_closure._contract.documents import _INQUIRY_FIELDS as INQUIRY_FIELDS
    from credit_closure._contract.documents import _PRINCIPAL_FIELDS as PRINCIPAL_FIELDS
    from credit_closure._contract.documents import _PROFILE_FIELDS as PROFILE_FIELDS
    from credit_closure._contract.documents import MAX_DOCUMENT_BYTES as MAX_DOCUMENT_BYTES
    from credit_closure._contract.documents import json_schema as json_schema
    from credit_closure._contract.documents import loads_document as loads_document
    from credit_closure._contract.documents import (
        strict_profile_from_dict as strict_profile_from_dict,
    )
    from credit_closure._contract.enums import V1_INITIATOR as V1_INITIATOR
    from credit_closure._contract.enums import V1_INQUIRY_KIND as V1_INQUIRY_KIND
    from credit_closure._contract.enums import V1_STATUS as V1_STATUS
    from credit_closure._contract.fastpath import read_profile as read_profile
    from credit_closure._contract.history import HISTORY_SYMBOLS as HISTORY_SYMBOLS
    from credit_closure._contract.history import METRO2_TO_SYMBOL as METRO2_TO_SYMBOL
    from credit_closure._contract.history import history_summary as history_summary
    from credit_closure._contract.model import REVOLVING_PRODUCTS as REVOLVING_PRODUCTS
    from credit_closure._contract.model import AccountStatus as AccountStatus
    from credit_closure._contract.model import ActivityKind as ActivityKind
    from credit_closure._contract.model import ActivityRecord as ActivityRecord
    from credit_closure._contract.model import Attributes as Attributes
    from credit_closure._contract.model import ClosureEvent as ClosureEvent
    from credit_closure._contract.model import Limits as Limits
    from credit_closure._contract.model import profile_unchecked as profile_unchecked
    from credit_closure._contract.model import reopened_account as reopened_account
    from credit_closure._contract.versioning import CONTRACT_VERSIONS as CONTRACT_VERSIONS

#: seam name -> (submodule, name in that submodule)
_SEAM: dict[str, tuple[str, str]] = {
    "ACCOUNT_FIELDS": ("documents", "_ACCOUNT_FIELDS"),
    "ACTIVITY_FIELDS": ("documents", "_ACTIVITY_FIELDS"),
    "CLOSURE_FIELDS": ("documents", "_CLOSURE_FIELDS"),
    "ENTERPRISE_FIELDS": ("documents", "_ENTERPRISE_FIELDS"),
    "INQUIRY_FIELDS": ("documents", "_INQUIRY_FIELDS"),
    "PRINCIPAL_FIELDS": ("documents", "_PRINCIPAL_FIELDS"),
    "PROFILE_FIELDS": ("documents", "_PROFILE_FIELDS"),
    "MAX_DOCUMENT_BYTES": ("documents", "MAX_DOCUMENT_BYTES"),
    "json_schema": ("documents", "json_schema"),
    "loads_document": ("documents", "loads_document"),
    "strict_profile_from_dict": ("documents", "strict_profile_from_dict"),
    "read_profile": ("fastpath", "read_profile"),
    "AccountStatus": ("model", "AccountStatus"),
    "ActivityKind": ("model", "ActivityKind"),
    "ActivityRecord": ("model", "ActivityRecord"),
    "Attributes": ("model", "Attributes"),
    "ClosureEvent": ("model", "ClosureEvent"),
    "Limits": ("model", "Limits"),
    "REVOLVING_PRODUCTS": ("model", "REVOLVING_PRODUCTS"),
    "profile_unchecked": ("model", "profile_unchecked"),
    "reopened_account": ("model", "reopened_account"),
    "V1_STATUS": ("enums", "V1_STATUS"),
    "V1_INITIATOR": ("enums", "V1_INITIATOR"),
    "V1_INQUIRY_KIND": ("enums", "V1_INQUIRY_KIND"),
    "HISTORY_SYMBOLS": ("history", "HISTORY_SYMBOLS"),
    "METRO2_TO_SYMBOL": ("history", "METRO2_TO_SYMBOL"),
    "history_summary": ("history", "history_summary"),
    "CONTRACT_VERSIONS": ("versioning", "CONTRACT_VERSIONS"),
}

__all__ = [  # the seam's names (tests/test_layout.py checks they match _SEAM)
    "ACCOUNT_FIELDS",
    "ACTIVITY_FIELDS",
    "AccountStatus",
    "ActivityKind",
    "ActivityRecord",
    "Attributes",
    "CLOSURE_FIELDS",
    "CONTRACT_VERSIONS",
    "ClosureEvent",
    "ENTERPRISE_FIELDS",
    "HISTORY_SYMBOLS",
    "INQUIRY_FIELDS",
    "Limits",
    "MAX_DOCUMENT_BYTES",
    "METRO2_TO_SYMBOL",
    "PRINCIPAL_FIELDS",
    "PROFILE_FIELDS",
    "REVOLVING_PRODUCTS",
    "V1_INITIATOR",
    "V1_INQUIRY_KIND",
    "V1_STATUS",
    "history_summary",
    "json_schema",
    "loads_document",
    "profile_unchecked",
    "read_profile",
    "reopened_account",
    "strict_profile_from_dict",
]


__getattr__, __dir__ = lazy_names(__name__, _SEAM, globals())
