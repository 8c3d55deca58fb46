"""One process of a two-process torch job: torch.distributed (gloo) and
DistributedDataParallel around a Keras model on the torch backend, trained
by a custom loop as in Keras's torch multi-GPU guide. keras_reg's AdamW
applies the DDP-averaged gradients through ``optimizer.apply``; its
EarlyStopping is driven from the loop with the globally averaged val_loss.

    python _torch_worker.py RANK PORT WORK_DIR KILL_EPOCH

The loop checkpoints each process's weights and optimizer state at every
epoch end into its own directory and resumes from it (the loop's stand-in
for Keras's BackupAndRestore, which needs ``fit``). Rank 1 kills itself
mid-epoch KILL_EPOCH (-1: never). Prints RESULT JSON.
"""

import json
import os
import signal
import sys

rank, port, work_dir, kill_epoch = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
os.environ["KERAS_BACKEND"] = "torch"

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402

torch.set_num_threads(1)
dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                        world_size=2)

import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _workers_common as common  # noqa: E402

import keras_reg  # noqa: E402

# Why the rank must enter at draw time: a seed set per process does not
# survive DDP's initial broadcast (the seed-generator state is a parameter).
per_rank = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4),
                             keras_reg.layers.Dropout(0.5, seed=1 + rank)])
torch.nn.parallel.DistributedDataParallel(per_rank)
seed_state_after_ddp = [keras.ops.convert_to_numpy(v).tolist()
                        for v in per_rank.non_trainable_variables]

shared_dir = os.path.join(work_dir, "shared")
writes = common.log_writes_under(shared_dir)
keras.utils.set_random_seed(0)
model, optimizer = common.make_model()
# DDP broadcasts rank 0's parameters, seed-generator states included.
ddp = torch.nn.parallel.DistributedDataParallel(model)
optimizer.build(model.trainable_variables)


def local_rows(layer, shape):
    out = layer(torch.full(shape, 128.0), training=True)
    return keras.ops.convert_to_numpy(out).reshape(shape[0], -1).tolist()


dropout = next(layer for layer in model.layers if isinstance(layer, keras_reg.layers.Dropout))
dropout_rows = local_rows(dropout, (4, 64))
augment_rows = local_rows(keras_reg.augment.GaussianNoise((0.05, 0.05), seed=4), (4, 4, 4, 3))

idle_before = common.idle_kernel(model)
(x, y), (x_val, y_val) = (tuple(torch.from_numpy(a) for a in pair)
                          for pair in common.local_data(rank))
stop = common.make_early_stopping(shared_dir)
stop.set_model(model)
step_digests, epochs, val_losses = [], [], []
batch = common.PER_PROCESS_BATCH

checkpoint_dir = os.path.join(shared_dir, f"torch_checkpoint_{rank}")


def save_checkpoint(epoch):
    os.makedirs(checkpoint_dir, exist_ok=True)
    model.save_weights(os.path.join(checkpoint_dir, "model.weights.h5"))
    np.savez(os.path.join(checkpoint_dir, "optimizer.npz"),
             *[keras.ops.convert_to_numpy(v) for v in optimizer.variables])
    with open(os.path.join(checkpoint_dir, "epoch.json"), "w") as f:
        json.dump({"next_epoch": epoch + 1}, f)


def load_checkpoint():
    """The epoch to start at: 0, or the one after the last checkpoint."""
    if not os.path.exists(os.path.join(checkpoint_dir, "epoch.json")):
        return 0
    model.load_weights(os.path.join(checkpoint_dir, "model.weights.h5"))
    with np.load(os.path.join(checkpoint_dir, "optimizer.npz")) as arrays:
        for i, variable in enumerate(optimizer.variables):
            variable.assign(arrays[f"arr_{i}"])
    with open(os.path.join(checkpoint_dir, "epoch.json")) as f:
        return json.load(f)["next_epoch"]


model.stop_training = False  # as fit does; EarlyStopping sets it
stop.on_train_begin()
for epoch in range(load_checkpoint(), common.EPOCHS):
    stop.on_epoch_begin(epoch)
    for start in range(0, len(x), batch):
        if rank == 1 and epoch == kill_epoch and start == 2 * batch:
            os.kill(os.getpid(), signal.SIGKILL)  # a host dies mid-epoch
        predictions = ddp(x[start:start + batch], training=True)
        loss = torch.mean((predictions - y[start:start + batch]) ** 2)
        model.zero_grad()
        loss.backward()  # DDP averages the gradients over the processes
        variables = model.trainable_variables
        optimizer.apply([v.value.grad for v in variables], variables)
        step_digests.append(common.weights_digest(model))
    with torch.no_grad():
        val_loss = torch.mean((model(x_val, training=False) - y_val) ** 2)
    # The same number on every process, so that every process decides alike.
    dist.all_reduce(val_loss)
    logs = {"val_loss": float(val_loss) / dist.get_world_size()}
    epochs.append(epoch)
    val_losses.append(logs["val_loss"])
    stop.on_epoch_end(epoch, logs)
    save_checkpoint(epoch)
    if model.stop_training:
        break
stop.on_train_end()
final_digest = common.weights_digest(model)
idle_ratio = (common.idle_kernel(model) / idle_before).ravel().tolist()
iterations = int(keras.ops.convert_to_numpy(optimizer.iterations))


def averaged_digest(callback, epochs=3):
    """More steps from the trained weights with a weight-averaging callback
    driven by the loop, as fit would drive it; the average is in the model
    at the end."""
    model.compile(optimizer, "mse")  # the callbacks read model.optimizer
    callback.set_model(model)
    callback.on_train_begin()
    for epoch in range(epochs):
        callback.on_epoch_begin(epoch)
        for step, start in enumerate(range(0, len(x), batch)):
            callback.on_train_batch_begin(step)
            loss = torch.mean((ddp(x[start:start + batch], training=True)
                               - y[start:start + batch]) ** 2)
            model.zero_grad()
            loss.backward()
            variables = model.trainable_variables
            optimizer.apply([v.value.grad for v in variables], variables)
            callback.on_train_batch_end(step)
        callback.on_epoch_end(epoch, {})
    callback.on_train_end()
    return common.weights_digest(model)


trained = model.get_weights()
ema_digest = averaged_digest(keras_reg.callbacks.ExponentialMovingAverage(0.9))
model.set_weights(trained)
swa_digest = averaged_digest(keras_reg.callbacks.StochasticWeightAveraging(start_epoch=1))

common.report(
    ema_digest=ema_digest,
    swa_digest=swa_digest,
    process_id=rank,
    seed_state_after_ddp=seed_state_after_ddp,
    dropout_rows=dropout_rows,
    augment_rows=augment_rows,
    stopped_epoch=stop.stopped_epoch,
    best_epoch=stop.best_epoch,
    epochs=epochs,
    val_loss=val_losses,
    step_digests=step_digests,
    final_digest=final_digest,
    iterations=iterations,
    idle_ratio=idle_ratio,
    shared_writes=writes,
)
dist.destroy_process_group()
