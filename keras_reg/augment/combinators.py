"""Per-sample combinators of augmentation layers: RandomApply, RandomChoice, SomeOf.

Each child runs on the whole batch and the result is selected per sample
(``where``), so every sample gets its own coin flip while the batch stays one
vectorized call. Children must keep the shape of their input (checked when
the combinator is built, and again on each traced shape). Any Keras or
keras_reg preprocessing layer can be a child, and combinators nest; a
combinator makes the same checks on its input as its children (the text
layers' integer token ids, for instance), before Keras converts it.
"""

import keras

from keras_reg import _validation
from keras_reg.augment._base import AugmentationLayer


def _check_layer(layer, name):
    if not isinstance(layer, keras.layers.Layer):
        raise TypeError(f"Argument `{name}` must be a Keras layer. Received: {name}={layer!r}.")
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


def _known_dims_differ(a, b):
    return len(a) != len(b) or any(x is not None and y is not None and x != y for x, y in zip(a, b))


class _Combinator(AugmentationLayer):
    def _children(self):
        """``(argument name, layer)`` for each child, as the messages name them."""
        return [(f"layers[{j}]", layer) for j, layer in enumerate(self.layers)]

    def __call__(self, inputs, *args, **kwargs):
        return super().__call__(self._check_call_inputs(inputs), *args, **kwargs)

    def _check_call_inputs(self, inputs):
        """The children's own checks of what the caller passed (e.g. integer
        token ids), run before Keras converts it to this layer's dtype."""
        for _, child in self._children():
            check = getattr(child, "_check_call_inputs", None)
            if check is not None:
                inputs = check(inputs)
        return inputs

    def _check_same_shape(self, name, child, input_shape, output_shape):
        if _known_dims_differ(tuple(input_shape), tuple(output_shape)):
            raise ValueError(
                f"{type(self).__name__}: argument `{name}` ({type(child).__name__} "
                f"{child.name!r}) changes the shape of its input: {tuple(input_shape)} -> "
                f"{tuple(output_shape)}. Each sample takes either a child's output or its "
                "input, so children must keep the shape (resize or crop before or after "
                "the combinator)."
            )

    def build(self, input_shape):
        super().build(input_shape)
        if input_shape is None:
            return  # tf.data builds without a shape: `_run` checks each traced shape
        spec = keras.KerasTensor(tuple(input_shape), dtype=self.compute_dtype)
        for name, child in self._children():
            try:
                output = child.compute_output_spec(spec)
            except Exception:  # no symbolic shape for this child: `_run` checks at call
                continue
            if isinstance(output, keras.KerasTensor):
                self._check_same_shape(name, child, input_shape, output.shape)

    def _run(self, name, layer, batch):
        out = layer(batch, training=True)
        self._check_same_shape(name, layer, batch.shape, out.shape)
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

    def _children(self):
        return [("layer", self.layer)]

    def augment(self, batch):
        batch = self.ops.cast(batch, self.compute_dtype)
        out = self._run("layer", self.layer, batch)
        apply = self.uniform((self.ops.shape(batch)[0],)) < self.rate
        return self.ops.where(self._per_sample(apply, batch), out, batch)

    def get_config(self):
        layer = keras.saving.serialize_keras_object(self.layer)
        return {**super().get_config(), "layer": layer, "rate": self.rate}


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
            if isinstance(weights, (str, bytes, dict)) or not hasattr(weights, "__len__"):
                raise TypeError(
                    "Argument `weights` must be a list of non-negative numbers, one per layer, "
                    f"or None. Received: weights={weights!r}."
                )
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
            chosen = self._per_sample(choice == j, batch)
            out = self.ops.where(chosen, self._run(f"layers[{j}]", layer, batch), out)
        return out

    def get_config(self):
        layers = [keras.saving.serialize_keras_object(x) for x in self.layers]
        return {**super().get_config(), "layers": layers, "weights": self.weights_}


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
            batch = self.ops.where(flags, self._run(f"layers[{j}]", layer, batch), batch)
        return batch

    def get_config(self):
        layers = [keras.saving.serialize_keras_object(x) for x in self.layers]
        return {**super().get_config(), "layers": layers, "n": self.n}

