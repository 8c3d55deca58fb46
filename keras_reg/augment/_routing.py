"""How an ``AugmentationLayer`` call routes a batch or a dict of data and
targets through the protocol (``get_random_transformation`` once, then
``transform_<key>`` per entry)."""

import keras

# The keys under which a layer family expects its data; a dict holds one.
DATA_KEYS = ("inputs", "images", "audio", "tokens")


def _name(layer):
    return type(layer).__name__


def check_rank(layer, shape):
    rank = layer.batch_rank
    if rank is not None and len(shape) not in (rank, rank - 1):
        raise ValueError(
            f"{_name(layer)} expects inputs of rank {rank} (a batch) or {rank - 1} (one "
            f"example). Received rank {len(shape)}."
        )


def check_call_data(layer, data):
    """The keys of a dict (before anything runs), and the layer's own checks
    of the data as passed. Returns what ``__call__`` goes on with."""
    if not isinstance(data, dict):
        return layer._check_raw_data(data)
    key = layer.data_key
    if key not in data:
        raise ValueError(
            f"{_name(layer)} expects a dict with its data under the key '{key}' (and "
            f"optionally 'labels'). Received a dict with the keys {sorted(data)}."
        )
    for other in data:
        if other == key:
            continue
        if other in DATA_KEYS or not callable(getattr(layer, f"transform_{other}", None)):
            raise ValueError(
                f"{_name(layer)} cannot transform `{other}`: it transforms '{key}' and "
                f"'labels' (class labels, unchanged unless the layer mixes samples). "
                "Segmentation masks and bounding boxes are not supported by keras_reg's "
                f"layers yet: remove `{other}` from the dict rather than let it pass "
                "untransformed."
            )
    return {**data, key: layer._check_raw_data(data[key])}


def data_shape(layer, input_shape):
    """The shape of the data in what ``build`` received (None: unknown)."""
    if isinstance(input_shape, dict):
        return input_shape.get(layer.data_key)
    return input_shape


def _map(fn, batch):
    return {key: keras.tree.map_structure(fn, value) for key, value in batch.items()}


def run(layer, data, training):
    """The body of ``AugmentationLayer.call``."""
    batch = dict(data) if isinstance(data, dict) else {layer.data_key: data}
    x = batch[layer.data_key]
    layer.check_input_dtype(keras.backend.standardize_dtype(x.dtype))
    if not training and not layer.applies_at_inference:
        return data
    layer.check_input_shape(tuple(x.shape))
    ops = layer.ops
    one_example = layer.batch_rank is not None and len(x.shape) == layer.batch_rank - 1
    if one_example:
        batch = _map(lambda v: ops.expand_dims(v, 0), batch)
    transformation = layer.get_random_transformation(batch, training=training)
    batch = layer.apply_transformation(batch, transformation, training=training)
    if one_example:
        batch = _map(lambda v: ops.squeeze(v, 0), batch)
    return batch if isinstance(data, dict) else batch[layer.data_key]


def output_spec(layer, data):
    """Symbolic outputs: the data in ``layer.output_dtype``, targets as they came."""

    def spec(x, dtype):
        return keras.KerasTensor(x.shape, dtype=dtype)

    if not isinstance(data, dict):
        return spec(data, layer.output_dtype(data.dtype))
    return {
        key: spec(value, layer.output_dtype(value.dtype)) if key == layer.data_key
        else keras.tree.map_structure(lambda t: spec(t, t.dtype), value)
        for key, value in data.items()
    }
