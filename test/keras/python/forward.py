"""Forward passes, losses, metrics and one step's gradients in real Keras.

Input: {"forward": [{name, inputShape, layers, weights, x, training}],
        "losses": [{name, loss: "probs"|"logits", yTrue, yPred}],
        "gradients": [{name, inputShape, layers, weights, loss, x, y}]}
Output: {backend, forward: {name: y}, losses: {name: {loss, perSample, accuracy}},
         gradients: {name: {loss, grads: [...]}}} (arrays packed).
"""
from common import build_loss, build_model, f32, packed, read_input, write_output

import keras
import numpy as np

args = read_input()
backend = keras.backend.backend()


def forward(case):
    model = build_model(keras, case["inputShape"], case["layers"], case.get("weights"))
    return packed(model(f32(case["x"]), training=case.get("training", False)))


def loss_case(case):
    y_true, y_pred = f32(case["yTrue"]), f32(case["yPred"])
    from_logits = case["loss"] == "logits"
    mean = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)(y_true, y_pred)
    per_sample = keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits)
    accuracy = keras.metrics.SparseCategoricalAccuracy()
    accuracy.update_state(y_true, y_pred)
    return {"loss": float(mean), "perSample": packed(per_sample), "accuracy": float(accuracy.result())}


def gradients(case):
    model = build_model(keras, case["inputShape"], case["layers"], case["weights"])
    loss_fn = build_loss(keras, case["loss"])
    x, y = f32(case["x"]), f32(case["y"])
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
    else:
        import jax

        trainable = [v.value for v in model.trainable_variables]
        non_trainable = [v.value for v in model.non_trainable_variables]

        def compute(trainable_values):
            out, _ = model.stateless_call(trainable_values, non_trainable, x, training=True)
            return loss_fn(y, out)

        loss, grads = jax.value_and_grad(compute)(trainable)
    return {"loss": float(loss), "grads": [packed(g) for g in grads]}


write_output({
    "backend": backend,
    "forward": {c["name"]: forward(c) for c in args.get("forward", [])},
    "losses": {c["name"]: loss_case(c) for c in args.get("losses", [])},
    "gradients": {c["name"]: gradients(c) for c in args.get("gradients", [])},
})
