"""The sales funnel: the stages a lead may move to from each stage, and the lost reasons."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from autocrm.core.errors import InputError
from autocrm.leads.models import Stage

ORDER = [Stage.NEW, Stage.CONTACTED, Stage.VISIT, Stage.TEST_DRIVE, Stage.QUOTE, Stage.ORDER,
         Stage.DELIVERED]
# Forward only, steps may be skipped (a walk-in who test-drives at once); lost from any open
# stage; nothing out of delivered; out of lost only by reactivating (HQ's check call).
NEXT: dict[str, tuple[str, ...]] = {
    **{s.value: (*(t.value for t in ORDER[i + 1:-1]), Stage.LOST.value)
       for i, s in enumerate(ORDER[:-2])},
    Stage.ORDER.value: (Stage.DELIVERED.value, Stage.LOST.value),
    Stage.DELIVERED.value: (),
    Stage.LOST.value: (),
}
LOST_REASONS = {
    "price": gettext_lazy("Price"),
    "other_brand": gettext_lazy("Bought another brand"),
    "other_dealer": gettext_lazy("Bought at another dealer"),
    "no_interest": gettext_lazy("No longer interested"),
    "unreachable": gettext_lazy("Unreachable"),
}


def check(current: str, wanted: str) -> None:
    """Raise InputError (400) naming the allowed stages unless `current` may move to `wanted`."""
    if wanted not in NEXT:
        raise InputError(_("stage: %(value)r is not a stage (known: %(known)s)") % {
            "value": wanted, "known": ", ".join(NEXT)}, code="unknown_stage")
    if wanted not in NEXT[current]:
        allowed = ", ".join(NEXT[current]) or _("none")
        raise InputError(_("stage: a lead in %(current)s cannot move to %(wanted)s (allowed: "
                           "%(allowed)s)") % {"current": current, "wanted": wanted,
                                              "allowed": allowed}, code="bad_transition")


def furthest(reached: str, stage: str) -> str:
    """The further of two stages along the path (lost is not on it: it keeps `reached`)."""
    path = [s.value for s in ORDER]
    if stage not in path:
        return reached
    return stage if reached not in path or path.index(stage) > path.index(reached) else reached
