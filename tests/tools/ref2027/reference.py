#!/usr/bin/env python3
"""Independent reference implementation of the 2027 telecom plan (issue 10, "The 2027 reference plan").

Written from the text of the issue alone, standard library only, exact arithmetic with fractions.Fraction
(no floats anywhere).  Usage:

    python3 reference.py --roster R --sales S --credits C --targets T --cancellations X --from 2027-01 --to 2027-12

prints CSV: payee,month,advance,clawback,true_up,override,spiff,draw,annual_cap,total
(one row per roster id, sorted by id in plain byte order, per month of the range, payee-major).

Decisions taken where the issue is silent (each one is applied literally below):
- Days employed are clamped at 0 (a payee hired after the period's end has f = 0); f = days employed / days in
  the period as an exact Fraction; the period of `true_up` is the quarter, the period of `draw` is the month.
  The roster has no `left` column, so days employed run to the period's end.
- A share such as `33.5%` is Fraction("33.5") / 100 (the text must end in `%`); amounts are exact decimals
  (Fraction of the text, e.g. `123.45`, `-12`, `0.5`).
- Rounding: half-up with ties away from zero, to 0.01, of each component of each statement, from the exact
  value; D = round(6000 x f) the same way.  E, the draw, the balance and the cap work on rounded amounts.
- A sale with no credits rows is 100% its `employee`'s; a sale with credits rows is credited only per those
  rows (its `employee` then gets nothing unless named in a credits row).
- The override uses C(r, m) of the direct reports (credited sales; cancellations are not subtracted).
- The marginal true-up with T = 0 pays the top rate (6% / 8%) on all of N > 0 (the two lower bands are empty).
- The draw months of a payee hired in 2027 are the hire month and the two calendar months after it (hired
  2027-11-20: 2027-11, 2027-12, and 2028-01 which is outside the year).  A payee hired before 2027 has no draw
  months; their balance stays 0, so their draw is always 0.  Months before the hire month are "later" months
  only in name: the balance is 0 there, so the draw is 0.
- true_up is 0 in months that are not a quarter's last month; E for the draw includes that month's true_up.
- annual_cap: the cumulative paid before 2027-01 is 0; min(U, 400,000) is applied literally, also when U
  falls again after reaching the cap (the cumulative paid can then decrease).
- The run always computes from 2027-01 whatever --from says and prints only the range; the range must lie
  inside 2027 (the plan is a 2027 plan; the cap is a 2027 running sum) with --from <= --to.
- Sales and cancellations dated outside the computed months simply fall in months that are never printed;
  a cancellation dated in 2027 of a 2026 sale still counts when within 0..90 days.
- Errors exit 2 with one line on stderr, `FILE:LINE: message` (LINE 1-based, the header is line 1).  Files are
  checked in the order roster, sales, credits, targets, cancellations, each top to bottom; the first error wins.
  Which line is named:
    * shares of a sale not summing to exactly 100%: the sale's first credits row;
    * a credit or cancellation naming an unknown sale: that row;
    * cancellations of one sale totalling more than its amount: the cancellation row at which the running
      total (in file order) first exceeds the amount;
    * a manager that is not a roster id: that roster row;
    * a cycle of managers: the first roster row (file order) that lies on a cycle (a self-manager is a cycle);
    * a sale dated before its employee's `hired`: that sales row;
    * a missing target: the roster row of the payee (in the roster file), message naming the quarter and the
      targets file.  A target is required for every roster id and every quarter that contains a computed month
      (2027-Q1 up to the quarter of --to).
  Also errors (not listed in the issue, but the data cannot be read otherwise): a wrong header (line 1), a row
  with the wrong number of fields, a bad date/amount/share/quarter, a duplicate roster id, sale id,
  cancellation id or (employee, quarter) target, a sale, credit or target naming an employee that is not a
  roster id, a cancellation amount <= 0.  A credit to a payee for a sale dated before that payee's hire is NOT
  an error (the issue names only the sale's `employee`).
"""
import argparse
import csv
import datetime
import re
import sys
from fractions import Fraction

