"""The seed job on real Keras 3 (TensorFlow or JAX backend, CPU), for comparison in the same run as ours.

The seed program itself, in Keras: Flatten(28×28), Dense(128, relu),
Dense(10, softmax); adam, sparse categorical crossentropy, accuracy; batch
32, shuffled every epoch; Keras's own defaults for everything else
(Glorot-uniform weights, zero biases, adam lr 1e-3 and eps 1e-7, XLA on
TensorFlow as `jit_compile="auto"` chooses, all cores). The backend is
KERAS_BACKEND's (bench/jobs/keras.ts sets it).

Measured as for PyTorch (bench/peers/pytorch-seed-job.py): seconds of each
epoch, ms per step, test loss and accuracy, predict and evaluate of the 10,000
test images (best of 3 each, batch 32), cores used while training (process CPU
time / wall time) and the whole process's peak resident memory. Before the
timed epochs, one step on the first batch compiles the training function, so
every timed epoch is warm (tinykeras has no compile step; PyTorch none either).

    KERAS_BACKEND=jax python bench/peers/keras-seed-job.py --epochs 1 [--samples N] [--json]
"""
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from fashion_mnist import data_dir, load_uint8  # noqa: E402
from peer_job import BATCH, REPEATS, SEED, best_of, parser, progress, report  # noqa: E402


def parse_args():
    p = parser()
    return p.parse_args()


class EpochTimer(keras.callbacks.Callback):
    """Wall seconds of each epoch, measured around the epoch by Keras's own hooks."""

    def __init__(self, args, epochs):
        super().__init__()
        self.args, self.epochs, self.seconds = args, epochs, []

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.started)
        progress(self.args, f"epoch {epoch + 1}/{self.epochs}: {self.seconds[-1]:.2f} s, loss {logs['loss']:.4f}")


def main():
    args = parse_args()
    keras.utils.set_random_seed(SEED)
    x, y, x_test, y_test = load_uint8(data_dir(args.data_dir), args.samples)
    images = lambda a: (a.astype(np.float32) / 255.0).reshape(-1, 28, 28)
    x, x_test = images(x), images(x_test)
    y, y_test = y.astype(np.int32), y_test.astype(np.int32)
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    compile_started = time.perf_counter()
    model.fit(x[:BATCH], y[:BATCH], batch_size=BATCH, epochs=1, verbose=0)  # compiles the training step
    compile_seconds = time.perf_counter() - compile_started

    timer = EpochTimer(args, args.epochs)
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    model.fit(x, y, batch_size=BATCH, epochs=args.epochs, shuffle=True, verbose=0, callbacks=[timer])
    cores_used = (time.process_time() - cpu_before) / (time.perf_counter() - wall_before)

    predict_seconds, _ = best_of(REPEATS, lambda: model.predict(x_test, batch_size=BATCH, verbose=0))
    evaluate_seconds, (test_loss, test_accuracy) = best_of(REPEATS, lambda: model.evaluate(x_test, y_test, batch_size=BATCH, verbose=0))
    steps = (x.shape[0] + BATCH - 1) // BATCH
    mean_epoch = sum(timer.seconds) / len(timer.seconds)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        backend_version = tf.__version__
    else:
        import jax

        backend_version = jax.__version__
    result = {
        "job": f"keras-{backend}",
        "kerasVersion": keras.__version__,
        "backend": backend,
        "backendVersion": backend_version,
        "compileSeconds": compile_seconds,
        "epochs": args.epochs,
        "samples": int(x.shape[0]),
        "batchSize": BATCH,
        "stepsPerEpoch": steps,
        "secondsPerEpoch": mean_epoch,
        "bestSecondsPerEpoch": min(timer.seconds),
        "epochSeconds": timer.seconds,
        "msPerStep": mean_epoch * 1000 / steps,
        "testLoss": float(test_loss),
        "testAccuracy": float(test_accuracy),
        "predictSeconds": predict_seconds,
        "predictTiming": f"best of {REPEATS}",
        "evaluateSeconds": evaluate_seconds,
        "coresUsed": cores_used,
    }
    report(args, result)


if __name__ == "__main__":
    main()
