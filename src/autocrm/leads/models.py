"""Leads along the sales funnel, their follow-ups and the history of every change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    VISIT = "visit", _("Showroom visit")
    TEST_DRIVE = "test_drive", _("Test drive")
    QUOTE = "quote", _("Quote")
    ORDER = "order", _("Order")
    DELIVERED = "delivered", _("Delivered")
    LOST = "lost", _("Lost")


class Grade(models.TextChoices):
    ORDERED = "O", _("O · ordered")
    DAYS_7 = "H", _("H · within 7 days")
    DAYS_15 = "A", _("A · within 15 days")
    DAYS_30 = "B", _("B · within 30 days")
    DAYS_90 = "C", _("C · within 90 days")
    NO_INTENT = "N", _("N · no intent")


class Lead(models.Model):
    """One person's interest in buying, from one or more channels, owned by HQ or a dealer."""

    customer_id = models.BigIntegerField(_("customer"))
    # the source records that brought it (a list row, an API call, a sign-up, an enquiry)
    record_ids = models.JSONField(_("source records"), default=list, blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    # the name as the lead gave it (王先生), which the golden record may not take
    contact_name = models.CharField(_("contact name"), max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=16)
    intended_model = models.CharField(_("intended model"), max_length=64, blank=True)
    dealer_code = models.CharField(_("dealer"), max_length=16, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("salesperson"))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices,
                             default=Stage.NEW)
    # the furthest stage of the path it got to (a lost lead keeps where it was lost)
    reached = models.CharField(_("furthest stage"), max_length=12, choices=Stage.choices,
                               default=Stage.NEW)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, default=Grade.DAYS_90)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    finance_interest = models.BooleanField(_("finance interest"), null=True)
    trade_in_interest = models.BooleanField(_("trade-in interest"), null=True)
    lost_reason = models.CharField(_("lost reason"), max_length=32, blank=True)
    # a salesperson's lost request waits for the dealer manager's approval (L3)
    lost_request = models.CharField(_("lost requested"), max_length=32, blank=True)
    lost_brand = models.CharField(_("bought brand"), max_length=32, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    # dealers that returned it to HQ's pool: the rules do not give it to them again
    returned_from = models.JSONField(_("returned by"), default=list, blank=True)
    # won from the data: the invoice or contract that closed it, and what kind of purchase
    won_record_id = models.BigIntegerField(_("won by record"), null=True, blank=True)
    purchase_type = models.CharField(_("purchase"), max_length=12, blank=True,
                                     choices=[("first", _("first purchase")),
                                              ("repurchase", _("repurchase")),
                                              ("trade_in", _("trade-in"))])
    next_follow_up = models.DateTimeField(_("next follow-up"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    stage_at = models.DateTimeField(_("in stage since"))
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = models.IntegerField(_("version"), default=1)  # a stale write is a 409

    class Meta:
        indexes = [
            models.Index(fields=["customer_id", "stage"], name="lead_customer"),
            models.Index(fields=["dealer_code", "stage"], name="lead_dealer"),
            models.Index(fields=["owner", "next_follow_up"], name="lead_owner"),
            models.Index(fields=["created_at"], name="lead_created"),
            models.Index(fields=["next_follow_up"], name="lead_due"),
        ]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_stage_display()} {self.grade}"

    @property
    def is_open(self) -> bool:
        return self.stage not in CLOSED


CLOSED = (Stage.DELIVERED, Stage.LOST)


class LeadChange(models.Model):
    """One change of a lead's stage, grade, dealer or owner: its history, never rewritten."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="changes",
                             verbose_name=_("lead"))
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    field = models.CharField(_("field"), max_length=16)
    old = models.CharField(_("old value"), max_length=64, blank=True)
    new = models.CharField(_("new value"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("lead change")
        verbose_name_plural = _("lead changes")

    def __str__(self) -> str:
        return f"{self.field}: {self.old} → {self.new}"


class FollowUp(models.Model):
    """One contact with the lead's person: how, what came of it, when the next is due."""

    class Channel(models.TextChoices):
        CALL = "call", _("Phone call")
        WECHAT = "wechat", _("WeChat")
        SMS = "sms", _("SMS")
        VISIT = "visit", _("Showroom visit")
        TEST_DRIVE = "test_drive", _("Test drive")
        QUOTE = "quote", _("Quote")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="follow_ups",
                             verbose_name=_("lead"))
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    reached = models.BooleanField(_("reached the customer"), default=True)
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)
    next_at = models.DateTimeField(_("next follow-up"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.at:%Y-%m-%d}"


class AssignCursor(models.Model):
    """Where the round robin of one region (or of one dealer's salespeople) stands."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    position = models.BigIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("assignment cursor")
        verbose_name_plural = _("assignment cursors")

    def __str__(self) -> str:
        return f"{self.key}: {self.position}"


class Tally(models.Model):
    """Leads per dealer, stage, furthest stage and heat: the funnel's figures, moved by each
    change of a lead (leads.tally), so no page counts a million."""

    dealer_code = models.CharField(_("dealer"), max_length=16)
    stage = models.CharField(_("stage"), max_length=12)
    reached = models.CharField(_("furthest stage"), max_length=12)
    hot = models.BooleanField(_("close to buying"))
    n = models.IntegerField(_("leads"))

    class Meta:
        indexes = [models.Index(fields=["dealer_code"], name="tally_dealer")]
        verbose_name = _("lead tally")
        verbose_name_plural = _("lead tallies")

    def __str__(self) -> str:
        return f"{self.dealer_code} {self.stage}: {self.n}"


class DueTally(models.Model):
    """Open leads per dealer and day their next follow-up falls due (local date)."""

    dealer_code = models.CharField(_("dealer"), max_length=16)
    day = models.DateField(_("day"))
    n = models.IntegerField(_("leads"))

    class Meta:
        indexes = [models.Index(fields=["dealer_code"], name="due_tally_dealer")]
        verbose_name = _("follow-up tally")
        verbose_name_plural = _("follow-up tallies")

    def __str__(self) -> str:
        return f"{self.dealer_code} {self.day}: {self.n}"


class KeyAccount(models.Model):
    """A company (USCC) or a customer with several cars (L7, T5), and who looks after it."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company account")
        SEVERAL_CARS = "several_cars", _("Several-car owner")

    customer_id = models.BigIntegerField(_("customer"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    cars = models.IntegerField(_("current cars"))
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("responsible"))
    since = models.DateField(_("key account since"))

    class Meta:
        ordering = ["-cars", "customer_id"]
        indexes = [models.Index(fields=["kind", "-cars", "customer_id"], name="key_account_kind"),
                   models.Index(fields=["-cars", "customer_id"], name="key_account_size")]
        verbose_name = _("key account")
        verbose_name_plural = _("key accounts")

    def __str__(self) -> str:
        return f"#{self.customer_id} {self.kind}"
