//! The 2027 reference plan (`policies/telecom-2027.policy`, issue 10): figures worked by hand
//! on `examples/telecom-2027/` (the arithmetic is in each comment; `tests/tools/ref2027/WORKED.md`
//! has the rows behind them), the same statements whatever month a range starts in, every
//! statement of generated years checked against a second implementation written from the
//! issue's text alone (`tests/tools/ref2027/reference.py`, exact fractions), and the data errors
//! the plan names.

use std::collections::BTreeMap;
use std::path::Path;

use super::{assert_code, run, run_ok};

const POLICY: &str = "policies/telecom-2027.policy";
const COMPONENTS: [&str; 8] = ["advance", "clawback", "true_up", "override", "spiff", "draw", "annual_cap", "total"];

fn data_args(dir: &str) -> Vec<String> {
    ["roster", "sales", "credits", "targets", "cancellations"]
        .iter()
        .flat_map(|n| ["--data".to_string(), format!("{n}={dir}/{n}.csv")])
        .collect()
}

/// (payee, month) -> component -> amount, from `run --format csv`.
type Statements = BTreeMap<(String, String), BTreeMap<String, String>>;

fn parse_csv(text: &str, month_column: &str) -> Statements {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no column {name}"));
    let mut out = Statements::new();
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        let figures = COMPONENTS.iter().map(|c| (c.to_string(), fields[at(c)].to_string())).collect();
        out.insert((fields[at("payee")].to_string(), fields[at(month_column)].to_string()), figures);
    }
    out
}

fn run_plan(dir: &str, from: &str, to: &str) -> Statements {
    let mut args: Vec<String> = vec!["run".into(), POLICY.into()];
    args.extend(data_args(dir));
    args.extend(["--from", from, "--to", to, "--format", "csv"].map(String::from));
    parse_csv(&run_ok(&args), "period")
}

fn example() -> Statements {
    run_plan("examples/telecom-2027", "2027-01", "2027-12")
}

#[track_caller]
fn expect(s: &Statements, payee: &str, month: &str, component: &str, figure: &str) {
    let got = s.get(&(payee.to_string(), month.to_string())).unwrap_or_else(|| panic!("no {payee} {month}"));
    assert_eq!(got[component], figure, "{payee} {month} {component}");
}

#[test]
fn a_split_sale_counts_for_each_payee_by_share() {
    let s = example();
    // S000043, 48,000.00 on 2027-02-10, credited E12 60% and E01 40%.
    // E12: 48,000.00 x 60% = 28,800.00; advance 4% = 1,152.00.
    expect(&s, "E12", "2027-02", "advance", "1152.00");
    expect(&s, "E12", "2027-02", "total", "1152.00");
    // E01: 48,000.00 x 40% = 19,200.00; advance 4% = 768.00.
    expect(&s, "E01", "2027-02", "advance", "768.00");
    // The split counts toward E12's Q1 target (40,000.00): N = 28,800.00;
    // earned = 2% x 20,000.00 + 4% x 8,800.00 = 400.00 + 352.00 = 752.00; true_up = 752.00 - 1,152.00.
    expect(&s, "E12", "2027-03", "true_up", "-400.00");
    // E01 Q1: T = 19,200.27, N = 19,200.00; 2% x 9,600.135 + 4% x 9,599.865 = 575.9973 -> 576.00;
    // true_up = 576.00 - 768.00.
    expect(&s, "E01", "2027-03", "true_up", "-192.00");
}

#[test]
fn a_cancellation_at_90_days_is_clawed_back_and_at_91_is_not() {
    let s = example();
    // X0018 (2027-08-01) cancels 5,000.00 of S000118 (2027-05-03): 28 + 30 + 31 + 1 = 90 days, counts.
    // X0019 (2027-08-03) cancels all 12,500.00 of S000120 (2027-05-04): 27 + 30 + 31 + 3 = 91 days, does not.
    // clawback = -4% x 5,000.00.
    expect(&s, "E12", "2027-08", "clawback", "-200.00");
    expect(&s, "E12", "2027-08", "total", "-200.00");
    // At the statement's own rate: May paid 4% of 32,500.00 = 1,300.00 on the two sales.
    expect(&s, "E12", "2027-05", "advance", "1300.00");
}

