"""What other apps hear about customers without this app knowing them (apps above it, such as
leads, keep rows by customer id)."""

from django.dispatch import Signal

# Sent in the merge's transaction after every record of `drop` moved to `keep`.
merged = Signal()  # keyword arguments: keep, drop
