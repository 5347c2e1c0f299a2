"""Template filters naming source systems and feeds in the active language."""

from __future__ import annotations

from typing import Any

from django import template

from autocrm.sources.config import sources

register = template.Library()


@register.filter
def source_name(code: str) -> str:
    """Return a source system's name, or its code when it is not configured."""
    source = sources().get(code)
    return source.display_name if source else code


@register.filter
def feed_label(row: Any) -> str:
    """Return the label of a row's feed (anything with `source` and `feed`), else its code."""
    source = sources().get(row.source)
    feed = source.feeds.get(row.feed) if source else None
    return feed.display_label if feed else row.feed
