import keras

from keras_reg import _validation


@keras.saving.register_keras_serializable(package="keras_reg")
class Orthogonal(keras.regularizers.Regularizer):
    """Soft orthogonality penalty, for dense **and convolution** kernels.

    The kernel is viewed as a matrix ``W`` of shape ``(fan_in, units)``: a
    dense kernel as is, a convolution kernel ``(kh, kw, in, out)`` reshaped to
    ``(kh·kw·in, out)`` (any rank >= 2: all axes but the last are flattened).
    Then

        mode="rows":     factor · ‖W·Wᵀ − I‖²_F   (rows orthonormal)
        mode="columns":  factor · ‖Wᵀ·W − I‖²_F   (columns orthonormal; for a
                                                 conv kernel, each column is
                                                 one filter)

    This is the "soft orthogonality" regularizer of Bansal, Chen & Wang, "Can
    We Gain More from Orthogonality Regularizations in Training Deep
    Networks?", NeurIPS 2018. Unlike ``keras.regularizers.OrthogonalRegularizer``
    (rank-2 only, normalized rows, off-diagonal absolute values), it accepts
    convolution kernels and penalizes the norms of the rows/columns as well.
    The penalty is 0 exactly when the rows (columns) are orthonormal, which
    needs ``fan_in <= units`` for rows and ``fan_in >= units`` for columns.

    Args:
        factor: strength ``>= 0``.
        mode: ``"rows"`` or ``"columns"``.

    Call arguments:
        x: the kernel, of rank >= 2.

    Returns:
        the penalty, a float32 scalar.

    Example:

    ```python
    conv = keras.layers.Conv2D(
        64, 3, kernel_regularizer=keras_reg.regularizers.Orthogonal(1e-4, mode="columns"))
    ```

    Reference:
        Bansal, Chen & Wang, "Can We Gain More from Orthogonality
        Regularizations in Training Deep Networks?", NeurIPS 2018.
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        self.factor = _validation.check_non_negative(factor, "factor")
        self.mode = _validation.check_choice(mode, "mode", ("rows", "columns"))

    def __call__(self, x):
        if len(x.shape) < 2:
            raise ValueError(
                "Orthogonal regularizer needs a kernel of rank >= 2. "
                f"Received: a tensor of shape {tuple(x.shape)}."
            )
        w = keras.ops.reshape(keras.ops.cast(x, "float32"), (-1, x.shape[-1]))
        if self.mode == "rows":
            gram = keras.ops.matmul(w, keras.ops.transpose(w))
        else:
            gram = keras.ops.matmul(keras.ops.transpose(w), w)
        identity = keras.ops.eye(gram.shape[0], dtype="float32")
        return self.factor * keras.ops.sum(keras.ops.square(gram - identity))

    def get_config(self) -> dict:
        return {"factor": self.factor, "mode": self.mode}
