"""Record models of the annotation files, generated from the codebook.

Every closed list (categories, attributions, missing codes) comes from the codebook,
so a new category needs no change here.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from .codebook import MISSING, Codebook
from .problems import LocatedError

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$|^(\d{3})X$")


class Record(BaseModel):
    """Base of all annotation records: unknown keys are errors, no type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _literal(values: list[str]) -> Any:
    return Literal[tuple(values)]  # type: ignore[valid-type]


def date_range(value: str) -> tuple[str, date, date]:
    """Precision, first and last day of a YYYY[-MM[-DD]] or YYYX date; ValueError if invalid."""
    match = DATE_PATTERN.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a date: write YYYY-MM-DD, YYYY-MM, YYYY, YYYX or not_reported")
    year, month, day, decade = match.groups()
    try:
        if decade:
            first, last, precision = date(int(decade) * 10, 1, 1), date(int(decade) * 10 + 9, 12, 31), "decade"
        elif day:
            first = last = date(int(year), int(month), int(day))
            precision = "day"
        elif month:
            y, m = int(year), int(month)
            first, last, precision = date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), "month"
        else:
            first, last, precision = date(int(year), 1, 1), date(int(year), 12, 31), "year"
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a calendar date: {exc}") from None
    if first > date.today():
        raise ValueError(f"{value!r} is in the future")
    return precision, first, last


_models: dict[int, tuple[Codebook, dict[str, type[BaseModel]]]] = {}


def _models_for(codebook: Codebook) -> dict[str, type[BaseModel]]:
    if id(codebook) not in _models:
        _models[id(codebook)] = (codebook, _build_models(codebook))
    return _models[id(codebook)][1]


def case_model(codebook: Codebook) -> type[BaseModel]:
    """The model of a case file for this codebook (built once per codebook)."""
    return _models_for(codebook)["case"]


def relations_model(codebook: Codebook) -> type[BaseModel]:
    """The model of annotations/relations.yaml for this codebook."""
    return _models_for(codebook)["relations"]


def coding_file_model(codebook: Codebook) -> type[BaseModel]:
    """The model of a further coder's file, annotations/codings/<coder>/<case_id>.yaml."""
    return _models_for(codebook)["coding_file"]


MAX_OFFSET = 2**31 - 1  # offsets are published as 32-bit integers


def _check_offset(cls: Any, value: int) -> int:
    if value > MAX_OFFSET:
        raise ValueError(f"offset {value} is larger than any source text ({MAX_OFFSET} characters at most)")
    return value


def _check_date(cls: Any, value: str | None) -> str | None:
    if value is not None and value not in MISSING:
        date_range(value)
    return value


