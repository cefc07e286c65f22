"""Keras's random image layers in training, given the uniform draws to use.

Input: {cases: [{class_name, config, x, draws: [[u per image] per call of random.uniform]}]}
-> {ys: [outputs], backend}.

Each layer is made with Keras's own `from_config` and called with training=True;
its backend's `random.uniform(shape, minval, maxval, seed)` is replaced, for the
call, by minval + (maxval - minval) * u with the next given draws u in [0, 1),
so the layer turns, zooms or shifts by the amounts tinykeras drew and the
rest (the angle or zoom range, the affine matrix, the sampling) is Keras's.
"""
import importlib

from common import f32, read_input, to_list, write_output

import keras
import numpy as np

random_module = importlib.import_module(f"keras.src.backend.{keras.backend.backend()}.random")
keras_uniform = random_module.uniform

args = read_input()
ys = []
for case in args["cases"]:
    draws = list(case["draws"])

    def given_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
        u = np.asarray(draws.pop(0), dtype=np.float32).reshape(shape)
        return keras.ops.convert_to_tensor(np.float32(minval) + (np.float32(maxval) - np.float32(minval)) * u)

    layer = getattr(keras.layers, case["class_name"]).from_config(case["config"])
    random_module.uniform = given_uniform
    try:
        y = layer(f32(case["x"]), training=True)
    finally:
        random_module.uniform = keras_uniform
    if draws:
        raise ValueError(f"{case['class_name']} used fewer draws than given: {len(draws)} calls left")
    ys.append(to_list(y))
write_output({"ys": ys, "backend": keras.backend.backend()})
