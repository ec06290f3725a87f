"""Tests of :mod:`credit_closure._scorecard.binning_model`: the fitted binnings' transforms,
their documents (``to_dict``/``from_dict``, the JSON round trip, shapes and smoothing) and the
validation of malformed documents."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from _helpers import AWKWARD, HYPO, numeric_xy, step_data, u_data
from hypothesis import given
from hypothesis import strategies as st

from credit_closure._scorecard import (
    CategoricalBinning,
    NumericBinning,
    binning_from_dict,
    fit_categorical,
    fit_numeric,
)
from credit_closure.exceptions import InvalidInputError


class TestTransforms:
    """transform_index / transform_woe / bin_index_one agree everywhere."""

    @HYPO
    @given(numeric_xy(), st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=50))
    def test_scalar_path_matches_vectorised(self, xy, extra) -> None:
        """bin_index_one equals transform_index on data, random values and exact edges."""
        x, y = xy
        b = fit_numeric(x, y, min_bin_share=0.0)
        edges = []
        for c in b.cuts:
            edges += [c, np.nextafter(c, -np.inf), np.nextafter(c, np.inf)]
        values = np.concatenate([x, np.asarray(extra, dtype=float), np.asarray(edges, dtype=float)])
        vec = b.transform_index(values)
        assert [b.bin_index_one(float(v)) for v in values] == vec.tolist()
        assert [b.bin_index_one(v) for v in values] == vec.tolist()  # numpy scalars too
        np.testing.assert_array_equal(b.transform_woe(values), np.asarray(b.woe)[vec])

    def test_edges_exact(self) -> None:
        """A value equal to a cut belongs to the bin the cut opens."""
        rng = np.random.default_rng(9)
        x, y = rng.random(2000), (rng.random(2000) < 0.3).astype(int)
        b = fit_numeric(x, y, monotonic=None, min_bin_share=0.0, max_bins=6)
        assert b.cuts
        for i, c in enumerate(b.cuts):
            assert b.bin_index_one(c) == i + 1 == int(b.transform_index([c])[0])
            below = float(np.nextafter(c, -np.inf))
            assert b.bin_index_one(below) == i == int(b.transform_index([below])[0])

    def test_many_random_values(self) -> None:
        """Scalar and vectorised paths agree on 10,000 random values incl. ints and None."""
        x, y = step_data(5000)
        b = fit_numeric(x, y, min_bin_share=0.0, max_bins=6, monotonic=None)
        vals = np.random.default_rng(10).uniform(-0.5, 1.5, 10_000)
        assert [b.bin_index_one(v) for v in vals.tolist()] == b.transform_index(vals).tolist()
        mixed = [None, 0, 1, -3, 2.5, float("-inf"), float("inf")]
        assert [b.bin_index_one(v) for v in mixed] == b.transform_index(mixed).tolist()

    def test_transform_shapes(self) -> None:
        """The vectorised transforms keep the shape and give intp / float64."""
        x, y = step_data(1000)
        b = fit_numeric(x, y)
        m = np.array([[0.1, 0.9], [np.nan, 0.5]])
        assert b.transform_index(m).shape == (2, 2) and b.transform_index(m).dtype == np.intp
        assert b.transform_woe(m).dtype == np.float64

    def test_transform_rejects_non_numeric(self) -> None:
        """transform_index on strings raises InvalidInputError naming x."""
        b = fit_numeric([1.0, 2.0, 3.0], [0, 1, 1])
        with pytest.raises(InvalidInputError) as ei:
            b.transform_index(["a"])
        assert ei.value.problems[0][0] == "x"


class TestSerialisation:
    """to_dict / from_dict and the JSON round trip."""

    def _roundtrip(self, b):
        text = json.dumps(b.to_dict(), allow_nan=False)
        return type(b).from_dict(json.loads(text))

    def test_numeric_roundtrip_bit_identical(self) -> None:
        """Numeric: equal after JSON and bit-identical transform_woe."""
        x, y = step_data(3000)
        x[::13] = np.nan
        b = fit_numeric(x, y)
        b2 = self._roundtrip(b)
        assert b2 == b and hash(b2) == hash(b)
        probe = np.concatenate([x, np.asarray(b.cuts), [-np.inf, np.inf, np.nan]])
        assert b2.transform_woe(probe).tobytes() == b.transform_woe(probe).tobytes()
        assert binning_from_dict(json.loads(json.dumps(b.to_dict()))) == b

    def test_numeric_dict_is_json_safe(self) -> None:
        """No NaN/inf; unbounded ends are implied by the cut list."""
        b = fit_numeric([1.0, 2.0, math.nan, 4.0], [0, 1, 1, 0], min_bin_share=0.0)
        d = b.to_dict()
        json.dumps(d, allow_nan=False)
        assert set(d) == {"kind", "cuts", "counts", "bad_counts", "woe", "iv", "direction"}
        assert all(type(v) is float for v in d["cuts"] + d["woe"])
        assert all(type(v) is int for v in d["counts"] + d["bad_counts"])

    @pytest.mark.parametrize("ensure_ascii", [True, False])
    def test_categorical_awkward_strings(self, ensure_ascii) -> None:
        """Commas, quotes, Chinese, newlines survive the JSON round trip exactly."""
        rng = np.random.default_rng(13)
        x = [AWKWARD[i] for i in rng.integers(0, len(AWKWARD), 2000)] + [None] * 100
        y = [int(v) for v in rng.random(2100) < 0.3]
        b = fit_categorical(x, y, min_group_share=0.0, max_groups=len(AWKWARD))
        assert sorted(c for g in b.groups for c in g) == sorted(AWKWARD)
        text = json.dumps(b.to_dict(), ensure_ascii=ensure_ascii, allow_nan=False)
        b2 = CategoricalBinning.from_dict(json.loads(text))
        assert b2 == b
        probe = AWKWARD + [None, "unseen", "a", "b"]
        assert b2.transform_woe(probe).tobytes() == b.transform_woe(probe).tobytes()
        assert [b2.bin_index_one(v) for v in probe] == b.transform_index(probe).tolist()
        assert binning_from_dict(json.loads(text)) == b

    def test_category_named_missing_is_distinct(self) -> None:
        """A category literally named 'missing' is labelled differently from the missing bin."""
        b = fit_categorical(["missing", "x", None, "x"], [1, 0, 1, 0], min_group_share=0.0)
        assert b.bin_index_one("missing") != b.missing_index
        assert b.labels.count("missing") == 1


class TestFromDictValidation:
    """Malformed documents raise InvalidInputError listing every problem."""

    def test_numeric_collects_every_problem(self) -> None:
        """Each bad numeric field is reported with its path."""
        d = {
            "kind": "categorical",
            "cuts": [2.0, 1.0, "x"],
            "counts": [1, 2],
            "bad_counts": [3, True],
            "woe": [float("nan")],
            "iv": -1,
            "direction": "up",
            "extra": 1,
        }
        with pytest.raises(InvalidInputError) as ei:
            NumericBinning.from_dict(d)
        paths = {p for p, _ in ei.value.problems}
        assert {
            "kind",
            "cuts[1]",
            "cuts[2]",
            "counts",
            "bad_counts",
            "bad_counts[1]",
            "woe",
            "woe[0]",
            "iv",
            "direction",
            "extra",
        } <= paths

    def test_numeric_missing_fields(self) -> None:
        """Every missing required field is named."""
        with pytest.raises(InvalidInputError) as ei:
            NumericBinning.from_dict({"kind": "numeric"})
        paths = [p for p, _ in ei.value.problems]
        assert sorted(paths) == sorted(["cuts", "counts", "bad_counts", "woe", "iv", "direction"])

    def test_bad_exceeds_count(self) -> None:
        """bad_counts above counts is refused."""
        d = fit_numeric([1.0, 2.0, 3.0], [0, 1, 1]).to_dict()
        d["bad_counts"][0] = d["counts"][0] + 1
        with pytest.raises(InvalidInputError) as ei:
            NumericBinning.from_dict(d)
        assert ei.value.problems == [("bad_counts[0]", "must not exceed counts")]

    def test_categorical_collects_every_problem(self) -> None:
        """Each bad categorical field is reported with its path."""
        d = {
            "kind": "categorical",
            "groups": [["a", "b"], ["a"], [], "x", [1]],
            "counts": [1, 2.0],
            "bad_counts": [3, -1],
            "woe": [0.0, math.inf],
            "iv": "0",
            "unseen_index": 99,
        }
        with pytest.raises(InvalidInputError) as ei:
            CategoricalBinning.from_dict(d)
        paths = {p for p, _ in ei.value.problems}
        assert {
            "groups[1][0]",
            "groups[2]",
            "groups[3]",
            "groups[4][0]",
            "counts",
            "counts[1]",
            "bad_counts",
            "bad_counts[1]",
            "woe",
            "woe[1]",
            "iv",
            "unseen_index",
        } <= paths

    @pytest.mark.parametrize("doc", [None, [], "numeric", 3])
    def test_not_an_object(self, doc) -> None:
        """A document that is not a mapping is refused."""
        for loader in (NumericBinning.from_dict, CategoricalBinning.from_dict, binning_from_dict):
            with pytest.raises(InvalidInputError):
                loader(doc)

    def test_unknown_kind(self) -> None:
        """binning_from_dict refuses an unknown kind."""
        with pytest.raises(InvalidInputError) as ei:
            binning_from_dict({"kind": "ordinal"})
        assert ei.value.problems[0][0] == "kind"

    def test_direct_construction_validated(self) -> None:
        """The constructor checks consistency too."""
        with pytest.raises(InvalidInputError):
            NumericBinning(
                cuts=(1.0, 0.5),
                counts=(1, 1, 1, 0),
                bad_counts=(0, 0, 0, 0),
                woe=(0.0, 0.0, 0.0, 0.0),
                iv=0.0,
            )


class TestShapeDocuments:
    """The shape of a peak, valley or monotonic binning in its document."""

    def test_json_round_trip(self) -> None:
        """The shape is written, read back, and the transform is bit-identical."""
        x, y = u_data(3000, seed=10)
        x[::11] = np.nan
        b = fit_numeric(x, y, monotonic="auto_shape")
        d = json.loads(json.dumps(b.to_dict(), allow_nan=False))
        assert d["shape"] == "valley" and d["direction"] is None
        b2 = binning_from_dict(d)
        assert b2 == b and b2.shape == "valley"
        probe = np.concatenate([x, np.asarray(b.cuts), [-np.inf, np.inf, np.nan]])
        assert b2.transform_woe(probe).tobytes() == b.transform_woe(probe).tobytes()

    def test_smoothing_round_trip_and_check(self) -> None:
        """A binning fitted with another smoothing writes it, reads it back bit-identically,
        and its unimodal shape is checked with it; the default writes no smoothing key."""
        x, y = u_data(3000, seed=10)
        x[::11] = np.nan
        assert "smoothing" not in fit_numeric(x, y, monotonic="auto_shape").to_dict()
        assert "smoothing" not in fit_categorical(["a", "b"] * 50, [0, 1] * 50).to_dict()
        for b in (
            fit_numeric(x, y, monotonic="auto_shape", smoothing=2.5),
            fit_categorical([str(int(v)) if v == v else None for v in x // 10], y, smoothing=2.5),
        ):
            d = json.loads(json.dumps(b.to_dict(), allow_nan=False))
            assert d["smoothing"] == 2.5
            b2 = binning_from_dict(d)
            assert b2 == b and b2.smoothing == 2.5
            for bad, says in (
                (0.2, "multiple of 0.5"),
                (0.5, "left out"),
                (2, "as a float"),
                (10**400, "multiple of 0.5"),
            ):
                with pytest.raises(InvalidInputError) as ei:
                    binning_from_dict({**d, "smoothing": bad})
                assert [(p, says in m) for p, m in ei.value.problems] == [("smoothing", True)]
            with pytest.raises(InvalidInputError) as ei:
                binning_from_dict({**d, "iv": 10**400})
            assert [p for p, _ in ei.value.problems] == ["iv"]

    def test_monotonic_document_unchanged(self) -> None:
        """A monotonic binning writes no shape key (old artifacts stay byte-identical) and
        reads its shape from its direction."""
        b = fit_numeric(*step_data(2000), monotonic="auto_shape")
        d = b.to_dict()
        assert "shape" not in d
        assert NumericBinning.from_dict(d).shape == "increasing"
        nb = NumericBinning.from_dict({**d, "direction": None})
        assert nb.shape is None

    def test_shape_checked_against_bins(self) -> None:
        """A recorded shape the bad rates do not have, or with a direction, is refused."""
        d = fit_numeric(*u_data(3000), monotonic="auto_shape").to_dict()
        with pytest.raises(InvalidInputError) as ei:
            NumericBinning.from_dict({**d, "shape": "peak"})
        assert [p for p, _ in ei.value.problems] == ["shape"]
        with pytest.raises(InvalidInputError) as ei:
            NumericBinning.from_dict({**d, "direction": "increasing"})
        assert "direction" in {p for p, _ in ei.value.problems}
        with pytest.raises(InvalidInputError) as ei:
            NumericBinning.from_dict({**d, "shape": "u"})
        assert [p for p, _ in ei.value.problems] == ["shape"]
        inc = fit_numeric(*step_data(2000)).to_dict()
        with pytest.raises(InvalidInputError) as ei:
            NumericBinning.from_dict({**inc, "shape": "decreasing"})
        assert [p for p, _ in ei.value.problems] == ["shape"]


class TestCategoricalObjectArrays:
    """Object arrays are looked up once per distinct value (pandas' factorisation); the
    bins equal the value-by-value path, for every kind of value."""

    @HYPO
    @given(
        st.lists(
            st.sampled_from(["a", "b", "c", "unseen", "中文", None, float("nan"), 3, object()]),
            min_size=65,
            max_size=200,
        )
    )
    def test_equals_value_by_value(self, values: list[object]) -> None:
        b = fit_categorical(
            ["a", "b", "c", "a", None] * 20, [0, 1, 0, 1, 1] * 20, max_groups=3, min_group_share=0.0
        )
        arr = np.array(values + [None], dtype=object)[:-1]
        slow = np.fromiter((b.bin_index_one(v) for v in values), dtype=np.intp)
        assert b.transform_index(arr).tolist() == slow.tolist()
        assert b.transform_index(values).tolist() == slow.tolist()
