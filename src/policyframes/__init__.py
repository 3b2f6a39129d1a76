"""policyframes: how Chinese local governments frame and carry out policy experiments.

    import policyframes
    cases = policyframes.load("cases")      # pandas DataFrame
    print(policyframes.cite())              # BibTeX
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
