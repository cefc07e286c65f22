"""Loads a model file with keras.saving.load_model and predicts; input {path, x}, x an array or a dict of them (then y is a dict)."""
import keras
from common import f32, read_input, to_list, write_output

if __name__ == "__main__":
    data = read_input()
    model = keras.saving.load_model(data["path"])
    x = {k: f32(v) for k, v in data["x"].items()} if isinstance(data["x"], dict) and "f32" not in data["x"] else f32(data["x"])
    y = model.predict(x, verbose=0)
    out = {k: to_list(v) for k, v in y.items()} if isinstance(y, dict) else to_list(y)
    write_output({"y": out, "keys": list(y.keys()) if isinstance(y, dict) else None, "class_name": type(model).__name__})
