"""A realistic lead history for the demo: the leads the load made are assigned to dealers and
salespeople, answered, followed up over the last months and moved along the funnel, as a
dealer network would have done; some overdue, some lost with a reason. Old leads nobody
followed (years-old enquiries) are closed as lost, as a lead clean-up would.

Dates are set in the past directly, in bulk: this fills a demo store, it is not how a person
changes a lead (that is `services`)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from autocrm.leads import funnel, questionnaire, services, tally
from autocrm.leads.models import CLOSED, FollowUp, Lead, LeadChange, Stage

RECENT_DAYS = 120  # leads of the last four months are worked; older open ones were closed
PATH = [Stage.CONTACTED, Stage.VISIT, Stage.TEST_DRIVE, Stage.QUOTE, Stage.ORDER]
ADVANCE = 0.55  # the chance a worked lead reaches the next stage
LOSE = 0.12  # the chance it is lost at a stage
OUTCOMES = ["约周末到店", "客户在比较竞品", "已发报价，等待回复", "客户要求优惠", "预约试驾",
            "暂不方便，下周再联系", "已加微信", "家人商量后决定"]
CHANNELS = [FollowUp.Channel.CALL, FollowUp.Channel.WECHAT, FollowUp.Channel.CALL,
            FollowUp.Channel.SMS]


@dataclass
class Filled:
    worked: int = 0
    closed_old: int = 0
    follow_ups: int = 0
    lost: int = 0


@transaction.atomic
def fill(salespeople: dict[str, list[int]], *, seed: int = 42,
         now: dt.datetime | None = None) -> Filled:
    """Work the open leads: `salespeople` maps dealer code -> user ids of its salespeople."""
    rng = random.Random(seed)
    now = now or timezone.now()
    form = questionnaire.load()
    out = Filled()
    dealers = sorted(salespeople)
    leads = list(Lead.objects.exclude(stage__in=CLOSED).order_by("id"))
    changes: list[LeadChange] = []
    follow_ups: list[FollowUp] = []
    for lead in leads:
        age = (now - lead.created_at).days
        if age > RECENT_DAYS:
            _close(lead, lead.created_at + dt.timedelta(days=60), "no_interest", changes)
            out.closed_old += 1
            continue
        out.worked += 1
        if dealers and not lead.dealer_code and age >= 1:  # today's wait in HQ's pool
            lead.dealer_code = rng.choice(dealers)
        users = salespeople.get(lead.dealer_code, [])
        if users and lead.owner_id is None:
            lead.owner_id = rng.choice(users)
        graded = questionnaire.grade(_answers(rng, form), form)
        services.apply_grade(lead, graded)
        at = lead.created_at + dt.timedelta(hours=rng.uniform(0.5, 30))
        for stage in PATH:
            if at >= now:
                break
            follow_ups.append(FollowUp(lead=lead, at=at, by_id=lead.owner_id,
                                       channel=rng.choice(CHANNELS), reached=True,
                                       outcome=rng.choice(OUTCOMES)))
            lead.first_contact_at = lead.first_contact_at or at
            if rng.random() < LOSE:
                _close(lead, at, rng.choice(list(funnel.LOST_REASONS)), changes)
                out.lost += 1
                break
            changes.append(LeadChange(lead=lead, at=at, by_id=lead.owner_id, field="stage",
                                      old=lead.stage, new=stage))
            lead.stage, lead.stage_at, lead.reached = stage, at, stage
            if rng.random() > ADVANCE:
                break
            at += dt.timedelta(days=rng.uniform(1, form.cycle(lead.grade) * 2))
        if lead.is_open:
            last = max((f.at for f in follow_ups if f.lead is lead), default=lead.created_at)
            # most are due in the coming days; a fifth are overdue, as in any real network
            late = rng.random() < 0.2
            lead.next_follow_up = (now - dt.timedelta(days=rng.uniform(0.5, 5)) if late else
                                   max(now, last) + dt.timedelta(days=rng.uniform(0.1, 6)))
        lead.updated_at = now
    out.follow_ups = len(follow_ups)
    Lead.objects.bulk_update(leads, ["dealer_code", "owner", "answers", "grade",
                                     "finance_interest", "trade_in_interest", "stage",
                                     "reached", "stage_at", "first_contact_at", "next_follow_up",
                                     "lost_reason", "closed_at", "updated_at"], batch_size=2000)
    FollowUp.objects.bulk_create(follow_ups, batch_size=2000)
    LeadChange.objects.bulk_create(changes, batch_size=2000)
    services.sync_reach({lead.customer_id for lead in leads})
    tally.refresh()
    return out


def _answers(rng: random.Random, form: questionnaire.Questionnaire) -> dict[str, str]:
    """Answers as salespeople collect them: most questions asked, some left blank."""
    return {q.field: rng.choice(q.choices).code for q in form.questions if rng.random() < 0.7}


def _close(lead: Lead, at: dt.datetime, reason: str, changes: list[LeadChange]) -> None:
    changes.append(LeadChange(lead=lead, at=at, by_id=lead.owner_id, field="stage",
                              old=lead.stage, new=Stage.LOST, reason=reason))
    lead.stage, lead.stage_at, lead.closed_at, lead.lost_reason = Stage.LOST, at, at, reason
    lead.next_follow_up = None
