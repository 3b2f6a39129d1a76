"""Export a built dataset's tables as CSV with a Frictionless Table Schema.

The schema declares what a general-purpose validator can check: the type of every
column, the allowed values of the closed lists (enum constraints from the codebook),
required identifiers and primary keys. `frictionless validate` on the result checks
the same rows that `policyframes validate` checks from the annotations.

    python benchmarks/tabular.py BUILD_DIR OUT_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as csv
import pyarrow.parquet as pq

from policyframes.codebook import STATUS_SUFFIX, Codebook

_TYPES = {"string": "string", "int8": "integer", "int16": "integer", "int32": "integer", "bool": "boolean",
          "date": "date", "list_string": "array"}
_KEYS = {"cases": ["case_id"], "codings": ["case_id", "dimension", "coder"], "sources": ["source_id"],
         "comparisons": ["comparison_id", "dimension"], "relations": ["relation_id"], "timeline": ["event_id"]}


def _fields(cb: Codebook, table: str) -> list[dict]:
    if table == "cases":
        fields = []
        for var in cb.variables:
            kind = {"list_string": "array", "date": "date"}.get(var.type, "string")
            field: dict = {"name": var.name, "type": kind}
            if var in cb.ordinal:  # the levels; the missing statuses are in the status column
                field["constraints"] = {"enum": var.codes}
            elif var.level in ("nominal", "ordinal"):
                field["constraints"] = {"enum": cb.allowed(var.name)}
            fields.append(field)
            if var in cb.ordinal:
                fields.append({"name": var.name + STATUS_SUFFIX, "type": "string", "constraints": {"enum": var.allowed_missing}})
        return fields
    fields = [{"name": c.name, "type": _TYPES[c.type]} for c in cb.tables[table].columns]
    coded = [v.name for v in cb.coded]
    enums = {"dimension": coded if table in ("codings", "adjudications", "comparisons") else None,
             "attribution": cb.attribution_codes, "record_type": ["code", "fact", "event", "relation"],
             "contrast": ["same", "different", "not_comparable"], "confidence": [1, 2, 3]}
    if table == "codings":
        enums["value"] = sorted({code for name in coded for code in cb.allowed(name)})
    for field in fields:
        if enums.get(field["name"]):
            field["constraints"] = {"enum": enums[field["name"]]}
    return fields


def export(build: Path, out: Path) -> Path:
    """Write <table>.csv for every table and datapackage.json; return its path."""
    cb = Codebook.model_validate_json((build / "codebook.json").read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    resources = []
    for table in cb.tables:
        data = pq.read_table(build / f"{table}.parquet")
        for i, field in enumerate(data.schema):
            if pa.types.is_list(field.type):  # arrays are JSON text in CSV
                data = data.set_column(i, field.name, pa.array([json.dumps(v, ensure_ascii=False) for v in data.column(i).to_pylist()]))
        csv.write_csv(data, out / f"{table}.csv")
        schema: dict = {"fields": _fields(cb, table)}
        for key in _KEYS.get(table, []):
            next(f for f in schema["fields"] if f["name"] == key).setdefault("constraints", {})["required"] = True
        if table in _KEYS:
            schema["primaryKey"] = _KEYS[table]
        resources.append({"name": table, "path": f"{table}.csv", "profile": "tabular-data-resource", "format": "csv",
                          "encoding": "utf-8", "schema": schema})
    package = out / "datapackage.json"
    package.write_text(json.dumps({"name": "policyframes", "profile": "tabular-data-package", "resources": resources},
                                  indent=2, ensure_ascii=False), encoding="utf-8")
    return package


if __name__ == "__main__":
    print(export(Path(sys.argv[1]), Path(sys.argv[2])))
