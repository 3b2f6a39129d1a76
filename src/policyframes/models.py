"""Record models of the annotation files, generated from the codebook.

Every closed list (categories, attributions, missing codes) comes from the codebook,
so a new category needs no change here.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from .codebook import MISSING, Codebook, Variable
from .problems import CodedValueError, LocatedError

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
        raise CodedValueError(f"{value!r} is not a date: write YYYY-MM-DD, YYYY-MM, YYYY, YYYX or not_reported", "record.date")
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
        raise CodedValueError(f"{value!r} is not a calendar date: {exc}", "record.date") from None
    if first > date.today():
        raise CodedValueError(f"{value!r} is in the future", "record.date")
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


def tax_design_model(codebook: Codebook) -> type[BaseModel]:
    """The model of annotations/tax_design.yaml for this codebook."""
    return _models_for(codebook)["tax_design"]


def conflicts_model(codebook: Codebook) -> type[BaseModel]:
    """The model of annotations/conflicts.yaml for this codebook."""
    return _models_for(codebook)["conflicts"]


def units_model(codebook: Codebook) -> type[BaseModel]:
    """The model of a coder's own case identification, annotations/codings/<coder>/units.yaml."""
    return _models_for(codebook)["units"]


MAX_OFFSET = 2**31 - 1  # offsets are published as 32-bit integers


def _check_offset(cls: Any, value: int) -> int:
    if value > MAX_OFFSET:
        raise CodedValueError(f"offset {value} is larger than any source text ({MAX_OFFSET} characters at most)", "record.out-of-range")
    return value


def _check_date(cls: Any, value: str | None) -> str | None:
    if value is not None and value not in MISSING:
        date_range(value)
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise CodedValueError("is empty or only whitespace: write the text, or remove the field where it is optional", "record.blank")
    return value


Text = Annotated[str, AfterValidator(_not_blank)]
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _check_quote(cls: Any, value: str | None) -> str | None:
    bad = None if value is None else _CONTROL.search(value)
    if bad:
        name = "a tab" if bad.group() == "\t" else f"the control character U+{ord(bad.group()):04X}"
        raise CodedValueError(f"the quote contains {name} at character {bad.start()}: quotes hold the source's text only", "record.control-character")
    return value


def _check_offset_given(cls: Any, value: int | None) -> int | None:
    return value if value is None else _check_offset(cls, value)


def _evidence_kind(self: Any) -> Any:
    """An evidence item is a quote (quote, start, end) or a citation (locator, paraphrase)."""
    if self.quote is not None:
        extra = next((n for n in ("locator", "paraphrase") if getattr(self, n) is not None), None)
        if extra:
            raise LocatedError((extra,), "an evidence item is a quote (quote, start, end) or a citation (locator, paraphrase), "
                               f"not both: remove {extra}, or make it a citation without the quote", "record.evidence-kind")
        for name in ("start", "end"):
            if getattr(self, name) is None:
                raise LocatedError((name,), "required field is missing: run `policyframes locate` to write the quote's offsets",
                                   "record.missing-key")
        return self
    if self.start is not None or self.end is not None:
        if "quote" in self.model_fields_set:  # `quote:` with nothing after it, beside offsets
            raise LocatedError(("quote",), "is empty: write the quoted passage, or make the item a citation (a locator and "
                               "a paraphrase, no offsets)", "record.evidence-kind")
        raise LocatedError(("start" if self.start is not None else "end",), "offsets belong to a quote: a citation has a locator "
                           "and a paraphrase instead; remove start and end, or add the quote", "record.evidence-kind")
    for name in ("locator", "paraphrase"):
        if getattr(self, name) is None:
            raise LocatedError((name,), "required field is missing: an evidence item is a quote of a stored text, or a citation "
                               "with a locator (article, paragraph, page) and a paraphrase in your own words", "record.missing-key")
    return self


