"""Helpers shared by the oracle scripts: JSON in from stdin, JSON out on stdout's last line.

Arrays travel either as nested lists or packed, {"f32": base64 of the
little-endian float32 bytes, "shape": [...]}: 3,200 images as JSON numbers
would be 25 MB of text, packed they are 10 MB and exact.
"""
import base64
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402


def read_input():
    return json.load(sys.stdin)


def f32(value):
    """A (nested) list of numbers, or a packed array, as a float32 numpy array."""
    if isinstance(value, dict) and "f32" in value:
        data = np.frombuffer(base64.b64decode(value["f32"]), dtype="<f4")
        return data.reshape(value["shape"]).copy()
    return np.asarray(value, dtype=np.float32)


def packed(value):
    """A tensor or array as a packed float32 array (exact)."""
    array = np.ascontiguousarray(np.asarray(value), dtype="<f4")
    return {"f32": base64.b64encode(array.tobytes()).decode("ascii"), "shape": list(array.shape)}


def to_list(value):
    """A tensor or array as nested lists of Python floats (float32 values widened exactly)."""
    return np.asarray(value).astype(np.float64).tolist()


def _finite_json(value):
    """NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity", which JSON has no numbers for (oracle.ts reads them back)."""
    if isinstance(value, float) and not np.isfinite(value):
        return "NaN" if np.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _finite_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_json(v) for v in value]
    return value


def write_output(result):
    sys.stdout.write("\n" + json.dumps(_finite_json(result), allow_nan=False) + "\n")
    sys.stdout.flush()


def build_layer(keras, spec):
    """One layer from its plain description: {"kind": "Dense", "units": 4, "activation": "relu"}, …"""
    kind = spec["kind"]
    if kind == "Dense":
        return keras.layers.Dense(spec["units"], activation=spec.get("activation"))
    if kind == "Flatten":
        return keras.layers.Flatten()
    if kind == "Dropout":
        return keras.layers.Dropout(spec["rate"], seed=spec.get("seed"))
    if kind == "Activation":
        return keras.layers.Activation(spec["activation"])
    if kind == "ReLU":
        return keras.layers.ReLU(
            max_value=spec.get("maxValue"), negative_slope=spec.get("negativeSlope", 0.0), threshold=spec.get("threshold", 0.0)
        )
    if kind == "Softmax":
        return keras.layers.Softmax(axis=spec.get("axis", -1))
    raise ValueError(f"unknown layer kind {kind}")


def build_model(keras, input_shape, layer_specs, weights=None):
    """A Sequential of an InputLayer and the described layers, with the given weights (packed arrays) if any."""
    model = keras.Sequential([keras.Input(shape=tuple(input_shape))] + [build_layer(keras, s) for s in layer_specs])
    if weights is not None:
        model.set_weights([f32(w) for w in weights])
    return model


def build_optimizer(keras, spec):
    """{"name": "adam", "learningRate": …, "beta1": …} or {"name": "sgd", "learningRate": …, "momentum": …, "nesterov": …}."""
    if spec["name"] == "adam":
        return keras.optimizers.Adam(
            learning_rate=float(spec.get("learningRate", 0.001)),
            beta_1=float(spec.get("beta1", 0.9)),
            beta_2=float(spec.get("beta2", 0.999)),
            epsilon=float(spec.get("epsilon", 1e-7)),
        )
    if spec["name"] == "sgd":
        return keras.optimizers.SGD(
            learning_rate=float(spec.get("learningRate", 0.01)), momentum=float(spec.get("momentum", 0.0)), nesterov=spec.get("nesterov", False)
        )
    raise ValueError(f"unknown optimizer {spec['name']}")


def run_optimizer_steps(keras, optimizer, variables, gradients):
    """The variables (packed arrays) after each step of `optimizer` fed `gradients` (per step, packed per variable).

    Each step runs compiled, as in `fit` (XLA on TensorFlow, jit on JAX), so
    the arithmetic is the one a training step does.
    """
    backend = keras.backend.backend()
    variables = [keras.Variable(f32(v)) for v in variables]
    optimizer.build(variables)
    if backend == "tensorflow":
        import tensorflow as tf

        step = tf.function(lambda grads: optimizer.apply(grads, variables), jit_compile=True)
    else:
        import jax

        opt_vars = [v.value for v in optimizer.variables]

        @jax.jit
        def jax_step(values, opt_values, grads):
            return optimizer.stateless_apply(opt_values, grads, values)

        def step(grads):
            nonlocal opt_vars
            new_values, opt_vars = jax_step([v.value for v in variables], opt_vars, grads)
            for var, value in zip(variables, new_values):
                var.assign(value)
    after = []
    for grads in gradients:
        step([f32(g) for g in grads])
        after.append([packed(keras.ops.convert_to_numpy(v)) for v in variables])
    return after


def build_loss(keras, spec):
    """"probs": sparse CE on probabilities; "logits": sparse CE from logits."""
    return keras.losses.SparseCategoricalCrossentropy(from_logits=spec == "logits")
