"""Loads a model file with keras.saving.load_model, predicts, and trains one batch; input {path, x, xb?, yb?}.

Prints the predictions, and every weight after the step by its path
('dense/kernel'), with the optimizer's iteration count.
"""
import keras
from common import f32, packed, read_input, write_output

if __name__ == "__main__":
    data = read_input()
    model = keras.saving.load_model(data["path"])
    x = [f32(v) for v in data["x"]]
    y = model.predict(x if len(x) > 1 else x[0], verbose=0)
    if "xb" in data:
        xb = [f32(v) for v in data["xb"]]
        model.train_on_batch(xb if len(xb) > 1 else xb[0], f32(data["yb"]))
    write_output(
        {
            "class_name": type(model).__name__,
            "y": packed(y),
            "weights": {w.path: packed(w.numpy()) for w in model.weights},
            "iterations": int(model.optimizer.iterations.numpy()) if getattr(model, "optimizer", None) else 0,
        }
    )
