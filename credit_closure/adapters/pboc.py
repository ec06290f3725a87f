"""The PBoC personal credit report adapter (layout and tables: ``docs/adapters.md``).

:func:`from_pboc` maps a document whose sections mirror the second-generation PBoC personal
credit report (个人基本信息, 信息概要, 信贷交易信息明细, 授信协议信息, 公共信息明细, 查询记录) to a
contract v2 profile. :data:`ACCOUNT_SECTIONS` lists the account sections of 信贷交易信息明细
with the product each maps to when 业务种类 does not decide it.
"""

from __future__ import annotations

from credit_closure.adapters._pboc import ACCOUNT_SECTIONS, from_pboc

__all__ = ["ACCOUNT_SECTIONS", "from_pboc"]
