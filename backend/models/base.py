"""Declarative base, naming convention and the portable column types (exact Decimal, UTC datetimes)."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, MetaData, Numeric, CheckConstraint
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ExactDecimal(TypeDecorator):
    """Decimal stored exactly: NUMERIC on PostgreSQL, a scaled 64-bit integer on SQLite.

    SQLite has no decimal type and would keep NUMERIC as binary floats, so sums over a year of order
    lines would drift; scaled integers keep SUM exact there too.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, scale: int = 4, precision: int = 20):
        super().__init__()
        self.scale = scale
        self.precision = precision
        self._factor = Decimal(10) ** scale

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("ExactDecimal refuses float; pass Decimal")
        value = Decimal(value)
        if dialect.name == "sqlite":
            return int((value * self._factor).to_integral_value())
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale)
        return Decimal(value)

    def coerce_compared_value(self, op, value):
        return self

    @property
    def python_type(self):
        return Decimal

    def __repr__(self) -> str:
        return f"ExactDecimal(scale={self.scale}, precision={self.precision})"


def Money() -> ExactDecimal:  # noqa: N802 - reads as a column type
    return ExactDecimal(scale=4)


def Rate() -> ExactDecimal:  # noqa: N802
    return ExactDecimal(scale=8, precision=24)


def Percent() -> ExactDecimal:  # noqa: N802
    return ExactDecimal(scale=4, precision=9)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both backends (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware value")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def one_of(column: str, values: tuple[str, ...], name: str | None = None) -> CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or f"{column}_allowed")


def percent_range_checks(column: str) -> tuple[CheckConstraint, CheckConstraint]:
    """0 <= column <= 100 for a Percent column; on SQLite the stored value is scaled by 10^4."""
    name = f"{column}_range"
    return (
        CheckConstraint(f"{column} >= 0 AND {column} <= 100", name=name).ddl_if(dialect="postgresql"),
        CheckConstraint(f"{column} >= 0 AND {column} <= 1000000", name=name).ddl_if(dialect="sqlite"),
    )
