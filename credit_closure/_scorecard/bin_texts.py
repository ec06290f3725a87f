"""Per-bin reason texts of a logistic scorecard.

A reason code's entry in the ``reason_texts`` parameter (and in a reason-texts file) may hold,
besides its ``en`` and ``zh`` texts, ``"bins"``: texts for some of the bins of the inputs
reported under that code. The bins are learned by the fit, so an entry names the values it is
for, not a bin: ``{"below": 25, ...}``, ``{"from": 25, "below": 40, ...}``, ``{"from": 40,
...}`` (numbers, ``[from, below)``), ``{"categories": ["3", "4"], ...}`` (a categorical
input) or ``{"missing": true, ...}``; ``"input"`` names the input when the code is shared by
several. After the fit, each bin gets the text of the entry whose values hold the whole bin
(:func:`attach_bin_texts`); a bin without one falls back to the code's text.

The fitted texts are stored per bin in the artifact (``inputs[i].bin_texts``, format
version 2) and used by every path that words a reason: :class:`BinnedTexts` is the scorer's
``reason_texts`` with the per-bin texts attached, which ``assess()`` reads through
:func:`credit_closure._scoring.reasons.bin_reason_text`. The engines rank reasons by code, so
per-bin texts never change which codes are reported.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from credit_closure._scorecard._validation import Problem, is_number
from credit_closure._scorecard.binning_model import CategoricalBinning
from credit_closure._scorecard.fitted import ScorecardInput
from credit_closure._scorecard.parameters import _text_entry, attribute_reason_code
from credit_closure._scoring.reasons import FEATURE_REASON, ReasonText

__all__ = ["BinText", "BinnedTexts", "attach_bin_texts", "binned_texts", "check_bin_texts"]

#: Most per-bin texts under one code.
MAX_BIN_TEXTS = 100
_KEYS = {"en", "zh", "input", "from", "below", "categories", "missing"}


class BinText(NamedTuple):
    """One per-bin text: the values it is for and its texts."""

    text: ReasonText
    #: where it is in the parameter or file (``ATTR_AGE.bins[1]``), for messages
    path: str
    #: the input it is for (``None``: every input reported under the code)
    input: str | None = None
    #: numeric: the lowest value (inclusive), ``None`` for no lower bound
    lower: float | None = None
    #: numeric: the bound below which (exclusive), ``None`` for no upper bound
    upper: float | None = None
    #: categorical: the categories
    categories: frozenset[str] | None = None
    #: the missing bin
    missing: bool = False

    @property
    def numeric(self) -> bool:
        return not self.missing and self.categories is None

    def covers(self, lo: float, hi: float) -> bool:
        """Whether the numeric bin ``[lo, hi)`` lies within this entry's values."""
        low = -math.inf if self.lower is None else self.lower
        high = math.inf if self.upper is None else self.upper
        return low <= lo and hi <= high

    def describe(self) -> str:
        if self.missing:
            return "missing"
        if self.categories is not None:
            return "categories " + ", ".join(sorted(self.categories))
        parts = [f"from {self.lower:g}"] if self.lower is not None else []
        parts += [f"below {self.upper:g}"] if self.upper is not None else []
        return ", ".join(parts)


# --------------------------------------------------------------------------------------
# Checks of the parameter (before the fit)
# --------------------------------------------------------------------------------------
def _input_problem(code: str, name: Any) -> str | None:
    """Why ``name`` cannot be an input reported under ``code``, or ``None``."""
    if not isinstance(name, str) or not name:
        return "must be the name of an input (a non-empty string)"
    if code.startswith("ATTR_"):
        if attribute_reason_code(name) == code:
            return None
    elif FEATURE_REASON.get(name) == code:
        return None
    return f"{name!r} is not an input reported under {code}"


def _bound(entry: Mapping[str, Any], key: str, p: str, problems: list[Problem]) -> float | None:
    if key not in entry:
        return None
    v = entry[key]
    if not is_number(v) or not math.isfinite(v):
        problems.append((f"{p}.{key}", "must be a finite number"))
        return None
    return float(v)


