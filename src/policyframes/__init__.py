"""policyframes: how Chinese local governments frame and carry out policy experiments.

    import policyframes
    cases = policyframes.load("cases")      # pandas DataFrame
    print(policyframes.cite())              # BibTeX

Modules, by stage. Imports run one way, core <- read <- tables <- check <- publish, and
the use side imports nothing but core (tests/test_layers.py reads this map):

    stage    module       what it does
    core     problems     a located problem and its stable code; the list of codes
    core     layout       where things live in a repository
    core     meta         the release metadata (dataset.yaml)
    core     codebook     the codebook: variables, roles, categories and their consistency
    core     manifest     the checksum manifest of a build
    core     citation     BibTeX, APA and CITATION.cff from the release metadata
    core     yamlsafe     safe YAML with the line of every key
    core     stamps       how a file was last seen, the code's digest, sealed entries of the cache folder
    core     memory       freed memory given back to the system between stages
    read     records      parsed YAML checked against a record model, as located problems
    read     models       the record models, generated from the codebook
    read     textmatch    quote normalisation and matching
    read     quotes       each quote checked against its source text and the codebook's examples
    read     rows         a record's rows of the tables, with their provenance
    read     cache        what reading unchanged case and coding files gave, kept between runs
    read     annotations  every file of a repository read and checked, in parallel chunks
    read     locate       the one command that writes into the annotations (offsets)
    tables   tables       records -> tables, a pure function
    check    checks       the table rules, one code each
    check    rechecks     the table checks of the last validation, kept by file
    check    validation   a repository read, assembled and checked
    check    verdict      the last validation's verdict, kept while nothing it read changed
    publish  export       Parquet with the codebook's categories, and its tables read back
    publish  csvexport    CSV
    publish  stata        Stata
    publish  markdown     Markdown tables for the generated documents
    publish  descriptives distributions, cross-tabulations and evidence by kind
    publish  docs         CODEBOOK.md, the JSON Schema, the datacard blocks, the dataset card
    publish  croissant    the Croissant description
    publish  datapackage  the Frictionless Data Package
    publish  reliability  agreement and Krippendorff's alpha
    publish  palette      the colours of the codes
    publish  figure       the coding matrix as SVG and PNG
    publish  passages     cited passages marked up in a source text
    publish  fonts        the site's Chinese font (a shipped subset) and its CSS
    publish  site         the static site, made from a build folder (a subpackage, one renderer per page)
    publish  writers      the registry of output formats and the dataset they write
    publish  kit          a blind coding packet for an outside coder
    publish  build        validate, then write build/ and the generated documents, atomically
    use      loader       load(), cite(), to_hf() on a published build
    use      diff         what changed between two builds
    use      serve        the local web server for the site
    cli      cli          the `policyframes` command
    cli      __init__     the public API, loaded lazily
"""

from __future__ import annotations

from typing import Any

__all__ = ["load", "load_codebook", "cite", "to_hf", "metadata", "table_names", "__version__"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `import policyframes` stays fast.
    if name in ("load", "load_codebook", "cite", "to_hf", "metadata", "table_names"):
        from . import loader

        return getattr(loader, name)
    if name == "__version__":
        from importlib.metadata import version

        return version("policyframes")
    raise AttributeError(f"module 'policyframes' has no attribute {name!r}")
