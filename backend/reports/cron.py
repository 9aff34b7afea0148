"""Cron expressions (five fields, Vixie cron rules) evaluated in the company's time zone.

Small on purpose: minute hour day-of-month month day-of-week, with `*`, lists, ranges, steps, month and day
names (JAN, MON) and the @hourly/@daily/@weekly/@monthly/@yearly shorthands. As in Vixie cron, when both
day fields are restricted a day matches if either does ("0 8 1 * MON": the 1st, and every Monday).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from backend.errors import ValidationFailed

SHORTHANDS = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
              "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *"}
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# (name, lowest, highest, names for lowest..)
_FIELDS = (("minute", 0, 59, ()), ("hour", 0, 23, ()), ("day of month", 1, 31, ()), ("month", 1, 12, MONTHS),
           ("day of week", 0, 7, DAYS))
# A schedule that never fires ("0 0 30 2 *") is refused when it is parsed: no match within this many days.
SEARCH_DAYS = 366 * 5
HINT = ('Five fields: minute hour day-of-month month day-of-week, e.g. "0 8 * * MON" (08:00 every Monday), '
        '"30 7 1 * *" (07:30 on the 1st), "0 18 * * MON-FRI"; or @daily, @weekly, @monthly.')


def _bad(expression: str, why: str) -> ValidationFailed:
    return ValidationFailed(f"'{expression}' is not a cron schedule I understand: {why}.", hint=HINT)


def _value(token: str, low: int, names: tuple[str, ...], expression: str, field: str) -> int:
    upper = token.upper()
    if names and upper in names:
        return names.index(upper) + low
    if not token.isdigit():
        raise _bad(expression, f"'{token}' in the {field} field is neither a number nor a name")
    return int(token)


def _parse_field(text: str, field: str, low: int, high: int, names: tuple[str, ...], expression: str) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        if not part:
            raise _bad(expression, f"an empty item in the {field} field")
        body, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise _bad(expression, f"the step '/{step_text}' in the {field} field must be a positive number")
            step = int(step_text)
        if body == "*":
            start, end = low, high
        elif "-" in body:
            first, _, last = body.partition("-")
            start, end = (_value(first, low, names, expression, field), _value(last, low, names, expression, field))
        else:
            start = _value(body, low, names, expression, field)
            end = high if step_text else start
        if not (low <= start <= high and low <= end <= high):
            raise _bad(expression, f"{body} is outside {low}–{high} in the {field} field")
        if end < start:
            raise _bad(expression, f"the range {body} in the {field} field runs backwards")
        values.update(range(start, end + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class CronSchedule:
    expression: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    # A field starting with "*" leaves that side unrestricted: the day fields then combine with AND, else OR.
    any_day: bool
    any_weekday: bool

    def _day_matches(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        in_month, in_week = day.day in self.days, (day.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return in_month and in_week
        return in_month or in_week

    def next_after(self, moment: datetime, tz: ZoneInfo | timezone = timezone.utc) -> datetime:
        """The first firing time strictly after `moment` (aware), as an aware UTC datetime."""
        local = moment.astimezone(tz).replace(second=0, microsecond=0, tzinfo=None) + timedelta(minutes=1)
        day, first_minute = local.date(), local.hour * 60 + local.minute
        for _ in range(SEARCH_DAYS):
            if self._day_matches(day):
                for hour in self.hours[bisect.bisect_left(self.hours, first_minute // 60):]:
                    floor = first_minute % 60 if hour == first_minute // 60 else 0
                    index = bisect.bisect_left(self.minutes, floor)
                    if index < len(self.minutes):
                        return _to_utc(datetime.combine(day, time(hour, self.minutes[index])), tz)
            day, first_minute = day + timedelta(days=1), 0
        raise _bad(self.expression, "it never fires")

    def latest_at_or_before(self, moment: datetime, tz: ZoneInfo | timezone = timezone.utc) -> datetime | None:
        """The last firing time at or before `moment`, as an aware UTC datetime (None if none in five years)."""
        local = moment.astimezone(tz).replace(second=0, microsecond=0, tzinfo=None)
        day, last_minute = local.date(), local.hour * 60 + local.minute
        for _ in range(SEARCH_DAYS):
            if self._day_matches(day):
                for hour in reversed(self.hours[:bisect.bisect_right(self.hours, last_minute // 60)]):
                    ceiling = last_minute % 60 if hour == last_minute // 60 else 59
                    index = bisect.bisect_right(self.minutes, ceiling)
                    if index:
                        return _to_utc(datetime.combine(day, time(hour, self.minutes[index - 1])), tz)
            day, last_minute = day - timedelta(days=1), 24 * 60 - 1
        return None

    def count_between(self, after: datetime, until: datetime, tz: ZoneInfo | timezone = timezone.utc,
                      cap: int = 1000) -> int:
        """How many firing times fall in (after, until], counted up to `cap`."""
        count, cursor = 0, after
        while count < cap:
            cursor = self.next_after(cursor, tz)
            if cursor > until:
                break
            count += 1
        return count


def _to_utc(local: datetime, tz: ZoneInfo | timezone) -> datetime:
    return local.replace(tzinfo=tz).astimezone(timezone.utc)


def parse_cron(expression: str) -> CronSchedule:
    """Parse and check a cron expression; raises ValidationFailed that shows the accepted form."""
    text = " ".join((expression or "").split())
    fields = SHORTHANDS.get(text.lower(), text).split(" ")
    if len(fields) != 5:
        raise _bad(expression, f"it has {len(fields) if text else 0} field(s), not 5")
    parsed = [_parse_field(value, name, low, high, names, expression)
              for value, (name, low, high, names) in zip(fields, _FIELDS)]
    weekdays = frozenset(d % 7 for d in parsed[4])
    schedule = CronSchedule(expression=text, minutes=tuple(sorted(parsed[0])), hours=tuple(sorted(parsed[1])),
                            days=parsed[2], months=parsed[3], weekdays=weekdays,
                            any_day=fields[2].startswith("*"), any_weekday=fields[4].startswith("*"))
    schedule.next_after(datetime(2000, 1, 1, tzinfo=timezone.utc))  # refuses "0 0 30 2 *"
    return schedule
