"""The Metro 2 tradeline adapter (field names and tables: ``docs/adapters.md``).

:func:`from_metro2` maps Metro 2-shaped tradeline records, fields by name rather than byte
position, to a contract v2 profile. :data:`ACCOUNT_TYPE_PRODUCT` and
:data:`ACCOUNT_STATUS` are the code tables it reads.
"""

from __future__ import annotations

from credit_closure.adapters._metro2 import ACCOUNT_STATUS, ACCOUNT_TYPE_PRODUCT, from_metro2

__all__ = ["ACCOUNT_STATUS", "ACCOUNT_TYPE_PRODUCT", "from_metro2"]
