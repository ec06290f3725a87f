"""PBoC personal credit report (second generation) → contract v2 profile.

The layout mirrors the report's sections and names its fields after the report's
(``docs/adapters.md`` gives each key's Chinese name). Codes are the report's Chinese labels
or the contract's own codes. The mapping tables reuse the contract v2 vocabularies and their
documented meanings (``docs/json-contract.md``, "Contract v2"; DOMAIN [PBOC-CONF]).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from credit_closure._contract.enums import (
    AccountStatus,
    ClosureKind,
    GuaranteedParty,
    InquiryKind,
    InstitutionType,
    LiabilityType,
    LoanClassification,
    ProductType,
    PublicRecordKind,
    PublicRecordStatus,
    SpecialTransactionKind,
)
from credit_closure._contract.history import HISTORY_SYMBOLS
from credit_closure.adapters._common import AdapterResult, Reader, build, join

__all__ = ["ACCOUNT_SECTIONS", "from_pboc"]


def _with_codes(table: Mapping[str, Any], enum: Any) -> dict[str, str]:
    """``table`` (Chinese label -> member) plus every member's own code."""
    out = {k: str(v) for k, v in table.items()}
    out.update({m.value: m.value for m in enum})
    return out


S = AccountStatus
#: 账户状态 -> status (DOMAIN [PBOC-CONF]: D1 / R1 / R2 / R3 / C1 status lists).
STATUS = _with_codes(
    {
        "正常": S.OPEN,
        "逾期": S.OVERDUE,
        "结清": S.CLOSED,
        "销户": S.CLOSED,
        "呆账": S.CHARGED_OFF,
        "转出": S.TRANSFERRED,
        "担保物不足": S.COLLATERAL_SHORTFALL,
        "强制平仓": S.FORCED_LIQUIDATION,
        "司法追偿": S.JUDICIAL_RECOVERY,
        "冻结": S.FROZEN,
        "止付": S.STOPPED,
        "银行止付": S.STOPPED,
        "未激活": S.NOT_ACTIVATED,
        "催收": S.CHARGED_OFF,  # 被追偿: a debt under recovery
        "结束": S.CLOSED,  # 被追偿: recovery ended (symbol G: an abnormal end)
    },
    AccountStatus,
)
#: 五级分类 -> classification.
CLASSIFICATION = _with_codes(
    {
        "正常": LoanClassification.NORMAL,
        "关注": LoanClassification.SPECIAL_MENTION,
        "次级": LoanClassification.SUBSTANDARD,
        "可疑": LoanClassification.DOUBTFUL,
        "损失": LoanClassification.LOSS,
    },
    LoanClassification,
)
#: 管理机构类型 -> institution type.
INSTITUTION = _with_codes(
    {
        "商业银行": InstitutionType.BANK,
        "村镇银行": InstitutionType.BANK,
        "农村信用社": InstitutionType.CREDIT_UNION,
        "消费金融公司": InstitutionType.CONSUMER_FINANCE,
        "小额贷款公司": InstitutionType.MICROLOAN,
        "汽车金融公司": InstitutionType.AUTO_FINANCE,
        "信托公司": InstitutionType.TRUST,
        "融资租赁公司": InstitutionType.LEASING,
        "融资担保公司": InstitutionType.GUARANTEE_COMPANY,
        "保险公司": InstitutionType.INSURANCE,
        "资产管理公司": InstitutionType.COLLECTION_AGENCY,
        "其他机构": InstitutionType.OTHER,
    },
    InstitutionType,
)
#: 业务种类 -> product, where it decides it (otherwise the section's product).
BUSINESS_TYPE: dict[str, ProductType | None] = {
    "个人住房商业贷款": ProductType.MORTGAGE,
    "个人住房公积金贷款": ProductType.MORTGAGE,
    "个人商用房贷款": ProductType.MORTGAGE,
    "个人经营性贷款": ProductType.BUSINESS_LOAN,
    "个人消费贷款": None,
    "个人汽车消费贷款": ProductType.INSTALLMENT,
    "个人助学贷款": ProductType.INSTALLMENT,
    "农户贷款": ProductType.INSTALLMENT,
    "其他贷款": None,
    "贷记卡": None,
    "准贷记卡": None,
    "资产处置业务": None,
    "垫款业务": None,
}
#: 共同借款标志 -> liability.
JOINT = _with_codes(
    {
        "无": LiabilityType.INDIVIDUAL,
        "主借款人": LiabilityType.JOINT,
        "从借款人": LiabilityType.JOINT,
    },
    LiabilityType,
)
#: 特殊交易类型 -> special transaction kind.
SPECIAL = _with_codes(
    {
        "展期": SpecialTransactionKind.EXTENSION,
        "担保人代偿": SpecialTransactionKind.GUARANTOR_COMPENSATION,
        "担保人（第三方）代偿": SpecialTransactionKind.GUARANTOR_COMPENSATION,
        "以资抵债": SpecialTransactionKind.ASSET_FOR_DEBT,
        "债务减免": SpecialTransactionKind.DEBT_RELIEF,
        "债务重组": SpecialTransactionKind.RESTRUCTURING,
        "提前还款": SpecialTransactionKind.EARLY_SETTLEMENT,
        "提前结清": SpecialTransactionKind.EARLY_SETTLEMENT,
        "司法追偿": SpecialTransactionKind.JUDICIAL_RECOVERY,
        "其他": SpecialTransactionKind.OTHER,
    },
    SpecialTransactionKind,
)
#: 查询原因 -> inquiry kind (DOMAIN [PBOC-CONF]).
QUERY_REASON = _with_codes(
    {
        "贷款审批": InquiryKind.LOAN_APPROVAL,
        "信用卡审批": InquiryKind.CARD_APPROVAL,
        "担保资格审查": InquiryKind.GUARANTEE_CHECK,
        "贷后管理": InquiryKind.POST_LOAN,
        "本人查询": InquiryKind.SELF,
        "融资审批": InquiryKind.FINANCING_APPROVAL,
        "保前审查": InquiryKind.PRE_INSURANCE_REVIEW,
        "资信审查": InquiryKind.CREDIT_REVIEW,
        "法人代表、负责人、高管等资信审查": InquiryKind.EXECUTIVE_REVIEW,
        "客户准入资格审查": InquiryKind.ADMISSION_REVIEW,
        "特约商户实名审查": InquiryKind.MERCHANT_REVIEW,
        "异议核查": InquiryKind.DISPUTE_CHECK,
        "其他": InquiryKind.OTHER,
    },
    InquiryKind,
)
#: 主借款人身份类别 -> guaranteed party.
PARTY = _with_codes(
    {"自然人": GuaranteedParty.PERSON, "企业": GuaranteedParty.ENTERPRISE},
    GuaranteedParty,
)
#: 案件状态 / 结案方式 of an enforcement -> public record status.
CASE_STATUS = _with_codes(
    {
        "执行中": PublicRecordStatus.OPEN,
        "未结案": PublicRecordStatus.OPEN,
        "执行完毕": PublicRecordStatus.SATISFIED,
        "已结案": PublicRecordStatus.CLOSED,
        "终结执行": PublicRecordStatus.CLOSED,
    },
    PublicRecordStatus,
)

