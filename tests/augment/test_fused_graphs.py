"""The XLA-fused pieces of tf.data pipelines (``_compat.xla``): in a traced
TensorFlow graph outside XLA, the blend of the mixers and the resized crop
run as one XLA-compiled call with the op-by-op results (up to a fused
multiply-add's last bit); the batched gathers against NumPy indexing."""

import keras
import numpy as np
import pytest

from keras_reg._compat import augment as compat_augment
from keras_reg._compat import xla
from keras_reg.augment import MixUp, RandomResizedCrop, paired
from keras_reg.augment.image import functional as F
from tests._tensorflow import tf
from tests.helpers import to_numpy

RNG = np.random.default_rng(11)
IMAGES = RNG.uniform(0, 255, (4, 12, 10, 3)).astype("float32")
LAM = np.array([0.3, 1.0, 0.8, 0.55], "float32")
USE_CUTMIX = np.array([False, False, True, True])
CUT_BOXES = np.array([[0, 0, 0, 0], [0, 0, 0, 0], [2, 1, 9, 7], [0, 3, 12, 10]], "int32")
CROP_BOXES = np.array([[0, 0, 12, 10], [3, 2, 5, 7], [1, 1, 10, 4], [6, 5, 6, 5]], "int32")
# float32 pixels up to 255: one rounding of a fused multiply-add apart.
ATOL = 255 * 2.0 ** -22
# The crop's sampling coordinates (< 16 here) are computed differently by
# TensorFlow's resize kernel and by the gathers: a few (4) ulps of 16 apart,
# times a pixel step of at most 255, on each of the two axes.
CROP_ATOL = 2 * 255 * 4 * 2.0 ** -19


def _xla_calls(concrete):
    """The ops of a traced function that call an XLA-compiled function."""
    calls = []
    for op in concrete.graph.get_operations():
        try:
            if op.get_attr("_XlaMustCompile"):
                calls.append(op)
        except ValueError:
            pass
    return calls


def _mix(images, lam, use_cutmix, boxes):
    return F.mix_images(images, lam, use_cutmix, boxes)


def _crop(images, boxes):
    return F.resized_crop(images, boxes, (9, 14))


@pytest.mark.parametrize("fn, args, atol", [
    (_mix, (IMAGES, LAM, USE_CUTMIX, CUT_BOXES), ATOL),
    (_crop, (IMAGES, CROP_BOXES), CROP_ATOL),
])
def test_in_a_graph_one_xla_call_with_the_eager_result(fn, args, atol):
    tensors = [tf.constant(a) for a in args]
    spec = [tf.TensorSpec((None,) + t.shape[1:], t.dtype) for t in tensors]
    graph_fn = tf.function(fn, input_signature=spec)
    assert len(_xla_calls(graph_fn.get_concrete_function())) == 1
    eager = to_numpy(fn(*tensors))  # op by op (the crop: TensorFlow's resize per image)
    np.testing.assert_allclose(to_numpy(graph_fn(*tensors)), eager, rtol=0, atol=atol)
    # Inside a function XLA already compiles, no nested compilation.
    jit_fn = tf.function(fn, input_signature=spec, jit_compile=True)
    assert not _xla_calls(jit_fn.get_concrete_function())
    np.testing.assert_allclose(to_numpy(jit_fn(*tensors)), eager, rtol=0, atol=atol)


@pytest.mark.parametrize("fn, args", [
    (_mix, (IMAGES, LAM, USE_CUTMIX, CUT_BOXES)),
    (_crop, (IMAGES, CROP_BOXES)),
])
def test_images_of_unknown_size_stay_op_by_op(fn, args):
    # XLA compiles per shape: images cropped one at a time before batching
    # (any height and width) would compile for each size.
    tensors = [tf.constant(a) for a in args]
    spec = [tf.TensorSpec((None, None, None, 3), tf.float32)] + [
        tf.TensorSpec((None,) + t.shape[1:], t.dtype) for t in tensors[1:]]
    graph_fn = tf.function(fn, input_signature=spec)
    assert not _xla_calls(graph_fn.get_concrete_function())
    np.testing.assert_allclose(to_numpy(graph_fn(*tensors)), to_numpy(fn(*tensors)),
                               rtol=0, atol=ATOL)


