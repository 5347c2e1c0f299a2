"""Masks keep enough to recognise a value and no more."""

from __future__ import annotations

import pytest

from autocrm.accounts.masking import mask


@pytest.mark.parametrize(("field", "value", "masked"), [
    ("phone", "13812345678", "138****5678"),
    ("id_number", "110101198503121234", "110101********1234"),
    ("unified_id", "91110105MA01ABCD2X", "911101********CD2X"),
    ("birth_date", "1985-03-12", "1985-**-**"),
    ("address", "北京市朝阳区建国路88号", "北京市朝阳区****"),
    ("address", "朝阳区", "朝****"),
    ("contact_person", "李娜 13700137000", "李******"),
    ("phones", ["13812345678", "13700137000"], ["138****5678", "137****7000"]),
    ("phone", "", ""),
    ("phone", None, None),
])
def test_mask(field: str, value: object, masked: object) -> None:
    assert mask(field, value) == masked
