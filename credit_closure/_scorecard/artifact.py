"""The JSON artifact of a logistic scorecard (format ``credit_closure.logistic_scorecard``,
version 1, or 2 when an input has per-bin reason texts; ``docs/logistic-scorecard.md``
describes every field).

Holds the artifact's content (:func:`artifact_content`), its canonical form and sha256
(:func:`_canonical`, :func:`_sha256`), the atomic write (:func:`write_artifact`), and the
loader's checks, which run before anything is built: refuse pickles and other binary
containers by their first bytes (:func:`_binary_kind`), oversized files and non-JSON, check
the format, version and hash (:func:`verified_content`), then every field of the document
(:func:`parse_artifact`), collecting every problem into one
:class:`~credit_closure.exceptions.ArtifactError`.

The points and log-odds an artifact states are checked against its binnings and
coefficients here; the scoring semantics themselves are in
:mod:`credit_closure._scorecard.fitted`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from credit_closure._contract.checks import (
    _SURROGATE_RE,
    SURROGATE_MESSAGE,
    _doc_text_problem,
    _key_path,
    _short,
    _text_problem,
)
from credit_closure._contract.documents import UnreadableFile, loads_document, read_capped
from credit_closure._scorecard._validation import Problem, finite, is_int, parse_date, type_name
from credit_closure._scorecard.binning_model import NumericBinning, binning_from_dict
from credit_closure._scorecard.fitted import Binning, FittedState, ScorecardInput, _points_for
from credit_closure._scorecard.parameters import (
    _PARAM_BEFORE,
    _PARAM_NAMES,
    REASON_METHODS,
    _check_params,
    _check_texts,
    _text_entry,
    attribute_reason_code,
)
from credit_closure._scoring.features import FEATURE_INDEX
from credit_closure._scoring.reasons import FEATURE_REASON, ReasonText
from credit_closure._scoring.scale import Scale
from credit_closure.exceptions import ArtifactError, InvalidInputError

__all__ = ["ARTIFACT_FORMAT", "ARTIFACT_FORMAT_VERSION"]

#: The ``format`` name of a logistic scorecard artifact.
ARTIFACT_FORMAT = "credit_closure.logistic_scorecard"
#: The newest artifact format version this library reads and writes. Version 2 adds the
#: per-bin reason texts (``inputs[i].bin_texts``); an artifact without them is written as
#: version 1, byte for byte as before (its sha256 unchanged, older libraries read it).
ARTIFACT_FORMAT_VERSION = 2
#: Every version this library reads.
_FORMAT_VERSIONS = (1, 2)

_MAX_ARTIFACT_BYTES = 16 * 1024 * 1024
_KINDS = ("feature", "attribute")
#: The fields of an artifact besides ``sha256``, in the order they are written.
_CONTENT_KEYS = (
    "format",
    "format_version",
    "inputs",
    "intercept",
    "coefficients",
    "base_points",
    "scale",
    "reason_texts",
    "reason_method",
    "cutoff_averages",
    "training",
)
_TRAINING_KEYS = {
    "data",
    "rows",
    "bads",
    "bad_rate",
    "as_of_min",
    "as_of_max",
    "versions",
    "params",
    "method",
    "metrics",
    "near_cutoff_rows",
    "near_cutoff_rule",
    "selection",
}
#: Optional ``training`` fields: ``C`` (the value ``C="auto"`` chose, and the CV AUC of each
#: value tried), written only by a fit with ``C="auto"``; ``numeric_trend`` (whether the
#: numeric attributes got trend terms, and the CV AUC without and with them), written only
#: by a fit with ``numeric_trend="auto"`` that ran that CV.
_TRAINING_OPTIONAL = {"C", "numeric_trend"}
_INPUT_KEYS = {"name", "kind", "binning", "points", "coefficient", "reason_code", "max_points"}
#: Fields an input may have from this format version on.
_INPUT_KEYS_SINCE = {"bin_texts": 2}


# --------------------------------------------------------------------------------------
# Content, canonical form, hash and file
# --------------------------------------------------------------------------------------
def _canonical(doc: Mapping[str, Any]) -> bytes:
    """The canonical bytes the sha256 is taken of: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _sha256(doc: Mapping[str, Any]) -> str:
    """The sha256 (hex) of the canonical form of ``doc``."""
    return hashlib.sha256(_canonical(doc)).hexdigest()


