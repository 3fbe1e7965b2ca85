"""Service metrics on a ticket table (NPS, CSAT, CES, FCR, FRT, AHT, CRR, AOV, QA...), vectorised.

The ticket table has the kit's fields (``widgets.workshops.metrics.tickets.FIELDS``): one row per
issue, with ``ticket_id``, ``customer_id``, ``created_at`` and, when the data has
them, ``first_response_at``, ``resolved_at``, ``channel``, ``team``, ``agent``,
``handle_seconds`` (talk + hold + after-contact work over all the ticket's
contacts), ``contacts`` (customer contacts about the issue), ``reopened``,
``nps`` (0-10), ``csat`` (1-5), ``ces`` (1-7, 7 = "very easy"), ``qa_score``
(0-100), ``order_id`` and ``order_value``.

Every formula is written once, as per-ticket parts summed per group with
``numpy.bincount``: one metric over all tickets, by channel, by week or by team
runs the same code, fast enough for a million tickets. A metric that cannot be
computed (an empty group, nobody answered, the column is absent) is NaN with a
``reason``, an interface-string key (``metrics.reason_*``); empty answers are
never read as zeros: they are counted in ``missing``.

>>> import pandas as pd
>>> t = pd.DataFrame({"nps": [10, 9, 7, 3, None]})
>>> f = nps(t)
>>> f.value, f.n, f.missing
(25.0, 4, 1)
>>> by(pd.DataFrame({"csat": [5, 2, None], "channel": ["chat", "chat", "email"]}), "CSAT", "channel")["value"].tolist()
[50.0, nan]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Groupings derived from ``created_at``; any other name is a column of the table.
PERIODS = ("day", "week", "month", "quarter")
DAY_NS = 86_400 * 10**9
#: An FCR window: a further contact within this many days means the issue was not solved at once.
FCR_WINDOW_DAYS = 7


@dataclass(frozen=True)
class Figure:
    """One metric over a set of tickets, with what it rests on.

    ``value`` is NaN when it cannot be computed and ``reason`` (an interface-string
    key) says why; ``n`` counts what it rests on (answers, tickets, contacts,
    orders, customers); ``missing`` counts tickets in scope left out because the
    field was empty; ``detail`` holds the companion figures (p90, shares, method).
    """

    metric: str
    value: float
    n: int
    missing: int = 0
    reason: str | None = None
    detail: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not np.isnan(self.value)


@dataclass(frozen=True)
class BusinessHours:
    """Opening hours for durations "in business hours": ``start``/``end`` in hours, days Monday=0.

    >>> BusinessHours(9, 17).seconds_per_day
    28800
    """

    start: float = 9
    end: float = 18
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    holidays: tuple[str, ...] = ()

    @property
    def seconds_per_day(self) -> int:
        return int(round((self.end - self.start) * 3600))

    def weekmask(self) -> str:
        return "".join("1" if d in self.weekdays else "0" for d in range(7))


# --- reading columns -----------------------------------------------------------------


def _floats(df: pd.DataFrame, name: str) -> np.ndarray:
    return df[name].to_numpy(dtype="float64", na_value=np.nan)


def _codes(s: pd.Series) -> np.ndarray:
    """Integer codes of an id column (-1 for empty); categorical columns, as the loader makes them, cost nothing."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy().astype(np.int64)
    return pd.factorize(s)[0].astype(np.int64)


def _ns(df: pd.DataFrame, name: str) -> np.ndarray:
    """Timestamps as int64 nanoseconds of local wall time; NaT becomes the int64 minimum."""
    s = df[name]
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    return s.to_numpy(dtype="datetime64[ns]").view("int64")


_NAT = np.iinfo("int64").min


def _elapsed(
    df: pd.DataFrame, start: str, end: str, hours: BusinessHours | None, duration: str | None = None
) -> np.ndarray:
    """Seconds from ``start`` to ``end`` (NaN when either is empty), around the clock or in business hours.

    Without the ``end`` timestamp, the ``duration`` column the helpdesk computed is used
    as it is (its clock is the helpdesk's).
    """
    if end not in df and duration and duration in df:
        return _floats(df, duration)
    a, b = _ns(df, start), _ns(df, end)
    bad = (a == _NAT) | (b == _NAT)
    if hours is None:
        out = (b - a) / 1e9
    else:
        out = _business_clock(np.where(bad, 0, b), hours) - _business_clock(np.where(bad, 0, a), hours)
    return np.where(bad, np.nan, out)


