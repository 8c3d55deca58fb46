import keras
import numpy as np
import pytest

from keras_reg.augment import AugmentationLayer, RandomApply, RandomChoice, SomeOf
from tests.helpers import Z_BOUND, binomial_sd, save_and_load, to_numpy


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
