"""The base of the per-sample combinators: children run on the whole batch
(data and labels together, so each child applies its own draw to both), and
each sample keeps, for every entry, the output its own choice selects."""

import keras

from keras_reg.augment import _routing
from keras_reg.augment._base import AugmentationLayer


def check_layer(layer, name):
    if not isinstance(layer, keras.layers.Layer):
        raise TypeError(f"Argument `{name}` must be a Keras layer. Received: {name}={layer!r}.")
    return layer


def check_layers(layers, name="layers"):
    if not isinstance(layers, (list, tuple)) or not layers:
        raise ValueError(
            f"Argument `{name}` must be a non-empty list of layers. Received: {name}={layers!r}."
        )
    return [check_layer(layer, f"{name}[{i}]") for i, layer in enumerate(layers)]


def children_dtype(kwargs, layers):
    """Without an explicit ``dtype``, a combinator of integer layers (the text
    layers, int32 token ids) takes their dtype; otherwise Keras's float
    default, as for any layer."""
    dtypes = {keras.backend.standardize_dtype(layer.compute_dtype) for layer in layers}
    if "dtype" not in kwargs and len(dtypes) == 1 and dtypes <= {"int32", "int64"}:
        kwargs["dtype"] = dtypes.pop()
    return kwargs


def _known_dims_differ(a, b):
    return len(a) != len(b) or any(x is not None and y is not None and x != y for x, y in zip(a, b))


def _protocol_key(layer):
    """The dict key ``layer`` takes its data under, or None if it takes no dicts
    (Keras's image preprocessing layers take ``"images"``)."""
    if not hasattr(layer, "get_random_transformation"):
        return None
    return getattr(layer, "data_key", "images")


class Combinator(AugmentationLayer):
    """Children, a per-sample choice among them in ``get_random_transformation``,
    and their outputs selected per sample in ``apply_transformation``."""

    def _children(self):
        """``(argument name, layer)`` for each child, as the messages name them."""
        return [(f"layers[{j}]", layer) for j, layer in enumerate(self.layers)]

    @property
    def data_key(self):
        keys = [_protocol_key(child) for _, child in self._children()]
        return next((key for key in keys if key not in (None, "inputs")), "inputs")

    @property
    def batch_rank(self):
        ranks = {getattr(child, "batch_rank", None) for _, child in self._children()}
        return ranks.pop() if len(ranks) == 1 else None

    def _check_raw_data(self, data):
        """The children's own checks of what the caller passed (e.g. integer
        token ids), run before Keras converts it to this layer's dtype."""
        for _, child in self._children():
            data = getattr(child, "_check_raw_data", lambda x: x)(data)
        return data

    def _check_same_shape(self, name, child, input_shape, output_shape, entry="its input"):
        if _known_dims_differ(tuple(input_shape), tuple(output_shape)):
            raise ValueError(
                f"{type(self).__name__}: argument `{name}` ({type(child).__name__} "
                f"{child.name!r}) changes the shape of {entry}: {tuple(input_shape)} -> "
                f"{tuple(output_shape)}. Each sample takes either a child's output or its "
                "input, so children must keep the shape (resize or crop before or after "
                "the combinator)."
            )

    def build(self, input_shape):
        super().build(input_shape)
        shape = _routing.data_shape(self, input_shape)
        if shape is None:
            return  # tf.data builds without a shape: `run_child` checks each traced shape
        spec = keras.KerasTensor(tuple(shape), dtype=self.compute_dtype)
        for name, child in self._children():
            try:
                output = child.compute_output_spec(spec)
            except Exception:  # no symbolic shape for this child: `run_child` checks at call
                continue
            if isinstance(output, keras.KerasTensor):
                self._check_same_shape(name, child, shape, output.shape)

    def run_child(self, name, child, data):
        """``child`` on the whole batch ``data`` (a dict): with the labels
        where it takes dicts under the same key, else on the data alone."""
        key = self.data_key
        if _protocol_key(child) == key:
            out = dict(child(dict(data), training=True))
        else:
            out = {**data, key: child(data[key], training=True)}
        for entry, value in data.items():
            what = "its input" if entry == key else f"`{entry}`"
            self._check_same_shape(name, child, value.shape, out[entry].shape, what)
        out[key] = self.ops.cast(out[key], self.compute_dtype)
        return out

    def select(self, flags, chosen, current):
        """Per entry, each sample's ``chosen`` value where its flag is set,
        else its ``current`` one (a target that a child turned into another
        dtype, e.g. mixed soft labels, takes that dtype)."""
        ops, out = self.ops, {}
        for entry, value in current.items():
            new = chosen[entry]
            value = ops.cast(value, new.dtype) if value.dtype != new.dtype else value
            shape = [ops.shape(value)[0]] + [1] * (len(value.shape) - 1)
            # (Keras's `where` promotes as JAX does: int64 to int32 under JAX.)
            out[entry] = ops.cast(ops.where(ops.reshape(flags, shape), new, value), new.dtype)
        return out

    @classmethod
    def from_config(cls, config):
        # Children are stored serialized under "layer" or "layers".
        config = dict(config)
        if "layer" in config:
            config["layer"] = keras.saving.deserialize_keras_object(config["layer"])
        if "layers" in config:
            config["layers"] = [keras.saving.deserialize_keras_object(x) for x in config["layers"]]
        return cls(**config)
