"""Who works a lead (L3): HQ's pool goes to dealers by the declarative rules of
config/assignment.toml, a dealer's leads to its salespeople in turn, by hand or returned.

Assigning is set-based: one read of the pool, of its customers' places and own dealers, the
choice made in Polars, one bulk update of the leads, their history and timeline in bulk.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from autocrm.accounts import staff
from autocrm.accounts.actor import Actor
from autocrm.core import audit, bulk
from autocrm.core.errors import Forbidden, InputError
from autocrm.customers import dealer_links
from autocrm.customers.selectors import places
from autocrm.dealers.models import Dealer
from autocrm.interactions import services as timeline
from autocrm.leads import questionnaire, selectors, tally
from autocrm.leads.models import CLOSED, AssignCursor, Lead, LeadChange
from autocrm.leads.services import BATCH, change, save, sync_reach

CONFIG = Path(__file__).parent / "config" / "assignment.toml"
RULES = ("own_dealer", "city", "province")


@dataclass(frozen=True)
class Rules:
    order: tuple[str, ...]
    own_relations: tuple[str, ...]
    protection_days: int
    hq_days: int
    return_reasons: tuple[tuple[str, str, str], ...]  # code, zh, en

    def reason_label(self, code: str) -> str:
        english = (get_language() or "").startswith("en")
        for known, zh, en in self.return_reasons:
            if known == code:
                return en if english else zh
        return code


@cache
def rules(path: Path = CONFIG) -> Rules:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    order = tuple(raw["rules"])
    unknown = [r for r in order if r not in RULES]
    if unknown:
        raise ValueError(f"{path}: rules: unknown rule {unknown[0]!r} (known: {RULES})")
    return Rules(order, tuple(raw["own_relations"]), int(raw["protection_days"]),
                 int(raw["escalation"]["hq_days"]),
                 tuple((c, zh, en) for c, (zh, en) in raw["return_reasons"].items()))


@dataclass
class Assigned:
    """What one run of the rules did."""

    by_rule: dict[str, int] = field(default_factory=dict)
    left: int = 0  # no dealer found: still in HQ's pool
    dealers: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_rule.values())


def _need(actor: Actor, hq: bool) -> None:
    if hq and (actor.dealer_side or not actor.can("lead_assign")):
        raise Forbidden(_("assigning HQ's pool needs the lead_assign right at HQ"),
                        code="forbidden")
    if not actor.can("lead_assign"):
        raise Forbidden(_("assigning leads needs the lead_assign right"), code="forbidden")


def weighted_turns(capacities: list[tuple[str, int]]) -> list[str]:
    """One round of smooth weighted round robin: each dealer appears as often as its
    capacity, spread out (capacities 2 and 1 give a, b, a)."""
    total = sum(c for _, c in capacities)
    current = {code: 0 for code, _cap in capacities}
    turns = []
    for _turn in range(total):
        for code, cap in capacities:
            current[code] += cap
        best = max(capacities, key=lambda d: (current[d[0]], -capacities.index(d)))[0]
        current[best] -= total
        turns.append(best)
    return turns


@transaction.atomic
def to_dealers(actor: Actor, lead_ids: list[int] | None = None) -> Assigned:
    """Give HQ's pool (or those of `lead_ids` in it) to dealers by the rules."""
    _need(actor, hq=True)
    config = rules()
    rows = Lead.objects.filter(dealer_code="").exclude(stage__in=CLOSED)
    if lead_ids is not None:
        rows = rows.filter(pk__in=lead_ids)
    pool = pl.DataFrame(
        list(rows.select_for_update(skip_locked=True).order_by("created_at", "id").values_list(
            "id", "customer_id", "returned_from", "version", "first_contact_at")),
        schema={"id": pl.Int64, "customer_id": pl.Int64, "returned_from": pl.Object,
                "version": pl.Int64, "first_contact_at": pl.Object}, orient="row")
    out = Assigned()
    if pool.is_empty():
        return out
    pool = pool.with_columns(pl.Series("returned", [list(x or []) for x in pool["returned_from"]],
                                       dtype=pl.List(pl.Utf8)),
                             pl.Series("contacted", [x is not None for x in
                                                     pool["first_contact_at"]]))
    open_dealers = pl.DataFrame(
        list(Dealer.objects.filter(leads_paused=False, lead_capacity__gt=0).values_list(
            "code", "city", "province", "lead_capacity")),
        schema={"dealer_code": pl.Utf8, "city": pl.Utf8, "province": pl.Utf8,
                "capacity": pl.Int64}, orient="row")
    customers = pool["customer_id"].unique().to_list()
    where = places(customers)
    left = pool.select("id", "customer_id", "returned").join(where, on="customer_id", how="left")
    chosen = []
    for rule in config.order:
        if left.is_empty():
            break
        if rule == "own_dealer":
            got = _own_dealer(left, customers, open_dealers, config)
        else:
            got = _region(left, open_dealers, rule)
        got = got.with_columns(pl.lit(rule).alias("rule"))
        chosen.append(got)
        out.by_rule[rule] = got.height
        left = left.join(got, on="id", how="anti")
    out.left = left.height
    if not chosen or not sum(c.height for c in chosen):
        return out
    picked = pl.concat(chosen).join(pool.select("id", "customer_id", "version", "contacted"),
                                    on="id")
    _write_dealers(actor, picked)
    out.dealers = picked["dealer_code"].n_unique()
    audit.record("lead_assign", "lead", "pool", actor=actor.user, count=picked.height,
                 by_rule=out.by_rule, left=out.left)
    return out


