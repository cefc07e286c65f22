"""Dense forward in real Keras from given weights: {x, kernel, bias, activation} -> {y}."""
from common import f32, read_input, to_list, write_output

import keras

args = read_input()
x = f32(args["x"])
layer = keras.layers.Dense(len(args["bias"]), activation=args["activation"])
layer.build(x.shape)
layer.set_weights([f32(args["kernel"]), f32(args["bias"])])
write_output({"y": to_list(layer(x)), "backend": keras.backend.backend()})
