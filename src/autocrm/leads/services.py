"""Every change of a lead: made from loaded records, or by a person through one function that
takes the Actor, is atomic, audited, kept in the lead's history and put on the timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.accounts.actor import Actor
from autocrm.core import audit
from autocrm.core.errors import Conflict, Forbidden, InputError
from autocrm.core.frames import present
from autocrm.customers import dealer_links
from autocrm.interactions import services as timeline
from autocrm.leads import funnel, questionnaire, selectors, tally
from autocrm.leads.models import CLOSED, FollowUp, Lead, LeadChange, Stage
from autocrm.vehicles.models import Ownership

RELATION = "lead"  # the dealer a lead is assigned to reaches its customer (P2)
ANSWERS = [q.field for q in questionnaire.load().questions]
# Which loaded rows are leads: a list or API row, a sign-up naming a model, a pre-sales call.
PRESALES_CALL = "咨询"
PURCHASES = ("invoice", "contract")  # a record of these closes the customer's open lead as won


@dataclass
class Derived:
    """What a batch's records made of leads: the load's split, and each record's lead."""

    new: int = 0  # a new lead for a person not known before
    existing: int = 0  # a new lead (new interest) of a customer already known
    merged: int = 0  # added to the customer's open lead: no second lead
    lead_of: dict[int, int] = field(default_factory=dict)  # record id -> lead id


BATCH = 1_000  # rows per bulk statement, well under PostgreSQL's 65,535 parameters
PART = 10_000  # ids per query: PostgreSQL takes at most 65,535 parameters in one statement


def in_parts(ids: list[int]) -> list[list[int]]:
    """Split ids into lists of at most PART (a first load names a million customers)."""
    ids = sorted(set(ids))
    return [ids[i:i + PART] for i in range(0, len(ids), PART)]


def lead_rows(records: pl.DataFrame) -> pl.DataFrame:
    """Return the records that are leads, with their channel, one row each."""
    cols = ["record_id", "customer_id", "source", "feed", "entity", "dealer_code", "event_day",
            "intended_model", "lead_source", "call_type", "name", "contact_name", *ANSWERS]
    rows = present(records, cols)
    rows = rows.with_columns(pl.lit(None, pl.Utf8).alias(c) for c in cols
                             if c not in rows.columns).filter(pl.col("customer_id").is_not_null())
    is_lead = (
        (pl.col("entity") == "lead")
        | ((pl.col("entity") == "event_signup") & pl.col("intended_model").is_not_null())
        | ((pl.col("entity") == "call") & (pl.col("call_type") == PRESALES_CALL))
    )
    channel = (pl.when(pl.col("entity") == "call").then(pl.lit("call_centre"))
               .when(pl.col("entity") == "event_signup").then(pl.lit("website"))
               .otherwise(pl.col("lead_source").fill_null("website")))
    return rows.filter(is_lead).with_columns(channel.alias("channel")).sort("record_id")


