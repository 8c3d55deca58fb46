import keras

from keras_reg.augment.text._text_layer import TextAugmentationLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class RandomSwap(TextAugmentationLayer):
    """EDA random swap: swap two random real tokens, ``n = max(1, round(α·L))``
    times per sample. Each swap takes two distinct positions (the second
    uniform among the other ``L - 1``; EDA's reference code redraws up to
    three times for the same purpose), so a sequence of two or more distinct
    tokens always changes after one swap. The multiset of tokens and the
    padding are unchanged.

    Args:
        rate: α in [0, 1].
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> swap = keras_reg.augment.text.RandomSwap(0.1, seed=0)
    >>> swap([[5, 8, 13, 2, 0, 0]])  # e.g. [[13, 8, 5, 2, 0, 0]]

    Reference: Wei & Zou, "EDA: Easy Data Augmentation Techniques for Boosting
    Performance on Text Classification Tasks", EMNLP 2019.
    """

    def augment(self, x):
        ops = self.ops
        length = x.shape[1]
        lengths = self.lengths(x)
        count = self.touched(lengths)
        positions = ops.arange(length, dtype="int32")[None, :]
        for k in range(self.max_touched(length)):
            real = ops.maximum(lengths, 1)
            a = self.uniform_index(real)
            # b = a + 1 + U{0..L-2} (mod L): uniform over the positions != a.
            b = (a + 1 + self.uniform_index(ops.maximum(real - 1, 1))) % real
            a, b = a[:, None], b[:, None]
            active = (count > k)[:, None]
            xa = ops.take_along_axis(x, a, axis=1)
            xb = ops.take_along_axis(x, b, axis=1)
            swapped = ops.where(positions == a, xb, ops.where(positions == b, xa, x))
            x = ops.where(active, swapped, x)
        return x
