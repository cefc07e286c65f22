"""Trains small models in Keras 3 and saves them as .keras (and one as legacy .h5); input {dir}.

Prints the files and the data the test uses: inputs to predict on and one
more training batch, each model's as a list (one array per model input).
"""
import os

import keras
import numpy as np
from common import packed, read_input, write_output


def data(rng, shapes, n):
    return [rng.standard_normal((n, *shape)).astype("float32") for shape in shapes]


def sequential():
    model = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3, activation="softmax")], name="seed"
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, [(6,)], "classes3"


def functional():
    a = keras.Input((5,), name="a")
    b = keras.Input((3,), name="b")
    left = keras.layers.Dense(6, activation="relu", name="left")(a)
    right = keras.layers.Dense(4, activation="tanh", name="right")(b)
    joined = keras.layers.Concatenate(name="joined")([left, right])
    out = keras.layers.Dense(2, name="out")(joined)
    model = keras.Model([a, b], out, name="two_branches")
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="mse")
    return model, [(5,), (3,)], "values2"


def cnn():
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.BatchNormalization(),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(3, activation="softmax"),
        ],
        name="cnn",
    )
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, [(8, 8, 1)], "classes3"


def normalized():
    # Keras 3.15 stores the adapted Normalization's count as int64, Nadam's u_product after the slots,
    # and a loss given as a Keras function as {class_name: 'function', config: name}.
    normalization = keras.layers.Normalization()
    normalization.adapt(np.random.default_rng(3).standard_normal((40, 4)).astype("float32") * 2 + 1)
    model = keras.Sequential(
        [keras.Input((4,)), normalization, keras.layers.Dense(6, activation="gelu"), keras.layers.Dense(2)], name="normalized"
    )
    model.compile(optimizer=keras.optimizers.Nadam(0.01), loss=keras.losses.mean_squared_error, metrics=["mae"])
    return model, [(4,)], "values2"


def targets(rng, kind, n):
    if kind == "classes3":
        return rng.integers(0, 3, n).astype("float32")
    return rng.standard_normal((n, 2)).astype("float32")


if __name__ == "__main__":
    directory = read_input()["dir"]
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    out = {}
    for name, make in [("sequential", sequential), ("functional", functional), ("cnn", cnn), ("normalized", normalized)]:
        model, shapes, kind = make()
        x_train, y_train = data(rng, shapes, 32), targets(rng, kind, 32)
        model.fit(x_train if len(shapes) > 1 else x_train[0], y_train, epochs=2, batch_size=8, shuffle=False, verbose=0)
        path = os.path.join(directory, f"{name}.keras")
        model.save(path)
        files = {"keras": path}
        if name == "sequential":
            files["h5"] = os.path.join(directory, f"{name}.h5")
            model.save(files["h5"])
        x, xb, yb = data(rng, shapes, 5), data(rng, shapes, 8), targets(rng, kind, 8)
        out[name] = {"files": files, "x": [packed(v) for v in x], "xb": [packed(v) for v in xb], "yb": packed(yb)}
    write_output(out)
