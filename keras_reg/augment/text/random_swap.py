import keras

from keras_reg.augment.text import functional as F
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
        rate: α in [0, 1]; a sample of ``L`` real tokens gets ``n`` swaps.
        seed: int seed of the ``keras.random.SeedGenerator`` that draws the
            positions.

    Call arguments:
        data: a batch of token ids (batch, length), a single sequence, or a
            dict holding them under ``"tokens"`` beside ``"labels"``, which
            are returned as they are.
        training: swap only when true.

    The transformation: ``{"first", "second"}`` positions (batch, swaps),
    a sample's unused swaps (0, 0); applied by
    ``keras_reg.augment.text.functional.swap_tokens``.

    Example:

    ```python
    swap = keras_reg.augment.text.RandomSwap(0.1, seed=0)
    swap([[5, 8, 13, 2, 0, 0]])  # e.g. [[13, 8, 5, 2, 0, 0]]
    ```

    Reference: Wei & Zou, "EDA: Easy Data Augmentation Techniques for Boosting
    Performance on Text Classification Tasks", EMNLP 2019.
    """

    def get_random_transformation(self, data, training=True, seed=None):
        ops, x = self.ops, data["tokens"]
        lengths = self.lengths(x)
        count = self.touched(lengths)
        real = ops.maximum(lengths, 1)
        first, second = [ops.zeros_like(lengths[:, None])] * 2  # no swap
        for k in range(self.max_touched(x.shape[1])):
            a = self.pick_index(self.index_draw(x, seed), real)
            # b = a + 1 + U{0..L-2} (mod L): uniform over the positions != a.
            b = (a + 1 + self.pick_index(self.index_draw(x, seed), ops.maximum(real - 1, 1))) % real
            active = count > k
            first = ops.concatenate([first, ops.where(active, a, 0)[:, None]], axis=1)
            second = ops.concatenate([second, ops.where(active, b, 0)[:, None]], axis=1)
        return {"first": first, "second": second}

    def transform_tokens(self, tokens, transformation, training=True):
        return F.swap_tokens(tokens, transformation["first"], transformation["second"])