def _business_clock(t_ns: np.ndarray, hours: BusinessHours) -> np.ndarray:
    """Business seconds since a fixed origin: differences of it are business durations."""
    day = t_ns // DAY_NS
    seconds = (t_ns - day * DAY_NS) / 1e9
    dates = day.astype("datetime64[D]")
    mask, holidays = hours.weekmask(), list(hours.holidays)
    before = np.busday_count(np.datetime64("2000-01-03"), dates, weekmask=mask, holidays=holidays)
    today = np.is_busday(dates, weekmask=mask, holidays=holidays)
    opened = np.clip(seconds, hours.start * 3600, hours.end * 3600) - hours.start * 3600
    return before * float(hours.seconds_per_day) + np.where(today, opened, 0.0)


def _resolved(df: pd.DataFrame) -> np.ndarray | None:
    """Which tickets are resolved: a resolution date, else a solved/closed status, else a resolution time; None if unknown."""
    if "resolved_at" in df:
        return _ns(df, "resolved_at") != _NAT
    if "status" in df:
        return df["status"].to_numpy(dtype=bool, na_value=False)
    if "resolution_seconds" in df:
        return ~np.isnan(_floats(df, "resolution_seconds"))
    return None


# --- groups ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Groups:
    codes: np.ndarray  # one int per ticket, -1 when the ticket has no group
    labels: pd.Index
    period: str | None = None


def _groups(df: pd.DataFrame, group: str | None) -> _Groups:
    if group is None:
        return _Groups(np.zeros(len(df), dtype=np.int64), pd.Index(["all"]))
    if group in PERIODS:
        codes, labels = _period_codes(_ns(df, "created_at"), group)
    else:
        s = df[group]
        if isinstance(s.dtype, pd.CategoricalDtype):
            codes, labels = s.cat.codes.to_numpy().astype(np.int64), pd.Index(s.cat.categories)
        else:
            codes, labels = pd.factorize(s, sort=True)
            codes, labels = codes.astype(np.int64), pd.Index(labels)
    if codes.size and codes.min() < 0:
        # Tickets without a group are shown as their own group, not dropped silently.
        codes = np.where(codes < 0, len(labels), codes)
        labels = labels.append(pd.Index([None]))
    return _Groups(codes, labels.rename(group), group if group in PERIODS else None)


def _period_numbers(ns: np.ndarray, period: str) -> np.ndarray:
    """Absolute period number of each timestamp (NaT stays the int64 minimum)."""
    days = ns // DAY_NS
    if period == "day":
        p = days
    elif period == "week":
        # 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday.
        p = (days + 3) // 7
    else:
        p = ns.view("datetime64[ns]").astype("datetime64[M]").astype(np.int64) // (1 if period == "month" else 3)
    return np.where(ns == _NAT, _NAT, p)


def _period_start(p: np.ndarray, period: str) -> pd.DatetimeIndex:
    if period == "day":
        days = p
    elif period == "week":
        days = p * 7 - 3
    else:
        months = p * (1 if period == "month" else 3)
        days = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return pd.DatetimeIndex(days.astype("datetime64[D]"))


def _period_codes(ns: np.ndarray, period: str) -> tuple[np.ndarray, pd.Index]:
    """Period of each timestamp counted from the data's first; every period in between is kept."""
    valid = ns != _NAT
    if not valid.any():
        return np.full(len(ns), -1, dtype=np.int64), pd.DatetimeIndex([])
    p = _period_numbers(ns, period)
    first, last = p[valid].min(), p[valid].max()
    codes = np.where(valid, p - first, -1).astype(np.int64)
    return codes, _period_start(np.arange(first, last + 1), period)


# --- aggregation -------------------------------------------------------------------------


def _table(groups: _Groups, value, n, missing, reason, extra: dict | None = None) -> pd.DataFrame:
    out = pd.DataFrame(
        {"value": value, "n": n.astype(np.int64), "missing": missing.astype(np.int64), "reason": reason},
        index=groups.labels,
    )
    for name, column in (extra or {}).items():
        out[name] = column
    return out


