"""Generate a synthetic but valid policyframes repository of any size.

The repository has the real codebook, case template, release metadata, datacard and
source texts, its own coders.yaml (a primary coder c1, a second coder c2 and an
adjudicator a1 who codes no case), plus synthetic source texts and N synthetic cases in
the case-file format of codebook 2.0. Every case is coded twice on every variable: by
c1 in the case file and by c2 in annotations/codings/c2/<case_id>.yaml, a coding file
that records the codebook's version and SHA-256. Values are drawn from what the
codebook allows each variable (its categories and its own missing statuses), with a
runner-up, other_specification for the categories that ask for one, and three verbatim
quotes, whose offsets point at the synthetic sources, for every category that needs
evidence. About one variable in ten is a disagreement, adjudicated by a1 in the case
file. Facts carry a confidence and evidence when reported. Every twentieth case is a
component (parent_case and a part_of relation) of a package, which codes some
variables as coded_in_components. Each case also has a timeline event, and cases are
paired in comparisons. The output is deterministic for a seed.

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

from policyframes.codebook import MISSING, Codebook, Variable

REPO = Path(__file__).resolve().parents[1]
CODEBOOK = "schema/codebook.yaml"
COPIED = (CODEBOOK, "dataset.yaml", "DATACARD.md", "annotations/_template.yaml")
CODERS = ("c1", "c2")  # c1 codes in the case files, c2 in annotations/codings/c2/
ADJUDICATOR = "a1"
CASES_PER_SOURCE = 500
SOURCE_WORDS = 8000
QUOTES_PER_CODING = 3
DISAGREEMENT = 0.1
MISSING_SHARE = 0.15  # share of codings with a missing status (among those the variable allows)
REPORTED_FACTS = 0.3  # share of facts other than the start date that the sources give
COMPONENT_EVERY = 20  # case i with i % 20 == 1 is a component of case i - 1
COMPONENT_UNIT_TYPES = ("package", "governing_style")  # the unit types that have components

_SYLLABLES = "ba chong qing shan hai wen ling hang zhou tax re form land rent city town vil lage mass line coun ty pro vince ad mi nis tra tion".split()
_SPECIAL = ["Chongqing’s", "government’s", "‘red’", "房产税", "“model”", "anti-rich", "cut-off", "state-led", "(2011)", "33%"]
_BREAK = re.compile(r"[ \t]*\n\s*")
_DASH_BREAK = re.compile(r"([-\u2010\u2011\u2013\u2014])[ \t]*\n\s*")
_SPACE = re.compile(r"\s+")

CODERS_YAML = f"""# Coders of this synthetic repository (benchmarks/generate.py).
coders:
  - id: {CODERS[0]}
    role: primary coder
    description: Synthetic primary coding, in the case files.
  - id: {CODERS[1]}
    role: second coder
    description: Synthetic independent coding, in annotations/codings/{CODERS[1]}/.
  - id: {ADJUDICATOR}
    role: adjudicator
    description: Synthetic adjudicator of the disagreements, who codes no case.
