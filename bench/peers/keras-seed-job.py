"""The seed job on real Keras 3 (TensorFlow or JAX backend, CPU), for comparison in the same run as ours.

The seed program itself, in Keras: Flatten(28×28), Dense(128, relu),
Dense(10, softmax); adam, sparse categorical crossentropy, accuracy; batch
32, shuffled every epoch; Keras's own defaults for everything else
(Glorot-uniform weights, zero biases, adam lr 1e-3 and eps 1e-7, XLA on
TensorFlow as `jit_compile="auto"` chooses, all cores). The backend is
KERAS_BACKEND's (bench/jobs/keras.ts sets it).

With --model cnn, the same job on TensorFlow's CNN tutorial model instead
(28×28×1 images): Conv2D 32 3×3 relu, MaxPooling2D 2, Conv2D 64 3×3 relu,
MaxPooling2D 2, Conv2D 64 3×3 relu, Flatten, Dense 64 relu, Dense 10 logits;
adam, sparse categorical crossentropy from logits.

Measured as for PyTorch (bench/peers/pytorch-seed-job.py): seconds of each
epoch, ms per step, test loss and accuracy, predict and evaluate of the 10,000
test images (best of 3 each, batch 32), cores used while training (process CPU
time / wall time) and the whole process's peak resident memory. Before the
timed epochs, one step on the first batch compiles the training function, so
every timed epoch is warm (tinykeras has no compile step; PyTorch none either).

    KERAS_BACKEND=jax python bench/peers/keras-seed-job.py --epochs 1 [--samples N] [--model cnn] [--json]
"""
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from fashion_mnist import data_dir, load_scaled  # noqa: E402
from peer_job import BATCH, REPEATS, SEED, best_of, job_name, parser, progress, report  # noqa: E402


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


def build(model):
    """The model and its loss: the seed model (softmax output), or the CNN tutorial's (logits)."""
    layers = keras.layers
    if model == "seed":
        return keras.Sequential([
            keras.Input(shape=(28, 28)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]), "sparse_categorical_crossentropy"
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10),
    ]), keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def main():
    args = parse_args()
    keras.utils.set_random_seed(SEED)
    image_shape = (28, 28) if args.model == "seed" else (28, 28, 1)
    x, y, x_test, y_test = load_scaled(data_dir(args.data_dir), args.samples, image_shape, args.test_samples)
    y, y_test = y.astype(np.int32), y_test.astype(np.int32)
    model, loss = build(args.model)
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])

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
        "job": job_name(args, f"keras-{backend}"),
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