def _reasons(tickets: np.ndarray, n: np.ndarray, empty: str) -> np.ndarray:
    return np.where(tickets == 0, "metrics.reason_no_tickets", np.where(n == 0, empty, None)).astype(object)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _mean(groups: _Groups, parts: Parts, empty: str) -> pd.DataFrame:
    """Σ num / Σ den over the tickets in scope whose value is known, per group."""
    codes, k = groups.codes, len(groups.labels)
    used = ~np.isnan(parts.num)
    # No denominator or scope means "1 per ticket" and "every ticket": two passes saved on a million rows.
    if parts.den is not None:
        used &= ~np.isnan(parts.den)
    if parts.scope is not None:
        used &= parts.scope
    c = codes[used]
    n = np.bincount(c, minlength=k)
    num = np.bincount(c, weights=parts.num[used], minlength=k)
    den = n if parts.den is None else np.bincount(c, weights=parts.den[used], minlength=k)
    tickets = np.bincount(codes, minlength=k)
    in_scope = tickets if parts.scope is None else np.bincount(codes[parts.scope], minlength=k)
    extra = {name: _ratio(np.bincount(c, weights=x[used], minlength=k), den) for name, x in parts.extra.items()}
    return _table(groups, _ratio(num, den), n, in_scope - n, _reasons(tickets, n, empty), extra)


def _quantiles(groups: _Groups, x: np.ndarray, empty: str, qs=(0.5, 0.9)) -> pd.DataFrame:
    """Median (``value``) and p90 per group, linear interpolation between ranks as pandas and numpy do."""
    codes, k = groups.codes, len(groups.labels)
    used = ~np.isnan(x)
    c, v = codes[used], x[used]
    n = np.bincount(c, minlength=k)
    tickets = np.bincount(codes, minlength=k)
    missing = tickets - n
    out = []
    if v.size:
        # One float sort orders by group then value: groups are set apart by more than the value range.
        low, span = v.min(), v.max() - v.min() + 1.0
        ordered = np.sort(c * span + (v - low))
        ordered -= np.repeat(np.arange(k), n) * span
        ordered += low
        starts = np.concatenate(([0], np.cumsum(n)[:-1]))
    for q in qs:
        if not v.size:
            out.append(np.full(k, np.nan))
            continue
        pos = starts + q * np.maximum(n - 1, 0)
        lo = np.floor(pos).astype(np.int64)
        hi = np.ceil(pos).astype(np.int64)
        lo_v = ordered[np.minimum(lo, v.size - 1)]
        hi_v = ordered[np.minimum(hi, v.size - 1)]
        out.append(np.where(n > 0, lo_v + (hi_v - lo_v) * (pos - lo), np.nan))
    return _table(groups, out[0], n, missing, _reasons(tickets, n, empty), {"p90": out[1]})


@dataclass
class Parts:
    """Per-ticket parts of a ratio metric: value = Σ num / Σ den over ``scope`` where both are known."""

    num: np.ndarray
    den: np.ndarray | None = None  # None: one per ticket
    scope: np.ndarray | None = None  # None: every ticket
    extra: dict = field(default_factory=dict)
    detail: dict = field(default_factory=dict)


def _answered(x: np.ndarray, hit: np.ndarray) -> np.ndarray:
    """100 where ``hit``, 0 elsewhere, NaN where there was no answer."""
    return np.where(np.isnan(x), np.nan, np.where(hit, 100.0, 0.0))


# --- the formulas ----------------------------------------------------------------------------


def _nps_parts(df, groups, **_) -> Parts:
    """NPS = % promoters (9-10) − % detractors (0-6) among answers, from −100 to +100."""
    x = _floats(df, "nps")
    promoter, detractor = x >= 9, x <= 6
    score = np.where(np.isnan(x), np.nan, np.where(promoter, 100.0, np.where(detractor, -100.0, 0.0)))
    extra = {
        "promoters": _answered(x, promoter),
        "passives": _answered(x, ~promoter & ~detractor),
        "detractors": _answered(x, detractor),
    }
    return Parts(score, extra=extra)


