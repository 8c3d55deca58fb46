"""Class labels as target distributions, for the layers that mix samples:
class ids or rows in, smoothed float32 rows out, mixed with a partner's."""

from keras_reg.augment._params import known_values


def _name(layer_name):
    return f"{layer_name}: " if layer_name else ""


def target_rows(ops, labels, num_classes, label_smoothing, layer_name=""):
    """``labels`` as float32 rows (batch, K): class ids ((batch,) or
    (batch, 1)) one-hot encoded, rows (one-hot or soft, (batch, K)) as they
    are; then smoothed, ``(1 − s)·y + s/K``. ``num_classes`` (None: take K
    from the rows) is checked against the rows, and ids against ``[0, K)``
    where their values are known (eager calls)."""
    shape = tuple(labels.shape)
    sparse = len(shape) == 1 or (len(shape) == 2 and shape[1] == 1 and num_classes != 1)
    if sparse:
        if num_classes is None:
            raise ValueError(
                f"{_name(layer_name)}labels given as class ids (shape {shape}) need "
                "`num_classes` to build their one-hot rows. Pass num_classes=..."
            )
        values = known_values(labels)
        if values is not None and values.size and (values.min() < 0 or values.max() >= num_classes):
            raise ValueError(
                f"{_name(layer_name)}class ids must lie in [0, num_classes={num_classes}). "
                f"Received ids from {values.min()} to {values.max()}."
            )
        ids = ops.reshape(ops.cast(labels, "int32"), (-1,))
        rows = ops.one_hot(ids, num_classes, dtype="float32")
    elif len(shape) == 2:
        if num_classes is not None and shape[1] is not None and shape[1] != num_classes:
            raise ValueError(
                f"{_name(layer_name)}labels have {shape[1]} classes (shape {shape}) but "
                f"num_classes={num_classes}."
            )
        rows = ops.cast(labels, "float32")
        num_classes = shape[1]
    else:
        raise ValueError(
            f"{_name(layer_name)}labels must be class ids (batch,) or (batch, 1), or rows "
            f"(batch, num_classes). Received shape {shape}."
        )
    if label_smoothing:
        rows = rows * (1.0 - label_smoothing) + label_smoothing / num_classes
    return rows


def mix_rows(ops, rows, lam, partner_rows):
    """``λ·y + (1 − λ)·y_partner`` with ``λ`` (batch,) or a scalar."""
    lam = ops.reshape(ops.cast(lam, "float32"), (-1, 1))
    return lam * rows + (1.0 - lam) * partner_rows
