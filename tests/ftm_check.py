"""Validate FollowTheMoney entity JSON lines against the real FtM model (`make check-ftm`).

Runs in its own virtual environment with only `followthemoney` installed, so
it imports nothing from the generator. Checks each line: the schema exists
and is not abstract, every property exists and each value is valid for its
type, required properties are present, and entity references point at lines
in the file whose schema fits the property's range.
"""

from __future__ import annotations

import json
import sys

from followthemoney import model
from followthemoney.types import registry


def check(path: str) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        lines = [json.loads(raw) for raw in handle if raw.strip()]
    schemata = {line["id"]: line["schema"] for line in lines}
    problems = []
    for number, line in enumerate(lines, start=1):
        where = f"{path}:{number} ({line['id']})"
        schema = model.get(line["schema"])
        if schema is None or schema.abstract:
            problems.append(f"{where}: unknown or abstract schema {line['schema']!r}")
            continue
        for name in schema.required:
            if not line["properties"].get(name):
                problems.append(f"{where}: required property {name!r} is missing")
        for name, values in line["properties"].items():
            prop = schema.get(name)
            if prop is None:
                problems.append(f"{where}: {schema.name} has no property {name!r}")
                continue
            for value in values:
                if prop.type == registry.entity:
                    target = schemata.get(value)
                    if target is None:
                        problems.append(f"{where}: {name} points at {value!r}, which is not in the file")
                    elif not model.get(target).is_a(prop.range):
                        problems.append(f"{where}: {name} points at a {target}, expected a {prop.range.name}")
                elif not prop.type.validate(value):
                    problems.append(f"{where}: {name} value {value!r} is not a valid {prop.type.name}")
    return problems


if __name__ == "__main__":
    found = check(sys.argv[1])
    for problem in found:
        print(problem)
    print(f"{len(found)} problems in {sys.argv[1]} (followthemoney model)")
    sys.exit(1 if found else 0)
