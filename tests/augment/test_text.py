from collections import Counter

import keras
import numpy as np
import pytest

from keras_reg.augment import text
from tests._tensorflow import require_tensorflow, tf
from tests.helpers import Z_BOUND, assert_raises_each, save_and_load, to_numpy

SYNONYMS = {2: [20, 21], 3: [30], 5: [50, 51, 52]}
ALL_SYNONYMS = {s for ids in SYNONYMS.values() for s in ids}


def _batch(n=200, length=12, seed=0):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, length + 1, size=n)
    x = np.zeros((n, length), "int32")
    for i, k in enumerate(lengths):
        x[i, :k] = rng.integers(1, 10, size=k)
    return x, lengths


def _real(row):
    return row[row != 0]


def _padding_at_end(out):
    for row in out:
        k = np.count_nonzero(row)
        assert np.all(row[:k] != 0) and np.all(row[k:] == 0)


@pytest.mark.slow
def test_random_swap_keeps_multiset_padding_and_varies_per_sample():
    x, lengths = _batch()
    out = to_numpy(text.RandomSwap(0.3, seed=1)(x))
    _padding_at_end(out)
    for row, new in zip(x, out):
        assert Counter(_real(row)) == Counter(_real(new))
    same = np.repeat(np.arange(1, 13, dtype="int32")[None], 32, axis=0)
    assert len({r.tobytes() for r in to_numpy(text.RandomSwap(0.2, seed=2)(same))}) > 16


def test_random_swap_always_swaps_two_distinct_positions():
    # One swap (rate 0.1: max(1, round(0.5)) = 1) of distinct tokens changes exactly two
    # positions, for every sample and every length >= 2; the pair is uniform.
    ids = np.zeros((2000, 6), "int32")
    ids[:, :5] = np.arange(1, 6)
    out = to_numpy(text.RandomSwap(0.1, seed=4)(ids))
    changed = out != ids
    assert np.all(changed.sum(axis=1) == 2)
    pairs = Counter(tuple(np.flatnonzero(row)) for row in changed)
    assert len(pairs) == 10  # all C(5, 2) pairs occur
    # Each pair ~ Binomial(2000, 1/10): 200 ± 5·13.4.
    assert all(abs(c - 200) <= Z_BOUND * np.sqrt(2000 * 0.1 * 0.9) for c in pairs.values())
    two = np.array([[7, 9, 0]], "int32")
    assert to_numpy(text.RandomSwap(0.1, seed=5)(two)).tolist() == [[9, 7, 0]]


@pytest.mark.slow
def test_random_deletion_count_order_and_never_empty():
    x, lengths = _batch()
    out = to_numpy(text.RandomDeletion(0.25, seed=3)(x))
    _padding_at_end(out)
    for row, new, k in zip(x, out, lengths):
        expected = min(max(1, int(np.floor(0.25 * k + 0.5))), k - 1)
        assert np.count_nonzero(new) == k - expected >= 1
        # What remains is a subsequence of the original, in order.
        it = iter(_real(row))
        assert all(any(t == s for s in it) for t in _real(new))


@pytest.mark.slow
def test_synonym_replacement_only_synonyms_at_eligible_positions():
    x, lengths = _batch()
    out = to_numpy(text.SynonymReplacement(SYNONYMS, 0.3, seed=4)(x))
    changed = 0
    for row, new, k in zip(x, out, lengths):
        diff = np.nonzero(row != new)[0]
        for j in diff:
            assert new[j] in SYNONYMS[row[j]]
        eligible = sum(t in SYNONYMS for t in _real(row))
        assert len(diff) == min(max(1, int(np.floor(0.3 * k + 0.5))), eligible)
        changed += len(diff)
    assert changed > 0


@pytest.mark.slow
def test_random_insertion_inserts_only_synonyms_and_keeps_length():
    x, lengths = _batch()
    out = to_numpy(text.RandomInsertion(SYNONYMS, 0.2, seed=5)(x))
    assert out.shape == x.shape
    _padding_at_end(out)
    for row, new, k in zip(x, out, lengths):
        has = any(t in SYNONYMS for t in _real(row))
        added = Counter(_real(new)) - Counter(_real(row))
        assert set(added) <= ALL_SYNONYMS
        if has:
            n = max(1, int(np.floor(0.2 * k + 0.5)))
            assert sum(added.values()) == min(n, x.shape[1] - k) or np.count_nonzero(new) == 12
        else:
            np.testing.assert_array_equal(new, row)