def _build_models(codebook: Codebook) -> dict[str, type[BaseModel]]:
    evidence = create_model(
        "Evidence",
        __base__=Record,
        __validators__={"check_offset": field_validator("start", "end")(_check_offset)},
        source=(str, Field(description="Identifier of the source (annotations/sources/sources.yaml).")),
        quote=(str, Field(min_length=1, description="Verbatim quote from the source.")),
        start=(int, Field(ge=0, description="Offset of the quote's first character; written by `policyframes locate`.")),
        end=(int, Field(gt=0, description="Offset one past the quote's last character.")),
        attribution=(
            _literal(codebook.attribution_codes),
            Field(description="Whose words or view the quote reports."),
        ),
    )
    evidence_list = Annotated[list[evidence], Field(default_factory=list)]  # type: ignore[valid-type]

    def needs_evidence(self: Any) -> Any:
        if self.value not in MISSING and not self.evidence:
            raise LocatedError(("evidence",), f"a value other than {' or '.join(MISSING)} needs at least one evidence quote")
        return self

    codes_fields: dict[str, Any] = {}
    other_codes_fields: dict[str, Any] = {}
    for var in codebook.coded:
        values = _literal(codebook.allowed(var.name))
        common = {
            "value": (values, Field(description=var.description)),
            "confidence": (int, Field(ge=1, le=3, description="1 low, 2 medium, 3 high.")),
            "rationale": (str, Field(min_length=1, description="Why the evidence supports the value.")),
            "evidence": (evidence_list, Field(description="Verbatim quotes that support the value.")),
        }
        validators = {"needs_evidence": model_validator(mode="after")(needs_evidence)}
        adjudication = create_model(
            f"Adjudication_{var.name}",
            __base__=Record,
            value=(values, Field(description="The final value after adjudication.")),
            by=(str, Field(description="Coder id of the adjudicator.")),
            rationale=(str, Field(min_length=1, description="Why this value was chosen.")),
            evidence=(evidence_list, Field(description="Evidence, when the final value is not one a coder gave.")),
        )
        coding = create_model(
            f"Coding_{var.name}",
            __base__=Record,
            __validators__=validators,
            value=common["value"],
            coder=(str, Field(description="Coder id (annotations/coders.yaml).")),
            confidence=common["confidence"],
            rationale=common["rationale"],
            evidence=common["evidence"],
            adjudication=(adjudication | None, Field(default=None, description="Final decision where coders disagreed.")),
        )
        codes_fields[var.name] = (coding, Field(description=var.label))
        other = create_model(f"OtherCoding_{var.name}", __base__=Record, __validators__=validators, **common)
        other_codes_fields[var.name] = (other, Field(description=var.label))
    codes = create_model("Codes", __base__=Record, **codes_fields)
    coding_file = create_model(
        "CodingFile",
        __base__=Record,
        case_id=(str, Field(pattern=ID_PATTERN, description="The case coded; equals the file name.")),
        coder=(str, Field(description="Coder id; equals the folder name.")),
        codes=(create_model("OtherCodes", __base__=Record, **other_codes_fields), Field(description="The coded dimensions.")),
    )

    text_fact = create_model(
        "TextFact",
        __base__=Record,
        __validators__={"needs_evidence": model_validator(mode="after")(needs_evidence)},
        value=(str, Field(min_length=1)),
        evidence=(evidence_list, Field()),
    )

    date_fact = create_model(
        "DateFact",
        __base__=text_fact,
        __validators__={"check_date": field_validator("value")(_check_date)},
    )
    event = create_model(
        "Event",
        __base__=Record,
        __validators__={"check_date": field_validator("date")(_check_date)},
        type=(_literal([e.code for e in codebook.event_types]), Field(description="Event type.")),
        date=(str, Field(description="YYYY-MM-DD, YYYY-MM, YYYY or YYYX.")),
        description=(str, Field(min_length=1, description="One line on what happened.")),
        evidence=(list[evidence], Field(min_length=1, description="Verbatim quotes that date the event.")),  # type: ignore[valid-type]
    )
    relation = create_model(
        "Relation",
        __base__=Record,
        __validators__={"check_date": field_validator("date")(_check_date)},
        from_case=(str, Field(alias="from", description="The case the relation starts from.")),
        type=(_literal([r.code for r in codebook.relation_types]), Field(description="Relation type.")),
        to_case=(str | None, Field(default=None, alias="to", description="The target case; omitted for relations to the centre.")),
        date=(str | None, Field(default=None, description="When the relation took effect, if the sources say.")),
        rationale=(str, Field(min_length=1, description="Why the evidence supports the relation.")),
        evidence=(list[evidence], Field(min_length=1, description="Verbatim quotes that support the relation.")),  # type: ignore[valid-type]
    )
    relations = create_model("RelationsFile", __base__=Record, relations=(list[relation], Field()))

    fields: dict[str, Any] = {"case_id": (str, Field(pattern=ID_PATTERN, description=codebook.variable("case_id").description))}
    for var in codebook.variables:
        if var.name == "case_id" or var.kind in ("coded", "derived"):
            continue
        if var.kind == "fact":
            fields[var.name] = (date_fact if var.level == "date" else text_fact, Field(description=var.description))
        elif var.name == "sources":
            fields[var.name] = (list[str], Field(min_length=1, description=var.description))
        elif var.categories:
            fields[var.name] = (_literal(codebook.allowed(var.name)), Field(description=var.description))
        elif var.name == "province":
            fields[var.name] = (str | None, Field(description=var.description))
        else:
            fields[var.name] = (str, Field(min_length=1, description=var.description))
    fields["codes"] = (codes, Field(description="The coded dimensions."))
    fields["events"] = (list[event], Field(default_factory=list, description="Dated events of the case (its timeline)."))  # type: ignore[valid-type]
    case = create_model("Case", __base__=Record, **fields)
    return {"case": case, "relations": relations, "coding_file": coding_file}


class Coder(Record):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    role: str
    description: str


class CodersFile(Record):
    coders: list[Coder] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> CodersFile:
        ids = [c.id for c in self.coders]
        for i, coder_id in enumerate(ids):
            if coder_id in ids[:i]:
                raise LocatedError(("coders", i, "id"), f"duplicate coder id {coder_id!r}")
        return self


class Comparison(Record):
    id: str = Field(pattern=ID_PATTERN)
    cases: list[str] = Field(min_length=2, max_length=2)
    summary: str = Field(min_length=1)
    dimensions: dict[str, "DimensionContrast"]

    @field_validator("cases")
    @classmethod
    def _two_cases(cls, cases: list[str]) -> list[str]:
        if cases[0] == cases[1]:
            raise ValueError(f"compares case {cases[0]!r} with itself")
        return cases


class DimensionContrast(Record):
    contrast: Literal["same", "different"]
    statement: str = Field(min_length=1)


class ComparisonsFile(Record):
    comparisons: list[Comparison]


class SourceMeta(Record):
    source_id: str = Field(pattern=ID_PATTERN)
    file: str
    title: str
    authors: list[str] = Field(min_length=1)
    venue: str
    date: str
    genre: str
    url: str | None
    licence: str
    full_text_included: bool
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    notes: str


class SourcesFile(Record):
    sources: list[SourceMeta] = Field(min_length=1)


Comparison.model_rebuild()
