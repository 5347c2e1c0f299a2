"""Reads of the timeline: the 360° view's section, one customer's entries newest first."""

from __future__ import annotations

# The 360° view's timeline section; its one parameter is the customer id.
TIMELINE_SQL = (
    "SELECT occurred_at, kind, source, title, summary, dealer_code, vin, record_id, detail "
    "FROM interactions_interaction WHERE customer_id = %s ORDER BY occurred_at DESC, id"
)