#: 信贷交易信息明细 account sections: key -> (Chinese name, product when 业务种类 does not decide,
#: closure kind of a 结清 / 销户).
ACCOUNT_SECTIONS: dict[str, tuple[str, ProductType, ClosureKind]] = {
    "recovered": ("被追偿信息", ProductType.OTHER, ClosureKind.SETTLEMENT),
    "non_revolving_loans": ("非循环贷账户", ProductType.INSTALLMENT, ClosureKind.SETTLEMENT),
    "revolving_sub_accounts": ("循环额度下分账户", ProductType.INSTALLMENT, ClosureKind.SETTLEMENT),
    "revolving_loans": ("循环贷账户", ProductType.CASH_LOAN, ClosureKind.LINE_CLOSURE),
    "credit_cards": ("贷记卡账户", ProductType.CREDIT_CARD, ClosureKind.LINE_CLOSURE),
    "semi_credit_cards": ("准贷记卡账户", ProductType.OVERDRAFT, ClosureKind.LINE_CLOSURE),
}

_NO_HOME = "contract v2 has no field for it"
_PERSONAL = "personal data: the contract is pseudonymous (the caller gives subject_id)"

#: Account fields read, and the contract field each goes to (docs/adapters.md, table).
_ACCOUNT_MAPPED = frozenset(
    {
        "account_number", "institution", "institution_type", "business_type", "opened_on",
        "closed_on", "loan_amount", "credit_limit", "balance", "used_amount",
        "joint_loan_flag", "five_class", "status", "current_overdue_periods",
        "current_overdue_amount", "last_payment_on", "repayment_records",
        "special_transactions", "limit_changes", "currency",
    }
)  # fmt: skip
_ACCOUNT_UNMAPPED = {
    "due_on": f"到期日期: {_NO_HOME} (loan maturity)",
    "guarantee_method": f"担保方式: {_NO_HOME}",
    "repayment_periods": f"还款期数: {_NO_HOME} (loan term)",
    "repayment_frequency": f"还款频率: {_NO_HOME}",
    "repayment_method": f"还款方式: {_NO_HOME}",
    "remaining_periods": f"剩余还款期数: {_NO_HOME}",
    "scheduled_payment": f"本月应还款: {_NO_HOME} (payment ratios)",
    "actual_payment": f"本月实还款: {_NO_HOME} (payment ratios)",
    "last_payment_amount": f"最近一次还款金额: {_NO_HOME}",
    "overdue_principal_31_60": f"逾期31-60天未还本金: {_NO_HOME}",
    "overdue_principal_61_90": f"逾期61-90天未还本金: {_NO_HOME}",
    "overdue_principal_91_180": f"逾期91-180天未还本金: {_NO_HOME}",
    "overdue_principal_over_180": f"逾期180天以上未还本金: {_NO_HOME}",
    "average_used_6m": f"最近6个月平均使用额度: {_NO_HOME}",
    "max_used": f"最大使用额度: {_NO_HOME}",
    "shared_credit_limit": f"共享授信额度: {_NO_HOME}",
    "statement_date": f"账单日: {_NO_HOME}",
    "large_instalments": f"大额专项分期: {_NO_HOME}",
    "reported_on": f"信息报告日期: {_NO_HOME}",
    "annotations": f"标注及声明: {_NO_HOME} (free text)",
}


