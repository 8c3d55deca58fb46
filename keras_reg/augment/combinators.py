"""Per-sample combinators of augmentation layers: RandomApply, RandomChoice, SomeOf.

Each child runs on the whole batch and the result is selected per sample
(``where``), so every sample gets its own coin flip while the batch stays one
vectorized call. On a dict ``{key: data, "labels": labels}`` each child
transforms data and labels together (with one draw), and each sample keeps
both from the same child. Children must keep the shape of their input (checked when
the combinator is built, and again on each traced shape). Any Keras or
keras_reg preprocessing layer can be a child, and combinators nest; a
combinator makes the same checks on its input as its children (the text
layers' integer token ids, for instance), before Keras converts it.
"""

import keras

from keras_reg import _validation
from keras_reg.augment._combinator import Combinator, check_layer, check_layers, children_dtype


@keras.saving.register_keras_serializable(package="keras_reg")
class RandomApply(Combinator):
    """Apply ``layer`` to each sample with probability ``rate``.

        y_i = layer(x)_i  if u_i < rate  else  x_i,    u_i ~ U[0, 1) per sample

    Args:
        layer: any Keras or keras_reg preprocessing layer that keeps the shape.
        rate: probability of applying it, in ``[0, 1]``.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: a batch, or a dict ``{data_key: batch, "labels": labels}``
            (the layer's ``data_key``: "images" for Keras's image layers,
            "audio" or "tokens" for keras_reg's sound and text layers); a
            sample takes data and labels both from the layer or both from
            the input.
        training: apply the layer only when true; otherwise the input
            passes through unchanged.

    Example:

    ```python
    blur_half = keras_reg.augment.RandomApply(
        keras.layers.RandomGaussianBlur(1.0), rate=0.5, seed=0)
    ```
    """

    def __init__(self, layer: keras.layers.Layer, rate: float = 0.5, seed: int | None = None,
                 **kwargs):
        layer = check_layer(layer, "layer")
        super().__init__(seed=seed, **children_dtype(kwargs, [layer]))
        self.layer = layer
        self.rate = _validation.check_rate(rate, upper_inclusive=True)

    def _children(self):
        return [("layer", self.layer)]

    def get_random_transformation(self, data, training=True, seed=None):
        n = self.ops.shape(data[self.data_key])[0]
        return {"apply": self.uniform((n,), seed=seed) < self.rate}

    def apply_transformation(self, data, transformation, training=True):
        out = self.run_child("layer", self.layer, data)
        return self.select(transformation["apply"], out, data)

    def get_config(self):
        layer = keras.saving.serialize_keras_object(self.layer)
        return {**super().get_config(), "layer": layer, "rate": self.rate}


@keras.saving.register_keras_serializable(package="keras_reg")
class RandomChoice(Combinator):
    """Apply exactly one of ``layers`` to each sample, chosen per sample.

        y_i = layers[k_i](x)_i,   P(k_i = j) = weights[j] / sum(weights)

    Every child runs on the whole batch (k vectorized calls), then each sample
    takes its chosen child's output.

    Args:
        layers: non-empty list of preprocessing layers that keep the shape.
        weights: optional non-negative weights (same length, positive sum);
            ``None`` chooses uniformly.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: a batch, or a dict ``{data_key: batch, "labels": labels}`` with
            the children's ``data_key``; a sample's data and labels come from
            the one child chosen for it.
        training: choose only when true (the input is returned otherwise).

    Example:

    ```python
    aug = keras_reg.augment.RandomChoice(
        [keras.layers.RandomFlip("horizontal"), keras.layers.RandomRotation(0.05)],
        weights=[2, 1], seed=0)
    ```
    """

    def __init__(self, layers: list, weights: list | None = None, seed: int | None = None,
                 **kwargs):
        layers = check_layers(layers)
        super().__init__(seed=seed, **children_dtype(kwargs, layers))
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

    def _weights(self):
        return self.weights_ or [1.0] * len(self.layers)

    def get_random_transformation(self, data, training=True, seed=None):
        weights = self._weights()
        total = float(sum(weights))
        # Inverse-CDF draw of the child index from one uniform per sample.
        u = self.uniform((self.ops.shape(data[self.data_key])[0],), seed=seed)
        choice = self.ops.zeros_like(u, dtype="int32")
        cumulative = 0.0
        for w in weights[:-1]:
            cumulative += w / total
            choice = choice + self.ops.cast(u >= cumulative, "int32")
        return {"choice": choice}

    def apply_transformation(self, data, transformation, training=True):
        out = data
        for j, (layer, weight) in enumerate(zip(self.layers, self._weights())):
            if weight > 0:
                chosen = self.run_child(f"layers[{j}]", layer, data)
                out = self.select(transformation["choice"] == j, chosen, out)
        return out

    def get_config(self):
        layers = [keras.saving.serialize_keras_object(x) for x in self.layers]
        return {**super().get_config(), "layers": layers, "weights": self.weights_}


@keras.saving.register_keras_serializable(package="keras_reg")
class SomeOf(Combinator):
    """Apply ``n`` of ``layers``, a random subset chosen per sample, in list order.

    Each sample draws one uniform key per layer and takes the ``n`` smallest,
    so every subset of size ``n`` is equally likely.

    Args:
        layers: non-empty list of preprocessing layers that keep the shape.
        n: how many to apply to each sample, ``1 <= n <= len(layers)``.
        seed: int seed of the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: a batch or a dict ``{data_key: batch, "labels": labels}``;
            the chosen layers transform a sample's data and labels together,
            one after another in list order.
        training: when false, the input is returned as it is.

    Example:

    ```python
    aug = keras_reg.augment.SomeOf(
        [keras.layers.RandomFlip(), keras.layers.RandomContrast(0.2),
         keras_reg.augment.GaussianNoise((0.0, 10.0))], n=2, seed=0)
    ```
    """

    def __init__(self, layers: list, n: int, seed: int | None = None, **kwargs):
        layers = check_layers(layers)
        super().__init__(seed=seed, **children_dtype(kwargs, layers))
        self.layers = layers
        n = _validation.check_positive_int(n, "n")
        if n > len(self.layers):
            raise ValueError(
                f"Argument `n` must be at most the number of layers ({len(self.layers)}). "
                f"Received: n={n}."
            )
        self.n = n

    def get_random_transformation(self, data, training=True, seed=None):
        n = self.ops.shape(data[self.data_key])[0]
        keys = self.uniform((n, len(self.layers)), seed=seed)
        nth_smallest = self.ops.sort(keys, axis=-1)[:, self.n - 1 : self.n]
        return {"chosen": keys <= nth_smallest}

    def apply_transformation(self, data, transformation, training=True):
        for j, layer in enumerate(self.layers):
            out = self.run_child(f"layers[{j}]", layer, data)
            data = self.select(transformation["chosen"][:, j], out, data)
        return data

    def get_config(self):
        layers = [keras.saving.serialize_keras_object(x) for x in self.layers]
        return {**super().get_config(), "layers": layers, "n": self.n}

