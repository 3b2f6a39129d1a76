"""How heavy the site's pages get as the dataset grows: generates synthetic repositories
(benchmarks/generate.py), renders their sites in memory and prints, for each size, the
bytes of the home page, the search index (all its parts, and the largest part) and the
largest case page, with the ratio of the home page to the 500 KB a phone reader should
not have to download.

    python benchmarks/page_weight.py 1000 10000 > benchmarks/results/page_weight.md
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate  # noqa: E402

from policyframes.site import Lookups, SiteInput  # noqa: E402
from policyframes.site.about import search_index  # noqa: E402
from policyframes.site.case import case_page  # noqa: E402
from policyframes.site.home import home  # noqa: E402
from policyframes.validation import validate  # noqa: E402

HOME_LIMIT = 500_000  # bytes


def weights(n_cases: int) -> tuple[int, int, int, int]:
    """(home page, search index, its largest part, largest case page) in bytes of UTF-8, for n_cases cases."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "synthetic"
        generate(root, n_cases)
        site = Lookups(SiteInput.of(validate(root)))
        first = len(home(site).encode("utf-8"))
        parts = [len(part.encode("utf-8")) for part in search_index(site)]
        largest = max(len(case_page(site, case).encode("utf-8")) for case in site.cases)
    return first, sum(parts), max(parts), largest


def main(sizes: list[int]) -> None:
    print("# Page weight of the site\n")
    print(f"Command: `python benchmarks/page_weight.py {' '.join(map(str, sizes))}` (synthetic datasets of benchmarks/generate.py). "
          "Bytes of UTF-8 as the build writes them; the target for the home page is 500 KB.\n")
    print("| cases | home page KB | home / 500 KB | search index KB (all parts) | largest part KB | largest case page KB |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        first, index, part, largest = weights(n)
        print(f"| {n:,} | {first / 1000:,.0f} | {first / HOME_LIMIT:.2f} | {index / 1000:,.0f} | {part / 1000:,.0f} | {largest / 1000:,.0f} |",
              flush=True)


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [1000, 10000])
