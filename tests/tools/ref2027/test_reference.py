"""Unit checks of reference.py (the independent Python reference of the 2027 plan, issue 10).

Run: python3 -m unittest tests/tools/ref2027/test_reference.py

Every expected figure is worked by hand in the comments from the tiny inputs written in each test (rates:
advance 4%, clawback -4%, true-up 2% / 4% / 6% (8% from 2027-07), override 1%, draw 6,000 x f, cap 400,000).
"""
import os
import subprocess
import sys
import tempfile
import unittest
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, 'reference.py')
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
EXAMPLE = os.path.join(ROOT, 'examples', 'telecom-2027')

sys.path.insert(0, HERE)
import reference  # noqa: E402

HEADERS = {
    'roster': 'id,name,role,team,manager,hired',
    'sales': 'id,date,employee,customer,kind,business,segment,amount',
    'credits': 'sale,employee,share',
    'targets': 'employee,quarter,target',
    'cancellations': 'id,date,sale,amount',
}
FIELDS = ['advance', 'clawback', 'true_up', 'override', 'spiff', 'draw', 'annual_cap', 'total']
# A is the manager of B; both hired long before 2027.
ROSTER_AB = ['A,Ann,account_manager,north,,2020-01-01', 'B,Bo,sales_rep,north,A,2020-01-01']


def targets_for(ids, amount='100000.00'):
    return ['%s,2027-Q%d,%s' % (i, q, amount) for i in ids for q in range(1, 5)]