def _csat_parts(df, groups, **_) -> Parts:
    """CSAT = % of answers that are 4 or 5 on the 1-5 scale."""
    x = _floats(df, "csat")
    return Parts(_answered(x, x >= 4))


def _ces_parts(df, groups, **_) -> Parts:
    """CES = mean agreement with "the company made it easy for me", 1-7 (7 = easiest)."""
    return Parts(_floats(df, "ces"))


def _qa_parts(df, groups, **_) -> Parts:
    """QA = mean share of the quality checklist met, in %, over the graded tickets."""
    return Parts(_floats(df, "qa_score"))


def _aht_parts(df, groups, **_) -> Parts:
    """AHT = Σ (talk + hold + after-contact work) / Σ handled contacts, in seconds."""
    handle = _floats(df, "handle_seconds")
    if "contacts" in df:
        return Parts(handle, _floats(df, "contacts"), detail={"contacts": "column"})
    # Without a contact count every ticket is one contact; the detail says so.
    return Parts(handle, detail={"contacts": "assumed_one"})


def _aov_parts(df, groups, **_) -> Parts:
    """AOV = revenue / number of orders; an order met on several tickets counts once."""
    value = _floats(df, "order_value")
    if "order_id" in df:
        order = _codes(df["order_id"])
        keyed = pd.Series(groups.codes * (int(order.max()) + 2) + order)
        first = ~keyed.duplicated().to_numpy() & (order >= 0)
        return Parts(value, scope=first, detail={"orders": "order_id"})
    return Parts(value, detail={"orders": "one_per_ticket"})


def _reopen_parts(df, groups, **_) -> Parts:
    """Reopen rate = % of resolved tickets that were reopened (of every ticket when the file does not say which)."""
    resolved = _resolved(df)
    reopened = _floats(df, "reopened")
    return Parts(
        _answered(reopened, reopened > 0),
        scope=resolved,
        detail={"scope": "resolved" if resolved is not None else "all"},
    )


def _fcr_parts(df, groups, window_days: int = FCR_WINDOW_DAYS, **_) -> Parts:
    """FCR = % of issues resolved with no further contact on the same issue (open issues wait).

    The best evidence the file has decides, and ``detail["method"]`` says which: a
    ``contacts`` count (1 = first contact), else the ``reopened`` flag, else a further
    ticket from the same customer within ``window_days`` (an approximation: it cannot
    tell issues apart). Without a resolution date or status every ticket is counted
    (``detail["scope"] == "all"``): the file does not say which are still open.
    """
    resolved = _resolved(df)
    scope = "resolved" if resolved is not None else "all"
    if resolved is None:
        resolved = np.ones(len(df), dtype=bool)
    evidence = [name for name in ("contacts", "reopened") if name in df]
    if evidence:
        again, unknown = np.zeros(len(df), dtype=bool), np.zeros(len(df), dtype=bool)
        for name in evidence:
            x = _floats(df, name)
            again |= x > (1 if name == "contacts" else 0)
            unknown |= np.isnan(x)
        # Known to need another contact: not FCR, whatever else is empty.
        x = np.where(~resolved, np.nan, np.where(again, 0.0, np.where(unknown, np.nan, 100.0)))
        return Parts(x, detail={"method": "+".join(evidence), "scope": scope})
    created = _ns(df, "created_at")
    done = _ns(df, "resolved_at") if "resolved_at" in df else created
    customer = _codes(df["customer_id"])
    order = np.lexsort((created, customer))
    nxt = np.full(len(df), _NAT)
    same = customer[order][1:] == customer[order][:-1]
    nxt[order[:-1]] = np.where(same, created[order][1:], _NAT)
    window = window_days * DAY_NS
    came_back = (nxt != _NAT) & (nxt - done <= window)
    # A ticket resolved less than a window before the data ends cannot be judged yet.
    censored = ~came_back & (done + window > created.max())
    x = np.where(~resolved | censored | (customer < 0), np.nan, np.where(came_back, 0.0, 100.0))
    return Parts(
        x,
        detail={
            "method": "repeat_contact",
            "window_days": window_days,
            "scope": scope,
            "from": "resolved_at" if "resolved_at" in df else "created_at",
        },
    )