def artifact_content(state: FittedState, reason_method: str) -> dict[str, Any]:
    """The artifact of a fitted state without its ``sha256`` (the hashed content)."""
    scale, intercept = state.scale, state.intercept
    binned = any(i.bin_texts is not None for i in state.inputs)
    return {
        "format": ARTIFACT_FORMAT,
        "format_version": 2 if binned else 1,
        "inputs": [i.to_dict() for i in state.inputs],
        "intercept": intercept,
        "coefficients": [i.coefficient for i in state.inputs],
        "base_points": scale.offset - scale.factor * intercept,
        "scale": scale.to_dict(),
        "reason_texts": {c: {"en": t.en, "zh": t.zh} for c, t in sorted(state.texts.items())},
        "reason_method": reason_method,
        "cutoff_averages": list(state.cutoff_averages),
        "training": state.metadata,
    }


def write_artifact(doc: Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    """Write ``doc`` as indented JSON to ``path`` atomically (a temporary file, replaced)."""
    text = json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# --------------------------------------------------------------------------------------
# Reading: bytes, header and hash
# --------------------------------------------------------------------------------------
def _artifact_error(source: str, problems: Sequence[Problem]) -> ArtifactError:
    """One error listing the first 50 problems of ``source`` (all on ``.problems``)."""
    n = len(problems)
    lines = [
        f"{source}: not a valid logistic scorecard artifact "
        f"({n} problem{'s' if n != 1 else ''}); nothing in it was executed"
    ]
    for path, msg in problems[:50]:
        lines.append(f"  - {path}: {msg}" if path else f"  - {msg}")
    if n > 50:
        lines.append(f"  ... and {n - 50} more")
    err = ArtifactError("\n".join(lines))
    # ArtifactError declares no ``problems``; callers and tests read it as InvalidInputError's.
    err.problems = list(problems)  # type: ignore[attr-defined]
    return err


def check_sha256_argument(sha256: str | None) -> None:
    """Refuse an expected ``sha256`` that is not 64 hex digits."""
    if sha256 is not None and (
        not isinstance(sha256, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", sha256)
    ):
        raise InvalidInputError([("sha256", "must be 64 hexadecimal digits")], what="argument")


class ArtifactBytes(NamedTuple):
    """The bytes read of an artifact file and the name its messages use (the file's)."""

    raw: bytes
    source: str


def read_artifact(path: str | os.PathLike[str]) -> ArtifactBytes:
    """The first ``_MAX_ARTIFACT_BYTES + 1`` bytes of ``path`` and its name for messages."""
    name = os.path.basename(os.fspath(path)) or "artifact"
    # the file's name as messages show it: escaped when it is not plain text (a path with
    # control characters or a lone surrogate must not reach a terminal or a log raw)
    source = name if name.isprintable() else _short(name, 60)
    try:
        raw = read_capped(path, _MAX_ARTIFACT_BYTES)
    except UnreadableFile as exc:
        raise ArtifactError(f"{source}: cannot read the artifact: {exc.reason}") from None
    return ArtifactBytes(raw, source)


def _binary_kind(raw: bytes) -> str | None:
    """Name the binary container ``raw`` is, by its first bytes, or ``None``."""
    if raw.startswith(b"\x80"):
        return "pickle (protocol 2 or later)"
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"PK\x05\x06"):
        return "zip archive (e.g. a .npz or a zipped joblib dump)"
    if raw.startswith(b"\x93NUMPY"):
        return "numpy .npy file"
    if (
        raw.startswith(b"\x1f\x8b")
        or raw.startswith(b"BZh")
        or raw.startswith(b"\xfd7zXZ")
        or raw.startswith(b"\x28\xb5\x2f\xfd")
    ):
        return "compressed file (e.g. a compressed joblib dump)"
    return None


def document_from_bytes(raw: bytes, source: str) -> Any:
    """The parsed JSON document of ``raw``, after refusing binary, oversized and non-object
    input by its bytes (nothing is unpickled or decompressed)."""
    kind = _binary_kind(raw)
    if kind is not None:
        raise _artifact_error(
            source,
            [
                (
                    "",
                    f"is a {kind}, not a JSON artifact; it was refused without being read as one",
                )
            ],
        )
    if len(raw) > _MAX_ARTIFACT_BYTES:
        raise _artifact_error(source, [("", f"is larger than {_MAX_ARTIFACT_BYTES} bytes")])
    if not raw.lstrip(b" \t\r\n").startswith(b"{"):
        raise _artifact_error(
            source,
            [("", "does not start with '{': not a JSON object (a truncated or foreign file?)")],
        )
    try:
        return loads_document(raw, what="artifact")
    except InvalidInputError as exc:
        raise _artifact_error(source, exc.problems) from None


class VerifiedContent(NamedTuple):
    """An artifact's content (everything but ``sha256``) and its verified sha256."""

    content: dict[str, Any]
    sha256: str


def _check_header(doc: Any, source: str) -> None:
    """Refuse a document that is not an object of this format and version."""
    if not isinstance(doc, dict):
        raise _artifact_error(source, [("", f"must be a JSON object (got {type_name(doc)})")])
    fmt = doc.get("format")
    if fmt != ARTIFACT_FORMAT:
        raise _artifact_error(
            source, [("format", f"must be {ARTIFACT_FORMAT!r} (got {str(fmt)[:60]!r})")]
        )
    ver = doc.get("format_version")
    if not is_int(ver) or ver not in _FORMAT_VERSIONS:
        raise _artifact_error(
            source,
            [
                (
                    "format_version",
                    f"is {ver!r}; this library reads format versions 1 and 2 "
                    "(upgrade credit-closure to read a newer artifact)",
                )
            ],
        )
    inputs = doc.get("inputs")
    binned = isinstance(inputs, list) and any(
        isinstance(i, dict) and "bin_texts" in i for i in inputs
    )
    if ver == 2 and not binned:
        raise _artifact_error(
            source,
            [
                (
                    "format_version",
                    "is 2, but no input has bin_texts: an artifact without per-bin texts is "
                    "format version 1",
                )
            ],
        )


def verified_content(doc: Any, source: str, expected: str | None) -> VerifiedContent:
    """The content of ``doc`` once its format, version and sha256 (stated, and ``expected``
    when given) are checked."""
    _check_header(doc, source)
    stated = doc.get("sha256")
    content = {k: v for k, v in doc.items() if k != "sha256"}
    if not isinstance(stated, str) or not re.fullmatch(r"[0-9a-f]{64}", stated):
        raise _artifact_error(source, [("sha256", "must be 64 lower-case hex digits")])
    try:
        actual = _sha256(content)
    except ValueError:  # infinity (1e400 parses so), a lone surrogate, a 5,000-digit integer
        raise _artifact_error(
            source,
            _value_problems(content)
            or [("", "holds a number beyond the float range (such as 1e400)")],
        ) from None
    if actual != stated:
        raise _artifact_error(
            source,
            [
                (
                    "sha256",
                    "does not match the content: the artifact was changed after it was "
                    f"saved (content hashes to {actual[:12]}..., the file states "
                    f"{stated[:12]}...)",
                )
            ],
        )
    if expected is not None and expected.lower() != actual:
        raise _artifact_error(
            source,
            [
                (
                    "sha256",
                    f"is {actual[:12]}..., not the expected {expected.lower()[:12]}...: "
                    "this is not the model you asked for",
                )
            ],
        )
    return VerifiedContent(content, actual)


# --------------------------------------------------------------------------------------
# Reading: the fields
# --------------------------------------------------------------------------------------
class LoadedArtifact(NamedTuple):
    """A checked artifact: the constructor parameters it was fitted with and its state."""

    params: dict[str, Any]
    state: FittedState


class _Head(NamedTuple):
    """The artifact's scalar fields, each ``None`` when it has a problem."""

    scale: Scale | None
    texts: dict[str, ReasonText]
    reason_method: Any
    intercept: Any


#: The largest integer an artifact may hold: beyond it JSON numbers stop being exact.
_MAX_EXACT_INT = 2**53


def _value_problems(doc: Any) -> list[Problem]:
    """Values no field may hold, wherever they are: an integer beyond +-2**53, a number that
    is not finite, a lone surrogate in a string or a key (walked without recursion)."""
    problems: list[Problem] = []
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack and len(problems) < 50:
        path, value = stack.pop()
        if isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and _SURROGATE_RE.search(key):
                    problems.append(
                        (
                            _key_path(path, key),
                            "is a key holding a lone surrogate (not valid Unicode text)",
                        )
                    )
                else:
                    stack.append((_key_path(path, key), item))
        elif isinstance(value, (list, tuple)):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int) and abs(value) > _MAX_EXACT_INT:
            problems.append((path, "is an integer beyond +-2**53 (not exact in JSON)"))
        elif isinstance(value, float) and not math.isfinite(value):
            problems.append(
                (path, "is not finite (a number beyond the float range, such as 1e400, or NaN)")
            )
        elif isinstance(value, str) and _SURROGATE_RE.search(value):
            problems.append((path, SURROGATE_MESSAGE))
    return sorted(problems)


