"""Metric objects in Keras 3's compile config, both ways.

make: {dir, x, y, sw}: compiles a small binary classifier with metric objects
at non-default options and weighted metrics, fits one epoch, saves it as .keras
and legacy .h5, and reports evaluate(return_dict=True) and the compile config.
load: {path, x, y, sw}: loads a file, reports the same.
"""
import os

import keras
import numpy as np
from common import f32, read_input, write_output


def report(model, data):
    values = model.evaluate(f32(data["x"]), f32(data["y"]), sample_weight=f32(data["sw"]), return_dict=True, verbose=0)
    config = model.get_compile_config()
    return {
        "evaluate": {k: float(v) for k, v in values.items()},
        "metrics": config["metrics"],
        "weighted_metrics": config["weighted_metrics"],
    }


if __name__ == "__main__":
    data = read_input()
    if data["mode"] == "make":
        keras.utils.set_random_seed(3)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(
            optimizer="adam",
            loss="binary_crossentropy",
            metrics=[keras.metrics.AUC(num_thresholds=50), keras.metrics.Precision(thresholds=0.3), keras.metrics.Recall(),
                     keras.metrics.BinaryAccuracy(threshold=0.7, name="acc7"), "accuracy"],
            weighted_metrics=["accuracy", keras.metrics.BinaryCrossentropy(label_smoothing=0.1)],
        )
        model.fit(f32(data["x"]), f32(data["y"]), epochs=1, batch_size=8, verbose=0)
        files = {"keras": os.path.join(data["dir"], "metrics.keras"), "h5": os.path.join(data["dir"], "metrics.h5")}
        model.save(files["keras"])
        model.save(files["h5"])
        write_output({"files": files, **report(model, data)})
    else:
        write_output(report(keras.saving.load_model(data["path"]), data))