@dataclass(frozen=True)
class _Spec:
    needs: tuple[tuple[str, ...], ...]  # every group needs one of its fields
    kind: str  # "mean", "quantile", "backlog", "retention"
    empty: str
    parts: Callable | None = None
    span: tuple[str, str, str] | None = None  # start, end, or the duration column the file may give instead
    missing: str = "metrics.reason_no_field"


_SPECS: dict[str, _Spec] = {
    "NPS": _Spec((("nps",),), "mean", "metrics.reason_no_answers", _nps_parts),
    "CSAT": _Spec((("csat",),), "mean", "metrics.reason_no_answers", _csat_parts),
    "CES": _Spec((("ces",),), "mean", "metrics.reason_no_answers", _ces_parts),
    "QA": _Spec((("qa_score",),), "mean", "metrics.reason_no_grades", _qa_parts),
    "FCR": _Spec(
        (("contacts", "reopened", "customer_id"),),
        "mean",
        "metrics.reason_none_resolved",
        _fcr_parts,
        missing="metrics.reason_missing_fcr",
    ),
    "FRT": _Spec(
        (("first_response_at", "first_response_seconds"),),
        "quantile",
        "metrics.reason_no_replies",
        span=("created_at", "first_response_at", "first_response_seconds"),
        missing="metrics.reason_missing_frt",
    ),
    "AHT": _Spec((("handle_seconds",),), "mean", "metrics.reason_no_handle_time", _aht_parts),
    "TTR": _Spec(
        (("resolved_at", "resolution_seconds"),),
        "quantile",
        "metrics.reason_none_resolved",
        span=("created_at", "resolved_at", "resolution_seconds"),
        missing="metrics.reason_missing_ttr",
    ),
    "REOPEN": _Spec((("reopened",),), "mean", "metrics.reason_none_resolved", _reopen_parts),
    "CRR": _Spec(
        (("customer_id",),), "retention", "metrics.reason_no_start_customers", missing="metrics.reason_missing_crr"
    ),
    "AOV": _Spec((("order_value",),), "mean", "metrics.reason_no_orders", _aov_parts),
    "BACKLOG": _Spec(
        (("resolved_at", "status"),), "backlog", "metrics.reason_no_tickets", missing="metrics.reason_missing_backlog"
    ),
}
#: The metrics this module computes, by their id in ``datasets/metrics/metrics.yaml`` (TTR: time to resolution).
METRICS: tuple[str, ...] = tuple(_SPECS)


def by(
    df: pd.DataFrame,
    metric: str,
    group: str | None = None,
    *,
    hours: BusinessHours | None = None,
    window_days: int = FCR_WINDOW_DAYS,
    period: str = "quarter",
) -> pd.DataFrame:
    """One metric per group: ``group`` is a period (``day``, ``week``, ``month``, ``quarter``) or a column.

    Returns one row per group (every period between the first and the last, and every
    category, even without tickets) with ``value``, ``n``, ``missing``, ``reason`` and
    the metric's companion columns (``p90`` for durations, shares for NPS, the
    counts of CRR). ``hours`` computes FRT and resolution time in business hours
    (``None``: on the clock, around the clock); ``period`` is CRR's period when
    ``group`` is not itself a period.
    """
    spec = _SPECS[metric.upper()]
    groups = _groups(df, group)
    absent = [names[0] for names in spec.needs if not any(name in df for name in names)]
    reason = spec.missing if absent else _unusable(df, metric.upper())
    if reason:
        k = len(groups.labels)
        out = _table(groups, np.full(k, np.nan), np.zeros(k), np.zeros(k), np.full(k, reason, dtype=object))
        if absent:
            out.attrs["field"] = absent[0]
        return out
    if spec.kind == "mean":
        parts = spec.parts(df, groups, window_days=window_days)
        out = _mean(groups, parts, spec.empty)
        out.attrs.update(parts.detail)
    elif spec.kind == "quantile":
        start, end, duration = spec.span
        x = _elapsed(df, start, end, hours, duration)
        out = _quantiles(groups, x, spec.empty)
        # The clock: ours when we compute from two timestamps, the helpdesk's when it gave the duration.
        out.attrs["clock"] = "file" if end not in df else ("business" if hours is not None else "calendar")
        out.attrs["business_hours"] = hours is not None and end in df
    elif spec.kind == "backlog":
        out = _backlog(df, groups)
    else:
        out = _retention(df, groups, period)
    return out


