"""Putting an average in the model in place of its training weights, and
taking it out again."""

import keras

from keras_reg._compat import training as _compat


class AverageSwap:
    """The model's ``variables`` hold either the training weights or an
    average put in their place; while they hold the average, the training
    weights are held here.

    Every value goes in as a copy on the device: a variable never shares a
    buffer with the average or with another variable (on JAX, a train step
    donates the buffers of the variables, which must then be their own).
    """

    def __init__(self, variables):
        self.variables = list(variables)
        self._held = None  # the training weights while the model holds the average

    @property
    def holds_average(self):
        return self._held is not None

    def put(self, averages):
        """Write ``averages`` into the variables (cast to their dtypes),
        holding the training weights unless they are held already."""
        if self._held is None:
            self._held = _compat.device_copies(v.value for v in self.variables)
        averages = [keras.ops.cast(a, v.dtype) for v, a in zip(self.variables, averages)]
        for variable, average in zip(self.variables, _compat.device_copies(averages)):
            variable.assign(average)

    def take_out(self):
        """Write the held training weights back."""
        for variable, value in zip(self.variables, self._held):
            variable.assign(value)
        self._held = None

    def still_holds(self, averages):
        """Whether every variable still equals ``averages`` as ``put`` wrote
        them (nothing wrote the weights since)."""
        return _compat.all_equal([v.value for v in self.variables],
                                 [keras.ops.cast(a, v.dtype)
                                  for v, a in zip(self.variables, averages)])
