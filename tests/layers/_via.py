"""One training-mode draw of a dropout-family member, through its layer or
through its ``keras_reg.ops`` function, from a forced random source: the
statistical tests run on both paths and on every source."""

import functools
import inspect

from keras_reg import layers, ops
from keras_reg.ops import _random_source

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
# (path, source) runs of one test: every source once and both paths (the
# path changes the seed's form and the code above the draw, not the draw).
KEEP_RUNS = (("layer", _random_source.HASH), ("function", _random_source.NATIVE))
NORMAL_RUNS = (
    ("layer", _random_source.NATIVE),
    ("function", _random_source.TABLE),
    ("layer", _random_source.BOX_MULLER),
)


def draw(via, layer_cls, x, rate, seed, **kwargs):
    """``layer_cls(rate, seed=seed, **kwargs)(x, training=True)``, or the
    function with the int ``seed`` (the same first seed state)."""
    if via == "layer":
        return layer_cls(rate, seed=seed, **kwargs)(x, training=True)
    return FUNCTIONS[layer_cls](x, rate, seed=seed, **kwargs)


def _each_run(runs, kind):
    def decorate(test):
        """Run ``test(..., via=...)`` once per run, with the run's source
        forced, in one pytest case (each case pays the suite's per-test
        ``clear_session``)."""

        @functools.wraps(test)
        def run(*args, **kwargs):
            for via, source in runs:
                try:
                    with _random_source.forced_sources(**{kind: source}):
                        test(*args, via=via, **kwargs)
                except AssertionError as error:
                    raise AssertionError(f"via={via}, {kind} source={source}: {error}") from error

        signature = inspect.signature(test)
        run.__signature__ = signature.replace(
            parameters=[p for p in signature.parameters.values() if p.name != "via"]
        )
        return run

    return decorate


# Tests of keep masks (every member but GaussianDropout), and of normal noise.
layer_and_function = _each_run(KEEP_RUNS, "keep")
each_normal_source = _each_run(NORMAL_RUNS, "normal")
