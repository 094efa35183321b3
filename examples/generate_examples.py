#!/usr/bin/env python3
"""Generate the example ledgers shipped with `commission`.

Produces, next to this script:

  telecom/sales.csv        id,date,manager,customer,kind,business,segment,amount
                           10 account managers, 2026-01 .. 2026-06
  telecom/surveys.csv      manager,quarter,satisfaction   (2026-Q1, 2026-Q2)
  by-business/roster.csv   id,name,role,team              (9 people, 3 roles)
  by-business/sales.csv    id,date,employee,customer,kind,business,segment,amount
                           2026-01 .. 2026-03
  by-business/surveys.csv  employee,quarter,satisfaction     (2026-Q1)

The data is synthetic. It uses only the standard library and a fixed seed,
and draws every random number from `random.Random.random()` (weighted
choices, integers and log-normal draws are derived from it here), so
rerunning the script reproduces the files byte for byte. Money is handled
in integer cents. Files are UTF-8 without a BOM, with LF line endings.

Usage:
  python3 examples/generate_examples.py          # write files, print summary
  python3 examples/generate_examples.py --check  # exit 1 if files differ

The summary includes the markdown table of per-manager monthly totals that
examples/README.md shows.
"""

import calendar
import csv
import datetime
import io
import math
import random
import sys
from pathlib import Path

SEED = 20260101
HERE = Path(__file__).resolve().parent

KINDS = ("new", "renewal", "upsell")
BUSINESSES = ("mobile", "broadband", "iot", "cloud", "ict")
SEGMENTS = ("consumer", "sme", "enterprise", "government")

# Bracket limits for a manager's monthly total, in cents.
LOW_LIMIT = 100_000_00
HIGH_LIMIT = 300_000_00
# No monthly total may fall this close to a limit, so the bracket does not
# depend on whether a limit is inclusive or exclusive.
LIMIT_MARGIN = 2_000_00

# Median contract value of a brand-new deal, before the segment multiplier.
BUSINESS_MEDIAN = {"mobile": 11_000, "broadband": 14_000, "iot": 22_000,
                   "cloud": 30_000, "ict": 40_000}
SEGMENT_MULT = {"consumer": 0.35, "sme": 0.75, "enterprise": 1.25,
                "government": 1.45}
# Which lines of business each segment buys.
BUSINESS_BY_SEGMENT = {
    "consumer":   {"mobile": 60, "broadband": 40},
    "sme":        {"mobile": 30, "broadband": 30, "iot": 10, "cloud": 20, "ict": 10},
    "enterprise": {"mobile": 15, "broadband": 10, "iot": 20, "cloud": 30, "ict": 25},
    "government": {"mobile": 10, "broadband": 10, "iot": 20, "cloud": 20, "ict": 40},
}
MIN_DEAL = 1_000_00
MAX_DEAL = 120_000_00


class Rng:
    """Every draw goes through random.Random.random(), which is stable
    across Python 3 versions for a given integer seed."""

    def __init__(self, seed):
        self._r = random.Random(seed)

    def random(self):
        return self._r.random()

    def uniform(self, a, b):
        return a + (b - a) * self.random()

    def randint(self, a, b):
        return a + min(int(self.random() * (b - a + 1)), b - a)

    def choice(self, seq):
        return seq[self.randint(0, len(seq) - 1)]

    def weighted(self, weights):
        """weights: dict of value -> weight (insertion order matters)."""
        total = sum(weights.values())
        x = self.random() * total
        acc = 0
        for value, w in weights.items():
            acc += w
            if x < acc:
                return value
        return value

    def normal(self):
        u1 = 1.0 - self.random()  # (0, 1]
        u2 = self.random()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def lognormal(self, median, sigma):
        return median * math.exp(sigma * self.normal())


class Profile:
    def __init__(self, kinds, segments, business_bias=None):
        self.kinds = kinds
        self.segments = segments
        self.business_bias = business_bias or {}

    def businesses(self, segment):
        base = BUSINESS_BY_SEGMENT[segment]
        return {b: w * self.business_bias.get(b, 1.0) for b, w in base.items()}


def cents(x):
    return int(round(x * 100))


def fmt_money(c):
    return f"{c // 100}.{c % 100:02d}"


def fmt_grouped(c):
    return f"{c // 100:,}.{c % 100:02d}"


def new_deal_cents(rng, business, segment):
    median = BUSINESS_MEDIAN[business] * SEGMENT_MULT[segment]
    while True:
        c = cents(rng.lognormal(median, 0.45))
        if MIN_DEAL <= c <= MAX_DEAL:
            return c


