"""An optimizer alone in real Keras: given variables and a gradient per step, the variables after each step.

Input: {"cases": [{name, optimizer: {name, learningRate, …}, variables: [packed], gradients: [[packed per variable] per step]}]}
Output: {backend, results: {name: [[packed per variable] after each step]}}

Each step runs compiled, as in `fit` (XLA on TensorFlow, jit on JAX), so the
arithmetic is the one a training step does.
"""
from common import build_optimizer, f32, packed, read_input, write_output

import keras

args = read_input()
backend = keras.backend.backend()


def run(case):
    optimizer = build_optimizer(keras, case["optimizer"])
    variables = [keras.Variable(f32(v)) for v in case["variables"]]
    optimizer.build(variables)
    if backend == "tensorflow":
        import tensorflow as tf

        step = tf.function(lambda grads: optimizer.apply(grads, variables), jit_compile=True)
    else:
        import jax

        opt_vars = [v.value for v in optimizer.variables]

        @jax.jit
        def jax_step(values, opt_values, grads):
            return optimizer.stateless_apply(opt_values, grads, values)

        def step(grads):
            nonlocal opt_vars
            new_values, opt_vars = jax_step([v.value for v in variables], opt_vars, grads)
            for var, value in zip(variables, new_values):
                var.assign(value)
    after = []
    for grads in case["gradients"]:
        step([f32(g) for g in grads])
        after.append([packed(keras.ops.convert_to_numpy(v)) for v in variables])
    return after


write_output({"backend": backend, "results": {c["name"]: run(c) for c in args["cases"]}})
