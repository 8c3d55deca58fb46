import keras

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
        rate: α in [0, 1].
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> table = {2: [3]}
    >>> keras_reg.augment.text.RandomInsertion(table, 0.5)([[2, 4, 0, 0]])  # e.g. [[2, 3, 4, 0]]

    Reference: Wei & Zou, EMNLP 2019.
    """

    def augment(self, x):
        ops = self.ops
        length = x.shape[1]
        positions = ops.arange(length, dtype="int32")[None, :]
        count = self.touched(self.lengths(x))
        for k in range(self.max_touched(length)):
            lengths = self.lengths(x)
            source = self.smallest_keys(self.has_synonym(x), ops.ones_like(lengths))
            token = ops.sum(ops.where(source, x, ops.zeros_like(x)), axis=1)
            synonym, has = self.synonym_of(token)
            where = self.uniform_index(ops.minimum(lengths, length - 1) + 1)[:, None]
            shifted = ops.concatenate([ops.zeros_like(x[:, :1]), x[:, :-1]], axis=1)
            inserted = ops.where(
                positions < where, x, ops.where(positions == where, synonym[:, None], shifted)
            )
            x = ops.where(((count > k) & has)[:, None], inserted, x)
        return x
