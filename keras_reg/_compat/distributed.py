"""Multi-process training: which process writes shared files (the chief),
and which process of a torch.distributed group this is. Keras has no
public, backend-independent answer to either, so each backend's own notion
is read here.
"""

import keras


def is_chief():
    """Whether this process writes the files that a shared path holds once
    for the whole job (EarlyStopping's crash-recovery backup).

    * JAX (``jax.distributed`` / Keras's multi-host ``keras.distribution``):
      process 0 (``jax.process_index() == 0``).
    * torch: rank 0 of the default ``torch.distributed`` process group.
    * TensorFlow: the ``"chief"`` task of the cluster, or worker 0 of a
      cluster without one (TensorFlow's own rule), read from the current
      strategy's cluster resolver or else from ``TF_CONFIG``.

    A single process (no process group, no cluster) is the chief.
    """
    return {"jax": _jax_is_chief, "torch": _torch_is_chief, "tensorflow": _tf_is_chief}.get(
        keras.backend.backend(), lambda: True
    )()


def _jax_is_chief():
    import jax

    return jax.process_index() == 0


def torch_rank():
    """The rank of this process in the default torch.distributed group, or
    None outside a group of several processes."""
    if keras.backend.backend() != "torch":
        return None
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() < 2:
        return None
    return dist.get_rank()


def _torch_is_chief():
    return torch_rank() in (None, 0)


def _tf_is_chief():
    import tensorflow as tf

    resolver = getattr(tf.distribute.get_strategy(), "cluster_resolver", None)
    if resolver is None:
        resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    task_type, task_id = resolver.task_type, resolver.task_id
    if not task_type:
        return True
    if task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().jobs
    return task_type == "worker" and not has_chief and (task_id or 0) == 0