def _check_keys(doc: Mapping[str, Any], source: str) -> None:
    """Refuse unknown and missing top-level fields, and values no field may hold, before
    reading any field."""
    problems: list[Problem] = []
    known = set(_CONTENT_KEYS)
    for key in doc:
        if key not in known:
            problems.append((_key_path("", key), "is not a known field"))
    for key in sorted(known - set(doc)):
        problems.append((key, "is required"))
    problems += _value_problems(doc)
    if problems:
        raise _artifact_error(source, problems)


def _parse_head(doc: Mapping[str, Any], problems: list[Problem]) -> _Head:
    """The scale, reason texts, reason method and intercept."""
    scale: Scale | None = None
    try:
        scale = Scale.from_dict(doc["scale"], path="scale")
    except InvalidInputError as exc:
        problems += exc.problems
    texts, tp = _check_texts(doc["reason_texts"], "reason_texts", bins=False)
    problems += tp
    method = doc["reason_method"]
    if method not in REASON_METHODS:
        problems.append(("reason_method", f"must be one of {', '.join(REASON_METHODS)}"))
    intercept = doc["intercept"]
    if not finite(intercept) or not isinstance(intercept, float):
        problems.append(("intercept", "must be a finite number"))
    return _Head(scale, texts, method, intercept)