def _history(r: Reader, value: Any, path: str, cpath: str, acc: dict[str, Any]) -> None:
    """近5年历史表现: month records ``{month, status, overdue_amount}``, consecutive, oldest
    first -> ``repayment_history``, ``history_end``, ``overdue_amounts``."""
    symbols: list[str] = []
    amounts: list[Any] = []
    last: tuple[int, int] | None = None
    for i, rec in enumerate(r.arr(value, path)):
        p = join(path, i)
        m = r.obj(rec, p)
        if m is None:
            continue
        got = r.fields(m, p, frozenset({"month", "status", "overdue_amount"}), {}, "month record")
        ym = r.month(got["month"][0], got["month"][1]) if "month" in got else None
        if "month" not in got:
            r.problem(join(p, "month"), "is required")
        if ym and last and ym[0] * 12 + ym[1] != last[0] * 12 + last[1] + 1:
            r.problem(join(p, "month"), "must follow the previous record's month")
        last = ym or last
        sym = got.get("status", (None, join(p, "status")))
        symbols.append(r.code(sym[0], sym[1], {s: s for s in HISTORY_SYMBOLS}) or "#")
        amt = got.get("overdue_amount")
        amounts.append(r.number(amt[0], amt[1]) if amt else None)
    if symbols and last:
        acc["repayment_history"] = "".join(symbols)
        acc["history_end"] = _dt.date(last[0], last[1], 1).isoformat()
        r.where[f"{cpath}.repayment_history"] = path
        if any(a is not None for a in amounts):
            acc["overdue_amounts"] = amounts


def _specials(r: Reader, value: Any, path: str, cpath: str) -> list[dict[str, Any]]:
    """特殊交易: ``{type, occurred_on, months_changed, amount, detail}``."""
    out: list[dict[str, Any]] = []
    for i, rec in enumerate(r.arr(value, path)):
        p = join(path, i)
        m = r.obj(rec, p)
        if m is None:
            continue
        known = frozenset({"type", "occurred_on", "months_changed", "amount"})
        got = r.fields(m, p, known, {"detail": f"明细记录: {_NO_HOME} (free text)"}, "特殊交易")
        v = {k: got.get(k, (None, join(p, k))) for k in known}
        c = f"{cpath}[{len(out)}]"
        r.where[c] = p
        out.append(
            {
                "kind": r.code(*v["type"], SPECIAL, f"{c}.kind"),
                "on": r.date(*v["occurred_on"], f"{c}.on"),
                "amount": r.number(*v["amount"], f"{c}.amount"),
                "months": r.number(*v["months_changed"], f"{c}.months", integer=True),
            }
        )
    return out


