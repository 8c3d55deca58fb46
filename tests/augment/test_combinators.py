import keras
import numpy as np
import pytest

from keras_reg.augment import AugmentationLayer, RandomApply, RandomChoice, SomeOf
from tests.helpers import Z_BOUND, assert_raises_each, binomial_sd, save_and_load, to_numpy


@keras.saving.register_keras_serializable(package="keras_reg_tests")
class AddConstant(AugmentationLayer):
    """Deterministic child: adds ``value`` so the output says which ran."""

    def __init__(self, value=1.0, **kwargs):
        super().__init__(**kwargs)
        self.value = value

    def augment(self, batch):
        return batch + self.value

    def get_config(self):
        return {**super().get_config(), "value": self.value}


N = 4000


def _run(layer):
    return to_numpy(layer(np.zeros((N, 1), "float32")))[:, 0]


def test_random_apply_rate_per_sample():
    out = _run(RandomApply(AddConstant(1.0), rate=0.3, seed=1))
    assert set(np.unique(out)) <= {0.0, 1.0}
    assert abs(out.mean() - 0.3) < Z_BOUND * binomial_sd(0.3, N)


def test_random_choice_follows_weights():
    children = [AddConstant(1.0), AddConstant(2.0), AddConstant(4.0)]
    out = _run(RandomChoice(children, weights=[1, 2, 1], seed=2))
    assert set(np.unique(out)) <= {1.0, 2.0, 4.0}
    for value, p in ((1.0, 0.25), (2.0, 0.5), (4.0, 0.25)):
        assert abs(np.mean(out == value) - p) < Z_BOUND * binomial_sd(p, N)


def test_some_of_applies_exactly_n_uniform_subsets():
    children = [AddConstant(1.0), AddConstant(2.0), AddConstant(4.0), AddConstant(8.0)]
    out = _run(SomeOf(children, n=2, seed=3)).astype(int)
    bits = (out[:, None] >> np.arange(4)) & 1
    assert np.all(bits.sum(axis=1) == 2)
    # 6 subsets of size 2, each with probability 1/6.
    for subset in np.unique(out):
        assert abs(np.mean(out == subset) - 1 / 6) < Z_BOUND * binomial_sd(1 / 6, N)
    assert len(np.unique(out)) == 6


