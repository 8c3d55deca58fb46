"""Back-translation of strings with the user's translators (see ``BackTranslation``)."""

import keras
import numpy as np

from keras_reg import _validation
from keras_reg._compat.augment import is_tf_tensor
from keras_reg.augment import _routing
from keras_reg.augment._base import AugmentationLayer
from keras_reg.augment.text._translator import Translator, serialize_translator


def _symbolic(text):
    """Whether ``text`` has no values yet: a KerasTensor, or a TensorFlow
    tensor in a traced graph (a tf.data map, a tf.function)."""
    if keras.backend.is_keras_tensor(text):
        return True
    if not is_tf_tensor(text):
        return False
    import tensorflow as tf

    return not tf.executing_eagerly()


def _as_strings(values):
    """(list of str, a function putting such a list back in the kind of ``values``)."""
    if is_tf_tensor(values):
        import tensorflow as tf

        array = values.numpy()
        texts, restore = _as_strings(array)
        return texts, lambda out: tf.constant(restore(out), dtype=tf.string)
    if isinstance(values, (str, bytes)):
        texts, restore = _as_strings([values])
        return texts, lambda out: restore(out)[0]
    as_list = isinstance(values, (list, tuple))
    array = np.asarray(values, dtype=object if as_list else None)
    if array.dtype.kind not in "USO" or array.ndim > 1:
        raise TypeError("BackTranslation expects strings: a batch (a list, a NumPy array of "
                        "str or bytes, or a tf.string tensor of shape (batch,)) or one string. "
                        f"Received {type(values).__name__} of dtype {array.dtype} and shape "
                        f"{array.shape}.")
    flat = array.reshape(-1)
    kinds = [isinstance(v, bytes) for v in flat]
    if not all(isinstance(v, (str, bytes)) for v in flat):
        raise TypeError(f"BackTranslation expects strings; received items of type "
                        f"{sorted({type(v).__name__ for v in flat})}.")
    texts = [v.decode("utf-8") if b else str(v) for v, b in zip(flat, kinds)]

    def restore(out):
        out = [t.encode("utf-8") if b else t for t, b in zip(out, kinds)]
        if as_list:
            return out
        result = np.array(out, dtype=object if array.dtype.kind == "O" else None)
        return result.reshape(array.shape)

    return texts, restore


