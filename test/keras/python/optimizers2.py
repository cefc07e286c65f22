"""RMSprop, Adagrad, AdamW, Nadam, the learning-rate schedules, ReduceLROnPlateau and LearningRateScheduler in real Keras.

Input (every section optional):
  {"steps": [{name, optimizer, variables: [packed], gradients: [[packed per variable] per step]}],
   "schedules": [{name, schedule, steps}],
   "fits": [{name, inputShape, layers, weights, optimizer, x, y, epochs, batchSize, callbacks: [spec]}]}
An optimizer is {"name": "rmsprop"|…, "options": {camelCase: value}, "schedule": schedule?};
a schedule is {"kind": "ExponentialDecay"|…, camelCase options}.
Output: {backend, steps: {name: [[packed per variable] after each step]}, schedules: {name: packed values at steps 0…},
         fits: {name: {history, weights: [packed]}}}

Steps run compiled, as in `fit` (common.py's run_optimizer_steps).
"""
import math
import re

from common import build_model, f32, packed, read_input, run_optimizer_steps, write_output

import keras

args = read_input()
backend = keras.backend.backend()


def snake(key):
    """learningRate → learning_rate, beta1 → beta_1, weightDecay → weight_decay."""
    return re.sub(r"([a-z])([A-Z0-9])", r"\1_\2", key).lower()


FLOAT_KEYS = {"initial_learning_rate", "decay_rate", "alpha", "warmup_target"}


def build_schedule(spec):
    """Rates are Python floats, as Keras's docs give them (an int 0 would make a schedule of int32)."""
    options = {snake(k): (float(v) if snake(k) in FLOAT_KEYS else v) for k, v in spec.items() if k != "kind"}
    if "values" in options:
        options["values"] = [float(v) for v in options["values"]]
    return getattr(keras.optimizers.schedules, spec["kind"])(**options)


OPTIMIZERS = {"rmsprop": "RMSprop", "adagrad": "Adagrad", "adamw": "AdamW", "nadam": "Nadam", "adam": "Adam", "sgd": "SGD"}


def build_optimizer(spec):
    options = {snake(k): v for k, v in spec.get("options", {}).items()}
    if "schedule" in spec:
        options["learning_rate"] = build_schedule(spec["schedule"])
    return getattr(keras.optimizers, OPTIMIZERS[spec["name"]])(**options)


def run_steps(case):
    return run_optimizer_steps(keras, build_optimizer(case["optimizer"]), case["variables"], case["gradients"])


def run_schedule(case):
    schedule = build_schedule(case["schedule"])
    values = [keras.ops.convert_to_numpy(schedule(keras.ops.convert_to_tensor(s, dtype="int64"))) for s in range(case["steps"])]
    return packed(values)


def lr_rule(name):
    """The LearningRateScheduler functions the test uses, by name (the same ones in TypeScript)."""
    if name == "keras-doc":  # Keras's docstring example
        return lambda epoch, lr: lr if epoch < 2 else lr * math.exp(-0.1)
    if name == "step":
        return lambda epoch, lr: 0.01 / (1 + epoch)
    raise ValueError(name)


def make_callback(spec):
    kind = spec["kind"]
    if kind == "ReduceLROnPlateau":
        options = {snake(k): v for k, v in spec.items() if k != "kind"}
        return keras.callbacks.ReduceLROnPlateau(**options)
    if kind == "LearningRateScheduler":
        return keras.callbacks.LearningRateScheduler(lr_rule(spec["rule"]))
    raise ValueError(kind)


def run_fit(job):
    model = build_model(keras, job["inputShape"], job["layers"], job["weights"])
    model.compile(optimizer=build_optimizer(job["optimizer"]), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(
        f32(job["x"]), f32(job["y"]), epochs=job["epochs"], batch_size=job["batchSize"], shuffle=False, verbose=0,
        callbacks=[make_callback(c) for c in job.get("callbacks", [])],
    )
    return {
        "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
        "epochs": history.epoch,
        "weights": [packed(w) for w in model.get_weights()],
    }


write_output({
    "backend": backend,
    "steps": {c["name"]: run_steps(c) for c in args.get("steps", [])},
    "schedules": {c["name"]: run_schedule(c) for c in args.get("schedules", [])},
    "fits": {j["name"]: run_fit(j) for j in args.get("fits", [])},
})
