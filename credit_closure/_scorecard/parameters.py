"""The parameters of :class:`~credit_closure._scorecard.logistic.LogisticScorer`: their
names, the values an artifact saved before a parameter existed was fitted with, their
checks (shared by :meth:`~credit_closure._scorecard.logistic.LogisticScorer.fit` and the
artifact loader), the checks of reason texts, and the choices they select from (reason
methods, shapes, binning methods, the closure-count features left out by default).

Also the naming of lender-attribute inputs: their reason code
(:func:`attribute_reason_code`) and default reason text.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from credit_closure._scorecard._validation import Problem, finite, is_int, is_number, type_name
from credit_closure._scorecard.woe import MAX_PREBINS, MAX_SMOOTHING, _check_smoothing
from credit_closure._scoring.features import CLOSURE_ACT_FEATURES as _FEATURE_SPECS_CLOSURE_ACTS
from credit_closure._scoring.reasons import ReasonText
from credit_closure.exceptions import InvalidInputError

__all__ = [
    "BINNINGS",
    "CLOSURE_ACT_FEATURES",
    "NUMERIC_TRENDS",
    "REASON_METHODS",
    "SHAPES",
    "attribute_reason_code",
    "read_reason_texts",
]

#: ``reason_method`` choices: points below the best attainable, or below the average of
#: training applicants near the cutoff.
REASON_METHODS = ("points_below_max", "below_cutoff_average")
#: ``shapes`` choices for numeric inputs without a domain direction.
SHAPES = ("auto", "monotonic")
#: ``binning`` choices: the exact largest-IV grouping of the pre-bins, or the greedy merges.
BINNINGS = ("optimal", "greedy")
#: ``numeric_trend`` choices: a trend term for each numeric lender attribute when the fit's
#: cross-validation prefers it (:mod:`credit_closure._scorecard.trend`), or never.
NUMERIC_TRENDS = ("auto", "off")
#: The ``fit_numeric`` shape of a feature's domain direction.
_DIRECTION = {"up": "increasing", "down": "decreasing", "?": "auto"}

_PARAM_NAMES = (
    "max_bins",
    "min_bin_share",
    "C",
    "min_iv",
    "max_inputs",
    "attributes",
    "categorical",
    "reason_method",
    "cutoff_band",
    "allow_closure_counts",
    "shapes",
    "binning",
    "prebins",
    "woe_smoothing",
    "numeric_trend",
)
#: Parameters an artifact may lack (it predates them), with the value it was fitted with.
_PARAM_BEFORE = {
    "shapes": "monotonic",
    "binning": "greedy",
    "prebins": 20,
    "woe_smoothing": 0.5,
    "numeric_trend": "off",
}

#: Features that only count or date closures themselves. Left out by default so that a
#: voluntary, paid-off closure in good standing is never a reason by itself (a scored input
#: would have to be disclosed as a reason when it weighs, Reg B 9(b)(2)-4 [REGB-INTERP]).
CLOSURE_ACT_FEATURES = _FEATURE_SPECS_CLOSURE_ACTS  # from the feature specs (closure_act)


def attribute_reason_code(name: str) -> str:
    """The reason code of the lender attribute ``name``: ``ATTR_`` + the upper-cased name,
    every character other than ASCII letters and digits replaced by ``_``.

    Example:
        >>> attribute_reason_code("monthly_income"), attribute_reason_code("城市 tier")
        ('ATTR_MONTHLY_INCOME', 'ATTR____TIER')
    """
    return "ATTR_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def _default_attribute_text(names: Sequence[str]) -> ReasonText:
    """The text of a reason code shared by the lender attributes ``names``."""
    quoted = ", ".join(f"'{n}'" for n in names)
    if len(names) == 1:
        return ReasonText(f"Lender input {quoted}", f"贷款机构输入项 {quoted}")
    return ReasonText(f"Lender inputs {quoted}", f"贷款机构输入项 {quoted}")


def _monotonic_for(direction: str, shapes: str) -> str:
    """The ``fit_numeric`` shape of an input with domain ``direction`` (``"up"``, ``"down"``
    or ``"?"``): the domain's direction, else ``"auto_shape"`` or ``"auto"``."""
    if direction in ("up", "down"):
        return _DIRECTION[direction]
    return "auto_shape" if shapes == "auto" else "auto"


def _is_names(v: Any) -> bool:
    """Whether ``v`` is a list or tuple of non-empty strings."""
    return isinstance(v, (list, tuple)) and all(isinstance(x, str) and x for x in v)