def _selector(entry: Mapping[str, Any], p: str, problems: list[Problem]) -> dict[str, Any] | None:
    """The values an entry is for (the BinText fields besides its text, path and input)."""
    numeric = "from" in entry or "below" in entry
    ways = int(numeric) + ("categories" in entry) + ("missing" in entry)
    if ways != 1:
        problems.append(
            (p, "must give its values one way: from/below (numbers), categories, or missing")
        )
        return None
    if "missing" in entry:
        if entry["missing"] is not True:
            problems.append((f"{p}.missing", "must be true"))
            return None
        return {"missing": True}
    if "categories" in entry:
        cats = entry["categories"]
        if (
            not isinstance(cats, list)
            or not cats
            or not all(isinstance(c, str) and c for c in cats)
            or len(set(cats)) != len(cats)
        ):
            problems.append((f"{p}.categories", "must be a list of distinct non-empty strings"))
            return None
        return {"categories": frozenset(cats)}
    n = len(problems)
    lower, upper = _bound(entry, "from", p, problems), _bound(entry, "below", p, problems)
    if len(problems) > n:
        return None
    if lower is not None and upper is not None and not lower < upper:
        problems.append((p, "must have from < below"))
        return None
    return {"lower": lower, "upper": upper}


def _bin_entry(code: str, entry: Any, p: str, problems: list[Problem]) -> BinText | None:
    if not isinstance(entry, Mapping):
        problems.append((p, "must be an object with en, zh and the values it is for"))
        return None
    unknown = sorted(str(k) for k in entry if k not in _KEYS)
    for k in unknown:
        problems.append(
            (f"{p}.{k}", "is not a known key (en, zh, input, from, below, categories, missing)")
        )
    n = len(problems)
    text = _text_entry({k: entry.get(k) for k in ("en", "zh")}, p, problems)
    name = entry.get("input")
    if name is not None and (why := _input_problem(code, name)) is not None:
        problems.append((f"{p}.input", why))
    selector = _selector(entry, p, problems)
    if unknown or len(problems) > n or text is None or selector is None:
        return None
    return BinText(text, p, name, **selector)


def _overlap_problems(entries: Sequence[BinText]) -> list[Problem]:
    """Two entries for the same input and values: which text would a bin read?"""
    out: list[Problem] = []
    for i, a in enumerate(entries):
        for b in entries[:i]:
            if a.input != b.input and a.input is not None and b.input is not None:
                continue
            if a.missing and b.missing:
                clash = True
            elif a.categories is not None and b.categories is not None:
                clash = bool(a.categories & b.categories)
            elif a.numeric and b.numeric:
                lo = max(-math.inf if x.lower is None else x.lower for x in (a, b))
                hi = min(math.inf if x.upper is None else x.upper for x in (a, b))
                clash = lo < hi
            else:
                clash = False
            if clash:
                out.append((a.path, f"overlaps {b.path}: a bin could read either text"))
    return out


def check_bin_texts(texts: Any, path: str) -> tuple[dict[str, tuple[BinText, ...]], list[Problem]]:
    """The per-bin texts of a ``reason_texts`` parameter, by code, and their problems
    (named ``path.CODE.bins[i]``, ``CODE.bins[i]`` when ``path`` is empty: a file). The
    codes' own texts are checked by ``parameters._check_texts``."""
    out: dict[str, tuple[BinText, ...]] = {}
    problems: list[Problem] = []
    if not isinstance(texts, Mapping):
        return out, problems
    for code, t in texts.items():
        if not isinstance(t, Mapping) or "bins" not in t or not isinstance(code, str):
            continue
        bins = t["bins"]
        p = f"{path}.{code}.bins" if path else f"{code}.bins"
        if not isinstance(bins, (list, tuple)) or not bins or len(bins) > MAX_BIN_TEXTS:
            problems.append((p, f"must be a list of 1-{MAX_BIN_TEXTS} per-bin texts"))
            continue
        n = len(problems)
        entries = [_bin_entry(code, e, f"{p}[{i}]", problems) for i, e in enumerate(bins)]
        if len(problems) == n:
            found = tuple(e for e in entries if e is not None)
            problems += _overlap_problems(found)
            out[code] = found
    return out, problems


# --------------------------------------------------------------------------------------
# After the fit: one text per bin
# --------------------------------------------------------------------------------------
def _bin_bounds(inp: ScorecardInput) -> list[tuple[float, float]]:
    cuts = (-math.inf, *inp.binning.cuts, math.inf)  # type: ignore[union-attr]
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]


