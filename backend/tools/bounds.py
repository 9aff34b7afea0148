"""Bounds the tools' inputs share, so no input is unbounded: reference lengths taken from the columns they are
looked up in, and one range of dates every date and time must fall in."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator

from backend.models import Customer

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def column_length(*columns: Any) -> int:
    """The longest declared length among `columns` (ORM attributes): what a reference to them can sensibly be."""
    return max(column.property.columns[0].type.length for column in columns)


# A customer is named by code, name or e-mail; nothing longer can match one of them.
CUSTOMER_REFERENCE_LENGTH = column_length(Customer.code, Customer.name, Customer.email)


def _check_date(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(f"must be between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}")
    return value


# Dates far outside any business period overflow when moved between time zones; they are refused as input.
BoundedDate = Annotated[date, AfterValidator(_check_date)]
BoundedDateTime = Annotated[datetime, AfterValidator(_check_date)]