def _check_model_params(p: Mapping[str, Any], prefix: str) -> list[Problem]:
    """Problems of the binning and regression parameters."""
    out: list[Problem] = []
    v = p.get("max_bins")
    if not is_int(v) or not 1 <= v <= 50:
        out.append((prefix + "max_bins", "must be an integer between 1 and 50"))
    v = p.get("min_bin_share")
    if not finite(v) or not 0.0 <= v <= 0.5:
        out.append((prefix + "min_bin_share", "must be a number between 0 and 0.5"))
    v = p.get("C")
    if v != "auto" and (not finite(v) or v <= 0):
        out.append((prefix + "C", "must be 'auto' or a finite number > 0"))
    v = p.get("min_iv")
    if not finite(v) or v < 0:
        out.append((prefix + "min_iv", "must be a finite number >= 0"))
    v = p.get("max_inputs")
    if v is not None and (not is_int(v) or v < 1):
        out.append((prefix + "max_inputs", "must be None or an integer >= 1"))
    return out


def _check_input_params(p: Mapping[str, Any], prefix: str) -> list[Problem]:
    """Problems of the parameters choosing the inputs and the reasons."""
    out: list[Problem] = []
    v = p.get("attributes")
    if not (v is None or v == "auto" or _is_names(v)):
        out.append((prefix + "attributes", "must be 'auto', None or a list of attribute names"))
    elif isinstance(v, (list, tuple)) and len(set(v)) != len(v):
        out.append((prefix + "attributes", "must not name an attribute twice"))
    v = p.get("categorical")
    if not (v is None or _is_names(v)):
        out.append((prefix + "categorical", "must be None or a list of attribute names"))
    v = p.get("reason_method")
    if v not in REASON_METHODS:
        out.append((prefix + "reason_method", f"must be one of {', '.join(REASON_METHODS)}"))
    v = p.get("cutoff_band")
    if not finite(v) or v <= 0:
        out.append((prefix + "cutoff_band", "must be a finite number > 0"))
    v = p.get("allow_closure_counts")
    if v is not None and not isinstance(v, bool):
        out.append((prefix + "allow_closure_counts", "must be true or false"))
    return out


def _check_binning_params(p: Mapping[str, Any], prefix: str) -> list[Problem]:
    """Problems of the parameters added after the first artifacts (with their defaults of
    then when absent)."""
    out: list[Problem] = []
    v = p.get("shapes", "monotonic")
    if v not in SHAPES:
        out.append((prefix + "shapes", f"must be one of {', '.join(SHAPES)}"))
    v = p.get("binning", "greedy")
    if v not in BINNINGS:
        out.append((prefix + "binning", f"must be one of {', '.join(BINNINGS)}"))
    v = p.get("prebins", 20)
    if not is_int(v) or not 1 <= v <= MAX_PREBINS:
        out.append((prefix + "prebins", f"must be an integer between 1 and {MAX_PREBINS}"))
    v = p.get("numeric_trend", "off")
    if v not in NUMERIC_TRENDS:
        out.append((prefix + "numeric_trend", f"must be one of {', '.join(NUMERIC_TRENDS)}"))
    v = p.get("woe_smoothing", 0.5)
    if is_number(v):
        _check_smoothing(out, prefix + "woe_smoothing", v)
    else:
        out.append(
            (
                prefix + "woe_smoothing",
                f"must be a multiple of 0.5 between 0.5 and {MAX_SMOOTHING:g} "
                f"(a Python int or float; got {type_name(v)})",
            )
        )
    return out


def _check_params(p: Mapping[str, Any], prefix: str = "") -> list[Problem]:
    """Problems of the fit parameters (not ``scale``/``reason_texts``), named ``prefix+name``."""
    return (
        _check_model_params(p, prefix)
        + _check_input_params(p, prefix)
        + _check_binning_params(p, prefix)
    )


class CheckedTexts(NamedTuple):
    """The reason texts that passed, by code, and the problems of the others."""

    texts: dict[str, ReasonText]
    problems: list[Problem]


def _join(path: str, key: str) -> str:
    """``path.key``, or ``key`` at the top of a document (``path`` empty)."""
    return f"{path}.{key}" if path else key


def _text_entry(
    t: Any, p: str, problems: list[Problem], *, bins: bool = False
) -> ReasonText | None:
    """One code's texts, from ``{"en": ..., "zh": ...}`` or an ``(en, zh)`` pair; with
    ``bins``, the object may also hold ``"bins"`` (per-bin texts, checked by
    :func:`credit_closure._scorecard.bin_texts.check_bin_texts`)."""
    if isinstance(t, Mapping):
        if set(t) - ({"bins"} if bins else set()) != {"en", "zh"}:
            keys = ", ".join(sorted(map(str, t))) or "none"
            allowed = "en and zh (and bins)" if bins else "exactly en and zh"
            problems.append((p, f"must be an object with {allowed} (got keys {keys})"))
            return None
        en, zh = t["en"], t["zh"]
        bad = [k for k, v in (("en", en), ("zh", zh)) if not isinstance(v, str) or not v]
        for k in bad:
            problems.append((f"{p}.{k}", "must be a non-empty string"))
        return None if bad else ReasonText(en, zh)
    if isinstance(t, (list, tuple)) and len(t) == 2:
        en, zh = t
        if not isinstance(en, str) or not en or not isinstance(zh, str) or not zh:
            problems.append((p, "texts must be non-empty strings"))
            return None
        return ReasonText(en, zh)
    problems.append((p, "must be an (English, Chinese) pair or an object with en and zh"))
    return None


