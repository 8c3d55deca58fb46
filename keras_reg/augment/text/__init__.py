"""Text augmentation (EDA, Wei & Zou 2019) on token-id tensors padded with 0.

``SynonymReplacement``, ``RandomInsertion``, ``RandomSwap``, ``RandomDeletion``
and ``synonym_table``; each is also available as ``keras_reg.augment.NAME``.
The edits they apply are public functions in
``keras_reg.augment.text.functional``. In a dict, tokens go under
``"tokens"`` (``{"tokens": ids, "labels": labels}``).
``BackTranslation`` works on strings, before tokenization, with the user's
translators (two callables or two keras-hub ``Seq2SeqLM`` models); in a dict,
its strings go under ``"text"``. What follows is about the EDA layers.

Inputs are dense integer batches ``(batch, length)`` (or one sequence
``(length,)``), padded with 0 at the end: a ``tf.RaggedTensor`` is refused
(pad it with ``.to_tensor()``), and so are float inputs. The layers compute in
int32, so token ids must lie in [-2³¹, 2³¹ - 1], and in [0, 2³¹ - 1] for the
two layers that look ids up in a synonym table. Where the values are known
when the layer is called (NumPy arrays, Python lists, eager tensors of any
backend, TensorFlow's included), an id outside that range raises
``ValueError`` on every backend, before Keras converts the input (on JAX,
NumPy int64 would become int32 there, wrapping large ids). Inside a traced
function (``jax.jit``, a ``tf.function`` or a ``tf.data`` pipeline, ``fit``
on any backend that compiles) the values do not exist yet and nothing is
checked per value: ids are used as they arrive (int64 ids beyond int32 wrap
where the input is converted to int32: in ``tf.data``, and on JAX before the
layer sees them), and a negative id counts as a token without synonyms (never
replaced, never inserted). A JAX array is int32 unless 64-bit mode is on: ids
wrapped when it was made cannot be detected.
"""

from keras_reg.augment.text import functional  # noqa: F401  (the public transforms)
from keras_reg.augment.text.back_translation import BackTranslation
from keras_reg.augment.text.random_deletion import RandomDeletion
from keras_reg.augment.text.random_insertion import RandomInsertion
from keras_reg.augment.text.random_swap import RandomSwap
from keras_reg.augment.text.synonym_replacement import SynonymReplacement
from keras_reg.augment.text.synonym_table import synonym_table

__all__ = [
    "BackTranslation",
    "RandomDeletion",
    "RandomInsertion",
    "RandomSwap",
    "SynonymReplacement",
    "synonym_table",
]
