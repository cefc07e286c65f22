"""Helpers shared by the oracle scripts: JSON in from stdin, JSON out on stdout's last line."""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402


def read_input():
    return json.load(sys.stdin)


def f32(value):
    """A (nested) list of numbers as a float32 numpy array."""
    return np.asarray(value, dtype=np.float32)


def to_list(value):
    """A tensor or array as nested lists of Python floats (float32 values widened exactly)."""
    return np.asarray(value).astype(np.float64).tolist()


def write_output(result):
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    sys.stdout.flush()
