"""Registering a case and changing its person, team and links."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jaring.care.models import Case, CaseType, Person, PersonToken, RiskLevel, Task, Team
from jaring.care.personal import PersonalData, age_group, seal, tokens
from jaring.care.services.base import assessment_days, guard, log, touch
from jaring.crypto.cipher import encrypt
from jaring.identity import policy
from jaring.identity.models import User
from jaring.reference.models import Country


def next_reference(country: str) -> str:
    """The next CW-<country>-NNNNNNN; the caller holds a transaction. Locking the
    country row makes concurrent registrations in one country take turns (PostgreSQL)."""
    Country.objects.select_for_update().filter(pk=country).first()
    last = (Case.objects.filter(country_id=country, reference__startswith=f"CW-{country}-")
            .order_by("-reference").values_list("reference", flat=True).first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"CW-{country}-{number:07d}"


def _plain_columns(person: Person, data: PersonalData, sex: str, nationality: str | None,
                   today: datetime.date) -> None:
    if sex not in ("", "female", "male", "other"):
        raise ValidationError({"sex": f"{sex!r}: use female, male or other (or leave empty)"})
    if nationality and not Country.objects.filter(pk=nationality).exists():
        raise ValidationError({"nationality": f"unknown country {nationality!r}"})
    age = data.age(today)
    person.sex = sex
    person.nationality_id = nationality or None
    person.age_group = age_group(age)
    person.is_minor = age is not None and age < 18


def store_person(person: Person, data: PersonalData) -> None:
    """Encrypt the data and refresh its search tokens (caller holds the transaction)."""
    person.data_enc = seal(person.case.country_id, data)
    person.save()
    PersonToken.objects.filter(person=person).delete()
    PersonToken.objects.bulk_create([PersonToken(person=person, kind=kind, token=token)
                                     for kind, token in tokens(data)])


@transaction.atomic
def register_case(user: Any, *, case_type: str, person: PersonalData, sex: str = "",
                  nationality: str | None = None, risk_level: str = RiskLevel.MEDIUM,
                  registered_on: datetime.date | None = None,
                  organisation: Any = None, owner: Any = None) -> Case:
    policy.check(user, "care.case.create")
    organisation = organisation or user.organisation
    if organisation is None or organisation.country_id is None:
        raise ValidationError({"organisation": "cases belong to a national organisation"})
    if user.organisation_id != organisation.pk and not policy.allowed(
            user, "care.case.create", organisation):
        raise ValidationError({"organisation": "you register cases for your own organisation"})
    if case_type not in CaseType.values:
        raise ValidationError({"case_type": f"unknown case type {case_type!r}; use "
                               f"{', '.join(CaseType.values)}"})
    if risk_level not in RiskLevel.values:
        raise ValidationError({"risk_level": f"unknown risk level {risk_level!r}"})
    today = registered_on or timezone.localdate()
    person.validate(today)
    country = organisation.country_id
    case = Case.objects.create(
        reference=next_reference(country), country_id=country, organisation=organisation,
        owner=owner or user, case_type=case_type, risk_level=risk_level, registered_on=today,
    )
    record = Person(case=case)
    _plain_columns(record, person, sex, nationality, today)
    store_person(record, person)
    Task.objects.create(case=case, kind=Task.Kind.ASSESSMENT, title="Assessment",
                        due_on=today + datetime.timedelta(days=assessment_days()),
                        assignee=case.owner)
    log(case, user, "case.register", {"case_type": case_type})
    return case


@transaction.atomic
def update_person(user: Any, case: Case, data: PersonalData, *, sex: str,
                  nationality: str | None) -> Case:
    case = guard(user, "care.case.edit", case)
    today = timezone.localdate()
    data.validate(today)
    person = case.person
    _plain_columns(person, data, sex, nationality, today)
    store_person(person, data)
    touch(case)
    log(case, user, "person.update")
    return case


@transaction.atomic
def assign(user: Any, case: Case, assignee: User, *, remove: bool = False) -> Case:
    case = guard(user, "care.case.edit", case)
    if assignee.organisation_id != case.organisation_id:
        raise ValidationError({"assignee": "assign someone from the case's organisation"})
    if remove:
        case.assigned.remove(assignee)
    else:
        case.assigned.add(assignee)
    log(case, user, "case.unassign" if remove else "case.assign", {"user": assignee.pk})
    return case


@transaction.atomic
def set_team(user: Any, case: Case, team: Team | None) -> Case:
    """Hand the case to a team of its organisation (None: no team)."""
    case = guard(user, "care.case.edit", case)
    if team is not None and team.organisation_id != case.organisation_id:
        raise ValidationError({"team": "choose a team of the case's organisation"})
    case.team = team
    touch(case, "team")
    log(case, user, "case.team", {"team": team.pk if team else None})
    return case


@transaction.atomic
def link_reports(user: Any, case: Case, report_ids: list[int]) -> Case:
    """Cite the fraud reports behind a case; only reports of the case's country."""
    from jaring.intel.models import FraudReport

    case = guard(user, "care.case.edit", case)
    found = list(FraudReport.objects.filter(pk__in=report_ids, country_id=case.country_id))
    missing = sorted(set(report_ids) - {r.pk for r in found})
    if missing:
        raise ValidationError({"fraud_reports": f"no report of {case.country_id} with id(s) "
                               f"{', '.join(map(str, missing))}"})
    case.fraud_reports.add(*found)
    log(case, user, "case.link_reports", {"reports": sorted(r.pk for r in found)})
    return case


@transaction.atomic
def set_supervisor_note(user: Any, case: Case, note: str) -> Case:
    case = guard(user, "care.case.supervise", case)
    case.supervisor_note_enc = encrypt(case.country_id, note.strip()) or "" if note.strip() \
        else ""
    touch(case, "supervisor_note_enc")
    log(case, user, "case.supervisor_note")
    return case


@transaction.atomic
def complete_task(user: Any, task: Task) -> Task:
    guard(user, "care.case.edit", task.case)
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.done_on is None:
        task.done_on = timezone.localdate()
        task.save(update_fields=["done_on"])
        log(task.case, user, "task.done", {"task": task.pk, "kind": task.kind})
    return task
