//! Hand-checked figures for the seed plan over the seed ledger.
//!
//! Ledger: `tests/fixtures/seed/sales.csv` (30 rows, 2026-01 .. 2026-06) and
//! `tests/fixtures/seed/surveys.csv` (7 rows). Every expected value below was
//! worked out by hand (the arithmetic is in the comments) and cross-checked
//! with an independent `decimal.Decimal` / `ROUND_HALF_UP` computation. None of
//! them were taken from the program's output.
//!
//! Rules being checked (per statement = payee x month):
//! * `sales_performance`, flat plan: S = the payee's sales in the month;
//!   S < 100,000 -> 3% of S; 100,000 <= S < 300,000 -> 5% of S; S >= 300,000 -> 8% of S.
//!   Marginal plan: 3% of the part below 100,000, 5% of 100,000..300,000, 8% above.
//! * `retention`: 5% of the month's `renewal` + `upsell` amounts.
//! * `satisfaction_bonus`: only in Mar/Jun/Sep/Dec; if the quarter's satisfaction
//!   is >= 80%, 2% of the payee's sales over the whole quarter; no survey -> 0.
//! * each component rounded half-up to 0.01; total = sum of rounded components.
//!
//! The ledger, month by month (S = monthly sales, R = renewal + upsell):
//!
//! | payee | month   | rows                                                   | S          | R          |
//! |-------|---------|--------------------------------------------------------|------------|------------|
//! | 王芳  | 2026-01 | S001 new 70,000.00; S005 renewal 30,000.00             | 100,000.00 | 30,000.00  |
//! | 王芳  | 2026-02 | S009 new 120,000.00; S011 new 79,999.99; S013 upsell 100,000.00 | 299,999.99 | 100,000.00 |
//! | 王芳  | 2026-03 | S015 new 180,000.00; S017 new 70,000.00; S018 renewal 50,000.00 | 300,000.00 | 50,000.00 |
//! | 王芳  | 2026-04 | (none)                                                 | 0.00       | 0.00       |
//! | 王芳  | 2026-05 | S025 new 45,000.00                                     | 45,000.00  | 0.00       |
//! | 王芳  | 2026-06 | S029 renewal 8,000.10                                  | 8,000.10   | 8,000.10   |
//! | 李娜  | 2026-01 | S002 new 33,333.33; S006 new 26,666.67; S008 upsell 39,999.99 | 99,999.99 | 39,999.99 |
//! | 李娜  | 2026-02 | S012 new 12,345.50                                     | 12,345.50  | 0.00       |
//! | 李娜  | 2026-03 | (none)                                                 | 0.00       | 0.00       |
//! | 李娜  | 2026-04 | S019 new 150,000.00; S021 new 50,000.00; S023 renewal 100,000.01 | 300,000.01 | 100,000.01 |
//! | 李娜  | 2026-05 | S026 upsell 5,000.00                                   | 5,000.00   | 5,000.00   |
//! | 李娜  | 2026-06 | S030 new 1,000.00                                      | 1,000.00   | 0.00       |
//! | 张伟  | 2026-01 | S003 new 40,000.00; S007 renewal 10,001.25             | 50,001.25  | 10,001.25  |
//! | 张伟  | 2026-02 | (none)                                                 | 0.00       | 0.00       |
//! | 张伟  | 2026-03 | (none)                                                 | 0.00       | 0.00       |
//! | 张伟  | 2026-04 | (none)                                                 | 0.00       | 0.00       |
//! | 张伟  | 2026-05 | S024 new 150,000.00                                    | 150,000.00 | 0.00       |
//! | 张伟  | 2026-06 | S028 upsell 30,000.00                                  | 30,000.00  | 30,000.00  |
//! | 陈静  | 2026-01 | S004 new 20,000.00                                     | 20,000.00  | 0.00       |
//! | 陈静  | 2026-02 | S010 new 25,000.00; S014 upsell 5,000.00               | 30,000.00  | 5,000.00   |
//! | 陈静  | 2026-03 | S016 new 15,000.15                                     | 15,000.15  | 0.00       |
//! | 陈静  | 2026-04 | S020 new 110,000.00; S022 upsell 22,222.22             | 132,222.22 | 22,222.22  |
//! | 陈静  | 2026-05 | (none)                                                 | 0.00       | 0.00       |
//! | 陈静  | 2026-06 | S027 new 88,888.88                                     | 88,888.88  | 0.00       |
//!
//! Quarter sales and surveys:
//!
//! | payee | Q1 sales                                    | Q1 survey        | Q2 sales                                 | Q2 survey          |
//! |-------|---------------------------------------------|------------------|------------------------------------------|--------------------|
//! | 王芳  | 100,000.00 + 299,999.99 + 300,000.00 = 699,999.99 | `80%` (exactly 80%, qualifies) | 0 + 45,000.00 + 8,000.10 = 53,000.10 | `0.80` (exactly 80%, qualifies) |
//! | 李娜  | 99,999.99 + 12,345.50 + 0 = 112,345.49      | `0.7999` (below) | 300,000.01 + 5,000.00 + 1,000.00 = 306,000.01 | `92.5%` (qualifies) |
//! | 张伟  | 50,001.25 + 0 + 0 = 50,001.25 (January only) | `0.92` (qualifies) | 0 + 150,000.00 + 30,000.00 = 180,000.00 | `79.99%` (below) |
//! | 陈静  | 20,000.00 + 30,000.00 + 15,000.15 = 65,000.15 | `85.5%` (qualifies) | 132,222.22 + 0 + 88,888.88 = 221,111.10 | no row -> 0 |
//!
//! Half-up cases where banker's rounding would differ: 李娜 2026-02
//! (370.365 -> 370.37), 王芳 2026-06 retention (400.005 -> 400.01), 张伟 2026-03
//! bonus (1,000.025 -> 1,000.03). Per-component rounding: 陈静 2026-03 is
//! 450.0045 + 1,300.003 = 1,750.0075 unrounded, but 450.00 + 1,300.00 = 1,750.00.