def from_records(records: pl.DataFrame, new_customers: Collection[int],
                 actor: Actor | None = None) -> Derived:
    """Make the batch's lead records leads: a customer's open lead takes the record (its
    source added), otherwise the record opens a new lead. Called by the batch, in its
    transaction. A lead a dealer's user enters is theirs: their dealer's, owned by them."""
    rows = lead_rows(records)
    out = Derived()
    if rows.is_empty():
        return out
    now = timezone.now()
    form = questionnaire.load()
    customers = sorted(set(rows["customer_id"].to_list()))
    open_leads = {lead.customer_id: lead for part in in_parts(customers)
                  for lead in Lead.objects.filter(customer_id__in=part).exclude(
                      stage__in=CLOSED).order_by("id")}
    fresh: dict[int, Lead] = {}
    new_set = set(new_customers)
    for row in rows.iter_rows(named=True):
        cid, rid = row["customer_id"], row["record_id"]
        lead = open_leads.get(cid) or fresh.get(cid)
        answers = {f: row[f] for f in ANSWERS if row.get(f)}
        if lead is None:
            graded = questionnaire.grade(answers, form, lenient=True)
            opened = _opened(row["event_day"], now)
            dealer = row["dealer_code"] or (actor.dealer_code if actor else "") or ""
            lead = Lead(
                customer_id=cid, record_ids=[rid], sources=[row["channel"]],
                contact_name=(row["contact_name"] or row["name"] or "")[:64],
                channel=row["channel"], intended_model=_model(row["intended_model"], form),
                dealer_code=dealer,
                owner=actor.user if actor and actor.dealer_code else None,
                stage_at=opened, created_at=opened, updated_at=now,
                next_follow_up=questionnaire.first_contact_due(dealer, opened),
            )
            apply_grade(lead, graded)
            fresh[cid] = lead
            if cid in new_set:
                out.new += 1
            else:
                out.existing += 1
            continue
        out.merged += 1
        lead.record_ids = [*lead.record_ids, rid]
        if row["channel"] not in lead.sources:
            lead.sources = [*lead.sources, row["channel"]]
        lead.intended_model = lead.intended_model or _model(row["intended_model"], form)
        if answers:
            graded = questionnaire.grade({**lead.answers, **answers}, form, lenient=True)
            apply_grade(lead, graded)
        lead.updated_at = now
        if lead.pk:
            open_leads[cid] = lead
    created = Lead.objects.bulk_create(list(fresh.values()), batch_size=BATCH)
    kept = [lead for lead in open_leads.values() if lead.updated_at == now]
    with tally.tracking([lead.pk for lead in kept]):
        Lead.objects.bulk_update(kept, ["record_ids", "sources", "intended_model", "answers",
                                        "grade", "finance_interest", "trade_in_interest",
                                        "updated_at"], batch_size=BATCH)
    tally.added([lead.pk for lead in created])
    LeadChange.objects.bulk_create(
        (LeadChange(lead=lead, at=lead.created_at, field="stage", new=Stage.NEW,
                    reason=lead.channel) for lead in created), batch_size=BATCH)
    out.lead_of = {rid: lead.pk for lead in [*created, *kept] for rid in lead.record_ids}
    sync_reach(customers)
    return out


def close_won(records: pl.DataFrame) -> int:
    """Close as won (delivered) the open leads of customers whose invoice or finance contract
    the batch brings, with that record as evidence, and say what purchase it was: a repurchase
    when the customer already owned another car of the brand, a trade-in when the lead wanted
    one, else a first purchase (T5). Return how many."""
    cols = ["record_id", "customer_id", "entity", "event_day"]
    rows = present(records, cols)
    if set(cols[:3]) - set(rows.columns):
        return 0
    if "event_day" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, pl.Date).alias("event_day"))
    bought = rows.filter(pl.col("entity").is_in(PURCHASES) & pl.col("customer_id").is_not_null())
    if bought.is_empty():
        return 0
    purchases: dict[int, list[tuple[dt.date | None, int]]] = {}
    for cid, day, rid in bought.select("customer_id", "event_day", "record_id").iter_rows():
        purchases.setdefault(cid, []).append((day, rid))
    evidence: dict[int, int] = {}
    leads = []
    # only a purchase on or after the day the lead opened wins it (an old invoice loaded with a
    # later enquiry is the car the customer had, not the one they asked about)
    candidates = [lead for part in in_parts(list(purchases))
                  for lead in Lead.objects.filter(customer_id__in=part).exclude(stage__in=CLOSED)]
    for lead in candidates:
        opened = timezone.localdate(lead.created_at)
        after = sorted((d or opened, r) for d, r in purchases[lead.customer_id]
                       if d is None or d >= opened)
        if after:
            evidence[lead.pk] = after[0][1]
            leads.append(lead)
    if not leads:
        return 0
    cars = {c: n for part in in_parts([x.customer_id for x in leads])
            for c, n in Ownership.objects.filter(customer_id__in=part).values(
                "customer_id").annotate(n=Count("vehicle_id", distinct=True)).values_list(
                "customer_id", "n")}
    now = timezone.now()
    for lead in leads:
        old = lead.stage
        lead.stage, lead.stage_at, lead.closed_at = Stage.DELIVERED, now, now
        lead.reached = Stage.DELIVERED
        lead.won_record_id = evidence[lead.pk]
        lead.purchase_type = ("repurchase" if cars.get(lead.customer_id, 0) > 1 else
                              "trade_in" if lead.trade_in_interest else "first")
        lead.updated_at = now
        lead.version += 1
        lead.__dict__["_old_stage"] = old
    with tally.tracking([x.pk for x in leads]):
        Lead.objects.bulk_update(leads, ["stage", "reached", "stage_at", "closed_at",
                                         "won_record_id", "purchase_type", "updated_at",
                                         "version"], batch_size=BATCH)
    LeadChange.objects.bulk_create(
        (LeadChange(lead=lead, at=now, field="stage", old=lead.__dict__["_old_stage"],
                    new=Stage.DELIVERED, reason=f"won: record {lead.won_record_id}")
         for lead in leads), batch_size=BATCH)
    sync_reach([x.customer_id for x in leads])
    return len(leads)


