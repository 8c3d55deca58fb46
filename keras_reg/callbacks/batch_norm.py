"""Re-estimating BatchNormalization statistics for new weights."""

import keras
import numpy as np

from keras_reg import _validation
from keras_reg._compat import models as _compat

_ARRAYS = (np.ndarray, list, dict)


def _batch_norm_layers(model):
    """The BatchNormalization layers of ``model`` that update their moving
    statistics in training (a frozen one, ``trainable=False``, does not)."""
    return [
        layer
        for layer in _compat.flatten_layers(model)
        if isinstance(layer, keras.layers.BatchNormalization) and layer.trainable
    ]


def _inputs(batch):
    """``x`` of a batch given as ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, w)``,
    with tensors of another framework (tf.data under JAX or torch) as NumPy."""
    x = batch[0] if isinstance(batch, tuple) else batch

    def native(leaf):
        return leaf if keras.ops.is_tensor(leaf) or leaf is None else np.asarray(leaf)

    return keras.tree.map_structure(native, x)


def _batches(data, batch_size):
    """The input batches of ``data``: arrays (``x``, a list or dict of
    arrays, or a tuple ``(x, y[, w])``) in slices of ``batch_size``, or
    the batches of any other iterable (tf.data, PyDataset, a generator)."""
    arrays = data[0] if isinstance(data, tuple) else data
    if isinstance(arrays, _ARRAYS) or keras.ops.is_tensor(arrays):
        n = int(keras.tree.flatten(arrays)[0].shape[0])
        for start in range(0, n, batch_size):
            window = slice(start, start + batch_size)
            yield keras.tree.map_structure(lambda a, w=window: a[w], arrays)
        return
    for batch in data:
        yield _inputs(batch)


def recompute_batch_norm_statistics(model, data, batch_size=32, steps=None):
    """Re-estimate the moving statistics of every BatchNormalization layer by
    one pass over ``data``.

    Weights that were averaged (SWA, EMA) or otherwise changed outside
    training come with moving means and variances that belong to other
    weights. This runs the model over ``data`` with only the (trainable)
    BatchNormalization layers in training mode — dropout and every other
    layer stay in inference mode, as at prediction — and replaces each
    layer's statistics with the equal-weight average over the ``B`` batches
    of the batch statistics:

        moving_mean = (1/B) Σ_b mean_b,   moving_variance = (1/B) Σ_b var_b

    (``var_b`` is the biased batch variance Keras uses;
    ``torch.optim.swa_utils.update_bn`` averages the unbiased one, larger by
    ``n/(n − 1)`` for ``n`` values per channel in a batch). Other weights are
    untouched; layers in a batch see the statistics of that batch, as in
    training.

    Args:
        model: a built Keras model.
        data: inputs as ``fit`` takes them: an array (or a list or dict of
            arrays), a tuple ``(x, y)`` or ``(x, y, sample_weight)`` of them,
            or an iterable of such batches (``tf.data.Dataset``,
            ``keras.utils.PyDataset``, a generator); targets are ignored.
        batch_size: batch size for array data (>= 1).
        steps: at most this many batches (>= 1), e.g. for a repeating
            dataset; None: all of ``data``.

    Returns:
        The number of batches used (0 if the model has no BatchNormalization
        layer that trains).

    Example:

    ```python
    keras_reg.callbacks.recompute_batch_norm_statistics(model, x_train)
    ```
    """
    batch_size = _validation.check_positive_int(batch_size, "batch_size")
    if steps is not None:
        steps = _validation.check_positive_int(steps, "steps")
    layers = _batch_norm_layers(model)
    if not layers:
        return 0
    momenta = [layer.momentum for layer in layers]
    count = 0
    try:
        with _compat.forced_training(layers):
            for x in _batches(data, batch_size):
                if steps is not None and count >= steps:
                    break
                count += 1
                # moving ← m·moving + (1 − m)·batch with m = (b − 1)/b keeps
                # the equal-weight mean of the b batches seen so far.
                for layer in layers:
                    layer.momentum = (count - 1) / count
                model(x, training=False)
    finally:
        for layer, momentum in zip(layers, momenta):
            layer.momentum = momentum
    if count == 0:
        raise ValueError(
            "recompute_batch_norm_statistics: `data` holds no batch; the BatchNormalization "
            "statistics were not changed."
        )
    return count
