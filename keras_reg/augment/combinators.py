"""Per-sample combinators of augmentation layers: RandomApply, RandomChoice, SomeOf.

Each child runs on the whole batch and the result is selected per sample
(``where``), so every sample gets its own coin flip while the batch stays one
vectorized call. Children must keep the shape of their input. Any Keras or
keras_reg preprocessing layer can be a child, and combinators nest.
"""

import keras

from keras_reg import _validation
from keras_reg.augment._base import AugmentationLayer


def _check_layer(layer, name):
    if not isinstance(layer, keras.layers.Layer):
        raise TypeError(
            f"Argument `{name}` must be a Keras layer. Received: {name}={layer!r}."
        )
    return layer


def _check_layers(layers, name="layers"):
    if not isinstance(layers, (list, tuple)) or not layers:
        raise ValueError(
            f"Argument `{name}` must be a non-empty list of layers. Received: {name}={layers!r}."
        )
    return [_check_layer(layer, f"{name}[{i}]") for i, layer in enumerate(layers)]


def _children_dtype(kwargs, layers):
    """Without an explicit ``dtype``, a combinator of integer layers (the text
    layers, int32 token ids) takes their dtype; otherwise Keras's float
    default, as for any layer."""
    dtypes = {keras.backend.standardize_dtype(layer.compute_dtype) for layer in layers}
    if "dtype" not in kwargs and len(dtypes) == 1 and dtypes <= {"int32", "int64"}:
        kwargs["dtype"] = dtypes.pop()
    return kwargs


class _Combinator(AugmentationLayer):
    def _run(self, layer, batch):
        out = layer(batch, training=True)
        return self.ops.cast(out, self.compute_dtype)

    def _per_sample(self, flags, batch):
        """Reshape a (batch,) vector to broadcast against ``batch``."""
        shape = [self.ops.shape(batch)[0]] + [1] * (len(batch.shape) - 1)
        return self.ops.reshape(flags, shape)

    def compute_output_spec(self, inputs, training=True):
        return keras.KerasTensor(inputs.shape, dtype=self.compute_dtype)

    @classmethod
    def from_config(cls, config):
        # Children are stored serialized under "layer" or "layers".
        config = dict(config)
        if "layer" in config:
            config["layer"] = keras.saving.deserialize_keras_object(config["layer"])
        if "layers" in config:
            config["layers"] = [keras.saving.deserialize_keras_object(x) for x in config["layers"]]
        return cls(**config)


@keras.saving.register_keras_serializable(package="keras_reg")
class RandomApply(_Combinator):
    """Apply ``layer`` to each sample with probability ``rate``.

        y_i = layer(x)_i  if u_i < rate  else  x_i,    u_i ~ U[0, 1) per sample

    Args:
        layer: any Keras or keras_reg preprocessing layer that keeps the shape.
        rate: probability of applying it, in ``[0, 1]``.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> blur_half = keras_reg.augment.RandomApply(
    ...     keras.layers.RandomGaussianBlur(1.0), rate=0.5, seed=0)
    """

    def __init__(self, layer, rate=0.5, seed=None, **kwargs):
        layer = _check_layer(layer, "layer")
        super().__init__(seed=seed, **_children_dtype(kwargs, [layer]))
        self.layer = layer
        self.rate = _validation.check_rate(rate, upper_inclusive=True)

    def augment(self, batch):
        batch = self.ops.cast(batch, self.compute_dtype)
        out = self._run(self.layer, batch)
        apply = self.uniform((self.ops.shape(batch)[0],)) < self.rate
        return self.ops.where(self._per_sample(apply, batch), out, batch)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"layer": keras.saving.serialize_keras_object(self.layer), "rate": self.rate}
        )
        return config



