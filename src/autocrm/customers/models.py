"""The golden customer, its lineage and the changes held for a steward."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from autocrm.core.fields import WrittenJSONField

PROFILE_FIELDS = (
    "name",
    "id_number",
    "gender",
    "birth_date",
    "phone",
    "province",
    "city",
    "address",
    "occupation",
    "employer",
    "interests",
    "contact_person",
    "relatives",
)

KINDS = [("person", _("person")), ("company", _("company"))]
GENDERS = [("M", _("male")), ("F", _("female"))]


class Customer(models.Model):
    """One real customer: a person or a company, whatever the sources call them."""

    class KeyType(models.TextChoices):
        RIC = "ric", _("Resident ID number")
        USCC = "uscc", _("Unified social credit code")
        INTERNAL = "internal", _("Internal number")

    id = models.BigIntegerField(_("ID"), primary_key=True)
    unified_id = models.CharField(_("Unified ID"), max_length=32)
    key_type = models.CharField(_("Key type"), max_length=8, choices=KeyType.choices)
    kind = models.CharField(_("Type"), max_length=8, default="person", choices=KINDS)
    name = models.CharField(_("Name"), max_length=128, blank=True)
    name_pinyin = models.CharField(_("Name in pinyin"), max_length=256, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    gender = models.CharField(_("Gender"), max_length=1, blank=True, choices=GENDERS)
    birth_date = models.DateField(_("Date of birth"), null=True, blank=True)
    phone = models.CharField(_("Mobile"), max_length=11, blank=True)
    phones = WrittenJSONField(_("All mobiles"), default=list, blank=True)
    province = models.CharField(_("Province"), max_length=32, blank=True)
    city = models.CharField(_("City"), max_length=32, blank=True)
    address = models.CharField(_("Address"), max_length=255, blank=True)
    occupation = models.CharField(_("Occupation"), max_length=64, blank=True)
    employer = models.CharField(_("Employer"), max_length=128, blank=True)
    interests = models.CharField(_("Interests"), max_length=255, blank=True)
    contact_person = models.CharField(_("Contact person"), max_length=128, blank=True)
    relatives = models.CharField(_("Relatives"), max_length=255, blank=True)
    lineage = WrittenJSONField(_("Lineage"), default=dict, blank=True)
    created_at = models.DateTimeField(_("Created"))
    updated_at = models.DateTimeField(_("Updated"))

    class Meta:
        ordering = ["id"]
        # One index per column, for the lookups made: `unique` and `db_index` on a CharField
        # add a LIKE (pattern-ops) twin on PostgreSQL, a second index every update writes.
        # Unified id, ID number and phone are looked up by equality; name and initials also by
        # prefix, which the pattern-ops index serves on PostgreSQL (equality too). Other
        # databases ignore `opclasses`: a plain index, which SQLite reads for both.
        constraints = [models.UniqueConstraint(fields=["unified_id"], name="customer_unified_id")]
        indexes = [
            models.Index(fields=["id_number"], name="customer_id_number"),
            models.Index(fields=["phone"], name="customer_phone"),
            models.Index(fields=["name"], name="customer_name", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name_pinyin"], name="customer_name_pinyin",
                         opclasses=["varchar_pattern_ops"]),
        ]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return f"#{self.id} {self.name}"


class CustomerDealer(models.Model):
    """A dealer the customer is related to, and how."""

    # Indexed as the first column of the unique constraint, not on its own as well.
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="dealers",
                                 db_index=False, verbose_name=_("Customer"))
    dealer_code = models.CharField(_("Dealer"), max_length=16)
    relation = models.CharField(_("Relation"), max_length=16)
    first_at = models.DateField(_("First"), null=True)
    last_at = models.DateField(_("Last"), null=True)

    class Meta:
        verbose_name = _("dealer relation")
        verbose_name_plural = _("dealer relations")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "dealer_code", "relation"], name="uniq_customer_dealer"
            )
        ]
        indexes = [models.Index(fields=["dealer_code", "customer"])]

    def __str__(self) -> str:
        return f"#{self.customer_id} {self.dealer_code} {self.relation}"


class HeldChange(models.Model):
    """A doubtful change to a trusted value, not applied until a steward decides (D6)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Declined")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="held_changes",
                                 verbose_name=_("Customer"))
    field = models.CharField(_("Field"), max_length=32)
    current_value = models.CharField(_("Current value"), max_length=255, blank=True)
    proposed_value = models.CharField(_("Proposed value"), max_length=255)
    record_id = models.BigIntegerField(_("Source record"))
    load = models.ForeignKey("sources.Load", on_delete=models.PROTECT, verbose_name=_("Load"))
    reason = models.CharField(_("Reason"), max_length=255)
    status = models.CharField(_("Status"), max_length=8, choices=Status.choices,
                              default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("Decided by")
    )
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("Created"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("held change")
        verbose_name_plural = _("held changes")

    def __str__(self) -> str:
        return f"#{self.customer_id} {self.field}"


class SearchTerm(models.Model):
    """One way an agent may type a customer: a phone, its reversed digits (for the last four),
    a VIN and its reversed tail, a plate with and without its province, an ID number, the
    name, its full pinyin and its initials. Derived from the golden row and the customer's
    cars by `customers.search_terms`; read by `customers.search` through one index."""

    # No database constraint: the terms are derived and rebuilt with their customers, and
    # checking ten million rows' keys would only slow a first load.
    customer = models.ForeignKey(Customer, on_delete=models.DO_NOTHING, db_index=False,
                                 db_constraint=False, related_name="+", verbose_name=_("Customer"))
    kind = models.CharField(_("Term kind"), max_length=12)
    value = models.CharField(_("Value"), max_length=160)

    class Meta:
        # (kind, value) answers equality and prefix lookups; the customer index serves the
        # refresh of one customer's terms and the scope join.
        indexes = [
            models.Index(fields=["kind", "value"], name="search_term_value",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["customer"], name="search_term_customer"),
        ]
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
