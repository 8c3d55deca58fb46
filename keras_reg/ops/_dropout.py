from typing import Any

from keras_reg.ops import _checks
from keras_reg.ops._random_source import inverted_dropout

NAME = "keras_reg.ops.dropout"


def dropout(inputs: Any, rate: float, noise_shape: _checks.NoiseShape = None,
            seed: _checks.Seed = None) -> Any:
    """Inverted dropout: zero each unit with probability ``rate``, scale the rest.

    With ``p = rate`` and a mask ``m ~ Bernoulli(1 - p)`` of shape
    ``noise_shape`` broadcast to the input:

        y = x · m / (1 - p)

    so ``E[y] = x``. The function always applies (there is no ``training``
    argument: the caller decides, as ``keras_reg.layers.Dropout`` does). The
    mask comes from one draw of ``seed``, through a counter-based hash
    (compiled modes, TensorFlow graphs, large eager masks; bit-identical on
    every backend) or the backend's generator (small eager masks), as the
    docs' "Random sources" lists; in a given mode it is the mask
    ``keras_reg.layers.Dropout`` draws from the same state. A unit is kept
    with probability ``1 - p`` to within 2**-32. As in ``tf.nn.dropout``, a
    dropped ``inf`` or ``NaN`` becomes NaN (the mask is a multiply), so a
    numerical problem upstream is not hidden.

    Args:
        inputs: floating-point tensor of any rank.
        rate: the probability ``p`` of dropping a unit, a Python float in
            ``[0, 1)``. ``0`` returns ``inputs`` unchanged and draws nothing.
        noise_shape: shape of the mask, broadcast to the input: one entry per
            input axis, each ``None`` (the input's size), ``1`` (one draw
            shared along that axis) or the input's size. E.g. for inputs
            ``(batch, time, features)``, ``(None, 1, None)`` drops the same
            features at every time step. ``None`` (default): one draw per
            element.
        seed: an int in ``[0, 2**31 - 1]`` (the same mask on every call, as
            ``keras.random`` does with an int), a
            ``keras.random.SeedGenerator`` (a new mask on every call; the
            form to use in a layer, and the only one inside ``jax.jit``,
            through ``stateless_call``), or ``None`` (Keras's global
            generator; not allowed inside a JAX trace).

    Returns:
        A tensor of the shape and dtype of ``inputs``.

    Example:

    ```python
    class NoisyDense(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.dense = keras.layers.Dense(units)
            self.seed_generator = keras.random.SeedGenerator(1)

        def call(self, inputs, training=False):
            if training:
                inputs = keras_reg.ops.dropout(inputs, 0.2, seed=self.seed_generator)
            return self.dense(inputs)
    ```

    Reference:
        Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks
        from Overfitting", JMLR 15, 2014.
    """
    inputs, rate, seed, noise_shape = _checks.check_call(NAME, inputs, rate, seed, noise_shape)
    if rate == 0:
        return inputs
    return inverted_dropout(inputs, rate, seed, noise_shape)
