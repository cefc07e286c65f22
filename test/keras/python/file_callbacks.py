"""CSVLogger and ModelCheckpoint file names in real Keras: a tiny fit, and what it wrote.

Input {templates: [str], validation: bool, epochs: int}. Output {logs: [{key: float}] (each epoch's logs),
csv: the CSVLogger file's text, files: [names ModelCheckpoint made, per template]}.
"""
import os
import tempfile

from common import read_input, write_output

import keras
import numpy as np

args = read_input()
keras.utils.set_random_seed(3)
x = np.random.rand(40, 4).astype("float32")
y = np.random.randint(0, 3, 40)
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

folder = tempfile.mkdtemp()
epoch_logs = []
callbacks = [
    keras.callbacks.CSVLogger(os.path.join(folder, "log.csv")),
    keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: epoch_logs.append(dict(logs))),
]
for i, template in enumerate(args["templates"]):
    os.mkdir(os.path.join(folder, str(i)))
    callbacks.append(keras.callbacks.ModelCheckpoint(os.path.join(folder, str(i), template), save_weights_only=True))
model.fit(x, y, epochs=args["epochs"], batch_size=16, verbose=0, callbacks=callbacks,
          validation_split=0.25 if args["validation"] else 0.0)
with open(os.path.join(folder, "log.csv"), newline="") as f:
    csv_text = f.read()
files = [sorted(os.listdir(os.path.join(folder, str(i)))) for i in range(len(args["templates"]))]
write_output({"logs": epoch_logs, "csv": csv_text, "files": files})