def random_day(rng, year, month):
    """A day in the month; weekends are rare (deals are booked at work)."""
    ndays = calendar.monthrange(year, month)[1]
    while True:
        d = datetime.date(year, month, rng.randint(1, ndays))
        if d.weekday() < 5 or rng.random() < 0.12:
            return d


class Portfolio:
    """One person's customers: a pre-2026 book (contracts that can renew)
    plus customers won in the ledger (available for upsell from the month
    after they were won)."""

    def __init__(self):
        self.customers = {}      # key -> {"segment": s, "contracts": {business: cents}}
        self.renewable = []      # [(key, business)] pre-2026 contracts not yet renewed
        self.won_this_month = []

    def add_book(self, rng, profile, n_contracts, next_key):
        while len(self.renewable) < n_contracts:
            key = next_key("book")
            segment = rng.weighted(profile.segments)
            n = 2 if rng.random() < 0.45 else 1
            contracts = {}
            for _ in range(n):
                b = rng.weighted(profile.businesses(segment))
                contracts[b] = new_deal_cents(rng, b, segment)
            self.customers[key] = {"segment": segment, "contracts": contracts}
            for b in contracts:
                self.renewable.append((key, b))

    def close_month(self):
        for key, segment, business, c in self.won_this_month:
            cust = self.customers.setdefault(key, {"segment": segment, "contracts": {}})
            cust["contracts"][business] = c
        self.won_this_month = []


def near_limit(c):
    return any(abs(c - limit) < LIMIT_MARGIN for limit in (LOW_LIMIT, HIGH_LIMIT))


