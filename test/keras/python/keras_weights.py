"""Weights and optimizer state through Keras's files, both ways (keras-weights.keras.test.ts).

mode "make" (run on TensorFlow): for each case, builds the architecture,
compiles it, trains a few full-batch steps on the given x, y, and writes
<dir>/<case>.weights.h5, <dir>/<case>.keras and <dir>/<case>.config.json
(the archive's config.json, for tinykeras to write archives Keras loads),
and <dir>/<case>.h5 with <dir>/<case>.model_config.json (the legacy file and
its model_config attribute).

mode "resume" (run on both backends), for each of its jobs {case, path}: loads a file into the case's model,
then predicts x and takes one more full-batch step on x, y. A .weights.h5
goes into a freshly built and compiled model whose optimizer is built first
(Keras skips an unbuilt optimizer's state); a .keras file goes through
keras.saving.load_model; a legacy .h5 through Keras's legacy loader too
(load_model without compiling, since Keras 3.15 cannot read back the
training_config it writes for loss="mse"; then the optimizer's weights as
load_model sets them). Returns the predictions, the optimizer's iteration
count after loading, and every weight after the step.
"""
import json
import os
import zipfile

import h5py
import keras
import numpy as np
from common import f32, packed, read_input, write_output

L = keras.layers


def architecture(case):
    """The case's model, as keras-weights.keras.test.ts builds it in tinykeras."""
    if case == "sequential":
        return keras.Sequential([keras.Input((6,)), L.Dense(8, activation="relu", name="hidden"), L.Dense(8, activation="tanh"), L.Dense(3)])
    if case == "branches":
        inputs = keras.Input((6,))
        left = L.Dense(5, activation="relu")(inputs)
        right = L.Dense(5, activation="tanh")(inputs)
        return keras.Model(inputs, L.Dense(3)(L.Concatenate()([left, right])))
    if case == "nested":
        inner = keras.Sequential([keras.Input((4,)), L.Dense(4, activation="relu"), L.Dense(4)], name="inner")
        inputs = keras.Input((6,))
        return keras.Model(inputs, L.Dense(3)(inner(L.Dense(4)(inputs))))
    if case == "cnn":
        return keras.Sequential(
            [keras.Input((6, 6, 2)), L.Conv2D(3, 3), L.BatchNormalization(), L.ReLU(), L.MaxPooling2D(), L.Flatten(), L.Dense(3, activation="softmax")]
        )
    raise ValueError(f"unknown case {case}")


def optimizer(spec):
    if spec["name"] == "adam":
        return keras.optimizers.Adam(learning_rate=spec["learningRate"])
    return keras.optimizers.SGD(learning_rate=spec["learningRate"], momentum=spec["momentum"])


def compiled(case):
    model = architecture(case["name"])
    model.compile(optimizer=optimizer(case["optimizer"]), loss=case["loss"])
    return model


def make(data, out):
    keras.utils.set_random_seed(7)
    for case in data["cases"]:
        name = case["name"]
        model = compiled(case)
        x, y = f32(case["x"]), f32(case["y"])
        model.fit(x, y, epochs=3, batch_size=len(x), shuffle=False, verbose=0)
        model.save_weights(os.path.join(out, f"{name}.weights.h5"))
        path = os.path.join(out, f"{name}.keras")
        model.save(path)
        with zipfile.ZipFile(path) as archive, open(os.path.join(out, f"{name}.config.json"), "w") as config:
            config.write(archive.read("config.json").decode())
        legacy = os.path.join(out, f"{name}.h5")
        model.save(legacy)
        with h5py.File(legacy, "r") as f, open(os.path.join(out, f"{name}.model_config.json"), "w") as config:
            config.write(json.dumps(json.loads(f.attrs["model_config"])))
    return {}


def resume(data):
    case, path = data["case"], data["path"]
    if path.endswith(".keras"):
        model = keras.saving.load_model(path)
    elif path.endswith(".h5") and not path.endswith(".weights.h5"):
        from keras.src.legacy.saving import legacy_h5_format

        model = keras.saving.load_model(path, compile=False)
        model.compile(optimizer=optimizer(case["optimizer"]), loss=case["loss"])
        model.optimizer.build(model.trainable_variables)
        with h5py.File(path, "r") as f:
            values = [np.asarray(v) for v in legacy_h5_format.load_optimizer_weights_from_hdf5_group(f)]
        if len(values) != len(model.optimizer.variables):
            raise ValueError(f"{path}: {len(values)} optimizer weights for {len(model.optimizer.variables)} variables")
        model.optimizer.set_weights(values)
    else:
        model = compiled(case)
        model.optimizer.build(model.trainable_variables)
        model.load_weights(path)
    x, y = f32(case["x"]), f32(case["y"])
    iterations = int(model.optimizer.iterations.numpy() if hasattr(model.optimizer.iterations, "numpy") else model.optimizer.iterations)
    learning_rate = float(np.asarray(model.optimizer.learning_rate))
    predictions = model.predict(x, batch_size=len(x), verbose=0)
    model.train_on_batch(x, y)
    return {
        "iterations": iterations,
        "learningRate": learning_rate,
        "predictions": packed(predictions),
        "weights": [packed(w) for w in model.get_weights()],
    }


if __name__ == "__main__":
    data = read_input()
    write_output(make(data, data["dir"]) if data["mode"] == "make" else {"results": [resume(job) for job in data["jobs"]]})
