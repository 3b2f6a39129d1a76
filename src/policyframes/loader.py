"""Load the published dataset: pandas tables, the codebook, Hugging Face datasets.

Kept light on import: pandas and pyarrow load on first use, `datasets` only in to_hf().
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from .codebook import Codebook

def data_dir(path: str | Path | None = None) -> Path:
    """The folder of the dataset: `path` if given, else the copy shipped in the
    package, else the repository's build/ (editable installs)."""
    if path is not None:
        return Path(path)
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parents[1] / "build"):
        if (candidate / "metadata.json").is_file():
            return candidate
    raise FileNotFoundError("no built dataset found: run `policyframes build` in the repository")


def _verified(folder: Path, name: str) -> Path:
    """A dataset file, after checking it against the checksum manifest."""
    from .manifest import verify

    verify(folder, [name])
    return folder / name


def metadata(path: str | Path | None = None) -> dict[str, Any]:
    """Release metadata of the dataset (version, date, authors, licence, row counts)."""
    return json.loads(_verified(data_dir(path), "metadata.json").read_text(encoding="utf-8"))


def load_codebook(path: str | Path | None = None) -> Codebook:
    """The codebook the dataset was built with."""
    from .codebook import Codebook

    return Codebook.model_validate_json(_verified(data_dir(path), "codebook.json").read_text(encoding="utf-8"))


def table_names(path: str | Path | None = None) -> list[str]:
    """Names of the dataset's tables."""
    return list(metadata(path)["tables"])


def load(table: str = "cases", path: str | Path | None = None) -> pd.DataFrame:
    """One table as a pandas DataFrame, with categorical columns in codebook order.

    The file is checked against build/SHA256SUMS first: a modified dataset raises
    IntegrityError instead of returning wrong data.

    Nominal columns keep the missing codes (not_reported, not_applicable) as categories.
    The ordinal mobilisation_level is an ordered categorical over its levels only, so
    that comparisons such as `df.mobilisation_level >= "campaign_mobilisation"` mean
    what they say; its missing codes become NaN (the code itself is in the Parquet
    file and the codings table).
    """
    folder = data_dir(path)
    names = table_names(folder)
    if table not in names:
        raise ValueError(f"unknown table {table!r}; choose one of {', '.join(names)}")
    import pandas as pd
    import pyarrow.parquet as pq

    data = pq.read_table(_verified(folder, f"{table}.parquet"))
    df = data.to_pandas()
    if table == "cases":
        # Each categorical column carries its level and categories (codebook order) in
        # the Parquet schema; the codebook itself is read as plain JSON, to stay quick.
        missing = [m["code"] for m in json.loads(_verified(folder, "codebook.json").read_text(encoding="utf-8"))["missing_codes"]]
        for field in data.schema:
            if field.metadata is None or b"categories" not in field.metadata:
                continue
            categories = json.loads(field.metadata[b"categories"])
            if field.metadata[b"level"] == b"ordinal":
                levels = [c for c in categories if c not in missing]
                df[field.name] = pd.Categorical(df[field.name].where(df[field.name].isin(levels)), categories=levels, ordered=True)
            else:
                df[field.name] = pd.Categorical(df[field.name], categories=categories)
    return df


def to_hf(path: str | Path | None = None, cache_dir: str | Path | None = None) -> Any:
    """Every table as a Hugging Face Dataset in a DatasetDict keyed by table name.

    Coded columns are ClassLabel features. A fresh cache folder is used unless one is
    given, because `datasets` does not notice when Parquet files change.
    """
    import tempfile

    import datasets

    from .manifest import verify

    folder = data_dir(path)
    names = table_names(folder)
    verify(folder, ["README.md", *(f"{t}.parquet" for t in names)])
    cache = str(cache_dir) if cache_dir is not None else tempfile.mkdtemp(prefix="policyframes-hf-")
    return datasets.DatasetDict(
        {t: datasets.load_dataset(str(folder), t, split="train", cache_dir=cache) for t in names}
    )