"""


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


def _evidence_list(sources: list[Source], rng: random.Random, indent: int, n: int) -> str:
    """The `evidence:` key (at indent - 2) with n quotes from the sources."""
    if not n:
        return f"{' ' * (indent - 2)}evidence: []\n"
    return f"{' ' * (indent - 2)}evidence:\n" + "".join(_evidence(rng.choice(sources), rng, indent) for _ in range(n))


def _sentence(rng: random.Random, vocabulary: list[str], n: int) -> str:
    words = " ".join(rng.choices(vocabulary, k=n))
    return _SPACE.sub(" ", words).replace("-", "")


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1990, 2020)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


class Values:
    """What the codebook allows each coded variable of a case."""

    def __init__(self, cb: Codebook) -> None:
        self.cb = cb
        # The second frame is never the framing itself, and not_reported when the framing is.
        self.second = {v.name: cb.role("framing").name for v in cb.coded if v.name == "framing_secondary"}

    def draw(self, var: Variable, coding: dict[str, str], components: bool, rng: random.Random) -> str:
        """A value of var for one coder whose values so far are `coding`."""
        statuses = [s for s in var.allowed_missing if components or s != "coded_in_components"]
        categories = var.codes
        if var.name in self.second:
            first = coding[self.second[var.name]]
            if first in MISSING:
                return "not_reported"
            categories = [c for c in categories if c != first]
            statuses = []
        if components and "coded_in_components" in statuses and rng.random() < 0.5:
            return "coded_in_components"
        if statuses and rng.random() < MISSING_SHARE:
            return rng.choice(statuses)
        return rng.choice(categories)

    def coding(self, components: bool, rng: random.Random, like: dict[str, str] | None = None) -> dict[str, str]:
        """One coder's values of a case; with `like`, the values of a second coder who
        agrees with that coding except on about one variable in ten."""
        out: dict[str, str] = {}
        for var in self.cb.coded:
            value = self.draw(var, out, components, rng)
            if like is not None and rng.random() >= DISAGREEMENT:
                agreed = like[var.name]
                # the second coder's framing may differ: its second frame follows its own framing
                if var.name not in self.second or self._fits(var, agreed, out):
                    value = agreed
            out[var.name] = value
        return out

    def _fits(self, var: Variable, value: str, coding: dict[str, str]) -> bool:
        first = coding[self.second[var.name]]
        return value == "not_reported" if first in MISSING else value not in (first, "not_reported")


def _coding(var: Variable, value: str, coder: str | None, rng: random.Random, vocabulary: list[str],
            sources: list[Source], adjudication: str | None, indent: int = 2) -> str:
    """One coding of a variable: in a case file (with its coder, and the adjudication
    where the coders disagree) or in a coding file (coder None)."""
    pad = " " * indent
    category = var.category(value)
    specification = _sentence(rng, vocabulary, 4) if category is not None and category.specify else None
    out = [f"{pad}{var.name}:\n{pad}  value: {value}\n"]
    if coder:
        out.append(f"{pad}  coder: {coder}\n")
    if specification is not None or not coder:
        out.append(f"{pad}  other_specification: {specification if specification is not None else 'null'}\n")
    runner_up = rng.choice([*(c for c in var.codes if c != value), "none"])
    out.append(f"{pad}  confidence: {rng.randint(1, 3)}\n{pad}  runner_up: {runner_up}\n"
               f"{pad}  rationale: {_block(_sentence(rng, vocabulary, 20), indent + 4)}\n")
    needs_evidence = category is not None and not category.no_evidence
    out.append(_evidence_list(sources, rng, indent + 4, QUOTES_PER_CODING if needs_evidence else 0))
    if adjudication:
        out.append(f"{pad}  adjudication:\n{pad}    value: {adjudication}\n{pad}    by: {ADJUDICATOR}\n"
                   f"{pad}    rationale: {_block(_sentence(rng, vocabulary, 15), indent + 6)}\n")
    return "".join(out)


def _facts(cb: Codebook, start: str, rng: random.Random, vocabulary: list[str], sources: list[Source]) -> str:
    """The facts of a case: the start date, and the other facts reported now and then."""
    out = ["facts:\n"]
    for var in cb.facts:
        value = start if "start_date" in var.roles else (_sentence(rng, vocabulary, 4) if rng.random() < REPORTED_FACTS else "not_reported")
        if value in MISSING:
            out.append(f"  {var.name}:\n    value: {value}\n")
        else:
            out.append(f"  {var.name}:\n    value: \"{value}\"\n    confidence: {rng.randint(1, 3)}\n")
            out.append(_evidence_list(sources, rng, 6, 1))
    return "".join(out)


def _event(date: str, rng: random.Random, vocabulary: list[str], source: Source) -> str:
    return (f"events:\n  - type: launch\n    date: \"{date}\"\n    description: {_sentence(rng, vocabulary, 8)}\n"
            f"    confidence: {rng.randint(1, 3)}\n    evidence:\n{_evidence(source, rng, 6)}")


def _descriptive(cb: Codebook, i: int, case_id: str, parent: str | None, components: bool, own: list[Source],
                 rng: random.Random) -> str:
    """The descriptive variables of case number i, by their roles and declarations."""
    out = []
    for var in cb.variables:
        if var.kind != "descriptive":
            continue
        roles = set(var.roles)
        if "id" in roles:
            value = case_id
        elif "title" in roles:
            value = f"Synthetic case {i}"
        elif "title_zh" in roles:
            value = f"合成案例{i}"
        elif "locality" in roles:
            value = f"Locality {i % 997}"
        elif "parent" in roles:
            value = parent if parent is not None else "null"
        elif "sources" in roles:
            value = f"[{', '.join(s.source_id for s in own)}]"
        elif "unit_type" in roles and components:
            value = rng.choice(COMPONENT_UNIT_TYPES)
        elif var.nullable and rng.random() < 0.1:
            value = "null"
        elif var.categories:
            value = rng.choice(var.codes)
        else:
            value = f"{var.label} {i % 31}"
        out.append(f"{var.name}: {value}\n")
    return "".join(out)


def generate(root: Path, n_cases: int, seed: int = 1) -> None:
    """Write a synthetic repository with n_cases cases into root (which must not exist)."""
    rng = random.Random(seed)
    raw_codebook = (REPO / CODEBOOK).read_bytes()
    cb = Codebook.model_validate(yaml.safe_load(raw_codebook.decode("utf-8")))
    sha256 = hashlib.sha256(raw_codebook).hexdigest()
    values = Values(cb)
    coded = cb.coded
    (root / "annotations/cases").mkdir(parents=True)
    (root / f"annotations/codings/{CODERS[1]}").mkdir(parents=True)
    for rel in COPIED:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, root / rel)
    (root / "annotations/coders.yaml").write_text(CODERS_YAML, encoding="utf-8")
    shutil.copytree(REPO / "annotations/sources", root / "annotations/sources")

    vocabulary = _vocabulary(rng)
    sources = [Source(f"synthetic-{i:04d}", rng, vocabulary) for i in range(max(3, n_cases // CASES_PER_SOURCE))]
    meta = (root / "annotations/sources/sources.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n"
    for src in sources:
        raw = src.text.encode("utf-8")
        (root / f"annotations/sources/{src.source_id}.txt").write_bytes(raw)
        meta += (f"\n  - source_id: {src.source_id}\n    kind: academic\n    file: {src.source_id}.txt\n    title: Synthetic source {src.source_id}\n"
                 f"    authors: [Synthetic Author]\n    venue: Synthetic venue\n    date: \"2020\"\n    language: en\n    genre: essay\n"
                 f"    url: null\n    licence: CC-BY-4.0\n    full_text_included: true\n"
                 f"    sha256: {hashlib.sha256(raw).hexdigest()}\n    notes: Generated for benchmarks.\n")
    (root / "annotations/sources/sources.yaml").write_text(meta, encoding="utf-8")

    ids = [f"case-{i:06d}" for i in range(n_cases)]
    final: dict[str, dict[str, str]] = {}
    for i, case_id in enumerate(ids):
        parent = ids[i - 1] if i % COMPONENT_EVERY == 1 else None
        components = i % COMPONENT_EVERY == 0 and i + 1 < n_cases  # case i + 1 names it as its parent
        own = rng.sample(sources, 2)
        date = _date(rng)
        first = values.coding(components, rng)
        second = values.coding(components, rng, like=first)
        # The adjudicator sides with one coder on every disagreement of the case, so the
        # final values are one coder's consistent coding.
        winner = rng.choice((first, second))
        final[case_id] = {dim: winner[dim] for dim in first}
        head = [_descriptive(cb, i, case_id, parent, components, own, rng), "\n", _facts(cb, date, rng, vocabulary, own), "\ncodes:\n"]
        codes = [_coding(var, first[var.name], CODERS[0], rng, vocabulary, own,
                         winner[var.name] if second[var.name] != first[var.name] else None) for var in coded]
        event = "\n" + _event(date, rng, vocabulary, own[0])
        (root / f"annotations/cases/{case_id}.yaml").write_text("".join(head + codes) + event, encoding="utf-8")
        other = [f"case_id: {case_id}\ncoder: {CODERS[1]}\ncodebook_version: \"{cb.codebook_version}\"\n"
                 f"codebook_sha256: {sha256}\ncodes:\n"]
        other += [_coding(var, second[var.name], None, rng, vocabulary, own, None) for var in coded]
        other += [_facts(cb, date, rng, vocabulary, own), _event(date, rng, vocabulary, own[1])]
        (root / f"annotations/codings/{CODERS[1]}/{case_id}.yaml").write_text("".join(other), encoding="utf-8")

    relations = ["relations:\n"]
    for i in range(1, n_cases, COMPONENT_EVERY):
        relations.append(f"  - from: {ids[i]}\n    type: part_of\n    to: {ids[i - 1]}\n    confidence: {rng.randint(1, 3)}\n"
                         f"    rationale: {_sentence(rng, vocabulary, 10)}\n    evidence:\n{_evidence(rng.choice(sources), rng, 6)}")
    (root / "annotations/relations.yaml").write_text("".join(relations) if len(relations) > 1 else "relations: []\n", encoding="utf-8")
    comparisons = ["comparisons:\n"]
    for i in range(0, n_cases - 1, 100):
        a, b = ids[i], ids[i + 1]
        comparisons.append(f"  - id: comparison-{i:06d}\n    cases: [{a}, {b}]\n    reason: {_sentence(rng, vocabulary, 10)}\n    summary: {_sentence(rng, vocabulary, 10)}\n    dimensions:\n")
        for var in coded:
            va, vb = final[a][var.name], final[b][var.name]
            contrast = "not_comparable" if va in MISSING or vb in MISSING else "same" if va == vb else "different"
            comparisons.append(f"      {var.name}:\n        contrast: {contrast}\n        statement: {_sentence(rng, vocabulary, 10)}\n")
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
