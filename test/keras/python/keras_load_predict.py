"""Loads a model file with keras.saving.load_model and predicts; input {path, x}."""
import keras
from common import f32, read_input, to_list, write_output

if __name__ == "__main__":
    data = read_input()
    model = keras.saving.load_model(data["path"])
    write_output({"y": to_list(model.predict(f32(data["x"]), verbose=0)), "class_name": type(model).__name__})
