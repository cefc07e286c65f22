"""Python's own number formatting, the oracle of src/utils/python-format.ts.

Input {cases: [[value, spec, kind], ...]} with value a string float() reads
("-0", "nan", "1e-07"), spec a str.format spec, kind "int" or "float"; or
kind "printf" with a %-spec ("%.4f"), or kind "repr". Output {results: [text or "ValueError: msg"]}.
"""
from common import read_input, write_output


def one(value, spec, kind):
    x = float(value)
    if kind == "repr":
        return repr(x)
    if kind == "printf":
        return spec % x
    try:
        return format(int(x) if kind == "int" else x, spec)
    except ValueError as error:
        return f"ValueError: {error}"


args = read_input()
write_output({"results": [one(*case) for case in args["cases"]]})
