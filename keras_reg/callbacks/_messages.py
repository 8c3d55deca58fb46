"""Messages of keras_reg's callbacks, routed as Keras routes its own: to
stdout when interactive logging is on (the default), else to the logger."""

import logging

import keras

_logger = logging.getLogger("keras_reg")


def print_msg(message):
    if keras.config.is_interactive_logging_enabled():
        print(message, flush=True)
    else:
        _logger.info(message)
