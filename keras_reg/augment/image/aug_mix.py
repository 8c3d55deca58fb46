import keras

from keras_reg import _validation
from keras_reg._compat import augment as _compat
from keras_reg.augment.image import functional as F
from keras_reg.augment.image._color import float_images
from keras_reg.augment.image._geometry import image_size
from keras_reg.augment.image._image_layer import ImageAugmentationLayer, from_unit, to_unit

GEOMETRIC = ("rotate", "shear_x", "shear_y", "translate_x", "translate_y")
POINTWISE = ("auto_contrast", "equalize", "posterize", "solarize")
ENHANCE = ("color", "contrast", "brightness", "sharpness")
_ENHANCE_FUNCTIONS = {"color": F.adjust_saturation, "contrast": F.adjust_contrast,
                      "brightness": F.adjust_brightness, "sharpness": F.adjust_sharpness}
MAX_DEPTH = 3


def _steps(ops, level, maximum):
    """The original code's ``int_parameter``: ``floor(level · maximum / 10)``."""
    return ops.floor(level * (maximum / 10.0))


def _shear_about_origin(ops, factor, axis):
    """(batch, 8) transforms shearing about the top-left corner, as PIL's
    ``(1, s, 0, 0, 1, 0)`` of the AugMix code (``F.shear_transform`` shears
    about the centre)."""
    one, zero = ops.ones_like(factor), ops.zeros_like(factor)
    rows = [one, factor, zero, zero, one, zero] if axis == "x" else \
        [one, zero, zero, factor, one, zero]
    return ops.stack(rows + [zero, zero], axis=1)


def _pointwise(ops, name, x, level):
    unit = (0.0, 1.0)
    if name == "auto_contrast":
        return F.auto_contrast(x, unit)
    if name == "equalize":
        return F.equalize(x, unit)
    if name == "posterize":
        return F.posterize(x, 4.0 - _steps(ops, level, 4.0), unit)
    if name == "solarize":
        return F.solarize(x, 1.0 - _steps(ops, level, 256.0) / 256.0, unit)
    return _ENHANCE_FUNCTIONS[name](x, level * 0.18 + 0.1, value_range=unit)


def _geometric(ops, name, level, sign, height, width):
    """The (1, 8) transform of one geometric operation."""
    if name == "rotate":
        return F.rotation_transform(sign * _steps(ops, level, 30.0), height, width)
    if name in ("shear_x", "shear_y"):
        return _shear_about_origin(ops, sign * level * 0.03, name[-1])
    side = width if name == "translate_x" else height
    return F.translate_transform(sign * _steps(ops, level, side / 3.0), name[-1])


def _operations(ops, names, height, width):
    """``ops.switch`` branches ``(image, level, sign) -> image`` for one
    (h, w, c) image in [0, 1]: branch 0 is "no step", branch ``k + 1`` is
    ``names[k]``. Each casts back to the image's dtype, as a switch needs
    the same output type from every branch."""

    def operation(name):
        def run(image, level, sign):
            x, level, sign = image[None], level[None], sign[None]
            if name in GEOMETRIC:
                y = F.affine(x, _geometric(ops, name, level, sign, height, width))
            else:
                y = _pointwise(ops, name, x, level)
            return ops.cast(y[0], image.dtype)

        return run

    return [lambda image, level, sign: image] + [operation(name) for name in names]


