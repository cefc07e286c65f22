"""An optimizer alone in real Keras: given variables and a gradient per step, the variables after each step.

Input: {"cases": [{name, optimizer: {name, learningRate, …}, variables: [packed], gradients: [[packed per variable] per step]}]}
Output: {backend, results: {name: [[packed per variable] after each step]}}

Each step runs compiled, as in `fit` (XLA on TensorFlow, jit on JAX), so the
arithmetic is the one a training step does.
"""
from common import build_optimizer, read_input, run_optimizer_steps, write_output

import keras

args = read_input()
backend = keras.backend.backend()


def run(case):
    return run_optimizer_steps(keras, build_optimizer(keras, case["optimizer"]), case["variables"], case["gradients"])


write_output({"backend": backend, "results": {c["name"]: run(c) for c in args["cases"]}})
