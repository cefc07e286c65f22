"""keras.layers.Normalization in real Keras: adapt's statistics and the layer's outputs.

Input: {"cases": [{name, adapt: packed?, mean?, variance?, axis: -1|null, invert: bool, x: packed}]}
Output: {backend, results: {name: {mean: packed?, variance: packed?, weights: [names], y: packed}}}
"""
from common import f32, packed, read_input, write_output

import keras

args = read_input()


def run(case):
    keras.backend.clear_session()  # each case names its layer "normalization", as tinykeras after clearSession
    options = {"axis": case["axis"] if case["axis"] is not None else None, "invert": case.get("invert", False)}
    if "mean" in case:
        options["mean"] = case["mean"]
        options["variance"] = case["variance"]
    layer = keras.layers.Normalization(**options)
    result = {}
    if "adapt" in case:
        layer.adapt(f32(case["adapt"]))
        result["mean"] = packed(keras.ops.convert_to_numpy(layer.adapt_mean))
        result["variance"] = packed(keras.ops.convert_to_numpy(layer.adapt_variance))
    result["y"] = packed(keras.ops.convert_to_numpy(layer(f32(case["x"]))))
    result["weights"] = [w.path for w in layer.weights]
    return result


write_output({"backend": keras.backend.backend(), "results": {c["name"]: run(c) for c in args["cases"]}})
