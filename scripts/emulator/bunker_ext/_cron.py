"""AWS cron expressions (six fields), as AWS Backup rules and EventBridge schedules use them.

``cron(minutes hours day-of-month month day-of-week year)`` — EventBridge User Guide, "Cron
expressions reference": one of day-of-month and day-of-week must be ``?``; day-of-week runs 1-7
from SUN (or SUN-SAT); months 1-12 or JAN-DEC; ``*``, lists, ranges and ``/`` steps in every
field; ``L`` (last day of the month), ``W`` and ``#`` exist too. ``parse`` checks the syntax;
``runs`` lists the start times that fall in a window, in the rule's time zone (UTC unless one
is named), which is all the emulator needs to run backup rules. ``W``, ``#`` and day-of-week
``L`` are accepted as syntax but not scheduled (``runs`` says so). ``rate(...)`` is not a cron
expression: the backup policy syntax page documents cron only.
"""
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_MONTHS = {m: i for i, m in enumerate(
    "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)}
_DAYS = {d: i for i, d in enumerate("SUN MON TUE WED THU FRI SAT".split(), start=1)}
_FIELDS = [  # name, low, high, names
    ("minutes", 0, 59, {}), ("hours", 0, 23, {}), ("day-of-month", 1, 31, {}),
    ("month", 1, 12, _MONTHS), ("day-of-week", 1, 7, _DAYS), ("year", 1970, 2199, {}),
]
_EXPR = re.compile(r"^cron\((.*)\)$")


class CronError(ValueError):
    pass


class Cron:
    def __init__(self, sets, last_day):
        self.minutes, self.hours, self.dom, self.months, self.dow, self.years = sets
        self.last_day = last_day  # day-of-month "L"

    def matches_day(self, d):
        if d.month not in self.months or d.year not in self.years:
            return False
        if self.dom is not None:
            if self.last_day:
                return (d + timedelta(days=1)).month != d.month
            return d.day in self.dom
        # isoweekday: MON=1..SUN=7; AWS: SUN=1..SAT=7
        return (d.isoweekday() % 7) + 1 in self.dow


def _value(token, low, high, names, field):
    token = token.upper()
    value = names.get(token) if names else None
    if value is None:
        if not token.isdigit():
            raise CronError(f"{field}: {token!r} is not a value")
        value = int(token)
    if not low <= value <= high:
        raise CronError(f"{field}: {value} is outside {low}-{high}")
    return value


def _field(text, low, high, names, field):
    if text == "?":
        return None
    out = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) < 1:
                raise CronError(f"{field}: bad step {step_text!r}")
            step = int(step_text)
        if part in ("*", ""):
            first, last = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            first, last = (_value(a, low, high, names, field),
                           _value(b, low, high, names, field))
        else:
            first = _value(part, low, high, names, field)
            last = high if step > 1 else first
        if first > last:
            raise CronError(f"{field}: range {part!r} runs backwards")
        out.update(range(first, last + 1, step))
    return out


def parse(expression):
    """A ``Cron`` for ``cron(...)``; CronError says what is wrong."""
    m = _EXPR.match(expression.strip()) if isinstance(expression, str) else None
    if not m:
        raise CronError("a schedule expression is cron(minutes hours day-of-month month "
                        "day-of-week year)")
    parts = m.group(1).split()
    if len(parts) != 6:
        raise CronError(f"cron expressions have 6 fields, {len(parts)} given")
    if (parts[2] == "?") == (parts[4] == "?"):
        raise CronError("exactly one of day-of-month and day-of-week must be '?'")
    sets = []
    last_day = False
    unsupported = []  # valid AWS syntax the emulator does not schedule
    for text, (name, low, high, names) in zip(parts, _FIELDS):
        if name in ("minutes", "hours", "month", "year") and text == "?":
            raise CronError(f"{name}: '?' is only for day-of-month or day-of-week")
        if name == "day-of-month" and text == "L":
            last_day = True
            sets.append(set())
            continue
        if name in ("day-of-month", "day-of-week") and re.search(r"[LW#]", text):
            if not re.fullmatch(r"(\d{1,2}W|LW|L|[1-7A-Za-z]{1,3}L|[1-7A-Za-z]{1,3}#[1-5])",
                                text):
                raise CronError(f"{name}: {text!r} is not a valid use of L, W or #")
            unsupported.append(f"{name} {text}")
            sets.append(set())
            continue
        sets.append(_field(text, low, high, names, name))
    cron = Cron(sets, last_day)
    cron.unsupported = unsupported
    return cron


def zone(name):
    if name in (None, "", "UTC", "Etc/UTC"):
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CronError(f"unknown time zone {name!r}") from None


def runs(cron, start, end, tz=timezone.utc):
    """Epoch seconds of every start in (start, end], computed in ``tz``."""
    if cron.unsupported:
        raise CronError(f"the emulator does not schedule {', '.join(cron.unsupported)}")
    first = datetime.fromtimestamp(start, tz).date() - timedelta(days=1)
    last = datetime.fromtimestamp(end, tz).date() + timedelta(days=1)
    out = []
    day = first
    hours, minutes = sorted(cron.hours), sorted(cron.minutes)
    while day <= last:
        if cron.matches_day(day):
            for h in hours:
                for mi in minutes:
                    local = datetime(day.year, day.month, day.day, h, mi, tzinfo=tz)
                    ts = local.timestamp()
                    if start < ts <= end:
                        out.append(ts)
        day += timedelta(days=1)
    return out