def _unusable(df: pd.DataFrame, metric: str) -> str | None:
    """Why a metric whose columns are all there still cannot mean anything, or None."""
    if metric == "CRR" and len(df) and df["customer_id"].nunique() >= len(df):
        # Every ticket from a different customer: a ticket number mapped as the customer, or no repeat at all.
        return "metrics.reason_no_repeat_customers"
    if metric == "FCR" and not any(name in df for name in ("contacts", "reopened")) and "created_at" not in df:
        return "metrics.reason_missing_fcr"
    return None


def figure(df: pd.DataFrame, metric: str, **options) -> Figure:
    """One metric over all the tickets of ``df`` (CRR: its latest period; backlog: open at the end)."""
    metric = metric.upper()
    table = by(df, metric, None, **options)
    row = table.iloc[-1]
    detail = {k: _plain(v) for k, v in row.items() if k not in ("value", "n", "missing", "reason")}
    detail.update(table.attrs)
    return Figure(metric, float(row["value"]), int(row["n"]), int(row["missing"]), row["reason"], detail)


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def nps(df: pd.DataFrame) -> Figure:
    """Net Promoter Score: % answers 9-10 − % answers 0-6 to "how likely are you to recommend us?" (0-10)."""
    return figure(df, "NPS")


def csat(df: pd.DataFrame) -> Figure:
    """Customer satisfaction: % of 4 and 5 among the 1-5 answers."""
    return figure(df, "CSAT")


def ces(df: pd.DataFrame) -> Figure:
    """Customer Effort Score: mean of the 1-7 answers to "the company made it easy" (7 = easiest)."""
    return figure(df, "CES")


def qa(df: pd.DataFrame) -> Figure:
    """Quality assurance: mean checklist score (0-100) over the graded tickets."""
    return figure(df, "QA")


def fcr(df: pd.DataFrame, window_days: int = FCR_WINDOW_DAYS) -> Figure:
    """First contact resolution: % of resolved issues that needed no further contact."""
    return figure(df, "FCR", window_days=window_days)


def frt(df: pd.DataFrame, hours: BusinessHours | None = None) -> Figure:
    """First response time: median seconds to the first human reply (``detail["p90"]``: the 90th percentile)."""
    return figure(df, "FRT", hours=hours)


def aht(df: pd.DataFrame) -> Figure:
    """Average handle time: Σ (talk + hold + after-contact work) / Σ contacts, in seconds."""
    return figure(df, "AHT")


def resolution_time(df: pd.DataFrame, hours: BusinessHours | None = None) -> Figure:
    """Resolution time: median seconds from creation to resolution of the resolved tickets (and p90)."""
    return figure(df, "TTR", hours=hours)


def reopen_rate(df: pd.DataFrame) -> Figure:
    """Reopen rate: % of resolved tickets that were reopened."""
    return figure(df, "REOPEN")


def aov(df: pd.DataFrame) -> Figure:
    """Average order value: Σ order values / number of distinct orders."""
    return figure(df, "AOV")


def backlog(df: pd.DataFrame) -> Figure:
    """Backlog: tickets still open when the data ends (created, not yet resolved)."""
    return figure(df, "BACKLOG")


def crr(df: pd.DataFrame, period: str = "quarter") -> Figure:
    """Customer retention rate over the latest ``period``: ((end − new) / start) × 100."""
    return figure(df, "CRR", period=period)


def retention_rate(start: int, end: int, new: int) -> float:
    """CRR = ((customers at end − new customers) / customers at start) × 100; NaN without customers at start.

    >>> retention_rate(200, 190, 30)
    80.0
    """
    return (end - new) / start * 100 if start else float("nan")


def compute_all(df: pd.DataFrame, **options) -> dict[str, Figure]:
    """Every metric the data allows, over all of ``df``: ``{metric id: Figure}``."""
    return {metric: figure(df, metric, **options) for metric in METRICS}


# --- metrics over periods ------------------------------------------------------------------------


