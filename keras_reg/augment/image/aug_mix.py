import keras

from keras_reg import _validation
from keras_reg.augment.image import functional as F
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


def _chain_step(ops, x, operation, level, sign, names):
    """One step of every chain at once: image ``b`` gets operation
    ``names[operation[b]]`` (none where ``operation[b] < 0``) at ``level[b]``
    with ``sign[b]``. The geometric operations are one affine resampling of
    the batch (identity rows for the other images); an operation no image
    of the batch drew is not computed (``cond``: one branch runs, in graphs
    and under ``jit`` too)."""
    height, width = image_size(ops, x)
    chosen = ops.reshape(operation, (-1, 1, 1, 1))
    identity = ops.convert_to_tensor([[1.0, 0, 0, 0, 1.0, 0, 0, 0]]) * ops.ones_like(level)[:, None]
    transforms = {
        "rotate": F.rotation_transform(sign * _steps(ops, level, 30.0), height, width),
        "shear_x": _shear_about_origin(ops, sign * level * 0.03, "x"),
        "shear_y": _shear_about_origin(ops, sign * level * 0.03, "y"),
        "translate_x": F.translate_transform(sign * _steps(ops, level, width / 3.0), "x"),
        "translate_y": F.translate_transform(sign * _steps(ops, level, height / 3.0), "y"),
    }
    matrix = identity
    geometric = ops.zeros_like(operation) > 0
    for k, name in enumerate(names):
        if name in transforms:
            matrix = ops.where((operation == k)[:, None], transforms[name], matrix)
            geometric = geometric | (operation == k)
    out = ops.cond(ops.any(geometric), lambda: F.affine(x, matrix), lambda: x)
    for k, name in enumerate(names):
        if name in transforms:
            continue
        picked = chosen == k
        out = ops.cond(ops.any(picked),
                       lambda name=name, picked=picked, out=out: ops.where(
                           picked, _pointwise(ops, name, x, level), out),
                       lambda out=out: out)
    return out


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
    same ones forever, and draws its mixing weights once per batch). Each
    step resamples the batch once (the geometric operations are folded into
    one affine transform per image), and an operation that no image of the
    batch drew at that step is skipped. Shears are about the top-left
    corner, as in the paper's code (PIL's affine); resampling is bilinear
    with black fill.

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
        # A tensor from the start: NumPy pixels (a direct call) would otherwise
        # meet a CUDA torch tensor in `(1 - m) * x`, which torch hands back to
        # NumPy, which cannot read GPU memory (found by scripts/gpu_check.sh).
        x = to_unit(ops.convert_to_tensor(images), self.value_range)
        t = transformation
        mixed = 0.0
        for chain in range(self.width):
            y = x
            for step in range(MAX_DEPTH):
                y = _chain_step(ops, y, t["operation"][:, chain, step],
                                ops.cast(t["level"][:, chain, step], x.dtype),
                                ops.cast(t["sign"][:, chain, step], x.dtype),
                                self.operation_names)
            mixed = mixed + ops.reshape(ops.cast(t["weights"][:, chain], x.dtype),
                                        (-1, 1, 1, 1)) * y
        m = ops.reshape(ops.cast(t["mix"], x.dtype), (-1, 1, 1, 1))
        return from_unit((1.0 - m) * x + m * mixed, self.value_range)

    def get_config(self):
        config = super().get_config()
        config.update({"severity": self.severity, "width": self.width, "depth": self.depth,
                       "alpha": self.alpha, "all_ops": self.all_ops})
        return config
