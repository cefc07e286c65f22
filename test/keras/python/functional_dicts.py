"""A Functional model with dict inputs and outputs written out of key order, in real Keras, from given weights.

Keras flattens a dict in sorted-key order: that is the order of model.inputs, the layers and the weights, and how
a loss given as a list maps to the outputs. The per-output losses are named in the loss dict's order, or (a list)
in the order the outputs dict was written; predict's dict keeps the written order.

Input: {x: {p, q}, y: {yes, val}, weights: {layer: [kernel, bias]}, batch_size}.
Output: {backend, inputs, layers, weight_paths, runs: {dict_loss, list_loss: {metrics_names, history,
evaluate (list), evaluate_dict}}, predict_keys, predict: {key: values}}.
"""
from common import f32, read_input, to_list, write_output

import keras


def build(weights):
    p = keras.Input(shape=(3,), name="p")
    q = keras.Input(shape=(2,), name="q")
    h = keras.layers.Dense(4, activation="tanh", name="h")(keras.layers.Concatenate(name="cat")([p, q]))
    outputs = {"yes": keras.layers.Dense(1, activation="sigmoid", name="yes")(h), "val": keras.layers.Dense(2, name="val")(h)}
    model = keras.Model(inputs={"q": q, "p": p}, outputs=outputs)
    for name, (kernel, bias) in weights.items():
        model.get_layer(name).set_weights([f32(kernel), f32(bias)])
    return model


def run(model, args, **compile_args):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), **compile_args)
    x = {k: f32(v) for k, v in args["x"].items()}
    y = {k: f32(v) for k, v in args["y"].items()}
    history = model.fit(x, y, epochs=2, batch_size=args["batch_size"], shuffle=False, verbose=0).history
    return {
        "metrics_names": list(model.metrics_names),
        "history": {k: [float(v) for v in vs] for k, vs in history.items()},
        "evaluate": [float(v) for v in model.evaluate(x, y, batch_size=args["batch_size"], verbose=0)],
        "evaluate_dict": {k: float(v) for k, v in model.evaluate(x, y, batch_size=args["batch_size"], verbose=0, return_dict=True).items()},
    }


args = read_input()
model = build(args["weights"])
predicted = model.predict({k: f32(v) for k, v in args["x"].items()}, verbose=0)
runs = {
    "dict_loss": run(model, args, loss={"val": "huber", "yes": "binary_crossentropy"}, loss_weights={"yes": 2.0, "val": 0.5},
                     metrics={"yes": ["accuracy"], "val": ["mse", "mae"]}),
    # A fresh model: Keras keeps parts of the first compile's loss structure when compiled again.
    "list_loss": run(build(args["weights"]), args, loss=["mse", "binary_crossentropy"], metrics=[["mae"], ["accuracy"]]),
}
write_output({
    "backend": keras.backend.backend(),
    "inputs": [t.name for t in model.inputs],
    "layers": [layer.name for layer in model.layers],
    "weight_paths": [w.path for w in model.weights],
    "runs": runs,
    "predict_keys": list(predicted.keys()),
    "predict": {k: to_list(v) for k, v in predicted.items()},
})
