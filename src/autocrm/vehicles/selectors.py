"""Reads of vehicles: the 360° view's sections."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from django.db import connection

from autocrm.core import bulk

# The 360° view's sections; each takes the customer id as its only parameter.
OWNED = "SELECT vehicle_id FROM vehicles_ownership WHERE customer_id = %s"
VEHICLES_SQL = (
    "SELECT o.vehicle_id, o.start, o.\"end\", v.vin, v.plate, v.model, v.config, "
    "v.purchase_date, v.registration_date, v.first_service_date, v.insurance_start, "
    "v.insurance_end, v.dealer_code, v.lineage FROM vehicles_ownership o "
    "JOIN vehicles_vehicle v ON v.id = o.vehicle_id WHERE o.customer_id = %s ORDER BY o.start"
)
REPAIRS_SQL = (
    "SELECT vehicle_id, order_no, date, dealer_code, repair_type, mileage, items, parts, "
    f"amount, technician, advisor FROM vehicles_repairorder WHERE vehicle_id IN ({OWNED}) "
    "ORDER BY date DESC, id"
)
OWNERS_SQL = (
    'SELECT vehicle_id, customer_id, start, "end" FROM vehicles_ownership '
    f"WHERE vehicle_id IN ({OWNED}) ORDER BY start, id"
)


# The cars of customers (current and former owners alike), for search terms.
CARS_SQL = (
    "SELECT o.customer_id, v.vin, v.plate FROM vehicles_ownership o "
    "JOIN vehicles_vehicle v ON v.id = o.vehicle_id WHERE o.customer_id IN ({})"
)


def cars_of(customer_ids: Sequence[int]) -> pl.DataFrame:
    """Return customer_id, vin and plate of every car the customers own or owned."""
    return bulk.select_frame(CARS_SQL, customer_ids,
                             {"customer_id": pl.Int64, "vin": pl.Utf8, "plate": pl.Utf8})


CURRENT_SQL = (
    "SELECT o.customer_id, v.id, v.model, CAST(COALESCE(v.purchase_date, "
    'v.registration_date) AS TEXT), v.dealer_code FROM vehicles_ownership o '
    'JOIN vehicles_vehicle v ON v.id = o.vehicle_id WHERE o."end" IS NULL')
CURRENT = {"customer_id": pl.Int64, "vehicle_id": pl.Int64, "model": pl.Utf8,
           "bought": pl.Utf8, "dealer_code": pl.Utf8}


def current_cars(customer_ids: Sequence[int] | None = None) -> pl.DataFrame:
    """Return the current cars (of these customers, or of all): customer_id, vehicle_id,
    model, purchase date (the registration date where it is missing) and selling dealer."""
    if customer_ids is not None:
        frame = bulk.select_frame(CURRENT_SQL + " AND o.customer_id IN ({})", customer_ids,
                                  CURRENT)
    else:
        with connection.cursor() as cursor:
            cursor.execute(CURRENT_SQL)
            frame = pl.DataFrame(cursor.fetchall(), orient="row", schema=CURRENT)
    return frame.with_columns(pl.col("bought").str.to_date(strict=False))
