#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ckrender authors.
"""Validates --json output against docs/json-schema.json (JSON Schema 2020-12).

validate_json.py SCHEMA [--lines] FILE...
Each FILE holds one tool's stdout. Without --lines it must be exactly one JSON
object; with --lines (ckrender --json) every line that starts with '{' is one
object and other lines (-progress's R90000 lines) are skipped; at least one
object must be there. Prints every violation and exits 1 on any.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("validate_json.py: python3-jsonschema is not installed "
             "(scripts/install-deps.sh installs it)")


def main(argv):
    schema = json.load(open(argv[1]))
    validator = jsonschema.Draft202012Validator(schema)
    lines = "--lines" in argv
    failures = 0
    for path in [a for a in argv[2:] if a != "--lines"]:
        text = open(path, encoding="utf-8").read()
        if lines:
            docs = [l for l in text.splitlines() if l.startswith("{")]
        else:
            docs = [text]
        if not docs:
            print(f"{path}: no JSON object")
            failures += 1
        for n, doc in enumerate(docs, 1):
            try:
                value = json.loads(doc)
            except ValueError as e:
                print(f"{path}: object {n}: not JSON: {e}")
                failures += 1
                continue
            for error in validator.iter_errors(value):
                # oneOf/anyOf: the innermost reason is the useful one.
                error = jsonschema.exceptions.best_match([error]) or error
                while error.context:
                    error = jsonschema.exceptions.best_match(error.context)
                where = "/".join(str(p) for p in error.absolute_path)
                print(f"{path}: object {n}: at /{where}: {error.message[:300]}")
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
