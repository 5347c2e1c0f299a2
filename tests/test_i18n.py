"""Both languages are complete: the catalogue is translated and compiled, and every label the
pages and the back office show (apps, models, fields, choices, admin columns and actions, source
systems, feeds, rules, roles) has an English text and a Chinese one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
from django.apps import apps
from django.contrib import admin
from django.utils import translation
from django.utils.functional import Promise

import autocrm

PO = Path(autocrm.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_compiled() -> None:
    po = polib.pofile(str(PO))
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    mo = {e.msgid: e.msgstr or e.msgstr_plural for e in polib.mofile(str(PO.with_suffix(".mo")))}
    for entry in po.translated_entries():
        assert mo[entry.msgid] == (entry.msgstr or entry.msgstr_plural), entry.msgid


def ours() -> list[Any]:
    return [c for c in apps.get_app_configs() if c.name.startswith("autocrm.")]


def labels() -> Iterator[tuple[str, Any]]:
    """Yield (where, label) for every label of our apps, models, fields, choices and admins."""
    for config in ours():
        yield f"app {config.label}", config.verbose_name
        for model in config.get_models():
            name = model._meta.label
            yield f"{name} verbose_name", model._meta.verbose_name
            yield f"{name} verbose_name_plural", model._meta.verbose_name_plural
            for field in model._meta.get_fields():
                if field.auto_created:
                    continue
                yield f"{name}.{field.name}", field.verbose_name
                for value, label in getattr(field, "flatchoices", None) or ():
                    yield f"{name}.{field.name}={value}", label
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("autocrm."):
            continue
        for column in model_admin.list_display:
            shown = getattr(model_admin, column, None) if isinstance(column, str) else column
            if callable(shown):
                yield f"{model.__name__} admin {column}", shown.short_description
        for action in model_admin.actions or ():
            described = getattr(model_admin, action).short_description
            yield f"{model.__name__} action {action}", described
    yield "site header", admin.site.site_header
    yield "index title", admin.site.index_title


def catalogue() -> dict[str, str]:
    return {e.msgid: e.msgstr for e in polib.pofile(str(PO)) if not e.msgid_plural}


@pytest.mark.parametrize(("where", "label"), list(labels()), ids=lambda v: str(v)[:60])
def test_every_back_office_label_is_a_translated_message(where: str, label: Any) -> None:
    assert isinstance(label, Promise), f"{where}: {label!r} is not marked for translation"
    with translation.override("en"):
        english = str(label)
    with translation.override("zh-hans"):
        chinese = str(label)
    assert catalogue()[english] == chinese and chinese != english, where


def test_the_back_office_has_labels_to_check() -> None:
    found = dict(labels())
    assert len(found) > 250
    assert "customers.Customer.key_type=ric" in found and "Issue action" not in found
    assert "HeldChange action approve" in found and "MergeProposal admin score_shown" in found


def test_every_source_and_feed_is_named_in_both_languages() -> None:
    from autocrm.sources.config import sources

    for source in sources().values():
        assert source.name_en and source.name_en != source.name, source.code
        for feed in source.feeds.values():
            assert feed.label_en and feed.label_en != feed.label, (source.code, feed.kind)
    web = sources()["WEB"]
    with translation.override("en"):
        assert (web.display_name, web.feeds["registration"].display_label) == (
            "Web, WeChat, app, forum", "Registered users")
    with translation.override("zh-hans"):
        assert (web.display_name, web.feeds["registration"].display_label) == (
            "官网/微信/APP/论坛", "注册用户")


def test_every_rule_explains_and_fixes_in_both_languages() -> None:
    from autocrm.quality.rules import RULES

    for rule in RULES.values():
        assert rule.message_en and rule.fix_en and rule.fix_en != rule.fix_zh, rule.code
    rule = RULES["PHONE_TOO_SHORT"]
    with translation.override("en"):
        assert (rule.message, rule.fix) == (
            "The mobile number has fewer than 11 digits and was removed",
            "Ask the customer and enter the full 11-digit mobile number")
    with translation.override("zh-hans"):
        assert (rule.message, rule.fix) == ("手机号码不足11位，已清除，请补全后重新上传",
                                            "向客户核实并填写完整的11位手机号码")


@pytest.mark.django_db
def test_every_role_and_department_has_an_english_name() -> None:
    from autocrm.accounts.models import Department, Role

    for row in [*Role.objects.all(), *Department.objects.all()]:
        assert row.name_en and row.name_en != row.name, row.code
    steward = Role.objects.get(code="data_steward")
    with translation.override("en"):
        assert str(steward) == "Data steward"
    with translation.override("zh-hans"):
        assert str(steward) == "数据管理员"