@keras.saving.register_keras_serializable(package="keras_reg")
class AugMix(ImageAugmentationLayer):
    """AugMix, drawn per image: a convex mix of augmentation chains, mixed
    back with the image.

    For each image: ``width`` chains, each of ``depth`` operations
    (``depth=-1``: ``U{1, 2, 3}`` per chain) drawn uniformly from the
    operation set at levels ``U[0.1, severity]``; chain weights
    ``w ~ Dirichlet(α·1)`` and a skip weight ``m ~ Beta(α, α)``,

    ```
    x' = (1 − m)·x + m·Σ_i w_i·chain_i(x)
    ```

    Operations (Hendrycks et al.'s set, with their level tables):
    auto_contrast, equalize, posterize (``4 − floor(0.4·level)`` bits),
    rotate (``± floor(3·level)`` degrees), solarize (threshold
    ``256 − floor(25.6·level)`` of 256), shear x/y (``± 0.03·level``),
    translate x/y (``± floor(level·side/30)`` pixels); with ``all_ops`` also
    color, contrast, brightness and sharpness (factor ``0.1 + 0.18·level``).
    Every image, chain and step draws its own operation, level and sign, in
    ``tf.data`` too (Keras's ``AugMix`` picks each chain's operations with
    Python's ``random`` when the graph is traced, so a pipeline repeats the
    same ones forever, and draws its mixing weights once per batch). The
    images are augmented one at a time (``keras.ops.map``), each step a
    ``keras.ops.switch`` over the operations, so an image runs only the
    operations it drew: no operation is evaluated for the whole batch and
    then selected. Shears are about the top-left corner, as in the paper's
    code (PIL's affine); resampling is bilinear with black fill.

    Args:
        severity: in ``[0.1, 10]``, the top of the level range (the paper: 3).
        width: number of chains, ``>= 1`` (the paper: 3).
        depth: operations per chain in ``1..3``, or ``-1`` for ``U{1, 2, 3}``.
        alpha: ``> 0``, the Dirichlet and Beta parameter (the paper: 1).
        all_ops: add the four colour operations (off in the paper, whose
            test corruptions they overlap).
        value_range: the pixels' (low, high), kept in the output.
        seed: int, seeds the layer's ``keras.random.SeedGenerator``.

    Call arguments:
        data: a batch of images (channels last), a single image, or
            ``{"images": ..., "labels": ...}`` (labels pass unchanged).
        training: AugMix applies in training only.

    The transformation: ``{"operation": (batch, width, 3)`` indices into
    the operation names (``-1``: no step), ``"level"``, ``"sign"`` (same
    shape), ``"weights": (batch, width)``, ``"mix": (batch,)}``.

    Example:

    ```python
    augmix = keras_reg.augment.AugMix(severity=3, width=3, seed=0)
    ds = ds.map(keras_reg.augment.paired(augmix))
    ```

    Reference:
        Hendrycks et al., "AugMix: A Simple Data Processing Method to Improve
        Robustness and Uncertainty", ICLR 2020.
    """

    draws_gamma = True  # Dirichlet chain weights, Beta skip weight

    def __init__(self, severity: float = 3.0, width: int = 3, depth: int = -1,
                 alpha: float = 1.0, all_ops: bool = False,
                 value_range: tuple[float, float] = (0, 255), seed: int | None = None,
                 **kwargs):
        super().__init__(value_range=value_range, seed=seed, **kwargs)
        self.severity = _validation.check_finite(severity, "severity", low=0.1, high=10.0)
        self.width = _validation.check_positive_int(width, "width")
        if depth not in (-1, 1, 2, 3) or isinstance(depth, bool):
            raise ValueError(f"Argument `depth` must be -1 (random 1..3), 1, 2 or 3. "
                             f"Received: depth={depth!r}.")
        self.depth = depth
        self.alpha = _validation.check_finite(alpha, "alpha", low=0.0)
        if self.alpha == 0:
            raise ValueError("Argument `alpha` must be > 0. Received: alpha=0.")
        if not isinstance(all_ops, bool):
            raise TypeError(f"Argument `all_ops` must be True or False. "
                            f"Received: all_ops={all_ops!r}.")
        self.all_ops = all_ops

    @property
    def operation_names(self):
        return POINTWISE + GEOMETRIC + (ENHANCE if self.all_ops else ())

    def get_random_transformation(self, data, training=True, seed=None):
        ops = self.ops
        n = ops.shape(data[self.data_key])[0]
        shape = (n, self.width, MAX_DEPTH)
        if self.depth == -1:
            depth = self.randint((n, self.width, 1), 1, MAX_DEPTH + 1, seed=seed)
        else:
            depth = ops.full((n, self.width, 1), self.depth, "int32")
        step = ops.arange(MAX_DEPTH, dtype="int32")[None, None, :]
        operation = self.randint(shape, 0, len(self.operation_names), seed=seed)
        operation = ops.where(step < depth, operation, -1)
        level = self.uniform(shape, 0.1, self.severity, seed=seed)
        sign = ops.where(self.uniform(shape, seed=seed) < 0.5, -1.0, 1.0)
        gammas = self._draw("gamma", seed, (n, self.width), alpha=self.alpha, dtype="float32")
        weights = gammas / ops.sum(gammas, axis=1, keepdims=True)
        mix = self._draw("beta", seed, (n,), alpha=self.alpha, beta=self.alpha, dtype="float32")
        return {"operation": operation, "level": level, "sign": sign, "weights": weights,
                "mix": mix}

    def transform_images(self, images, transformation, training=True):
        ops = self.ops
        # A float tensor from the start: NumPy pixels (a direct call) would
        # otherwise meet a CUDA torch tensor in `(1 - m) * x`, which torch hands
        # back to NumPy, which cannot read GPU memory (found by
        # scripts/gpu_check.sh); integer pixels cannot take `to_unit`'s floats.
        x = to_unit(float_images(ops, images), self.value_range)
        branches = _operations(ops, self.operation_names, *image_size(ops, x))
        t = {key: value if key == "operation" else ops.cast(value, x.dtype)
             for key, value in transformation.items()}

        # One image at a time, each step a switch: an image runs only the
        # operations it drew (evaluating every operation on the whole batch
        # and selecting per image cost 5-8x more: benchmarks/RESULTS.md). Chains
        # and steps are loops, not unrolled, so the switch is traced once
        # (unrolled: 5 s to trace in tf.data).
        def augment_one(args):
            image, operation, level, sign, weights, mix = args

            def chain(c, mixed):
                def step(i, y):
                    return ops.switch(operation[c, i] + 1, branches, y, level[c, i], sign[c, i])

                return mixed + weights[c] * ops.fori_loop(0, MAX_DEPTH, step, image)

            mixed = ops.fori_loop(0, self.width, chain, ops.zeros_like(image))
            return (1.0 - mix) * image + mix * mixed

        out = _compat.map_each(
            ops, augment_one,
            (x, t["operation"], t["level"], t["sign"], t["weights"], t["mix"]), like=x)
        return from_unit(out, self.value_range)

    def get_config(self):
        config = super().get_config()
        config.update({"severity": self.severity, "width": self.width, "depth": self.depth,
                       "alpha": self.alpha, "all_ops": self.all_ops})
        return config
