//! Same inputs, same bytes: across runs, across row orders and column orders of the ledgers.
//! (The engine runs on one thread; there is no thread count to vary. If the fold is ever
//! parallelised, these tests hold it to the same bytes.)

use std::fs;

use crate::harness::Test;
use crate::run_ok;

const SEED: &str = "policies/telecom-account-manager.policy";

fn outputs(sales: &str, surveys: &str) -> Vec<String> {
    let (s, v) = (format!("sales={sales}"), format!("surveys={surveys}"));
    ["table", "json", "csv"]
        .iter()
        .map(|format| run_ok(["run", SEED, "--data", &s, "--data", &v, "--format", format]))
        .collect()
}

#[test]
fn the_same_run_gives_the_same_bytes() {
    let first = outputs("tests/fixtures/seed/sales.csv", "tests/fixtures/seed/surveys.csv");
    for _ in 0..2 {
        assert_eq!(outputs("tests/fixtures/seed/sales.csv", "tests/fixtures/seed/surveys.csv"), first);
    }
}

/// The seed ledger reversed, then interleaved, and its columns reversed: same statements.
#[test]
fn shuffled_ledgers_give_the_same_bytes() {
    let expected = outputs("tests/fixtures/seed/sales.csv", "tests/fixtures/seed/surveys.csv");
    let mut ledgers = Vec::new();
    for (name, from) in [("sales", "tests/fixtures/seed/sales.csv"), ("surveys", "tests/fixtures/seed/surveys.csv")] {
        let text = fs::read_to_string(from).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        let header = lines.remove(0);
        lines.reverse();
        // Odd positions first, then even: no row keeps its neighbour.
        let mut order: Vec<&str> = lines.iter().skip(1).step_by(2).copied().collect();
        order.extend(lines.iter().step_by(2).copied());
        assert_eq!(order.len(), lines.len());
        let flip = |line: &str| line.split(',').rev().collect::<Vec<_>>().join(",");
        let body: String = order.iter().map(|l| flip(l) + "\n").collect();
        ledgers.push((name, format!("{}\n{body}", flip(header))));
    }
    for (format, expected) in ["table", "json", "csv"].into_iter().zip(expected) {
        let shuffled =
            ledgers.iter().fold(Test::new().current_dir_repo(), |test, (name, text)| test.ledger(name, text));
        shuffled.args(["run", SEED, "--format", format]).stdout(expected).run();
    }
}