#[test]
fn a_mid_month_hire_has_a_prorated_target_and_draw() {
    let s = example();
    // E11 hired 2027-04-16. April: advance 4% x 25,000.00 = 1,000.00; f = 15/30,
    // D = 6,000.00 x 15/30 = 3,000.00; draw = 3,000.00 - 1,000.00 = 2,000.00.
    expect(&s, "E11", "2027-04", "advance", "1000.00");
    expect(&s, "E11", "2027-04", "draw", "2000.00");
    expect(&s, "E11", "2027-04", "total", "3000.00");
    // May: advance 4% x 106,050.96 = 4,242.0384 -> 4,242.04; draw = 6,000.00 - 4,242.04 = 1,757.96.
    expect(&s, "E11", "2027-05", "draw", "1757.96");
    // June: Q2 target 241,335.47 x 76/91 days; N = 160,890.02 is between T/2 and T:
    // earned = 4% x N - 1% x T = 6,435.6008 - 2,015.54898... = 4,420.05182... -> 4,420.05;
    // true_up = 4,420.05 - (1,000.00 + 4,242.04 + 1,193.56) = -2,015.55;
    // draw = 6,000.00 - (1,193.56 - 2,015.55) = 6,821.99.
    expect(&s, "E11", "2027-06", "true_up", "-2015.55");
    expect(&s, "E11", "2027-06", "draw", "6821.99");
    expect(&s, "E11", "2027-06", "total", "6000.00");
    // July, no longer a draw month: the 1,550.43 earned goes to the balance (10,579.95).
    expect(&s, "E11", "2027-07", "draw", "-1550.43");
    expect(&s, "E11", "2027-07", "total", "0.00");
}

#[test]
fn a_manager_earns_an_override_on_direct_reports() {
    let s = example();
    // E02 and E03 report to E01. October: E02 2,083.12; E03 30% of 10,386.66 = 3,115.998.
    // 1% x 5,199.118 = 51.99118 -> 51.99.
    expect(&s, "E01", "2027-10", "override", "51.99");
    expect(&s, "E01", "2027-10", "total", "51.99");
}

#[test]
fn the_annual_cap_holds_the_year_to_400_000() {
    let s = example();
    // E12 paid 10,052.00 by September. October: advance 4% x 10,000,000.00 = 400,000.00;
    // U = 410,052.00, capped 400,000.00: the month adds 389,948.00, annual_cap = -10,052.00.
    expect(&s, "E12", "2027-10", "annual_cap", "-10052.00");
    expect(&s, "E12", "2027-10", "total", "389948.00");
    // December: Q4 true_up = 2% x 25,000 + 4% x 25,000 + 8% x 9,950,000 - 400,000 = 397,500.00,
    // all of it taken back by the cap.
    expect(&s, "E12", "2027-12", "true_up", "397500.00");
    expect(&s, "E12", "2027-12", "annual_cap", "-397500.00");
    expect(&s, "E12", "2027-12", "total", "0.00");
    let year: f64 =
        (1..=12).map(|m| s[&("E12".to_string(), format!("2027-{m:02}"))]["total"].parse::<f64>().unwrap()).sum();
    assert!((year - 400_000.0).abs() < 0.001, "E12's year adds up to the cap: {year}");
}

#[test]
fn the_july_change_pays_8_percent_above_target() {
    let s = example();
    // Q3: N = 150,000.00 - 5,000.00 = 145,000.00, T = 60,000.00:
    // 2% x 30,000 + 4% x 30,000 + 8% x 85,000 = 8,600.00; less 6,000.00 advance and -200.00 clawback.
    // (At Q1's 6% it would be 1,100.00.)
    expect(&s, "E12", "2027-09", "true_up", "2800.00");
}

#[test]
fn a_range_starting_in_april_gives_the_same_statements() {
    let year = example();
    let q2 = run_plan("examples/telecom-2027", "2027-04", "2027-06");
    assert_eq!(q2.len(), 12 * 3, "every roster id, three months");
    for (key, figures) in &q2 {
        assert_eq!(Some(figures), year.get(key), "{key:?}");
    }
}

