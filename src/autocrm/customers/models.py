"""The golden customer, its lineage and the changes held for a steward."""

from django.conf import settings
from django.db import models

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


class Customer(models.Model):
    """One real customer: a person or a company, whatever the sources call them."""

    class KeyType(models.TextChoices):
        RIC = "ric", "身份证号"
        USCC = "uscc", "统一社会信用代码"
        INTERNAL = "internal", "内部编号"

    id = models.BigIntegerField(primary_key=True)
    unified_id = models.CharField("统一客户标识", max_length=32)
    key_type = models.CharField(max_length=8, choices=KeyType.choices)
    kind = models.CharField("类型", max_length=8, default="person")
    name = models.CharField("姓名", max_length=128, blank=True)
    name_pinyin = models.CharField(max_length=256, blank=True)
    id_number = models.CharField("证件号码", max_length=18, blank=True)
    gender = models.CharField("性别", max_length=1, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    phone = models.CharField("手机", max_length=11, blank=True)
    phones = WrittenJSONField("全部手机", default=list, blank=True)
    province = models.CharField("省份", max_length=32, blank=True)
    city = models.CharField("城市", max_length=32, blank=True)
    address = models.CharField("详细地址", max_length=255, blank=True)
    occupation = models.CharField("职业", max_length=64, blank=True)
    employer = models.CharField("工作单位", max_length=128, blank=True)
    interests = models.CharField("兴趣爱好", max_length=255, blank=True)
    contact_person = models.CharField("联系人", max_length=128, blank=True)
    relatives = models.CharField("亲属", max_length=255, blank=True)
    lineage = WrittenJSONField("数据来源", default=dict, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

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
        verbose_name = "客户"
        verbose_name_plural = "客户"

    def __str__(self) -> str:
        return f"#{self.id} {self.name}"


class CustomerDealer(models.Model):
    """A dealer the customer is related to, and how."""

    # Indexed as the first column of the unique constraint, not on its own as well.
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="dealers",
                                 db_index=False)
    dealer_code = models.CharField(max_length=16)
    relation = models.CharField(max_length=16)
    first_at = models.DateField(null=True)
    last_at = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "dealer_code", "relation"], name="uniq_customer_dealer"
            )
        ]
        indexes = [models.Index(fields=["dealer_code", "customer"])]


class HeldChange(models.Model):
    """A doubtful change to a trusted value, not applied until a steward decides (D6)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="held_changes")
    field = models.CharField("字段", max_length=32)
    current_value = models.CharField("当前值", max_length=255, blank=True)
    proposed_value = models.CharField("新值", max_length=255)
    record_id = models.BigIntegerField("源记录")
    load = models.ForeignKey("sources.Load", on_delete=models.PROTECT)
    reason = models.CharField("原因", max_length=255)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "待审核变更"
        verbose_name_plural = "待审核变更"


class SearchTerm(models.Model):
    """One way an agent may type a customer: a phone, its reversed digits (for the last four),
    a VIN and its reversed tail, a plate with and without its province, an ID number, the
    name, its full pinyin and its initials. Derived from the golden row and the customer's
    cars by `customers.search_terms`; read by `customers.search` through one index."""

    # No database constraint: the terms are derived and rebuilt with their customers, and
    # checking ten million rows' keys would only slow a first load.
    customer = models.ForeignKey(Customer, on_delete=models.DO_NOTHING, db_index=False,
                                 db_constraint=False, related_name="+")
    kind = models.CharField(max_length=12)
    value = models.CharField(max_length=160)

    class Meta:
        # (kind, value) answers equality and prefix lookups; the customer index serves the
        # refresh of one customer's terms and the scope join.
        indexes = [
            models.Index(fields=["kind", "value"], name="search_term_value",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops"]),
            models.Index(fields=["customer"], name="search_term_customer"),
        ]
        verbose_name = "搜索词"
        verbose_name_plural = "搜索词"

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
