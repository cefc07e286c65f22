"""What Keras 3 prints to a non-terminal stdout (a pipe), step by step on a tiny model.

Input {kernel, bias, x, y, learning_rate, momentum, batch_size, validation_split}: a softmax Dense layer
with these weights, trained with SGD on (x, y) without shuffling. The steps, each captured alone:
summary_before, fit_v1 (2 epochs, validation), fit_v2 (2 epochs, validation), fit_one (1 epoch, no
validation), evaluate_v1, evaluate_v2, predict_v1, predict_v2, summary_after. Output {printed: {step:
text}, logs: {step: [epoch logs]}, history_keys: [...], evaluate_dict_keys: [...], evaluate_list: [...]}.
"""
import contextlib
import io

from common import f32, read_input, write_output

import keras
import numpy as np

args = read_input()
x = f32(args["x"])
y = np.asarray(args["y"], dtype="int32")
model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(len(args["bias"]), activation="softmax")])
model.layers[0].set_weights([f32(args["kernel"]), f32(args["bias"])])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=args["learning_rate"], momentum=args["momentum"]),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)

printed = {}
logs = {}


def capture(name, run):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        result = run()
    printed[name] = buffer.getvalue()
    return result


def fit(name, **kwargs):
    epoch_logs = []
    recorder = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, l: epoch_logs.append(dict(l)))
    history = capture(name, lambda: model.fit(x, y, batch_size=args["batch_size"], shuffle=False, callbacks=[recorder], **kwargs))
    logs[name] = epoch_logs
    return history


capture("summary_before", lambda: model.summary(print_fn=lambda text, **_: print(text, end="")))
history = fit("fit_v1", epochs=2, verbose=1, validation_split=args["validation_split"])
fit("fit_v2", epochs=2, verbose=2, validation_split=args["validation_split"])
fit("fit_one", epochs=1, verbose=1)
evaluated = capture("evaluate_v1", lambda: model.evaluate(x, y, batch_size=args["batch_size"], verbose=1, return_dict=True))
evaluated_list = capture("evaluate_v2", lambda: model.evaluate(x, y, batch_size=args["batch_size"], verbose=2))
capture("predict_v1", lambda: model.predict(x, batch_size=args["batch_size"], verbose=1))
capture("predict_v2", lambda: model.predict(x, batch_size=args["batch_size"], verbose=2))
capture("summary_after", lambda: model.summary(print_fn=lambda text, **_: print(text, end="")))
write_output({
    "printed": printed,
    "logs": logs,
    "history_keys": list(history.history.keys()),
    "evaluate_dict": evaluated,
    "evaluate_list": [float(v) for v in evaluated_list],
})
