"""Generate a synthetic but valid policyframes repository of any size.

The repository has the real codebook, release metadata, datacard, coders and source
texts (the codebook's examples quote them), plus synthetic source texts and N synthetic
cases. Every case is coded on every dimension by two coders (c1 in the case file, c2 in
annotations/codings/c2/), each value with three verbatim quotes whose offsets point at
the synthetic sources; about one dimension in ten is a disagreement, adjudicated in the
case file. Each case also has a dated start, one timeline event, and the cases are
linked by relations and paired comparisons. The output is deterministic for a seed.

    python benchmarks/generate.py OUT_DIR N_CASES
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
COPIED = ("schema/codebook.yaml", "dataset.yaml", "DATACARD.md", "annotations/coders.yaml")
CASES_PER_SOURCE = 500
SOURCE_WORDS = 8000
QUOTES_PER_CODING = 3
DISAGREEMENT = 0.1

_SYLLABLES = "ba chong qing shan hai wen ling hang zhou tax re form land rent city town vil lage mass line coun ty pro vince ad mi nis tra tion".split()
_SPECIAL = ["Chongqing’s", "government’s", "‘red’", "房产税", "“model”", "anti-rich", "cut-off", "state-led", "(2011)", "33%"]
_BREAK = re.compile(r"[ \t]*\n\s*")
_DASH_BREAK = re.compile(r"([-\u2010\u2011\u2013\u2014])[ \t]*\n\s*")
_SPACE = re.compile(r"\s+")


class Source:
    """A synthetic source text with the offsets of its words."""

    def __init__(self, source_id: str, rng: random.Random, vocabulary: list[str]) -> None:
        self.source_id = source_id
        words = rng.choices(vocabulary, k=SOURCE_WORDS)
        parts, starts, ends, pos, width = [], [], [], 0, 0
        for i, word in enumerate(words):
            if i:
                # Lines of about 80 characters; a compound may break after its hyphen.
                if "-" in word and width > 60:
                    head, tail = word.split("-", 1)
                    word = f"{head}-\n{tail}"
                    width = len(tail)
                    sep = " "
                elif width > 80:
                    sep, width = "\n", 0
                else:
                    sep = " "
                parts.append(sep)
                pos += len(sep)
            starts.append(pos)
            parts.append(word)
            pos += len(word)
            ends.append(pos)
            width += len(word) + 1
        self.text = "".join(parts) + "\n"
        self.starts, self.ends = starts, ends

    def quote(self, rng: random.Random) -> tuple[int, int, str]:
        """A random passage: (start, end, the passage folded for a YAML block)."""
        n = rng.randint(10, 30)
        first = rng.randrange(len(self.starts) - n)
        start, end = self.starts[first], self.ends[first + n - 1]
        return start, end, _BREAK.sub("\n", _DASH_BREAK.sub(r"\1", self.text[start:end]))


def _vocabulary(rng: random.Random) -> list[str]:
    words = {"".join(rng.choices(_SYLLABLES, k=rng.randint(1, 3))) for _ in range(3000)}
    return sorted(words) + _SPECIAL * 20


def _block(text: str, indent: int) -> str:
    """A folded block scalar (>-) with the given indentation, one source line per line."""
    pad = " " * indent
    return ">-\n" + "\n".join(pad + line for line in text.split("\n"))


def _evidence(source: Source, rng: random.Random, indent: int) -> str:
    start, end, text = source.quote(rng)
    pad = " " * indent
    attribution = rng.choice(("author_analysis", "government_statement", "official_interviewed", "media_report"))
    return (f"{pad}- source: {source.source_id}\n{pad}  quote: {_block(text, indent + 4)}\n"
            f"{pad}  attribution: {attribution}\n{pad}  start: {start}\n{pad}  end: {end}\n")


def _sentence(rng: random.Random, vocabulary: list[str], n: int) -> str:
    words = " ".join(rng.choices(vocabulary, k=n))
    return _SPACE.sub(" ", words).replace("-", "")


def _coding(dim: str, value: str, coder: str | None, rng: random.Random, vocabulary: list[str],
            sources: list[Source], adjudication: str | None) -> str:
    out = [f"  {dim}:\n    value: {value}\n"]
    if coder:
        out.append(f"    coder: {coder}\n")
    out.append(f"    confidence: {rng.randint(1, 3)}\n    rationale: {_block(_sentence(rng, vocabulary, 20), 6)}\n    evidence:\n")
    out += [_evidence(rng.choice(sources), rng, 6) for _ in range(QUOTES_PER_CODING)]
    if adjudication:
        out.append(f"    adjudication:\n      value: {adjudication}\n      by: c1\n"
                   f"      rationale: {_block(_sentence(rng, vocabulary, 15), 8)}\n")
    return "".join(out)


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1990, 2020)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def generate(root: Path, n_cases: int, seed: int = 1) -> None:
    """Write a synthetic repository with n_cases cases into root (which must not exist)."""
    rng = random.Random(seed)
    codebook = yaml.safe_load((REPO / "schema/codebook.yaml").read_text(encoding="utf-8"))
    coded = {v["name"]: [c["code"] for c in v["categories"]] for v in codebook["variables"] if v["kind"] == "coded"}
    descriptive = {v["name"]: [c["code"] for c in v["categories"]] for v in codebook["variables"]
                   if v["kind"] == "descriptive" and v.get("categories")}
    (root / "annotations/cases").mkdir(parents=True)
    (root / "annotations/codings/c2").mkdir(parents=True)
    for rel in COPIED:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, root / rel)
    shutil.copytree(REPO / "annotations/sources", root / "annotations/sources")

    vocabulary = _vocabulary(rng)
    sources = [Source(f"synthetic-{i:04d}", rng, vocabulary) for i in range(max(3, n_cases // CASES_PER_SOURCE))]
    meta = (root / "annotations/sources/sources.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n"
    for src in sources:
        raw = src.text.encode("utf-8")
        (root / f"annotations/sources/{src.source_id}.txt").write_bytes(raw)
        meta += (f"\n  - source_id: {src.source_id}\n    file: {src.source_id}.txt\n    title: Synthetic source {src.source_id}\n"
                 f"    authors: [Synthetic Author]\n    venue: Synthetic venue\n    date: \"2020\"\n    genre: essay\n"
                 f"    url: null\n    licence: CC-BY-4.0\n    full_text_included: true\n"
                 f"    sha256: {hashlib.sha256(raw).hexdigest()}\n    notes: Generated for benchmarks.\n")
    (root / "annotations/sources/sources.yaml").write_text(meta, encoding="utf-8")

    final: dict[str, dict[str, str]] = {}
    for i in range(n_cases):
        case_id = f"case-{i:06d}"
        own = rng.sample(sources, 2)
        date = _date(rng)
        c1 = {dim: rng.choice(codes) for dim, codes in coded.items()}
        c2 = {dim: (rng.choice([c for c in codes if c != c1[dim]]) if rng.random() < DISAGREEMENT else c1[dim])
              for dim, codes in coded.items()}
        final[case_id] = c1
        head = [
            f"case_id: {case_id}\nname_en: Synthetic case {i}\nname_zh: 合成案例{i}\nlocality: Locality {i % 997}\n",
            f"province: Province {i % 31}\n",
            *(f"{name}: {rng.choice(codes)}\n" for name, codes in descriptive.items()),
            f"sources: [{', '.join(s.source_id for s in own)}]\n\n",
            f"start_date:\n  value: \"{date}\"\n  evidence:\n{_evidence(own[0], rng, 4)}",
            "initiator:\n  value: not_reported\nlead_agency:\n  value: not_reported\n\ncodes:\n",
        ]
        codes = [_coding(dim, c1[dim], "c1", rng, vocabulary, own, c1[dim] if c2[dim] != c1[dim] else None) for dim in coded]
        event = (f"\nevents:\n  - type: launch\n    date: \"{date}\"\n    description: {_sentence(rng, vocabulary, 8)}\n"
                 f"    evidence:\n{_evidence(own[0], rng, 6)}")
        (root / f"annotations/cases/{case_id}.yaml").write_text("".join(head + codes) + event, encoding="utf-8")
        other = [f"case_id: {case_id}\ncoder: c2\ncodes:\n"]
        other += [_coding(dim, c2[dim], None, rng, vocabulary, own, None) for dim in coded]
        (root / f"annotations/codings/c2/{case_id}.yaml").write_text("".join(other), encoding="utf-8")

    ids = sorted(final)
    relations = ["relations:\n"]
    for i in range(1, n_cases, 20):
        relations.append(f"  - from: {ids[i]}\n    type: part_of\n    to: {ids[i - 1]}\n"
                         f"    rationale: {_sentence(rng, vocabulary, 10)}\n    evidence:\n{_evidence(rng.choice(sources), rng, 6)}")
    (root / "annotations/relations.yaml").write_text("".join(relations) if len(relations) > 1 else "relations: []\n", encoding="utf-8")
    comparisons = ["comparisons:\n"]
    for i in range(0, n_cases - 1, 100):
        a, b = ids[i], ids[i + 1]
        comparisons.append(f"  - id: comparison-{i:06d}\n    cases: [{a}, {b}]\n    summary: {_sentence(rng, vocabulary, 10)}\n    dimensions:\n")
        for dim in coded:
            contrast = "same" if final[a][dim] == final[b][dim] else "different"
            comparisons.append(f"      {dim}:\n        contrast: {contrast}\n        statement: {_sentence(rng, vocabulary, 10)}\n")
    (root / "annotations/comparisons.yaml").write_text("".join(comparisons) if len(comparisons) > 1 else "comparisons: []\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", type=Path, help="folder to create")
    p.add_argument("cases", type=int, help="number of cases")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    generate(args.out, args.cases, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
