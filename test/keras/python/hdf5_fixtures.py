"""Writes the small h5py and Keras files test/saving/fixtures/ holds (run by hand; input {dir}): the reader's unit tests and fuzzing start from them."""
import os

import h5py
import numpy as np
from common import read_input, write_output

if __name__ == "__main__":
    out = read_input()["dir"]
    for libver in ["earliest", "latest"]:
        with h5py.File(os.path.join(out, f"small_{libver}.h5"), "w", libver=libver) as f:
            f.create_dataset("gzip", data=np.arange(60, dtype="f4").reshape(6, 10), chunks=(4, 4), compression="gzip", shuffle=True)
            f.create_dataset("fletcher", data=np.arange(9, dtype="i8"), chunks=(4,), fletcher32=True)
            f.create_dataset("plain", data=np.array([1.5, -2.0], dtype="f8"))
            f.create_dataset("huge_sparse", shape=(2**40,), dtype="f4", chunks=(1024,))
            f.attrs["text"] = "vlen ✓"
            f.attrs["names"] = np.array([b"dense", b"dense_1"])
            group = f.create_group("group")
            for i in range(20):
                group.attrs[f"a{i}"] = i
                group.create_dataset(f"d{i}", data=np.array([i], dtype="i2"))
            group["loop"] = f["group"]  # a hard link cycle: /group/loop is /group
            f["soft"] = h5py.SoftLink("/group")
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((8, 4), "f4"), np.zeros((8, 2), "f4"), epochs=1, verbose=0)
    model.save(os.path.join(out, "small.keras"))
    write_output({"dir": out})
