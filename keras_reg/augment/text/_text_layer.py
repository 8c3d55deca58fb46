"""Shared plumbing of the EDA layers: token-id batches (n, length), int,
padded with 0 at the end."""

import math

import keras

from keras_reg import _validation
from keras_reg.augment._base import AugmentationLayer


class TextAugmentationLayer(AugmentationLayer):
    """Token ids (batch, length), 0 = padding at the end; length is kept.

    ``rate`` α is the fraction of a sample's real tokens an operation touches:
    ``n = max(1, round(α · L))`` for a sample of ``L`` tokens when α > 0 (Wei &
    Zou 2019, "n = α·l"). Samples that are all padding pass through unchanged
    (a traced pipeline cannot raise per sample); a sequence axis of length 0
    is an error at build time.
    """

    batch_rank = 2

    def __init__(self, rate=0.1, seed=None, **kwargs):
        kwargs.setdefault("dtype", "int32")
        super().__init__(seed=seed, **kwargs)
        self.rate = _validation.check_rate(rate, upper_inclusive=True)

    def check_input_shape(self, input_shape):
        super().check_input_shape(input_shape)
        if input_shape[-1] == 0:
            raise ValueError(
                f"{type(self).__name__} received empty token sequences (length 0): "
                f"input shape {tuple(input_shape)}."
            )

    def __call__(self, inputs, *args, **kwargs):
        # Checked before Keras converts the inputs to this layer's int dtype.
        dtype = getattr(inputs, "dtype", None)
        if dtype is not None and not keras.backend.standardize_dtype(dtype).startswith(
            ("int", "uint")
        ):
            raise TypeError(
                f"{type(self).__name__} expects integer token ids (0 = padding). "
                f"Received dtype {dtype}."
            )
        return super().__call__(inputs, *args, **kwargs)

    # -- helpers used by the layers ------------------------------------------
    def lengths(self, x):
        """(n,) number of real (non-zero) tokens per sample."""
        return self.ops.sum(self.ops.cast(x != 0, "int32"), axis=1)

    def touched(self, lengths):
        """(n,) how many tokens to touch: max(1, round(rate · L)), 0 if L = 0."""
        ops = self.ops
        # Round half up (not to even), as the static bound below.
        n = ops.cast(ops.floor(ops.cast(lengths, "float32") * self.rate + 0.5), "int32")
        n = ops.maximum(n, 1) if self.rate > 0 else n
        return ops.minimum(n, lengths)

    def max_touched(self, length):
        """Static bound on ``touched`` for sequences of ``length`` tokens."""
        return max(1, int(math.floor(self.rate * length + 0.5))) if self.rate > 0 else 0

    def uniform_index(self, upper):
        """(n,) one uniform integer in [0, upper) per sample (upper >= 1)."""
        ops = self.ops
        u = self.uniform(ops.shape(upper))
        idx = ops.cast(ops.floor(u * ops.cast(upper, "float32")), "int32")
        return ops.minimum(idx, ops.maximum(upper - 1, 0))

    def smallest_keys(self, candidates, count):
        """Bool (n, length): ``count`` random positions among ``candidates``."""
        ops = self.ops
        keys = ops.where(candidates, self.uniform(ops.shape(candidates)), 2.0)
        ordered = ops.sort(keys, axis=1)
        kth = ops.take_along_axis(ordered, ops.maximum(count - 1, 0)[:, None], axis=1)
        return candidates & (keys <= kth) & (count[:, None] > 0)

    def compute_output_spec(self, inputs, training=True):
        return keras.KerasTensor(inputs.shape, dtype=inputs.dtype)

    def get_config(self):
        config = super().get_config()
        config["rate"] = self.rate
        return config


class SynonymLayer(TextAugmentationLayer):
    """An EDA layer that looks synonyms up in a table {token id: [ids]}."""

    def __init__(self, synonyms, rate=0.1, seed=None, **kwargs):
        super().__init__(rate=rate, seed=seed, **kwargs)
        if not isinstance(synonyms, dict):
            raise TypeError(
                "Argument `synonyms` must be a dict {token id: [synonym ids]} "
                "(see keras_reg.augment.text.synonym_table). "
                f"Received type {type(synonyms).__name__}."
            )
        table = {}
        for key, values in synonyms.items():
            ids = [int(v) for v in values]
            if int(key) < 1 or any(v < 1 for v in ids):
                raise ValueError(
                    "Argument `synonyms` must map token ids >= 1 to ids >= 1 (0 is padding). "
                    f"Received entry {key!r}: {values!r}."
                )
            if ids:
                table[int(key)] = ids
        self.synonyms = table
        vocab = max([0] + list(table) + [v for ids in table.values() for v in ids]) + 1
        width = max([1] + [len(ids) for ids in table.values()])
        self._table = [[0] * width for _ in range(vocab)]
        self._counts = [0] * vocab
        for key, ids in table.items():
            self._table[key][: len(ids)] = ids
            self._counts[key] = len(ids)

    def synonym_of(self, tokens):
        """Per-sample tokens (n,) -> a random synonym each (0 if none), and
        whether one exists."""
        ops = self.ops
        vocab = len(self._counts)
        known = (tokens > 0) & (tokens < vocab)
        safe = ops.where(known, tokens, 0)
        counts = ops.take(ops.convert_to_tensor(self._counts, "int32"), safe)
        has = known & (counts > 0)
        pick = self.uniform_index(ops.maximum(counts, 1))
        table = ops.convert_to_tensor(self._table, "int32")
        rows = ops.take(table, safe, axis=0)
        synonym = ops.take_along_axis(rows, pick[:, None], axis=1)[:, 0]
        return ops.where(has, synonym, 0), has

    def has_synonym(self, x):
        ops = self.ops
        vocab = len(self._counts)
        counts = ops.convert_to_tensor(self._counts, "int32")
        return (x > 0) & (x < vocab) & (ops.take(counts, ops.where(x < vocab, x, 0)) > 0)

    def get_config(self):
        config = super().get_config()
        # JSON object keys are strings; SynonymLayer.__init__ converts back.
        config["synonyms"] = {str(k): v for k, v in self.synonyms.items()}
        return config