@keras.saving.register_keras_serializable(package="keras_reg")
class BackTranslation(AugmentationLayer):
    """Back-translation: each sentence, with probability ``p``, replaced by
    its round trip through another language,

        r_i ~ Bernoulli(p),  y_i = backward(forward([x_i]))  if r_i  else  x_i,

    a paraphrase that keeps the label (Sennrich et al. 2016; Xie et al. 2020
    used it for consistency training). The translators are the user's: two
    Python callables (list of ``str`` -> list of as many ``str``), or two
    objects with such a ``generate`` method, e.g. a pair of keras-hub
    ``Seq2SeqLM`` models (see docs/augmentation.md for the wiring). Only the
    selected sentences of a batch are translated, in one call per direction.

    It works on strings: in a ``tf.data`` pipeline under any backend, on a
    ``tf.string`` batch (the translators run in a ``tf.py_function``, so the
    pipeline cannot be serialized to a graph without Python), and eagerly on
    a Python list, a NumPy array of ``str``/``bytes`` or an eager
    ``tf.string`` tensor, returned in the same kind. Keep it before
    tokenization: the EDA layers act on token ids afterwards.

    Saving: a translator goes into the config only if it is a function
    registered with ``keras.saving.register_keras_serializable``, or an
    object of a registered class with ``get_config``/``from_config``.
    ``get_config`` (and so ``model.save``) raises ``TypeError`` for a lambda,
    a closure, an unregistered callable or a Keras model (its weights would
    not be saved): keep such a layer in the input pipeline, outside saved
    models.

    Args:
        forward: the translator into the pivot language.
        backward: the translator back into the source language.
        p: probability in [0, 1] that a sentence is replaced.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: strings (batch,) or one string, or a dict ``{"text": ...,
            "labels": ...}`` (labels unchanged).
        training: translate only when true.

    The transformation: ``{"replace": (batch,) bool}``.

    Example:

    ```python
    to_fr = lambda texts: [my_model.translate(t, "en", "fr") for t in texts]
    to_en = lambda texts: [my_model.translate(t, "fr", "en") for t in texts]
    ds = ds.map(keras_reg.augment.text.BackTranslation(to_fr, to_en, p=0.3, seed=0))
    ```

    Reference: Sennrich, Haddow & Birch, "Improving Neural Machine
    Translation Models with Monolingual Data", ACL 2016.
    """

    data_key = "text"
    batch_rank = 1

    def __init__(self, forward, backward, p: float = 0.5, seed: int | None = None, **kwargs):
        kwargs.setdefault("dtype", "string")
        super().__init__(seed=seed, **kwargs)
        if self.compute_dtype != "string":
            raise ValueError(f"Argument `dtype` of BackTranslation must be 'string' (the "
                             f"default). Received: dtype={self.compute_dtype!r}.")
        #: the forward and the backward translator, wrapped and checked.
        self.translators = (Translator(forward, "forward"), Translator(backward, "backward"))
        self.p = _validation.check_rate(p, "p", upper_inclusive=True)
        self.supports_jit = False  # Python translators: no XLA

    def round_trip(self, texts, replace):
        """``texts`` (list of str) with those where ``replace`` is true
        replaced by their round trip."""
        chosen = np.flatnonzero(np.asarray(replace, bool).reshape(-1))
        if chosen.size == 0:
            return list(texts)
        forward, backward = self.translators
        back = backward(forward([texts[i] for i in chosen]))
        out = list(texts)
        for i, text in zip(chosen, back):
            out[i] = text
        return out

    def __call__(self, data, training=True, **kwargs):
        text = data.get(self.data_key) if isinstance(data, dict) else data
        if _symbolic(text):  # tf.data, tf.function, a functional model: Keras's call
            return super().__call__(data, training=training, **kwargs)
        # Values known (JAX and torch have no string tensors): in Python.
        _routing.check_call_data(self, data)
        if not training:
            return data
        texts, restore = _as_strings(text)
        replace = self.get_random_transformation({self.data_key: texts}, training=training)
        out = restore(self.round_trip(texts, keras.ops.convert_to_numpy(replace["replace"])))
        return {**data, self.data_key: out} if isinstance(data, dict) else out

    def get_random_transformation(self, data, training=True, seed=None):
        text = data[self.data_key]
        n = len(text) if isinstance(text, list) else self.ops.shape(text)[0]
        return {"replace": self.uniform((n,), seed=seed) < self.p}

    def transform_text(self, text, transformation, training=True):
        import tensorflow as tf

        def translate(batch, replace):
            texts, restore = _as_strings(batch)
            return restore(self.round_trip(texts, replace.numpy()))

        out = tf.py_function(translate, [text, transformation["replace"]], Tout=tf.string)
        out.set_shape(text.shape)
        return out

    def _check_raw_data(self, text):
        # Before Keras converts it: a traced graph would cast numbers to strings.
        dtype = getattr(text, "dtype", None)
        if dtype is not None and _symbolic(text):
            self.check_input_dtype(keras.backend.standardize_dtype(dtype))
        return text

    def check_input_dtype(self, dtype):
        if dtype != "string":
            raise TypeError(f"BackTranslation expects a tf.string batch. Received dtype {dtype}.")

    def output_dtype(self, input_dtype):
        return "string"

    def get_config(self):
        config = super().get_config()
        for translator in self.translators:  # (not attributes: `forward` is torch's call)
            config[translator.role] = serialize_translator(translator)
        config["p"] = self.p
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for role in ("forward", "backward"):
            config[role] = keras.saving.deserialize_keras_object(config[role])
        return cls(**config)