use std::error::Error;

use serde_json::Value;

use crate::commission;

type TestResult = Result<(), Box<dyn Error>>;

const FLAT_POLICY: &str = "policies/telecom-account-manager.policy";
const MARGINAL_POLICY: &str = "policies/telecom-marginal.policy";
const SALES: &str = "sales=tests/fixtures/seed/sales.csv";
const SURVEYS: &str = "surveys=tests/fixtures/seed/surveys.csv";

/// Data rows in `tests/fixtures/seed/sales.csv` (S001 .. S030).
const SALES_ROWS: u64 = 30;
/// Rows dated 2026-01 .. 2026-03 (S001 .. S018): 8 in Jan + 6 in Feb + 4 in Mar.
const Q1_SALES_ROWS: u64 = 18;
/// Rows dated 2026-04 .. 2026-06 (S019 .. S030): 5 in Apr + 3 in May + 4 in Jun.
const Q2_SALES_ROWS: u64 = 12;

/// Payees: every distinct manager in sales.csv.
const PAYEES: [&str; 4] = ["王芳", "李娜", "张伟", "陈静"];

/// Expected statement, all amounts as the exact strings the JSON must contain.
#[derive(Debug, Clone, Copy)]
struct Expect {
    payee: &'static str,
    period: &'static str,
    sales_performance: &'static str,
    retention: &'static str,
    satisfaction_bonus: &'static str,
    total: &'static str,
}

const fn e(
    payee: &'static str,
    period: &'static str,
    sales_performance: &'static str,
    retention: &'static str,
    satisfaction_bonus: &'static str,
    total: &'static str,
) -> Expect {
    Expect { payee, period, sales_performance, retention, satisfaction_bonus, total }
}

