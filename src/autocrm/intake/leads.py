"""`POST /api/leads`: one lead from the website, the mini-program, an auto-show tablet or the
app; idempotent with an `Idempotency-Key` header."""


import datetime as dt
import re
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from autocrm.accounts.access import requires
from autocrm.accounts.actor import Actor, actor_of
from autocrm.core import idempotency
from autocrm.core.errors import Conflict, InputError
from autocrm.customers.models import SearchTerm
from autocrm.leads import assignment, questionnaire
from autocrm.leads.api import LeadOut, router
from autocrm.leads.models import CLOSED, Lead
from autocrm.leads.presenters import lead_out
from autocrm.pipeline import batch
from autocrm.sources.models import SourceRecord

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


class LeadIn(Schema):
    name: str = Field("", max_length=64)
    phone: str = Field("", max_length=32)
    intended_model: str = Field("", max_length=64)
    source: str = Field(max_length=32)
    answers: dict[str, str] = Field(default_factory=dict)
    dealer_code: str = Field("", max_length=16)
    city: str = Field("", max_length=32)


def mobile(raw: str) -> str:
    """Return the 11-digit mobile of `raw` (+86, spaces and dashes allowed) or raise."""
    digits = re.sub(r"[\s\-()（）]", "", raw)
    digits = re.sub(r"^(?:\+?86|0086)(?=1[0-9]{10}$)", "", digits)
    if not MOBILE.match(digits):
        raise InputError(_("phone: %(value)r is not a mobile number") % {"value": raw},
                         code="bad_phone")
    return digits


@router.post("", response={201: LeadOut, 200: LeadOut})
@requires("leads")
def create_lead(request: HttpRequest, body: LeadIn) -> Status[Any]:
    """Create a lead (201), or add this channel to the person's open lead (200). The answer
    carries the lead's id, grade and stage. Send an `Idempotency-Key` header: a retry gets
    the first answer and creates nothing."""
    actor = actor_of(request)
    return Status(*idempotency.once(request, body.dict(), lambda: submit(actor, body)))


def submit(actor: Actor, body: LeadIn) -> tuple[int, dict[str, Any]]:
    """Check the lead, load its person through the pipeline, return (status, lead)."""
    if not body.phone.strip():
        raise InputError(_("phone: a lead needs a mobile number (a name alone cannot be "
                           "followed up)"), code="phone_required")
    phone = mobile(body.phone)
    form = questionnaire.load()
    model = questionnaire.check_model(body.intended_model, form)
    source = questionnaire.check_source(body.source, form)
    questionnaire.grade(body.answers, form)  # raises naming the answer outside the choices
    dealer = actor.dealer_code or body.dealer_code.strip()
    protect(phone, dealer)
    request_id = uuid.uuid4().hex
    row = {"request_id": request_id, "name": body.name.strip(),
           "contact_name": body.name.strip(), "phone": phone,
           "intended_model": model, "source": source, "city": body.city.strip(),
           "dealer_code": dealer, "event_date": timezone.localdate().isoformat(),
           **body.answers}
    report = batch.run_rows("LEAD", "api", [row], actor, name=f"LEAD-api-{request_id[:8]}")
    customer = SourceRecord.objects.filter(
        source="LEAD", feed="api", record_key=request_id, customer_id__isnull=False,
    ).values_list("customer_id", flat=True).first()
    if customer is None:
        raise InputError(_("the lead could not be stored: %(error)s") % {
            "error": report.files[0].error or _("its row was rejected")}, code="lead_rejected")
    lead = Lead.objects.filter(customer_id=customer).exclude(
        stage__in=CLOSED).select_related("owner").latest("id")
    created = report.leads.get("merged", 0) == 0
    return (201 if created else 200), lead_out(lead)


def protect(phone: str, dealer: str) -> None:
    """Refuse a mobile another dealer follows in an open lead of the protection window; say
    only that (never which dealer, nor who)."""
    if not dealer:
        return
    customers = SearchTerm.objects.filter(kind="phone", value=phone).values("customer_id")
    since = timezone.now() - dt.timedelta(days=assignment.rules().protection_days)
    taken = Lead.objects.filter(customer_id__in=customers, created_at__gte=since).exclude(
        stage__in=CLOSED).exclude(dealer_code__in=["", dealer]).exists()
    if taken:
        raise Conflict(_("phone: this customer is already followed by another dealer"),
                       code="lead_protected")
