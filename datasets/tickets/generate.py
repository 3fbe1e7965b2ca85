"""Writes the synthetic ticket year ``sample_tickets.csv``: a fixed seed, so the file is reproducible.

The data describes a fictional supplier to small businesses through 2024: four
channels with their own waiting and handling profiles, three support teams,
weekly and yearly seasonality, an outage day that floods social media, and, from
1 July, a handle-time target that makes calls shorter while more issues need a
second contact (the AHT/FCR trap the lab shows). Survey answers exist for a share
of the resolved tickets only, and happy customers answer more often.

    python datasets/tickets/generate.py            # rewrites sample_tickets.csv beside this file
    python datasets/tickets/generate.py out.csv    # writes elsewhere

``make_tickets(n, seed)`` returns the same kind of table in memory, at any size
(the benchmark uses a million tickets).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "sample_tickets.csv"
SAMPLE_SIZE = 8000
SEED = 20241007  # the Monday of Customer Service Week 2024
YEAR_START = np.datetime64("2024-01-01")
DAYS = 366
CHANGE_DAY = 182  # 1 July 2024: the handle-time target starts
OUTAGE_DAY = 71  # 12 March 2024: an outage floods social media
COLUMNS = [
    "ticket_id",
    "customer_id",
    "created_at",
    "first_response_at",
    "resolved_at",
    "channel",
    "team",
    "agent",
    "handle_seconds",
    "contacts",
    "reopened",
    "nps",
    "csat",
    "ces",
    "qa_score",
    "order_id",
    "order_value",
]

CHANNELS = ["phone", "email", "chat", "social"]
SHARE = np.array([0.36, 0.30, 0.24, 0.10])
#: Monday..Sunday arrivals; phone and chat are closed on Sundays.
WEEKLY = np.array(
    [
        [1.35, 1.15, 1.05, 1.0, 0.95, 0.40, 0.0],
        [1.30, 1.10, 1.00, 1.0, 0.95, 0.45, 0.35],
        [1.30, 1.15, 1.05, 1.0, 0.95, 0.50, 0.0],
        [1.10, 1.00, 1.00, 1.0, 1.05, 0.90, 0.80],
    ]
)
#: Seconds to the first human reply: lognormal median and spread per channel.
FRT_MEDIAN = np.array([95.0, 3.5 * 3600, 50.0, 45 * 60])
FRT_SIGMA = np.array([0.9, 1.0, 0.8, 1.0])
#: Seconds of work per contact (talk + hold + after-contact work).
HANDLE_MEDIAN = np.array([430.0, 320.0, 560.0, 250.0])
REPEAT = np.array([0.20, 0.27, 0.22, 0.30])

TEAMS = ["general", "billing", "technical"]
TEAM_SHARE = np.array([0.55, 0.20, 0.25])
TEAM_HANDLE = np.array([1.0, 0.9, 1.35])
AGENTS = {
    "general": ["Amina", "Benoît", "Chloé", "Dylan", "Élodie", "Félix", "Gabrielle", "Hugo", "Inès", "Jérémie"],
    "billing": ["Karima", "Louis", "Maude", "Nathan", "Océane"],
    "technical": ["Patrice", "Quentin", "Rosalie", "Samuel", "Thi", "Ulysse", "Valérie"],
}


def _season(days: np.ndarray) -> np.ndarray:
    """Yearly shape: January sales, a quiet August, the Black Friday week and December."""
    dates = YEAR_START + days.astype("timedelta64[D]")
    month = dates.astype("datetime64[M]").astype(int) % 12
    level = np.array([1.15, 1.0, 1.0, 1.0, 0.95, 0.95, 0.9, 0.7, 1.05, 1.05, 1.2, 1.3])[month]
    black_friday = (days >= 333) & (days < 340)  # 28 November - 4 December 2024
    return level * np.where(black_friday, 1.6, 1.0)


def _hours(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    """Seconds after midnight: phone and chat open 8:00-20:00; e-mail and social around the clock."""
    staffed = np.isin(channel, (0, 2))
    peak = np.where(
        rng.random(channel.size) < 0.5, rng.normal(10.5, 1.6, channel.size), rng.normal(15, 2, channel.size)
    )
    hour = np.where(
        staffed,
        np.clip(peak, 8, 19.99),
        np.mod(np.where(rng.random(channel.size) < 0.85, peak, rng.uniform(0, 24, channel.size)), 24),
    )
    return hour * 3600


def _business_add(start: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """``start`` (datetime64[s]) plus ``seconds`` of e-mail team time: Monday-Friday, 9:00-18:00."""
    day = start.astype("datetime64[D]")
    into = (start - day).astype(np.int64)
    open_, close = 9 * 3600, 18 * 3600
    today = np.is_busday(day)
    # Time left in today's opening hours; outside them the clock waits for the next opening.
    from_today = np.where(today, np.clip(into, open_, close), close)
    left_today = close - from_today
    fits = seconds <= left_today
    rest = seconds - left_today
    next_days = np.busday_offset(day, 1 + (rest // (close - open_)).astype(np.int64), roll="forward")
    later = next_days.astype("datetime64[s]") + (open_ + rest % (close - open_)).astype("timedelta64[s]")
    same = day.astype("datetime64[s]") + (from_today + seconds).astype("timedelta64[s]")
    return np.where(fits, same, later)


def _customers(rng: np.random.Generator, n: int, day: np.ndarray) -> np.ndarray:
    """Each ticket's customer, drawn among the customers active that day (they join and leave)."""
    count = max(20, n // 6)
    joined = rng.integers(-400, DAYS - 10, count)
    left = joined + rng.exponential(900, count).astype(int) + 60
    activity = rng.lognormal(0, 0.5, count)
    weights = activity / activity.sum()
    out = rng.choice(count, n, p=weights)
    for _ in range(30):
        wrong = (day < joined[out]) | (day > left[out])
        if not wrong.any():
            break
        out[wrong] = rng.choice(count, wrong.sum(), p=weights)
    return out


def make_tickets(n: int = SAMPLE_SIZE, seed: int = SEED) -> pd.DataFrame:
    """A synthetic year of ``n`` tickets in the kit's fields (typed as ``widgets.workshops.metrics.tickets`` loads them)."""
    rng = np.random.default_rng(seed)
    days = np.arange(DAYS)
    dow = (days + 0) % 7  # 1 January 2024 was a Monday
    weight = SHARE[:, None] * WEEKLY[:, dow] * _season(days)[None, :]
    weight[3, OUTAGE_DAY] *= 8
    weight[0, OUTAGE_DAY] *= 2
    cell = rng.choice(weight.size, n, p=(weight / weight.sum()).ravel())
    channel, day = np.divmod(cell, DAYS)
    created = (YEAR_START + day.astype("timedelta64[D]")).astype("datetime64[s]") + _hours(rng, channel).astype(
        "timedelta64[s]"
    )
    order = np.argsort(created, kind="stable")
    channel, day, created = channel[order], day[order], created[order]
    after = day >= CHANGE_DAY

    team = rng.choice(len(TEAMS), n, p=TEAM_SHARE)
    wait = rng.lognormal(np.log(FRT_MEDIAN[channel]), FRT_SIGMA[channel])
    first_response = np.where(
        channel == 1, _business_add(created, np.round(wait)), created + np.round(wait).astype("timedelta64[s]")
    )

    # From July, shorter contacts and more issues that need another one.
    per_contact = rng.lognormal(np.log(HANDLE_MEDIAN[channel] * TEAM_HANDLE[team]), 0.45) * np.where(after, 0.76, 1.0)
    repeat = rng.random(n) < REPEAT[channel] + np.where(team == 2, 0.08, 0) + np.where(after, 0.13, 0)
    contacts = 1 + np.where(repeat, rng.geometric(0.6, n), 0)
    follow_ups = (contacts - 1) * rng.lognormal(np.log(0.8 * HANDLE_MEDIAN[channel]), 0.4) * np.where(after, 0.8, 1.0)
    handle = np.round(per_contact + follow_ups).astype(np.int64)
    reopened = repeat & (rng.random(n) < 0.45)

    first_fix = np.where(np.isin(channel, (0, 2)), handle, rng.exponential(3 * 3600, n))
    extra_days = (contacts - 1) * rng.exponential(2.2 * 86400, n) + np.where(
        team == 2, rng.exponential(0.8 * 86400, n), 0
    )
    resolved = first_response + np.round(first_fix + extra_days).astype("timedelta64[s]")

    # Satisfaction: solved at once, a short wait and no reopening make happier customers.
    slow = wait > np.quantile(wait, 0.75) if n else np.zeros(0, dtype=bool)
    mood = 0.62 + 0.22 * ~repeat - 0.12 * slow - 0.10 * reopened + rng.normal(0, 0.18, n)
    csat = np.clip(np.round(1 + 4 * mood + rng.normal(0, 0.5, n)), 1, 5).astype(np.int64)
    answers = rng.random(n) < 0.06 + 0.055 * (csat - 1)
    ces = np.clip(np.round(2.2 + 5 * mood - 1.0 * (contacts - 1) + rng.normal(0, 0.7, n)), 1, 7).astype(np.int64)
    nps = np.clip(np.round(2 + 8.5 * mood + rng.normal(0, 1.2, n)), 0, 10).astype(np.int64)
    nps_answers = rng.random(n) < 0.03 + 0.06 * mood.clip(0, 1)
    graded = rng.random(n) < 0.045
    qa = np.clip(np.round((82 + 8 * ~repeat - 6 * after + rng.normal(0, 8, n)) / 5) * 5, 0, 100).astype(np.int64)

    customer = _customers(rng, n, day)
    has_order = rng.random(n) < 0.5
    value = np.round(rng.lognormal(np.log(85), 0.7, n), 2)
    order_no = np.arange(n)
    # A second ticket about the same order: the order counts once in AOV.
    by_customer = np.lexsort((created, customer))
    prev, cur = by_customer[:-1], by_customer[1:]
    again = (customer[prev] == customer[cur]) & has_order[prev] & has_order[cur] & (rng.random(n - 1 if n else 0) < 0.3)
    order_no[cur[again]] = order_no[prev[again]]
    value[cur[again]] = value[prev[again]]

    end = np.datetime64("2025-01-01T00:00:00")
    done = resolved < end
    agent_names = [np.array(AGENTS[t]) for t in TEAMS]
    agent = np.empty(n, dtype=object)
    for t, names in enumerate(agent_names):
        mine = team == t
        agent[mine] = names[rng.integers(0, names.size, mine.sum())]

    df = pd.DataFrame(
        {
            "ticket_id": _ids("T", np.arange(1, n + 1), 6),
            "customer_id": _id_codes("C", customer, 5),
            "created_at": pd.to_datetime(created),
            "first_response_at": pd.to_datetime(np.where(first_response < end, first_response, np.datetime64("NaT"))),
            "resolved_at": pd.to_datetime(np.where(done, resolved, np.datetime64("NaT"))),
            "channel": pd.Categorical.from_codes(channel, CHANNELS),
            "team": pd.Categorical.from_codes(team, TEAMS),
            "agent": pd.Categorical(agent),
            "handle_seconds": handle.astype("float64"),
            "contacts": contacts.astype("float64"),
            "reopened": pd.array(np.where(done, reopened, False), dtype="boolean"),
            "nps": np.where(done & nps_answers, nps, np.nan),
            "csat": np.where(done & answers, csat, np.nan),
            "ces": np.where(done & answers, ces, np.nan),
            "qa_score": np.where(graded, qa, np.nan),
            "order_id": _id_codes("O", np.where(has_order, order_no, -1), 6),
            "order_value": np.where(has_order, value, np.nan),
        }
    )
    df.loc[~done, "reopened"] = pd.NA
    return df


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pd.Series:
    return prefix + pd.Series(numbers).astype(str).str.zfill(width)


def _id_codes(prefix: str, numbers: np.ndarray, width: int) -> pd.Categorical:
    """Ids as a categorical, as the loader makes them (-1: no id)."""
    used, codes = np.unique(numbers[numbers >= 0], return_inverse=True)
    out = np.full(numbers.size, -1)
    out[numbers >= 0] = codes
    return pd.Categorical.from_codes(out, _ids(prefix, used + 1, width))


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """The export as a tool would write it: ISO times to the second, blanks for missing values."""
    out = df.copy()
    for name in ("created_at", "first_response_at", "resolved_at"):
        out[name] = out[name].dt.strftime("%Y-%m-%d %H:%M:%S")
    for name in ("handle_seconds", "contacts", "nps", "csat", "ces", "qa_score"):
        out[name] = out[name].astype("Int64")
    out["reopened"] = out["reopened"].astype("Int64")
    out.to_csv(path, index=False, columns=COLUMNS, float_format="%.2f", lineterminator="\n")


def main(argv: list[str]) -> None:
    path = Path(argv[0]) if argv else SAMPLE
    write_csv(make_tickets(), path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
