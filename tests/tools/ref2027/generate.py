#!/usr/bin/env python3
"""Generates a year (2027) of input data for the 2027 telecom reference plan (issue 10).

    python3 generate.py --seed N --out DIR [--sales K] [--payees P] [--example]

writes roster.csv, sales.csv, credits.csv, targets.csv and cancellations.csv into DIR (headers as in the issue).
Deterministic for a seed (random.Random(seed)); standard library only; the data is valid (no error case).

--payees P   roster size (default 25; at least 8).
--example    the layout of examples/telecom-2027/: a quiet bd_specialist (the last id) who makes no random
             sales, a 2027-04-16 hire (the id before it), and hand-placed rows for the cases worked in
             tests/tools/ref2027/WORKED.md (a 60%/40% split, cancellations at exactly 90 and 91 days, the
             mid-month hire's first sale, a Q3 sale far above target, a 10,000,000.00 October deal that takes
             the quiet payee over the 400,000 annual cap).

The data exercises the plan: a 3-level hierarchy (head, team leads, the rest), hires during 2027 (some
mid-month), a "star" payee with large sales and low targets who reaches the 400,000 annual cap, ~10% of sales
split over 2-3 payees (60/40, 50/50, 70/30, 33.5/33.5/33, 50/25/25, 40/30/30; outside --example a few of
them are handovers, one credits row of 100% to another payee than the sale's employee), targets from far below to far
above each payee's credit (so some quarters' true-ups are negative), cancellations of ~5% of sales (full,
partial, two partials of one sale) at 0..120 days including exactly 90 and exactly 91, dated in 2027.
"""
import argparse
import datetime
import itertools
import os
import random
from fractions import Fraction

YEAR_START = datetime.date(2027, 1, 1)
YEAR_END = datetime.date(2027, 12, 31)
NAMES = ['陈静', '刘洋', '杨帆', '赵敏', '王磊', '李娜', '张伟', '周婷', '吴昊', '孙丽', '马超', '朱琳', '胡军',
         '郭敏', '何勇', '高洁', '林峰', '罗霞', '梁斌', '宋佳', '郑凯', '谢芳', '韩冰', '唐鹏', '冯雪', '于晨',
         '董亮', '萧然', '程颖', '曹阳', '袁野', '邓超', '许晴', '傅强', '沈悦', '曾宇', '彭丹', '吕明', '苏畅',
         '卢红']
TEAMS = ['north', 'south', 'east']
KINDS = ['new', 'renewal', 'upsell']
BUSINESSES = ['mobile', 'broadband', 'iot', 'cloud', 'ict']
SEGMENTS = ['consumer', 'sme', 'enterprise', 'government']
SPLITS = [('60%', '40%'), ('50%', '50%'), ('70%', '30%'), ('33.5%', '33.5%', '33%'), ('50%', '25%', '25%'),
          ('40%', '30%', '30%')]
RAMP_DAYS = 21   # a 2027 hire makes random sales from 21 days after the hire date


