"""The losses and metrics of issue 20 in real Keras: values, and one SGD step.

Input: {"losses": [{name, className, config, yTrue, yPred}],
        "metrics": [{name, className, config, yTrue, yPred}],
        "steps": [{name, loss (a Keras string or {className, config}), inputShape, layers, weights, x, y, learningRate}]}
Output: {backend, losses: {name: value}, metrics: {name: value},
         steps: {name: {loss, weights: [...]}}} (weights packed).
"""
from common import build_model, f32, packed, read_input, write_output

import keras

args = read_input()


def loss_value(case):
    loss = getattr(keras.losses, case["className"])(**case["config"])
    return float(loss(f32(case["yTrue"]), f32(case["yPred"])))


def metric_value(case):
    metric = getattr(keras.metrics, case["className"])(**case["config"])
    metric.update_state(f32(case["yTrue"]), f32(case["yPred"]))
    return float(metric.result())


def step(case):
    """train_on_batch on the whole batch: the loss before the update and the weights after it."""
    model = build_model(keras, case["inputShape"], case["layers"], case["weights"])
    spec = case["loss"]
    loss = spec if isinstance(spec, str) else getattr(keras.losses, spec["className"])(**spec["config"])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=case["learningRate"]), loss=loss)
    value = model.train_on_batch(f32(case["x"]), f32(case["y"]))
    return {"loss": float(value), "weights": [packed(w) for w in model.get_weights()]}


write_output({
    "backend": keras.backend.backend(),
    "losses": {c["name"]: loss_value(c) for c in args.get("losses", [])},
    "metrics": {c["name"]: metric_value(c) for c in args.get("metrics", [])},
    "steps": {c["name"]: step(c) for c in args.get("steps", [])},
})
