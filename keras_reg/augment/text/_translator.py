"""The translators of ``BackTranslation``: the user's callables, called on a
list of ``str`` and checked, and their configs where they have one."""

import inspect

import keras

_TRANSLATOR_HELP = (
    "a callable taking a list of strings and returning a list of as many strings, or an "
    "object with such a `generate` method (a keras-hub Seq2SeqLM)"
)


def _describe(translator):
    name = getattr(translator, "__qualname__", None) or getattr(translator, "name", None)
    return f"`{name}`" if isinstance(name, str) else f"of type {type(translator).__name__}"


class Translator:
    """A user's translator, called on a list of ``str`` and checked. (A plain
    object, so that Keras does not track a model passed as a translator: its
    weights are not the layer's.)"""

    def __init__(self, translator, role):
        generate = getattr(translator, "generate", None)
        self.run = generate if callable(generate) else translator
        if not callable(self.run):
            raise TypeError(f"Argument `{role}` of BackTranslation must be {_TRANSLATOR_HELP}. "
                            f"Received: {role}={translator!r}.")
        self.translator, self.role = translator, role
        self.what = f"the {role} translator {_describe(translator)}"

    def __call__(self, texts):
        try:
            out = self.run(texts)
        except Exception as error:
            raise RuntimeError(f"BackTranslation: {self.what} failed on a batch of {len(texts)} "
                               f"strings: {type(error).__name__}: {error}") from error
        if isinstance(out, (str, bytes)) or not hasattr(out, "__len__"):
            raise TypeError(f"BackTranslation: {self.what} must return a list of strings. "
                            f"Received an object of type {type(out).__name__}.")
        out = list(out)
        if len(out) != len(texts):
            raise ValueError(f"BackTranslation: {self.what} returned {len(out)} strings for a "
                             f"batch of {len(texts)}: it must return one per input, in order.")
        wrong = [type(t).__name__ for t in out if not isinstance(t, str)]
        if wrong:
            raise TypeError(f"BackTranslation: {self.what} must return `str` items (decode "
                            f"bytes first). Received items of type {sorted(set(wrong))}.")
        return out


def _registered(translator):
    """Whether loading can rebuild ``translator``: a registered function, or
    an object of a registered class with ``get_config`` (not a Keras layer)."""
    target = translator if inspect.isfunction(translator) else type(translator)
    name = keras.saving.get_registered_name(target)
    return keras.saving.get_registered_object(name) is target and (
        target is translator
        or (hasattr(translator, "get_config") and not isinstance(translator, keras.layers.Layer)))


def serialize_translator(wrapped):
    """The Keras config of a ``Translator``'s translator; refused where
    loading could not rebuild it."""
    translator, role = wrapped.translator, wrapped.role
    if not _registered(translator):
        raise TypeError(
            f"BackTranslation cannot save its `{role}` translator {_describe(translator)}: only a "
            "function registered with `keras.saving.register_keras_serializable`, or an object "
            "of such a registered class with `get_config`/`from_config`, goes into a config "
            "(a lambda or closure cannot be loaded safely, and a Keras model's weights are "
            "not saved with the layer). Keep the layer out of the saved model (apply it in "
            "tf.data) or register the translator.")
    return keras.saving.serialize_keras_object(translator)