def _check_training(t: Mapping[str, Any]) -> list[Problem]:
    """Problems of the ``training`` metadata (its fields, not its parameters)."""
    out: list[Problem] = []
    for key in t:
        if key not in _TRAINING_KEYS and key not in _TRAINING_OPTIONAL:
            out.append((_key_path("training", key), "is not a known field"))
    for key in sorted(_TRAINING_KEYS - set(t)):
        out.append((f"training.{key}", "is required"))
    if out:
        return out
    if not is_int(t["rows"]) or t["rows"] < 2:
        out.append(("training.rows", "must be an integer >= 2"))
    if not is_int(t["bads"]) or not (is_int(t["rows"]) and 0 < t["bads"] < t["rows"]):
        out.append(("training.bads", "must be an integer between 1 and rows - 1"))
    if not finite(t["bad_rate"]) or not 0 < t["bad_rate"] < 1:
        out.append(("training.bad_rate", "must be a number in (0, 1)"))
    for key in ("as_of_min", "as_of_max"):
        parse_date(t[key], f"training.{key}", out)
    for key in ("data", "method", "near_cutoff_rule"):
        if not isinstance(t[key], str):
            out.append((f"training.{key}", "must be a string"))
        elif (message := _doc_text_problem(t[key])) is not None:
            out.append((f"training.{key}", message))
    for key in ("versions", "metrics", "params"):
        if not isinstance(t[key], dict):
            out.append((f"training.{key}", "must be an object"))
    if not is_int(t["near_cutoff_rows"]) or t["near_cutoff_rows"] < 1:
        out.append(("training.near_cutoff_rows", "must be an integer >= 1"))
    if not isinstance(t["selection"], list):
        out.append(("training.selection", "must be an array"))
    c = t.get("C", {"chosen": 1.0, "cv_auc": {}})
    if not (isinstance(c, dict) and set(c) == {"chosen", "cv_auc"} and finite(c["chosen"])):
        out.append(("training.C", "must be an object with chosen (a number) and cv_auc"))
    elif not isinstance(c["cv_auc"], dict):
        out.append(("training.C.cv_auc", "must be an object"))
    tr = t.get("numeric_trend", {"chosen": False, "cv_auc": {}})
    if not (
        isinstance(tr, dict)
        and set(tr) == {"chosen", "cv_auc"}
        and isinstance(tr["chosen"], bool)
        and isinstance(tr["cv_auc"], dict)
    ):
        out.append(
            ("training.numeric_trend", "must be an object with chosen (true/false) and cv_auc")
        )
    return out


