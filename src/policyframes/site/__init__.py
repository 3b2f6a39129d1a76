"""The dataset as a static web site (build/site/): the coding matrix, a page per case,
per paired comparison and per source, and the codebook.

Plain files that open from disk or any static host, with no request outside the site.
Everything is derived from a narrow input (data.SiteInput: the codebook, the release, the
tables, the coders and the stored texts), which a build folder supplies (the build makes
the site from the files it has just written), looked up once (lookups), and
rendered by one module per kind of page (home, case, comparison, source, codebook_page,
about), with the pieces they share (html, fragments). From any cell of the matrix, two
clicks reach the highlighted source passage behind the code: the cell opens the case's
section for that dimension, whose quotes link to the source page at the passage.
"""

from __future__ import annotations

from .data import SiteInput
from .lookups import Lookups
from .write import site_files, write_site

__all__ = ["Lookups", "SiteInput", "site_files", "write_site"]