def _check_texts(texts: Any, path: str, *, bins: bool = True) -> CheckedTexts:
    """``code -> ReasonText`` from a mapping of ``(en, zh)`` pairs or ``{"en", "zh"}``
    (with ``bins``, also ``{"en", "zh", "bins"}``: the per-bin texts are not checked here);
    problems are named ``path.CODE`` (``CODE`` alone when ``path`` is empty: a file)."""
    out: dict[str, ReasonText] = {}
    problems: list[Problem] = []
    if texts is None:
        return CheckedTexts(out, problems)
    if not isinstance(texts, Mapping):
        what = "must map reason codes to (English, Chinese) texts"
        return CheckedTexts(out, [(path, what)])
    for code, t in texts.items():
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]{0,79}", code):
            msg = "is not a reason code (1-80 of A-Z, 0-9 and _, starting with a letter)"
            if isinstance(code, str) and code:
                if code.upper().startswith("ATTR_"):
                    msg += f"; codes are upper case: {code.upper()}"
                else:
                    code_of = attribute_reason_code(code)
                    msg += f"; the code of the lender attribute {code!r} is {code_of}"
                problems.append((_join(path, code), msg))
            else:
                problems.append((path, "has a code that is not a non-empty string"))
            continue
        text = _text_entry(t, _join(path, code), problems, bins=bins)
        if text is not None:
            out[code] = text
    return CheckedTexts(out, problems)


#: Largest reason-texts file read (the texts of a scorecard are a few kilobytes).
MAX_REASON_TEXTS_BYTES = 1024 * 1024


def read_reason_texts(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The reason texts of a ``.json`` file (or ``.toml`` on Python 3.11+): an object
    mapping each reason code to ``{"en": ..., "zh": ...}``, the shape the ``reason_texts``
    parameter of :class:`~credit_closure.LogisticScorer` accepts. A lender attribute's code
    is :func:`attribute_reason_code` of its name (``age`` -> ``ATTR_AGE``); a feature's
    code overrides the catalog's text.

    A code's object may also hold ``"bins"``, texts for some of its inputs' bins
    (``docs/training-and-validation.md``); such a code maps to its object as written
    (``{"en", "zh", "bins"}``), every other code to its :class:`ReasonText`.

    JSON is read strictly (UTF-8 without BOM, no duplicate keys, no ``NaN``).

    Raises:
        InvalidInputError: The file cannot be read or parsed, or an entry is malformed;
            every problem is named by its path inside the file (``ATTR_AGE.zh``).
    """
    from credit_closure._contract.documents import loads_document

    what = "reason texts"
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            raw = fh.read(MAX_REASON_TEXTS_BYTES + 1)
    except OSError as exc:
        raise InvalidInputError([("", f"cannot be read: {exc.strerror}")], what=what) from None
    if len(raw) > MAX_REASON_TEXTS_BYTES:
        limit = f"is larger than {MAX_REASON_TEXTS_BYTES} bytes"
        raise InvalidInputError([("", limit)], what=what)
    if name.lower().endswith(".toml"):
        data = _loads_toml(raw, what)
    else:
        data = loads_document(raw, what=what)
    if not isinstance(data, Mapping):
        raise InvalidInputError(
            [("", "must be an object mapping reason codes to texts")], what=what
        )
    if not data:
        raise InvalidInputError([("", "holds no reason text")], what=what)
    from credit_closure._scorecard.bin_texts import check_bin_texts

    texts, problems = _check_texts(data, "")
    binned, bin_problems = check_bin_texts(data, "")
    problems += bin_problems
    if problems:
        raise InvalidInputError(problems, what=what)
    out: dict[str, Any] = dict(texts)
    for code in binned:
        out[code] = {"en": texts[code].en, "zh": texts[code].zh, "bins": data[code]["bins"]}
    return out


def _loads_toml(raw: bytes, what: str) -> Any:
    """A TOML document (Python 3.11+)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise InvalidInputError(
            [("", "starts with a byte-order mark; save it as UTF-8 without BOM")], what=what
        )
    if sys.version_info < (3, 11):  # pragma: no cover - Python 3.10
        raise InvalidInputError([("", "TOML needs Python 3.11 or newer; use JSON")], what=what)
    else:
        import tomllib

        try:
            return tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InvalidInputError([("", f"is not valid TOML: {exc}")], what=what) from None
