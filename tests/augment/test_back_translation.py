"""BackTranslation with a small deterministic translator written here: a
word table into a pivot "language" that also reverses the word order, and a
table back that picks other words for some (so a round trip is visible)."""

import keras
import numpy as np
import pytest

from keras_reg.augment.text import BackTranslation
from tests._tensorflow import tf
from tests.helpers import Z_BOUND, assert_raises_each, binomial_sd, save_and_load

TO_PIVOT = {"the": "le", "cat": "chat", "sat": "assis", "on": "sur", "mat": "tapis"}
FROM_PIVOT = {"le": "the", "chat": "kitty", "assis": "sat", "sur": "on", "tapis": "rug"}
# The round trip, composed independently of the translators: word for word.
ROUND_TRIP = {word: FROM_PIVOT[pivot] for word, pivot in TO_PIVOT.items()}


def to_pivot(texts):
    return [" ".join(TO_PIVOT.get(w, w) for w in reversed(t.split())) for t in texts]


def from_pivot(texts):
    return [" ".join(FROM_PIVOT.get(w, w) for w in reversed(t.split())) for t in texts]


def expected_round_trip(text):
    return " ".join(ROUND_TRIP.get(w, w) for w in text.split())


def sentences(n):
    # Every sentence has "cat": its round trip always differs from it.
    return [f"the cat sat on mat {i}" for i in range(n)]


def replaced(inputs, outputs):
    """Bool per sample: replaced by its exact round trip (else unchanged)."""
    flags = []
    for x, y in zip(inputs, outputs):
        y = y.decode() if isinstance(y, bytes) else str(y)
        assert y in (x, expected_round_trip(x)), (x, y)
        flags.append(y != x)
    return np.array(flags)


class Counting:
    """A translator recording the batches it was called with."""

    def __init__(self, fn):
        self.fn, self.batches = fn, []

    def __call__(self, texts):
        self.batches.append(list(texts))
        return self.fn(texts)


@keras.saving.register_keras_serializable(package="tests")
def registered_to_pivot(texts):
    return to_pivot(texts)


@keras.saving.register_keras_serializable(package="tests")
class TableTranslator:
    """A translator object with a config: its table and word order."""

    def __init__(self, table, reverse=True):
        self.table, self.reverse = dict(table), reverse

    def __call__(self, texts):
        order = reversed if self.reverse else list
        return [" ".join(self.table.get(w, w) for w in order(t.split())) for t in texts]

    def get_config(self):
        return {"table": self.table, "reverse": self.reverse}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def test_each_sample_replaced_by_its_round_trip_labels_unchanged():
    forward, backward = Counting(to_pivot), Counting(from_pivot)
    texts = sentences(40)
    labels = np.arange(40)
    out = BackTranslation(forward, backward, p=0.5, seed=0)({"text": texts, "labels": labels})
    assert out["labels"] is labels
    flags = replaced(texts, out["text"])
    assert 0 < flags.sum() < 40
    # One call per direction, on exactly the chosen sentences, in order.
    assert forward.batches == [[t for t, f in zip(texts, flags) if f]]
    assert backward.batches == [to_pivot(forward.batches[0])]


def test_input_kinds_come_back_in_kind():
    layer = BackTranslation(to_pivot, from_pivot, p=1.0, seed=0)
    texts = sentences(3)
    rt = [expected_round_trip(t) for t in texts]
    assert layer(texts) == rt
    unicode = layer(np.array(texts))
    assert unicode.dtype.kind == "U" and unicode.tolist() == rt
    encoded = layer(np.array([t.encode() for t in texts]))
    assert encoded.dtype.kind == "S" and encoded.tolist() == [t.encode() for t in rt]
    eager_tf = layer(tf.constant(texts))
    assert eager_tf.dtype == tf.string and eager_tf.numpy().tolist() == [t.encode() for t in rt]
    assert layer(texts[0]) == rt[0]
    assert layer(texts, training=False) == texts  # inference: unchanged
    assert layer([]) == []


def test_p_is_the_replacement_probability():
    n, p = 2000, 0.3
    texts = sentences(n)
    fraction = replaced(texts, BackTranslation(to_pivot, from_pivot, p=p, seed=1)(texts)).mean()
    assert abs(fraction - p) <= Z_BOUND * binomial_sd(p, n)
    never = Counting(to_pivot)
    assert BackTranslation(never, from_pivot, p=0.0, seed=1)(texts[:50]) == texts[:50]
    assert never.batches == []  # nothing to translate: the translator is not called
    assert replaced(texts[:50], BackTranslation(to_pivot, from_pivot, p=1.0)(texts[:50])).all()


def test_seed_reproducibility():
    texts = sentences(64)
    a = BackTranslation(to_pivot, from_pivot, p=0.5, seed=7)
    b = BackTranslation(to_pivot, from_pivot, p=0.5, seed=7)
    first = a(texts)
    assert first == b(texts)
    assert a(texts) == b(texts)
    # Successive calls draw anew (64 samples alike by chance: 2^-64).
    assert replaced(texts, first).tolist() != replaced(texts, a(texts)).tolist()


