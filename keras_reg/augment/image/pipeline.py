import keras

from keras_reg._compat import augment as _compat
from keras_reg._compat import random as _compat_random
from keras_reg.augment import _routing
from keras_reg.augment._base import AugmentationLayer


@keras.saving.register_keras_serializable(package="keras_reg")
class ImagePipeline(AugmentationLayer):
    """Image layers applied in order as one layer of the protocol: its
    transformation is the list of its layers' transformations (drawn
    together, from the batch they all see: the layers keep the shape), and
    each of its ``transform_*`` applies theirs in order. What
    ``image_recipe`` returns.

    Layers may be keras_reg's image layers or Keras's image preprocessing
    layers (the same protocol: ``get_random_transformation``,
    ``transform_images``, ``transform_labels``). A layer that resizes
    (``RandomResizedCrop``) also runs at inference, as its centre crop; the
    others only in training.

    Args:
        layers: list of image augmentation layers.
        seed: unused (each layer draws from its own seed); kept for the
            common configuration of the augmentation layers.
        **kwargs: ``keras.layers.Layer`` arguments (``name``, ``dtype``).

    Call arguments:
        data: images (batch, h, w, c) or one image, or a dict
            ``{"images": ..., "labels": ...}``.
        training: transform when true; when false, only the layers that
            apply at inference (a resized crop) run.

    Example:

    ```python
    pipeline = keras_reg.augment.ImagePipeline(
        [keras_reg.augment.RandomFlipRotation(seed=0), keras_reg.augment.ColorJitter(0.2)])
    t = pipeline.get_random_transformation({"images": images})
    out = pipeline.transform_images(images, t)  # == one call of the pipeline
    ```
    """

    data_key = "images"
    batch_rank = 4

    def __init__(self, layers: list, seed: int | None = None, **kwargs):
        if not isinstance(layers, (list, tuple)) or not all(
            isinstance(layer, keras.layers.Layer) for layer in layers
        ):
            raise TypeError(f"Argument `layers` must be a list of layers. Received: {layers!r}.")
        super().__init__(seed=seed, **kwargs)
        self.layers = list(layers)

    @property
    def applies_at_inference(self):
        # A resized crop inside: inference must still produce its size.
        return any(getattr(layer, "applies_at_inference", False) for layer in self.layers)

    def _runs(self, layer, training):
        return training or getattr(layer, "applies_at_inference", False)

    def build(self, input_shape):
        super().build(input_shape)
        shape = _routing.data_shape(self, input_shape)
        for layer in self.layers:  # each builds on the image shape its predecessor returns
            if not layer.built:
                layer.build(shape)
            if shape is not None:
                shape = layer.compute_output_shape(tuple(shape))

    def compute_output_shape(self, input_shape):
        for layer in self.layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def compute_output_spec(self, data, training=True, mask=None):
        spec = super().compute_output_spec(data, training=training)
        images = spec[self.data_key] if isinstance(spec, dict) else spec
        out = keras.KerasTensor(self.compute_output_shape(tuple(images.shape)), images.dtype)
        return {**spec, self.data_key: out} if isinstance(spec, dict) else out

    def check_input_shape(self, shape):
        super().check_input_shape(shape)
        for layer in self.layers:
            getattr(layer, "check_input_shape", lambda shape: None)(shape)

    def check_input_dtype(self, dtype):
        for layer in self.layers:
            getattr(layer, "check_input_dtype", lambda dtype: None)(dtype)

    def get_random_transformation(self, data, training=True, seed=None):
        # The draws need only the shape of what each layer will receive: after
        # a layer that resizes, later ones draw from zeros of the new shape
        # (never computed in a graph, where nothing reads their values).
        transformations = []
        with _compat.running_like(self, self.layers):
            for layer in self.layers:
                runs = self._runs(layer, training)
                # An explicit seed: each layer its own stream.
                layer_seed = _compat_random.fold_seed(seed, len(transformations) + 1, axis=0)
                transformations.append(
                    layer.get_random_transformation(data, training=training, seed=layer_seed)
                    if runs else None)
                images = data[self.data_key]
                shape = tuple(images.shape)
                out_shape = tuple(layer.compute_output_shape(shape)) if runs else shape
                if out_shape[1:] != shape[1:]:
                    ops = self.ops
                    data = {**data, self.data_key: ops.zeros(
                        (ops.shape(images)[0],) + out_shape[1:], images.dtype)}
        return transformations

    def apply_transformation(self, data, transformation, training=True):
        # At inference only the layers that apply there run (a resized crop).
        with _compat.running_like(self, self.layers):
            for layer, t in zip(self.layers, transformation):
                if not self._runs(layer, training):
                    continue
                data = {key: getattr(layer, f"transform_{key}")(value, t, training=training)
                        for key, value in data.items()}
        return data

    def transform_images(self, images, transformation, training=True):
        return self.apply_transformation({"images": images}, transformation, training)["images"]

    def transform_labels(self, labels, transformation, training=True):
        return self.apply_transformation({"labels": labels}, transformation, training)["labels"]

    def call(self, data, training=True, mask=None):
        # ``mask``: keras.layers.Pipeline's argument, which the ImagePipeline
        # of keras_reg 0.1.0 (a Pipeline) recorded in saved models; ignored.
        return super().call(data, training=training)

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["layers"] = [keras.saving.deserialize_keras_object(x) for x in config["layers"]]
        return cls(**config)

    def get_config(self):
        layers = [keras.saving.serialize_keras_object(layer) for layer in self.layers]
        return {**super().get_config(), "layers": layers}
