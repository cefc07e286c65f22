"""Keras's training options on small models: sample_weight, class_weight, loss functions returning
per-sample values, metric objects and functions, weighted_metrics, metrics_names, regularizers.

Input: {cases: [{name, inputShape, layers, weights, x, y, loss, metrics, weightedMetrics, fit, evaluate}]}
with layers as plain data ({kind: "Dense", units, activation, kernelRegularizer, ...}, {kind: "Conv2D", ...},
{kind: "Flatten"}), a loss a Keras string or {fn: name} (a function below), metrics strings, {fn: name} or
{className, config}, fit {epochs, batchSize, sampleWeight, classWeight, validationSampleWeight}, evaluate
{sampleWeight}, and optionally functional: true (two Dense heads "a" and "b" on the layers' output).
Output: {backend, cases: {name: {history, weights, evaluate, metricsNamesBefore, metricsNamesAfter}}}.
"""
from common import f32, packed, read_input, write_output

import keras
from keras import ops


def squared(y_true, y_pred):
    """A loss per sample: the mean squared difference over the last axis."""
    return ops.mean(ops.square(y_pred - y_true), axis=-1)


def squares(y_true, y_pred):
    """A loss per value: the squared differences, [N, d]."""
    return ops.square(y_pred - y_true)


def average(y_true, y_pred):
    """A metric per sample: the mean prediction."""
    return ops.mean(y_pred, axis=-1)


FUNCTIONS = {"squared": squared, "squares": squares, "average": average}


def regularizer(spec):
    if spec is None or isinstance(spec, str):
        return spec
    return keras.regularizers.get({"class_name": spec["className"], "config": spec["config"]})


def layer(spec):
    options = {key: regularizer(spec.get(option)) for option, key in [
        ("kernelRegularizer", "kernel_regularizer"), ("biasRegularizer", "bias_regularizer"), ("activityRegularizer", "activity_regularizer")]}
    if spec["kind"] == "Dense":
        return keras.layers.Dense(spec["units"], activation=spec.get("activation"), **options)
    if spec["kind"] == "Conv2D":
        return keras.layers.Conv2D(spec["filters"], spec["kernelSize"], activation=spec.get("activation"), **options)
    if spec["kind"] == "Flatten":
        return keras.layers.Flatten()
    raise ValueError(spec["kind"])


def loss_or_metric(spec, module):
    if isinstance(spec, str):
        return spec
    if "fn" in spec:
        return FUNCTIONS[spec["fn"]]
    return module.get({"class_name": spec["className"], "config": spec["config"]})


def run(case):
    keras.utils.set_random_seed(1)
    inputs = keras.Input(shape=tuple(case["inputShape"]))
    h = inputs
    for spec in case["layers"]:
        h = layer(spec)(h)
    if case.get("functional"):
        outputs = [keras.layers.Dense(1, name="a")(h), keras.layers.Dense(2, name="b")(h)]
    else:
        outputs = h
    model = keras.Model(inputs, outputs)
    model.set_weights([f32(w) for w in case["weights"]])
    loss = loss_or_metric(case["loss"], keras.losses)
    if case.get("functional"):
        metrics = [[loss_or_metric(m, keras.metrics) for m in ms] for ms in case["metrics"]]
        weighted = [[loss_or_metric(m, keras.metrics) for m in ms] for ms in case.get("weightedMetrics", [[], []])]
    else:
        metrics = [loss_or_metric(m, keras.metrics) for m in case["metrics"]]
        weighted = [loss_or_metric(m, keras.metrics) for m in case.get("weightedMetrics", [])]
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss, metrics=metrics, weighted_metrics=weighted or None)
    before = list(model.metrics_names)
    x = f32(case["x"])
    y = [f32(t) for t in case["y"]] if case.get("functional") else f32(case["y"])
    fit = case["fit"]
    options = {}
    if fit.get("sampleWeight") is not None:
        options["sample_weight"] = f32(fit["sampleWeight"])
    if fit.get("classWeight") is not None:
        options["class_weight"] = {int(k): float(v) for k, v in fit["classWeight"].items()}
    if fit.get("validationSampleWeight") is not None:
        options["validation_data"] = (x, y, f32(fit["validationSampleWeight"]))
    history = model.fit(x, y, epochs=fit["epochs"], batch_size=fit["batchSize"], shuffle=False, verbose=0, **options).history
    after = list(model.metrics_names)
    sw = case["evaluate"].get("sampleWeight")
    evaluated = model.evaluate(x, y, batch_size=fit["batchSize"], verbose=0, return_dict=True, sample_weight=None if sw is None else f32(sw))
    return {
        "history": {k: [float(v) for v in vs] for k, vs in history.items()},
        "weights": [packed(w) for w in model.get_weights()],
        "evaluate": {k: float(v) for k, v in evaluated.items()},
        "metricsNamesBefore": before,
        "metricsNamesAfter": after,
    }


args = read_input()
write_output({"backend": keras.backend.backend(), "cases": {case["name"]: run(case) for case in args["cases"]}})