def test_numpy_and_python_constants_in_a_graph():
    # Constants (the output size, the kinds of mixing) may be NumPy values or
    # lists; tensor arguments may be lists: all fused, results as eagerly.
    images = tf.constant(IMAGES)

    def crop():
        return F.resized_crop(images, CROP_BOXES.tolist(), np.array([9, 14]))

    def mix():
        return F.mix_images(images, LAM.tolist(), USE_CUTMIX, CUT_BOXES, kinds=["mixup", "cutmix"])

    for fn, atol in ((crop, CROP_ATOL), (mix, ATOL)):
        graph_fn = tf.function(fn)
        assert len(_xla_calls(graph_fn.get_concrete_function())) == 1
        np.testing.assert_allclose(to_numpy(graph_fn()), to_numpy(fn()), rtol=0, atol=atol)


def test_crop_boxes_are_the_same_in_graphs_and_eagerly():
    # Not fused: an XLA sqrt or exp one ulp off would move a side that
    # rounds near .5 by a pixel (2 boxes in 60 000 when it was).
    uniforms = tf.constant(RNG.uniform(0, 1, (20000, 10, 4)).astype("float32"))
    for height, width in ((375.0, 500.0), (333.0, 517.0)):
        def boxes(u, height=height, width=width):
            return F.resized_crop_boxes(u, height, width, (0.08, 1.0), (3 / 4, 4 / 3))

        np.testing.assert_array_equal(tf.function(boxes)(uniforms).numpy(),
                                      boxes(uniforms).numpy())


def test_layers_in_tf_data_on_the_fused_path():
    # Under any backend the pipeline's tensors are TensorFlow's: the fused
    # path runs. MixUp's λ is read back from the mixed labels (distinct
    # classes in each mirrored pair) and the blend checked in NumPy; a crop
    # of the whole image is its plain resize.
    labels = np.arange(4)
    images_u8 = IMAGES.astype("uint8")
    ds = tf.data.Dataset.from_tensors((images_u8, labels))
    mixed, rows = next(iter(ds.map(paired(MixUp(0.8, num_classes=4, seed=2)))))
    lam = float(rows[0, 0])
    assert 0 < lam < 1 and mixed.dtype == tf.float32
    x = images_u8.astype("float32")
    np.testing.assert_allclose(mixed.numpy(), lam * x + (1 - lam) * x[::-1], rtol=0, atol=ATOL)
    whole = RandomResizedCrop((9, 14), scale=(1.0, 1.0), ratio=(10 / 12, 10 / 12), seed=2)
    cropped, _ = next(iter(ds.map(paired(whole))))
    boxes = np.tile([0, 0, 12, 10], (4, 1))
    np.testing.assert_allclose(cropped.numpy(), to_numpy(F.resized_crop(x, boxes, (9, 14))),
                               rtol=0, atol=CROP_ATOL)


def test_take_per_image_is_batched_indexing():
    x = RNG.normal(size=(3, 5, 4, 2)).astype("float32")
    rows = np.array([[4, 0, 0], [1, 2, 3], [0, 4, 2]], "int32")
    cols = np.array([[3, 3], [0, 1], [2, 0]], "int32")
    expected_rows = np.stack([x[b, rows[b]] for b in range(3)])
    expected_cols = np.stack([x[b][:, cols[b]] for b in range(3)])
    ops = compat_augment.ops_for(keras.ops.ones(()))
    got = xla.take_per_image(ops, keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(rows))
    np.testing.assert_array_equal(to_numpy(got), expected_rows)
    tf_ops = compat_augment.backend_ops("tensorflow")
    got = xla.take_per_image(tf_ops, tf.constant(x), tf.constant(cols), axis=2)
    np.testing.assert_array_equal(got.numpy(), expected_cols)
    if keras.backend.backend() != "tensorflow":
        assert not xla.takes_along_any_axis(keras.ops.convert_to_tensor(x))
        with pytest.raises(ValueError, match="axis 1"):
            xla.take_per_image(ops, keras.ops.convert_to_tensor(x),
                               keras.ops.convert_to_tensor(cols), axis=2)


def test_the_crop_at_inference_is_not_fused():
    # An exported model (SavedModel, TFLite) must not need XLA at serving
    # time: the inference path (the centre crop) runs op by op.
    crop = RandomResizedCrop((9, 14), seed=0)
    spec = tf.TensorSpec((None,) + IMAGES.shape[1:], tf.float32)
    for training, calls in ((True, 1), (False, 0)):
        graph_fn = tf.function(lambda x, training=training: crop(x, training=training),
                               input_signature=[spec])
        assert len(_xla_calls(graph_fn.get_concrete_function())) == calls
    boxes = np.tile([0, 0, 12, 10], (4, 1))  # the whole 12x10 image: its aspect is inside ratio
    np.testing.assert_allclose(to_numpy(graph_fn(tf.constant(IMAGES))),
                               to_numpy(F.resized_crop(IMAGES, boxes, (9, 14))), atol=CROP_ATOL)
