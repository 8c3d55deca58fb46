"""The optimizer's weight-decay hook and learning rate (private in every
Keras 3 release)."""

import keras

_HOOK = "_apply_weight_decay"


def initial_learning_rate(optimizer):
    """The learning rate ``optimizer`` starts from (a schedule at step 0),
    whatever step it has reached; ``optimizer.learning_rate`` is the rate at
    the current step."""
    rate = optimizer._learning_rate
    if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
        return float(keras.ops.convert_to_numpy(rate(0)))
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


def install_weight_decay_hook(optimizer, select, coefficient, owner):
    """Make ``optimizer`` apply ``w ← w − c·w`` to ``select(variables)``.

    Keras calls the private hook ``_apply_weight_decay(variables)`` from every
    backend's apply path at exactly the right moment: on update steps only
    (after gradient accumulation), before the gradient update (so decay uses
    the pre-update weight), inside JAX's stateless apply, and on TensorFlow
    once per step in cross-replica context. Replacing it on the instance gives
    keras_reg's decay all of that without re-implementing the apply loop.

    ``coefficient()`` returns the scalar ``c`` of the current step. The
    TensorFlow and torch branches exist because Keras offers no public op for
    them (a cross-replica update; an in-place multiply).

    An optimizer has one hook: a second would silently replace the first
    (``owner``, the wrapper's name, says whose it is), so it is refused.
    """
    if _HOOK in vars(optimizer):
        raise ValueError(
            f"The optimizer {optimizer.name!r} already has the decoupled weight decay "
            f"of {getattr(optimizer, '_weight_decay_owner', 'another wrapper')!r}; a "
            f"second wrapper ({owner!r}) would replace it. Give each "
            "DecoupledWeightDecay its own optimizer instance."
        )
    if keras.backend.backend() == "tensorflow":

        def hook(variables):
            import tensorflow as tf

            chosen = select(variables)
            if not chosen:
                return

            def decay_all(distribution, chosen):
                c = coefficient()

                def decay(var):
                    var.assign_sub(var * tf.cast(c, var.dtype))

                for v in chosen:
                    # tf.distribute updates the underlying tf.Variable once
                    # per step, whatever the number of replicas.
                    distribution.extended.update(v.value, decay, group=False)

            tf.__internal__.distribute.interim.maybe_merge_call(
                decay_all, optimizer._distribution_strategy, chosen
            )

    elif keras.backend.backend() == "torch":

        def hook(variables):
            import torch

            chosen = select(variables)
            if not chosen:
                return
            # Keras has no in-place multiply op; like Keras's own torch
            # optimizer, shrink all variables in one fused in-place pass
            # (an assign of w - c*w costs two extra passes over memory).
            with torch.no_grad():
                factor = 1.0 - keras.ops.convert_to_tensor(coefficient())
                torch._foreach_mul_([v.value for v in chosen], factor)

    else:

        def hook(variables):
            chosen = select(variables)
            if not chosen:
                return
            c = coefficient()
            for v in chosen:
                v.assign(v - v * keras.ops.cast(c, v.dtype))

    object.__setattr__(optimizer, _HOOK, hook)
    object.__setattr__(optimizer, "_weight_decay_owner", owner)


def move_towards(averages, weights, factor):
    """``a ← a + f·(w − a)`` for each optimizer variable ``a`` of
    ``averages`` and model variable ``w`` of ``weights``; ``factor`` a scalar
    tensor. Inside an optimizer's ``apply`` (JAX's stateless scope included).

    torch: one fused in-place ``torch._foreach_lerp_`` (Keras has no in-place
    op; its torch optimizers update their slots the same way), since torch's
    ``fit`` runs the step eagerly, where an assign per variable costs three
    dispatches. Elsewhere the assigns are fused by the step's compiler.
    """
    if keras.backend.backend() == "torch":
        import torch

        with torch.no_grad():
            targets = [a.value for a in averages]
            values = [w.value for w in weights]
            dtypes = {t.dtype for t in targets}
            # The list overload: given one 0-dim tensor, torch takes its
            # Scalar overload, which reads it to the host (`.item()`): a sync
            # per step on a GPU, and a graph break under torch.compile.
            if len(dtypes) == 1 and all(v.dtype in dtypes for v in values):
                torch._foreach_lerp_(targets, values,
                                     [factor.to(targets[0].dtype)] * len(targets))
            else:  # float16 weights (float32 averages), mixed dtypes
                values = [v.to(t.dtype) for v, t in zip(values, targets)]
                torch._foreach_lerp_(targets, values, [factor.to(t.dtype) for t in targets])
        return
    factors = {}  # one cast per dtype; one read and one add per variable
    for a, w in zip(averages, weights):
        if a.dtype not in factors:
            factors[a.dtype] = keras.ops.cast(factor, a.dtype)
        a.assign_add((keras.ops.cast(w.value, a.dtype) - a.value) * factors[a.dtype])