/// Flat plan, 2026-01 .. 2026-06: all 4 payees x 6 months = 24 statements.
const H1_FLAT: [Expect; 24] = [
    // ───────────────────────────── 王芳 ─────────────────────────────
    // 2026-01  S = 70,000.00 + 30,000.00 = 100,000.00 (exactly the 5% lower bound)
    //   sales_performance  100,000.00 * 5% = 5,000.00
    //   retention           30,000.00 * 5% = 1,500.00   (S005 renewal)
    //   satisfaction_bonus  January is not a quarter end = 0.00
    //   total               5,000.00 + 1,500.00 + 0.00 = 6,500.00
    e("王芳", "2026-01", "5000.00", "1500.00", "0.00", "6500.00"),
    // 2026-02  S = 120,000.00 + 79,999.99 + 100,000.00 = 299,999.99 (one cent below 8%)
    //   sales_performance  299,999.99 * 5% = 14,999.9995 -> half-up 15,000.00
    //   retention          100,000.00 * 5% = 5,000.00   (S013 upsell)
    //   satisfaction_bonus 0.00
    //   total              15,000.00 + 5,000.00 = 20,000.00
    e("王芳", "2026-02", "15000.00", "5000.00", "0.00", "20000.00"),
    // 2026-03  S = 180,000.00 + 70,000.00 + 50,000.00 = 300,000.00 (exactly the 8% lower bound)
    //   sales_performance  300,000.00 * 8% = 24,000.00
    //   retention           50,000.00 * 5% = 2,500.00   (S018 renewal)
    //   satisfaction_bonus Q1 survey "80%" (80% exactly qualifies);
    //                      Q1 sales 100,000.00 + 299,999.99 + 300,000.00 = 699,999.99
    //                      699,999.99 * 2% = 13,999.9998 -> 14,000.00
    //   total              24,000.00 + 2,500.00 + 14,000.00 = 40,500.00
    e("王芳", "2026-03", "24000.00", "2500.00", "14000.00", "40500.00"),
    // 2026-04  no sales (dense statement): 0.00 + 0.00 + 0.00 = 0.00
    e("王芳", "2026-04", "0.00", "0.00", "0.00", "0.00"),
    // 2026-05  S = 45,000.00
    //   sales_performance  45,000.00 * 3% = 1,350.00
    //   retention          no renewal/upsell = 0.00
    //   total              1,350.00
    e("王芳", "2026-05", "1350.00", "0.00", "0.00", "1350.00"),
    // 2026-06  S = R = 8,000.10 (S029 renewal)
    //   sales_performance  8,000.10 * 3% = 240.003 -> 240.00
    //   retention          8,000.10 * 5% = 400.005 -> half-up 400.01 (banker's would give 400.00)
    //   satisfaction_bonus Q2 survey "0.80" (fraction, exactly 80%, qualifies);
    //                      Q2 sales 0 + 45,000.00 + 8,000.10 = 53,000.10
    //                      53,000.10 * 2% = 1,060.002 -> 1,060.00
    //   total              240.00 + 400.01 + 1,060.00 = 1,700.01
    e("王芳", "2026-06", "240.00", "400.01", "1060.00", "1700.01"),
    // ───────────────────────────── 李娜 ─────────────────────────────
    // 2026-01  S = 33,333.33 + 26,666.67 + 39,999.99 = 99,999.99 (one cent below 5%)
    //   sales_performance  99,999.99 * 3% = 2,999.9997 -> 3,000.00
    //   retention          39,999.99 * 5% = 1,999.9995 -> half-up 2,000.00   (S008 upsell)
    //   total              3,000.00 + 2,000.00 = 5,000.00
    e("李娜", "2026-01", "3000.00", "2000.00", "0.00", "5000.00"),
    // 2026-02  S = 12,345.50
    //   sales_performance  12,345.50 * 3% = 370.365 -> half-up 370.37 (banker's would give 370.36)
    //   total              370.37
    e("李娜", "2026-02", "370.37", "0.00", "0.00", "370.37"),
    // 2026-03  no sales; Q1 survey "0.7999" = 79.99% < 80% -> bonus 0.00
    //          (it would have been 112,345.49 * 2% = 2,246.9098 had it qualified)
    //   total              0.00
    e("李娜", "2026-03", "0.00", "0.00", "0.00", "0.00"),
    // 2026-04  S = 150,000.00 + 50,000.00 + 100,000.01 = 300,000.01 (one cent above the 8% bound)
    //   sales_performance  300,000.01 * 8% = 24,000.0008 -> 24,000.00
    //   retention          100,000.01 * 5% = 5,000.0005 -> 5,000.00   (S023 renewal)
    //   total              24,000.00 + 5,000.00 = 29,000.00
    e("李娜", "2026-04", "24000.00", "5000.00", "0.00", "29000.00"),
    // 2026-05  S = R = 5,000.00 (S026 upsell)
    //   sales_performance  5,000.00 * 3% = 150.00
    //   retention          5,000.00 * 5% = 250.00
    //   total              150.00 + 250.00 = 400.00
    e("李娜", "2026-05", "150.00", "250.00", "0.00", "400.00"),
    // 2026-06  S = 1,000.00
    //   sales_performance  1,000.00 * 3% = 30.00
    //   satisfaction_bonus Q2 survey "92.5%" qualifies;
    //                      Q2 sales 300,000.01 + 5,000.00 + 1,000.00 = 306,000.01
    //                      306,000.01 * 2% = 6,120.0002 -> 6,120.00
    //   total              30.00 + 0.00 + 6,120.00 = 6,150.00
    e("李娜", "2026-06", "30.00", "0.00", "6120.00", "6150.00"),
    // ───────────────────────────── 张伟 ─────────────────────────────
    // 2026-01  S = 40,000.00 + 10,001.25 = 50,001.25 (张伟's only Q1 sales)
    //   sales_performance  50,001.25 * 3% = 1,500.0375 -> 1,500.04
    //   retention          10,001.25 * 5% = 500.0625 -> 500.06   (S007 renewal)
    //   total              1,500.04 + 500.06 = 2,000.10
    e("张伟", "2026-01", "1500.04", "500.06", "0.00", "2000.10"),
    // 2026-02  no sales: 0.00
    e("张伟", "2026-02", "0.00", "0.00", "0.00", "0.00"),
    // 2026-03  no sales in March, but Q1 survey "0.92" qualifies;
    //                      Q1 sales = January only = 50,001.25
    //   satisfaction_bonus 50,001.25 * 2% = 1,000.025 -> half-up 1,000.03 (banker's: 1,000.02)
    //   total              1,000.03
    e("张伟", "2026-03", "0.00", "0.00", "1000.03", "1000.03"),
    // 2026-04  no sales: 0.00
    e("张伟", "2026-04", "0.00", "0.00", "0.00", "0.00"),
    // 2026-05  S = 150,000.00 (middle bracket)
    //   sales_performance  150,000.00 * 5% = 7,500.00
    //   total              7,500.00
    e("张伟", "2026-05", "7500.00", "0.00", "0.00", "7500.00"),
    // 2026-06  S = R = 30,000.00 (S028 upsell)
    //   sales_performance  30,000.00 * 3% = 900.00
    //   retention          30,000.00 * 5% = 1,500.00
    //   satisfaction_bonus Q2 survey "79.99%" < 80% -> 0.00
    //                      (would have been 180,000.00 * 2% = 3,600.00)
    //   total              900.00 + 1,500.00 = 2,400.00
    e("张伟", "2026-06", "900.00", "1500.00", "0.00", "2400.00"),
    // ───────────────────────────── 陈静 ─────────────────────────────
    // 2026-01  S = 20,000.00
    //   sales_performance  20,000.00 * 3% = 600.00
    //   total              600.00
    e("陈静", "2026-01", "600.00", "0.00", "0.00", "600.00"),
    // 2026-02  S = 25,000.00 + 5,000.00 = 30,000.00
    //   sales_performance  30,000.00 * 3% = 900.00
    //   retention           5,000.00 * 5% = 250.00   (S014 upsell)
    //   total              900.00 + 250.00 = 1,150.00
    e("陈静", "2026-02", "900.00", "250.00", "0.00", "1150.00"),
    // 2026-03  S = 15,000.15 (new)
    //   sales_performance  15,000.15 * 3% = 450.0045 -> 450.00
    //   satisfaction_bonus Q1 survey "85.5%" qualifies;
    //                      Q1 sales 20,000.00 + 30,000.00 + 15,000.15 = 65,000.15
    //                      65,000.15 * 2% = 1,300.003 -> 1,300.00
    //   total              450.00 + 0.00 + 1,300.00 = 1,750.00
    //                      (NOT round(450.0045 + 1,300.003 = 1,750.0075) = 1,750.01)
    e("陈静", "2026-03", "450.00", "0.00", "1300.00", "1750.00"),
    // 2026-04  S = 110,000.00 + 22,222.22 = 132,222.22
    //   sales_performance  132,222.22 * 5% = 6,611.111 -> 6,611.11
    //   retention           22,222.22 * 5% = 1,111.111 -> 1,111.11   (S022 upsell)
    //   total              6,611.11 + 1,111.11 = 7,722.22
    e("陈静", "2026-04", "6611.11", "1111.11", "0.00", "7722.22"),
    // 2026-05  no sales: 0.00
    e("陈静", "2026-05", "0.00", "0.00", "0.00", "0.00"),
    // 2026-06  S = 88,888.88
    //   sales_performance  88,888.88 * 3% = 2,666.6664 -> 2,666.67
    //   satisfaction_bonus no Q2 survey row for 陈静 -> 0.00
    //                      (Q2 sales 221,111.10 would have given 4,422.22)
    //   total              2,666.67
    e("陈静", "2026-06", "2666.67", "0.00", "0.00", "2666.67"),
];

