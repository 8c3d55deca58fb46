import keras

from keras_reg.augment.text._synonym_layer import SynonymLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class SynonymReplacement(SynonymLayer):
    """EDA synonym replacement: replace ``n = max(1, round(α·L))`` random
    tokens that have synonyms (fewer if fewer have) by a synonym drawn
    uniformly from ``synonyms[token]``. Positions and padding are unchanged.

    Args:
        synonyms: dict {token id: [synonym ids]}, e.g. from
            ``keras_reg.augment.text.synonym_table``.
        rate: α in [0, 1].
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> vocab = ["", "[UNK]", "good", "fine", "movie"]
    >>> table = keras_reg.augment.text.synonym_table(vocab, {"good": ["fine"]})
    >>> keras_reg.augment.text.SynonymReplacement(table, 0.5)([[2, 4, 0]])  # [[3, 4, 0]]

    Reference: Wei & Zou, EMNLP 2019.
    """

    def augment(self, x):
        ops = self.ops
        lengths = self.lengths(x)
        chosen = self.smallest_keys(self.has_synonym(x), self.touched(lengths))
        flat = ops.reshape(x, (-1,))
        synonym, _ = self.synonym_of(flat)
        return ops.where(chosen, ops.reshape(synonym, ops.shape(x)), x)
