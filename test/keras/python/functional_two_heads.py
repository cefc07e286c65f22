"""A two-input, two-output Functional model with Concatenate in real Keras, from given weights.

Input: {a, b, y_cls, y_reg, weights: {layer: [kernel, bias]}, loss_weights, learning_rate, batch_size}.
Output: {cls, reg} the forward outputs before training; {history} after one epoch of SGD without shuffling;
{layers} the model's layer names in order; {backend}.
"""
from common import f32, read_input, to_list, write_output

import keras

args = read_input()
a = keras.Input(shape=(4,), name="a")
b = keras.Input(shape=(3,), name="b")
h = keras.layers.Dense(5, activation="relu", name="h")(keras.layers.Concatenate(name="concatenate")([a, b]))
cls = keras.layers.Dense(3, activation="softmax", name="cls")(h)
reg = keras.layers.Dense(1, name="reg")(h)
model = keras.Model(inputs=[a, b], outputs=[cls, reg])
for name, (kernel, bias) in args["weights"].items():
    model.get_layer(name).set_weights([f32(kernel), f32(bias)])

x = [f32(args["a"]), f32(args["b"])]
y = [f32(args["y_cls"]), f32(args["y_reg"])]
cls_out, reg_out = model.predict(x, verbose=0)
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=args["learning_rate"]),
    loss=["sparse_categorical_crossentropy", "mse"],
    loss_weights=args["loss_weights"],
    metrics=[["accuracy"], []],
)
history = model.fit(x, y, epochs=1, batch_size=args["batch_size"], shuffle=False, verbose=0).history
write_output({
    "cls": to_list(cls_out),
    "reg": to_list(reg_out),
    "history": {k: [float(v) for v in vs] for k, vs in history.items()},
    "layers": [layer.name for layer in model.layers],
    "backend": keras.backend.backend(),
})
