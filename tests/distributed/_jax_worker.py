"""One process of a two-process JAX job (``jax.distributed`` on CPU, gloo
collectives, two CPU devices each): keras.distribution.DataParallel over the
global mesh of four devices, ``model.fit`` with keras_reg's dropout, AdamW
and EarlyStopping (crash-recovery backup on a shared path) beside Keras's
BackupAndRestore (one directory per process).

    python _jax_worker.py PROCESS_ID PORT WORK_DIR KILL_EPOCH

Process 1 kills itself mid-epoch KILL_EPOCH (-1: never). Prints RESULT JSON.
"""

import os
import signal
import sys

process_id, port, work_dir, kill_epoch = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(
    sys.argv[4])
os.environ["KERAS_BACKEND"] = "jax"
os.environ["JAX_PLATFORMS"] = "cpu"
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"

import jax  # noqa: E402

jax.config.update("jax_cpu_collectives_implementation", "gloo")
jax.distributed.initialize(f"127.0.0.1:{port}", num_processes=2, process_id=process_id,
                           initialization_timeout=120)

import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _workers_common as common  # noqa: E402

import keras_reg  # noqa: E402

shared_dir = os.path.join(work_dir, "shared")
writes = common.log_writes_under(shared_dir)
# The same initial weights on every process (Keras checks it).
keras.utils.set_random_seed(0)
# Each process feeds its own rows: the process index belongs in the input
# pipeline, never inside the global program.
distribution = keras.distribution.DataParallel(
    devices=keras.distribution.list_devices(), auto_shard_dataset=False)
keras.distribution.set_distribution(distribution)


def local_rows(layer, shape):
    """Call ``layer`` on a global batch of ones (this process's rows ones
    too) and return this process's rows of the output."""
    sharding = distribution.get_data_layout(shape).backend_layout
    local = np.ones((shape[0] // jax.process_count(), *shape[1:]), "float32") * 128
    x = jax.make_array_from_process_local_data(sharding, local)
    y = layer(x, training=True)
    shards = sorted(y.addressable_shards, key=lambda s: s.index[0].start)
    return [np.asarray(s.data).reshape(s.data.shape[0], -1)[i].tolist()
            for s in shards for i in range(s.data.shape[0])]


dropout_rows = local_rows(keras_reg.layers.Dropout(0.5, seed=3), (8, 64))
augment_rows = local_rows(keras_reg.augment.GaussianNoise((0.05, 0.05), seed=4), (8, 4, 4, 3))

model, optimizer = common.make_model()
model.compile(optimizer, "mse")
idle_before = common.idle_kernel(model)
(x, y), (x_val, y_val) = common.local_data(process_id)
step_digests = []


class Watch(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        step_digests.append(common.weights_digest(self.model))
        if process_id == 1 and self._epoch == kill_epoch and batch == 1:
            os.kill(os.getpid(), signal.SIGKILL)  # a host dies mid-epoch

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch


stop = common.make_early_stopping(shared_dir)
backup = keras.callbacks.BackupAndRestore(os.path.join(shared_dir, f"keras_backup_{process_id}"))
history = model.fit(x, y, batch_size=common.PER_PROCESS_BATCH, epochs=common.EPOCHS,
                    validation_data=(x_val, y_val), shuffle=False, verbose=0,
                    callbacks=[stop, backup, Watch()])


def averaged_digest(callback):
    """A short second fit from the trained weights with a weight-averaging
    callback, which leaves the average in the model at its end."""
    averaged, averaged_optimizer = common.make_model()
    averaged.set_weights(model.get_weights())
    averaged.compile(averaged_optimizer, "mse")
    averaged.fit(x, y, batch_size=common.PER_PROCESS_BATCH, epochs=3, shuffle=False,
                 verbose=0, callbacks=[callback])
    return common.weights_digest(averaged)


common.report(
    ema_digest=averaged_digest(keras_reg.callbacks.ExponentialMovingAverage(0.9)),
    swa_digest=averaged_digest(keras_reg.callbacks.StochasticWeightAveraging(start_epoch=1)),
    process_id=process_id,
    dropout_rows=dropout_rows,
    augment_rows=augment_rows,
    stopped_epoch=stop.stopped_epoch,
    best_epoch=stop.best_epoch,
    epochs=history.epoch,
    val_loss=history.history["val_loss"],
    step_digests=step_digests,
    final_digest=common.weights_digest(model),
    iterations=int(optimizer.iterations.numpy()),
    idle_ratio=(common.idle_kernel(model) / idle_before).ravel().tolist(),
    shared_writes=writes,
)
