"""Create the departments and roles of the brand and its dealers (editable in the admin)."""

from django.db import migrations

DEPARTMENTS = [
    ("hq_crm", "客户关系管理部", "HQ CRM", False),
    ("hq_data", "数据管理组", "HQ data stewardship", False),
    ("hq_callcentre", "呼叫中心", "HQ call centre", False),
    ("hq_finance", "金融衍生部", "HQ finance & insurance", False),
    ("hq_analytics", "数据分析组", "HQ analytics", False),
    ("hq_marketing", "市场部", "HQ marketing", False),
    ("it", "信息技术部", "IT", False),
    ("dealer", "经销商", "Dealers", True),
]

# code, name, English name, department, contact level, identity level, yes/no rights
ROLES = [
    ("crm_manager", "客户关系经理", "CRM manager", "hq_crm", "reveal", "reveal",
     "profile finance repair complaints export dataops"),
    ("data_steward", "数据管理员", "Data steward", "hq_data", "reveal", "reveal",
     "profile finance repair complaints export steward dataops"),
    ("cc_agent", "呼叫中心坐席", "Call-centre agent", "hq_callcentre", "full", "masked",
     "profile repair complaints"),
    ("fi_specialist", "金融保险专员", "Finance & insurance specialist", "hq_finance", "full",
     "full", "profile finance"),
    ("analyst", "数据分析师", "Analyst", "hq_analytics", "masked", "masked",
     "profile finance repair complaints export"),
    ("marketing", "市场专员", "Marketing specialist", "hq_marketing", "masked", "hidden",
     "profile export"),
    ("it_admin", "IT 管理员", "IT administrator", "it", "hidden", "hidden", "user_admin audit"),
    ("dealer_manager", "经销商总经理", "Dealer manager", "dealer", "reveal", "masked",
     "profile repair complaints export dataops"),
    ("dealer_sales", "销售顾问", "Salesperson", "dealer", "reveal", "masked", "profile"),
    ("dealer_service", "服务顾问", "Service advisor", "dealer", "reveal", "masked",
     "profile repair complaints"),
]


def create(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    Role = apps.get_model("accounts", "Role")
    depts = {}
    for code, name, name_en, is_dealer in DEPARTMENTS:
        depts[code] = Department.objects.create(
            code=code, name=name, name_en=name_en, is_dealer=is_dealer)
    for code, name, name_en, dept, contact, identity, flags in ROLES:
        Role.objects.create(code=code, name=name, name_en=name_en, department=depts[dept],
                            contact=contact, identity=identity,
                            **{flag: True for flag in flags.split()})


def remove(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(code__in=[r[0] for r in ROLES]).delete()
    apps.get_model("accounts", "Department").objects.filter(
        code__in=[d[0] for d in DEPARTMENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