def test_nested_combinators_round_trip(tmp_path):
    inner = RandomChoice([AddConstant(1.0), keras.layers.RandomFlip(seed=1)], seed=4)
    model = keras.Sequential(
        [keras.Input((4, 4, 3)), SomeOf([RandomApply(inner, 0.5, seed=5), AddConstant(2.0)], 1)]
    )
    loaded = save_and_load(model, tmp_path)
    x = np.ones((2, 4, 4, 3), "float32")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), x)
    combinator = loaded.layers[0]
    assert isinstance(combinator.layers[0].layer, RandomChoice)
    assert combinator.layers[0].layer.layers[0].value == 1.0


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: RandomApply("flip"), "`layer`"),
        (lambda: RandomApply(AddConstant(), rate=1.5), "`rate`"),
        (lambda: RandomChoice([]), "`layers`"),
        (lambda: RandomChoice([AddConstant()], weights=[1, 2]), "`weights`"),
        (lambda: RandomChoice([AddConstant()], weights=[-1]), "weights"),
        (lambda: SomeOf([AddConstant()], n=2), "`n`"),
        (lambda: SomeOf([AddConstant()], n=0), "`n`"),
    ],
)
def test_bad_arguments(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


@pytest.mark.parametrize("combinator", ["apply", "choice", "some_of"])
def test_combinators_of_text_layers_keep_integer_token_ids(combinator):
    from keras_reg.augment import text

    children = [text.RandomSwap(0.3, seed=1), text.RandomDeletion(0.3, seed=2)]
    layer = {
        "apply": lambda: RandomApply(children[0], rate=1.0, seed=3),
        "choice": lambda: RandomChoice(children, seed=3),
        "some_of": lambda: SomeOf(children, n=1, seed=3),
    }[combinator]()
    assert layer.compute_dtype == "int32"
    ids = np.tile(np.arange(1, 11, dtype="int32"), (16, 1))
    out = to_numpy(layer(ids))
    assert out.dtype == np.int32
    # Swap keeps the multiset of tokens; deletion keeps a subset in order.
    for row in out:
        kept = row[row != 0]
        assert set(kept) <= set(range(1, 11)) and len(kept) >= 7
    assert layer.get_config()["dtype"] is not None
    assert type(layer).from_config(layer.get_config()).compute_dtype == "int32"


def _text_combinators():
    from keras_reg.augment import text

    swap, insert = text.RandomSwap(0.3, seed=1), text.RandomInsertion({2: [3]}, 0.3, seed=2)
    return {
        "apply": RandomApply(insert, rate=0.5, seed=3),
        "choice": RandomChoice([swap, insert], seed=3),
        "some_of": SomeOf([swap, insert], n=1, seed=3),
        "nested": SomeOf([RandomApply(RandomChoice([swap, insert]), 0.5)], n=1),
    }


@pytest.mark.parametrize("combinator", ["apply", "choice", "some_of", "nested"])
def test_combinators_keep_their_childrens_input_checks(combinator):
    from tests._tensorflow import tf

    layer = _text_combinators()[combinator]
    # Each child alone refuses these; before, the combinator cast floats to
    # int32 and passed negative or too large ids on.
    with pytest.raises(TypeError, match="integer token ids"):
        layer(np.full((2, 4), 2.5, "float32"))
    with pytest.raises(ValueError, match=r"RandomInsertion.*\[0, 2147483647\]"):
        layer(np.array([[2, -4, 0]], "int32"))
    with pytest.raises(ValueError, match="2147483653"):
        layer(np.array([[2, 2**31 + 5, 0]], "int64"))
    with pytest.raises(TypeError, match="to_tensor"):
        layer(tf.ragged.constant([[1, 2], [3]]))


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda child: RandomApply(child, rate=0.5), "`layer`"),
        (lambda child: RandomChoice([AddConstant(), child], weights=[2, 1]), r"`layers\[1\]`"),
        (lambda child: SomeOf([child, AddConstant()], n=1), r"`layers\[0\]`"),
    ],
)
def test_a_child_that_changes_the_shape_is_refused_at_build(make, name):
    from tests._tensorflow import tf

    match = rf"{name} \(Resizing 'resizing'\) changes the shape of its input: " \
        r"\(None, 8, 8, 3\) -> \(None, 4, 4, 3\)"
    with pytest.raises(ValueError, match=match):
        keras.Sequential([keras.Input((8, 8, 3)), make(keras.layers.Resizing(4, 4))])
    # tf.data builds without a shape: the traced call checks each child's output.
    keras.utils.clear_session()
    ds = tf.data.Dataset.from_tensor_slices(np.ones((4, 8, 8, 3), "float32")).batch(2)
    with pytest.raises(ValueError, match="changes the shape"):
        ds.map(make(keras.layers.Resizing(4, 4)))


def test_hostile_arguments():
    assert_raises_each([
        (lambda: RandomApply(AddConstant(), rate=float("nan")), ValueError, "`rate`"),
        (lambda: RandomApply(AddConstant(), rate=True), TypeError, "`rate`"),
        (lambda: RandomChoice([AddConstant()], weights=3), TypeError, r"`weights`.*weights=3"),
        (lambda: RandomChoice([AddConstant()], weights="1"), TypeError, "`weights`"),
        (lambda: RandomChoice([AddConstant()], weights=[float("nan")]), ValueError, "weights"),
        (lambda: RandomChoice([AddConstant(), AddConstant()], weights=[0, 0]), ValueError,
         "positive sum"),
        (lambda: RandomChoice(AddConstant()), ValueError, "`layers`"),
        (lambda: SomeOf([AddConstant()], n=True), TypeError, "`n`"),
        (lambda: SomeOf([AddConstant()], n=1.0), TypeError, "`n`"),
        (lambda: RandomApply(AddConstant(), seed="0"), TypeError, "`seed`"),
    ])


def test_seed_makes_the_choice_reproducible():
    children = [AddConstant(1.0), AddConstant(2.0)]
    a, b = (_run(RandomChoice(children, seed=9))[:64] for _ in range(2))
    np.testing.assert_array_equal(a, b)