fn python() -> String {
    std::env::var("COMMISSION_TEST_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

fn reference(dir: &Path, from: &str) -> Statements {
    let out = std::process::Command::new(python())
        .arg("tests/tools/ref2027/reference.py")
        .args(
            ["roster", "sales", "credits", "targets", "cancellations"]
                .iter()
                .flat_map(|n| [format!("--{n}"), dir.join(format!("{n}.csv")).display().to_string()]),
        )
        .args(["--from", from, "--to", "2027-12"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("python3 runs (tests/run.sh provides it)");
    assert!(out.status.success(), "reference.py: {}", String::from_utf8_lossy(&out.stderr));
    parse_csv(&String::from_utf8_lossy(&out.stdout), "month")
}

#[test]
fn an_independent_implementation_agrees_on_the_example() {
    // Every statement of the shipped example (and so of its snapshots), from both ends.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/telecom-2027");
    let theirs = reference(&dir, "2027-01");
    assert_eq!(theirs.len(), 12 * 12);
    assert_eq!(example(), theirs);
}

#[test]
fn an_independent_implementation_agrees_on_generated_years() {
    for seed in ["1", "2", "3"] {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(python())
            .args(["tests/tools/ref2027/generate.py", "--seed", seed, "--out"])
            .arg(dir.path())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(out.status.success(), "generate.py: {}", String::from_utf8_lossy(&out.stderr));
        for from in ["2027-01", "2027-05"] {
            let theirs = reference(dir.path(), from);
            let ours = run_plan(&dir.path().display().to_string(), from, "2027-12");
            assert!(theirs.len() >= 25 * 8, "seed {seed}: {} statements", theirs.len());
            assert_eq!(ours.len(), theirs.len(), "seed {seed} from {from}");
            for (key, figures) in &theirs {
                assert_eq!(ours.get(key), Some(figures), "seed {seed} from {from}: {key:?}");
            }
        }
    }
}

#[test]
fn the_reference_implementation_passes_its_own_hand_worked_tests() {
    let out = std::process::Command::new(python())
        .args(["-m", "unittest", "tests/tools/ref2027/test_reference.py"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The example with one file changed by `edit`, run; the run must fail with `code`.
#[track_caller]
fn refused(file: &str, edit: impl Fn(&str) -> String, code: &str, shown: &str) {
    let dir = tempfile::tempdir().unwrap();
    for n in ["roster", "sales", "credits", "targets", "cancellations"] {
        let text = std::fs::read_to_string(format!("examples/telecom-2027/{n}.csv")).unwrap();
        let text = if n == file { edit(&text) } else { text };
        std::fs::write(dir.path().join(format!("{n}.csv")), text).unwrap();
    }
    let mut args: Vec<String> = vec!["run".into(), POLICY.into()];
    args.extend(data_args(&dir.path().display().to_string()));
    let out = dir.path().join("out.csv");
    args.extend(["-o".into(), out.display().to_string()]);
    let ran = run(&args);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert_code(&ran, code);
    assert!(ran.stderr.contains(shown), "expected {shown:?} in:\n{}", ran.stderr);
    assert!(!out.exists(), "no output file on an error");
}

#[test]
fn data_errors_name_the_row() {
    // Shares of S000043 total 60% + 30% = 90%.
    refused("credits", |t| t.replace("S000043,E01,40%", "S000043,E01,30%"), "E0322", "S000043");
    // A cancellation of a sale that does not exist.
    refused("cancellations", |t| t.replace(",S000118,", ",S999999,"), "E0321", "S999999");
    // Cancelling more than was sold: X0018 takes 5,000.00 of S000118's 20,000.00; make it 20,000.01.
    refused("cancellations", |t| t.replace("S000118,5000.00", "S000118,20000.01"), "E0323", "S000118");
    // A manager who is not in the roster, and two managers naming each other.
    refused("roster", |t| t.replacen(",E01,", ",E99,", 1), "E0321", "E99");
    refused(
        "roster",
        |t| t.replacen("E01,陈静,account_manager,north,,", "E01,陈静,account_manager,north,E02,", 1),
        "E0324",
        "E01",
    );
    // A sale dated before its employee was hired: E11 was hired 2027-04-16.
    refused("roster", |t| t.replace("2027-04-16", "2027-04-21"), "E0325", "2027-04-20");
    // A missing target.
    refused(
        "targets",
        |t| t.lines().filter(|l| !l.starts_with("E05,2027-Q3")).map(|l| format!("{l}\n")).collect(),
        "E0326",
        "E05",
    );
}

fn explain(payee: &str, period: &str) -> String {
    let mut args: Vec<String> = vec!["explain".into(), POLICY.into()];
    args.extend(data_args("examples/telecom-2027"));
    args.extend(["--payee", payee, "--period", period].map(String::from));
    run_ok(&args)
}

#[test]
fn explain_shows_true_ups_clawbacks_overrides_and_the_cap_down_to_rows_and_statements() {
    // The true-up reads the quarter's statements back, month by month (E11's Q2, case 3).
    let true_up = explain("E11", "2027-06");
    assert!(
        true_up.contains("quarter_to_date(advance) = 6,435.60, from the statements of 2027-04 1,000.00 + 2027-05 4,242.04 + 2027-06 1,193.56"),
        "{true_up}"
    );
    // 241,335.47 x 76/91 days employed; the slices of the relative brackets.
    assert!(true_up.contains("targets.target = 241,335.47 (examples/telecom-2027/targets.csv:"), "{true_up}");
    assert!(true_up.contains("employed (76 of 91 days) = 83.5164835"), "{true_up}");
    assert!(true_up.contains("S000103 line 104: 25,000.00"), "{true_up}");
    // The clawback names the cancellation's row and the sale it reverses.
    let clawback = explain("E12", "2027-08");
    assert!(
        clawback.contains("X0018 line 19: 5,000.00  (names sales S000118 (examples/telecom-2027/sales.csv:119))"),
        "{clawback}"
    );
    assert!(!clawback.contains("X0019"), "the 91-day cancellation is no row of the clawback:\n{clawback}");
    // The override lists the reports' rows, a split one by its share.
    let override_ = explain("E01", "2027-10");
    assert!(override_.contains("S000305 line 306: 3,115.998  (30% of the row; E03's row)"), "{override_}");
    assert!(override_.contains("S000318 line 319: 2,083.12  (E02's row)"), "{override_}");
    // The cap reads the year's earlier statement totals.
    let cap = explain("E12", "2027-10");
    assert!(
        cap.contains("earlier_this_year(total) = 10,052.00, from the statements of 2027-01 0.00 + 2027-02 1,152.00 + 2027-03 -400.00"),
        "{cap}"
    );
    assert!(cap.contains("= 389,948.00 CNY"), "{cap}");
}

#[test]
fn diff_and_budget_price_the_plan() {
    use rust_decimal::Decimal;
    use std::str::FromStr;
    let mut args: Vec<String> = vec!["budget".into(), POLICY.into()];
    args.extend(data_args("examples/telecom-2027"));
    args.extend(["--format", "json"].map(String::from));
    let budget: serde_json::Value = serde_json::from_str(&run_ok(&args)).unwrap();
    // A split sale counts once, shared: the sales are the ledger's own total, added up here.
    let ledger = std::fs::read_to_string("examples/telecom-2027/sales.csv").unwrap();
    let total: Decimal =
        ledger.lines().skip(1).map(|l| Decimal::from_str(l.rsplit(',').next().unwrap()).unwrap()).sum();
    assert_eq!(budget["sales"], total.to_string());
    // The payout is the run's: the sum of every statement's total.
    let year = example();
    let paid: Decimal = year.values().map(|f| Decimal::from_str(&f["total"]).unwrap()).sum();
    assert_eq!(budget["payout"], paid.to_string());
    // The component-at-a-time slope is not quoted for a plan that reads earlier statements.
    assert!(budget["marginal"]["at_current_brackets"]["cost"].is_null(), "{}", budget["marginal"]);
    // diff: the July rate at 7% instead of 8% changes only the true-up and what the cap takes.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(POLICY).unwrap().replace("rate 8%", "rate 7%");
    let new = dir.path().join("seven.policy");
    std::fs::write(&new, text).unwrap();
    let mut args: Vec<String> = vec!["diff".into(), POLICY.into(), new.display().to_string()];
    args.extend(data_args("examples/telecom-2027"));
    args.extend(["--format", "json"].map(String::from));
    let diff: serde_json::Value = serde_json::from_str(&run_ok(&args)).unwrap();
    let change = |name: &str| {
        let c = diff["components"].as_array().unwrap().iter().find(|c| c["old_name"] == name).unwrap();
        Decimal::from_str(c["change"].as_str().unwrap()).unwrap()
    };
    for same in ["advance", "clawback", "override", "spiff", "draw"] {
        assert_eq!(change(same), Decimal::ZERO, "{same}");
    }
    // Q3 and Q4 above target pay 1% less; the cap takes back less where it bound.
    assert!(change("true_up") < Decimal::ZERO);
    assert!(change("annual_cap") > Decimal::ZERO);
    // The old column is the run's own payout.
    assert_eq!(diff["total"]["old"], paid.to_string());
}

/// The shipped plan without its test blocks, with `edit` applied.
fn version_of(edit: impl Fn(&str) -> String) -> String {
    let text = std::fs::read_to_string(POLICY).unwrap();
    let body = text.split("# ---------------------------------------------------------------- tests").next().unwrap();
    edit(body)
}

/// The July change as two versions: the same rates, 6% above target, then from 2027-07 8%.
const ONE_TABLE: &str = "  let earned = tiers marginal credited {\n    from 0              rate 2%\n    from 50% of target  rate 4%\n    from target         rate 6%\n  }";

fn without_dated_change(text: &str) -> String {
    let start = text.find("  let earned = if period").unwrap();
    let end = text[start..].find("  pay round(earned").unwrap() + start;
    format!("{}{ONE_TABLE}\n{}", &text[..start], &text[end..])
}

fn run_versions(first: &str, then: &[&str]) -> (Statements, Vec<(String, String, String)>) {
    let mut args: Vec<String> = vec!["run".into(), first.into()];
    for t in then {
        args.extend(["--then".to_string(), t.to_string()]);
    }
    args.extend(data_args("examples/telecom-2027"));
    args.extend(["--format", "csv"].map(String::from));
    let out = run_ok(&args);
    let header: Vec<&str> = out.lines().next().unwrap().split(',').collect();
    let at = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let versions = match header.contains(&"version") {
        true => out
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[at("payee")].to_string(), f[at("period")].to_string(), f[at("version")].to_string())
            })
            .collect(),
        false => Vec::new(),
    };
    (parse_csv(&out, "period"), versions)
}

#[test]
fn versions_with_effective_months_run_as_one_plan_and_say_which_paid() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = dir.path().join("v1.policy");
    let v2 = dir.path().join("v2.policy");
    std::fs::write(&v1, version_of(without_dated_change)).unwrap();
    let second = |t: &str| {
        without_dated_change(t)
            .replace("rate 6%", "rate 8%")
            .replace("version \"2027.1\" currency CNY", "version \"2027.2\" currency CNY effective 2027-07")
    };
    std::fs::write(&v2, version_of(second)).unwrap();
    let (statements, versions) = run_versions(&v1.display().to_string(), &[&v2.display().to_string()]);
    // The dated change inside one policy and the two versions are the same plan.
    assert_eq!(statements, example());
    for (payee, period, version) in &versions {
        let want = if period.as_str() < "2027-07" { "2027.1" } else { "2027.2" };
        assert_eq!(version, want, "{payee} {period}");
    }
    // A version taking over mid-quarter (August) reads the old version's July advances in its
    // September true-up, and the cap reads every earlier month whatever version paid it: the
    // same plan under another name changes no figure.
    let same = dir.path().join("same.policy");
    let renamed =
        |t: &str| t.replace("version \"2027.1\" currency CNY", "version \"2027.1b\" currency CNY effective 2027-08");
    std::fs::write(&same, version_of(|t| renamed(&without_dated_change(t)))).unwrap();
    let (again, versions) = run_versions(&v1.display().to_string(), &[&same.display().to_string()]);
    let (alone, none) = run_versions(&v1.display().to_string(), &[]);
    assert!(none.is_empty(), "a run of one version has no version column");
    assert_eq!(again, alone);
    assert!(versions.iter().any(|(_, p, v)| p == "2027-09" && v == "2027.1b"));
}

#[test]
fn a_later_version_without_an_effective_month_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = dir.path().join("v1.policy");
    std::fs::write(&v1, version_of(|t| t.to_string())).unwrap();
    let mut args: Vec<String> = vec!["run".into(), v1.display().to_string(), "--then".into(), v1.display().to_string()];
    args.extend(data_args("examples/telecom-2027"));
    let ran = run(&args);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert_code(&ran, "E0519");
}

#[test]
fn an_override_can_pay_on_the_reports_commission() {
    // The override paid on what the direct reports earned this month, not on their sales.
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("on-commission.policy");
    std::fs::write(
        &policy,
        version_of(|t| {
            t.replace("pay 1% * sum(sales.amount for reports)", "pay 10% * this_month(advance for reports)")
        }),
    )
    .unwrap();
    let mut args: Vec<String> = vec!["run".into(), policy.display().to_string()];
    args.extend(data_args("examples/telecom-2027"));
    args.extend(["--format", "csv"].map(String::from));
    let s = parse_csv(&run_ok(&args), "period");
    // E01's reports in October: E02's advance 4% x 2,083.12 = 83.3248 -> 83.32; E03's advance
    // 4% x (30% of 10,386.66 = 3,115.998) = 124.63992 -> 124.64. 10% x 207.96 = 20.796 -> 20.80.
    expect(&s, "E02", "2027-10", "advance", "83.32");
    expect(&s, "E03", "2027-10", "advance", "124.64");
    expect(&s, "E01", "2027-10", "override", "20.80");
    // explain reads the same figure, from the reports' statements.
    let mut args: Vec<String> = vec!["explain".into(), policy.display().to_string()];
    args.extend(data_args("examples/telecom-2027"));
    args.extend(["--payee", "E01", "--period", "2027-10"].map(String::from));
    let text = run_ok(&args);
    assert!(text.contains("this_month(advance for reports) = 207.96"), "{text}");
}

/// A small roster-and-sales plan with `components`, run on `sales` rows for one payee.
fn small_plan(components: &str, roster: &str, sales: &str, range: (&str, &str)) -> Statements {
    let dir = tempfile::tempdir().unwrap();
    let policy = format!(
        "policy \"P\" version \"1\" currency CNY\n\
         input roster {{ key id: text  start hired: date  end left: date }}\n\
         input sales {{ key id: text  period date: date  payee who: text  amount: money }}\n\
         payee roster.id\n{components}\n"
    );
    std::fs::write(dir.path().join("p.policy"), policy).unwrap();
    std::fs::write(dir.path().join("roster.csv"), format!("id,hired,left\n{roster}")).unwrap();
    std::fs::write(dir.path().join("sales.csv"), format!("id,date,who,amount\n{sales}")).unwrap();
    let d = dir.path().display().to_string();
    let out = run_ok([
        "run".to_string(),
        format!("{d}/p.policy"),
        "--data".into(),
        format!("roster={d}/roster.csv"),
        "--data".into(),
        format!("sales={d}/sales.csv"),
        "--from".into(),
        range.0.into(),
        "--to".into(),
        range.1.into(),
        "--format".into(),
        "csv".into(),
    ]);
    let mut lines = out.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let mut s = Statements::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let figures = header.iter().zip(&f).map(|(h, v)| (h.clone(), v.to_string())).collect();
        s.insert((f[0].to_string(), f[header.iter().position(|h| h == "period").unwrap()].to_string()), figures);
    }
    s
}

#[test]
fn year_to_date_figures_of_the_ledgers_percent_base_tiers_and_a_leaving_date() {
    let s = small_plan(
        "component ytd monthly { pay 1% * year_to_date(sum(sales.amount)) }\n\
         component before monthly { pay 1% * earlier_this_quarter(sum(sales.amount)) }\n\
         component attained quarterly {\n  let share = sum(sales.amount) / 10_000 CNY * 100%\n  pay tiers flat share { from 0% fixed 0  from 100% fixed 500  from 150% fixed 900 }\n}\n\
         component kept monthly { pay 3_000 CNY * employed }",
        "A,2020-01-01,\nB,2020-01-01,2027-02-14\n",
        "S1,2027-01-10,A,4000.00\nS2,2027-02-10,A,8000.00\nS3,2027-04-02,A,1000.00\n",
        ("2027-01", "2027-04"),
    );
    // Year to date: January 4,000.00 -> 40.00; February 12,000.00 -> 120.00; April 13,000.00 -> 130.00.
    expect(&s, "A", "2027-01", "ytd", "40.00");
    expect(&s, "A", "2027-02", "ytd", "120.00");
    expect(&s, "A", "2027-04", "ytd", "130.00");
    // Earlier this quarter: none in January, 4,000.00 in February, 12,000.00 in March, none in April.
    expect(&s, "A", "2027-01", "before", "0.00");
    expect(&s, "A", "2027-02", "before", "40.00");
    expect(&s, "A", "2027-03", "before", "120.00");
    expect(&s, "A", "2027-04", "before", "0.00");
    // Q1 12,000.00 of a 10,000.00 target is 120%: the 100% bracket pays 500.
    expect(&s, "A", "2027-03", "attained", "500.00");
    // B left on 2027-02-14: February 14 of 28 days, 3,000.00 x 14/28 = 1,500.00; March nothing.
    expect(&s, "B", "2027-01", "kept", "3000.00");
    expect(&s, "B", "2027-02", "kept", "1500.00");
    expect(&s, "B", "2027-03", "kept", "0.00");
}

#[test]
fn a_clawback_can_reverse_at_the_rate_of_the_sales_month() {
    // The seed plan with cancellations: a cancelled sale is taken back at the flat bracket rate
    // its own month reached, in the month of the cancellation.
    let seed = std::fs::read_to_string("policies/telecom-account-manager.policy").unwrap();
    let head = seed.split("# ---------------------------------------------------------------- tests").next().unwrap();
    let policy = format!(
        "{head}\ninput cancellations {{\n  key id: text\n  period date: date\n  sale: sales\n  amount: money >= 0.01 within sale.amount\n}}\n\n\
         component clawback \"退单扣回\" monthly {{\n  pay -sum(cancellations.amount * in_month_of(sale.date, tiers flat sum(sales.amount) {{ from 0 rate 3% from 100_000 rate 5% from 300_000 rate 8% }} / sum(sales.amount)))\n}}\n\n\
         test \"a cancellation is reversed at its sale's month's rate\" {{\n  period 2026-Q1\n  sales {{\n    id, date, manager, customer, kind, business, segment, amount\n    S1, 2026-01-10, M1, C1, new, mobile, sme, 350000.00\n    S2, 2026-02-05, M1, C2, new, mobile, sme, 50000.00\n  }}\n  cancellations {{\n    id, date, sale, amount\n    X1, 2026-02-20, S1, 10000.00\n    X2, 2026-02-25, S2, 1000.00\n  }}\n\
         # January's 350,000.00 reached the 8% bracket, February's 50,000.00 the 3% one:\n\
         # -(10,000.00 x 8% + 1,000.00 x 3%) = -(800.00 + 30.00)\n\
         expect M1 clawback in 2026-02 = -830.00\n\
         # nothing was cancelled in January or March\n\
         expect M1 clawback in 2026-01 = 0.00\n\
         expect M1 clawback = -830.00\n\
         # January paid 8% of 350,000.00 = 28,000.00; February 3% of 50,000.00 = 1,500.00\n\
         expect M1 sales_performance = 29500.00\n}}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed-with-clawback.policy");
    std::fs::write(&path, policy).unwrap();
    let ran = run(["test".to_string(), path.display().to_string()]);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("1 passed, 0 failed"), "{}", ran.stdout);
}
