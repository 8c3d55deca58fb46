import keras

from keras_reg.augment.text import functional as F
from keras_reg.augment.text._synonym_layer import SynonymLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class SynonymReplacement(SynonymLayer):
    """EDA synonym replacement: replace ``n = max(1, round(α·L))`` random
    tokens that have synonyms (fewer if fewer have) by a synonym drawn
    uniformly from ``synonyms[token]``. Positions and padding are unchanged.

    Args:
        synonyms: dict {token id: [synonym ids]}, e.g. from
            ``keras_reg.augment.text.synonym_table``.
        rate: α in [0, 1], the share of a sample's real tokens replaced.
        seed: int seed of the layer's ``keras.random.SeedGenerator``, which
            picks the tokens and their synonyms.

    Call arguments:
        data: token ids (batch, length) or (length,); or, with labels,
            ``{"tokens": ids, "labels": labels}``, the labels untouched.
        training: replace only when true.

    The transformation: ``{"replace": (batch, length) booleans, "synonyms":
    (batch, length) ids}``, applied by
    ``keras_reg.augment.text.functional.replace_tokens``.

    Example:

    ```python
    vocab = ["", "[UNK]", "good", "fine", "movie"]
    table = keras_reg.augment.text.synonym_table(vocab, {"good": ["fine"]})
    keras_reg.augment.text.SynonymReplacement(table, 0.5)([[2, 4, 0]])  # [[3, 4, 0]]
    ```

    Reference: Wei & Zou, EMNLP 2019.
    """

    def get_random_transformation(self, data, training=True, seed=None):
        ops, x = self.ops, data["tokens"]
        keys = self.uniform(ops.shape(x), seed=seed)
        replace = self.smallest_keys(self.has_synonym(x), self.touched(self.lengths(x)), keys)
        flat = ops.reshape(x, (-1,))
        synonyms, _ = self.synonym_of(flat, self.index_draw(flat, seed))
        return {"replace": replace, "synonyms": ops.reshape(synonyms, ops.shape(x))}

    def transform_tokens(self, tokens, transformation, training=True):
        return F.replace_tokens(tokens, transformation["replace"], transformation["synonyms"])