HEADERS = {
    'roster': ['id', 'name', 'role', 'team', 'manager', 'hired'],
    'sales': ['id', 'date', 'employee', 'customer', 'kind', 'business', 'segment', 'amount'],
    'credits': ['sale', 'employee', 'share'],
    'targets': ['employee', 'quarter', 'target'],
    'cancellations': ['id', 'date', 'sale', 'amount'],
}
OUT_HEADER = 'payee,month,advance,clawback,true_up,override,spiff,draw,annual_cap,total'
COMPONENTS = ['advance', 'clawback', 'true_up', 'override', 'spiff', 'draw', 'annual_cap']

RATE_ADVANCE = Fraction(4, 100)
RATE_CLAWBACK = Fraction(4, 100)
RATE_LOW = Fraction(2, 100)       # up to 50% of T
RATE_MID = Fraction(4, 100)       # 50% of T to T
RATE_TOP_BEFORE_JULY = Fraction(6, 100)
RATE_TOP_FROM_JULY = Fraction(8, 100)
JULY_CHANGE = (2027, 7)
RATE_OVERRIDE = Fraction(1, 100)
SPIFF_AMOUNT = Fraction(300)
SPIFF_FROM = datetime.date(2027, 3, 1)
SPIFF_TO = datetime.date(2027, 3, 31)
DRAW_MONTHLY = Fraction(6000)
CAP = Fraction(400000)
CLAWBACK_DAYS = 90
YEAR = 2027

AMOUNT_RE = re.compile(r'^-?[0-9]+(\.[0-9]+)?$')
QUARTER_RE = re.compile(r'^([0-9]{4})-Q([1-4])$')
MONTH_RE = re.compile(r'^([0-9]{4})-([0-9]{2})$')


class InputError(Exception):
    def __init__(self, path, line, message):
        super().__init__('%s:%d: %s' % (path, line, message))


def round_cents(x):
    """Half-up, ties away from zero, to 0.01, of an exact Fraction; returns a Fraction."""
    q = Fraction(x) * 100
    sign = -1 if q < 0 else 1
    a = abs(q)
    n = (a.numerator * 2 + a.denominator) // (2 * a.denominator)   # floor(a + 1/2)
    return Fraction(sign * n, 100)