/// Grand total of the flat H1 run:
///   王芳 6,500.00 + 20,000.00 + 40,500.00 + 0.00 + 1,350.00 + 1,700.01 = 70,050.01
///   李娜 5,000.00 + 370.37 + 0.00 + 29,000.00 + 400.00 + 6,150.00   = 40,920.37
///   张伟 2,000.10 + 0.00 + 1,000.03 + 0.00 + 7,500.00 + 2,400.00    = 12,900.13
///   陈静 600.00 + 1,150.00 + 1,750.00 + 7,722.22 + 0.00 + 2,666.67  = 13,888.89
///   70,050.01 + 40,920.37 + 12,900.13 + 13,888.89 = 137,759.40
const H1_FLAT_TOTAL: &str = "137759.40";

/// Flat plan, `--from 2026-02 --to 2026-03`:
///   Feb 20,000.00 + 370.37 + 0.00 + 1,150.00 = 21,520.37
///   Mar 40,500.00 + 0.00 + 1,000.03 + 1,750.00 = 43,250.03
///   21,520.37 + 43,250.03 = 64,770.40
const FEB_MAR_FLAT_TOTAL: &str = "64770.40";

/// Flat plan, `--period 2026-03`: 40,500.00 + 0.00 + 1,000.03 + 1,750.00 = 43,250.03
const MARCH_FLAT_TOTAL: &str = "43250.03";