def _build_models(codebook: Codebook) -> dict[str, type[BaseModel]]:
    evidence_checks: dict[str, Any] = {"check_offset": field_validator("start", "end")(_check_offset_given),
                                       "check_quote": field_validator("quote")(_check_quote),
                                       "evidence_kind": model_validator(mode="after")(_evidence_kind)}
    evidence = create_model(
        "Evidence",
        __base__=Record,
        __validators__=evidence_checks,
        source=(str, Field(description="Identifier of the source (annotations/sources/sources.yaml).")),
        quote=(Text | None, Field(default=None, description="A quote: the verbatim passage of a stored source text.")),
        start=(int | None, Field(default=None, ge=0, description="Offset of the quote's first character; written by `policyframes locate`.")),
        end=(int | None, Field(default=None, gt=0, description="Offset one past the quote's last character.")),
        locator=(Text | None, Field(default=None, description="A citation: where in the source (article, section, paragraph, page, table).")),
        paraphrase=(Text | None, Field(default=None, description="A citation: what the passage says, in the coder's own words.")),
        attribution=(
            _literal(codebook.attribution_codes),
            Field(description="Whose words or view the item reports."),
        ),
    )
    evidence_list = Annotated[list[evidence], Field(default_factory=list)]  # type: ignore[valid-type]
    evidence_required = Annotated[list[evidence], Field(min_length=1)]  # type: ignore[valid-type]
    confidence = (int, Field(ge=1, le=3, description="1 low, 2 medium, 3 high: how explicitly the evidence states it."))

    codes_fields: dict[str, Any] = {}
    other_codes_fields: dict[str, Any] = {}
    for var in codebook.coded:
        values = _literal(codebook.allowed(var.name))
        common = {
            "value": (values, Field(description=var.description)),
            "other_specification": (Text | None, Field(default=None, description="The coder's words for a value of other.")),
            "confidence": confidence,
            "runner_up": (_literal([*var.codes, "none"]), Field(description="The second-best category, or none.")),
            "rationale": (Text, Field(description="Why the evidence supports the value (and not the runner-up).")),
            "evidence": (evidence_list, Field(description="Quotes or citations that support the value.")),
        }
        validators: dict[str, Any] = {"coding_rules": model_validator(mode="after")(_coding_rules(var))}
        adjudication = create_model(
            f"Adjudication_{var.name}",
            __base__=Record,
            value=(values, Field(description="The final value after adjudication.")),
            other_specification=common["other_specification"],
            by=(str, Field(description="Coder id of the adjudicator.")),
            rationale=(Text, Field(description="Why this value was chosen.")),
            evidence=(evidence_list, Field(description="Evidence, when the final value is not one a coder gave.")),
        )
        coding = create_model(  # type: ignore[call-overload]  # fields given as a mapping
            f"Coding_{var.name}",
            __base__=Record,
            __validators__=validators,
            coder=(str, Field(description="Coder id (annotations/coders.yaml).")),
            **common,
            adjudication=(adjudication | None, Field(default=None, description="Final decision where coders disagreed.")),
        )
        codes_fields[var.name] = (coding, Field(description=var.label))
        other = create_model(f"OtherCoding_{var.name}", __base__=Record, __validators__=validators, **common)  # type: ignore[call-overload]
        other_codes_fields[var.name] = (other, Field(description=var.label))
    codes = create_model("Codes", __base__=Record, **codes_fields)

    fact_fields: dict[str, Any] = {}
    for var in codebook.facts:
        checks: dict[str, Any] = {"fact_rules": model_validator(mode="after")(_fact_rules)}
        if var.level == "date":
            checks["check_date"] = field_validator("value")(_check_date)
        fact = create_model(
            f"Fact_{var.name}",
            __base__=Record,
            __validators__=checks,
            value=(Text, Field(description=var.description)),
            confidence=(int | None, Field(default=None, ge=1, le=3, description="1 low, 2 medium, 3 high; omitted for not_reported.")),
            evidence=(evidence_list, Field(description="Quotes or citations that support the value.")),
        )
        fact_fields[var.name] = (fact, Field(description=var.label))
    facts = create_model("Facts", __base__=Record, **fact_fields)

    event = create_model(
        "Event",
        __base__=Record,
        __validators__={"check_date": field_validator("date")(_check_date)},
        type=(_literal([e.code for e in codebook.event_types]), Field(description="Event type.")),
        date=(str, Field(description="YYYY-MM-DD, YYYY-MM, YYYY or YYYX.")),
        description=(Text, Field(description="One line on what happened.")),
        confidence=confidence,
        evidence=(evidence_required, Field(description="Quotes or citations that date the event.")),
    )
    relation_fields: dict[str, Any] = {
        "type": (_literal([r.code for r in codebook.relation_types]), Field(description="Relation type.")),
        "to_case": (str | None, Field(default=None, alias="to", description="The target case; omitted for relations to the centre.")),
        "date": (str | None, Field(default=None, description="When the relation took effect, if the sources say.")),
        "confidence": confidence,
        "rationale": (Text, Field(description="Why the evidence supports the relation.")),
        "evidence": (evidence_required, Field(description="Quotes or citations that support the relation.")),
    }
    check_date = {"check_date": field_validator("date")(_check_date)}
    relation = create_model(
        "Relation", __base__=Record, __validators__=check_date,
        from_case=(str, Field(alias="from", description="The case the relation starts from.")), **relation_fields,
    )
    relations = create_model("RelationsFile", __base__=Record, relations=(list[relation], Field()))  # type: ignore[valid-type]
    coder_relation = create_model("CoderRelation", __base__=Record, __validators__=check_date, **relation_fields)
    coding_file = create_model(
        "CodingFile",
        __base__=Record,
        case_id=(str, Field(pattern=ID_PATTERN, description="The case coded; equals the file name.")),
        coder=(str, Field(description="Coder id; equals the folder name.")),
        codebook_version=(str, Field(description="Version of the codebook the coding was made under.")),
        codebook_sha256=(str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of that codebook file.")),
        codes=(create_model("OtherCodes", __base__=Record, **other_codes_fields), Field(description="The coded variables.")),
        facts=(facts, Field(description="The facts of the case.")),
        events=(list[event], Field(default_factory=list, description="Dated events of the case.")),  # type: ignore[valid-type]
        relations=(list[coder_relation], Field(default_factory=list, description="Links from this case.")),  # type: ignore[valid-type]
    )

    unit = create_model(
        "Unit",
        __base__=Record,
        case_id=(str, Field(pattern=ID_PATTERN, description="The coder's own id of the unit; its coding file is <case_id>.yaml.")),
        name_en=(Text, Field(description="Short English name of the unit.")),
        unit_type=(_literal(codebook.role("unit_type").codes), Field(description="What kind of unit it is.")),
        parent_case=(str | None, Field(default=None, description="The coder's id of the unit it is part of, if any.")),
        policy_type=(_literal(codebook.role("policy_type").codes), Field(description="Broad type of policy.")),
        locality=(Text, Field(description="Where the unit took place.")),
        boundaries=(Text, Field(description="What the unit includes and excludes, and why it is one unit.")),
        passages=(list[Text], Field(min_length=1, description="Short verbatim phrases locating the unit in the sources.")),
    )
    units = create_model(
        "UnitsFile",
        __base__=Record,
        coder=(str, Field(description="Coder id; equals the folder name.")),
        codebook_version=(str, Field(description="Version of the codebook the units were found under.")),
        units=(list[unit], Field(min_length=1, description="The units the coder found in the sources.")),  # type: ignore[valid-type]
        considered_and_rejected=(list[Rejected], Field(default_factory=list, description="What the coder did not take as a unit, and why.")),
    )

    fields: dict[str, Any] = {}
    for var in codebook.variables:
        if var.kind in ("coded", "derived", "fact"):
            continue
        if var.type == "list_string":
            kind: Any = list[Text]
            spec = Field(min_length=1, description=var.description)
        elif var.categories:
            kind, spec = _literal(codebook.allowed(var.name)), Field(description=var.description)
        elif var.level == "identifier":
            kind, spec = str, Field(pattern=ID_PATTERN, description=var.description)
        else:
            kind, spec = Text, Field(description=var.description)
        fields[var.name] = (kind | None, spec) if var.nullable else (kind, spec)
    fields["single_coded"] = (Text | None, Field(default=None, description="Why the case has only one coding, if it has."))
    fields["facts"] = (facts, Field(description="The evidence-backed facts of the case."))
    fields["codes"] = (codes, Field(description="The coded variables."))
    fields["events"] = (list[event], Field(default_factory=list, description="Dated events of the case (its timeline)."))  # type: ignore[valid-type]
    case = create_model("Case", __base__=Record, **fields)
    design_row = create_model(
        "TaxDesignRow",
        __base__=Record,
        __validators__={"check_date": field_validator("valid_from", "valid_to")(_check_date)},
        case_id=(str, Field(pattern=ID_PATTERN, description="The tax: a case of the dataset.")),
        parameter=(_literal(codebook.terms("tax_parameters")), Field(description="The parameter of the design.")),
        item=(Text, Field(description="What the row covers within the parameter; unique per case and parameter.")),
        value=(Text, Field(description="The provision, in the coders' own words.")),
        valid_from=(str | None, Field(default=None, description="When the provision took effect.")),
        valid_to=(str | None, Field(default=None, description="When it ceased, if it did.")),
        evidence=(evidence_required, Field(description="Citations (or quotes) of the tax's documents.")),
    )
    tax_design = create_model("TaxDesignFile", __base__=Record, parameters=(list[design_row], Field()))  # type: ignore[valid-type]
    side = create_model(
        "ConflictSide", __base__=Record,
        claim=(Text, Field(description="What this side's sources say, in the coders' own words.")),
        evidence=(evidence_required, Field(description="The evidence of this side.")),
    )
    conflict = create_model(
        "Conflict",
        __base__=Record,
        id=(str, Field(pattern=ID_PATTERN, description="Identifier of the conflict.")),
        case_id=(str, Field(pattern=ID_PATTERN, description="The case the sources disagree about.")),
        subject=(Text, Field(description="A coded variable, fact, tax_design parameter or event type.")),
        positions=(list[side], Field(min_length=2, description="Each side, with its evidence.")),  # type: ignore[valid-type]
        resolution=(Text, Field(description="What the dataset codes.")),
        rationale=(Text, Field(description="Why.")),
    )
    conflicts = create_model("ConflictsFile", __base__=Record, conflicts=(list[conflict], Field()))  # type: ignore[valid-type]
    return {"case": case, "relations": relations, "coding_file": coding_file, "units": units,
            "tax_design": tax_design, "conflicts": conflicts}


def _coding_rules(var: Variable) -> Any:
    """The rules of one coding that concern its own fields."""
    def check(self: Any) -> Any:
        category = var.category(self.value)
        if category is not None and not category.no_evidence and not self.evidence:
            raise LocatedError(("evidence",), f"the category {self.value!r} needs at least one evidence item "
                               f"(only the missing statuses {', '.join(var.allowed_missing)} need none)", "record.needs-evidence")
        if self.runner_up == self.value:
            raise LocatedError(("runner_up",), "the runner-up is the value itself: give the second-best category, or none", "record.runner-up")
        specify = category is not None and category.specify
        if specify and self.other_specification is None:
            raise LocatedError(("other_specification",), f"the value {self.value!r} needs other_specification: say in a few words what it is",
                               "record.other-specification")
        if not specify and self.other_specification is not None:
            raise LocatedError(("other_specification",), f"other_specification is only for a value of other, not {self.value!r}: remove it",
                               "record.other-specification")
        return self

    return check


def _fact_rules(self: Any) -> Any:
    if self.value in MISSING:
        if self.value != "not_reported":
            raise LocatedError(("value",), f"a fact is not_reported when the sources do not give it, never {self.value}", "record.fact")
        return self
    if not self.evidence:
        raise LocatedError(("evidence",), "a fact other than not_reported needs at least one evidence item", "record.needs-evidence")
    if self.confidence is None:
        raise LocatedError(("confidence",), "a fact other than not_reported needs a confidence (1, 2 or 3)", "record.fact")
    return self


class Coder(Record):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    role: Text
    description: Text
    certification: bool = False  # codes only to be compared with the released codes, not part of the dataset's coding
    earlier_round: Text | None = None  # the codebook version an earlier round coded under: its files are kept, not read


class CodersFile(Record):
    coders: list[Coder] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> CodersFile:
        ids = [c.id for c in self.coders]
        for i, coder_id in enumerate(ids):
            if coder_id in ids[:i]:
                raise LocatedError(("coders", i, "id"), f"duplicate coder id {coder_id!r}")
        return self


class Rejected(Record):
    what: Text
    why: Text


class UnitMatch(Record):
    """Which case of the dataset a unit a coder identified on its own is (or none)."""

    coder: str
    unit: str = Field(pattern=ID_PATTERN)
    case: str | None = Field(pattern=ID_PATTERN)
    rationale: Text


class UnitMatchesFile(Record):
    matches: list[UnitMatch]


class Comparison(Record):
    id: str = Field(pattern=ID_PATTERN)
    cases: list[str] = Field(min_length=2, max_length=2)
    reason: Text  # why these cases are compared
    summary: Text
    dimensions: dict[str, DimensionContrast] = Field(min_length=1)  # its rows in the comparisons table

    @field_validator("cases")
    @classmethod
    def _two_cases(cls, cases: list[str]) -> list[str]:
        if cases[0] == cases[1]:
            raise ValueError(f"compares case {cases[0]!r} with itself")
        return cases


class DimensionContrast(Record):
    contrast: Literal["same", "different", "not_comparable"]
    statement: Text


class ComparisonsFile(Record):
    comparisons: list[Comparison]


SHA256 = r"^[0-9a-f]{64}$"


class SourceMeta(Record):
    """A source record. `file` names the stored text (full, or the passages the evidence
    quotes); a source without one is evidence by citation only."""

    source_id: str = Field(pattern=ID_PATTERN)
    kind: str
    file: str | None
    title: Text | None  # null: the copy read shows none
    title_en: Text | None = None
    authors: list[Text] = Field(min_length=1)
    venue: Text
    date: str | None  # null: not known
    document_number: Text | None = None
    language: str = Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")  # a BCP 47 tag: zh, en, ja, zh-Hant
    genre: Text
    url: str | None
    consulted_url: str | None = None
    consulted: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    licence: Text
    full_text_included: bool
    sha256: str | None = Field(pattern=SHA256)
    full_text_sha256: str | None = Field(default=None, pattern=SHA256)
    notes: Text

    @field_validator("date")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is not None:
            date_range(value)
        return value

    @model_validator(mode="after")
    def _stored(self) -> SourceMeta:
        if (self.file is None) != (self.sha256 is None):
            raise LocatedError(("sha256",), "a stored text needs its sha256, and a source without a file none", "source.record")
        if self.file is None and self.consulted is None:
            raise LocatedError(("consulted",), "a source that is not stored needs the date it was consulted (YYYY-MM-DD)", "source.record")
        if self.file is None and self.full_text_included:
            raise LocatedError(("full_text_included",), "full_text_included is true, but no file is stored", "source.record")
        if self.full_text_sha256 is not None and self.full_text_included:
            raise LocatedError(("full_text_sha256",), "full_text_sha256 is for an excerpt: the stored text is the full text", "source.record")
        return self

    @property
    def stored(self) -> str:
        """full_text, excerpt or none."""
        return "none" if self.file is None else "full_text" if self.full_text_included else "excerpt"


class SourcesFile(Record):
    sources: list[SourceMeta] = Field(min_length=1)


Comparison.model_rebuild()
