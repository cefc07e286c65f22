"""model.summary() of models described in JSON, at several terminal widths.

Input {name, input_shape, layers: [{type: Dense|Flatten|Dropout|Sequential, ...}], columns: [int],
       graphs: [graph]}: a Sequential, and Functional models, each graph being
  {name, inputs: [{name, shape}], layers: {layer name: layer}, calls: [{out, layer, on}], outputs: [tensor], train?}
  where a layer is {type: Dense|Dropout|Concatenate|Add|Sequential|Model, units?, rate?, trainable?, layers?, graph?},
  `on` is a tensor name (one tensor) or a list of them, tensors being named by the input names and the calls' `out`s,
  and a layer named in two calls is one shared layer. `train`: compile with Adam and MSE, fit one batch, so that the
  summary counts the optimizer's state.
Output {tables: [the Sequential's summary text with COLUMNS set to each width],
        graphs: [[each graph's summary text at each width]]}.
"""
import os

import numpy as np

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
    elif kind == "Concatenate":
        layer = keras.layers.Concatenate(name=name)
    elif kind == "Add":
        layer = keras.layers.Add(name=name)
    elif kind == "Model":
        layer = build_graph(spec["graph"])
    else:
        layer = keras.Sequential([build(inner) for inner in spec["layers"]], name=name)
    layer.trainable = spec.get("trainable", True)
    return layer


def build_graph(graph):
    tensors = {spec["name"]: keras.Input(tuple(spec["shape"]), name=spec["name"]) for spec in graph["inputs"]}
    layers = {name: build({**spec, "name": name}) for name, spec in graph["layers"].items()}
    for call in graph["calls"]:
        on = call["on"]
        tensors[call["out"]] = layers[call["layer"]](tensors[on] if isinstance(on, str) else [tensors[t] for t in on])
    inputs = [tensors[spec["name"]] for spec in graph["inputs"]]
    outputs = [tensors[t] for t in graph["outputs"]]
    model = keras.Model(inputs[0] if len(inputs) == 1 else inputs, outputs[0] if len(outputs) == 1 else outputs, name=graph["name"])
    if graph.get("train"):
        model.compile(optimizer="adam", loss="mse")
        x = [np.zeros((2, *spec["shape"]), "float32") for spec in graph["inputs"]]
        y = [np.zeros((2, *t.shape[1:]), "float32") for t in outputs]
        model.fit(x[0] if len(x) == 1 else x, y[0] if len(y) == 1 else y, epochs=1, verbose=0)
    return model


def summaries(model, widths):
    tables = []
    for columns in widths:
        os.environ["COLUMNS"] = str(columns)
        lines = []
        model.summary(print_fn=lambda text, **_: lines.append(text))
        tables.append("".join(lines))
    return tables


args = read_input()
sequential = keras.Sequential([keras.Input(tuple(args["input_shape"]))] + [build(s) for s in args["layers"]], name=args["name"])
write_output({
    "tables": summaries(sequential, args["columns"]),
    "graphs": [summaries(build_graph(graph), args["columns"]) for graph in args.get("graphs", [])],
})