/// Flat plan, `--from 2026-04 --to 2026-06`:
///   王芳 0.00 + 1,350.00 + 1,700.01 = 3,050.01
///   李娜 29,000.00 + 400.00 + 6,150.00 = 35,550.00
///   张伟 0.00 + 7,500.00 + 2,400.00 = 9,900.00
///   陈静 7,722.22 + 0.00 + 2,666.67 = 10,388.89
///   3,050.01 + 35,550.00 + 9,900.00 + 10,388.89 = 58,888.90
const Q2_FLAT_TOTAL: &str = "58888.90";

/// Marginal plan, H1: the statements whose `sales_performance` differs from
/// the flat plan (every month with S >= 100,000), plus the 99,999.99 month,
/// which must come out the same. Every other statement is identical to
/// `H1_FLAT` (retention and bonus do not depend on the bracket style).
const H1_MARGINAL_OVERRIDES: [Expect; 7] = [
    // 王芳 2026-01  S = 100,000.00
    //   100,000.00 * 3% + 0.00 * 5% = 3,000.00 + 0.00 = 3,000.00
    //   total 3,000.00 + 1,500.00 + 0.00 = 4,500.00
    e("王芳", "2026-01", "3000.00", "1500.00", "0.00", "4500.00"),
    // 王芳 2026-02  S = 299,999.99
    //   100,000.00 * 3% + 199,999.99 * 5% = 3,000.00 + 9,999.9995 = 12,999.9995 -> 13,000.00
    //   total 13,000.00 + 5,000.00 + 0.00 = 18,000.00
    e("王芳", "2026-02", "13000.00", "5000.00", "0.00", "18000.00"),
    // 王芳 2026-03  S = 300,000.00
    //   100,000.00 * 3% + 200,000.00 * 5% + 0.00 * 8% = 3,000.00 + 10,000.00 = 13,000.00
    //   total 13,000.00 + 2,500.00 + 14,000.00 = 29,500.00
    e("王芳", "2026-03", "13000.00", "2500.00", "14000.00", "29500.00"),
    // 李娜 2026-01  S = 99,999.99 (entirely in the first band, same as flat)
    //   99,999.99 * 3% = 2,999.9997 -> 3,000.00
    //   total 3,000.00 + 2,000.00 = 5,000.00
    e("李娜", "2026-01", "3000.00", "2000.00", "0.00", "5000.00"),
    // 李娜 2026-04  S = 300,000.01
    //   100,000.00 * 3% + 200,000.00 * 5% + 0.01 * 8%
    //   = 3,000.00 + 10,000.00 + 0.0008 = 13,000.0008 -> 13,000.00
    //   total 13,000.00 + 5,000.00 = 18,000.00
    e("李娜", "2026-04", "13000.00", "5000.00", "0.00", "18000.00"),
    // 张伟 2026-05  S = 150,000.00
    //   100,000.00 * 3% + 50,000.00 * 5% = 3,000.00 + 2,500.00 = 5,500.00
    //   total 5,500.00
    e("张伟", "2026-05", "5500.00", "0.00", "0.00", "5500.00"),
    // 陈静 2026-04  S = 132,222.22
    //   100,000.00 * 3% + 32,222.22 * 5% = 3,000.00 + 1,611.111 = 4,611.111 -> 4,611.11
    //   total 4,611.11 + 1,111.11 = 5,722.22
    e("陈静", "2026-04", "4611.11", "1111.11", "0.00", "5722.22"),
];

