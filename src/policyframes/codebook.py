"""The codebook (schema/codebook.yaml): variables, categories and their rules."""

from __future__ import annotations

from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from .problems import LocatedError

MISSING = ("not_reported", "not_applicable", "coded_in_components")
TABLES = ("cases", "codings", "adjudications", "evidence", "sources", "comparisons", "relations", "timeline", "facts",
          "coded_events", "coded_relations", "units", "tax_design", "conflicts")
TERM_LISTS = ("evidence_kinds", "source_kinds", "tax_parameters")  # closed lists a table column may take its values from

# Roles the build relies on (each held by one variable of the codebook, found by its
# role, never by its name), with the kind of variable that may hold each, and the
# derived variables it knows how to compute.
BUILD_ROLES = {
    "id": "descriptive", "title": "descriptive", "title_zh": "descriptive", "title_zh_origin": "descriptive",
    "locality": "descriptive", "policy_type": "descriptive", "unit_type": "descriptive", "parent": "descriptive",
    "sources": "descriptive", "start_date": "fact", "framing": "coded",
}
DERIVED_VARIABLES = ("start_date_precision", "start_date_earliest", "start_date_latest", "framing_pfc")
STATUS_SUFFIX = "_status"  # companion column of an ordinal variable: its missing status


class CodebookError(LocatedError):
    """An inconsistency of the codebook, at the path `loc` in schema/codebook.yaml."""

    def __init__(self, loc: tuple[Any, ...], message: str) -> None:
        super().__init__(loc, message, "codebook.invalid")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Example(_Strict):
    """An illustration of a category: constructed, never a passage of a coded case."""

    text: str
    kind: Literal["constructed"]


class Category(_Strict):
    code: str
    label: str
    definition: str
    decision_rule: str | None = None
    boundary: str | None = None
    pfc: str | None = None
    pfc_rationale: str | None = None
    example: Example | None = None
    no_evidence: bool = False  # a value that rests on the absence of something needs no evidence
    specify: bool = False  # the residual category: the coder says what it is in other_specification


class MissingCode(_Strict):
    code: Literal["not_reported", "not_applicable", "coded_in_components"]
    label: str
    definition: str
    decision_rule: str


class Reference(_Strict):
    key: str
    text: str


class Role(_Strict):
    code: str
    level: Literal["identifier", "text", "date", "nominal", "ordinal"]
    description: str


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


class Term(_Strict):
    """A category of a closed list outside the variables (evidence kinds, source kinds, tax parameters)."""

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
    type: Literal["string", "list_string", "date"] = "string"
    nullable: bool = False
    roles: tuple[str, ...] = ()
    description: str
    theory: str | None = None
    references: tuple[str, ...] = ()
    categories: tuple[Category, ...] = ()
    categories_from: str | None = None  # share another variable's categories ...
    extra_categories: tuple[Category, ...] = ()  # ... followed by these
    missing: dict[str, str] = {}  # missing status -> when it applies; only these are allowed
    derived_from: str | None = None
    applies_when: str | None = None

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.categories]

    @property
    def is_categorical(self) -> bool:
        return self.level in ("nominal", "ordinal")

    @property
    def allowed_missing(self) -> list[str]:
        """The missing statuses the variable may take, in codebook order (a fact only
        not_reported, a descriptive variable none)."""
        if self.kind == "fact":
            return ["not_reported"]
        return [m for m in MISSING if m in self.missing]

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)


class Column(_Strict):
    name: str
    type: Literal["string", "int8", "int16", "int32", "bool", "date", "list_string"]
    description: str
    categories: Literal["evidence_kinds", "source_kinds", "tax_parameters"] | None = None  # a closed list of the codebook


class Table(_Strict):
    description: str
    columns: tuple[Column, ...] = ()


