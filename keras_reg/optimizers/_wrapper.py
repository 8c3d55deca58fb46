"""An optimizer that wraps another one and leaves it all the state and the
update, the way Keras's own ``LossScaleOptimizer`` wraps: Keras accepts
only ``Optimizer`` instances (``optimizers.get``, ``LossScaleOptimizer``,
the trainers), so the wrapper is one, with no state of its own."""

import keras

from keras_reg._compat import saving as _compat_saving


class OptimizerWrapper(keras.optimizers.Optimizer):
    """Forwards variables, iterations, learning rate, building, applying,
    loss scaling and finalization to ``inner_optimizer``.

    The base constructor still makes an ``iterations`` variable (left
    unused: ``iterations`` and ``variables`` are the wrapped optimizer's); a
    callable learning rate spares it a rate variable.
    """

    def __init__(self, optimizer: keras.optimizers.Optimizer, name: str):
        super().__init__(learning_rate=self._wrapped_learning_rate, name=name)
        self.inner_optimizer = optimizer

    def _wrapped_learning_rate(self):
        return self.inner_optimizer.learning_rate

    def build(self, var_list):
        self.inner_optimizer.build(var_list)
        super().build(var_list)

    def apply(self, grads, trainable_variables=None):
        if not self.built and trainable_variables is not None:
            trainable_variables = list(trainable_variables)
            with keras.name_scope(self.name, caller=self):
                self.build(trainable_variables)
        self.inner_optimizer.apply(grads, trainable_variables)

    @property
    def variables(self):
        return self.inner_optimizer.variables

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        # E.g. ReduceLROnPlateau: the wrapped optimizer owns the rate.
        self.inner_optimizer.learning_rate = learning_rate

    def scale_loss(self, loss):
        # The trainers scale the loss through the outer optimizer; the
        # wrapped one unscales the gradients by its `loss_scale_factor`.
        return self.inner_optimizer.scale_loss(loss)

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    # -- files: the wrapped optimizer under "optimizer", the wrapper's own settings

    def _wrapper_config(self, settings):
        """``get_config`` of a wrapper whose own arguments are ``settings``."""
        return {"name": self.name,
                "optimizer": _compat_saving.serialize_optimizer(self.inner_optimizer),
                **settings}

    @staticmethod
    def _split_wrapper_config(config, custom_objects=None):
        """``(wrapped optimizer, the other entries)`` of a ``_wrapper_config``."""
        config = dict(config)
        optimizer = _compat_saving.deserialize_optimizer(
            config.pop("optimizer"), custom_objects=custom_objects
        )
        return optimizer, config