/// Marginal H1 grand total: the flat total minus the sales_performance differences
///   王芳-01 5,000.00 -> 3,000.00 (-2,000.00); 王芳-02 15,000.00 -> 13,000.00 (-2,000.00);
///   王芳-03 24,000.00 -> 13,000.00 (-11,000.00); 李娜-04 24,000.00 -> 13,000.00 (-11,000.00);
///   张伟-05 7,500.00 -> 5,500.00 (-2,000.00); 陈静-04 6,611.11 -> 4,611.11 (-2,000.00)
///   137,759.40 - 30,000.00 = 107,759.40
const H1_MARGINAL_TOTAL: &str = "107759.40";

// ───────────────────────────── helpers ─────────────────────────────

/// Runs `commission run <policy> --data sales=... --data surveys=... <range> --format json`
/// and parses stdout.
fn run_json(policy: &str, range: &[&str]) -> Result<Value, Box<dyn Error>> {
    let mut cmd = commission();
    cmd.args(["run", policy, "--data", SALES, "--data", SURVEYS]);
    cmd.args(range);
    cmd.args(["--format", "json"]);
    let output = cmd.output()?;
    assert!(
        output.status.success(),
        "`commission run {policy} ... {range:?}` failed with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    let report: Value = serde_json::from_slice(&output.stdout)?;
    Ok(report)
}

fn statements(report: &Value) -> Result<&Vec<Value>, Box<dyn Error>> {
    Ok(report.get("statements").and_then(Value::as_array).ok_or("report has no `statements` array")?)
}

fn str_field<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// The single statement for (payee, period); fails if there is none or several.
fn find_statement<'a>(report: &'a Value, payee: &str, period: &str) -> Result<&'a Value, Box<dyn Error>> {
    let matches: Vec<&Value> = statements(report)?
        .iter()
        .filter(|s| str_field(s, "payee") == Some(payee) && str_field(s, "period") == Some(period))
        .collect();
    assert_eq!(matches.len(), 1, "expected exactly one statement for ({payee}, {period}), found {}", matches.len());
    Ok(matches.first().copied().ok_or_else(|| format!("no statement for ({payee}, {period})"))?)
}

/// Asserts one statement's three components and total as exact strings.
fn assert_statement(report: &Value, want: &Expect) -> TestResult {
    let Expect { payee, period, sales_performance, retention, satisfaction_bonus, total } = *want;
    let statement = find_statement(report, payee, period)?;
    let components = statement
        .get("components")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("({payee}, {period}): no `components` object"))?;
    let mut names: Vec<&str> = components.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["retention", "sales_performance", "satisfaction_bonus"], "({payee}, {period}): component names");
    let component = |name: &str| components.get(name).and_then(Value::as_str);
    assert_eq!(component("sales_performance"), Some(sales_performance), "({payee}, {period}): sales_performance");
    assert_eq!(component("retention"), Some(retention), "({payee}, {period}): retention");
    assert_eq!(component("satisfaction_bonus"), Some(satisfaction_bonus), "({payee}, {period}): satisfaction_bonus");
    assert_eq!(str_field(statement, "total"), Some(total), "({payee}, {period}): total");
    Ok(())
}

