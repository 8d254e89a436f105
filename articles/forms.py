"""The admin's publication date and time boxes, made whole for the hour that repeats each autumn.

Django refuses any local time that happens twice (when clocks go back) or never (when they
go forward) with a generic "may be ambiguous" error, and gives the editor no way to enter
the repeated hour. Here the time box also takes the zone abbreviation or offset ("01:30 EDT",
"01:30 EST", "01:30 -05:00") and shows it when the stored time falls in that hour.
"""

import re
from datetime import UTC, datetime, timedelta

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.utils import formats, timezone

_SUFFIX_RE = re.compile(r"^(?P<time>\S+)\s+(?P<zone>[A-Za-z]{2,6}|[+-]\d{2}:?\d{2})$")


class _TimeWithZone(forms.TimeField):
    """A time, optionally followed by a zone abbreviation or offset: cleans to (time, zone or "")."""

    def to_python(self, value):
        value = (value or "").strip()
        match = _SUFFIX_RE.match(value)
        zone = match["zone"] if match else ""
        parsed = super().to_python(match["time"] if match else value)
        return None if parsed is None else (parsed, zone)


class _SplitDateTimeWithZone(AdminSplitDateTime):
    def decompress(self, value):
        if not value:
            return [None, None]
        local = timezone.localtime(value)
        shown = formats.localize_input(local.time().replace(microsecond=0), formats.get_format("TIME_INPUT_FORMATS")[0])
        if _happens_twice(local.replace(tzinfo=None), local.tzinfo):
            shown = f"{shown} {local.tzname()}"
        return [local.date(), shown]


class LocalDateTimeField(forms.SplitDateTimeField):
    widget = _SplitDateTimeWithZone

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        date_field, time_field = self.fields
        self.fields = (date_field, _TimeWithZone(input_formats=time_field.input_formats))

    def compress(self, data_list):
        if not data_list:
            return None
        day, time_and_zone = data_list
        if day in self.empty_values or time_and_zone in self.empty_values:
            return super().compress(data_list)  # the usual "enter a date/time" messages
        moment, zone = time_and_zone
        return aware(datetime.combine(day, moment), zone, timezone.get_current_timezone())


def _happens_twice(naive: datetime, tz) -> bool:
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    return first.utcoffset() != second.utcoffset() and _exists(first) and _exists(second)


def aware(naive: datetime, zone: str, tz) -> datetime:
    """`naive` local time in `tz`; `zone` ("EDT", "-04:00") says which one when the hour happens twice."""
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        if zone and not _matches(first, zone):
            raise ValidationError(f"{naive:%H:%M} on that day is {first.tzname()}, not {zone}.", code="wrong_zone")
        return first
    when = f"{naive:%H:%M} on {naive:%B} {naive.day}, {naive.year}"
    if _exists(first) and _exists(second):  # clocks went back: the hour happens twice
        for candidate in (first, second):
            if zone and _matches(candidate, zone):
                return candidate
        raise ValidationError(
            f"{when} happens twice (the clocks go back). Type {naive:%H:%M} {first.tzname()} "
            f"for the first time or {naive:%H:%M} {second.tzname()} for the second.",
            code="ambiguous_time",
        )
    later = first.astimezone(UTC).astimezone(tz)
    raise ValidationError(
        f"{when} does not exist (the clocks go forward). Did you mean {later:%H:%M}?", code="nonexistent_time"
    )


def _exists(moment: datetime) -> bool:
    """Whether the local time reads the same after a round trip through UTC (a time in the spring gap does not)."""
    back = moment.astimezone(UTC).astimezone(moment.tzinfo)
    return back.replace(tzinfo=None, fold=0) == moment.replace(tzinfo=None, fold=0)


def _matches(moment: datetime, zone: str) -> bool:
    if zone[0] in "+-":
        hours, minutes = int(zone[1:3]), int(zone[-2:])
        offset = timedelta(hours=hours, minutes=minutes) * (1 if zone[0] == "+" else -1)
        return moment.utcoffset() == offset
    return (moment.tzname() or "").upper() == zone.upper()