def _opened(day: dt.date | None, now: dt.datetime) -> dt.datetime:
    """When a lead opened: its record's own date (a sign-up of last spring is last spring's
    lead), at 09:00 local time; the load's time for a record without a date or of today."""
    if day is None or day >= timezone.localdate(now):
        return now
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def _model(value: Any, form: questionnaire.Questionnaire) -> str:
    """The catalogue's spelling of a loaded model, or the text as loaded if not in it."""
    if not value:
        return ""
    try:
        return questionnaire.check_model(str(value), form)
    except InputError:
        return str(value)[:64]


def apply_grade(lead: Lead, graded: questionnaire.Graded) -> None:
    """Set the lead's answers, grade, and the finance and trade-in interest they state."""
    lead.answers, lead.grade = graded.answers, graded.grade
    for field_name, question in (("finance_interest", "finance"),
                                 ("trade_in_interest", "trade_in")):
        answer = graded.answers.get(question)
        setattr(lead, field_name, None if answer is None else answer == "yes")


def sync_reach(customer_ids: Collection[int]) -> None:
    """Let exactly the dealers of these customers' open leads reach them (P2)."""
    rows = [row for part in in_parts(list(customer_ids))
            for row in Lead.objects.filter(customer_id__in=part).exclude(
                stage__in=CLOSED).exclude(dealer_code="").values_list(
                "customer_id", "dealer_code", "created_at")]
    pairs = pl.DataFrame([(c, d, t.date()) for c, d, t in rows], orient="row",
                         schema={"customer_id": pl.Int64, "dealer_code": pl.Utf8,
                                 "first_at": pl.Date})
    dealer_links.replace(RELATION, customer_ids, pairs)


def change(lead: Lead, actor: Actor, field_name: str, old: str, new: str,
            reason: str = "") -> None:
    LeadChange.objects.create(lead=lead, at=timezone.now(), by=actor.user, field=field_name,
                              old=old, new=new, reason=reason)


def save(lead: Lead, version: int | None, fields: list[str]) -> None:
    """Write the lead's fields if nobody changed it since `version`; else 409."""
    if version is not None and version != lead.version:
        raise Conflict(_("lead %(id)s was changed by someone else; reload it") % {
            "id": lead.pk}, code="stale_version")
    lead.updated_at = timezone.now()
    changed = Lead.objects.filter(pk=lead.pk, version=lead.version).update(
        version=F("version") + 1, updated_at=lead.updated_at,
        **{f: getattr(lead, f) for f in fields})
    if not changed:
        raise Conflict(_("lead %(id)s was changed by someone else; reload it") % {
            "id": lead.pk}, code="stale_version")
    lead.version += 1


@transaction.atomic
def move(actor: Actor, lead_id: int, stage: str, *, version: int | None = None,
         reason: str = "", brand: str = "") -> Lead:
    """Move a lead along the funnel. Lost needs a reason code (and the brand bought, for
    another brand) and the dealer manager's approval: a salesperson's lost is a request."""
    lead = selectors.get_lead(lead_id, actor, for_update=True)
    funnel.check(lead.stage, stage)
    if stage == Stage.LOST:
        _check_lost(reason, brand)
        if not actor.can("lead_assign"):
            lead.lost_request, lead.lost_brand = reason, brand.strip()[:32]
            save(lead, version, ["lost_request", "lost_brand"])
            change(lead, actor, "lost_request", "", reason, lead.lost_brand)
            audit.record("lead_lost_request", "lead", lead.pk, actor=actor.user,
                         customer_id=lead.customer_id, reason=reason)
            return lead
        lead.lost_brand = brand.strip()[:32]
    return _set_stage(actor, lead, stage, version, reason)


