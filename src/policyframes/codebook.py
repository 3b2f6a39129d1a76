"""The codebook (schema/codebook.yaml): variables, categories and their rules."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from .problems import LocatedError

MISSING = ("not_reported", "not_applicable")
TABLES = ("cases", "codings", "adjudications", "evidence", "sources", "comparisons", "relations", "timeline")

# Variables the build relies on by name (with their kind), and the derived variables it
# knows how to compute.
REQUIRED_VARIABLES = {"case_id": "descriptive", "sources": "descriptive", "start_date": "fact", "framing": "coded"}
DERIVED_VARIABLES = ("start_date_precision", "start_date_earliest", "start_date_latest", "framing_pfc")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Example(_Strict):
    source: str
    quote: str


class Category(_Strict):
    code: str
    label: str
    definition: str
    decision_rule: str | None = None
    pfc: str | None = None
    example: Example | None = None


class MissingCode(_Strict):
    code: Literal["not_reported", "not_applicable"]
    label: str
    definition: str
    decision_rule: str


class Attribution(_Strict):
    code: str
    label: str
    definition: str


class ConfidenceLevel(_Strict):
    level: int
    label: str
    definition: str


class PfcFrame(_Strict):
    code: str
    number: int
    label: str


class RelationType(_Strict):
    code: str
    label: str
    target: Literal["case", "centre"]
    definition: str
    decision_rule: str


class EventType(_Strict):
    code: str
    label: str
    definition: str


class Rule(_Strict):
    id: str
    rule: str


class Variable(_Strict):
    name: str
    label: str
    kind: Literal["descriptive", "fact", "coded", "derived"]
    level: Literal["identifier", "text", "date", "nominal", "ordinal"]
    description: str
    categories: tuple[Category, ...] = ()
    derived_from: str | None = None
    applies_when: str | None = None

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.categories]


class Column(_Strict):
    name: str
    type: Literal["string", "int8", "int16", "int32", "bool", "date", "list_string"]
    description: str


class Table(_Strict):
    description: str
    columns: tuple[Column, ...] = ()


class Codebook(_Strict):
    """The parsed codebook, checked for internal consistency."""

    codebook_version: str
    title: str
    description: str
    general_rules: tuple[Rule, ...]
    missing_codes: tuple[MissingCode, ...]
    confidence: tuple[ConfidenceLevel, ...]
    attributions: tuple[Attribution, ...]
    pfc_frames: tuple[PfcFrame, ...]
    relation_types: tuple[RelationType, ...]
    event_types: tuple[EventType, ...]
    variables: tuple[Variable, ...]
    tables: dict[str, Table]
    quote_normalisation: str

    @model_validator(mode="after")
    def _consistent(self) -> Codebook:
        by_name: dict[str, Variable] = {}
        for i, var in enumerate(self.variables):
            if var.name in by_name:
                raise LocatedError(("variables", i, "name"), f"duplicate variable name {var.name!r}")
            by_name[var.name] = var
        for name, kind in REQUIRED_VARIABLES.items():
            if name not in by_name or by_name[name].kind != kind:
                raise LocatedError(("variables",), f"the build needs the {kind} variable {name!r}")
        pfc = {f.code for f in self.pfc_frames}
        for i, var in enumerate(self.variables):
            at: tuple[str | int, ...] = ("variables", i)
            codes = var.codes
            if len(set(codes)) != len(codes) or set(codes) & set(MISSING):
                raise LocatedError(at + ("categories",), f"{var.name}: category codes must be unique and not missing codes")
            if var.level in ("nominal", "ordinal") and not codes and var.name != "framing_pfc":
                raise LocatedError(at + ("level",), f"{var.name}: a {var.level} variable needs categories")
            if var.kind == "derived" and var.name not in DERIVED_VARIABLES:
                raise LocatedError(at + ("name",), f"the build computes no derived variable {var.name!r}; "
                                   f"derived variables are {', '.join(DERIVED_VARIABLES)}")
            for j, cat in enumerate(var.categories):
                where = at + ("categories", j)
                if var.kind == "coded" and not (cat.decision_rule and cat.example):
                    raise LocatedError(where, f"{var.name}.{cat.code}: needs a decision_rule and an example")
                if (cat.pfc is not None) != (var.name == "framing") or (cat.pfc and cat.pfc not in pfc):
                    raise LocatedError(where + (("pfc",) if cat.pfc else ()),
                                       f"{var.name}.{cat.code}: pfc crosswalk must name a pfc_frames code, on framing only")
        if set(self.tables) != set(TABLES):
            raise LocatedError(("tables",), f"tables must describe {', '.join(TABLES)}")
        return self

    def variable(self, name: str) -> Variable:
        return self._by_name[name]

    @cached_property
    def _by_name(self) -> dict[str, Variable]:
        return {v.name: v for v in self.variables}

    @cached_property
    def coded(self) -> list[Variable]:
        """The coded dimensions, in codebook order."""
        return [v for v in self.variables if v.kind == "coded"]

    @cached_property
    def facts(self) -> list[Variable]:
        """The evidence-backed fact variables."""
        return [v for v in self.variables if v.kind == "fact"]

    def allowed(self, name: str) -> list[str]:
        """Every value a categorical variable may take, in codebook order."""
        var = self.variable(name)
        if name == "framing_pfc":
            return [f.code for f in self.pfc_frames] + list(MISSING)
        if var.kind == "descriptive":
            return var.codes
        return var.codes + list(MISSING)

    @cached_property
    def categorical(self) -> list[Variable]:
        """Variables of the cases table whose values come from a closed list."""
        return [v for v in self.variables if v.level in ("nominal", "ordinal")]

    @cached_property
    def attribution_codes(self) -> list[str]:
        return [a.code for a in self.attributions]

    def relation_target(self, code: str) -> str:
        """Whether a relation type points at a case or at the centre."""
        return next(r.target for r in self.relation_types if r.code == code)

    def pfc_of(self, framing: str) -> str:
        """Crosswalk a framing code to its Policy Frames Codebook dimension."""
        if framing in MISSING:
            return framing
        return next(c.pfc for c in self.variable("framing").categories if c.code == framing)


def read_codebook(path: Path) -> Codebook:
    """Read and check a codebook YAML file (raises YamlError or ValidationError)."""
    from .yamlsafe import load_file

    return Codebook.model_validate(load_file(path))