def cents_text(c):
    return '%d.%02d' % (c // 100, c % 100)


def make_roster(rng, n, example):
    ids = ['E%02d' % i for i in range(1, n + 1)]
    leads = ids[1:3] if n < 20 else ids[1:4]
    star = ids[n - 4] if example else ids[n - 5]
    if example:
        hires = {ids[n - 2]: datetime.date(2027, 4, 16)}
        quiet = ids[n - 1]
    else:
        hire_dates = [datetime.date(2027, 2, 1), datetime.date(2027, 4, 16), datetime.date(2027, 7, 9),
                      datetime.date(2027, 11, 20)]
        hires = dict(zip(ids[n - 4:], hire_dates))
        quiet = None
    roster = []
    for i, pid in enumerate(ids):
        if i == 0:
            role, team, manager = 'account_manager', TEAMS[0], ''
        elif pid in leads:
            role, team, manager = 'account_manager', TEAMS[leads.index(pid)], ids[0]
        else:
            lead = leads[i % len(leads)]
            team = TEAMS[leads.index(lead)]
            manager = lead
            if pid == star:
                role = 'account_manager'
            elif pid == quiet:
                role = 'bd_specialist'
            else:
                role = rng.choice(['sales_rep', 'sales_rep', 'account_manager', 'bd_specialist'])
        if pid in hires:
            hired = hires[pid]
        else:
            hired = datetime.date(rng.randint(2015, 2026), rng.randint(1, 12), rng.choice([1, 1, 1, 15, 6]))
        weight = {'head': 0.0, 'lead': 0.3, 'star': 3.0, 'quiet': 0.0}.get(
            'head' if i == 0 else 'lead' if pid in leads else 'star' if pid == star else
            'quiet' if pid == quiet else '', 0.7 if role == 'bd_specialist' else 1.0)
        roster.append({'id': pid, 'name': NAMES[i % len(NAMES)] + ('' if i < len(NAMES) else str(i)),
                       'role': role, 'team': team, 'manager': manager, 'hired': hired, 'weight': weight,
                       'star': pid == star})
    return roster


def active_from(p):
    if p['hired'] >= YEAR_START:
        return p['hired'] + datetime.timedelta(days=RAMP_DAYS)
    return p['hired']


def amount_cents(rng, star):
    r = rng.random()
    if star:
        if r < 0.1:
            return rng.randint(10000000, 30000000)       # 100,000 .. 300,000
        return rng.randint(2000000, 9000000)             # 20,000 .. 90,000
    if r < 0.04:
        return rng.randint(10000000, 60000000)           # large: 100,000 .. 600,000
    if r < 0.3:
        return rng.randint(2000000, 9000000)
    return rng.randint(50000, 2000000)                   # 500 .. 20,000


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--sales', type=int, default=3000)
    ap.add_argument('--payees', type=int, default=25)
    ap.add_argument('--example', action='store_true')
    args = ap.parse_args()
    if args.payees < 8:
        ap.error('--payees must be at least 8')
    rng = random.Random(args.seed)
    roster = make_roster(rng, args.payees, args.example)
    by_id = {p['id']: p for p in roster}

    # --- random sales (without ids yet)
    next_customer = [5001]
    sales = []
    days_in_year = (YEAR_END - YEAR_START).days + 1
    # who can sell on a day, and their cumulative weights, worked out once per day (the same draws as
    # rng.choices(eligible, weights=...), which accumulates the weights itself)
    eligible_on = {}
    for _ in range(args.sales):
        d = YEAR_START + datetime.timedelta(days=rng.randrange(days_in_year))
        if d not in eligible_on:
            people = [p for p in roster if p['weight'] > 0 and active_from(p) <= d]
            eligible_on[d] = (people, list(itertools.accumulate(p['weight'] for p in people)))
        eligible, cumulative = eligible_on[d]
        emp = rng.choices(eligible, cum_weights=cumulative)[0]
        kind = rng.choice(KINDS)
        if kind == 'new':
            customer = 'C%04d' % next_customer[0]
            next_customer[0] += 1
        else:
            customer = 'C%04d' % rng.randint(100, 4999)
        s = {'date': d, 'employee': emp['id'], 'customer': customer, 'kind': kind,
             'business': rng.choice(BUSINESSES), 'segment': rng.choice(SEGMENTS),
             'amount': amount_cents(rng, emp['star']), 'credits': None, 'order': len(sales), 'hand': False}
        if rng.random() < 0.10:
            shares = rng.choice(SPLITS)
            others = [p for p in eligible if p['id'] != emp['id']]
            partners = []
            while len(partners) < len(shares) - 1:
                q = rng.choices(others, weights=[p['weight'] for p in others])[0]
                if q not in partners:
                    partners.append(q)
            s['credits'] = list(zip([emp['id']] + [q['id'] for q in partners], shares))
            if not args.example and rng.random() < 0.05:
                # a handover: the whole sale credited to one other payee (credits rows alone decide)
                s['credits'] = [(partners[0]['id'], '100%')]
        sales.append(s)

    hand_cancellations = []
    if args.example:
        ids = [p['id'] for p in roster]
        quiet, hire, head = ids[-1], ids[-2], ids[0]

        def hand(date, emp, kind, business, segment, amount, credits=None):
            s = {'date': date, 'employee': emp, 'customer': 'C%04d' % (4900 + len(hand_cancellations) + len(sales) % 50),
                 'kind': kind, 'business': business, 'segment': segment, 'amount': amount, 'credits': credits,
                 'order': len(sales), 'hand': True}
            sales.append(s)
            return s
        hand(datetime.date(2027, 2, 10), quiet, 'new', 'ict', 'enterprise', 4800000, [(quiet, '60%'), (head, '40%')])
        s90 = hand(datetime.date(2027, 5, 3), quiet, 'renewal', 'mobile', 'sme', 2000000)
        s91 = hand(datetime.date(2027, 5, 4), quiet, 'upsell', 'broadband', 'sme', 1250000)
        hand(datetime.date(2027, 7, 20), quiet, 'new', 'ict', 'government', 15000000)
        hand(datetime.date(2027, 4, 20), hire, 'new', 'mobile', 'sme', 2500000)
        hand(datetime.date(2027, 10, 12), quiet, 'new', 'ict', 'government', 1000000000)
        hand_cancellations = [(s90, datetime.date(2027, 8, 1), 500000), (s91, datetime.date(2027, 8, 3), 1250000)]

    sales.sort(key=lambda s: (s['date'], s['order']))
    for i, s in enumerate(sales):
        s['id'] = 'S%06d' % (i + 1)

    # --- cancellations: ~5% of the random sales; the first two at exactly 90 and 91 days
    cancels = [(s, d, a) for s, d, a in hand_cancellations]
    pool = [s for s in sales if not s['hand']]
    chosen = rng.sample(pool, max(2, len(pool) // 20))
    forced = [90, 91]
    for s in chosen:
        room = (YEAR_END - s['date']).days
        if forced and room >= forced[0]:
            days = forced.pop(0)
        else:
            days = rng.randint(0, min(120, room))
        d1 = s['date'] + datetime.timedelta(days=days)
        r = rng.random()
        if r < 0.35 or s['amount'] < 2:
            cancels.append((s, d1, s['amount']))
        elif r < 0.75 or min((YEAR_END - d1).days, 120 - days) < 1:
            cancels.append((s, d1, rng.randint(1, s['amount'] - 1)))
        else:
            a1 = rng.randint(1, s['amount'] - 1)
            a2 = rng.randint(1, s['amount'] - a1)
            d2 = d1 + datetime.timedelta(days=rng.randint(1, min(60, (YEAR_END - d1).days, 120 - days)))
            cancels.append((s, d1, a1))
            cancels.append((s, d2, a2))
    assert not forced, 'no sale left room for a cancellation at exactly 90 and 91 days'
    cancels.sort(key=lambda c: (c[1], c[0]['id']))

    # --- targets: from the payee's credited sales of the quarter times a factor (far above .. far below)
    # (in thousandths of a cent: a share has at most one decimal, so amount x share-in-tenths / 1,000 is exact)
    thousandths = {}
    tenths = {share: int(Fraction(share[:-1]) * 10) for share in {'100%'}.union(*SPLITS)}
    for s in sales:
        q = (s['date'].month - 1) // 3 + 1
        credits = s['credits'] or [(s['employee'], '100%')]
        for emp, share in credits:
            key = (emp, q)
            thousandths[key] = thousandths.get(key, 0) + s['amount'] * tenths[share]
    quarter_credit = {key: Fraction(t, 1000) for key, t in thousandths.items()}
    targets = []
    for p in roster:
        for q in range(1, 5):
            if args.example and p['id'] == roster[-1]['id']:
                cents = [4000000, 6000000, 6000000, 5000000][q - 1]
            else:
                base = quarter_credit.get((p['id'], q), 0)
                if p['star']:
                    factor = Fraction(4, 10)
                else:
                    factor = Fraction(rng.choice([3, 6, 9, 10, 12, 15, 30]), 10)
                cents = int(base * factor) // 100 * 100 + rng.randint(0, 99) if base > 0 else rng.randint(5000000, 20000000)
            targets.append((p['id'], '2027-Q%d' % q, cents))

    os.makedirs(args.out, exist_ok=True)

    def write(name, header, rows):
        with open(os.path.join(args.out, name), 'w', encoding='utf-8', newline='') as f:
            f.write(header + '\n')
            for r in rows:
                f.write(','.join(r) + '\n')
    write('roster.csv', 'id,name,role,team,manager,hired',
          [[p['id'], p['name'], p['role'], p['team'], p['manager'], p['hired'].isoformat()] for p in roster])
    write('sales.csv', 'id,date,employee,customer,kind,business,segment,amount',
          [[s['id'], s['date'].isoformat(), s['employee'], s['customer'], s['kind'], s['business'], s['segment'],
            cents_text(s['amount'])] for s in sales])
    write('credits.csv', 'sale,employee,share',
          [[s['id'], emp, share] for s in sales if s['credits'] for emp, share in s['credits']])
    write('targets.csv', 'employee,quarter,target', [[e, q, cents_text(c)] for e, q, c in targets])
    write('cancellations.csv', 'id,date,sale,amount',
          [['X%04d' % (i + 1), d.isoformat(), s['id'], cents_text(a)] for i, (s, d, a) in enumerate(cancels)])


if __name__ == '__main__':
    main()
