import keras

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
        rate: α in [0, 1].
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> delete = keras_reg.augment.text.RandomDeletion(0.2, seed=0)
    >>> delete([[5, 8, 13, 2, 0, 0]])  # e.g. [[5, 13, 2, 0, 0, 0]]

    Reference: Wei & Zou, EMNLP 2019.
    """

    def augment(self, x):
        ops = self.ops
        length = x.shape[1]
        lengths = self.lengths(x)
        count = ops.minimum(self.touched(lengths), ops.maximum(lengths - 1, 0))
        delete = self.smallest_keys(x != 0, count)
        keep = (x != 0) & ~delete
        # Stable compaction: kept tokens sort by position, the rest after them.
        positions = ops.arange(length, dtype="int32")[None, :]
        order = ops.argsort(ops.where(keep, positions, positions + length), axis=1)
        moved = ops.take_along_axis(x, order, axis=1)
        kept = ops.sum(ops.cast(keep, "int32"), axis=1, keepdims=True)
        return ops.where(positions < kept, moved, ops.zeros_like(moved))
