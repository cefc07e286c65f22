"""What Python sees in a .keras archive: the entry names, the JSON entries, and model.weights.h5 dumped by h5py; input {path}."""
import io
import json
import zipfile

from common import read_input, write_output
from hdf5_dump import dump

if __name__ == "__main__":
    path = read_input()["path"]
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        config = json.loads(archive.read("config.json"))
        metadata = json.loads(archive.read("metadata.json"))
        weights = dump(io.BytesIO(archive.read("model.weights.h5")))
    write_output({"names": names, "config": config, "metadata": metadata, "weights": weights})