class Codebook(_Strict):
    """The parsed codebook, checked for internal consistency."""

    codebook_version: str
    codings_valid_from: tuple[str, ...] = ()  # earlier versions with the same variables: their codings still enter the dataset
    title: str
    description: str
    general_rules: tuple[Rule, ...]
    references: tuple[Reference, ...] = ()
    missing_codes: tuple[MissingCode, ...]
    confidence: tuple[ConfidenceLevel, ...]
    attributions: tuple[Attribution, ...]
    pfc_frames: tuple[PfcFrame, ...]
    relation_types: tuple[RelationType, ...]
    event_types: tuple[EventType, ...]
    evidence_kinds: tuple[Term, ...]
    source_kinds: tuple[Term, ...]
    tax_parameters: tuple[Term, ...]
    roles: tuple[Role, ...]
    variables: tuple[Variable, ...]
    tables: dict[str, Table]
    quote_normalisation: str

    @model_validator(mode="after")
    def _consistent(self) -> Codebook:
        by_name: dict[str, Variable] = {}
        for i, var in enumerate(self.variables):
            if var.name in by_name:
                raise CodebookError(("variables", i, "name"), f"duplicate variable name {var.name!r}")
            by_name[var.name] = var
        object.__setattr__(self, "variables", tuple(self._resolved(var, by_name, i) for i, var in enumerate(self.variables)))
        self._check_roles()
        pfc = {f.code for f in self.pfc_frames}
        refs = {r.key for r in self.references}
        framing = self.role("framing").name
        for i, var in enumerate(self.variables):
            at: tuple[str | int, ...] = ("variables", i)
            codes = var.codes
            if len(set(codes)) != len(codes) or set(codes) & set(MISSING):
                raise CodebookError(at + ("categories",), f"{var.name}: category codes must be unique and not missing codes")
            if var.is_categorical and not codes and var.name != "framing_pfc":
                raise CodebookError(at + ("level",), f"{var.name}: a {var.level} variable needs categories")
            if var.kind == "derived" and var.name not in DERIVED_VARIABLES:
                raise CodebookError(at + ("name",), f"the build computes no derived variable {var.name!r}; "
                                   f"derived variables are {', '.join(DERIVED_VARIABLES)}")
            if var.kind == "coded" and not var.missing:
                raise CodebookError(at, f"{var.name}: a coded variable must say under `missing` when each missing status applies")
            if set(var.missing) - set(MISSING):
                raise CodebookError(at + ("missing",), f"{var.name}: missing statuses are {', '.join(MISSING)}")
            for k, key in enumerate(var.references):
                if key not in refs:
                    raise CodebookError(at + ("references", k), f"{var.name}: no reference with key {key!r} in `references`")
            for j, cat in enumerate(var.categories):
                where = at + ("categories", j)
                if var.kind == "coded" and not (cat.decision_rule and cat.example):
                    raise CodebookError(where, f"{var.name}.{cat.code}: needs a decision_rule and an example")
                on_framing = framing in (var.name, var.categories_from)
                own_pfc = on_framing and j < len(self.variable(framing).categories)
                if (cat.pfc is not None) != own_pfc or (cat.pfc and cat.pfc not in pfc):
                    raise CodebookError(where + (("pfc",) if cat.pfc else ()),
                                       f"{var.name}.{cat.code}: pfc crosswalk must name a pfc_frames code, on the framing categories only")
        if set(self.tables) != set(TABLES):
            raise CodebookError(("tables",), f"tables must describe {', '.join(TABLES)}")
        if [k.code for k in self.evidence_kinds] != ["quote", "citation"]:
            raise CodebookError(("evidence_kinds",), "evidence_kinds must be quote and citation, in that order: the build reads both")
        return self

    @staticmethod
    def _resolved(var: Variable, by_name: dict[str, Variable], index: int) -> Variable:
        """The variable with the categories it shares with another one filled in."""
        if var.categories_from is None:
            return var
        base = by_name.get(var.categories_from)
        if base is None or base.categories_from is not None or not base.categories:
            raise CodebookError(("variables", index, "categories_from"),
                               f"{var.name}: categories_from must name a variable with categories of its own")
        shared = base.categories + var.extra_categories
        if var.categories and var.categories != shared:
            raise CodebookError(("variables", index, "categories"), f"{var.name}: give categories_from or categories, not both")
        return var.model_copy(update={"categories": shared})

    def _check_roles(self) -> None:
        declared = {r.code: r for r in self.roles}
        for code, kind in BUILD_ROLES.items():
            if code not in declared:
                raise CodebookError(("roles",), f"the build needs the role {code!r}; declare it under `roles`")
            holders = [i for i, v in enumerate(self.variables) if code in v.roles]
            if len(holders) != 1:
                raise CodebookError(("variables",), f"the build needs exactly one variable with the role {code!r} "
                                   f"(a {kind} variable of level {declared[code].level}); found {len(holders)}")
            var = self.variables[holders[0]]
            if var.kind != kind or var.level != declared[code].level:
                raise CodebookError(("variables", holders[0], "roles"), f"{var.name}: the role {code!r} needs a {kind} "
                                   f"variable of level {declared[code].level}, not a {var.kind} one of level {var.level}")
        if self.role("id").name != "case_id":
            raise CodebookError(("variables",), "the variable with the role 'id' must be named case_id: every table joins on it")
        for i, var in enumerate(self.variables):
            for k, code in enumerate(var.roles):
                if code not in declared:
                    raise CodebookError(("variables", i, "roles", k), f"{var.name}: unknown role {code!r}; roles are {', '.join(declared)}")

    def role(self, code: str) -> Variable:
        """The variable that holds a role the build relies on."""
        return next(v for v in self.variables if code in v.roles)

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
        """Every value a categorical variable may take, in codebook order: its categories,
        then the missing statuses it allows."""
        var = self.variable(name)
        if name == "framing_pfc":
            return [f.code for f in self.pfc_frames] + self.role("framing").allowed_missing
        if var.derived_from is not None:
            return var.codes + self.variable(var.derived_from).allowed_missing
        return var.codes + var.allowed_missing

    @cached_property
    def categorical(self) -> list[Variable]:
        """Variables of the cases table whose values come from a closed list."""
        return [v for v in self.variables if v.is_categorical]

    @cached_property
    def ordinal(self) -> list[Variable]:
        """The coded ordinal variables: each has a companion column for its missing status."""
        return [v for v in self.coded if v.level == "ordinal"]

    @cached_property
    def attribution_codes(self) -> list[str]:
        return [a.code for a in self.attributions]

    def terms(self, name: str) -> list[str]:
        """The codes of one of the closed lists outside the variables (TERM_LISTS)."""
        return [t.code for t in getattr(self, name)]

    def pfc_of(self, framing: str) -> str:
        """Crosswalk a framing code to its Policy Frames Codebook dimension."""
        if framing in MISSING:
            return framing
        return next(c.pfc for c in self.role("framing").categories if c.code == framing and c.pfc)
