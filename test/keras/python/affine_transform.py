"""keras.ops.image.affine_transform on given images and transforms, for a list of settings.

Input: {x, transforms: [[a0, a1, a2, b0, b1, b2, c0, c1] per image], fill_value,
        cases: [{interpolation, fill_mode}]} -> {ys: [one output per case], backend}.
"""
from common import f32, read_input, to_list, write_output

import keras

args = read_input()
ys = [
    to_list(
        keras.ops.image.affine_transform(
            f32(args["x"]),
            f32(args["transforms"]),
            interpolation=case["interpolation"],
            fill_mode=case["fill_mode"],
            fill_value=args["fill_value"],
        )
    )
    for case in args["cases"]
]
write_output({"ys": ys, "backend": keras.backend.backend()})