def _parse_training(training: Any, reason_method: Any, problems: list[Problem]) -> dict[str, Any]:
    """The fit parameters of the ``training`` metadata, those an older artifact lacks
    filled in with the values it was fitted with (``{}`` when they have problems)."""
    if not isinstance(training, dict):
        problems.append(("training", "must be an object"))
        return {}
    problems += _check_training(training)
    params = training.get("params")
    if not isinstance(params, dict):
        return {}
    extra = set(params) - set(_PARAM_NAMES)
    for key in sorted(extra, key=str):
        problems.append((_key_path("training.params", key), "is not a known parameter"))
    missing = set(_PARAM_NAMES) - set(params) - set(_PARAM_BEFORE)
    for key in sorted(missing):
        problems.append((f"training.params.{key}", "is required"))
    if extra or missing:
        return params
    params = {**_PARAM_BEFORE, **params}
    problems += _check_params(params, "training.params.")
    if params.get("reason_method") != reason_method:
        problems.append(("reason_method", "differs from training.params"))
    return params


def _check_input_keys(item: Any, path: str, version: int, problems: list[Problem]) -> bool:
    """Whether ``item`` is an object with exactly the fields of an input (of this format
    version)."""
    if not isinstance(item, dict):
        problems.append((path, "must be an object"))
        return False
    bad = False
    for key in item:
        if key in _INPUT_KEYS_SINCE and version < _INPUT_KEYS_SINCE[key]:
            problems.append((_key_path(path, key), f"is not a field of format version {version}"))
            bad = True
        elif key not in _INPUT_KEYS and key not in _INPUT_KEYS_SINCE:
            problems.append((_key_path(path, key), "is not a known field"))
            bad = True
    for key in sorted(_INPUT_KEYS - set(item)):
        problems.append((f"{path}.{key}", "is required"))
        bad = True
    return not bad


def _check_input_points(
    item: Mapping[str, Any], path: str, binning: Binning, factor: float, problems: list[Problem]
) -> None:
    """The stated points and best points must be those of the binning and coefficient."""
    want, want_max = _points_for(binning, item["coefficient"], factor)
    if tuple(item["points"]) != want:
        problems.append(
            (
                f"{path}.points",
                "must equal -factor * coefficient * woe per bin (the points are the model)",
            )
        )
    if item["max_points"] != want_max:
        problems.append(
            (f"{path}.max_points", "must be the best points of a bin with training rows")
        )


def _bin_texts(
    raw: Any, path: str, n_bins: int, problems: list[Problem]
) -> list[ReasonText | None] | None:
    """An input's per-bin texts: one ``{"en", "zh"}`` or ``null`` per bin, at least one
    text (an input without any has no ``bin_texts``)."""
    if not isinstance(raw, list) or len(raw) != n_bins:
        problems.append((path, f"must be an array of {n_bins} texts or nulls, one per bin"))
        return None
    if all(t is None for t in raw):
        problems.append((path, "must give at least one bin a text (or be left out)"))
        return None
    n = len(problems)
    texts = [
        None if t is None else _text_entry(t, f"{path}[{i}]", problems) for i, t in enumerate(raw)
    ]
    return texts if len(problems) == n else None


def _input_from_dict(
    item: Any, path: str, factor: float | None, version: int, problems: list[Problem]
) -> ScorecardInput | None:
    """The input ``item`` of an artifact, or ``None`` after recording why not."""
    if not _check_input_keys(item, path, version, problems):
        return None
    name, kind = item["name"], item["kind"]
    if kind not in _KINDS:
        problems.append((f"{path}.kind", "must be 'feature' or 'attribute'"))
        return None
    if not isinstance(name, str) or not name or len(name) > 64:
        problems.append((f"{path}.name", "must be a string of 1-64 characters"))
        return None
    if (message := _text_problem(name)) is not None:
        problems.append((f"{path}.name", message))
        return None
    if kind == "feature" and name not in FEATURE_INDEX:
        problems.append((f"{path}.name", "is not a feature of this library version"))
        return None
    try:
        binning = binning_from_dict(item["binning"])
    except InvalidInputError as exc:
        problems.extend(exc.prefixed(f"{path}.binning"))
        return None
    if kind == "feature" and not isinstance(binning, NumericBinning):
        problems.append((f"{path}.binning", "must be numeric for a feature"))
        return None
    coef = item["coefficient"]
    if not isinstance(coef, float) or not math.isfinite(coef) or coef <= 0:
        problems.append((f"{path}.coefficient", "must be a finite number > 0"))
        return None
    expected_code = FEATURE_REASON[name] if kind == "feature" else attribute_reason_code(name)
    if item["reason_code"] != expected_code:
        problems.append((f"{path}.reason_code", f"must be {expected_code!r} for this input"))
    points = item["points"]
    if (
        not isinstance(points, list)
        or len(points) != binning.n_bins
        or not all(isinstance(p, float) and math.isfinite(p) for p in points)
    ):
        problems.append((f"{path}.points", f"must be {binning.n_bins} finite numbers, one per bin"))
        return None
    if factor is not None:
        _check_input_points(item, path, binning, factor, problems)
    bin_texts = None
    if "bin_texts" in item:
        bin_texts = _bin_texts(item["bin_texts"], f"{path}.bin_texts", binning.n_bins, problems)
        if bin_texts is None:
            return None
    return ScorecardInput(
        name=name,
        kind=kind,
        binning=binning,
        coefficient=coef,
        points=points,
        reason_code=item["reason_code"],
        max_points=float(item["max_points"]) if finite(item["max_points"]) else 0.0,
        bin_texts=bin_texts,
    )


