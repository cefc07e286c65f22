"""Fashion-MNIST for the Python peers of `npm run bench` (PyTorch, Keras): found and read as tinykeras's loader does,
and scaled as every job scales it (pixels / 255, as the Keras tutorials do)."""
import gzip
import os

import numpy as np


def data_dir(explicit):
    """The first directory holding the four files, searched as tinykeras's loader does."""
    home = os.path.expanduser("~")
    candidates = [
        explicit,
        os.environ.get("FASHION_MNIST_DIR"),
        os.path.join(os.environ["KERAS_HOME"], "datasets", "fashion-mnist") if "KERAS_HOME" in os.environ else None,
        os.path.join(home, ".keras", "datasets", "fashion-mnist"),
        "/usr/share/datasets/fashion-mnist",
    ]
    for candidate in candidates:
        if candidate and os.path.exists(os.path.join(candidate, "train-images-idx3-ubyte.gz")):
            return candidate
    raise SystemExit("Fashion-MNIST not found; tried: " + ", ".join(c for c in candidates if c))


def read_idx(path, header_bytes):
    """The raw uint8 payload of a gzipped IDX file (images: 16-byte header, labels: 8)."""
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header_bytes)


def load_uint8(directory, samples, test_samples=10000):
    """(x, y, x_test, y_test) as uint8 arrays: images 784 pixels a row, the first `samples` training and `test_samples` test images."""
    x = read_idx(os.path.join(directory, "train-images-idx3-ubyte.gz"), 16).reshape(-1, 784)[:samples]
    y = read_idx(os.path.join(directory, "train-labels-idx1-ubyte.gz"), 8)[:samples]
    x_test = read_idx(os.path.join(directory, "t10k-images-idx3-ubyte.gz"), 16).reshape(-1, 784)[:test_samples]
    y_test = read_idx(os.path.join(directory, "t10k-labels-idx1-ubyte.gz"), 8)[:test_samples]
    return x, y, x_test, y_test


def load_scaled(directory, samples, image_shape, test_samples=10000):
    """(x, y, x_test, y_test): images as float32 pixels / 255 of shape (n, *image_shape), labels as int64.

    image_shape is (28, 28) for the seed model (Keras's Flatten input), (28, 28, 1) for Keras's
    channels-last CNN, (1, 28, 28) for PyTorch's channels-first one.
    """
    x, y, x_test, y_test = load_uint8(directory, samples, test_samples)
    images = lambda a: (a.astype(np.float32) / 255.0).reshape(-1, *image_shape)
    return images(x), y.astype(np.int64), images(x_test), y_test.astype(np.int64)
