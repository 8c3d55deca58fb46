import math

from keras_reg import _validation


def normalized_weight_decay(
    lambda_norm: float, batch_size: int, num_train_samples: int, epochs: int
) -> float:
    """Weight decay from its normalized value (Loshchilov & Hutter, ICLR 2019):

        λ = λ_norm · sqrt(b / (B · T))

    with batch size ``b``, ``B`` training samples and ``T`` epochs, so that a
    tuned ``λ_norm`` transfers across training budgets.

    Args:
        lambda_norm: normalized decay ``λ_norm >= 0``.
        batch_size: ``b >= 1``.
        num_train_samples: ``B >= 1``.
        epochs: ``T >= 1``.

    Example:

    ```python
    round(keras_reg.optimizers.normalized_weight_decay(0.05, 128, 50_000, 100), 6)  # -> 0.000253
    ```
    """
    lambda_norm = _validation.check_non_negative(lambda_norm, "lambda_norm")
    b = _validation.check_positive_int(batch_size, "batch_size")
    n = _validation.check_positive_int(num_train_samples, "num_train_samples")
    t = _validation.check_positive_int(epochs, "epochs")
    return lambda_norm * math.sqrt(b / (n * t))
