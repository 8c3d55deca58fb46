"""MixUp and CutMix as functions: CutMix boxes from uniform draws (timm's
samplers, per image), and the mixing of a batch with its partners."""

from keras_reg._compat import xla as _xla
from keras_reg.augment._params import Tensor, as_tensor, ops_for
from keras_reg.augment.image._color import float_images


def cutmix_boxes(lam: Tensor, uniforms: Tensor, height: int, width: int) -> Tensor:
    """Boxes ``[top, left, bottom, right]`` (int32, (batch, 4), bottom and
    right exclusive) whose area is about ``1 − λ`` of the image.

    timm's ``rand_bbox``: sides ``int(H·sqrt(1 − λ))`` and
    ``int(W·sqrt(1 − λ))``, a centre ``(floor(u0·H), floor(u1·W))`` from the
    uniforms (batch, 2), and the box ``centre ± side // 2`` clipped to the
    image (so boxes near an edge are smaller: see ``box_lambda``).
    """
    ops = ops_for(uniforms)
    u = as_tensor(ops, uniforms, "float32")
    cut = ops.sqrt(1.0 - ops.reshape(as_tensor(ops, lam, "float32"), (-1,)))
    half_h, half_w = ops.floor(ops.floor(height * cut) / 2), ops.floor(ops.floor(width * cut) / 2)
    cy, cx = ops.floor(u[:, 0] * height), ops.floor(u[:, 1] * width)
    box = [ops.clip(cy - half_h, 0, height), ops.clip(cx - half_w, 0, width),
           ops.clip(cy + half_h, 0, height), ops.clip(cx + half_w, 0, width)]
    return ops.cast(ops.stack(box, axis=1), "int32")


def cutmix_minmax_boxes(uniforms: Tensor, height: int, width: int,
                        minmax: tuple[float, float]) -> Tensor:
    """Boxes ``[top, left, bottom, right]`` with sides drawn as fractions of
    the image's from ``minmax``, uniform position (timm's
    ``rand_bbox_minmax``: ``h ~ U{int(H·a), …, int(H·b) − 1}``, top
    ``~ U{0, …, H − h − 1}``), from the uniforms (batch, 4)."""
    ops = ops_for(uniforms)
    u = as_tensor(ops, uniforms, "float32")

    def side(ui, size):  # int(size · a) as floor: size is a tensor in tf.data on any size
        low, high = ops.floor(size * minmax[0]), ops.floor(size * minmax[1])
        return low + ops.floor(ui * (high - low))

    h, w = side(u[:, 0], height), side(u[:, 1], width)
    top, left = ops.floor(u[:, 2] * (height - h)), ops.floor(u[:, 3] * (width - w))
    return ops.cast(ops.stack([top, left, top + h, left + w], axis=1), "int32")


def box_lambda(boxes: Tensor, height: int, width: int) -> Tensor:
    """``1 − box area / image area`` (batch,): the share of each image that
    stays its own (timm's ``correct_lam``)."""
    ops = ops_for(boxes)
    b = as_tensor(ops, boxes, "float32")
    return 1.0 - (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]) / (height * width)


@_xla.fused_in_tensorflow_graphs("images", "lam", "use_cutmix", "boxes")
def mix_images(images: Tensor, lam: Tensor, use_cutmix: Tensor, boxes: Tensor,
               kinds: tuple[str, ...] = ("mixup", "cutmix")) -> Tensor:
    """Each image mixed with its partner, the image at the mirrored batch
    position (``n − 1 − i``): inside its box for CutMix samples, else
    ``λ·x + (1 − λ)·x_partner`` (MixUp; ``λ = 1`` leaves it unchanged).

    Args:
        images: (batch, height, width, channels).
        lam: (batch,) MixUp weights of the images themselves.
        use_cutmix: (batch,) booleans: CutMix instead of MixUp.
        boxes: (batch, 4) ``[top, left, bottom, right]`` pasted from the partner.
        kinds: the kinds of mixing that may occur: ``("mixup",)`` skips the
            boxes (``use_cutmix`` all false), ``("cutmix",)`` the blend
            (``lam`` 1 wherever ``use_cutmix`` is false).

    Returns:
        float images of the same shape.

    Example:

    ```python
    from keras_reg.augment.image import functional as F
    out = F.mix_images(images, lam=[0.7] * 4, use_cutmix=[False] * 4,
                       boxes=[[0, 0, 0, 0]] * 4)  # MixUp with the flipped batch
    ```
    """
    ops = ops_for(images)
    x = float_images(ops, images)
    partner = ops.flip(x, axis=0)
    lam = ops.reshape(as_tensor(ops, lam, x.dtype), (-1, 1, 1, 1))
    if "cutmix" not in kinds:
        return lam * x + (1.0 - lam) * partner
    b = as_tensor(ops, boxes, "int32")
    rows = ops.arange(ops.shape(x)[1], dtype="int32")[None, :]
    cols = ops.arange(ops.shape(x)[2], dtype="int32")[None, :]
    in_rows = (rows >= b[:, 0:1]) & (rows < b[:, 2:3])  # (n, H)
    in_cols = (cols >= b[:, 1:2]) & (cols < b[:, 3:4])  # (n, W)
    inside = in_rows[:, :, None, None] & in_cols[:, None, :, None]
    cutmix = ops.reshape(as_tensor(ops, use_cutmix, "bool"), (-1, 1, 1, 1))
    if "mixup" not in kinds:  # an empty box (no CutMix) leaves the image as it is
        return ops.where(inside & cutmix, partner, x)
    mixed = lam * x + (1.0 - lam) * partner
    return ops.where(cutmix, ops.where(inside, partner, x), mixed)
