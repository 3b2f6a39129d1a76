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
    """Release metadata of the dataset (version, date, authors, licence, description,
    keywords, the coders and what each is, row counts)."""
    return json.loads(_verified(data_dir(path), "metadata.json").read_text(encoding="utf-8"))


def load_codebook(path: str | Path | None = None) -> Codebook:
    """The codebook the dataset was built with."""
    from .codebook import Codebook

    return Codebook.model_validate_json(_verified(data_dir(path), "codebook.json").read_text(encoding="utf-8"))


def cite(format: str = "bibtex", path: str | Path | None = None) -> str:
    """The citation of the dataset, as BibTeX (default), APA or CSL-JSON ("csl-json"); it
    carries a link (the DOI, else the repository) once dataset.yaml gives one."""
    from .citation import FORMATS

    if format not in FORMATS:
        raise ValueError(f"unknown citation format {format!r}; choose {', '.join(FORMATS)}")
    return FORMATS[format](metadata(path))


def table_names(path: str | Path | None = None) -> list[str]:
    """Names of the dataset's tables."""
    return list(metadata(path)["tables"])


def load(table: str = "cases", path: str | Path | None = None) -> pd.DataFrame:
    """One table as a pandas DataFrame, with categorical columns in codebook order.

    The file is checked against build/SHA256SUMS first: a modified dataset raises
    IntegrityError instead of returning wrong data.

    Categorical columns are stored as categoricals over the codebook's full category
    list, so `pd.read_parquet` gives the same types. Nominal columns keep the missing
    statuses (not_reported, not_applicable, coded_in_components) as categories. An
    ordinal variable such as mobilisation_level is an ordered categorical over its
    levels only, so that `df.mobilisation_level >= "open"` means what it says; where it
    is missing, it is NaN and its status is in the companion column
    `mobilisation_level_status`.

    Cases are not all independent units: a package's components are cases of their own
    beside it. Count `cases[cases.parent_case.isna()]`, or the components instead of
    their package, never both (`unit_type` says what each case is).
    """
    folder = data_dir(path)
    names = table_names(folder)
    if table not in names:
        raise ValueError(f"unknown table {table!r}; choose one of {', '.join(names)}")
    import pyarrow.parquet as pq

    return pq.read_table(_verified(folder, f"{table}.parquet")).to_pandas()


def to_hf(path: str | Path | None = None, cache_dir: str | Path | None = None) -> Any:
    """Every table as a Hugging Face Dataset in a DatasetDict keyed by table name.

    Coded columns are ClassLabel features. A fresh cache folder is used unless one is
    given, because `datasets` does not notice when Parquet files change.
    """
    import tempfile

    try:
        import datasets
    except ModuleNotFoundError:
        raise ModuleNotFoundError("to_hf() needs the Hugging Face datasets library: pip install 'policyframes[hf]'",
                                  name="datasets") from None

    from .manifest import verify

    folder = data_dir(path)
    names = table_names(folder)
    verify(folder, ["README.md", *(f"{t}.parquet" for t in names), *(f"hf/{t}.parquet" for t in names if (folder / "hf" / f"{t}.parquet").exists())])
    cache = str(cache_dir) if cache_dir is not None else tempfile.mkdtemp(prefix="policyframes-hf-")
    return datasets.DatasetDict(
        {t: datasets.load_dataset(str(folder), t, split="train", cache_dir=cache) for t in names}
    )
