"""TensorFlow tensors inside and outside XLA: TensorFlow's own image
kernels where XLA is absent, and pure tensor functions compiled into one
fused XLA program where a TensorFlow graph would run them op by op.

A tf.data map function (under any backend) runs each TensorFlow op as its
own kernel, one pass over memory per op. The MixUp blend
``λ·x + (1 − λ)·x_partner`` of 64 images of 224×224×3 is four passes
(reverse, two products, a sum): 13 ms per batch on this project's 2-core
CPU; XLA fuses them into one loop: 3.9 ms. A crop resized by two batched
gathers: 10 ms compiled against 14 ms for TensorFlow's resize kernel run
crop by crop (benchmarks/RESULTS.md).

Only graphs of images with known sizes are compiled (tf.data after
batching, a ``tf.function``): XLA compiles once per shape, so an eager
call, or images of varying sizes before batching, would compile for each
new one; a graph already inside XLA (``jit_compile``) fuses the function
anyway.
"""

import functools
import inspect

import keras
import numpy as np

from keras_reg._compat.augment import backend_ops, is_tf_tensor


def outside_xla(ops):
    """Whether ``ops`` are TensorFlow's and outside XLA, where TensorFlow's
    image kernels (ImageProjectiveTransformV3, per-crop resizes) run.

    XLA has no ImageProjectiveTransformV3, and cannot compile slices of
    per-image sizes: under jit_compile (Keras's TensorFlow trainer on a GPU,
    or a user's tf.function) the gather paths run instead.
    TensorFlow's test is private; if it moves, assume XLA (the gather paths
    work everywhere).
    """
    if (ops.backend_name or keras.backend.backend()) != "tensorflow":
        return False
    try:
        import tensorflow as tf
        from tensorflow.python.ops import control_flow_util

        return not control_flow_util.GraphOrParentsInXlaContext(tf.compat.v1.get_default_graph())
    except (ImportError, AttributeError):
        return False


def native_affine_transform(ops):
    """Whether ``affine_transform`` is a native kernel for ``ops``.

    Only TensorFlow's is, outside XLA (ImageProjectiveTransformV3, 5x faster
    than a gather); Keras's torch version loops over samples and channels in
    Python and its JAX version vmaps ``map_coordinates``, both slower than
    the vectorized gather in ``augment.image._geometry``.
    """
    return outside_xla(ops)


def native_resized_crop(ops):
    """Whether ``resized_crop`` runs TensorFlow's resize kernel image by image.

    For TensorFlow tensors outside XLA that ``fused_in_tensorflow_graphs``
    does not compile: eager calls, and graphs of images of unknown size.
    The kernel on each crop took 23 ms for 64 crops to 224×224×3 in a
    ``tf.function`` on this project's 2-core CPU, against 56 ms for the
    batched two-pass gather run op by op.
    """
    return outside_xla(ops)


def resized_crop_each(images, boxes, size):
    """Each image's box ``[top, left, h, w]`` (int32) cropped and resized
    bilinearly to ``size`` by TensorFlow's resize kernel (half-pixel
    centres, the two nearest rows and columns clamped to the crop — torch's
    ``interpolate(..., align_corners=False)`` sampling), image by image in
    a ``tf.while_loop`` (two in flight). float32 (batch, *size, channels)."""
    import tensorflow as tf

    n = tf.shape(images)[0]
    crops = tf.TensorArray(tf.float32, size=n, element_shape=(*size, images.shape[-1]))

    def one(i, crops):
        # Sliced from the batch itself: tf.map_fn would first copy the whole
        # batch into a TensorArray (28.6 -> 23 ms for 64 crops of 224x224x3).
        box = boxes[i]
        crop = tf.slice(images, tf.stack([i, box[0], box[1], 0]),
                        tf.stack([1, box[2], box[3], -1]))
        resized = tf.raw_ops.ResizeBilinear(images=crop, size=size, half_pixel_centers=True)
        return i + 1, crops.write(i, resized[0])

    # Two crops in flight in a graph: 27 ms for one, 23 for 2, 4 or 8 on 2
    # cores, as the resize kernel already shards an image's rows over the
    # intra-op threads. (Eagerly the loop runs in Python.)
    _, crops = tf.while_loop(lambda i, _: i < n, one, (0, crops), parallel_iterations=2)
    out = crops.stack()
    out.set_shape(images.shape[:1].concatenate(out.shape[1:]))  # a static batch stays static
    return out


def _fusable(x):
    """Whether ``x`` is a TensorFlow tensor of a graph traced outside XLA (a
    tf.data map function, or a ``tf.function`` without jit_compile) whose
    sizes are known but for the batch: XLA compiles once per shape, so
    images of varying sizes (cropped one at a time before batching) would
    compile for each size (190 ms each); they keep the op-by-op path."""
    if not is_tf_tensor(x) or not x.shape[1:].is_fully_defined():
        return False
    import tensorflow as tf

    return not tf.executing_eagerly() and outside_xla(backend_ops("tensorflow"))


def _python_value(value):
    """NumPy scalars and arrays as Python numbers and tuples (tf.function
    would make graph tensors of them); other values as they are."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (np.ndarray, list, tuple)):
        return tuple(_python_value(v) for v in value)
    return value


def fused_in_tensorflow_graphs(*tensors):
    """Decorator: the function XLA-compiled when its first argument is a
    TensorFlow tensor of a graph traced outside XLA with known sizes but
    for the batch (``_fusable``); called as it is everywhere else.

    ``tensors`` names the arguments that are tensors (converted to
    TensorFlow's); the others are constants, made Python values and
    closed over: one ``tf.function(jit_compile=True)`` per value of the
    constants. XLA may contract ``a·b + c`` into one fused multiply-add, so
    results can differ from the op-by-op ones in the last bit.
    """

    def decorate(fn):
        signature = inspect.signature(fn)
        compiled = {}

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if not args or not _fusable(args[0]):
                return fn(*args, **kwargs)
            import tensorflow as tf

            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            constants = tuple((name, _python_value(value))
                              for name, value in bound.arguments.items() if name not in tensors)
            if constants not in compiled:
                compiled[constants] = tf.function(
                    functools.partial(fn, **dict(constants)), jit_compile=True,
                    autograph=False, reduce_retracing=True)
            return compiled[constants](**{name: tf.convert_to_tensor(value)
                                          for name, value in bound.arguments.items()
                                          if name in tensors})

        return wrapper

    return decorate


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
