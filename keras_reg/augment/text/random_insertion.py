import keras

from keras_reg.augment.text import functional as F
from keras_reg.augment.text._synonym_layer import SynonymLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class RandomInsertion(SynonymLayer):
    """EDA random insertion, ``n = max(1, round(α·L))`` times per sample:
    take a synonym of a random token that has one and insert it at a random
    position among the real tokens (0 … L). Later tokens move right; the
    sequence length is kept, so when a sample has no padding left its last
    token falls off. Samples without any token that has a synonym are
    unchanged.

    Args:
        synonyms: dict {token id: [synonym ids]}.
        rate: α in [0, 1], ``n`` insertions for ``L`` real tokens.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: ids (batch, length) with room for insertions in the padding,
            one sequence, or ``{"tokens": ..., "labels": ...}``, whose
            labels pass through.
        training: insert only when true.

    Each insertion depends on the previous ones (its source word is drawn
    from the sequence as it then is), so the transformation holds the
    uniform draws (batch, insertions, ...) that the deterministic
    ``transform_tokens`` turns into insertions with
    ``keras_reg.augment.text.functional.insert_tokens``: ``"source"`` (keys
    over the positions), ``"synonym"`` and ``"position"``.

    Example:

    ```python
    table = {2: [3]}
    keras_reg.augment.text.RandomInsertion(table, 0.5)([[2, 4, 0, 0]])  # e.g. [[2, 3, 4, 0]]
    ```

    Reference: Wei & Zou, EMNLP 2019.
    """

    def get_random_transformation(self, data, training=True, seed=None):
        ops, x = self.ops, data["tokens"]
        draws = {"source": [], "synonym": [], "position": []}
        for _ in range(self.max_touched(x.shape[1])):
            draws["source"].append(self.uniform(ops.shape(x), seed=seed))
            draws["synonym"].append(self.index_draw(x, seed))
            draws["position"].append(self.index_draw(x, seed))
        if not draws["source"]:
            return {}
        return {key: ops.stack(value, axis=1) for key, value in draws.items()}

    def transform_tokens(self, tokens, transformation, training=True):
        ops, x = self.ops, tokens
        length = x.shape[1]
        count = self.touched(self.lengths(x))
        for k in range(self.max_touched(length) if transformation else 0):
            lengths = self.lengths(x)
            source = self.smallest_keys(self.has_synonym(x), ops.ones_like(lengths),
                                        transformation["source"][:, k])
            token = ops.sum(ops.where(source, x, ops.zeros_like(x)), axis=1)
            synonym, has = self.synonym_of(token, transformation["synonym"][:, k])
            where = self.pick_index(transformation["position"][:, k],
                                    ops.minimum(lengths, length - 1) + 1)
            where = ops.where((count > k) & has, where, -1)
            x = F.insert_tokens(x, where, synonym)
        return x
