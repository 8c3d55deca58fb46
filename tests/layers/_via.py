"""One training-mode draw of a dropout-family member, through its layer or
through its ``keras_reg.ops`` function: the statistical tests run on both."""

import functools
import inspect

from keras_reg import layers, ops

FUNCTIONS = {
    layers.Dropout: ops.dropout,
    layers.SpatialDropout1D: ops.spatial_dropout,
    layers.SpatialDropout2D: ops.spatial_dropout,
    layers.SpatialDropout3D: ops.spatial_dropout,
    layers.AlphaDropout: ops.alpha_dropout,
    layers.GaussianDropout: ops.gaussian_dropout,
    layers.DropBlock2D: ops.drop_block_2d,
    layers.DropPath: ops.drop_path,
}
VIA = ("layer", "function")


def draw(via, layer_cls, x, rate, seed, **kwargs):
    """``layer_cls(rate, seed=seed, **kwargs)(x, training=True)``, or the
    function with the int ``seed`` (the same first seed state)."""
    if via == "layer":
        return layer_cls(rate, seed=seed, **kwargs)(x, training=True)
    return FUNCTIONS[layer_cls](x, rate, seed=seed, **kwargs)


def layer_and_function(test):
    """Run ``test(..., via=...)`` for the layer, then for the function, in one
    pytest case (each case pays the suite's per-test ``clear_session``)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        for via in VIA:
            try:
                test(*args, via=via, **kwargs)
            except AssertionError as error:
                raise AssertionError(f"via={via}: {error}") from error

    signature = inspect.signature(test)
    run.__signature__ = signature.replace(
        parameters=[p for p in signature.parameters.values() if p.name != "via"]
    )
    return run