def run(files, frm='2027-01', to='2027-12', data_dir=None):
    """Writes files (name -> list of data lines) under a temporary directory and runs reference.py on them.
    Returns (returncode, {(payee, month): {field: text}}, stdout, stderr)."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [sys.executable, REFERENCE]
        for name in ['roster', 'sales', 'credits', 'targets', 'cancellations']:
            if data_dir:
                path = os.path.join(data_dir, name + '.csv')
            else:
                path = os.path.join(tmp, name + '.csv')
                with open(path, 'w', encoding='utf-8', newline='') as f:
                    f.write('\n'.join([HEADERS[name]] + files.get(name, [])) + '\n')
            args += ['--' + name, path]
        args += ['--from', frm, '--to', to]
        p = subprocess.run(args, capture_output=True, text=True, encoding='utf-8')
    rows = {}
    lines = p.stdout.splitlines()
    if p.returncode == 0:
        assert lines[0] == 'payee,month,advance,clawback,true_up,override,spiff,draw,annual_cap,total', lines[0]
        for line in lines[1:]:
            cells = line.split(',')
            rows[(cells[0], cells[1])] = dict(zip(FIELDS, cells[2:]))
    return p.returncode, rows, p.stdout, p.stderr


class Rounding(unittest.TestCase):
    def test_half_up_away_from_zero(self):
        self.assertEqual(reference.round_cents(Fraction('0.005')), Fraction('0.01'))
        self.assertEqual(reference.round_cents(Fraction('-0.005')), Fraction('-0.01'))
        self.assertEqual(reference.round_cents(Fraction('0.00499')), Fraction(0))
        self.assertEqual(reference.round_cents(Fraction('2.675')), Fraction('2.68'))
        self.assertEqual(reference.round_cents(Fraction(1, 3)), Fraction('0.33'))
        self.assertEqual(reference.fmt(Fraction('-12.3')), '-12.30')
        self.assertEqual(reference.fmt(Fraction(0)), '0.00')
        self.assertEqual(reference.fmt(Fraction('-0.05')), '-0.05')


class Statements(unittest.TestCase):
    def test_split_sale_and_override(self):
        # S1 1,000.00 sold by A, credited A 60% / B 40%: C(A) = 600.00, C(B) = 400.00.
        # A: advance 4% x 600 = 24.00; override 1% x C(B) = 1% x 400 = 4.00 (B's manager is A).
        # B: advance 4% x 400 = 16.00.
        # March true-up, T = 10,000.00: A N = 600 <= T/2: earned 2% x 600 = 12.00; true_up = 12.00 - 24.00 = -12.00.
        #   B: 2% x 400 = 8.00 - 16.00 = -8.00. A's March total = -12.00.
        rc, rows, out, err = run({
            'roster': ROSTER_AB,
            'sales': ['S1,2027-01-10,A,C1,renewal,mobile,sme,1000.00'],
            'credits': ['S1,A,60%', 'S1,B,40%'],
            'targets': targets_for('AB', '10000.00')}, to='2027-03')
        self.assertEqual(rc, 0, err)
        self.assertEqual(rows[('A', '2027-01')], dict(advance='24.00', clawback='0.00', true_up='0.00',
                         override='4.00', spiff='0.00', draw='0.00', annual_cap='0.00', total='28.00'))
        self.assertEqual(rows[('B', '2027-01')]['advance'], '16.00')
        self.assertEqual(rows[('B', '2027-01')]['override'], '0.00')
        self.assertEqual(rows[('A', '2027-03')]['true_up'], '-12.00')
        self.assertEqual(rows[('B', '2027-03')]['true_up'], '-8.00')
        self.assertEqual(rows[('A', '2027-03')]['total'], '-12.00')
        # payee-major order, ids sorted, only the range
        self.assertEqual([l.split(',')[0] + l.split(',')[1] for l in out.splitlines()[1:]],
                         ['A2027-01', 'A2027-02', 'A2027-03', 'B2027-01', 'B2027-02', 'B2027-03'])

    def test_clawback_90_counts_91_does_not(self):
        # S1 2027-01-01 1,000.00; X1 2027-04-01: 30 (rest of Jan) + 28 + 31 + 1 = 90 days -> counts, 100.00.
        # S2 2027-01-02 2,000.00; X2 2027-04-03: 29 + 28 + 31 + 3 = 91 days -> does not count, 500.00.
        # S3 2027-04-10 300.00, X3 the same day (0 days) 300.00 -> counts.
        # April: K(A) = 100.00 + 300.00 = 400.00 -> clawback -16.00; advance 4% x 300.00 = 12.00.
        rc, rows, out, err = run({
            'roster': ROSTER_AB,
            'sales': ['S1,2027-01-01,A,C1,new,iot,sme,1000.00', 'S2,2027-01-02,A,C2,new,iot,sme,2000.00',
                      'S3,2027-04-10,A,C3,new,iot,sme,300.00'],
            'cancellations': ['X1,2027-04-01,S1,100.00', 'X2,2027-04-03,S2,500.00', 'X3,2027-04-10,S3,300.00'],
            'targets': targets_for('AB')}, to='2027-05')
        self.assertEqual(rc, 0, err)
        self.assertEqual(rows[('A', '2027-04')]['clawback'], '-16.00')
        self.assertEqual(rows[('A', '2027-04')]['advance'], '12.00')
        self.assertEqual(rows[('A', '2027-04')]['total'], '-4.00')
        self.assertEqual(rows[('A', '2027-01')]['advance'], '120.00')   # 4% x 3,000.00

    def test_prorated_hire_draw_and_recovery(self):
        # H hired 2027-02-15. Q1 (90 days): employed 2027-02-15..03-31 = 14 + 31 = 45 days, f = 1/2.
        # Targets 20,000.00 each quarter. Q1 T = 10,000.00.
        # Sale 2027-03-10 12,000.00: advance 480.00. N = 12,000 > T: earned = 2% x 5,000 + 4% x 5,000
        #   + 6% x 2,000 = 100 + 200 + 120 = 420.00; true_up (March) = 420.00 - 480.00 = -60.00.
        # Draw months Feb, Mar, Apr.
        #   Feb: f = 14/28, D = 3,000.00, E = 0 -> draw 3,000.00 (balance 3,000.00).
        #   Mar: D = 6,000.00, E = 480.00 - 60.00 = 420.00 -> draw 5,580.00 (balance 8,580.00).
        #   Apr: D = 6,000.00, E = 0 -> draw 6,000.00 (balance 14,580.00).
        #   May: sale 2027-05-05 50,000.00, advance 2,000.00 = E -> draw -min(14,580.00, 2,000.00) = -2,000.00,
        #        total 0.00 (balance 12,580.00).
        #   Jun: Q2 T = 20,000.00 (f = 1), N = 50,000.00: earned = 200 + 400 + 6% x 30,000 = 2,400.00;
        #        true_up = 2,400.00 - 2,000.00 = 400.00 = E -> draw -400.00, total 0.00 (balance 12,180.00).
        #   Jan: not yet hired; no draw, all 0.
        rc, rows, out, err = run({
            'roster': ROSTER_AB + ['H,Hu,sales_rep,north,A,2027-02-15'],
            'sales': ['S1,2027-03-10,H,C1,new,ict,sme,12000.00', 'S2,2027-05-05,H,C2,new,ict,sme,50000.00'],
            'targets': targets_for('ABH', '20000.00')}, to='2027-06')
        self.assertEqual(rc, 0, err)
        got = {m: (rows[('H', m)]['true_up'], rows[('H', m)]['draw'], rows[('H', m)]['total'])
               for m in ['2027-01', '2027-02', '2027-03', '2027-04', '2027-05', '2027-06']}
        self.assertEqual(got, {'2027-01': ('0.00', '0.00', '0.00'), '2027-02': ('0.00', '3000.00', '3000.00'),
                               '2027-03': ('-60.00', '5580.00', '6000.00'), '2027-04': ('0.00', '6000.00', '6000.00'),
                               '2027-05': ('0.00', '-2000.00', '0.00'), '2027-06': ('400.00', '-400.00', '0.00')})
        # A, H's manager: override 1% x 12,000.00 = 120.00 in March, 1% x 50,000.00 = 500.00 in May
        self.assertEqual(rows[('A', '2027-03')]['override'], '120.00')
        self.assertEqual(rows[('A', '2027-05')]['override'], '500.00')

    def test_hire_after_the_quarter_and_late_year_draw(self):
        # L hired 2027-11-20: Q1..Q3 f = 0 (clamped), so T = 0 and no sales: true_up 0.
        # Draw months Nov, Dec (and Jan 2028 outside the year). Nov f = 11/30: D = 2,200.00; Dec D = 6,000.00.
        # Q4: 2027-10-01..12-31 = 92 days, employed 11-20..12-31 = 11 + 31 = 42 -> T = 92,000.00 x 42/92 = 42,000.00.
        # Sale 2027-12-01 1,000.00: advance 40.00; N = 1,000 <= T/2: earned 20.00; true_up = -20.00.
        # Dec E = 40.00 - 20.00 = 20.00; draw = 6,000.00 - 20.00 = 5,980.00; total 6,000.00.
        rc, rows, out, err = run({
            'roster': ROSTER_AB + ['L,Li,bd_specialist,north,A,2027-11-20'],
            'sales': ['S1,2027-12-01,L,C1,new,ict,sme,1000.00'],
            'targets': targets_for('AB') + targets_for('L', '92000.00')})
        self.assertEqual(rc, 0, err)
        self.assertEqual(rows[('L', '2027-11')]['draw'], '2200.00')
        self.assertEqual(rows[('L', '2027-12')], dict(advance='40.00', clawback='0.00', true_up='-20.00',
                         override='0.00', spiff='0.00', draw='5980.00', annual_cap='0.00', total='6000.00'))
        self.assertEqual(rows[('L', '2027-09')]['total'], '0.00')

    def test_annual_cap(self):
        # Jan sale 5,000,000.00: advance 200,000.00; U = 200,000.00, no cap.
        # Feb sale 6,000,000.00: advance 240,000.00; U = 440,000.00, paid min(U, 400,000) = 400,000.00,
        #   increase 200,000.00, annual_cap = 200,000.00 - 240,000.00 = -40,000.00, total 200,000.00.
        # Mar: Q1 T = 22,000,000.00, N = 11,000,000.00 = T/2: earned 2% x 11,000,000 = 220,000.00;
        #   true_up = 220,000.00 - 440,000.00 = -220,000.00 = E; U = 220,000.00, paid 220,000.00,
        #   increase -180,000.00; annual_cap = -180,000.00 - (-220,000.00) = 40,000.00 (literal min(U, cap)).
        # B (A's report) has nothing; A's override 0.
        rc, rows, out, err = run({
            'roster': ROSTER_AB,
            'sales': ['S1,2027-01-05,A,C1,new,ict,government,5000000.00',
                      'S2,2027-02-05,A,C1,upsell,ict,government,6000000.00'],
            'targets': ['A,2027-Q%d,22000000.00' % q for q in range(1, 5)] + targets_for('B')}, to='2027-03')
        self.assertEqual(rc, 0, err)
        self.assertEqual(rows[('A', '2027-01')]['annual_cap'], '0.00')
        self.assertEqual(rows[('A', '2027-02')]['annual_cap'], '-40000.00')
        self.assertEqual(rows[('A', '2027-02')]['total'], '200000.00')
        self.assertEqual(rows[('A', '2027-03')]['true_up'], '-220000.00')
        self.assertEqual(rows[('A', '2027-03')]['annual_cap'], '40000.00')
        self.assertEqual(rows[('A', '2027-03')]['total'], '-180000.00')

    def test_zero_target_july_rate_and_spiff(self):
        # Target 0: T = 0, all of N > 0 at the top rate. Q1: sale 2027-03-15 new cloud 1,000.00 (SPIFF 300.00):
        #   earned 6% x 1,000 = 60.00, true_up 60.00 - 40.00 = 20.00. March total 40 + 20 + 300 = 360.00.
        # Q3: sale 2027-08-01 1,000.00: earned 8% x 1,000 = 80.00, true_up 80.00 - 40.00 = 40.00 (September).
        # A cloud 'new' sale on 2027-04-01 earns no SPIFF.
        rc, rows, out, err = run({
            'roster': ROSTER_AB,
            'sales': ['S1,2027-03-15,B,C1,new,cloud,sme,1000.00', 'S2,2027-04-01,B,C2,new,cloud,sme,1000.00',
                      'S3,2027-08-01,B,C3,renewal,mobile,sme,1000.00'],
            'targets': targets_for('A') + targets_for('B', '0.00')}, to='2027-09')
        self.assertEqual(rc, 0, err)
        self.assertEqual(rows[('B', '2027-03')]['spiff'], '300.00')
        self.assertEqual(rows[('B', '2027-03')]['true_up'], '20.00')
        self.assertEqual(rows[('B', '2027-03')]['total'], '360.00')
        self.assertEqual(rows[('B', '2027-04')]['spiff'], '0.00')
        self.assertEqual(rows[('B', '2027-09')]['true_up'], '40.00')
        # Q2: S2 1,000.00, T = 0: 6% x 1,000 = 60.00 - 40.00 = 20.00
        self.assertEqual(rows[('B', '2027-06')]['true_up'], '20.00')

    def test_split_spiff_and_half_cent_rounding(self):
        # S1 2027-03-02 new cloud 0.25 split A 50% / B 50%; X1 the same day cancels 0.25 (counts).
        # A: C = 0.125, advance 4% x 0.125 = 0.005 -> 0.01 (half-up); K = 0.125, clawback -0.005 -> -0.01 (away
        # from zero); SPIFF 300 x 50% = 150.00; override 1% x C(B) = 0.00125 -> 0.00.
        rc, rows, out, err = run({
            'roster': ROSTER_AB,
            'sales': ['S1,2027-03-02,A,C1,new,cloud,sme,0.25'],
            'credits': ['S1,A,50%', 'S1,B,50%'],
            'cancellations': ['X1,2027-03-02,S1,0.25'],
            'targets': targets_for('AB')}, to='2027-03')
        self.assertEqual(rc, 0, err)
        r = rows[('A', '2027-03')]
        self.assertEqual((r['advance'], r['clawback'], r['spiff'], r['override']), ('0.01', '-0.01', '150.00', '0.00'))
        # March true_up: N = 0.125 - 0.125 = 0 -> earned 0; true_up = 0 - (0.01 - 0.01) = 0.00
        self.assertEqual(r['true_up'], '0.00')

    def test_range_start_does_not_change_statements(self):
        rc1, full, _, err1 = run({}, data_dir=EXAMPLE)
        rc2, part, out, err2 = run({}, frm='2027-04', to='2027-06', data_dir=EXAMPLE)
        self.assertEqual((rc1, rc2), (0, 0), err1 + err2)
        self.assertEqual(len(out.splitlines()), 1 + 12 * 3)
        for key, row in part.items():
            self.assertEqual(row, full[key], key)


class Errors(unittest.TestCase):
    def assertError(self, files, file_name, line, to='2027-12'):
        rc, rows, out, err = run(files, to=to)
        self.assertEqual(rc, 2, out + err)
        self.assertEqual(out, '')
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn('%s.csv:%d:' % (file_name, line), err)
        return err

    def base(self):
        return {'roster': list(ROSTER_AB), 'sales': ['S1,2027-01-10,A,C1,new,iot,sme,100.00'],
                'targets': targets_for('AB')}

    def test_valid_base(self):
        rc, rows, out, err = run(self.base())
        self.assertEqual(rc, 0, err)

    def test_shares_not_100(self):
        f = self.base()
        f['sales'].append('S2,2027-01-11,A,C1,new,iot,sme,100.00')
        f['credits'] = ['S1,A,50%', 'S1,B,50%', 'S2,A,60%', 'S2,B,30%']   # S2: 90%; first S2 row is line 4
        self.assertIn('S2', self.assertError(f, 'credits', 4))
        f['credits'] = ['S1,A,33.5%', 'S1,B,33.5%', 'S1,A,33.1%']         # 100.1%
        self.assertError(f, 'credits', 2)

    def test_credit_unknown_sale(self):
        f = self.base()
        f['credits'] = ['S1,A,100%', 'S9,A,100%']
        self.assertIn('S9', self.assertError(f, 'credits', 3))

    def test_cancellation_unknown_sale(self):
        f = self.base()
        f['cancellations'] = ['X1,2027-02-01,S7,10.00']
        self.assertIn('S7', self.assertError(f, 'cancellations', 2))

    def test_cancelling_more_than_sold(self):
        f = self.base()
        f['cancellations'] = ['X1,2027-02-01,S1,60.00', 'X2,2027-02-02,S1,40.00', 'X3,2027-02-03,S1,0.01']
        self.assertError(f, 'cancellations', 4)
        f['cancellations'] = ['X1,2027-02-01,S1,60.00', 'X2,2027-02-02,S1,40.00']   # exactly 100.00: fine
        rc, rows, out, err = run(f)
        self.assertEqual(rc, 0, err)

    def test_unknown_manager(self):
        f = self.base()
        f['roster'].append('C,Cy,sales_rep,north,Z,2020-01-01')
        self.assertIn('Z', self.assertError(f, 'roster', 4))

    def test_manager_cycle(self):
        f = self.base()
        # line 2 A (manager D) -> D (line 5, manager C) -> C (line 4, manager D): C and D form the cycle;
        # A leads into it but is not on it; B's manager is A. First row on the cycle: line 4.
        f['roster'] = ['A,Ann,account_manager,north,D,2020-01-01', 'B,Bo,sales_rep,north,A,2020-01-01',
                       'C,Cy,sales_rep,north,D,2020-01-01', 'D,Di,sales_rep,north,C,2020-01-01']
        f['targets'] = targets_for('ABCD')
        self.assertError(f, 'roster', 4)
        f['roster'][0] = 'A,Ann,account_manager,north,A,2020-01-01'   # a self-manager is a cycle too
        self.assertError(f, 'roster', 2)

    def test_sale_before_hire(self):
        f = self.base()
        f['roster'].append('H,Hu,sales_rep,north,A,2027-04-16')
        f['targets'] = targets_for('ABH')
        f['sales'] += ['S2,2027-04-16,H,C1,new,iot,sme,100.00', 'S3,2027-04-15,H,C1,new,iot,sme,100.00']
        self.assertIn('S3', self.assertError(f, 'sales', 4))

    def test_missing_target(self):
        f = self.base()
        f['targets'] = targets_for('A') + ['B,2027-Q1,1000.00']   # B (roster line 3) has no 2027-Q2
        rc, rows, out, err = run(f, to='2027-03')                 # Q2 not computed: fine
        self.assertEqual(rc, 0, err)
        self.assertIn('2027-Q2', self.assertError(f, 'roster', 3, to='2027-04'))


GENERATE = os.path.join(HERE, 'generate.py')
EXAMPLE_COMMAND = ['--seed', '2027', '--sales', '400', '--payees', '12', '--example']   # as in its README.md
NAMES = ['roster', 'sales', 'credits', 'targets', 'cancellations']


def generate(out, args):
    subprocess.run([sys.executable, GENERATE, '--out', out] + args, check=True)
    return {n: open(os.path.join(out, n + '.csv'), 'rb').read() for n in NAMES}


class Generator(unittest.TestCase):
    def test_example_reproduced_byte_for_byte(self):
        with tempfile.TemporaryDirectory() as tmp:
            made = generate(tmp, EXAMPLE_COMMAND)
        for n in NAMES:
            with open(os.path.join(EXAMPLE, n + '.csv'), 'rb') as f:
                self.assertEqual(made[n], f.read(), n)

    def test_generated_year_is_valid_and_exercises_the_plan(self):
        import csv
        import datetime
        with tempfile.TemporaryDirectory() as tmp:
            a = generate(tmp, ['--seed', '1'])
            with tempfile.TemporaryDirectory() as tmp2:
                self.assertEqual(a, generate(tmp2, ['--seed', '1']))          # deterministic
            rows = {n: list(csv.DictReader(open(os.path.join(tmp, n + '.csv'), encoding='utf-8'))) for n in NAMES}
            rc, statements, out, err = run({}, data_dir=tmp)
        self.assertEqual(rc, 0, err)
        day = datetime.date.fromisoformat
        roster = {r['id']: r for r in rows['roster']}
        self.assertEqual(len(roster), 25)
        hires = [day(r['hired']) for r in roster.values() if r['hired'] >= '2027']
        self.assertGreaterEqual(len(hires), 3)
        self.assertTrue(any(h.day != 1 for h in hires))
        sales = {s['id']: s for s in rows['sales']}
        self.assertGreaterEqual(len(sales), 2000)
        ids = [s['id'] for s in rows['sales']]
        self.assertEqual(ids, ['S%06d' % i for i in range(1, len(ids) + 1)])
        self.assertEqual([s['date'] for s in rows['sales']], sorted(s['date'] for s in rows['sales']))
        for s in rows['sales']:
            self.assertTrue('2027-01-01' <= s['date'] <= '2027-12-31')
            self.assertGreaterEqual(s['date'], roster[s['employee']]['hired'])
        for c in rows['credits']:
            self.assertGreaterEqual(sales[c['sale']]['date'], roster[c['employee']]['hired'])
        split = {c['sale'] for c in rows['credits']}
        self.assertTrue(0.07 < len(split) / len(sales) < 0.13)
        shares = {c['share'] for c in rows['credits']}
        self.assertTrue({'60%', '40%', '33.5%', '33%', '25%'} <= shares)
        self.assertEqual(len(rows['targets']), 25 * 4)
        days = []
        for x in rows['cancellations']:
            d = (day(x['date']) - day(sales[x['sale']]['date'])).days
            self.assertTrue(0 <= d <= 120 and x['date'] <= '2027-12-31')
            days.append(d)
        self.assertIn(90, days)
        self.assertIn(91, days)
        self.assertEqual([x['id'] for x in rows['cancellations']],
                         ['X%04d' % i for i in range(1, len(days) + 1)])
        per_sale = {}
        for x in rows['cancellations']:
            per_sale.setdefault(x['sale'], []).append(x)
        self.assertTrue(any(len(v) == 2 for v in per_sale.values()))
        self.assertTrue(any(len(v) == 1 and v[0]['amount'] != sales[k]['amount'] for k, v in per_sale.items()))
        # the plan: someone is capped (year total exactly 400,000.00 with a negative annual_cap line), someone
        # has a negative quarter true-up, someone has a draw
        year = {}
        for (p, m), r in statements.items():
            year[p] = year.get(p, Fraction(0)) + Fraction(r['total'])
        capped = {p for (p, m), r in statements.items() if Fraction(r['annual_cap']) < 0}
        self.assertTrue(capped)
        self.assertTrue(all(year[p] == 400000 for p in capped))
        self.assertTrue(any(Fraction(r['true_up']) < 0 for r in statements.values()))
        self.assertTrue(any(Fraction(r['draw']) > 0 for r in statements.values()))
        self.assertTrue(any(Fraction(r['spiff']) > 0 for r in statements.values()))


class ExampleWorkedFigures(unittest.TestCase):
    """The statement lines worked by hand in WORKED.md (examples/telecom-2027/)."""

    def test_worked_figures(self):
        rc, rows, out, err = run({}, data_dir=EXAMPLE)
        self.assertEqual(rc, 0, err)

        def line(p, m):
            r = rows[(p, m)]
            return ' '.join(r[k] for k in FIELDS)
        # case 1: split 60/40 of S000043 48,000.00
        self.assertEqual(line('E12', '2027-02'), '1152.00 0.00 0.00 0.00 0.00 0.00 0.00 1152.00')
        self.assertEqual(rows[('E01', '2027-02')]['advance'], '768.00')
        self.assertEqual(line('E12', '2027-03'), '0.00 0.00 -400.00 0.00 0.00 0.00 0.00 -400.00')
        self.assertEqual(rows[('E01', '2027-03')]['true_up'], '-192.00')
        # case 2: 90 days counts (X0018 5,000.00), 91 days does not (X0019)
        self.assertEqual(line('E12', '2027-08'), '0.00 -200.00 0.00 0.00 0.00 0.00 0.00 -200.00')
        self.assertEqual(rows[('E12', '2027-05')]['advance'], '1300.00')
        self.assertEqual(rows[('E12', '2027-06')]['true_up'], '-600.00')
        # case 3: E11 hired 2027-04-16
        self.assertEqual(line('E11', '2027-04'), '1000.00 0.00 0.00 0.00 0.00 2000.00 0.00 3000.00')
        self.assertEqual(line('E11', '2027-05'), '4242.04 0.00 0.00 0.00 0.00 1757.96 0.00 6000.00')
        self.assertEqual(line('E11', '2027-06'), '1193.56 0.00 -2015.55 0.00 0.00 6821.99 0.00 6000.00')
        self.assertEqual(line('E11', '2027-07'), '1550.43 0.00 0.00 0.00 0.00 -1550.43 0.00 0.00')
        # case 4: E01's override in October
        self.assertEqual(line('E01', '2027-10'), '0.00 0.00 0.00 51.99 0.00 0.00 0.00 51.99')
        # case 5: E12 reaches the cap
        self.assertEqual(line('E12', '2027-10'), '400000.00 0.00 0.00 0.00 0.00 0.00 -10052.00 389948.00')
        self.assertEqual(rows[('E12', '2027-11')]['total'], '0.00')
        self.assertEqual(line('E12', '2027-12'), '0.00 0.00 397500.00 0.00 0.00 0.00 -397500.00 0.00')
        # case 6: 8% from July
        self.assertEqual(rows[('E12', '2027-07')]['total'], '6000.00')
        self.assertEqual(line('E12', '2027-09'), '0.00 0.00 2800.00 0.00 0.00 0.00 0.00 2800.00')
        year = sum(Fraction(rows[('E12', '2027-%02d' % m)]['total']) for m in range(1, 13))
        self.assertEqual(year, 400000)


if __name__ == '__main__':
    unittest.main()