@keras.saving.register_keras_serializable(package="keras_reg")
class RandomChoice(_Combinator):
    """Apply exactly one of ``layers`` to each sample, chosen per sample.

        y_i = layers[k_i](x)_i,   P(k_i = j) = weights[j] / sum(weights)

    Every child runs on the whole batch (k vectorized calls), then each sample
    takes its chosen child's output.

    Args:
        layers: non-empty list of preprocessing layers that keep the shape.
        weights: optional non-negative weights (same length, positive sum);
            ``None`` chooses uniformly.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> aug = keras_reg.augment.RandomChoice(
    ...     [keras.layers.RandomFlip("horizontal"), keras.layers.RandomRotation(0.05)],
    ...     weights=[2, 1], seed=0)
    """

    def __init__(self, layers, weights=None, seed=None, **kwargs):
        layers = _check_layers(layers)
        super().__init__(seed=seed, **_children_dtype(kwargs, layers))
        self.layers = layers
        if weights is not None:
            weights = [
                _validation.check_non_negative(w, f"weights[{i}]") for i, w in enumerate(weights)
            ]
            if len(weights) != len(self.layers) or sum(weights) <= 0:
                raise ValueError(
                    "Argument `weights` must have one non-negative entry per layer "
                    f"({len(self.layers)}) and a positive sum. Received: weights={weights}."
                )
        self.weights_ = weights

    def augment(self, batch):
        batch = self.ops.cast(batch, self.compute_dtype)
        k = len(self.layers)
        weights = self.weights_ or [1.0] * k
        total = float(sum(weights))
        # Inverse-CDF draw of the child index from one uniform per sample.
        u = self.uniform((self.ops.shape(batch)[0],))
        choice = self.ops.zeros_like(u, dtype="int32")
        cumulative = 0.0
        for w in weights[:-1]:
            cumulative += w / total
            choice = choice + self.ops.cast(u >= cumulative, "int32")
        out = batch
        for j, layer in enumerate(self.layers):
            if weights[j] == 0:
                continue
            out = self.ops.where(self._per_sample(choice == j, batch), self._run(layer, batch), out)
        return out

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "layers": [keras.saving.serialize_keras_object(x) for x in self.layers],
                "weights": self.weights_,
            }
        )
        return config



@keras.saving.register_keras_serializable(package="keras_reg")
class SomeOf(_Combinator):
    """Apply ``n`` of ``layers``, a random subset chosen per sample, in list order.

    Each sample draws one uniform key per layer and takes the ``n`` smallest,
    so every subset of size ``n`` is equally likely.

    Args:
        layers: non-empty list of preprocessing layers that keep the shape.
        n: how many to apply to each sample, ``1 <= n <= len(layers)``.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Example:

    >>> aug = keras_reg.augment.SomeOf(
    ...     [keras.layers.RandomFlip(), keras.layers.RandomContrast(0.2),
    ...      keras_reg.augment.GaussianNoise((0.0, 10.0))], n=2, seed=0)
    """

    def __init__(self, layers, n, seed=None, **kwargs):
        layers = _check_layers(layers)
        super().__init__(seed=seed, **_children_dtype(kwargs, layers))
        self.layers = layers
        n = _validation.check_positive_int(n, "n")
        if n > len(self.layers):
            raise ValueError(
                f"Argument `n` must be at most the number of layers ({len(self.layers)}). "
                f"Received: n={n}."
            )
        self.n = n

    def augment(self, batch):
        batch = self.ops.cast(batch, self.compute_dtype)
        keys = self.uniform((self.ops.shape(batch)[0], len(self.layers)))
        nth_smallest = self.ops.sort(keys, axis=-1)[:, self.n - 1 : self.n]
        chosen = keys <= nth_smallest
        for j, layer in enumerate(self.layers):
            flags = self._per_sample(chosen[:, j], batch)
            batch = self.ops.where(flags, self._run(layer, batch), batch)
        return batch

    def get_config(self):
        config = super().get_config()
        config.update(
            {"layers": [keras.saving.serialize_keras_object(x) for x in self.layers], "n": self.n}
        )
        return config

