"""L1 and L2 weight penalties (computed in float32)."""

import keras

from keras_reg import _validation


def _float32(x):
    # Penalties are sums over many weights: accumulate in float32 even when
    # the variable is float16/bfloat16 (mixed precision keeps float32
    # variables, but a bfloat16 model may not).
    return keras.ops.cast(x, "float32")


@keras.saving.register_keras_serializable(package="keras_reg")
class L2(keras.regularizers.Regularizer):
    """L2 penalty with the ½ convention: ``(l2 / 2) · Σ w²``.

    Its gradient is exactly ``l2 · w``, so ``SGD(lr) + L2(λ)`` takes the step
    ``w ← w − lr·(g + λ·w)``, the textbook L2-regularized SGD.
    **Keras's own** ``keras.regularizers.L2(l2)`` **has no ½**: its penalty is
    ``l2 · Σ w²`` with gradient ``2·l2·w``; ``keras_reg.regularizers.L2(2·a)``
    equals ``keras.regularizers.L2(a)``.

    With adaptive optimizers (Adam) an L2 penalty is *not* weight decay: the
    penalty's gradient is rescaled per parameter. Use
    :class:`keras_reg.optimizers.DecoupledWeightDecay` for decoupled decay
    (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019).

    Args:
        l2: strength ``λ >= 0``.

    Call arguments:
        x: the weight tensor, any shape and float dtype (cast to float32
            before the sum, so a bfloat16 model's penalty keeps its
            precision).

    Returns:
        ``(l2 / 2) · Σ x²``, a float32 scalar.

    Example:

    ```python
    keras.layers.Dense(64, kernel_regularizer=keras_reg.regularizers.L2(1e-4))
    ```

    Reference:
        Krogh & Hertz, "A Simple Weight Decay Can Improve Generalization",
        NeurIPS 1991.
    """

    def __init__(self, l2: float = 0.01):
        self.l2 = _validation.check_non_negative(l2, "l2")

    def __call__(self, x):
        return 0.5 * self.l2 * keras.ops.sum(keras.ops.square(_float32(x)))

    def get_config(self) -> dict:
        return {"l2": self.l2}


@keras.saving.register_keras_serializable(package="keras_reg")
class L1(keras.regularizers.Regularizer):
    """L1 penalty ``l1 · Σ |w|`` (lasso; drives weights to exactly 0 under
    proximal methods, towards 0 under SGD). Same as Keras's ``L1``, computed
    in float32.

    Args:
        l1: strength ``>= 0``.

    Call arguments:
        x: the weight tensor, any shape and float dtype.

    Returns:
        ``l1 · Σ |x|`` as a float32 scalar.

    Example:

    ```python
    lasso = keras_reg.regularizers.L1(1e-3)
    float(lasso(keras.ops.array([[1.0, -2.0], [0.5, 0.0]])))  # 0.0035
    ```

    Reference:
        Tibshirani, "Regression Shrinkage and Selection via the Lasso",
        JRSS B 1996.
    """

    def __init__(self, l1: float = 0.01):
        self.l1 = _validation.check_non_negative(l1, "l1")

    def __call__(self, x):
        return self.l1 * keras.ops.sum(keras.ops.abs(_float32(x)))

    def get_config(self) -> dict:
        return {"l1": self.l1}


@keras.saving.register_keras_serializable(package="keras_reg")
class L1L2(keras.regularizers.Regularizer):
    """Elastic net: ``l1 · Σ |w| + (l2 / 2) · Σ w²``.

    The L2 part uses the same ½ as :class:`L2` (Keras's ``L1L2`` has none).

    Args:
        l1: L1 strength ``>= 0``.
        l2: L2 strength ``>= 0``.

    Call arguments:
        x: a weight tensor of any shape; both sums run in float32.

    Returns:
        the sum of the two penalties, a float32 scalar.

    Example:

    ```python
    reg = keras_reg.regularizers.L1L2(l1=1e-5, l2=1e-4)
    ```

    Reference:
        Zou & Hastie, "Regularization and Variable Selection via the Elastic
        Net", JRSS B 2005.
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = _validation.check_non_negative(l1, "l1")
        self.l2 = _validation.check_non_negative(l2, "l2")

    def __call__(self, x):
        x = _float32(x)
        return self.l1 * keras.ops.sum(keras.ops.abs(x)) + 0.5 * self.l2 * keras.ops.sum(
            keras.ops.square(x)
        )

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}
