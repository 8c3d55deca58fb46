"""The random state of a model: the state of every ``keras.random.SeedGenerator``
its layers track (dropout masks, augmentation draws), saved with the backup so
that resumed training draws what the uninterrupted run would have drawn.

Public API only: Keras documents ``layer.variables`` as ``layer.weights`` plus
the states of the layer's (and its sub-layers') seed generators, and
``layer.weights`` as excluding them; metric variables are in neither. What a
model draws from elsewhere is not covered: torch's global generator (Keras's
own ``Dropout(seed=None)`` on torch), tf.data's shuffling and map functions.
"""

import keras
import numpy as np

from keras_reg.callbacks import _files


def seed_states(model):
    """The seed-generator state variables of ``model``, in a stable order."""
    weights = {id(w) for w in model.weights}
    states, seen = [], set()
    for variable in model.variables:
        if id(variable) not in weights and id(variable) not in seen:
            seen.add(id(variable))
            states.append(variable)
    return states


def capture(model):
    """The states as lists of Python ints (exact in JSON)."""
    return [
        [int(x) for x in np.ravel(keras.ops.convert_to_numpy(v))] for v in seed_states(model)
    ]


def check(saved, model, path):
    """Raise ``BrokenFile`` (naming ``path``, the state file) unless
    ``saved`` fits the model's seed generators."""
    variables = seed_states(model)
    if not isinstance(saved, list) or len(saved) != len(variables):
        count = len(saved) if isinstance(saved, list) else saved
        raise _files.BrokenFile(
            path, f"holds {count} seed-generator states; the model has {len(variables)}"
        )
    for value, variable in zip(saved, variables):
        size = int(np.prod(variable.shape))
        ints = isinstance(value, list) and all(
            isinstance(x, int) and not isinstance(x, bool) for x in value
        )
        if not ints or len(value) != size:
            raise _files.BrokenFile(
                path, f"holds {value!r} as the state of {variable.path!r} ({size} integers)"
            )


def assign(saved, model):
    for value, variable in zip(saved, seed_states(model)):
        dtype = keras.backend.standardize_dtype(variable.dtype)
        variable.assign(np.asarray(value, dtype=dtype).reshape(tuple(variable.shape)))
