"""The text family's rules on top of the protocol: token-id batches
(n, length), int, padded with 0 at the end, under the key ``"tokens"``, and
the checks on what a caller passes them."""

import math
import sys

import numpy as np

from keras_reg import _validation
from keras_reg.augment._base import AugmentationLayer
from keras_reg.augment._params import known_values

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
# Dtypes whose every value fits the layers' int32 arithmetic: no value check needed.
_FITS_INT32 = ("int8", "int16", "int32", "uint8", "uint16")


def _tf_composite_kind(inputs):
    """"RaggedTensor"/"SparseTensor" for those TensorFlow inputs, else None.
    (Only when TensorFlow is imported: otherwise the input cannot be one.)"""
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return None
    for kind in ("RaggedTensor", "SparseTensor"):
        if isinstance(inputs, getattr(tf, kind)):
            return kind
    return None


class TextAugmentationLayer(AugmentationLayer):
    """Token ids (batch, length), 0 = padding at the end; length is kept.

    ``rate`` α is the fraction of a sample's real tokens an operation touches:
    ``n = max(1, round(α · L))`` for a sample of ``L`` tokens when α > 0 (Wei &
    Zou 2019, "n = α·l"). Samples that are all padding pass through unchanged
    (a traced pipeline cannot raise per sample); a sequence axis of length 0
    is an error at build time.
    """

    data_key = "tokens"
    batch_rank = 2
    #: smallest token id accepted (the synonym layers index a table by id).
    min_token_id = INT32_MIN

    def __init__(self, rate: float = 0.1, seed: int | None = None, **kwargs):
        kwargs.setdefault("dtype", "int32")
        super().__init__(seed=seed, **kwargs)
        self.rate = _validation.check_rate(rate, upper_inclusive=True)
        if not self.compute_dtype.startswith(("int", "uint")):
            raise ValueError(
                f"Argument `dtype` of {type(self).__name__} must be an integer dtype "
                f"(token ids; default int32). Received: dtype={self.compute_dtype!r}."
            )

    def check_input_shape(self, input_shape):
        super().check_input_shape(input_shape)
        if input_shape[-1] == 0:
            raise ValueError(
                f"{type(self).__name__} received empty token sequences (length 0): "
                f"input shape {tuple(input_shape)}."
            )

    def _check_raw_data(self, inputs):
        """Check what the caller passed, before Keras converts it (on JAX, NumPy
        int64 becomes int32 before ``call`` could see it). Returns the inputs,
        a Python list as a NumPy array. Combinators run it for their children."""
        name = type(self).__name__
        kind = _tf_composite_kind(inputs)
        if kind is not None:
            densify = {"RaggedTensor": "inputs.to_tensor()"}.get(kind, "tf.sparse.to_dense(inputs)")
            raise TypeError(
                f"{name} expects a dense batch of token ids (batch, length), padded with 0 "
                f"at the end. Received: inputs of type tf.{kind}. Pad it to a dense batch "
                f"first, e.g. `{densify}` (pads with 0)."
            )
        if isinstance(inputs, (list, tuple)):
            try:
                inputs = np.asarray(inputs)
            except ValueError:
                raise ValueError(
                    f"{name} expects a dense batch of token ids (batch, length). Received: a "
                    "Python list with rows of different lengths; pad them with 0 to one length."
                ) from None
        dtype = getattr(inputs, "dtype", None)
        if dtype is not None:
            dtype = self.check_input_dtype(dtype)
        self._check_id_range(inputs, dtype)
        if isinstance(inputs, np.ndarray) and dtype not in _FITS_INT32:
            inputs = inputs.astype("int32")  # in range: checked above
        return inputs

    def _check_id_range(self, inputs, dtype):
        # Values are checked only where they may fall outside [min_token_id,
        # INT32_MAX], and only when known: inside jit or tf.data they are not.
        if self.min_token_id <= INT32_MIN and dtype in _FITS_INT32:
            return
        values = known_values(inputs)
        if values is None or values.size == 0:
            return
        low, high = int(values.min()), int(values.max())
        if low < self.min_token_id or high > INT32_MAX:
            why = (
                "0 is padding and ids index the synonym table"
                if self.min_token_id == 0
                else "the layers compute in int32"
            )
            raise ValueError(
                f"{type(self).__name__}: token ids in `inputs` must be integers in "
                f"[{self.min_token_id}, {INT32_MAX}] ({why}). Received: ids from {low} to {high}."
            )

    def check_input_dtype(self, dtype):
        return _validation.check_input_dtype(
            dtype, "integer", "integer token ids (0 = padding)", type(self).__name__
        )

    def output_dtype(self, input_dtype):
        return input_dtype

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

    def index_draw(self, tokens, seed=None):
        """(n,) uniforms, to pick one index per sample with ``pick_index``."""
        return self.uniform((self.ops.shape(tokens)[0],), seed=seed)

    def pick_index(self, u, upper):
        """(n,) integers in [0, upper) from uniforms ``u`` (upper >= 1)."""
        ops = self.ops
        idx = ops.cast(ops.floor(u * ops.cast(upper, "float32")), "int32")
        return ops.minimum(idx, ops.maximum(upper - 1, 0))

    def smallest_keys(self, candidates, count, keys):
        """Bool (n, length): the ``count`` candidates with the smallest
        ``keys`` (uniform draws of the same shape): a random subset."""
        ops = self.ops
        keys = ops.where(candidates, keys, 2.0)
        ordered = ops.sort(keys, axis=1)
        kth = ops.take_along_axis(ordered, ops.maximum(count - 1, 0)[:, None], axis=1)
        return candidates & (keys <= kth) & (count[:, None] > 0)

    def get_config(self):
        config = super().get_config()
        config["rate"] = self.rate
        return config
