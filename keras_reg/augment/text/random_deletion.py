import keras

from keras_reg.augment.text import functional as F
from keras_reg.augment.text._text_layer import TextAugmentationLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class RandomDeletion(TextAugmentationLayer):
    """EDA random deletion: delete ``n = max(1, round(α·L))`` random real
    tokens of each sample, never all of them (at most ``L - 1``); the rest
    move left in order and padding fills the end.

    EDA deletes each word independently with probability α; a fixed count
    with the same expectation is used here so that every EDA layer touches
    "at least one token when α > 0" and a sample is never emptied.

    Args:
        rate: α in [0, 1], the share of each sample's real tokens deleted.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: token ids (batch, length), padded with 0 at the end, or one
            such sequence, or ``{"tokens": ..., "labels": ...}`` (labels
            unchanged).
        training: delete only when true.

    The transformation: ``{"delete": (batch, length) booleans}``, applied
    by ``keras_reg.augment.text.functional.delete_tokens``.

    Example:

    ```python
    delete = keras_reg.augment.text.RandomDeletion(0.2, seed=0)
    delete([[5, 8, 13, 2, 0, 0]])  # e.g. [[5, 13, 2, 0, 0, 0]]
    ```

    Reference: Wei & Zou, EMNLP 2019.
    """

    def get_random_transformation(self, data, training=True, seed=None):
        ops, x = self.ops, data["tokens"]
        lengths = self.lengths(x)
        count = ops.minimum(self.touched(lengths), ops.maximum(lengths - 1, 0))
        keys = self.uniform(ops.shape(x), seed=seed)
        return {"delete": self.smallest_keys(x != 0, count, keys)}

    def transform_tokens(self, tokens, transformation, training=True):
        return F.delete_tokens(tokens, transformation["delete"])