def _check_lost(reason: str, brand: str) -> None:
    if reason not in funnel.LOST_REASONS:
        raise InputError(_("reason: a lost lead needs one of %(known)s") % {
            "known": ", ".join(funnel.LOST_REASONS)}, code="reason_required")
    if reason == "other_brand" and not brand.strip():
        raise InputError(_("brand: say which brand the customer bought"),
                         code="brand_required")


def _set_stage(actor: Actor, lead: Lead, stage: str, version: int | None,
               reason: str) -> Lead:
    old = lead.stage
    now = timezone.now()
    lead.stage, lead.stage_at = stage, now
    lead.reached = funnel.furthest(lead.reached, stage)
    lead.lost_reason = reason if stage == Stage.LOST else ""
    lead.lost_request = ""
    lead.closed_at = now if stage in CLOSED else None
    with tally.tracking([lead.pk]):
        save(lead, version, ["stage", "reached", "stage_at", "lost_reason", "lost_request",
                             "lost_brand", "closed_at"])
    change(lead, actor, "stage", old, stage, reason)
    timeline.add_event(actor, lead.customer_id, "lead", title=lead.get_stage_display(),
                       detail={"lead": lead.pk, "stage": stage, "from": old,
                               "reason": reason}, dealer_code=lead.dealer_code)
    audit.record("lead_stage", "lead", lead.pk, actor=actor.user,
                 customer_id=lead.customer_id, old=old, new=stage, reason=reason)
    if stage in CLOSED:
        sync_reach([lead.customer_id])
    return lead


@transaction.atomic
def decide_lost(actor: Actor, lead_id: int, approve: bool, *,
                version: int | None = None) -> Lead:
    """The dealer manager approves a salesperson's lost request (the lead closes as lost) or
    rejects it (the lead stays open with its salesperson)."""
    if not actor.can("lead_assign"):
        raise Forbidden(_("deciding a lost request needs the lead_assign right"),
                        code="forbidden")
    lead = selectors.get_lead(lead_id, actor, for_update=True)
    if not lead.lost_request:
        raise InputError(_("lead %(id)s: no lost request to decide") % {"id": lead.pk},
                         code="no_lost_request")
    if approve:
        return _set_stage(actor, lead, Stage.LOST, version, lead.lost_request)
    old = lead.lost_request
    lead.lost_request, lead.lost_brand = "", ""
    save(lead, version, ["lost_request", "lost_brand"])
    change(lead, actor, "lost_request", old, "", "rejected")
    audit.record("lead_lost_rejected", "lead", lead.pk, actor=actor.user,
                 customer_id=lead.customer_id, reason=old)
    return lead


@transaction.atomic
def reactivate(actor: Actor, lead_id: int, note: str = "") -> Lead:
    """HQ reopens a lost lead after a check call: it goes back to HQ's pool as new, to be
    assigned again."""
    if not actor.can("lead_assign") or actor.dealer_side:
        raise Forbidden(_("reactivating a lead needs the lead_assign right at HQ"),
                        code="forbidden")
    lead = selectors.get_lead(lead_id, actor, for_update=True)
    if lead.stage != Stage.LOST:
        raise InputError(_("stage: only a lost lead can be reactivated (this one is %(stage)s)")
                         % {"stage": lead.stage}, code="not_lost")
    dealer, now = lead.dealer_code, timezone.now()
    lead.stage, lead.stage_at, lead.closed_at = Stage.NEW, now, None
    lead.lost_reason = lead.lost_brand = lead.dealer_code = ""
    lead.owner, lead.assigned_at, lead.next_follow_up = None, None, now
    with tally.tracking([lead.pk]):
        save(lead, None, ["stage", "stage_at", "closed_at", "lost_reason", "lost_brand",
                          "dealer_code", "owner", "assigned_at", "next_follow_up"])
    change(lead, actor, "stage", Stage.LOST, Stage.NEW, ("reactivated " + note).strip()[:255])
    if dealer:
        change(lead, actor, "dealer", dealer, "", "reactivated")
    timeline.add_event(actor, lead.customer_id, "lead", title=_("Reactivated by HQ"),
                       summary=note[:255], detail={"lead": lead.pk, "stage": Stage.NEW,
                                                   "from": Stage.LOST})
    audit.record("lead_reactivate", "lead", lead.pk, actor=actor.user,
                 customer_id=lead.customer_id)
    sync_reach([lead.customer_id])
    return lead


