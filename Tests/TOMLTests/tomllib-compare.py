"""Compares Hark's TOML parser with Python's tomllib on the corpus (run by DifferentialTests).

argv: CORPUS_DIR SWIFT_RESULTS_JSON. The Swift side wrote, for every corpus file (path relative
to CORPUS_DIR), either {"value": <tagged>} or {"error": "<message>"}. Values are compared in
a tagged form (type and canonical text) so that 1 and 1.0, or a date and a string, differ;
floats compare by bit pattern. Prints one line per disagreement and a closing count line.
"""
import datetime
import json
import math
import pathlib
import struct
import sys
import tomllib


def tagged(value):
    if isinstance(value, bool):
        return {"type": "bool", "value": "true" if value else "false"}
    if isinstance(value, int):
        return {"type": "integer", "value": str(value)}
    if isinstance(value, float):
        if math.isnan(value):
            text = "nan"
        elif math.isinf(value):
            text = "inf" if value > 0 else "-inf"
        else:
            text = str(struct.unpack("<Q", struct.pack("<d", value))[0])
        return {"type": "float", "value": text}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    if isinstance(value, datetime.datetime):
        kind = "datetime" if value.tzinfo is not None else "datetime-local"
        return {"type": kind, "value": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"type": "date-local", "value": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"type": "time-local", "value": value.isoformat()}
    if isinstance(value, list):
        return [tagged(element) for element in value]
    if isinstance(value, dict):
        return {key: tagged(element) for key, element in value.items()}
    raise TypeError(f"unexpected {type(value)}")


def main():
    corpus = pathlib.Path(sys.argv[1])
    swift = json.loads(pathlib.Path(sys.argv[2]).read_text(encoding="utf-8"))
    compared = 0
    disagreements = 0
    for name in sorted(swift):
        expect_valid = name.startswith("valid/")
        try:
            with open(corpus / name, "rb") as file:
                python = {"value": tagged(tomllib.load(file))}
        except Exception as error:  # tomllib.TOMLDecodeError, UnicodeDecodeError
            python = {"error": f"{type(error).__name__}: {error}"}
        ours = swift[name]
        compared += 1
        problem = None
        if expect_valid and "error" in python:
            problem = f"tomllib refuses a valid/ document: {python['error']}"
        elif not expect_valid and "value" in python:
            problem = "tomllib accepts an invalid/ document"
        elif "error" in ours and "value" in python:
            problem = f"only Hark refuses it: {ours['error']}"
        elif "value" in ours and "error" in python:
            problem = f"only tomllib refuses it: {python['error']}"
        elif "value" in ours and ours["value"] != python["value"]:
            problem = ("values differ\n  hark:    " + json.dumps(ours["value"], sort_keys=True, ensure_ascii=False)
                       + "\n  tomllib: " + json.dumps(python["value"], sort_keys=True, ensure_ascii=False))
        if problem:
            disagreements += 1
            print(f"DISAGREE {name}: {problem}")
    print(f"compared {compared} documents, {disagreements} disagreements")


main()