def gen_month(rng, person, year, month, target, profile, portfolio, next_key):
    """Deals for one person-month, drawn until the total reaches `target`
    cents (so the total overshoots it by part of one deal) and is not
    within LIMIT_MARGIN of a bracket limit."""
    deals = []
    total = 0
    while total < target or near_limit(total):
        kind = rng.weighted(profile.kinds)
        if kind == "renewal" and not portfolio.renewable:
            kind = "new"
        if kind == "upsell" and not portfolio.customers:
            kind = "new"
        if kind == "new":
            key = next_key("new")
            segment = rng.weighted(profile.segments)
            business = rng.weighted(profile.businesses(segment))
            c = new_deal_cents(rng, business, segment)
            portfolio.won_this_month.append((key, segment, business, c))
        elif kind == "renewal":
            i = rng.randint(0, len(portfolio.renewable) - 1)
            key, business = portfolio.renewable.pop(i)
            cust = portfolio.customers[key]
            segment = cust["segment"]
            c = cents(cust["contracts"][business] / 100 * rng.uniform(0.88, 1.12))
        else:  # upsell: recently won customers are the likeliest to expand
            keys = list(portfolio.customers)
            weights = {k: (3.0 if k[0] == "new" else 1.0) for k in keys}
            key = rng.weighted(weights)
            cust = portfolio.customers[key]
            segment = cust["segment"]
            owned = list(cust["contracts"])
            if rng.random() < 0.5:
                business = rng.choice(owned)
                base = cust["contracts"][business]
            else:
                business = rng.weighted(profile.businesses(segment))
                base = new_deal_cents(rng, business, segment)
            c = max(MIN_DEAL // 2, cents(base / 100 * rng.uniform(0.2, 0.6)))
        day = random_day(rng, year, month)
        deals.append({"date": day, "person": person, "key": key, "kind": kind,
                      "business": business, "segment": segment, "cents": c})
        total += c
    portfolio.close_month()
    return deals


def key_factory():
    counters = {"book": 0, "new": 0}

    def next_key(kind):
        counters[kind] += 1
        return (kind, counters[kind])

    return next_key


def assign_ids(rng, deals, person_order):
    """Sort deals by date, give sale ids, and turn customer keys into ids:
    pre-2026 book customers get scattered ids in C0100..C4999, customers
    won in 2026 get C5001, C5002, ... in order of first appearance."""
    rank = {p: i for i, p in enumerate(person_order)}
    deals.sort(key=lambda d: (d["date"], rank[d["person"]]))
    book_ids = {}
    used = set()
    new_ids = {}
    for i, d in enumerate(deals, start=1):
        d["id"] = f"S{i:06d}"
        k = d["key"]
        if k[0] == "book":
            if k not in book_ids:
                while True:
                    n = rng.randint(100, 4999)
                    if n not in used:
                        used.add(n)
                        break
                book_ids[k] = f"C{n:04d}"
            d["customer"] = book_ids[k]
        else:
            if k not in new_ids:
                new_ids[k] = f"C{5001 + len(new_ids):04d}"
            d["customer"] = new_ids[k]


def to_csv(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


# --------------------------------------------------------------------------
# examples/telecom

TELECOM_YEAR = 2026
TELECOM_MONTHS = [1, 2, 3, 4, 5, 6]
# Mild seasonality: slow January, quarter-end pushes in March and June.
SEASON = {1: 0.85, 2: 0.95, 3: 1.12, 4: 0.95, 5: 1.0, 6: 1.15}

# Segment mixes: key-account managers sell big enterprise/government deals,
# weaker managers mostly small-business and consumer contracts.
TELECOM_PROFILE = Profile(
    kinds={"new": 55, "renewal": 30, "upsell": 15},
    segments={"consumer": 12, "sme": 40, "enterprise": 32, "government": 16},
)
KEY_ACCOUNT_PROFILE = Profile(
    kinds=TELECOM_PROFILE.kinds,
    segments={"consumer": 3, "sme": 22, "enterprise": 45, "government": 30},
)
SMALL_ACCOUNT_PROFILE = Profile(
    kinds=TELECOM_PROFILE.kinds,
    segments={"consumer": 25, "sme": 50, "enterprise": 20, "government": 5},
)

# (manager, typical monthly total in currency units, first month,
#  per-month ramp multiplier for a new starter, profile)
TELECOM_MANAGERS = [
    ("AM001", 340_000, 1, None, KEY_ACCOUNT_PROFILE),    # strong
    ("AM002", 150_000, 1, None, TELECOM_PROFILE),
    ("AM003", 125_000, 1, None, TELECOM_PROFILE),
    ("AM004", 100_000, 1, None, TELECOM_PROFILE),
    ("AM005", 55_000, 1, None, SMALL_ACCOUNT_PROFILE),   # weak
    ("AM006", 90_000, 1, None, TELECOM_PROFILE),
    ("AM007", 120_000, 3, {3: 0.45, 4: 0.75, 5: 1.0, 6: 1.25},
     TELECOM_PROFILE),                                   # starts in March
    ("王芳", 300_000, 1, None, KEY_ACCOUNT_PROFILE),      # strong
    ("李娜", 110_000, 1, None, TELECOM_PROFILE),
    ("张伟", 48_000, 1, None, SMALL_ACCOUNT_PROFILE),     # weak
]

# Written satisfaction, exactly as it appears in the file (mixed formats on
# purpose). AM004 has no Q2 survey.
TELECOM_SURVEYS = [
    ("AM001", "2026-Q1", "91.5%"), ("AM001", "2026-Q2", "88.0%"),
    ("AM002", "2026-Q1", "86.5%"), ("AM002", "2026-Q2", "0.84"),
    ("AM003", "2026-Q1", "82.0%"), ("AM003", "2026-Q2", "79.5%"),
    ("AM004", "2026-Q1", "0.88"),
    ("AM005", "2026-Q1", "76.0%"), ("AM005", "2026-Q2", "80%"),
    ("AM006", "2026-Q1", "84.5%"), ("AM006", "2026-Q2", "87.5%"),
    ("AM007", "2026-Q1", "81.0%"), ("AM007", "2026-Q2", "0.79"),
    ("王芳", "2026-Q1", "93.0%"), ("王芳", "2026-Q2", "90.5%"),
    ("李娜", "2026-Q1", "78.5%"), ("李娜", "2026-Q2", "83.0%"),
    ("张伟", "2026-Q1", "85.0%"), ("张伟", "2026-Q2", "0.86"),
]


def telecom(rng):
    next_key = key_factory()
    deals = []
    for name, level, start, ramp, profile in TELECOM_MANAGERS:
        pf = Portfolio()
        months = [m for m in TELECOM_MONTHS if m >= start]
        # Book of renewable contracts, sized to the expected renewal volume.
        pf.add_book(rng, profile, 6 + int(level * len(months) / 45_000), next_key)
        for m in months:
            mult = SEASON[m] * (ramp[m] if ramp else 1.0)
            target = cents(rng.lognormal(level * mult, 0.25))
            deals += gen_month(rng, name, TELECOM_YEAR, m, target,
                               profile, pf, next_key)
    order = [m[0] for m in TELECOM_MANAGERS]
    assign_ids(rng, deals, order)
    sales = to_csv(
        ["id", "date", "manager", "customer", "kind", "business", "segment", "amount"],
        [[d["id"], d["date"].isoformat(), d["person"], d["customer"], d["kind"],
          d["business"], d["segment"], fmt_money(d["cents"])] for d in deals])
    surveys = to_csv(["manager", "quarter", "satisfaction"], TELECOM_SURVEYS)
    return deals, {"telecom/sales.csv": sales, "telecom/surveys.csv": surveys}


# --------------------------------------------------------------------------
# examples/by-business

BB_YEAR = 2026
BB_MONTHS = [1, 2, 3]

ROLE_PROFILES = {
    # Looks after existing key accounts: mostly renewals and upsells.
    "account_manager": Profile(
        kinds={"new": 35, "renewal": 45, "upsell": 20},
        segments={"sme": 20, "enterprise": 50, "government": 30}),
    # Volume sales of connectivity to consumers and small businesses.
    "sales_rep": Profile(
        kinds={"new": 72, "renewal": 18, "upsell": 10},
        segments={"consumer": 45, "sme": 50, "enterprise": 5},
        business_bias={"iot": 0.3, "cloud": 0.3, "ict": 0.2}),
    # Business development for the newer lines: IoT, cloud, ICT projects.
    "bd_specialist": Profile(
        kinds={"new": 68, "renewal": 17, "upsell": 15},
        segments={"sme": 30, "enterprise": 45, "government": 25},
        business_bias={"mobile": 0.15, "broadband": 0.15, "iot": 1.6,
                       "cloud": 1.3, "ict": 1.1}),
}

# id, name, role, team, typical monthly total
ROSTER = [
    ("E01", "陈静", "account_manager", "north", 260_000),
    ("E02", "刘洋", "account_manager", "south", 210_000),
    ("E03", "杨帆", "account_manager", "north", 150_000),
    ("E04", "赵敏", "sales_rep", "south", 105_000),
    ("E05", "黄涛", "sales_rep", "north", 85_000),
    ("E06", "周婷", "sales_rep", "south", 60_000),
    ("E07", "吴斌", "bd_specialist", "north", 230_000),
    ("E08", "徐丽", "bd_specialist", "south", 160_000),
    ("E09", "孙浩", "bd_specialist", "north", 110_000),
]

BB_SURVEYS = [
    ("E01", "2026-Q1", "89.5%"),
    ("E02", "2026-Q1", "0.83"),
    ("E03", "2026-Q1", "77.5%"),
    ("E04", "2026-Q1", "86.0%"),
    ("E05", "2026-Q1", "80%"),
    ("E06", "2026-Q1", "84.5%"),
    ("E07", "2026-Q1", "92.0%"),
    ("E08", "2026-Q1", "0.78"),
    ("E09", "2026-Q1", "81.5%"),
]


def by_business(rng):
    next_key = key_factory()
    deals = []
    for pid, _name, role, _team, level in ROSTER:
        profile = ROLE_PROFILES[role]
        pf = Portfolio()
        pf.add_book(rng, profile, 4 + int(level * len(BB_MONTHS) / 50_000), next_key)
        for m in BB_MONTHS:
            target = cents(rng.lognormal(level * SEASON[m], 0.25))
            deals += gen_month(rng, pid, BB_YEAR, m, target, profile, pf, next_key)
    assign_ids(rng, deals, [r[0] for r in ROSTER])
    roster = to_csv(["id", "name", "role", "team"], [r[:4] for r in ROSTER])
    sales = to_csv(
        ["id", "date", "employee", "customer", "kind", "business", "segment", "amount"],
        [[d["id"], d["date"].isoformat(), d["person"], d["customer"], d["kind"],
          d["business"], d["segment"], fmt_money(d["cents"])] for d in deals])
    surveys = to_csv(["employee", "quarter", "satisfaction"], BB_SURVEYS)
    return deals, {"by-business/roster.csv": roster,
                   "by-business/sales.csv": sales,
                   "by-business/surveys.csv": surveys}


# --------------------------------------------------------------------------
# checks and summary

def bracket(c):
    if c < LOW_LIMIT:
        return "low"
    if c <= HIGH_LIMIT:
        return "mid"
    return "high"


def monthly_totals(deals):
    totals = {}
    for d in deals:
        k = (d["person"], d["date"].month)
        totals[k] = totals.get(k, 0) + d["cents"]
    return totals


def require(ok, what):
    """Like assert, but also runs under `python -O`."""
    if not ok:
        raise SystemExit(f"generate_examples.py: check failed: {what}")


def check(deals, totals, files, rows, brackets_needed):
    for name, text in files.items():
        require("\r" not in text and not text.startswith("\ufeff"), f"{name}: CR or BOM")
        require(all(line == line.rstrip() for line in text.split("\n")),
                f"{name}: trailing whitespace")
    require(rows[0] <= len(deals) <= rows[1], f"row count {len(deals)}")
    require(len({d["id"] for d in deals}) == len(deals), "duplicate sale id")
    require(all(d["cents"] > 0 for d in deals), "non-positive amount")
    if brackets_needed:
        for c in totals.values():
            require(abs(c - LOW_LIMIT) >= LIMIT_MARGIN
                    and abs(c - HIGH_LIMIT) >= LIMIT_MARGIN,
                    f"monthly total {fmt_grouped(c)} too close to a bracket limit")
        brackets = [bracket(c) for c in totals.values()]
        require(all(brackets.count(b) >= 5 for b in ("low", "mid", "high")),
                f"bracket mix {brackets}")
    in_range = sum(2_000_00 <= d["cents"] <= 60_000_00 for d in deals)
    require(in_range / len(deals) >= 0.85, f"only {in_range} amounts in 2,000-60,000")
    share = {k: sum(d["kind"] == k for d in deals) / len(deals) for k in KINDS}
    require(0.50 <= share["new"] <= 0.60 and 0.25 <= share["renewal"] <= 0.35
            and 0.11 <= share["upsell"] <= 0.19, f"kind mix {share}")


def telecom_table(totals):
    names = [m[0] for m in TELECOM_MANAGERS]
    mark = {"low": "L", "mid": "M", "high": "H"}
    head = "| manager | " + " | ".join(f"2026-{m:02d}" for m in TELECOM_MONTHS) + " |"
    sep = "|---|" + "---:|" * len(TELECOM_MONTHS)
    lines = [head, sep]
    for n in names:
        cells = []
        for m in TELECOM_MONTHS:
            c = totals.get((n, m))
            cells.append("—" if c is None else f"{fmt_grouped(c)} {mark[bracket(c)]}")
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def by_business_table(deals, totals):
    head = ("| payee | name | role | team | sales | "
            + " | ".join(f"2026-{m:02d}" for m in BB_MONTHS) + " |")
    sep = "|---|---|---|---|---:|" + "---:|" * len(BB_MONTHS)
    lines = [head, sep]
    for pid, name, role, team, _level in ROSTER:
        n = sum(d["person"] == pid for d in deals)
        cells = [fmt_grouped(totals[(pid, m)]) for m in BB_MONTHS]
        lines.append(f"| {pid} | {name} | {role} | {team} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def describe(label, deals, totals):
    kinds = {k: sum(d["kind"] == k for d in deals) for k in KINDS}
    brackets = {b: sum(bracket(c) == b for c in totals.values())
                for b in ("low", "mid", "high")}
    total = sum(d["cents"] for d in deals)
    in_range = sum(2_000_00 <= d["cents"] <= 60_000_00 for d in deals)
    seen = set()
    repeat = 0
    for d in deals:
        repeat += d["customer"] in seen
        seen.add(d["customer"])
    print(f"{label}: {len(deals)} sales, total {fmt_grouped(total)}, "
          f"kinds {kinds}, {in_range} of {len(deals)} amounts in 2,000-60,000, "
          f"{len({d['customer'] for d in deals})} customers ({repeat} repeat sales)")
    print(f"  person-months {len(totals)}, brackets {brackets}")
    print(f"  amounts min {fmt_grouped(min(d['cents'] for d in deals))} "
          f"max {fmt_grouped(max(d['cents'] for d in deals))}")


def main(argv):
    t_deals, t_files = telecom(Rng(SEED))
    b_deals, b_files = by_business(Rng(SEED + 1))
    files = {**t_files, **b_files}
    t_totals = monthly_totals(t_deals)
    b_totals = monthly_totals(b_deals)
    check(t_deals, t_totals, t_files, (300, 400), brackets_needed=True)
    check(b_deals, b_totals, b_files, (150, 250), brackets_needed=False)

    if "--check" in argv:
        stale = [p for p, text in files.items()
                 if not (HERE / p).exists()
                 or (HERE / p).read_bytes() != text.encode("utf-8")]
        for p in stale:
            print(f"differs: examples/{p}")
        return 1 if stale else 0

    for p, text in files.items():
        path = HERE / p
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        print(f"wrote examples/{p} ({text.count(chr(10)) - 1} rows)")
    print()
    describe("telecom", t_deals, t_totals)
    describe("by-business", b_deals, b_totals)
    print()
    print("Per-manager monthly totals, examples/telecom "
          "(L < 100,000 <= M <= 300,000 < H):")
    print()
    print(telecom_table(t_totals))
    print()
    print("Per-payee monthly totals, examples/by-business:")
    print()
    print(by_business_table(b_deals, b_totals))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
