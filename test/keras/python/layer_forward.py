"""Image layers' forward passes in real Keras, each built from tinykeras's config and weights.

Input: {cases: [{class_name, config, weights: [arrays], x, training}]} -> {ys: [outputs], backend}.
Each layer is made with Keras's own `from_config`, so the config tinykeras writes is checked as well.
"""
from common import f32, read_input, to_list, write_output

import keras

args = read_input()
ys = []
for case in args["cases"]:
    layer_class = getattr(keras.layers, case["class_name"])
    layer = layer_class.from_config(case["config"])
    x = f32(case["x"])
    layer.build(x.shape)
    if case["weights"]:
        layer.set_weights([f32(w) for w in case["weights"]])
    ys.append(to_list(layer(x, training=case.get("training", False))))
write_output({"ys": ys, "backend": keras.backend.backend()})
