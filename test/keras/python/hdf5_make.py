"""Writes HDF5 files with h5py covering the features tinykeras's reader supports; input {dir}, output the file paths."""
import os

import h5py
import numpy as np
from common import read_input, write_output


def features(f):
    rng = np.random.default_rng(0)
    f.create_dataset("chunked_gzip_shuffle", data=rng.standard_normal((10, 33)).astype("f4"), chunks=(3, 7), compression="gzip", shuffle=True)
    f.create_dataset("chunked_fletcher", data=np.arange(50, dtype="i8"), chunks=(16,), fletcher32=True, compression=4)
    f.create_dataset("one_unlimited", data=rng.standard_normal((50, 6)).astype("f4"), chunks=(2, 4), maxshape=(None, 6), compression="gzip", shuffle=True)
    f.create_dataset("one_unlimited_plain", data=np.arange(3000, dtype="i2").reshape(6, 500), chunks=(3, 1), maxshape=(6, None))
    f.create_dataset("fixed_max_larger", data=np.arange(35, dtype="f4").reshape(5, 7), chunks=(2, 3), maxshape=(9, 10))
    f.create_dataset("two_unlimited", data=np.arange(60, dtype="f8").reshape(6, 10), chunks=(4, 4), maxshape=(None, None), compression="gzip")
    f.create_dataset("two_unlimited_plain", data=np.arange(60, dtype="i4").reshape(6, 10), chunks=(4, 4), maxshape=(None, None))
    f.create_dataset("single_chunk", data=np.arange(12, dtype="f4"), chunks=(12,), compression="gzip")
    f.create_dataset("single_chunk_plain", data=np.arange(12, dtype="u2"), chunks=(12,))
    f.create_dataset("partial", shape=(20, 20), dtype="f4", chunks=(5, 5))[0:5, 0:5] = 1.5
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    space = h5py.h5s.create_simple((6,))
    h5py.h5d.create(f.id, b"compact", h5py.h5t.STD_I16LE, space, dcpl=dcpl).write(h5py.h5s.ALL, h5py.h5s.ALL, np.arange(6, dtype="i2"))
    f.create_dataset("scalar_int64", data=np.int64(-1234567890123))
    f.create_dataset("bools", data=np.array([True, False, True]))
    f.create_dataset("uint8", data=np.arange(256, dtype="u1"))
    f.create_dataset("int8", data=np.arange(-5, 5, dtype="i1"))
    f.create_dataset("float16", data=np.array([0.5, -2, 65504, 1e-7], dtype="f2"))
    f.create_dataset("big_endian", data=np.arange(5, dtype=">f8"))
    f.create_dataset("empty", data=np.zeros((0, 3), dtype="f4"))
    f.create_dataset("vlen_strings", data=np.array(["a", "béta", ""], dtype=object), dtype=h5py.string_dtype())
    f.create_dataset("fixed_strings", data=np.array([b"ab", b"cde"]))
    f.attrs["vlen_str"] = "a variable-length string ✓"
    f.attrs["fixed_str"] = np.bytes_("fixed")
    f.attrs["str_list_fixed"] = np.array([b"dense", b"dense_1"])
    f.attrs["str_list_vlen"] = np.array(["x", "yy"], dtype=h5py.string_dtype())
    f.attrs["ints"] = np.array([1, 2, 3], dtype="i4")
    f.attrs["float"] = 2.5
    f.attrs["empty_list"] = np.array([], dtype="f8")
    many = f.create_group("many")  # past 8 (old style) / 16 (new style) members: B-tree splits, dense storage
    for i in range(300):
        many.create_dataset(f"v{i}", data=np.full((2,), i, dtype="f4"))
    ordered = f.create_group("ordered", track_order=True)
    for i in range(40):
        ordered.create_group(f"g{i}")
    for i in range(30):
        ordered.attrs[f"attr{i}"] = i  # many attributes: dense attribute storage under track_order
    f.create_group("a/b/c/d").attrs["deep"] = 1
    f["soft"] = h5py.SoftLink("/a/b")


if __name__ == "__main__":
    out = read_input()["dir"]
    paths = []
    for libver in ["earliest", "v108", "v110", "latest"]:
        path = os.path.join(out, f"features_{libver}.h5")
        with h5py.File(path, "w", libver=libver) as f:
            features(f)
        paths.append(path)
    # Dense storage big enough for a B-tree v2 of depth 2 and a fractal heap with child indirect blocks.
    big = os.path.join(out, "big_dense_latest.h5")
    with h5py.File(big, "w", libver="latest") as f:
        group = f.create_group("g")
        for i in range(30000):
            group[f"member_with_a_longish_name_{i}"] = h5py.SoftLink("/x")
        for i in range(3000):
            group.attrs[f"attribute_{i}"] = np.arange(3) + i
        f.create_dataset("x", data=np.arange(5))
    write_output({"paths": paths, "big": big, "hdf5": h5py.version.hdf5_version, "h5py": h5py.version.version})
