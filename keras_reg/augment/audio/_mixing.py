"""Two clips mixed, and their labels alike: each waveform of a batch with its
partner, the waveform at the mirrored position (``n − 1 − i``), as the image
mixer pairs images."""

from keras_reg.augment import _labels
from keras_reg.augment._params import Tensor, as_tensor, ops_for, per_sample
from keras_reg.augment.audio._transforms import float_audio

LABEL_MODES = ("weights", "union")


def check_labelled_batch(layer_name, data):
    """A mixer's call needs ``{"audio": x, "labels": y}`` with as many labels
    as waveforms (where both counts are known)."""
    labels = data.get("labels") if isinstance(data, dict) else None
    if labels is None:
        raise ValueError(
            f"{layer_name} mixes the labels with the audio, so it needs them: call it on "
            "{'audio': x, 'labels': y}, or map keras_reg.augment.paired(layer) over (x, y) "
            "batches (a Sequential model passes no labels)."
        )
    counts = [tuple(getattr(v, "shape", ()) or (None,))[0] for v in (data.get("audio"), labels)]
    if None not in counts and counts[0] != counts[1]:
        raise ValueError(f"{layer_name}: the batch has {counts[0]} waveforms but {counts[1]} "
                         "labels.")


def mix_waveforms(waveforms: Tensor, weight: float | Tensor) -> Tensor:
    """``y_i = λ_i · x_i + (1 − λ_i) · x_{n−1−i}``: each waveform mixed with
    its partner in the batch flipped (``λ = 1`` leaves it as it is).

    Args:
        waveforms: (batch, samples), float.
        weight: ``λ`` of the waveform itself, a number or (batch,).

    Returns:
        the mixed waveforms, same shape.

    Example:

    ```python
    from keras_reg.augment.audio import functional as F
    both = F.mix_waveforms(waveforms, [0.7, 0.5, 0.3])  # a batch of three
    ```
    """
    ops = ops_for(waveforms)
    x = float_audio(ops, waveforms)
    lam = per_sample(ops, weight, x)
    return lam * x + (1.0 - lam) * ops.flip(x, axis=0)


def mix_labels(labels: Tensor, weight: float | Tensor, num_classes: int | None = None,
               label_mode: str = "weights") -> Tensor:
    """The labels of ``mix_waveforms``'s output, as float32 rows (batch, K).

    Class ids ((batch,) or (batch, 1)) become one-hot rows; rows (one-hot,
    soft or multi-hot, (batch, K)) stay as they are. Then, with ``y'`` the
    partner's row (the batch flipped):

        "weights":  λ · y + (1 − λ) · y'
        "union":    max(y, y') where λ < 1, else y    (multi-hot: both clips' tags)

    Args:
        labels: class ids or rows.
        weight: ``λ``, a number or (batch,).
        num_classes: ``K``, required for class ids.
        label_mode: ``"weights"`` or ``"union"``.

    Returns:
        float32 rows (batch, K).

    Example:

    ```python
    tags = [[1, 0, 0], [0, 1, 1]]
    both = keras_reg.augment.audio.functional.mix_labels(tags, 0.6, label_mode="union")
    ```
    """
    ops = ops_for(labels)
    rows = _labels.target_rows(ops, as_tensor(ops, labels), num_classes, 0.0, "mix_labels")
    partner = ops.flip(rows, axis=0)
    lam = ops.reshape(ops.ones_like(rows[:, 0]) * as_tensor(ops, weight, "float32"), (-1, 1))
    if label_mode == "union":
        return ops.where(lam < 1.0, ops.maximum(rows, partner), rows)
    return _labels.mix_rows(ops, rows, lam, partner)
