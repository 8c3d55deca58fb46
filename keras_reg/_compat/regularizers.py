"""Regularizer lookup by name."""


def register_regularizer_names(classes):
    """Let ``keras.regularizers.get("keras_reg>L2")`` find keras_reg classes.

    For strings, Keras's ``regularizers.get`` only consults its private table
    of built-ins (not the serialization registry), so the registered names
    are added to that table.
    """
    from keras.src import regularizers as keras_regularizers

    for cls in classes:
        name = f"keras_reg>{cls.__name__}"
        keras_regularizers.ALL_OBJECTS_DICT[name] = cls