@transaction.atomic
def follow_up(actor: Actor, lead_id: int, *, channel: str, reached: bool = True,
              outcome: str = "", next_at: dt.datetime | None = None) -> FollowUp:
    """Log one contact with the lead's person; set the next one (by default by grade)."""
    lead = selectors.get_lead(lead_id, actor, for_update=True)
    if not lead.is_open:
        raise InputError(_("lead %(id)s is closed") % {"id": lead.pk}, code="lead_closed")
    if channel not in FollowUp.Channel.values:
        raise InputError(_("channel: %(value)r is not one of %(known)s") % {
            "value": channel, "known": ", ".join(FollowUp.Channel.values)}, code="bad_channel")
    now = timezone.now()
    if next_at is not None and next_at <= now:
        raise InputError(_("next_at: the next follow-up must be in the future"),
                         code="bad_next_at")
    done = FollowUp.objects.create(lead=lead, at=now, by=actor.user, channel=channel,
                                   reached=reached, outcome=outcome[:255], next_at=next_at)
    form = questionnaire.load()
    lead.next_follow_up = next_at or now + dt.timedelta(days=form.cycle(lead.grade))
    fields = ["next_follow_up"]
    if reached and lead.first_contact_at is None:
        lead.first_contact_at = now
        fields.append("first_contact_at")
    if reached and lead.stage == Stage.NEW:
        lead.stage, lead.stage_at = Stage.CONTACTED, now
        lead.reached = funnel.furthest(lead.reached, Stage.CONTACTED)
        fields += ["stage", "reached", "stage_at"]
        change(lead, actor, "stage", Stage.NEW, Stage.CONTACTED, channel)
    with tally.tracking([lead.pk]):
        save(lead, None, fields)
    timeline.add_event(actor, lead.customer_id, "follow_up",
                       title=done.get_channel_display(), summary=outcome,
                       detail={"lead": lead.pk, "channel": channel, "reached": reached},
                       dealer_code=lead.dealer_code)
    audit.record("lead_follow_up", "lead", lead.pk, actor=actor.user,
                 customer_id=lead.customer_id, channel=channel, reached=reached)
    return done


@transaction.atomic
def answer(actor: Actor, lead_id: int, answers: dict[str, Any], *,
           version: int | None = None) -> Lead:
    """Record questionnaire answers; regrade the lead and keep the grade's history."""
    lead = selectors.get_lead(lead_id, actor, for_update=True)
    graded = questionnaire.grade({**lead.answers, **answers})
    old = lead.grade
    apply_grade(lead, graded)
    with tally.tracking([lead.pk]):
        save(lead, version, ["answers", "grade", "finance_interest", "trade_in_interest"])
    if old != lead.grade:
        change(lead, actor, "grade", old, lead.grade, graded.reason)
    audit.record("lead_answers", "lead", lead.pk, actor=actor.user,
                 customer_id=lead.customer_id, grade=lead.grade)
    return lead


def follow_merge(sender: Any, *, keep: int, drop: int, **_: Any) -> None:
    """A steward merged `drop` into `keep`: its leads go with its records (one open lead each
    still: the newer open one joins the older)."""
    Lead.objects.filter(customer_id=drop).update(customer_id=keep)
    open_leads = list(Lead.objects.filter(customer_id=keep).exclude(stage__in=CLOSED)
                      .order_by("id"))
    if len(open_leads) > 1:
        first, *rest = open_leads
        first.record_ids = [r for lead in open_leads for r in lead.record_ids]
        first.sources = list(dict.fromkeys(s for lead in open_leads for s in lead.sources))
        first.save(update_fields=["record_ids", "sources"])
        now = timezone.now()
        for lead in rest:
            Lead.objects.filter(pk=lead.pk).update(stage=Stage.LOST, lost_reason="merged",
                                                   closed_at=now, updated_at=now)
            LeadChange.objects.create(lead=lead, at=now, field="stage", old=lead.stage,
                                      new=Stage.LOST, reason=f"merged into lead {first.pk}")
    sync_reach([keep, drop])
    tally.refresh(set(Lead.objects.filter(customer_id=keep).values_list("dealer_code",
                                                                          flat=True)))