def _texts_of_input(
    inp: ScorecardInput, entries: Sequence[BinText], used: set[str], problems: list[Problem]
) -> tuple[ReasonText | None, ...]:
    """The text of each bin of ``inp`` (``None``: the code's), marking the entries used."""
    b = inp.binning
    n = b.n_bins
    texts: list[ReasonText | None] = [None] * n
    categorical = isinstance(b, CategoricalBinning)
    for e in entries:
        if e.missing:
            texts[n - 1] = e.text
            used.add(e.path)
            continue
        if (e.categories is not None) != categorical:
            kind = "categorical" if categorical else "numeric"
            how = "categories" if categorical else "from/below"
            problems.append(
                (
                    e.path,
                    f"{inp.name!r} is {kind} in the fitted scorecard: give its values with {how}",
                )
            )
            continue
        if isinstance(b, CategoricalBinning):
            hits = [i for i, g in enumerate(b.groups) if set(g) <= (e.categories or set())]
        else:
            hits = [i for i, (lo, hi) in enumerate(_bin_bounds(inp)) if e.covers(lo, hi)]
        for i in hits:
            texts[i] = e.text
        if hits:
            used.add(e.path)
    return tuple(texts)


class AttachedTexts(NamedTuple):
    """The inputs with their per-bin texts, the problems (an entry that does not fit its
    input's kind) and the warnings (texts not used, bins left with the code's text)."""

    inputs: list[ScorecardInput]
    problems: list[Problem]
    warnings: list[str]


def attach_bin_texts(
    inputs: Sequence[ScorecardInput], bins: Mapping[str, Sequence[BinText]]
) -> AttachedTexts:
    """Give every fitted input reported under a code with per-bin texts the text of each of
    its bins (``ScorecardInput.bin_texts``)."""
    out: list[ScorecardInput] = []
    problems: list[Problem] = []
    notes: list[str] = []
    used: set[str] = set()
    for inp in inputs:
        entries = [e for e in bins.get(inp.reason_code, ()) if e.input in (None, inp.name)]
        if not entries:
            out.append(inp)
            continue
        texts = _texts_of_input(inp, entries, used, problems)
        bare = [label for label, t in zip(inp.labels, texts) if t is None]
        if bare:
            notes.append(
                f"{inp.reason_code}: the bins {', '.join(bare)} of {inp.name!r} have no "
                f"per-bin text; their reasons read the text of {inp.reason_code}"
            )
        out.append(inp.with_bin_texts(texts if any(texts) else None))
    for code in sorted(bins):
        for e in bins[code]:
            if e.path not in used:
                notes.append(
                    f"{e.path} ({e.describe()}) holds no whole bin of a scored input "
                    f"reported under {code}; its text is not used"
                )
    return AttachedTexts(out, problems, notes)


# --------------------------------------------------------------------------------------
# Scoring: the codes' texts with the per-bin texts attached
# --------------------------------------------------------------------------------------
class BinnedTexts(dict[str, ReasonText]):
    """A scorecard's reason texts by code (a plain ``dict``), with ``by_bin``: the per-bin
    texts by ``(code, input name, bin label)`` (a reason's factor carries its input's name
    and its bin's label)."""

    by_bin: dict[tuple[str, str, str], ReasonText]

    def __reduce__(self) -> Any:
        return (_rebuild, (dict(self), self.by_bin))


def _rebuild(texts: dict[str, ReasonText], by_bin: Any) -> BinnedTexts:
    out = BinnedTexts(texts)
    out.by_bin = by_bin
    return out


def binned_texts(
    texts: Mapping[str, ReasonText], inputs: Sequence[ScorecardInput]
) -> dict[str, ReasonText]:
    """``texts`` as a dict, a :class:`BinnedTexts` when an input has per-bin texts."""
    by_bin = {
        (inp.reason_code, inp.name, label): t
        for inp in inputs
        if inp.bin_texts is not None
        for label, t in zip(inp.labels, inp.bin_texts)
        if t is not None
    }
    if not by_bin:
        return dict(texts)
    return _rebuild(dict(texts), by_bin)
