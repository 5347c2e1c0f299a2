"""Reads of the dealers' quality issues, scoped by the dealer-code rule (`accounts.reach`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from autocrm.accounts.actor import Actor
from autocrm.accounts.reach import dealer_rows, reached_code, reaches_dealer
from autocrm.core.errors import NotFound
from autocrm.dealers.models import Dealer
from autocrm.quality.models import Issue
from autocrm.quality.rules import RULES
from autocrm.sources.models import Load


def rule_counts(load: Load) -> list[dict[str, Any]]:
    """Return each rule the load's rows broke: code, count, severity, explanation and fix."""
    counts = (Issue.objects.filter(load=load).values("rule")
              .annotate(n=Count("id")).order_by("-n", "rule"))
    out = []
    for row in counts:
        rule = RULES.get(row["rule"])
        out.append({
            "code": row["rule"], "count": row["n"],
            "severity": rule.severity if rule else "",
            "message": rule.message if rule else "",
            "fix": rule.fix if rule else "",
        })
    return out


def feedback_dealers(actor: Actor) -> list[dict[str, Any]]:
    """Return the dealers with loads the actor may see: code, name, loads, open and all issues."""
    scoped = dealer_rows(Load.objects.exclude(dealer_code=""), actor)
    per_load = dict(scoped.order_by().values_list("dealer_code").annotate(n=Count("id")))
    issues: dict[str, Any] = {
        row["dealer_code"]: row
        for row in dealer_rows(Issue.objects.exclude(dealer_code=""), actor).order_by()
        .values("dealer_code")
        .annotate(open=Count("id", filter=Q(resolved_by__isnull=True)), total=Count("id"))
    }
    codes = set(per_load) | set(issues)
    if mine := reached_code(actor):  # a dealer's own report, even before its first load
        codes.add(mine)
    names = dict(Dealer.objects.filter(code__in=codes).values_list("code", "name"))
    rows = [
        {"code": code, "name": names.get(code, ""), "loads": per_load.get(code, 0),
         "open": issues.get(code, {}).get("open", 0), "total": issues.get(code, {}).get("total", 0)}
        for code in codes
    ]
    return sorted(rows, key=lambda r: (-r["open"], r["code"]))


def get_dealer_code(code: str, actor: Actor) -> str:
    """Return a dealer code whose report the actor may read, or raise NotFound."""
    actor.require("dataops")
    if reaches_dealer(code, actor) and (Dealer.objects.filter(code=code).exists()
                                        or Load.objects.filter(dealer_code=code).exists()):
        return code
    raise NotFound(_("dealer %(id)s not found") % {"id": code})