def _backlog(df: pd.DataFrame, groups: _Groups) -> pd.DataFrame:
    """Open tickets at the end of each period, or, by column, when the data ends (its last event)."""
    k = len(groups.labels)
    created = _ns(df, "created_at")
    tickets = np.bincount(groups.codes, minlength=k)
    if "resolved_at" not in df:
        # Only a status: what is open now, by group; periods cannot be told apart without dates.
        still_open = ~_resolved(df)
        value = np.bincount(groups.codes[still_open], minlength=k).astype(float)
        reasons = np.where(tickets == 0, "metrics.reason_no_tickets", None).astype(object)
        if groups.period:
            value[:-1] = np.nan
            reasons[:-1] = "metrics.reason_backlog_status_only"
        out = _table(groups, value, tickets, np.zeros(k), reasons)
        out.attrs["from"] = "status"
        return out
    done = _ns(df, "resolved_at")
    if groups.period:
        # Open at the end of period j = created up to j − resolved up to j (same period numbering).
        first = _period_numbers(created[created != _NAT], groups.period).min()
        closed_code = np.where(done == _NAT, -1, _period_numbers(done, groups.period) - first)
        closed_code = closed_code[(closed_code >= 0) & (closed_code < k)]
        made = np.cumsum(tickets)
        value, n = (made - np.cumsum(np.bincount(closed_code, minlength=k))).astype(float), made
        reasons = np.where(made == 0, "metrics.reason_no_tickets", None).astype(object)
    else:
        # The export was taken after its last event, creation or resolution.
        as_of = max(created.max(), done.max())
        still_open = (created <= as_of) & ((done == _NAT) | (done > as_of))
        value, n = np.bincount(groups.codes[still_open], minlength=k).astype(float), tickets
        reasons = np.where(tickets == 0, "metrics.reason_no_tickets", None).astype(object)
    return _table(groups, value, n, np.zeros(k), reasons)


def _sorted_unique(x: np.ndarray) -> np.ndarray:
    # np.unique hashes first in numpy 2.4; a plain sort is several times faster on int64 keys.
    x = np.sort(x)
    return x[np.concatenate(([True], x[1:] != x[:-1]))] if x.size else x


def _retention(df: pd.DataFrame, groups: _Groups, period: str) -> pd.DataFrame:
    """CRR per period (``groups`` a period) or per group over its latest ``period``.

    A customer counts in a period when they have a ticket in it. ``start``: customers
    of the previous period; ``new``: first seen in the data in this period; ``end``:
    customers of ``start`` still seen, plus the new ones. A customer coming back after
    a silent period is neither at start nor new, so (end − new) / start is the share
    of the start customers still there.
    """
    cust = _codes(df["customer_id"])
    if groups.period:
        p, g, labels, k = groups.codes, np.zeros(len(df), dtype=np.int64), groups.labels, 1
    else:
        p, labels = _period_codes(_ns(df, "created_at"), period)
        g, k = groups.codes, len(groups.labels)
    P = max(len(labels), 1)
    C = int(cust.max()) + 1 if cust.size else 1
    ok = (cust >= 0) & (p >= 0) & (g >= 0)
    key = _sorted_unique((g[ok] * C + cust[ok]) * (P + 1) + p[ok] + 1)
    who, pp = key // (P + 1), key % (P + 1) - 1
    gg = who // C
    at = np.searchsorted(key, key - 1)
    was_there = (at < key.size) & (key[np.minimum(at, key.size - 1)] == key - 1)
    first = np.concatenate(([True], who[1:] != who[:-1])) if key.size else np.zeros(0, dtype=bool)
    cell = gg * P + pp
    active = np.bincount(cell, minlength=k * P).reshape(k, P)
    retained = np.bincount(cell[was_there], minlength=k * P).reshape(k, P)
    new = np.bincount(cell[first & (pp > 0)], minlength=k * P).reshape(k, P)
    start = np.concatenate((np.zeros((k, 1), dtype=np.int64), active[:, :-1]), axis=1)
    value = _ratio(retained.astype(float), start.astype(float)) * 100
    reason = np.where(start == 0, "metrics.reason_no_start_customers", None).astype(object)
    if groups.period:
        out = _table(
            groups,
            value[0],
            start[0],
            np.zeros(P),
            reason[0],
            {"start": start[0], "end": retained[0] + new[0], "new": new[0], "retained": retained[0]},
        )
        return out
    last, skipped = P - 1, None
    days_in = _days_in_last_period(_ns(df, "created_at"), labels, period)
    if days_in is not None and P >= 3:
        # A quarter with two days of tickets has almost no returning customer yet: the last full one is used.
        last, skipped = P - 2, labels[P - 1]
    out = _table(
        groups,
        value[:, last],
        start[:, last],
        np.zeros(k),
        reason[:, last],
        {
            "start": start[:, last],
            "end": retained[:, last] + new[:, last],
            "new": new[:, last],
            "retained": retained[:, last],
        },
    )
    out.attrs["period"] = period
    out.attrs["period_start"] = labels[last] if len(labels) else None
    if skipped is not None:
        out.attrs["partial_skipped"] = skipped
        out.attrs["partial_days"] = days_in
    elif days_in is not None:
        out.attrs["partial_days"] = days_in  # the only periods there are: shown, and said to be partial
    return out


