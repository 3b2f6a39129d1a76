"""Memory: a table is framed without holding its rows twice, and validation hands the
rows over to the framing."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pytest

from conftest import ROOT
from policyframes import validation
from policyframes.annotations import load_annotations
from policyframes.tables import assemble, frame


@pytest.fixture
def pool() -> Iterator[pa.MemoryPool]:
    """A memory pool of its own, which records its peak, as the default pool."""
    earlier = pa.default_memory_pool()
    own = pa.proxy_memory_pool(earlier)
    pa.set_memory_pool(own)
    yield own
    pa.set_memory_pool(earlier)


def test_framing_holds_the_rows_once(pool: pa.MemoryPool) -> None:
    """Combining the chunks column by column, each freed once combined, needs about one
    column more than the rows (combining the whole table at once needs the rows twice)."""
    n, columns = 20_000, 4
    chunks = [pa.table({f"c{j}": pa.array([f"{k}-{i}-{j}" * 8 for i in range(n)]) for j in range(columns)}) for k in range(10)]
    expected = pa.concat_tables(chunks).to_pylist()[:: n // 2]
    held = pool.bytes_allocated()
    df = frame(chunks)
    assert chunks == []
    assert len(df) == 10 * n and df.iloc[:: n // 2].to_dict("records") == expected
    assert pool.max_memory() - held < 0.5 * held  # at most a column or two beyond the rows, not the rows again


def test_validation_hands_the_rows_over() -> None:
    """The tables framed from rows that the annotations hand over equal those framed from
    rows the annotations keep; only the cases rows (the checks' context) stay with them."""
    kept, handed = load_annotations(ROOT), load_annotations(ROOT)
    expected = assemble(kept)
    tables = validation._assemble_all(handed)
    assert set(handed.rows) == {"cases"} and set(kept.rows) > {"cases"}
    for name, table in expected.as_dict().items():
        assert table.equals(tables.as_dict()[name]), name
