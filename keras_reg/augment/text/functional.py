"""Deterministic edits of token-id sequences, the ones keras_reg's EDA
layers apply.

Tokens are integer ids (batch, length), padded with 0 at the end; the edits
keep the length and the padding at the end. Positions are per sample,
(batch,) for one edit each or (batch, edits) for several applied in order.
They run on tensors of any backend, on NumPy arrays, and inside ``tf.data``
under any backend (the ops follow the type of ``tokens``):

```python
from keras_reg.augment.text import functional as F

layer = keras_reg.augment.text.RandomSwap(0.2, seed=0)
t = layer.get_random_transformation({"tokens": tokens})
same = F.swap_tokens(tokens, t["first"], t["second"])
```
"""

from keras_reg.augment._params import Tensor, as_tensor, ops_for


def _edits(ops, positions):
    positions = as_tensor(ops, positions, "int32")
    return ops.reshape(positions, (-1, 1)) if len(positions.shape) < 2 else positions


def swap_tokens(tokens: Tensor, first: Tensor, second: Tensor) -> Tensor:
    """Swap the tokens at positions ``first`` and ``second`` of each sample
    (a pair with ``first == second`` changes nothing).

    Args:
        tokens: (batch, length) integer ids.
        first: positions, (batch,) or (batch, swaps), applied in order.
        second: positions, the same shape.

    Returns:
        the edited tokens.

    Example:

    ```python
    keras_reg.augment.text.functional.swap_tokens([[5, 8, 13, 0]], [0], [2])  # [[13, 8, 5, 0]]
    ```
    """
    ops = ops_for(tokens)
    x = ops.convert_to_tensor(tokens)
    first, second = _edits(ops, first), _edits(ops, second)
    positions = ops.arange(x.shape[1], dtype="int32")[None, :]
    for j in range(first.shape[1]):
        a, b = first[:, j:j + 1], second[:, j:j + 1]
        xa = ops.take_along_axis(x, a, axis=1)
        xb = ops.take_along_axis(x, b, axis=1)
        x = ops.where(positions == a, xb, ops.where(positions == b, xa, x))
    return x


def delete_tokens(tokens: Tensor, mask: Tensor) -> Tensor:
    """Delete the tokens where ``mask`` is true; the others move left in
    order and padding (0) fills the end.

    Args:
        tokens: (batch, length) integer ids.
        mask: (batch, length) booleans.

    Returns:
        the edited tokens.

    Example:

    ```python
    F.delete_tokens([[5, 8, 13, 0]], [[False, True, False, False]])  # [[5, 13, 0, 0]]
    ```
    """
    ops = ops_for(tokens)
    x = ops.convert_to_tensor(tokens)
    length = x.shape[1]
    keep = (x != 0) & ~as_tensor(ops, mask, "bool")
    # Stable compaction: kept tokens sort by position, the rest after them.
    positions = ops.arange(length, dtype="int32")[None, :]
    order = ops.argsort(ops.where(keep, positions, positions + length), axis=1)
    moved = ops.take_along_axis(x, order, axis=1)
    kept = ops.sum(ops.cast(keep, "int32"), axis=1, keepdims=True)
    return ops.where(positions < kept, moved, ops.zeros_like(moved))


def insert_tokens(tokens: Tensor, positions: Tensor, values: Tensor) -> Tensor:
    """Insert ``values`` at ``positions`` of each sample; later tokens move
    right and, the length being kept, the last one falls off a full sample.
    A negative position inserts nothing.

    Args:
        tokens: (batch, length) integer ids.
        positions: where each value goes, (batch,) or (batch, insertions),
            applied in order (each into the result of the previous ones).
        values: the token ids to insert, the same shape.

    Returns:
        the edited tokens.

    Example:

    ```python
    F.insert_tokens([[2, 4, 0, 0]], [1], [3])  # [[2, 3, 4, 0]]
    ```
    """
    ops = ops_for(tokens)
    x = ops.convert_to_tensor(tokens)
    positions, values = _edits(ops, positions), ops.cast(_edits(ops, values), x.dtype)
    index = ops.arange(x.shape[1], dtype="int32")[None, :]
    for j in range(positions.shape[1]):
        where, value = positions[:, j:j + 1], values[:, j:j + 1]
        shifted = ops.concatenate([ops.zeros_like(x[:, :1]), x[:, :-1]], axis=1)
        inserted = ops.where(index < where, x, ops.where(index == where, value, shifted))
        x = ops.where(where >= 0, inserted, x)
    return x


def replace_tokens(tokens: Tensor, mask: Tensor, values: Tensor) -> Tensor:
    """Replace the tokens where ``mask`` is true by ``values``.

    Args:
        tokens: (batch, length) integer ids.
        mask: (batch, length) booleans.
        values: (batch, length) replacement ids (read where ``mask`` is true).

    Returns:
        the edited tokens.

    Example:

    ```python
    F.replace_tokens([[2, 4, 0]], [[True, False, False]], [[3, 0, 0]])  # [[3, 4, 0]]
    ```
    """
    ops = ops_for(tokens)
    x = ops.convert_to_tensor(tokens)
    return ops.where(as_tensor(ops, mask, "bool"), ops.cast(as_tensor(ops, values), x.dtype), x)


__all__ = ["delete_tokens", "insert_tokens", "replace_tokens", "swap_tokens"]