#: A period whose tickets cover less than this share of its days is partial.
FULL_PERIOD_SHARE = 0.9


def _days_in_last_period(ns: np.ndarray, labels: pd.Index, period: str) -> int | None:
    """Days of the last period that the data covers, when that is less than most of it; None for a full period."""
    valid = ns[ns != _NAT]
    if not valid.size or not len(labels) or period == "day":
        return None
    start = labels[-1]
    end = start + (pd.DateOffset(weeks=1) if period == "week" else pd.DateOffset(months=1 if period == "month" else 3))
    last_day = pd.Timestamp(valid.max()).normalize()
    covered = (last_day - start).days + 1
    length = (end - start).days
    return covered if covered < FULL_PERIOD_SHARE * length else None


# --- the trap worth showing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Trap:
    """AHT and FCR side by side per period, and how each moved from the first half to the second."""

    table: pd.DataFrame
    change: dict
    shown: bool


def aht_fcr_trap(df: pd.DataFrame, group: str = "week") -> Trap:
    """Handle time per contact can fall while FCR falls too: the work moves to repeat contacts.

    The table has, per period: ``aht`` (seconds per contact), ``fcr`` (%),
    ``contacts_per_ticket`` and ``handle_per_ticket`` (seconds of work per issue,
    all contacts together). ``change`` compares the second half of the periods with
    the first; ``shown`` is true when AHT fell, FCR fell and the work per issue did
    not fall as much as AHT suggests.
    """
    table = pd.DataFrame({"aht": by(df, "AHT", group)["value"], "fcr": by(df, "FCR", group)["value"]})
    groups = _groups(df, group)
    k = len(groups.labels)
    handle = _floats(df, "handle_seconds")
    contacts = _floats(df, "contacts") if "contacts" in df else np.ones(len(df))
    used = (groups.codes >= 0) & ~np.isnan(handle) & ~np.isnan(contacts)
    c = groups.codes[used]
    tickets = np.bincount(c, minlength=k).astype(float)
    table["contacts_per_ticket"] = _ratio(np.bincount(c, weights=contacts[used], minlength=k), tickets)
    table["handle_per_ticket"] = _ratio(np.bincount(c, weights=handle[used], minlength=k), tickets)
    half = len(table) // 2
    before, after = table.iloc[:half].mean(), table.iloc[half:].mean()
    # A rate moves in percentage points (74 % -> 62 % is -12 points); the others in % of where they were.
    change = {
        name: float(after[name] - before[name])
        if name == "fcr"
        else (float((after[name] - before[name]) / before[name] * 100) if before[name] else float("nan"))
        for name in table.columns
    }
    shown = bool(change["aht"] < 0 and change["fcr"] < 0 and change["handle_per_ticket"] > change["aht"])
    return Trap(table, change, shown)


def metrics_available(columns: Iterable[str]) -> list[str]:
    """The metrics whose fields are all among ``columns`` (what the lab can show for this data)."""
    have = set(columns)
    return [metric for metric, spec in _SPECS.items() if all(have & set(names) for names in spec.needs)]
