"""Leads API: list, read, move along the funnel, follow up, answer the questionnaire.
Creating a lead (`POST /api/leads`) goes through the load pipeline: see autocrm.intake."""


import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from autocrm.accounts.access import requires
from autocrm.accounts.actor import actor_of
from autocrm.core.converters import DbId
from autocrm.leads import assignment, conversion, key_accounts, mining, selectors, services
from autocrm.leads.presenters import lead_out

router = Router(tags=["leads"])


class LeadOut(Schema):
    id: int
    customer_id: int
    contact_name: str
    stage: str
    stage_label: str
    grade: str
    grade_reason: str
    channel: str
    sources: list[str]
    intended_model: str
    dealer_code: str
    owner: str
    answers: dict[str, str]
    finance_interest: bool | None
    trade_in_interest: bool | None
    lost_reason: str
    lost_request: str
    lost_brand: str
    assigned_at: dt.datetime | None
    next_follow_up: dt.datetime | None
    first_contact_at: dt.datetime | None
    created_at: dt.datetime
    version: int
    allowed_stages: list[str]
    purchase_type: str
    won_record_id: int | None


class LeadPage(Schema):
    count: int
    leads: list[LeadOut]


class MoveIn(Schema):
    stage: str = Field(max_length=16)
    reason: str = Field("", max_length=32)
    brand: str = Field("", max_length=32)
    version: int | None = None


class AssignIn(Schema):
    lead_ids: list[int] | None = Field(None, max_length=100_000)


class AssignOut(Schema):
    assigned: int
    by_rule: dict[str, int]
    left: int
    dealers: int


class DealtOut(Schema):
    salespeople: dict[str, int]


class OwnerIn(Schema):
    owner: str = Field(max_length=150)
    version: int | None = None


class ReturnIn(Schema):
    reason: str = Field(max_length=32)
    version: int | None = None


class DecisionIn(Schema):
    approve: bool
    version: int | None = None


class ReactivateIn(Schema):
    note: str = Field("", max_length=255)


class FollowUpIn(Schema):
    channel: str = Field(max_length=12)
    reached: bool = True
    outcome: str = Field("", max_length=255)
    next_at: dt.datetime | None = None


class FollowUpOut(Schema):
    id: int
    lead_id: int
    channel: str
    reached: bool
    next_follow_up: dt.datetime | None


class AnswersIn(Schema):
    answers: dict[str, str]
    version: int | None = None


@router.get("", response=LeadPage)
@requires("leads")
def list_leads(request: HttpRequest, stage: str = Query("", max_length=16),
               grade: str = Query("", max_length=1),
               limit: int = Query(50, ge=1, le=500),
               offset: int = Query(0, ge=0, le=10_000_000)
               ) -> dict[str, Any]:
    """The leads the caller may see (a salesperson: their own), next follow-up first."""
    rows = selectors.visible(actor_of(request)).select_related("owner")
    if stage:
        rows = rows.filter(stage=stage)
    if grade:
        rows = rows.filter(grade=grade)
    page = rows.order_by("next_follow_up", "id")[offset:offset + limit]
    return {"count": rows.count(), "leads": [lead_out(lead) for lead in page]}


class MineIn(Schema):
    rule: str = Field(max_length=32)
    dry_run: bool = False


class MineOut(Schema):
    rule: str
    matched: int
    open_already: int
    created: int


@router.post("/mine", response=MineOut)
@requires("leads", "lead_assign")
def mine(request: HttpRequest, body: MineIn) -> dict[str, Any]:
    """HQ: owners matching a repurchase rule (leads/config/mining.toml) become leads in HQ's
    pool, except those with an open lead; `dry_run` only counts."""
    done, _found = mining.mine(actor_of(request), body.rule, dry_run=body.dry_run)
    return {"rule": body.rule, "matched": done.matched, "open_already": done.open_already,
            "created": done.created}


class KeyAccountOut(Schema):
    customer_id: int
    unified_id: str
    name: str
    phone: str
    kind: str
    kind_label: str
    cars: int
    models: list[str]
    dealers: list[str]
    open_leads: int
    responsible: str
    since: dt.date


class KeyAccountPage(Schema):
    count: int
    accounts: list[KeyAccountOut]


class ResponsibleIn(Schema):
    responsible: str = Field(max_length=150)


@router.get("/key-accounts", response=KeyAccountPage)
@requires("leads")
def list_key_accounts(request: HttpRequest, kind: str = Query("", max_length=16),
                      limit: int = Query(50, ge=1, le=500),
                      offset: int = Query(0, ge=0, le=10_000_000)) -> dict[str, Any]:
    """Key accounts in reach (companies, owners of several cars), largest fleets first, with
    their cars' models, dealers, open leads and responsible person; names and mobiles masked
    by role."""
    actor = actor_of(request)
    rows = key_accounts.visible(actor, kind)
    page = list(rows.order_by("-cars", "customer_id")[offset:offset + limit])
    return {"count": rows.count(), "accounts": key_accounts.rows_out(actor, page)}


@router.post("/key-accounts/{int:customer_id}/responsible", response=KeyAccountOut)
@requires("leads", "lead_assign")
def set_responsible(request: HttpRequest, customer_id: DbId,
                    body: ResponsibleIn) -> dict[str, Any]:
    """HQ names the person responsible for a key account."""
    actor = actor_of(request)
    account = key_accounts.set_responsible(actor, customer_id, body.responsible)
    return key_accounts.rows_out(actor, [account])[0]


