"""Saves real Keras 3 models as .keras and legacy .h5 (and a Keras 2-style .h5 built with h5py); input {dir}."""
import json
import os

import h5py
import keras
import numpy as np
from common import read_input, to_list, write_output


def sequential():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="relu", name="hidden"), keras.layers.Dense(3, activation="softmax", name="out")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(1).standard_normal((16, 4)).astype("float32")
    model.fit(x, np.arange(16) % 3, epochs=2, batch_size=8, verbose=0)
    return model, x


def functional():
    inputs = keras.Input((6,), name="features")
    left = keras.layers.Dense(4, activation="tanh", name="left")(inputs)
    right = keras.layers.Dense(4, activation="relu", name="right")(inputs)
    merged = keras.layers.Concatenate(name="merge")([left, right])
    summed = keras.layers.Add(name="add")([left, right])
    outputs = keras.layers.Dense(2, name="head")(keras.layers.Concatenate()([merged, summed]))
    model = keras.Model(inputs, outputs, name="branches")
    x = np.random.default_rng(2).standard_normal((5, 6)).astype("float32")
    return model, x


def keras2_style(path):
    """The layout Keras 2 (tf.keras) wrote: fixed-length byte-string name lists, ':0' weight names, a list split in two."""
    rng = np.random.default_rng(3)
    arrays = {}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.15.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {"name": "sequential", "layers": []}}).encode()
        weights = f.create_group("model_weights")
        weights.attrs["layer_names0"] = np.array([b"dense", b"dense_1"])
        weights.attrs["layer_names1"] = np.array([b"flatten"])
        for layer, shapes in [("dense", [(4, 3), (3,)]), ("dense_1", [(3, 2), (2,)]), ("flatten", [])]:
            group = weights.create_group(layer)
            names = [f"{layer}/{kind}:0" for kind, _ in zip(["kernel", "bias"], shapes)]
            group.attrs["weight_names"] = np.array([n.encode() for n in names], dtype="S") if names else np.array([], dtype="S1")
            for name, shape in zip(names, shapes):
                arrays[name] = rng.standard_normal(shape).astype("float32")
                group.create_dataset(name, data=arrays[name])
        optimizer = f.create_group("optimizer_weights")
        optimizer.attrs["weight_names"] = np.array([b"Adam/iter:0", b"Adam/dense/kernel/m:0"])
        optimizer.create_dataset("Adam/iter:0", data=np.int64(7))
        optimizer.create_dataset("Adam/dense/kernel/m:0", data=np.ones((4, 3), dtype="float32"))


if __name__ == "__main__":
    out = read_input()["dir"]
    result = {}
    for name, build in [("sequential", sequential), ("functional", functional)]:
        model, x = build()
        model.save(os.path.join(out, f"{name}.keras"))
        model.save(os.path.join(out, f"{name}.h5"))
        result[name] = {"x": to_list(x), "y": to_list(model.predict(x, verbose=0)), "config": json.loads(json.dumps(model.get_config()))}
    keras2_style(os.path.join(out, "keras2_style.h5"))
    write_output(result)
