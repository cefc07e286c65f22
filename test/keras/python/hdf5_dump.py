"""Every group, dataset and attribute of an HDF5 file as h5py reads it: {path: {kind, shape, dtype, data, attrs}}."""
import h5py
import numpy as np
from common import read_input, write_output


def dtype_name(dtype):
    if h5py.check_string_dtype(dtype) is not None or dtype.kind in ("S", "U", "O"):
        return "string"
    if dtype.kind == "b":
        return "bool"
    return dtype.name


def values(array):
    array = np.asarray(array)
    flat = array.reshape(-1)
    if array.dtype.kind in ("S", "O", "U"):
        return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in flat]
    if array.dtype.kind == "b":
        return [int(v) for v in flat]
    if array.dtype.kind in ("i", "u"):
        return [int(v) for v in flat]
    return [float(v) for v in flat]


def describe(value, dtype):
    array = np.asarray(value)
    return {"shape": list(array.shape), "dtype": dtype_name(dtype), "data": values(array)}


def dump(path):
    out = {}

    def attrs(obj):
        return {name: describe(obj.attrs[name], obj.attrs.get_id(name).dtype) for name in obj.attrs}

    def visit(name, obj):
        key = "/" + name if name else "/"
        if isinstance(obj, h5py.Dataset):
            out[key] = {"kind": "dataset", **describe(obj[()], obj.dtype), "attrs": attrs(obj)}
        else:
            out[key] = {"kind": "group", "keys": list(obj.keys()), "attrs": attrs(obj)}

    with h5py.File(path, "r") as f:
        visit("", f)
        f.visititems(visit)
    return out


if __name__ == "__main__":
    write_output(dump(read_input()["path"]))