class RateOut(Schema):
    key: str
    leads: int
    steps: list[float]
    won: float
    lost: float


class ConversionOut(Schema):
    by: str
    months: int
    steps: list[str]
    rows: list[RateOut]


@router.get("/conversion", response=ConversionOut)
@requires("leads")
def conversion_rates(request: HttpRequest, by: str = Query("channel", max_length=16),
                     months: int = Query(6, ge=1, le=36)) -> dict[str, Any]:
    """Of the leads in reach opened in the last `months` months, per source (channel),
    dealer, salesperson, model or month: the percentage that reached contacted, visit, test
    drive, quote and order, and that were won and lost."""
    rows = conversion.rates(selectors.visible(actor_of(request)), by, months)
    return {"by": by, "months": months, "steps": [s.value for s in conversion.STEPS],
            "rows": rows}


@router.get("/{int:lead_id}", response=LeadOut)
@requires("leads")
def get_lead(request: HttpRequest, lead_id: DbId) -> dict[str, Any]:
    """One lead the caller may see (404 otherwise)."""
    return lead_out(selectors.get_lead(lead_id, actor_of(request)))


@router.post("/{int:lead_id}/stage", response=LeadOut)
@requires("leads")
def move(request: HttpRequest, lead_id: DbId, body: MoveIn) -> dict[str, Any]:
    """Move the lead along the funnel (400 names the allowed stages; lost needs a reason;
    a stale `version` is 409)."""
    lead = services.move(actor_of(request), lead_id, body.stage, version=body.version,
                         reason=body.reason, brand=body.brand)
    return lead_out(lead)


@router.post("/assign", response=AssignOut)
@requires("leads", "lead_assign")
def assign(request: HttpRequest, body: AssignIn) -> dict[str, Any]:
    """HQ: give the pool (or `lead_ids` of it) to dealers by the rules of
    leads/config/assignment.toml: own dealer, then city, then province by capacity."""
    done = assignment.to_dealers(actor_of(request), body.lead_ids)
    return {"assigned": done.total, "by_rule": done.by_rule, "left": done.left,
            "dealers": done.dealers}


@router.post("/assign-salespeople", response=DealtOut)
@requires("leads", "lead_assign")
def assign_salespeople(request: HttpRequest, body: AssignIn) -> dict[str, Any]:
    """A dealer manager: deal the dealer's unowned open leads round its active salespeople."""
    return {"salespeople": assignment.to_salespeople(actor_of(request), body.lead_ids)}


@router.post("/{int:lead_id}/owner", response=LeadOut)
@requires("leads", "lead_assign")
def set_owner(request: HttpRequest, lead_id: DbId, body: OwnerIn) -> dict[str, Any]:
    """A dealer manager gives the lead to one salesperson (a stale `version` is 409)."""
    return lead_out(assignment.to_salesperson(actor_of(request), lead_id, body.owner,
                                              version=body.version))


@router.post("/{int:lead_id}/return", response=LeadOut)
@requires("leads")
def return_lead(request: HttpRequest, lead_id: DbId, body: ReturnIn) -> dict[str, Any]:
    """The dealer returns the lead to HQ's pool with a reason code."""
    return lead_out(assignment.return_to_pool(actor_of(request), lead_id, body.reason,
                                              version=body.version))


@router.post("/{int:lead_id}/lost-decision", response=LeadOut)
@requires("leads", "lead_assign")
def decide_lost(request: HttpRequest, lead_id: DbId, body: DecisionIn) -> dict[str, Any]:
    """The dealer manager approves (lead lost) or rejects a salesperson's lost request."""
    return lead_out(services.decide_lost(actor_of(request), lead_id, body.approve,
                                         version=body.version))


@router.post("/{int:lead_id}/reactivate", response=LeadOut)
@requires("leads", "lead_assign")
def reactivate(request: HttpRequest, lead_id: DbId, body: ReactivateIn) -> dict[str, Any]:
    """HQ reopens a lost lead after a check call; it returns to HQ's pool."""
    return lead_out(services.reactivate(actor_of(request), lead_id, body.note))


@router.post("/{int:lead_id}/follow-ups", response={201: FollowUpOut})
@requires("leads")
def follow_up(request: HttpRequest, lead_id: DbId, body: FollowUpIn) -> Status[Any]:
    """Log a follow-up; the next one is due at `next_at` or after the grade's cycle."""
    done = services.follow_up(actor_of(request), lead_id, channel=body.channel,
                              reached=body.reached, outcome=body.outcome, next_at=body.next_at)
    lead = selectors.get_lead(lead_id, actor_of(request))
    return Status(201, {"id": done.pk, "lead_id": lead.pk, "channel": done.channel,
                        "reached": done.reached, "next_follow_up": lead.next_follow_up})


@router.post("/{int:lead_id}/answers", response=LeadOut)
@requires("leads")
def answers(request: HttpRequest, lead_id: DbId, body: AnswersIn) -> dict[str, Any]:
    """Record questionnaire answers; the grade is recomputed and its change kept."""
    return lead_out(services.answer(actor_of(request), lead_id, body.answers,
                                    version=body.version))
