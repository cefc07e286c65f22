"""One SGD step of a small CNN with BatchNormalization in real Keras, from given weights.

Input: {x, y, weights: [arrays in model.get_weights() order], learning_rate}
Output: {weights: [arrays after one train_on_batch], loss, backend}.
The model: Conv2D 4 3x3 relu -> BatchNormalization -> MaxPooling2D 2 -> Flatten -> Dense 3 (logits).
"""
from common import f32, read_input, to_list, write_output

import keras

args = read_input()
x = f32(args["x"])
model = keras.Sequential([
    keras.Input(shape=x.shape[1:]),
    keras.layers.Conv2D(4, 3, activation="relu"),
    keras.layers.BatchNormalization(),
    keras.layers.MaxPooling2D(2),
    keras.layers.Flatten(),
    keras.layers.Dense(3),
])
model.set_weights([f32(w) for w in args["weights"]])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=args["learning_rate"]),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
loss = model.train_on_batch(x, f32(args["y"]))
write_output({"weights": [to_list(w) for w in model.get_weights()], "loss": float(loss), "backend": keras.backend.backend()})
