"""The base of the EDA layers that look synonyms up: the table, checked, and
its lookup by token id."""

import numpy as np

from keras_reg import _validation
from keras_reg._compat import augment as _compat
from keras_reg.augment.text._text_layer import INT32_MAX, TextAugmentationLayer

_TABLE_HELP = "a dict {token id: [synonym ids]}, ids integers in [1, 2**31 - 1] (0 is padding)"


def _token_id(value, what):
    """An id of the table as an int; ``what`` says where it was found. Keys
    may be decimal strings: that is how a saved config (JSON) stores them."""
    if isinstance(value, str) and value.isdecimal():
        value = int(value)
    elif isinstance(value, str):
        raise TypeError(
            f"Argument `synonyms` must be {_TABLE_HELP}. Received {what} {value!r}, a word. "
            "To map words, build the id table with "
            "keras_reg.augment.text.synonym_table(vocabulary, {word: [synonyms]})."
        )
    return _validation.check_int_in(value, "synonyms", 1, INT32_MAX, _TABLE_HELP,
                                    received=f"{what} {value!r}")


def check_synonym_table(synonyms):
    """``{int: [int]}`` from a table of token ids; entries without synonyms dropped."""
    if not isinstance(synonyms, dict):
        raise TypeError(
            f"Argument `synonyms` must be {_TABLE_HELP} "
            "(see keras_reg.augment.text.synonym_table). "
            f"Received type {type(synonyms).__name__}."
        )
    table = {}
    for key, values in synonyms.items():
        token = _token_id(key, "the key")
        if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple, np.ndarray)):
            raise TypeError(
                f"Argument `synonyms` must be {_TABLE_HELP}. Received for key {key!r} "
                f"the value {values!r} (type {type(values).__name__}), not a list of ids."
            )
        ids = [_token_id(v, f"for key {key!r} the synonym") for v in values]
        if ids:
            table[token] = ids
    return table


class SynonymLayer(TextAugmentationLayer):
    """An EDA layer that looks synonyms up in a table {token id: [ids]}.

    The table is stored compactly, one row per token that has synonyms,
    sorted by id: a lookup is a binary search, so its size and cost do not
    depend on how large the ids are.
    """

    min_token_id = 0

    def __init__(self, synonyms: dict, rate: float = 0.1, seed: int | None = None, **kwargs):
        super().__init__(rate=rate, seed=seed, **kwargs)
        self.synonyms = check_synonym_table(synonyms)
        # Row 0 is id 0 (padding) without synonyms: the table is never empty.
        keys = [0] + sorted(self.synonyms)
        width = max([1] + [len(ids) for ids in self.synonyms.values()])
        self._table_keys = np.array(keys, "int32")
        self._table_counts = np.zeros(len(keys), "int32")
        self._table_rows = np.zeros((len(keys), width), "int32")
        for row, key in enumerate(keys[1:], start=1):
            ids = self.synonyms[key]
            self._table_rows[row, : len(ids)] = ids
            self._table_counts[row] = len(ids)

    def table_row(self, tokens):
        """Row of each token (any shape) in the table (0 if absent), and
        whether the token has synonyms. Negative ids, and ids beyond the
        table, have none."""
        ops = self.ops
        flat = ops.reshape(tokens, (-1,))
        # Compared in the tokens' dtype: an int64 id beyond int32 (in a traced
        # call, where it is not checked) must not alias a key of the table.
        keys = ops.cast(ops.convert_to_tensor(self._table_keys), flat.dtype)
        found_at = _compat.searchsorted(ops, keys, flat)
        found_at = ops.minimum(ops.cast(found_at, "int32"), len(self._table_keys) - 1)
        has = (ops.take(keys, found_at) == flat) & (flat > 0)
        shape = ops.shape(tokens)
        return ops.reshape(ops.where(has, found_at, 0), shape), ops.reshape(has, shape)

    def synonym_of(self, tokens, u):
        """Tokens (n,) -> a synonym each, picked by the uniforms ``u`` (n,)
        (0 if none), and whether one exists."""
        ops = self.ops
        row, has = self.table_row(tokens)
        counts = ops.take(ops.convert_to_tensor(self._table_counts), row)
        pick = self.pick_index(u, ops.maximum(counts, 1))
        rows = ops.take(ops.convert_to_tensor(self._table_rows), row, axis=0)
        synonym = ops.take_along_axis(rows, pick[:, None], axis=1)[:, 0]
        return ops.where(has, synonym, 0), has

    def has_synonym(self, x):
        return self.table_row(x)[1]

    def get_config(self):
        config = super().get_config()
        # JSON object keys are strings; SynonymLayer.__init__ converts back.
        config["synonyms"] = {str(k): v for k, v in self.synonyms.items()}
        return config
