"""XLA inside TensorFlow graphs: a pure tensor function compiled into one
fused program where TensorFlow would run it op by op.

A tf.data map function (under any backend) runs each TensorFlow op as its
own kernel, one pass over memory per op. The MixUp blend
``λ·x + (1 − λ)·x_partner`` of 64 images of 224×224×3 is four passes
(reverse, two products, a sum): 13 ms per batch on this project's 2-core
CPU; XLA fuses them into one loop: 3.9 ms. A crop resized by two batched
gathers: 10 ms compiled against 14 ms for TensorFlow's resize kernel run
crop by crop (benchmarks/RESULTS.md).

Only graphs are compiled (tf.data, a ``tf.function``): an eager call
would compile once per new shape, and a graph already inside XLA
(``jit_compile``) fuses the function anyway.
"""

import functools

from keras_reg._compat.augment import _tensorflow_kernels, is_tf_tensor


def _in_tensorflow_graph(x):
    """Whether ``x`` is a TensorFlow tensor of a graph being traced outside
    XLA (a tf.data map function, or a ``tf.function`` without jit_compile)."""
    if not is_tf_tensor(x):
        return False
    import tensorflow as tf

    from keras_reg._compat.augment import backend_ops

    return not tf.executing_eagerly() and _tensorflow_kernels(backend_ops("tensorflow"))


def fused_in_tensorflow_graphs(fn):
    """``fn`` (tensors first, then Python constants), XLA-compiled when its
    first argument is a TensorFlow tensor of a graph traced outside XLA;
    called as it is everywhere else.

    The compiled function is one ``tf.function(jit_compile=True)`` per
    decorated ``fn``, retraced per shape signature and per value of the
    Python arguments, as any ``tf.function``. XLA may contract ``a·b + c``
    into one fused multiply-add: results can differ from the op-by-op
    ones in the last bit.
    """
    compiled = []

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not args or not _in_tensorflow_graph(args[0]):
            return fn(*args, **kwargs)
        if not compiled:
            import tensorflow as tf

            compiled.append(tf.function(fn, jit_compile=True, autograph=False,
                                        reduce_retracing=True))
        return compiled[0](*args, **kwargs)

    return wrapper


def takes_along_any_axis(x):
    """Whether ``take_per_image`` gathers ``x`` along any axis directly
    (TensorFlow) rather than along axis 1 only."""
    return is_tf_tensor(x)


def take_per_image(ops, x, index, axis=1):
    """``x[b, index[b, i]]`` along ``axis`` for each image ``b``: (n, A, B, C)
    and (n, A') int32 -> (n, A', B, C) (axis 1), or (n, A, A', C) (axis 2,
    TensorFlow only: see ``takes_along_any_axis``).

    On TensorFlow a gather with a batch dimension, which XLA compiles to one
    gather: 9.2 ms for the two passes of a 64-crop resize in tf.data,
    against 18.6 ms through flattened rows and transposed images. Elsewhere
    rows of the flattened batch (``keras.ops.take`` has no batch dimension).
    """
    if is_tf_tensor(x):
        import tensorflow as tf

        return tf.gather(x, index, batch_dims=1, axis=axis)
    if axis != 1:
        raise ValueError(f"take_per_image gathers along axis 1 here, not {axis}.")
    n, a = ops.shape(x)[0], ops.shape(x)[1]
    # Static sizes where known, tensors where not (tf.data on images of any size).
    b, c = (x.shape[i] if x.shape[i] is not None else ops.shape(x)[i] for i in (2, 3))
    base = ops.reshape(ops.arange(n, dtype="int32") * ops.cast(a, "int32"), (-1, 1))
    flat = ops.reshape(x, (-1, b * c))
    out = ops.take(flat, ops.reshape(base + index, (-1,)), axis=0)
    return ops.reshape(out, (n, index.shape[1], b, c))