/// Asserts the statement count, every expected statement, and the grand total.
/// Also checks the expected table against itself (components add up to each
/// total, totals add up to the grand total) so a typo in a literal shows up
/// as a table error rather than as a program bug.
fn assert_report(report: &Value, want: &[Expect], grand_total: &str) -> TestResult {
    let mut sum = 0_i64;
    for w in want {
        let parts = cents(w.sales_performance)? + cents(w.retention)? + cents(w.satisfaction_bonus)?;
        assert_eq!(
            parts,
            cents(w.total)?,
            "expected table: components of ({}, {}) do not add up to its total",
            w.payee,
            w.period
        );
        sum += cents(w.total)?;
    }
    assert_eq!(sum, cents(grand_total)?, "expected table: statement totals do not add up to the grand total");

    assert_eq!(statements(report)?.len(), want.len(), "number of statements");
    for w in want {
        assert_statement(report, w)?;
    }
    assert_eq!(str_field(report, "total"), Some(grand_total), "grand total");
    Ok(())
}

/// "1234.56" -> 123456 (also accepts a leading '-'); rejects anything that is
/// not digits '.' two digits.
fn cents(amount: &str) -> Result<i64, Box<dyn Error>> {
    let (negative, digits) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount),
    };
    let (whole, frac) = digits.split_once('.').ok_or_else(|| format!("amount {amount:?} has no decimal point"))?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !all_digits(frac) || frac.len() != 2 {
        return Err(format!("amount {amount:?} is not of the form 123.45").into());
    }
    let value = whole.parse::<i64>()? * 100 + frac.parse::<i64>()?;
    Ok(if negative { -value } else { value })
}

fn in_periods(table: &[Expect], periods: &[&str]) -> Vec<Expect> {
    table.iter().filter(|w| periods.contains(&w.period)).copied().collect()
}

fn sales_rows(report: &Value) -> Result<(u64, u64, u64), Box<dyn Error>> {
    let sales = report.get("rows").and_then(|rows| rows.get("sales")).ok_or("report has no `rows.sales` object")?;
    let count = |key: &str| {
        sales
            .get(key)
            .and_then(Value::as_u64)
            .ok_or_else(|| format!("`rows.sales.{key}` is missing or not a non-negative integer"))
    };
    Ok((count("read")?, count("used")?, count("outside_range")?))
}

// ───────────────────────────── tests ─────────────────────────────

/// (a) The full H1 flat run: every one of the 24 statements, and the grand total.
#[test]
fn seed_h1_flat_every_statement() -> TestResult {
    let report = run_json(FLAT_POLICY, &["--from", "2026-01", "--to", "2026-06"])?;
    assert_report(&report, &H1_FLAT, H1_FLAT_TOTAL)?;
    // Dense: each payee has a statement for each of the six months.
    for payee in PAYEES {
        for period in ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"] {
            find_statement(&report, payee, period)?;
        }
    }
    Ok(())
}

/// (b) `--from 2026-02 --to 2026-03`: January is outside the report, but the
/// March bonus is still 2% of the WHOLE quarter, January included.
#[test]
fn seed_feb_to_mar_bonus_counts_january_sales() -> TestResult {
    let report = run_json(FLAT_POLICY, &["--from", "2026-02", "--to", "2026-03"])?;
    // 4 payees x 2 months = 8 statements, each identical to the full H1 run.
    let want = in_periods(&H1_FLAT, &["2026-02", "2026-03"]);
    assert_eq!(want.len(), 8);
    assert_report(&report, &want, FEB_MAR_FLAT_TOTAL)?;

    // 张伟 sold only in January; he is still a payee (a manager in sales.csv) and
    // his March bonus is 50,001.25 * 2% = 1,000.025 -> 1,000.03.
    assert_statement(&report, &e("张伟", "2026-03", "0.00", "0.00", "1000.03", "1000.03"))?;
    // 王芳's March bonus includes January's 100,000.00:
    // (100,000.00 + 299,999.99 + 300,000.00) * 2% = 13,999.9998 -> 14,000.00
    // (February + March alone would be 599,999.99 * 2% = 11,999.9998 -> 12,000.00).
    assert_statement(&report, &e("王芳", "2026-03", "24000.00", "2500.00", "14000.00", "40500.00"))?;
    // No January statements.
    assert!(
        statements(&report)?.iter().all(|s| str_field(s, "period") != Some("2026-01")),
        "a 2026-01 statement appeared in a 2026-02..2026-03 run"
    );
    Ok(())
}

