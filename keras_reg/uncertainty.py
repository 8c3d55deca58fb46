"""Monte Carlo dropout (Gal & Ghahramani, "Dropout as a Bayesian
Approximation", ICML 2016)."""

import numbers
import sys

import keras
import numpy as np

from keras_reg import _validation
from keras_reg._compat import models as _compat
from keras_reg.layers._base import DropoutBase

__all__ = ["dropout_layers", "mc_predict"]

# Keras's own dropout-family layers (the Spatial variants subclass Dropout).
_KERAS_DROPOUT_LAYERS = (
    keras.layers.Dropout,
    keras.layers.AlphaDropout,
    keras.layers.GaussianDropout,
    keras.layers.SpatialDropout1D,
    keras.layers.SpatialDropout2D,
    keras.layers.SpatialDropout3D,
)


def _check_model(model):
    if not isinstance(model, keras.layers.Layer):
        raise TypeError(
            "Argument `model` must be a Keras model (or layer). "
            f"Received: model={model!r} (type {type(model).__name__})."
        )
    return model


def dropout_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The dropout-family layers in ``model`` (keras_reg's and Keras's),
    nested models included.

    Args:
        model: a Keras model (or layer).

    Returns:
        a list of layers, in the order Keras lists them.

    Example:

    ```python
    layers = keras_reg.uncertainty.dropout_layers(model)
    [type(layer).__name__ for layer in layers]  # -> ['Dropout', 'SpatialDropout2D']
    ```
    """
    return [
        layer
        for layer in _compat.flatten_layers(_check_model(model))
        if isinstance(layer, (DropoutBase, *_KERAS_DROPOUT_LAYERS))
    ]


def _is_dataset(x):
    tf = sys.modules.get("tensorflow")  # a tf.data.Dataset implies TensorFlow is imported
    return tf is not None and isinstance(x, tf.data.Dataset)


def _array_batches(x, batch_size):
    """Slices of ``x`` (an array, tensor or structure of them) along axis 0;
    the inputs are checked now, before any pass."""
    leaves = keras.tree.flatten(x)
    if leaves and all(
        isinstance(leaf, numbers.Number) and not isinstance(leaf, bool) for leaf in leaves
    ):
        x = np.asarray(x)  # a (nested) Python list of numbers: one input
        leaves = [x]
    shapes = [tuple(np.shape(leaf)) for leaf in leaves]
    sizes = {shape[0] if shape else None for shape in shapes}
    if not leaves or None in sizes or len(sizes) != 1:
        raise ValueError(
            "Argument `x` must be a batch of inputs: an array or tensor with a batch axis, "
            "a structure of them with the same batch size (multi-input models), a list of "
            f"numbers, or a batched tf.data.Dataset. Received inputs of shapes {shapes}."
        )
    n = sizes.pop()
    if n == 0:
        raise ValueError(
            "Argument `x` is an empty batch (0 samples): mc_predict needs at least one. "
            f"Received inputs of shapes {shapes}."
        )
    step = batch_size or n
    return (
        keras.tree.map_structure(lambda a, s=start: a[s : s + step], x)
        for start in range(0, n, step)
    )


def _dataset_batches(dataset):
    """The inputs of each element of a batched dataset, as Keras's ``predict``
    reads them: a tuple ``(x, y)`` or ``(x, y, sample_weight)`` gives ``x``."""
    for element in dataset.as_numpy_iterator():
        x, _, _ = keras.utils.unpack_x_y_sample_weight(element)
        yield x


# Statistics over the passes (axis 0), accumulated in float64 so that identical
# passes give a std of exactly 0, returned in the outputs' dtype.
def _mean(draws):
    return draws.astype("float64").mean(axis=0).astype(draws.dtype)


def _std(draws):
    return draws.astype("float64").std(axis=0).astype(draws.dtype)


def _concatenate(*parts):
    return np.concatenate(parts, axis=0)


def mc_predict(
    model: keras.Model, x, samples: int = 30, batch_size: int | None = None
) -> tuple:
    """Predictive mean and standard deviation by Monte Carlo dropout.

    Runs ``samples`` stochastic forward passes in which **only** the
    dropout-family layers (keras_reg's and Keras's ``Dropout``,
    ``SpatialDropout*``, ``AlphaDropout``, ``GaussianDropout``) are in
    training mode. Everything else, BatchNormalization in particular, stays in
    inference mode, so moving statistics are neither used from the batch nor
    updated (``model(x, training=True)`` would do both).

        mean = (1/T) Σ_t f_t(x),   std = sqrt((1/T) Σ_t (f_t(x) - mean)²)

    ``std`` is the population standard deviation over the ``T`` passes. A
    model without dropout layers gives ``std == 0``. Each batch is read once
    and passed ``T`` times, so a shuffled or randomly augmented dataset still
    gives every sample ``T`` passes over the same input.

    Args:
        model: a Keras model.
        x: inputs: a NumPy array or backend tensor, a (nested) Python list of
            numbers (converted to one array), a structure of arrays for a
            multi-input model, or a batched ``tf.data.Dataset``. As in Keras's
            ``predict``, a dataset element that is a tuple ``(x, y)`` or
            ``(x, y, sample_weight)`` contributes only ``x`` (give a
            multi-input model's inputs as a dict or a nested tuple
            ``((a, b),)``). Results follow the dataset's order: do not
            shuffle it.
        samples: number of stochastic passes ``T`` (>= 1).
        batch_size: if given, array inputs run in batches of this size. A
            dataset is batched already: leave it None.

    Returns:
        ``(mean, std)``, NumPy arrays of the model's output shape (structures
        of them for a model with several outputs).

    Example:

    ```python
    mean, std = keras_reg.uncertainty.mc_predict(model, x_test, samples=30)
    uncertain = std.max(axis=-1) > 0.2
    ```
    """
    _check_model(model)
    samples = _validation.check_positive_int(samples, "samples")
    if batch_size is not None:
        batch_size = _validation.check_positive_int(batch_size, "batch_size")
    if _is_dataset(x):
        if batch_size is not None:
            raise ValueError(
                "Argument `batch_size` must be None when `x` is a tf.data.Dataset (the "
                f"dataset is batched already). Received: batch_size={batch_size}."
            )
        batches = _dataset_batches(x)
    else:
        batches = _array_batches(x, batch_size)

    means, stds = [], []
    with _compat.forced_training(dropout_layers(model)):
        for batch in batches:
            draws = [
                keras.tree.map_structure(
                    keras.ops.convert_to_numpy, model(batch, training=False)
                )
                for _ in range(samples)
            ]
            stacked = keras.tree.map_structure(lambda *ys: np.stack(ys), *draws)
            means.append(keras.tree.map_structure(_mean, stacked))
            stds.append(keras.tree.map_structure(_std, stacked))
    if not means:
        raise ValueError("Argument `x` is a dataset without any element: nothing to predict.")
    return (
        keras.tree.map_structure(_concatenate, *means),
        keras.tree.map_structure(_concatenate, *stds),
    )
