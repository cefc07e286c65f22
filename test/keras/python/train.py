"""Training jobs in real Keras: fit (no shuffling), then evaluate and predict.

Input: {"data": {name: packed array}, "jobs": [{name, inputShape, layers, weights, optimizer, loss,
        x, y, xTest, yTest (names in data), epochs, batchSize, validation: bool,
        callbacks: [{kind: "EarlyStopping"|"TerminateOnNaN"|"ModelCheckpoint"|"CSVLogger", …}]}]}
Output: {backend, jobs: {name: {history, epochWeights: [[packed] after each epoch], batches, weights,
         evaluate: [loss, accuracy], predict: packed, callbacks: {…}}}}
"""
import csv
import os
import tempfile

from common import build_loss, build_model, build_optimizer, f32, packed, read_input, write_output

import keras

args = read_input()
backend = keras.backend.backend()
data = {name: f32(value) for name, value in args["data"].items()}
workdir = tempfile.mkdtemp(prefix="tinykeras-oracle-")


class EpochWeights(keras.callbacks.Callback):
    """The weights at the end of each epoch (after 100, 200, 300 steps at 100 steps an epoch), and the batches run."""

    def __init__(self):
        super().__init__()
        self.weights = []
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([packed(w) for w in self.model.get_weights()])


def make_callback(spec, job_name):
    kind = spec["kind"]
    if kind == "EarlyStopping":
        return keras.callbacks.EarlyStopping(
            monitor=spec.get("monitor", "val_loss"), min_delta=spec.get("minDelta", 0), patience=spec.get("patience", 0),
            mode=spec.get("mode", "auto"),
            restore_best_weights=spec.get("restoreBestWeights", False), baseline=spec.get("baseline"),
        )
    if kind == "TerminateOnNaN":
        return keras.callbacks.TerminateOnNaN()
    if kind == "ModelCheckpoint":
        path = os.path.join(workdir, job_name + "-{epoch:02d}.weights.h5")
        return keras.callbacks.ModelCheckpoint(
            path, monitor=spec.get("monitor", "val_loss"), save_best_only=spec.get("saveBestOnly", False), save_weights_only=True,
        )
    if kind == "CSVLogger":
        return keras.callbacks.CSVLogger(os.path.join(workdir, job_name + ".csv"))
    raise ValueError(f"unknown callback {kind}")


def callback_outcome(callback, job_name):
    if isinstance(callback, keras.callbacks.EarlyStopping):
        return {"kind": "EarlyStopping", "stoppedEpoch": callback.stopped_epoch, "bestEpoch": callback.best_epoch, "best": float(callback.best)}
    if isinstance(callback, keras.callbacks.ModelCheckpoint):
        saved = sorted(f for f in os.listdir(workdir) if f.startswith(job_name + "-"))
        return {"kind": "ModelCheckpoint", "savedEpochs": [int(f[len(job_name) + 1 : len(job_name) + 3]) for f in saved], "best": float(callback.best)}
    if isinstance(callback, keras.callbacks.CSVLogger):
        with open(os.path.join(workdir, job_name + ".csv"), newline="") as f:
            rows = list(csv.reader(f))
        return {"kind": "CSVLogger", "header": rows[0], "rows": [[float(v) for v in row] for row in rows[1:]]}
    return {"kind": type(callback).__name__}


def run(job):
    keras.utils.set_random_seed(0)
    model = build_model(keras, job["inputShape"], job["layers"], job["weights"])
    model.compile(optimizer=build_optimizer(keras, job["optimizer"]), loss=build_loss(keras, job["loss"]), metrics=["accuracy"],
                  jit_compile=job.get("jitCompile", "auto"))
    x, y = data[job["x"]], data[job["y"]]
    x_test, y_test = data[job["xTest"]], data[job["yTest"]]
    epoch_weights = EpochWeights()
    callbacks = [make_callback(c, job["name"]) for c in job.get("callbacks", [])]
    history = model.fit(
        x, y, epochs=job["epochs"], batch_size=job["batchSize"], shuffle=False, verbose=0,
        validation_data=(x_test, y_test) if job.get("validation") else None, callbacks=[epoch_weights] + callbacks,
    )
    return {
        "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
        "epochWeights": epoch_weights.weights,
        "batches": epoch_weights.batches,
        "weights": [packed(w) for w in model.get_weights()],
        "evaluate": [float(v) for v in model.evaluate(x_test, y_test, batch_size=job["batchSize"], verbose=0)],
        "predict": packed(model.predict(x_test, batch_size=job["batchSize"], verbose=0)),
        "callbacks": [callback_outcome(c, job["name"]) for c in callbacks],
    }


write_output({"backend": backend, "jobs": {job["name"]: run(job) for job in args["jobs"]}})
