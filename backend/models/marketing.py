"""Marketing: campaigns and lead sources, with what they cost. Customers and opportunities name the campaign that
brought them (customers.campaign_id, opportunities.campaign_id), so acquisition cost is measured per channel."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Money, UTCDateTime, one_of, utcnow

# How a campaign reaches people; "referral" is word of mouth (usually with a small spend on rewards).
CAMPAIGN_CHANNELS = ("trade_fair", "google_ads", "facebook", "zalo", "email", "referral", "telesales", "other")


class Campaign(Base):
    """A campaign or lead source over a span of dates; `spend` is what it cost in `currency` (all of it, however
    it was paid)."""

    __tablename__ = "campaigns"
    __table_args__ = (
        one_of("channel", CAMPAIGN_CHANNELS),
        CheckConstraint("spend >= 0", name="spend_non_negative"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        Index("ix_campaigns_channel_start", "channel", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    spend: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