def _limit_changes(r: Reader, value: Any, path: str, cpath: str) -> list[dict[str, Any]]:
    """授信额度变更 (an extension of the layout): ``{changed_on, credit_limit}``."""
    out: list[dict[str, Any]] = []
    for i, rec in enumerate(r.arr(value, path)):
        p = join(path, i)
        m = r.obj(rec, p)
        if m is None:
            continue
        known = frozenset({"changed_on", "credit_limit"})
        got = r.fields(m, p, known, {}, "额度变更")
        v = {k: got.get(k, (None, join(p, k))) for k in known}
        c = f"{cpath}[{len(out)}]"
        r.where[c] = p
        out.append(
            {
                "on": r.date(*v["changed_on"], f"{c}.on"),
                "limit": r.number(*v["credit_limit"], f"{c}.limit"),
            }
        )
    return out


def _account(
    r: Reader, rec: Mapping[str, Any], path: str, cpath: str, section: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """One account record -> (contract account, closure event or ``None``)."""
    _, default_product, kind = ACCOUNT_SECTIONS[section]
    r.where[cpath] = path
    got = r.fields(rec, path, _ACCOUNT_MAPPED, _ACCOUNT_UNMAPPED, ACCOUNT_SECTIONS[section][0])

    def v(key: str) -> tuple[Any, str]:
        return got.get(key, (None, join(path, key)))

    def c(field: str) -> str:
        return f"{cpath}.{field}"

    acc: dict[str, Any] = {"account_id": r.text(*v("account_number"), c("account_id"))}
    if "account_number" not in got:
        r.problem(join(path, "account_number"), "is required")
    product = default_product
    if "business_type" in got:
        decided = r.code(*v("business_type"), BUSINESS_TYPE, c("product"))
        product = decided or product
    acc["product"] = str(product)
    acc["status"] = r.code(*v("status"), STATUS, c("status"))
    if "status" not in got:
        r.problem(join(path, "status"), "is required")
    acc["provider"] = r.text(*v("institution"), c("provider"))
    acc[_CURRENCY_KEY] = _currency(r, *v("currency"))
    acc["institution_type"] = r.code(*v("institution_type"), INSTITUTION, c("institution_type"))
    acc["opened_on"] = r.date(*v("opened_on"), c("opened_on"))
    acc["closed_on"] = r.date(*v("closed_on"), c("closed_on"))
    # 借款金额 (loans) or 授信额度 (lines); 余额, or 已用额度 (cards)
    for keys, field in ((("loan_amount", "credit_limit"), "credit_limit"),
                        (("balance", "used_amount"), "balance")):  # fmt: skip
        first, second = keys
        if first in got and second in got:
            r.skip(v(second)[1], f"{field} is already given by {first}")
        key = first if first in got else second
        if key in got:
            acc[field] = r.number(*v(key), c(field))
    acc["liability"] = r.code(*v("joint_loan_flag"), JOINT, c("liability"))
    acc["classification"] = r.code(*v("five_class"), CLASSIFICATION, c("classification"))
    acc["current_overdue_periods"] = r.number(
        *v("current_overdue_periods"), c("current_overdue_periods"), integer=True
    )
    acc["current_overdue_amount"] = r.number(
        *v("current_overdue_amount"), c("current_overdue_amount")
    )
    acc["last_payment_on"] = r.date(*v("last_payment_on"), c("last_payment_on"))
    if "repayment_records" in got:
        _history(r, *v("repayment_records"), cpath, acc)
    if "special_transactions" in got:
        acc["special_transactions"] = _specials(
            r, *v("special_transactions"), c("special_transactions")
        )
        r.where[c("special_transactions")] = v("special_transactions")[1]
    if "limit_changes" in got:
        acc["limit_history"] = _limit_changes(r, *v("limit_changes"), c("limit_history"))
        r.where[c("limit_history")] = v("limit_changes")[1]
    acc = {k: x for k, x in acc.items() if x is not None}
    closure = None
    status = acc.get("status")
    if acc.get("closed_on") and status in ("closed", "transferred"):
        recovered_end = section == "recovered"
        closure = {
            "account_id": acc.get("account_id"),
            "closed_on": acc["closed_on"],
            "initiator": "transferred" if status == "transferred" else "unknown",
            "termination": "abnormal" if recovered_end else "normal",
        }
        if status == "closed" and not recovered_end:
            early = any(
                s.get("kind") == "early_settlement" for s in acc.get("special_transactions", ())
            )
            closure["kind"] = (
                "early_settlement" if early and kind is ClosureKind.SETTLEMENT else str(kind)
            )
    return acc, closure


def _guarantee(r: Reader, rec: Mapping[str, Any], path: str, i: int) -> dict[str, Any]:
    """相关还款责任信息 -> guarantee."""
    known = frozenset(
        {"borrower_type", "opened_on", "due_on", "liability_amount", "balance", "five_class",
         "status", "institution_type", "overdue_amount", "currency"}
    )  # fmt: skip
    unmapped = {
        "institution": f"管理机构: {_NO_HOME} (a guarantee carries the lender's type only)",
        "business_type": f"业务种类: {_NO_HOME}",
        "liability_type": f"相关还款责任类型: {_NO_HOME} (every liability is a guarantee)",
        "contract_number": f"保证合同编号: {_NO_HOME}",
        "overdue_months": f"逾期月数: {_NO_HOME}",
        "reported_on": f"信息报告日期: {_NO_HOME}",
    }
    got = r.fields(rec, path, known, unmapped, "相关还款责任信息")

    def v(key: str) -> tuple[Any, str]:
        return got.get(key, (None, join(path, key)))

    cpath = f"guarantees[{i}]"
    r.where[cpath] = path
    g = {
        "guarantee_id": f"g{i + 1}",
        "party": r.code(*v("borrower_type"), PARTY, f"{cpath}.party"),
        "opened_on": r.date(*v("opened_on"), f"{cpath}.opened_on"),
        "ends_on": r.date(*v("due_on"), f"{cpath}.ends_on"),
        "amount": r.number(*v("liability_amount"), f"{cpath}.amount"),
        _CURRENCY_KEY: _currency(r, *v("currency")),
        "balance": r.number(*v("balance"), f"{cpath}.balance"),
        "classification": r.code(*v("five_class"), CLASSIFICATION, f"{cpath}.classification"),
        "status": r.code(*v("status"), STATUS, f"{cpath}.status"),
        "institution_type": r.code(
            *v("institution_type"), INSTITUTION, f"{cpath}.institution_type"
        ),
        "overdue_amount": r.number(*v("overdue_amount"), f"{cpath}.overdue_amount"),
    }
    if "borrower_type" not in got:
        r.problem(join(path, "borrower_type"), "is required")
    return {k: x for k, x in g.items() if x is not None}


#: 公共信息明细 sections: key -> (Chinese name, kind, date field, amount field, status field,
#: unmapped fields with their Chinese names).
_PUBLIC: dict[str, tuple[str, PublicRecordKind, str, str, str | None, dict[str, str]]] = {
    "tax_arrears": (
        "欠税记录", PublicRecordKind.TAX_ARREARS, "stat_date", "total_arrears", None,
        {"tax_authority": "主管税务机关"},
    ),
    "civil_judgments": (
        "民事判决记录", PublicRecordKind.CIVIL_JUDGMENT, "filed_on", "claim_amount", None,
        {"court": "立案法院", "cause": "案由", "closing_method": "结案方式",
         "result": "判决/调解结果", "effective_on": "判决/调解生效日期", "claim": "诉讼标的"},
    ),
    "enforcements": (
        "强制执行记录", PublicRecordKind.ENFORCEMENT, "filed_on", "claim_amount", "case_status",
        {"court": "执行法院", "cause": "执行案由", "closing_method": "结案方式",
         "closed_on": "结案日期", "claim": "申请执行标的", "executed": "已执行标的",
         "executed_amount": "已执行标的金额"},
    ),
    "administrative_penalties": (
        "行政处罚记录", PublicRecordKind.ADMINISTRATIVE_PENALTY, "effective_on", "amount", None,
        {"authority": "处罚机构", "content": "处罚内容", "ends_on": "处罚截止日期",
         "review_result": "行政复议结果"},
    ),
}  # fmt: skip
_PUBLIC_UNMAPPED = {
    "housing_fund": "住房公积金参缴记录: not an adverse record; " + _NO_HOME,
    "subsistence_allowance": "低保救助记录: " + _NO_HOME,
    "qualifications": "执业资格记录: " + _NO_HOME,
    "administrative_rewards": "行政奖励记录: " + _NO_HOME,
}


def _public_records(r: Reader, value: Any, path: str, out: list[dict[str, Any]]) -> None:
    m = r.obj(value, path)
    if m is None:
        return
    sections = r.fields(m, path, frozenset(_PUBLIC), _PUBLIC_UNMAPPED, "公共信息明细")
    for key, (records, p) in sections.items():
        name, kind, date_key, amount_key, status_key, extra = _PUBLIC[key]
        known = frozenset(k for k in (date_key, amount_key, status_key) if k)
        unmapped = {k: f"{cn}: {_NO_HOME}" for k, cn in extra.items()}
        for i, rec in enumerate(r.arr(records, p)):
            rp = join(p, i)
            mm = r.obj(rec, rp)
            if mm is None:
                continue
            got = r.fields(mm, rp, known, unmapped, name)
            cpath = f"public_records[{len(out)}]"
            r.where[cpath] = rp
            d = got.get(date_key, (None, join(rp, date_key)))
            a = got.get(amount_key, (None, join(rp, amount_key)))
            rec_out = {
                "kind": str(kind),
                "on": r.date(*d, f"{cpath}.on"),
                "amount": r.number(*a, f"{cpath}.amount"),
            }
            if status_key and status_key in got:
                rec_out["status"] = r.code(*got[status_key], CASE_STATUS, f"{cpath}.status")
            out.append({k: x for k, x in rec_out.items() if x is not None})


def _queries(r: Reader, value: Any, path: str) -> list[dict[str, Any]]:
    """查询记录: ``{query_date, institution, institution_type, reason}``."""
    out: list[dict[str, Any]] = []
    for i, rec in enumerate(r.arr(value, path)):
        p = join(path, i)
        m = r.obj(rec, p)
        if m is None:
            continue
        known = frozenset({"query_date", "reason", "institution_type"})
        unmapped = {"institution": f"查询机构: {_NO_HOME} (an inquiry carries the type only)"}
        got = r.fields(m, p, known, unmapped, "查询记录")
        cpath = f"inquiries[{i}]"
        r.where[cpath] = p
        q = {
            "on": r.date(*got.get("query_date", (None, join(p, "query_date"))), f"{cpath}.on"),
            "kind": r.code(
                *got.get("reason", (None, join(p, "reason"))), QUERY_REASON, f"{cpath}.kind"
            ),
        }
        if "institution_type" in got:
            q["institution_type"] = r.code(*got["institution_type"], INSTITUTION)
        for key in ("query_date", "reason"):
            if key not in got:
                r.problem(join(p, key), "is required")
        out.append({k: x for k, x in q.items() if x is not None})
    return out


_TOP_UNMAPPED = {
    "header": "报告头 (report number, time, querying institution): not about the subject's credit",
    "personal_info": "个人基本信息: " + _PERSONAL,
    "summary": "信息概要: a summary of the detail sections, which are mapped one by one",
    "credit_agreements": "授信协议信息: " + _NO_HOME + " (each account carries its own limit)",
    "annotations": "标注及声明: " + _NO_HOME + " (free text)",
}
_TOP = frozenset({"credit_transactions", "public_records", "queries"})

#: 币种 as the report prints it -> ISO 4217 code (an ISO code itself is taken as it is).
CURRENCY: dict[str, str] = {
    "人民币": "CNY", "人民币元": "CNY", "美元": "USD", "港元": "HKD", "港币": "HKD",
    "澳门元": "MOP", "新台币": "TWD", "欧元": "EUR", "英镑": "GBP", "日元": "JPY",
}  # fmt: skip
_CURRENCY_KEY = "\x00currency"  # a record's currency and its input path, until one_currency


def _currency(r: Reader, value: Any, path: str) -> tuple[str, str] | None:
    """``(ISO code, input path)`` of a record's 币种, or ``None`` (absent or refused)."""
    if value is None:
        r.used(path, "currency")
        return None
    if isinstance(value, str) and len(value) == 3 and value.isascii() and value.isupper():
        r.used(path, "currency")
        return value, path
    code = r.code(value, path, CURRENCY, "currency")
    return None if code is None else (code, path)


def one_currency(r: Reader, doc: dict[str, Any], records: tuple[dict[str, Any], ...]) -> None:
    """Set ``doc["currency"]`` to the one currency of the records; a second currency is a
    problem at its path (a profile holds amounts in one currency and nothing is converted)."""
    first: tuple[str, str] | None = None
    for rec in records:
        got = rec.pop(_CURRENCY_KEY, None)
        if got is None:
            continue
        if first is None:
            first = got
        elif got[0] != first[0]:
            r.problem(
                got[1],
                f"is {got[0]} but {first[1]} is {first[0]}: a profile holds its amounts in one "
                "currency and the library converts none; convert them, or map the records of "
                "each currency apart",
            )
    if first is not None:
        doc["currency"] = first[0]


def from_pboc(report: Any, *, subject_id: str) -> AdapterResult:
    """Map a PBoC-personal-credit-report-shaped document to a contract v2 profile.

    Args:
        report: The report as a JSON object in the layout of ``docs/adapters.md``.
        subject_id: The pseudonymous subject id to give the profile (the report's name and
            ID number are never used).

    Returns:
        An :class:`~credit_closure.adapters.AdapterResult`: the profile, every input field
        not carried into it (with the reason), and every input path it used.

    Raises:
        InvalidInputError: listing every problem, each named by its path in ``report``.

    Example:
        >>> from credit_closure.adapters import from_pboc
        >>> res = from_pboc({
        ...     "personal_info": {"name": "X"},
        ...     "credit_transactions": {"credit_cards": [
        ...         {"account_number": "c1", "status": "正常", "credit_limit": 20000,
        ...          "used_amount": 3000, "opened_on": "2019-05-10"}]},
        ...     "queries": [{"query_date": "2025-01-02", "reason": "信用卡审批"}],
        ... }, subject_id="s-1")
        >>> res.profile.accounts[0].product.value, res.profile.inquiries[0].kind.value
        ('credit_card', 'card_approval')
        >>> [u.path for u in res.unmapped]
        ['personal_info']
    """
    r = Reader()
    top = r.obj(report, "")
    if top is None:
        top = {}
    doc: dict[str, Any] = {"contract_version": 2, "subject_id": subject_id}
    accounts: list[dict[str, Any]] = []
    closures: list[dict[str, Any]] = []
    guarantees: list[dict[str, Any]] = []
    public: list[dict[str, Any]] = []
    got = r.fields(top, "", _TOP, _TOP_UNMAPPED, "report")
    r.where.update(
        accounts="credit_transactions",
        closures="credit_transactions",
        guarantees="credit_transactions.repayment_liabilities",
        public_records="public_records",
        inquiries="queries",
    )
    if "credit_transactions" in got:
        value, path = got["credit_transactions"]
        ct = r.obj(value, path) or {}
        known = frozenset({*ACCOUNT_SECTIONS, "repayment_liabilities"})
        for key, (records, p) in r.fields(ct, path, known, {}, "信贷交易信息明细").items():
            for i, rec in enumerate(r.arr(records, p)):
                m = r.obj(rec, join(p, i))
                if m is None:
                    continue
                if key == "repayment_liabilities":
                    guarantees.append(_guarantee(r, m, join(p, i), len(guarantees)))
                    continue
                acc, closure = _account(r, m, join(p, i), f"accounts[{len(accounts)}]", key)
                accounts.append(acc)
                if closure is not None:
                    r.where[f"closures[{len(closures)}]"] = join(p, i)
                    closures.append(closure)
    if "public_records" in got:
        _public_records(r, *got["public_records"], public)
    if "queries" in got:
        doc["inquiries"] = _queries(r, *got["queries"])
    doc.update(accounts=accounts, closures=closures, guarantees=guarantees, public_records=public)
    one_currency(r, doc, (*accounts, *guarantees))
    return build(r, doc)