/// (c) The marginal variant over H1: boundary months 99,999.99 / 100,000.00 /
/// 299,999.99 / 300,000.00 / 300,000.01 plus the two middle-bracket months;
/// everything else equals the flat figures.
#[test]
fn seed_h1_marginal_boundaries() -> TestResult {
    let report = run_json(MARGINAL_POLICY, &["--from", "2026-01", "--to", "2026-06"])?;
    let want: Vec<Expect> = H1_FLAT
        .iter()
        .map(|flat| {
            H1_MARGINAL_OVERRIDES
                .iter()
                .find(|m| m.payee == flat.payee && m.period == flat.period)
                .copied()
                .unwrap_or(*flat)
        })
        .collect();
    assert_eq!(want.len(), 24);
    // Every override matches some H1 statement (no typo in payee/period).
    for m in &H1_MARGINAL_OVERRIDES {
        assert!(
            H1_FLAT.iter().any(|f| f.payee == m.payee && f.period == m.period),
            "override ({}, {}) matches no statement",
            m.payee,
            m.period
        );
    }
    assert_report(&report, &want, H1_MARGINAL_TOTAL)?;
    Ok(())
}

/// (d) `--period 2026-03` gives exactly the March statements of the full run.
#[test]
fn seed_period_march_equals_full_run_march() -> TestResult {
    let march = run_json(FLAT_POLICY, &["--period", "2026-03"])?;
    let full = run_json(FLAT_POLICY, &["--from", "2026-01", "--to", "2026-06"])?;

    let want = in_periods(&H1_FLAT, &["2026-03"]);
    assert_eq!(want.len(), 4);
    assert_report(&march, &want, MARCH_FLAT_TOTAL)?;

    for statement in statements(&march)? {
        let payee = str_field(statement, "payee").ok_or("statement without payee")?;
        let period = str_field(statement, "period").ok_or("statement without period")?;
        assert_eq!(period, "2026-03");
        let in_full = find_statement(&full, payee, period)?;
        assert_eq!(statement, in_full, "({payee}, 2026-03) differs between --period 2026-03 and the H1 run");
    }
    Ok(())
}

/// (e) Rows accounting for the full H1 run: all 30 rows are read and used.
#[test]
fn seed_rows_full_run() -> TestResult {
    let report = run_json(FLAT_POLICY, &["--from", "2026-01", "--to", "2026-06"])?;
    let (read, used, outside) = sales_rows(&report)?;
    assert_eq!(read, SALES_ROWS, "rows.sales.read");
    assert_eq!(used, SALES_ROWS, "rows.sales.used");
    assert_eq!(outside, 0, "rows.sales.outside_range");
    Ok(())
}

/// (e) Rows accounting with `--from 2026-04`: the 18 Q1 rows are outside the
/// range (Q2's bonus needs only Q2 sales), the 12 Q2 rows are used; the Q2
/// statements are the same as in the full run.
#[test]
fn seed_rows_from_april() -> TestResult {
    let report = run_json(FLAT_POLICY, &["--from", "2026-04", "--to", "2026-06"])?;
    assert_eq!(Q1_SALES_ROWS + Q2_SALES_ROWS, SALES_ROWS);
    let (read, used, outside) = sales_rows(&report)?;
    assert_eq!(read, SALES_ROWS, "rows.sales.read");
    assert_eq!(used, Q2_SALES_ROWS, "rows.sales.used");
    assert_eq!(outside, Q1_SALES_ROWS, "rows.sales.outside_range");

    let want = in_periods(&H1_FLAT, &["2026-04", "2026-05", "2026-06"]);
    assert_eq!(want.len(), 12);
    assert_report(&report, &want, Q2_FLAT_TOTAL)?;
    Ok(())
}