def test_in_tf_data_on_every_backend():
    n, p = 400, 0.5
    texts = sentences(n)
    ds = tf.data.Dataset.from_tensor_slices({"text": texts, "labels": np.arange(n)})
    layer = BackTranslation(to_pivot, from_pivot, p=p, seed=3)
    outputs, labels = [], []
    for batch in ds.batch(100).map(layer):
        assert batch["text"].dtype == tf.string and batch["labels"].dtype == tf.int64
        outputs += batch["text"].numpy().tolist()
        labels += batch["labels"].numpy().tolist()
    assert labels == list(range(n))
    fraction = replaced(texts, outputs).mean()
    assert abs(fraction - p) <= Z_BOUND * binomial_sd(p, n)
    # Unbatched strings, and a second pipeline with the same seed, alike.
    one = [t.numpy() for t in tf.data.Dataset.from_tensor_slices(texts[:12]).map(
        BackTranslation(to_pivot, from_pivot, p=p, seed=3))]
    again = [t.numpy() for t in tf.data.Dataset.from_tensor_slices(texts[:12]).map(
        BackTranslation(to_pivot, from_pivot, p=p, seed=3))]
    assert one == again and 0 < replaced(texts[:12], one).sum() < 12


def failing_translator(texts):
    raise KeyError("no such word")


def test_a_translator_that_fails_or_misbehaves_is_named():
    texts = sentences(8)

    def layer(forward=to_pivot, backward=from_pivot):
        return BackTranslation(forward, backward, p=1.0, seed=0)

    def wrong_count(texts):
        return texts[:-1]

    def numbers(texts):
        return [len(t) for t in texts]

    assert_raises_each([
        (lambda: layer(failing_translator)(texts), RuntimeError,
         "forward translator `failing_translator` failed on a batch of 8 strings: KeyError"),
        (lambda: layer(backward=wrong_count)(texts), ValueError,
         r"backward translator `.*wrong_count` returned 7 strings for a batch of 8"),
        (lambda: layer(numbers)(texts), TypeError,
         r"forward translator `.*numbers` must return `str` items.*\['int'\]"),
        (lambda: layer(lambda t: " ".join(t))(texts), TypeError,
         r"forward translator `.*<lambda>` must return a list of strings.*str"),
    ])
    # In tf.data the error crosses tf.py_function and keeps its message.
    ds = tf.data.Dataset.from_tensor_slices(texts).batch(4).map(layer(backward=failing_translator))
    with pytest.raises(tf.errors.OpError, match="backward translator `failing_translator` failed"):
        list(ds)


def test_a_generate_method_is_the_translator():
    class Seq2SeqLike:  # the interface of a keras-hub Seq2SeqLM
        def __call__(self, texts):
            raise AssertionError("a model's __call__ takes token ids, not strings")

        def generate(self, texts):
            return to_pivot(texts)

    out = BackTranslation(Seq2SeqLike(), from_pivot, p=1.0)(sentences(3))
    assert out == [expected_round_trip(t) for t in sentences(3)]


def test_bad_arguments_and_inputs():
    layer = BackTranslation(to_pivot, from_pivot, seed=0)
    assert_raises_each([
        (lambda: BackTranslation("fr", from_pivot), TypeError,
         r"Argument `forward` of BackTranslation must be a callable.*Received: forward='fr'"),
        (lambda: BackTranslation(to_pivot, None), TypeError, "Argument `backward`"),
        (lambda: BackTranslation(to_pivot, from_pivot, p=1.5), ValueError, r"`p`.*\[0, 1\]"),
        (lambda: BackTranslation(to_pivot, from_pivot, p="half"), TypeError, "`p`"),
        (lambda: BackTranslation(to_pivot, from_pivot, seed=1.5), TypeError, "`seed`"),
        (lambda: BackTranslation(to_pivot, from_pivot, dtype="float32"), ValueError,
         "`dtype` of BackTranslation must be 'string'"),
        (lambda: layer(np.array([1, 2])), TypeError, "expects strings.*int64"),
        (lambda: layer(np.array([["a"], ["b"]])), TypeError, r"shape \(2, 1\)"),
        (lambda: layer(["a", 3]), TypeError, r"items of type \['int', 'str'\]"),
        (lambda: layer({"tokens": ["a"]}), ValueError, "under the key 'text'"),
        (lambda: layer({"text": ["a"], "tokens": ["a"]}), ValueError, "cannot transform `tokens`"),
    ])
    ds = tf.data.Dataset.from_tensor_slices(np.zeros((4, 3), "float32")).batch(2)
    with pytest.raises(TypeError, match="tf.string batch"):
        ds.map(layer)


def test_registered_translators_round_trip_through_a_keras_file(tmp_path):
    layer = BackTranslation(registered_to_pivot, TableTranslator(FROM_PIVOT), p=0.5, seed=5,
                            name="bt")
    model = keras.Sequential([keras.Input(shape=(), dtype="string"), layer])
    loaded = save_and_load(model, tmp_path).get_layer("bt")
    assert loaded.translators[0].translator is registered_to_pivot
    assert loaded.translators[1].translator.table == FROM_PIVOT
    assert loaded.p == 0.5
    texts = sentences(32)
    assert loaded(texts) == layer(texts)  # both fresh: the same seed, the same draws


def test_callables_that_cannot_be_loaded_refuse_to_save(tmp_path):
    closure = BackTranslation(lambda t: t, from_pivot)
    with pytest.raises(TypeError, match=r"cannot save its `forward` translator `.*<lambda>`"):
        closure.get_config()
    unregistered = BackTranslation(to_pivot, from_pivot)
    with pytest.raises(TypeError, match="`forward` translator `to_pivot`.*register"):
        keras.Sequential([keras.Input(shape=(), dtype="string"), unregistered]).save(
            str(tmp_path / "m.keras"))
    model_translator = keras.Sequential([keras.layers.Dense(1)], name="seq2seq")
    refused = BackTranslation(registered_to_pivot, model_translator)
    assert refused.weights == []  # the translator's weights are not the layer's
    with pytest.raises(TypeError, match="`backward` translator `seq2seq`.*weights"):
        refused.get_config()
