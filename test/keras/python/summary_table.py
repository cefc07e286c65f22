"""model.summary() of a Sequential described in JSON, at several terminal widths.

Input {name, input_shape, layers: [{type: Dense|Flatten|Dropout|Sequential, ...}], columns: [int]}.
Output {tables: [the text summary() prints with COLUMNS set to each width]}.
"""
import os

from common import read_input, write_output

import keras


def build(spec):
    kind = spec["type"]
    name = spec.get("name")
    if kind == "Dense":
        layer = keras.layers.Dense(spec["units"], name=name)
    elif kind == "Flatten":
        layer = keras.layers.Flatten(name=name)
    elif kind == "Dropout":
        layer = keras.layers.Dropout(spec["rate"], name=name)
    else:
        layer = keras.Sequential([build(inner) for inner in spec["layers"]], name=name)
    layer.trainable = spec.get("trainable", True)
    return layer


args = read_input()
model = keras.Sequential([keras.Input(tuple(args["input_shape"]))] + [build(s) for s in args["layers"]], name=args["name"])
tables = []
for columns in args["columns"]:
    os.environ["COLUMNS"] = str(columns)
    lines = []
    model.summary(print_fn=lambda text, **_: lines.append(text))
    tables.append("".join(lines))
write_output({"tables": tables})
