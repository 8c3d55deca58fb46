"""The public base of keras_reg's randomized preprocessing layers."""

import functools

import keras

from keras_reg._compat import augment as _compat
from keras_reg._compat import random as _compat_random
from keras_reg.augment import _routing


@keras.saving.register_keras_serializable(package="keras_reg")
class AugmentationLayer(_compat.PipelineLayer):
    """Base of the random augmentations: randomness drawn in one place, then
    deterministic transforms that apply it to the data and its targets.

    A call runs, on a batch ``data`` (a dict of tensors):

    ```
    t = get_random_transformation(data, training, seed)   # small dict of tensors
    data[key] = transform_<key>(data[key], t, training)   # for each key of data
    ```

    so the data under ``data_key`` (``"images"``, ``"audio"`` or ``"tokens"``
    for the image, audio and text layers) and its targets (``"labels"``) see
    the same per-sample parameters. ``transform_labels`` is the identity
    here: class labels pass unchanged through any layer that does not mix
    samples; a layer that mixes them (MixUp) overrides it. A key the layer
    has no ``transform_<key>`` for (``segmentation_masks``,
    ``bounding_boxes``) is refused with an error rather than passed through.

    The layer takes a batch (a tensor) or a dict ``{data_key: batch,
    "labels": labels}``, and returns the same structure; one example without
    its batch axis is accepted when ``batch_rank`` is set. It runs in two
    places unchanged:

    * in a ``tf.data`` pipeline under **any** backend: ``ds.map(layer)`` on
      batches or dicts, ``ds.map(keras_reg.augment.paired(layer))`` on
      ``(x, y)`` pairs (TensorFlow ops run there even when the model trains
      on JAX or torch);
    * inside a model, where it transforms only when ``training`` is true, so
      ``predict`` and ``evaluate`` see the data unchanged.

    Subclass it: draw per-sample parameters in ``get_random_transformation``
    with ``self.uniform`` / ``self.normal`` / ``self.randint`` (seeded from
    the layer's ``keras.random.SeedGenerator`` on the backend the call runs
    on), and apply them with public functions (``keras_reg.augment.image.
    functional``, ...) or ``self.ops`` (``keras.ops`` on that backend). The
    0.1.0 form, an ``augment(batch)`` method that draws and transforms at
    once, still works for ``data_key = "inputs"`` (labels pass unchanged).

    Args:
        seed: int seed of the layer's ``keras.random.SeedGenerator``.
        **kwargs: ``keras.layers.Layer`` arguments (``name``, ``dtype``).

    Call arguments:
        data: a batch, one example (when ``batch_rank`` is set), or a dict
            holding it under ``data_key`` and optionally ``"labels"``.
        training: transform only when true (default true: a tf.data map).

    Example:

    ```python
    @keras.saving.register_keras_serializable()
    class RandomScale(keras_reg.augment.AugmentationLayer):
        data_key = "images"
        batch_rank = 4

        def get_random_transformation(self, data, training=True, seed=None):
            n = self.ops.shape(data["images"])[0]
            return {"factor": self.uniform((n, 1, 1, 1), 0.8, 1.2, seed=seed)}

        def transform_images(self, images, transformation, training=True):
            return images * transformation["factor"]

    ds = ds.map(RandomScale(seed=0))                         # batches, any backend
    ds = ds.map(keras_reg.augment.paired(RandomScale()))     # (x, y) pairs
    model = keras.Sequential([RandomScale(), ...])           # or in the model
    ```
    """

    #: the dict key of the data, and the name of its transform (``transform_<data_key>``).
    data_key = "inputs"
    #: rank of a batch (e.g. 4 for images); ``None`` accepts any rank.
    batch_rank = None
    #: whether calls with ``training=False`` run the protocol too (with
    #: ``training=False`` passed on), for a layer whose output shape differs
    #: from its input's (a resized crop: the centre crop at inference);
    #: otherwise they return the data unchanged.
    applies_at_inference = False
    #: whether the layer draws Gamma variates (Beta, Dirichlet): TensorFlow's
    #: sampler has no XLA kernel, so there such a layer sets
    #: ``supports_jit=False`` and Keras trains a model holding it without XLA.
    draws_gamma = False

    def __init__(self, seed: int | None = None, **kwargs):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise TypeError(f"Argument `seed` must be an int or None. Received: seed={seed!r}.")
        super().__init__(seed=seed, **kwargs)
        if self.draws_gamma:
            self.supports_jit = _compat_random.gamma_compiles()

    # -- the protocol --------------------------------------------------------
    def get_random_transformation(self, data, training=True, seed=None):
        """Per-sample parameters for the batch ``data`` (a dict), or None."""
        return None

    def transform_labels(self, labels, transformation, training=True):
        """Class labels are unchanged by a layer that does not mix samples."""
        return labels

    def transform_inputs(self, inputs, transformation, training=True):
        # The 0.1.0 protocol: ``augment`` draws and transforms at once.
        return self.augment(inputs)

    def augment(self, batch):
        raise NotImplementedError(
            f"{type(self).__name__} must implement `get_random_transformation` and "
            f"`transform_{self.data_key}` (or, as in keras_reg 0.1.0, `augment(batch)`)."
        )

    def apply_transformation(self, data, transformation, training=True):
        """``transform_<key>`` of each entry of the batch ``data`` (a dict)."""
        return {
            key: getattr(self, f"transform_{key}")(value, transformation, training=training)
            for key, value in data.items()
        }

    # -- randomness, on the backend the call runs on ------------------------
    @property
    def ops(self):
        """``keras.ops`` on the backend this call runs on."""
        return self.running_ops()

    def uniform(self, shape, minval=0.0, maxval=1.0, dtype="float32", seed=None):
        return self._draw("uniform", seed, shape, minval=minval, maxval=maxval, dtype=dtype)

    def normal(self, shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
        return self._draw("normal", seed, shape, mean=mean, stddev=stddev, dtype=dtype)

    def randint(self, shape, minval, maxval, dtype="int32", seed=None):
        return self._draw("randint", seed, shape, minval=minval, maxval=maxval, dtype=dtype)

    def _draw(self, distribution, seed, shape, **kwargs):
        # ``seed``: what ``get_random_transformation`` received (None: the
        # layer's own generator, on the backend the call runs on). An
        # explicit seed is folded with the draw's index within the call, so
        # that its draws are independent and replay alike on every call.
        if seed is None:
            seed = self.running_seed()
        else:
            seed = _compat_random.fold_seed(seed, self._draw_index)
            self._draw_index += 1
        return getattr(self.running_random(), distribution)(shape, seed=seed, **kwargs)

    _draw_index = 0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        draw = cls.__dict__.get("get_random_transformation")
        if draw is not None and not getattr(draw, "_numbers_draws", False):
            cls.get_random_transformation = _numbering_draws(draw)

    # -- checks --------------------------------------------------------------
    def check_input_shape(self, shape):
        """Raise a clear error for a wrong shape of the data (at build time
        in models, when traced in tf.data); subclasses extend it."""
        _routing.check_rank(self, shape)

    def check_input_dtype(self, dtype):
        """Raise a clear error for a wrong dtype of the data; subclasses set it."""

    def output_dtype(self, input_dtype):
        """The dtype of the transformed data (the compute dtype, by default)."""
        return self.compute_dtype

    def _check_raw_data(self, data):
        """Checks of the data as the caller passed it, before Keras converts
        it (e.g. integer token ids); returns it. Combinators run their children's."""
        return data

    # -- plumbing ------------------------------------------------------------
    def __call__(self, data, *args, **kwargs):
        return super().__call__(_routing.check_call_data(self, data), *args, **kwargs)

    def build(self, input_shape):
        shape = _routing.data_shape(self, input_shape)
        if shape is not None:
            self.check_input_shape(tuple(shape))
        self.built = True

    def call(self, data, training=True):
        return _routing.run(self, data, training)

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, data, training=True):
        return _routing.output_spec(self, data)

    def get_config(self):
        config = super().get_config()
        config["seed"] = self.seed
        return config


def _numbering_draws(draw):
    """``get_random_transformation`` with the draws of each call numbered from
    0 (see ``AugmentationLayer._draw``)."""

    @functools.wraps(draw)
    def numbered(self, data, training=True, seed=None):
        outer, self._draw_index = self._draw_index, 0
        try:
            return draw(self, data, training=training, seed=seed)
        finally:
            self._draw_index = outer

    numbered._numbers_draws = True
    return numbered
