"""Public base class for augmentation layers that run in tf.data and in models."""

import keras

from keras_reg._compat import augment as _compat
from keras_reg._compat import random as _compat_random


@keras.saving.register_keras_serializable(package="keras_reg")
class AugmentationLayer(_compat.DataLayer):
    """Base for random augmentations, usable in two places unchanged:

    * in a ``tf.data`` pipeline, ``ds.map(layer)``, under **any** backend
      (TensorFlow ops run there even when the model trains on JAX or torch);
    * inside a model, where it augments only when ``training`` is true, so
      ``predict`` and ``evaluate`` see the data unchanged.

    Subclass it and implement ``augment(batch)``: draw per-sample random
    parameters with ``self.uniform`` / ``self.normal`` / ``self.randint``
    (seeded from the layer's ``keras.random.SeedGenerator``) and transform
    with ``self.ops``, which offers the ``keras.ops`` functions on whichever
    backend the layer is running on (``keras.ops`` itself would hand a
    TensorFlow tensor to JAX inside tf.data). Inputs without the batch axis
    (one example, as in ``ds.map`` before ``batch``) are handled for you
    when ``batch_rank`` is set.

    Args:
        seed: int seed of the layer's ``keras.random.SeedGenerator``.
        **kwargs: ``keras.layers.Layer`` arguments (``name``, ``dtype``).

    Example:

    >>> @keras.saving.register_keras_serializable()
    ... class RandomScale(keras_reg.augment.AugmentationLayer):
    ...     batch_rank = 4
    ...     def augment(self, images):
    ...         n = self.ops.shape(images)[0]
    ...         factor = self.uniform((n, 1, 1, 1), 0.8, 1.2)
    ...         return self.ops.multiply(images, factor)
    >>> ds = ds.map(RandomScale(seed=0))            # in tf.data, any backend
    >>> model = keras.Sequential([RandomScale(), ...])  # or in the model
    """

    #: rank of a batch (e.g. 4 for images); ``None`` accepts any rank.
    batch_rank = None

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise TypeError(f"Argument `seed` must be an int or None. Received: seed={seed!r}.")
        self.seed = seed
        self.generator = keras.random.SeedGenerator(seed)
        self.supports_jit = True

    # -- what subclasses use -------------------------------------------------
    @property
    def ops(self):
        """``keras.ops`` on the backend this call runs on."""
        return _compat.BackendOps(self.backend)

    def _seed_generator(self):
        generator = self._get_seed_generator(self.backend.name)
        if self.backend.name != keras.backend.backend():
            # In a tf.data pipeline: per-process by construction (seed it
            # per process, see docs/scaling.md).
            return generator
        # In the model: each replica or torch.distributed process draws its own.
        return _compat_random.per_replica_seed(generator)

    def uniform(self, shape, minval=0.0, maxval=1.0, dtype="float32"):
        return self.backend.random.uniform(
            shape, minval=minval, maxval=maxval, dtype=dtype, seed=self._seed_generator()
        )

    def normal(self, shape, mean=0.0, stddev=1.0, dtype="float32"):
        return self.backend.random.normal(
            shape, mean=mean, stddev=stddev, dtype=dtype, seed=self._seed_generator()
        )

    def randint(self, shape, minval, maxval, dtype="int32"):
        return self.backend.random.randint(
            shape, minval=minval, maxval=maxval, dtype=dtype, seed=self._seed_generator()
        )

    def augment(self, batch):
        """Return a randomly transformed ``batch`` (per-sample randomness)."""
        raise NotImplementedError(f"{type(self).__name__} must implement `augment(batch)`.")

    # -- plumbing ------------------------------------------------------------
    def _check_rank(self, rank):
        if self.batch_rank is not None and rank not in (self.batch_rank, self.batch_rank - 1):
            raise ValueError(
                f"{type(self).__name__} expects inputs of rank {self.batch_rank} (a batch) "
                f"or {self.batch_rank - 1} (one example). Received rank {rank}."
            )

    def check_input_shape(self, shape):
        """Raise a clear error for a wrong input shape. Runs at build time in
        models and at trace time in tf.data (where Keras builds without a
        shape); subclasses extend it."""
        self._check_rank(len(shape))

    def build(self, input_shape):
        if input_shape is not None:
            self.check_input_shape(tuple(input_shape))
        self.built = True

    def call(self, inputs, training=True):
        if not training:
            return inputs
        rank = len(inputs.shape)
        self.check_input_shape(tuple(inputs.shape))
        if self.batch_rank is not None and rank == self.batch_rank - 1:
            batch = self.ops.expand_dims(inputs, 0)
            return self.ops.squeeze(self.augment(batch), 0)
        return self.augment(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["seed"] = self.seed
        return config