def _own_dealer(left: pl.DataFrame, customers: list[int], open_dealers: pl.DataFrame,
                config: Rules) -> pl.DataFrame:
    """The customer's most recent dealer of the own relations, if open and not returned by."""
    own = dealer_links.latest(customers, config.own_relations).join(
        open_dealers.select("dealer_code"), on="dealer_code", how="semi")
    return left.join(own, on="customer_id").filter(
        ~pl.col("returned").list.contains(pl.col("dealer_code"))
    ).unique("id", keep="first", maintain_order=True).select("id", "dealer_code")


def _region(left: pl.DataFrame, open_dealers: pl.DataFrame, level: str) -> pl.DataFrame:
    """Deal the leads of each city (or province) round the open dealers there, each as often
    as its capacity, carrying on from where the last run of that region stopped."""
    got = []
    dealers = open_dealers.filter(pl.col(level).is_not_null() & (pl.col(level) != ""))
    leads = left.filter(pl.col(level).is_not_null() & (pl.col(level) != "")).join(
        dealers.select(level).unique(), on=level, how="semi")
    for (place,), group in leads.group_by(level, maintain_order=True):
        here = dealers.filter(pl.col(level) == place).sort("dealer_code")
        turns = weighted_turns(list(here.select("dealer_code", "capacity").iter_rows()))
        cursor, _made = AssignCursor.objects.select_for_update().get_or_create(
            key=f"{level}:{place}"[:64])
        position = cursor.position
        picks = []
        for lead_id, returned in group.select("id", "returned").iter_rows():
            for step in range(len(turns)):  # skip a dealer that returned this lead
                code = turns[(position + step) % len(turns)]
                if code not in returned:
                    picks.append((lead_id, code))
                    position += step + 1
                    break
        cursor.position = position % len(turns)
        cursor.save(update_fields=["position"])
        got.append(pl.DataFrame(picks, schema={"id": pl.Int64, "dealer_code": pl.Utf8},
                                orient="row"))
    if not got:
        return pl.DataFrame(schema={"id": pl.Int64, "dealer_code": pl.Utf8})
    return pl.concat(got)


def _write_dealers(actor: Actor, picked: pl.DataFrame) -> None:
    """Write the chosen dealers, the first contact due, the history and the timeline."""
    now = timezone.now()
    table = Lead._meta.db_table
    with tally.tracking(picked["id"].to_list()):
        bulk.update_frame(table, "id", picked.select(
            "id", "dealer_code", pl.lit(now).alias("assigned_at"),
            pl.lit(now).alias("updated_at"), (pl.col("version") + 1).alias("version")))
        fresh = picked.filter(~pl.col("contacted")).select("id", "dealer_code")
        for (code,), leads in fresh.group_by("dealer_code"):  # first contact due from now
            due = questionnaire.first_contact_due(str(code), now)
            ids = leads["id"].to_list()
            for part in range(0, len(ids), 10_000):
                Lead.objects.filter(pk__in=ids[part:part + 10_000]).update(next_follow_up=due)
    by = actor.user if getattr(actor.user, "pk", None) else None
    LeadChange.objects.bulk_create(
        (LeadChange(lead_id=i, at=now, by=by, field="dealer", old="", new=d, reason=r)
         for i, d, r in picked.select("id", "dealer_code", "rule").iter_rows()),
        batch_size=BATCH)
    timeline.add_events(picked.select(
        "customer_id", pl.lit(None, pl.Utf8).alias("vin"), pl.lit("lead").alias("kind"),
        pl.lit(now).alias("occurred_at"), pl.lit("APP").alias("source"), "dealer_code",
        pl.lit(_("Assigned to a dealer")).alias("title"), pl.lit("").alias("summary"),
        pl.format('{{"lead": {}, "stage": "assigned", "by": "{}"}}', "id",
                  pl.lit(getattr(actor.user, "username", "system"))).alias("detail")))
    sync_reach(picked["customer_id"].unique().to_list())


