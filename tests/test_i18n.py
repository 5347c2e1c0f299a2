"""The Chinese catalogue is complete and its compiled form is current."""

from __future__ import annotations

from pathlib import Path

import polib

import autocrm

PO = Path(autocrm.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_compiled() -> None:
    po = polib.pofile(str(PO))
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    mo = {e.msgid: e.msgstr or e.msgstr_plural for e in polib.mofile(str(PO.with_suffix(".mo")))}
    for entry in po.translated_entries():
        assert mo[entry.msgid] == (entry.msgstr or entry.msgstr_plural), entry.msgid
