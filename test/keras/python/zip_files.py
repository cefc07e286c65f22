"""Zip archives both ways with Python's zipfile; input {mode: 'make', dir} or {mode: 'check', path}."""
import io
import os
import zipfile

from common import read_input, write_output


class Unseekable(io.RawIOBase):
    """A write-only stream without seek, so zipfile writes data descriptors after each entry."""

    def __init__(self, target):
        self.target = target

    def writable(self):
        return True

    def write(self, data):
        return self.target.write(data)


ENTRIES = {"config.json": b'{"a": 1}' * 50, "empty": b"", "bin/\u00e9t\u00e9.bin": bytes(range(256)) * 40}

if __name__ == "__main__":
    data = read_input()
    if data["mode"] == "make":
        paths = {}
        with open(os.path.join(data["dir"], "descriptors.zip"), "wb") as raw:
            with zipfile.ZipFile(Unseekable(raw), "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for name, content in ENTRIES.items():
                    zf.writestr(name, content)
        paths["descriptors"] = raw.name
        with zipfile.ZipFile(os.path.join(data["dir"], "zip64.zip"), "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, content in ENTRIES.items():
                with zf.open(name, "w", force_zip64=True) as entry:
                    entry.write(content)
        paths["zip64"] = zf.filename
        # Past 65535 entries the count no longer fits the classic end record: zipfile writes the zip64 end records.
        with zipfile.ZipFile(os.path.join(data["dir"], "many.zip"), "w") as zf:
            for i in range(70000):
                zf.writestr(f"{i}", bytes([i % 256]))
        paths["many"] = zf.filename
        write_output({"paths": paths, "entries": {name: list(content) for name, content in ENTRIES.items()}})
    else:
        with zipfile.ZipFile(data["path"]) as zf:
            bad = zf.testzip()
            write_output({"bad": bad, "entries": {info.filename: list(zf.read(info)) for info in zf.infolist()}, "methods": [info.compress_type for info in zf.infolist()]})
