"""The screening questionnaire: validate answers, score them into a grade with its reason."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from autocrm.core import worktime
from autocrm.core.errors import InputError

CONFIG = Path(__file__).parent / "config" / "questionnaire.toml"


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    label_en: str
    points: int


@dataclass(frozen=True)
class Question:
    field: str
    label: str
    label_en: str
    choices: tuple[Choice, ...]

    def choice(self, given: object) -> Choice:
        """Return the choice named by its code or either label; raise InputError naming it."""
        text = str(given).strip()
        for c in self.choices:
            if text in (c.code, c.label, c.label_en):
                return c
        raise InputError(_("answers.%(field)s: %(value)r is not one of %(allowed)s") % {
            "field": self.field, "value": text,
            "allowed": ", ".join(c.code for c in self.choices)}, code="bad_answer")


@dataclass(frozen=True)
class Questionnaire:
    questions: tuple[Question, ...]
    grades: tuple[tuple[str, int], ...]
    models: tuple[str, ...]
    sources: tuple[str, ...]
    first_contact_hours: int = 2
    cycle_days: tuple[tuple[str, int], ...] = ()
    source_labels: tuple[tuple[str, str, str], ...] = ()  # code, Chinese, English

    def source_label(self, code: str) -> str:
        """Return a lead source's label in the current language (the code if unknown)."""
        english = (get_language() or "").startswith("en")
        for known, zh, en in self.source_labels:
            if known == code:
                return en if english else zh
        return code

    def source_choices(self) -> list[tuple[str, str]]:
        return [(code, self.source_label(code)) for code in self.sources]

    def cycle(self, grade: str) -> int:
        """Return the days between follow-ups of a lead of this grade."""
        return dict(self.cycle_days).get(grade, 7)

    def by_field(self) -> dict[str, Question]:
        return {q.field: q for q in self.questions}


@dataclass(frozen=True)
class Graded:
    grade: str
    reason: str  # the answers that raised it, in the current language ("7天内购车 + 已试驾")
    points: int
    answers: dict[str, str]  # field -> choice code


@cache
def load(path: Path = CONFIG) -> Questionnaire:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    questions = tuple(
        Question(q["field"], q["label"], q["label_en"],
                 tuple(Choice(c["code"], c["label"], c["label_en"], int(c["points"]))
                       for c in q["choices"]))
        for q in raw["questions"])
    follow = raw.get("follow_up", {})
    sources = raw["sources"]
    return Questionnaire(questions, tuple((g, int(m)) for g, m in raw["grades"]),
                         tuple(raw["models"]), tuple(sources),
                         int(follow.get("first_contact_hours", 2)),
                         tuple((g, int(d)) for g, d in follow.get("days", {}).items()),
                         tuple((c, zh, en) for c, (zh, en) in sources.items()))


def grade(answers: dict[str, Any], form: Questionnaire | None = None, *,
          lenient: bool = False) -> Graded:
    """Score the answers (codes or labels; blank ones skipped) into a grade with its reason.

    An unknown question or answer raises InputError naming it; `lenient` (a prospect list's
    free-typed column) skips it instead.
    """
    form = form or load()
    questions = form.by_field()
    unknown = sorted(set(answers) - set(questions))
    if unknown and not lenient:
        raise InputError(_("answers.%(field)s: no such question (known: %(known)s)") % {
            "field": unknown[0], "known": ", ".join(questions)}, code="bad_answer")
    chosen = {}
    for f, v in answers.items():
        if f not in questions or v is None or not str(v).strip():
            continue
        try:
            chosen[f] = questions[f].choice(v)
        except InputError:
            if not lenient:
                raise
    points = sum(c.points for c in chosen.values())
    letter = next((g for g, least in form.grades if points >= least), form.grades[-1][0])
    english = (get_language() or "").startswith("en")
    raising = [c.label_en if english else c.label
               for q in form.questions if (c := chosen.get(q.field)) and c.points > 0]
    return Graded(letter, " + ".join(raising), points, {f: c.code for f, c in chosen.items()})


def check_model(model: str, form: Questionnaire | None = None) -> str:
    """Return the catalogue's spelling of an intended model; raise InputError if unknown."""
    form = form or load()
    text = model.strip()
    if not text:
        return ""
    for known in form.models:
        if known.lower() == text.lower():
            return known
    raise InputError(_("intended_model: %(value)r is not a model of the brand (known: "
                       "%(known)s)") % {"value": text, "known": ", ".join(form.models)},
                     code="unknown_model")


def check_source(source: str, form: Questionnaire | None = None) -> str:
    """Return a lead source code; raise InputError naming the allowed ones if unknown."""
    form = form or load()
    if source not in form.sources:
        raise InputError(_("source: %(value)r is not a lead source (known: %(known)s)") % {
            "value": source, "known": ", ".join(form.sources)}, code="unknown_source")
    return source


def first_contact_due(dealer_code: str, since: dt.datetime) -> dt.datetime:
    """Return when a new lead of `dealer_code` (HQ's pool: "") must first be contacted: the
    configured working hours after `since`, on that dealer's (or HQ's) calendar."""
    hours = dt.timedelta(hours=load().first_contact_hours)
    return worktime.deadline(worktime.for_dealer(dealer_code), since, hours)
