import keras

from keras_reg._compat import augment as _compat
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
    ``transform_images``, ``transform_labels``), keeping the image shape.

    Args:
        layers: list of image augmentation layers.
        seed: unused (each layer draws from its own seed); kept for the
            common configuration of the augmentation layers.
        **kwargs: ``keras.layers.Layer`` arguments (``name``, ``dtype``).

    Call arguments:
        data: images (batch, h, w, c) or one image, or a dict
            ``{"images": ..., "labels": ...}``.
        training: transform only when true.

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

    def build(self, input_shape):
        super().build(input_shape)
        for layer in self.layers:  # children keep the shape: each builds on it
            if not layer.built:
                layer.build(input_shape)

    def check_input_shape(self, shape):
        super().check_input_shape(shape)
        for layer in self.layers:
            getattr(layer, "check_input_shape", lambda shape: None)(shape)

    def check_input_dtype(self, dtype):
        for layer in self.layers:
            getattr(layer, "check_input_dtype", lambda dtype: None)(dtype)

    def get_random_transformation(self, data, training=True, seed=None):
        with _compat.running_like(self, self.layers):
            return [layer.get_random_transformation(data, training=training, seed=seed)
                    for layer in self.layers]

    def apply_transformation(self, data, transformation, training=True):
        with _compat.running_like(self, self.layers):
            for layer, t in zip(self.layers, transformation):
                data = {key: getattr(layer, f"transform_{key}")(value, t, training=training)
                        for key, value in data.items()}
        return data

    def transform_images(self, images, transformation, training=True):
        return self.apply_transformation({"images": images}, transformation, training)["images"]

    def transform_labels(self, labels, transformation, training=True):
        return self.apply_transformation({"labels": labels}, transformation, training)["labels"]

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["layers"] = [keras.saving.deserialize_keras_object(x) for x in config["layers"]]
        return cls(**config)

    def get_config(self):
        layers = [keras.saving.serialize_keras_object(layer) for layer in self.layers]
        return {**super().get_config(), "layers": layers}