def fmt(x):
    """A Fraction with at most two decimals as text with exactly two decimals."""
    cents = x * 100
    assert cents.denominator == 1, x
    c = cents.numerator
    sign = '-' if c < 0 else ''
    c = abs(c)
    return '%s%d.%02d' % (sign, c // 100, c % 100)


def read_csv(path, kind):
    """Yields (line, row dict).  Line is the 1-based line of the row in the file (header = 1)."""
    with open(path, newline='', encoding='utf-8') as f:
        reader = csv.reader(f)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(path, 1, 'empty file, expected header %s' % ','.join(HEADERS[kind]))
        if header != HEADERS[kind]:
            raise InputError(path, 1, 'header is %s, expected %s' % (','.join(header), ','.join(HEADERS[kind])))
        rows = []
        start = reader.line_num + 1
        for row in reader:
            line = start
            start = reader.line_num + 1
            if row == [] or row == ['']:
                continue
            if len(row) != len(header):
                raise InputError(path, line, '%d fields, expected %d' % (len(row), len(header)))
            rows.append((line, dict(zip(header, row))))
        return rows


def need_date(path, line, text, what):
    if re.match(r'^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    raise InputError(path, line, 'bad %s date %r (expected YYYY-MM-DD)' % (what, text))


def parse_amount(path, line, text, what):
    if not AMOUNT_RE.match(text):
        raise InputError(path, line, 'bad %s %r (expected a decimal such as 1234.56)' % (what, text))
    return Fraction(text)


def parse_share(path, line, text):
    if not text.endswith('%') or not AMOUNT_RE.match(text[:-1]):
        raise InputError(path, line, 'bad share %r (expected a percent such as 60%% or 33.5%%)' % text)
    return Fraction(text[:-1]) / 100


def month_of(d):
    return (d.year, d.month)


def month_text(m):
    return '%04d-%02d' % m


def next_month(m):
    y, mo = m
    return (y + 1, 1) if mo == 12 else (y, mo + 1)


def month_start(m):
    return datetime.date(m[0], m[1], 1)


def month_end(m):
    return month_start(next_month(m)) - datetime.timedelta(days=1)


def quarter_of(m):
    return (m[0], (m[1] - 1) // 3 + 1)


def quarter_months(q):
    y, n = q
    return [(y, 3 * n - 2), (y, 3 * n - 1), (y, 3 * n)]


def quarter_start(q):
    return month_start(quarter_months(q)[0])


def quarter_end(q):
    return month_end(quarter_months(q)[2])


def fraction_employed(hired, start, end):
    """f = days employed / days in the period; days employed = max(hired, start)..end inclusive, clamped at 0."""
    days_in_period = (end - start).days + 1
    first = max(hired, start)
    employed = max(0, (end - first).days + 1)
    return Fraction(employed, days_in_period)


def load(args, last_month):
    # --- roster
    roster = {}          # id -> dict(line, manager, hired)
    order = []
    for line, r in read_csv(args.roster, 'roster'):
        pid = r['id']
        if pid == '':
            raise InputError(args.roster, line, 'empty id')
        if pid in roster:
            raise InputError(args.roster, line, 'duplicate roster id %s (first at line %d)' % (pid, roster[pid]['line']))
        hired = need_date(args.roster, line, r['hired'], 'hired')
        roster[pid] = {'line': line, 'manager': r['manager'], 'hired': hired}
        order.append(pid)
    for pid in order:
        mgr = roster[pid]['manager']
        if mgr != '' and mgr not in roster:
            raise InputError(args.roster, roster[pid]['line'], 'manager %s of %s is not a roster id' % (mgr, pid))
    for pid in order:
        # does following managers from pid come back to pid?
        seen = set()
        cur = roster[pid]['manager']
        while cur != '' and cur not in seen:
            if cur == pid:
                raise InputError(args.roster, roster[pid]['line'], 'cycle of managers through %s' % pid)
            seen.add(cur)
            cur = roster[cur]['manager']

    # --- sales
    sales = {}
    for line, r in read_csv(args.sales, 'sales'):
        sid = r['id']
        if sid in sales:
            raise InputError(args.sales, line, 'duplicate sale id %s (first at line %d)' % (sid, sales[sid]['line']))
        d = need_date(args.sales, line, r['date'], 'sale')
        emp = r['employee']
        if emp not in roster:
            raise InputError(args.sales, line, 'employee %s of sale %s is not a roster id' % (emp, sid))
        amount = parse_amount(args.sales, line, r['amount'], 'amount')
        if d < roster[emp]['hired']:
            raise InputError(args.sales, line, 'sale %s dated %s is before its employee %s was hired (%s)'
                             % (sid, d, emp, roster[emp]['hired']))
        sales[sid] = {'line': line, 'date': d, 'employee': emp, 'amount': amount,
                      'kind': r['kind'], 'business': r['business'], 'shares': None}

    # --- credits
    credit_rows = {}     # sale -> list of (line, employee, share)
    for line, r in read_csv(args.credits, 'credits'):
        sid = r['sale']
        if sid not in sales:
            raise InputError(args.credits, line, 'credit for unknown sale %s' % sid)
        emp = r['employee']
        if emp not in roster:
            raise InputError(args.credits, line, 'credit to %s, not a roster id' % emp)
        share = parse_share(args.credits, line, r['share'])
        credit_rows.setdefault(sid, []).append((line, emp, share))
    for sid in sorted(credit_rows, key=lambda s: credit_rows[s][0][0]):
        rows = credit_rows[sid]
        total = sum((share for _, _, share in rows), Fraction(0))
        if total != 1:
            raise InputError(args.credits, rows[0][0], 'shares of sale %s sum to %s%%, not exactly 100%%'
                             % (sid, total * 100))
    for sid, s in sales.items():
        shares = {}
        if sid in credit_rows:
            for _, emp, share in credit_rows[sid]:
                shares[emp] = shares.get(emp, Fraction(0)) + share
        else:
            shares[s['employee']] = Fraction(1)
        s['shares'] = shares

    # --- targets
    targets = {}
    for line, r in read_csv(args.targets, 'targets'):
        emp = r['employee']
        if emp not in roster:
            raise InputError(args.targets, line, 'target for %s, not a roster id' % emp)
        mq = QUARTER_RE.match(r['quarter'])
        if not mq:
            raise InputError(args.targets, line, 'bad quarter %r (expected 2027-Q1)' % r['quarter'])
        q = (int(mq.group(1)), int(mq.group(2)))
        if (emp, q) in targets:
            raise InputError(args.targets, line, 'duplicate target for %s %s' % (emp, r['quarter']))
        targets[(emp, q)] = parse_amount(args.targets, line, r['target'], 'target')

    # --- cancellations
    cancellations = []
    cancelled_total = {}
    ids = set()
    for line, r in read_csv(args.cancellations, 'cancellations'):
        if r['id'] in ids:
            raise InputError(args.cancellations, line, 'duplicate cancellation id %s' % r['id'])
        ids.add(r['id'])
        sid = r['sale']
        if sid not in sales:
            raise InputError(args.cancellations, line, 'cancellation %s of unknown sale %s' % (r['id'], sid))
        d = need_date(args.cancellations, line, r['date'], 'cancellation')
        amount = parse_amount(args.cancellations, line, r['amount'], 'amount')
        if amount <= 0:
            raise InputError(args.cancellations, line, 'cancellation amount %s is not > 0' % r['amount'])
        cancelled_total[sid] = cancelled_total.get(sid, Fraction(0)) + amount
        if cancelled_total[sid] > sales[sid]['amount']:
            raise InputError(args.cancellations, line, 'cancellations of sale %s total %s, more than its amount %s'
                             % (sid, fmt(round_cents(cancelled_total[sid])), fmt(round_cents(sales[sid]['amount']))))
        cancellations.append({'line': line, 'date': d, 'sale': sid, 'amount': amount})

    # --- missing targets (every roster id, every quarter containing a computed month)
    quarters = []
    m = (YEAR, 1)
    while m <= last_month:
        if quarter_of(m) not in quarters:
            quarters.append(quarter_of(m))
        m = next_month(m)
    for pid in order:
        for q in quarters:
            if (pid, q) not in targets:
                raise InputError(args.roster, roster[pid]['line'], 'no target for %s in %d-Q%d in %s'
                                 % (pid, q[0], q[1], args.targets))
    return roster, sales, targets, cancellations


def compute(roster, sales, targets, cancellations, last_month):
    months = []
    m = (YEAR, 1)
    while m <= last_month:
        months.append(m)
        m = next_month(m)
    ids = sorted(roster, key=lambda s: s.encode('utf-8'))

    # C(p, m) and the March cloud SPIFF, exact
    C = {}
    spiff = {}
    for s in sales.values():
        m = month_of(s['date'])
        for p, share in s['shares'].items():
            C[(p, m)] = C.get((p, m), Fraction(0)) + s['amount'] * share
            if s['kind'] == 'new' and s['business'] == 'cloud' and SPIFF_FROM <= s['date'] <= SPIFF_TO:
                spiff[(p, m)] = spiff.get((p, m), Fraction(0)) + SPIFF_AMOUNT * share
    # K(p, m): p's share of the counting cancellations dated in m
    K = {}
    for c in cancellations:
        s = sales[c['sale']]
        days = (c['date'] - s['date']).days
        if 0 <= days <= CLAWBACK_DAYS:
            m = month_of(c['date'])
            for p, share in s['shares'].items():
                K[(p, m)] = K.get((p, m), Fraction(0)) + c['amount'] * share
    reports = {}
    for p in roster:
        mgr = roster[p]['manager']
        if mgr != '':
            reports.setdefault(mgr, []).append(p)

    out = {}
    for p in ids:
        hired = roster[p]['hired']
        hire_month = month_of(hired)
        draw_months = set()
        if hired.year == YEAR:
            dm = hire_month
            for _ in range(3):
                draw_months.add(dm)
                dm = next_month(dm)
        balance = Fraction(0)
        U = Fraction(0)
        paid_before = Fraction(0)
        rows = {}
        for m in months:
            c = C.get((p, m), Fraction(0))
            k = K.get((p, m), Fraction(0))
            advance = round_cents(RATE_ADVANCE * c)
            clawback = round_cents(-RATE_CLAWBACK * k)
            if m[1] % 3 == 0:
                q = quarter_of(m)
                f = fraction_employed(hired, quarter_start(q), quarter_end(q))
                T = targets[(p, q)] * f
                N = sum((C.get((p, qm), Fraction(0)) - K.get((p, qm), Fraction(0)) for qm in quarter_months(q)),
                        Fraction(0))
                top = RATE_TOP_FROM_JULY if quarter_months(q)[0] >= JULY_CHANGE else RATE_TOP_BEFORE_JULY
                earned = Fraction(0)
                if N > 0:
                    half = T / 2
                    earned += RATE_LOW * max(Fraction(0), min(N, half))
                    earned += RATE_MID * max(Fraction(0), min(N, T) - half)
                    earned += top * max(Fraction(0), N - T)
                paid = sum((rows[qm]['advance'] + rows[qm]['clawback'] for qm in quarter_months(q) if qm != m),
                           Fraction(0)) + advance + clawback
                true_up = round_cents(earned) - paid
            else:
                true_up = Fraction(0)
            override = round_cents(RATE_OVERRIDE * sum((C.get((r, m), Fraction(0)) for r in reports.get(p, [])),
                                                       Fraction(0)))
            sp = round_cents(spiff.get((p, m), Fraction(0)))
            E = advance + clawback + true_up + override + sp
            if m in draw_months:
                D = round_cents(DRAW_MONTHLY * fraction_employed(hired, month_start(m), month_end(m)))
                draw = max(Fraction(0), D - E)
                balance += draw
            else:
                draw = -min(balance, max(E, Fraction(0)))
                balance += draw
            U += E + draw
            paid_now = min(U, CAP)
            annual_cap = (paid_now - paid_before) - (E + draw)
            paid_before = paid_now
            row = {'advance': advance, 'clawback': clawback, 'true_up': true_up, 'override': override,
                   'spiff': sp, 'draw': draw, 'annual_cap': annual_cap}
            row['total'] = sum((row[k] for k in COMPONENTS), Fraction(0))
            rows[m] = row
        out[p] = rows
    return ids, months, out


def parse_month(text, flag):
    mm = MONTH_RE.match(text)
    if not mm or not 1 <= int(mm.group(2)) <= 12:
        raise InputError('<arguments>', 0, 'bad %s %r (expected YYYY-MM)' % (flag, text))
    return (int(mm.group(1)), int(mm.group(2)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--roster', required=True)
    ap.add_argument('--sales', required=True)
    ap.add_argument('--credits', required=True)
    ap.add_argument('--targets', required=True)
    ap.add_argument('--cancellations', required=True)
    ap.add_argument('--from', dest='from_', required=True)
    ap.add_argument('--to', required=True)
    args = ap.parse_args(argv)
    try:
        first = parse_month(args.from_, '--from')
        last = parse_month(args.to, '--to')
        if not ((YEAR, 1) <= first <= last <= (YEAR, 12)):
            raise InputError('<arguments>', 0, 'the range %s..%s must lie inside %d with --from <= --to'
                             % (args.from_, args.to, YEAR))
        roster, sales, targets, cancellations = load(args, last)
    except InputError as e:
        print(str(e), file=sys.stderr)
        return 2
    except OSError as e:
        print('%s:0: %s' % (e.filename, e.strerror), file=sys.stderr)
        return 2
    ids, months, out = compute(roster, sales, targets, cancellations, last)
    w = sys.stdout
    w.write(OUT_HEADER + '\n')
    for p in ids:
        for m in months:
            if m < first:
                continue
            row = out[p][m]
            w.write(','.join([p, month_text(m)] + [fmt(row[k]) for k in COMPONENTS + ['total']]) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