def _parse_inputs(
    raw_inputs: Sequence[Any], scale: Scale | None, version: int, problems: list[Problem]
) -> list[ScorecardInput]:
    """The inputs that parse, in order (an input that repeats an earlier one is reported)."""
    factor = scale.factor if scale is not None else None
    inputs: list[ScorecardInput] = []
    seen = set()
    for i, item in enumerate(raw_inputs):
        got = _input_from_dict(item, f"inputs[{i}]", factor, version, problems)
        if got is not None:
            if (got.kind, got.name) in seen:
                problems.append((f"inputs[{i}]", "repeats an earlier input"))
            seen.add((got.kind, got.name))
            inputs.append(got)
    return inputs


def _check_agreement(
    doc: Mapping[str, Any],
    head: _Head,
    params: Mapping[str, Any],
    inputs: Sequence[ScorecardInput],
    n_raw: int,
    problems: list[Problem],
) -> None:
    """The fields that restate others must agree with them: coefficients, cutoff averages,
    every binning's smoothing, base points and the texts of attribute reason codes."""
    coefs = doc["coefficients"]
    if not isinstance(coefs, list) or len(coefs) != n_raw:
        problems.append(("coefficients", "must be an array with one number per input"))
    elif len(inputs) == n_raw and any(
        c != inp.coefficient or not isinstance(c, float) for c, inp in zip(coefs, inputs)
    ):
        problems.append(("coefficients", "must equal the inputs' coefficients"))
    averages = doc["cutoff_averages"]
    if not isinstance(averages, list) or len(averages) != n_raw or not all(map(finite, averages)):
        problems.append(("cutoff_averages", "must be an array with one finite number per input"))
    smoothing = params.get("woe_smoothing")
    for i, inp in enumerate(inputs):
        if finite(smoothing) and inp.binning.smoothing != smoothing:
            problems.append(
                (f"inputs[{i}].binning.smoothing", "differs from training.params.woe_smoothing")
            )
    scale, intercept = head.scale, head.intercept
    if (
        scale is not None
        and finite(intercept)
        and doc["base_points"] != scale.offset - scale.factor * intercept
    ):
        problems.append(("base_points", "must equal scale offset - factor * intercept"))
    for inp in inputs:
        if inp.kind == "attribute" and inp.reason_code not in head.texts:
            problems.append(("reason_texts", f"has no text for {inp.reason_code}"))


def parse_artifact(doc: dict[str, Any], source: str) -> LoadedArtifact:
    """The parameters and state of an artifact's verified content, after checking every
    field; every problem found is listed in one :class:`ArtifactError`."""
    _check_keys(doc, source)
    problems: list[Problem] = []
    head = _parse_head(doc, problems)
    training = doc["training"]
    params = _parse_training(training, head.reason_method, problems)
    raw_inputs = doc["inputs"]
    if not isinstance(raw_inputs, list):
        problems.append(("inputs", "must be an array"))
        raw_inputs = []
    inputs = _parse_inputs(raw_inputs, head.scale, doc["format_version"], problems)
    _check_agreement(doc, head, params, inputs, len(raw_inputs), problems)
    if problems:
        raise _artifact_error(source, problems)
    assert head.scale is not None  # a scale with problems is a problem
    state = FittedState(
        inputs=inputs,
        intercept=head.intercept,
        scale=head.scale,
        texts=head.texts,
        cutoff_averages=[float(a) for a in doc["cutoff_averages"]],
        metadata=training,
    )
    return LoadedArtifact(params, state)