def test_synonym_table_from_a_vocabulary():
    vocab = ["", "[UNK]", "big", "large", "huge", "small"]
    table = text.synonym_table(vocab, {"big": ["large", "huge", "vast", "big"], "tiny": ["small"]})
    assert table == {2: [3, 4]}
    require_tensorflow()  # StringLookup is backed by TensorFlow
    # mask_token="" puts padding at id 0, the EDA layers' convention.
    lookup = keras.layers.StringLookup(vocabulary=["big", "large"], mask_token="")
    assert text.synonym_table(lookup.get_vocabulary(), {"big": ["large"]}) == {2: [3]}


def test_all_padding_rows_pass_through_and_empty_sequences_fail():
    x = np.zeros((3, 5), "int32")
    for layer in (text.RandomSwap(0.5), text.RandomDeletion(0.5),
                  text.SynonymReplacement(SYNONYMS, 0.5), text.RandomInsertion(SYNONYMS, 0.5)):
        np.testing.assert_array_equal(to_numpy(layer(x)), x)
    with pytest.raises(ValueError, match="empty"):
        text.RandomSwap(0.5)(np.zeros((3, 0), "int32"))


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: text.RandomSwap(1.5), ValueError, "rate"),
        (lambda: text.SynonymReplacement([1, 2]), TypeError, "synonyms"),
        (lambda: text.SynonymReplacement({0: [1]}), ValueError, "synonyms"),
        (lambda: text.RandomSwap(0.1)(np.ones((2, 3), "float32")), TypeError, "integer"),
    ],
)
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_text_pipeline_in_tf_data_and_model_round_trip(tmp_path):
    x, _ = _batch(8)
    eda = [text.SynonymReplacement(SYNONYMS, 0.2, seed=1), text.RandomInsertion(SYNONYMS, 0.1),
           text.RandomSwap(0.1), text.RandomDeletion(0.1)]
    ds = tf.data.Dataset.from_tensor_slices(x).batch(4)
    for layer in eda:
        ds = ds.map(layer)
    out = np.concatenate([b.numpy() for b in ds])
    assert out.shape == x.shape and out.dtype == np.int32
    model = keras.Sequential([keras.Input((12,), dtype="int32"), *eda,
                              keras.layers.Embedding(60, 4), keras.layers.GlobalAveragePooling1D()])
    loaded = save_and_load(model, tmp_path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    assert loaded.layers[0].synonyms == SYNONYMS


def test_out_of_range_token_ids_are_refused():
    cases = [
        # Negative ids index the synonym table: refused on every backend.
        (lambda: text.SynonymReplacement(SYNONYMS, 0.5), np.array([[2, -4, 0]], "int32"),
         r"\[0, 2147483647\].*from -4 to 2"),
        (lambda: text.RandomInsertion(SYNONYMS, 0.5), np.array([[-100, 4, 0, 0]], "int32"),
         r"RandomInsertion.*\[0, 2147483647\].*from -100 to 4"),
        # int64 beyond int32: seen before Keras converts NumPy (to int32 on JAX).
        (lambda: text.RandomSwap(0.5), np.array([[2, 2**31 + 5, 0]], "int64"),
         r"\[-2147483648, 2147483647\].*to 2147483653"),
        (lambda: text.SynonymReplacement(SYNONYMS, 0.5), np.array([[2, 2**31, 0]], "int64"),
         r"to 2147483648"),
        (lambda: text.RandomDeletion(0.5), tf.constant([[3, -(2**40)]], tf.int64),
         r"from -1099511627776 to 3"),
    ]
    assert_raises_each(
        [(lambda m=make, i=ids: m()(i), ValueError, match) for make, ids, match in cases]
    )


def test_int64_ids_in_range_give_int32_everywhere():
    ids = np.array([[2, 7, 0]], "int64")
    out = to_numpy(text.RandomSwap(0.5, seed=1)(ids))
    assert out.dtype == np.int32 and sorted(out[0]) == [0, 2, 7]
    # Python lists (the docstrings' examples) are token ids too.
    out = to_numpy(text.SynonymReplacement({2: [3]}, 1.0)([[2, 4, 0]]))
    assert out.tolist() == [[3, 4, 0]] and out.dtype == np.int32


def test_traced_negative_ids_count_as_tokens_without_synonyms():
    # In tf.data the values are symbolic: nothing is checked per value, and
    # the lookup must neither fail nor find a synonym for a negative id.
    ids = np.array([[2, -1000, 3, 0], [-1, 5, 0, 0]], "int32")
    ds = tf.data.Dataset.from_tensor_slices(ids).batch(2)
    out = next(iter(ds.map(text.SynonymReplacement(SYNONYMS, 1.0, seed=0)))).numpy()
    assert out[0, 1] == -1000 and out[1, 0] == -1
    assert out[0, 0] in SYNONYMS[2] and out[0, 2] in SYNONYMS[3] and out[1, 1] in SYNONYMS[5]


def test_large_ids_in_the_table_cost_nothing():
    # The table is stored by key, not as a dense array over all ids up to the
    # largest (which for this id was 2**31 rows).
    layer = text.SynonymReplacement({2: [2**31 - 1], 2**31 - 1: [2]}, 1.0)
    out = to_numpy(layer(np.array([[2, 0], [2**31 - 1, 0]], "int32")))
    assert out.tolist() == [[2**31 - 1, 0], [2, 0]]


def test_inputs_that_are_not_a_dense_integer_batch():
    cases = [
        (tf.ragged.constant([[1, 2], [3]]), TypeError, r"tf\.RaggedTensor.*\.to_tensor\(\)"),
        (tf.sparse.from_dense([[1, 0]]), TypeError, r"tf\.SparseTensor.*to_dense"),
        ([[5, 8], [1]], ValueError, "rows of different lengths"),
        ([[1.5, 2.0]], TypeError, "integer token ids"),
        ([["good", "movie"]], TypeError, "integer token ids.*<U5"),
        (np.ones((2, 3), "bool"), TypeError, "integer token ids"),
    ]
    layer = text.RandomSwap(0.1)
    assert_raises_each([(lambda x=x: layer(x), error, match) for x, error, match in cases])


def test_ragged_input_in_tf_data_says_to_pad():
    ds = tf.data.Dataset.from_tensor_slices(tf.ragged.constant([[1, 2], [3]])).batch(2)
    with pytest.raises(TypeError, match="to_tensor"):
        ds.map(text.RandomDeletion(0.1))


def test_bad_synonym_tables():
    cases = [
        ({"good": ["fine"]}, TypeError, r"key 'good'.*synonym_table\(vocabulary"),
        ({2: ["fine"]}, TypeError, r"synonym 'fine'"),
        ({2: [3.5]}, TypeError, r"synonym 3\.5 \(type float\)"),
        ({2: None}, TypeError, r"value None"),
        ({2: "3"}, TypeError, r"value '3' \(type str\), not a list"),
        ({True: [3]}, TypeError, r"key True \(type bool\)"),
        ({2: [-3]}, ValueError, r"synonym -3"),
        ({2: [2**31]}, ValueError, r"synonym 2147483648"),
    ]
    assert_raises_each(
        [
            (lambda t=table, layer=layer: layer(t), error, match)
            for table, error, match in cases
            for layer in (text.SynonymReplacement, text.RandomInsertion)
        ]
    )


def test_synonym_table_refuses_strings_where_lists_are_expected():
    with pytest.raises(TypeError, match="vocabulary"):
        text.synonym_table("big large", {"big": ["large"]})
    with pytest.raises(TypeError, match=r"'big': 'large'"):
        text.synonym_table(["", "big", "l", "a"], {"big": "large"})


def test_seed_and_dtype_arguments():
    x, _ = _batch(16)
    same = [to_numpy(text.RandomDeletion(0.3, seed=7)(x)) for _ in range(2)]
    np.testing.assert_array_equal(same[0], same[1])
    assert not np.array_equal(same[0], to_numpy(text.RandomDeletion(0.3, seed=8)(x)))
    assert text.RandomSwap(0.1, dtype="int64").compute_dtype == "int64"
    with pytest.raises(ValueError, match="`dtype`.*integer"):
        text.RandomSwap(0.1, dtype="float32")
