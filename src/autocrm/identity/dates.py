"""Read the date fields of a table as dates, in a declared format or the one that fits."""

from __future__ import annotations

import polars as pl

from autocrm.identity.config import FieldSpec

# Tried in this order when a field declares no format; the first that reads the most wins.
FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y.%m.%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y",
           "%d-%m-%Y", "%Y年%m月%d日")
SAMPLE = 10_000


def parse_dates(frame: pl.DataFrame, fields: list[FieldSpec], warnings: list[str]) -> pl.DataFrame:
    """Turn each date field's text into a Date column; unreadable values become empty."""
    columns = []
    for spec in fields:
        values = frame[spec.name]
        form = spec.format or _guess(values, spec.name, warnings)
        if form is None:
            continue
        parsed = values.str.strptime(pl.Date, form, strict=False)
        bad = int((parsed.is_null() & values.is_not_null()).sum())
        if bad:
            examples = ", ".join(values.filter(parsed.is_null() & values.is_not_null())
                                 .unique(maintain_order=True).head(3).to_list())
            warnings.append(f"field '{spec.name}': {bad} values are not dates in format "
                            f"{form} (e.g. {examples}); read as empty")
        columns.append(parsed.alias(spec.name))
    return frame.with_columns(columns) if columns else frame


def _guess(values: pl.Series, name: str, warnings: list[str]) -> str | None:
    """The format that reads the most of a sample; None (values kept as text) when none does."""
    sample = values.drop_nulls().head(SAMPLE)
    if sample.is_empty():
        return None
    read = {f: int(sample.str.strptime(pl.Date, f, strict=False).is_not_null().sum())
            for f in FORMATS}
    best = max(FORMATS, key=lambda f: read[f])  # max keeps the first of equals
    if read[best] == 0:
        warnings.append(f"field '{name}': no date format fits (e.g. {sample[0]}); compared as "
                        "text; declare `format` on the field")
        return None
    tied = [f for f in FORMATS if f != best and read[f] == read[best]]
    if tied:
        warnings.append(f"field '{name}': formats {best} and {tied[0]} read the values "
                        f"equally; using {best}; declare `format` on the field to choose")
    return best