@transaction.atomic
def to_salespeople(actor: Actor, lead_ids: list[int] | None = None) -> dict[str, int]:
    """Deal the manager's dealer's open leads that nobody owns round its active salespeople,
    carrying on from where the last round stopped; return leads per salesperson."""
    _need(actor, hq=False)
    dealer = actor.dealer_code
    if not dealer:
        raise InputError(_("dealer: only a dealer's manager deals leads to salespeople"),
                         code="no_dealer")
    people = staff.salespeople(dealer)
    if not people:
        raise InputError(_("salesperson: the dealer has no active salesperson"),
                         code="no_salesperson")
    rows = selectors.visible(actor).filter(owner__isnull=True).exclude(stage__in=CLOSED)
    if lead_ids is not None:
        rows = rows.filter(pk__in=lead_ids)
    leads = list(rows.select_for_update().order_by("created_at", "id"))
    if not leads:
        return {}
    cursor, _made = AssignCursor.objects.select_for_update().get_or_create(key=f"sales:{dealer}")
    now = timezone.now()
    dealt: dict[str, int] = {}
    for n, lead in enumerate(leads):
        person = people[(cursor.position + n) % len(people)]
        lead.owner, lead.updated_at, lead.version = person, now, lead.version + 1
        dealt[person.username] = dealt.get(person.username, 0) + 1
    cursor.position = (cursor.position + len(leads)) % len(people)
    cursor.save(update_fields=["position"])
    Lead.objects.bulk_update(leads, ["owner", "updated_at", "version"], batch_size=BATCH)
    LeadChange.objects.bulk_create(
        (LeadChange(lead=x, at=now, by=actor.user, field="owner", new=x.owner.username,
                    reason="round robin") for x in leads if x.owner), batch_size=BATCH)
    audit.record("lead_assign", "lead", dealer, actor=actor.user, count=len(leads),
                 salespeople=dealt)
    return dealt


@transaction.atomic
def to_salesperson(actor: Actor, lead_id: int, username: str, *,
                   version: int | None = None) -> Lead:
    """A manager gives one lead to one of the dealer's active salespeople (a stale `version`
    is 409: two managers at once, one wins)."""
    _need(actor, hq=False)
    lead = selectors.get_lead(lead_id, actor, for_update=True)
    person = next((p for p in staff.salespeople(lead.dealer_code) if p.username == username),
                  None)
    if person is None:
        raise InputError(_("owner: %(name)r is not an active salesperson of dealer %(dealer)s")
                         % {"name": username, "dealer": lead.dealer_code}, code="bad_owner")
    old = lead.owner.username if lead.owner else ""
    lead.owner = person
    save(lead, version, ["owner"])
    change(lead, actor, "owner", old, person.username, "by hand")
    audit.record("lead_owner", "lead", lead.pk, actor=actor.user,
                 customer_id=lead.customer_id, old=old, new=person.username)
    return lead


@transaction.atomic
def return_to_pool(actor: Actor, lead_id: int, reason: str, *,
                   version: int | None = None) -> Lead:
    """A dealer gives a lead back to HQ's pool, with a reason; the rules will not give it to
    that dealer again, and the dealer no longer reaches the customer through it."""
    config = rules()
    known = [c for c, _zh, _en in config.return_reasons]
    if reason not in known:
        raise InputError(_("reason: returning a lead needs one of %(known)s") % {
            "known": ", ".join(known)}, code="reason_required")
    lead = selectors.get_lead(lead_id, actor, for_update=True)
    if not actor.dealer_code or not lead.is_open:
        raise InputError(_("lead %(id)s: only an open lead of a dealer can be returned") % {
            "id": lead.pk}, code="not_returnable")
    dealer = lead.dealer_code
    lead.returned_from = [*lead.returned_from, dealer]
    lead.dealer_code, lead.owner, lead.assigned_at = "", None, None
    with tally.tracking([lead.pk]):
        save(lead, version, ["returned_from", "dealer_code", "owner", "assigned_at"])
    change(lead, actor, "dealer", dealer, "", reason)
    timeline.add_event(actor, lead.customer_id, "lead", title=_("Returned to HQ"),
                       detail={"lead": lead.pk, "stage": "returned",
                               "reason": config.reason_label(reason)}, dealer_code=dealer)
    audit.record("lead_return", "lead", lead.pk, actor=actor.user,
                 customer_id=lead.customer_id, dealer=dealer, reason=reason)
    sync_reach([lead.customer_id])
    return lead


def pool_summary() -> dict[str, Any]:
    """HQ's pool: open leads without a dealer, and the oldest one's age in hours."""
    rows = Lead.objects.filter(dealer_code="").exclude(stage__in=CLOSED)
    oldest = rows.order_by("created_at").values_list("created_at", flat=True).first()
    hours = int((timezone.now() - oldest).total_seconds() // 3600) if oldest else 0
    return {"count": rows.count(), "oldest_hours": hours}
