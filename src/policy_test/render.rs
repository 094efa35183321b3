//! Test results for people (pass/fail, the policy line, expected, got and the difference)
//! and for CI systems (JUnit XML).

use std::fmt::Write as _;

use super::run::{TestResult, Verdict};
use super::{Subject, Suite};
use crate::money::format_grouped;

/// One policy file's results.
pub struct FileResults<'a> {
    pub path: &'a str,
    pub suite: &'a Suite,
    pub results: &'a [TestResult],
}

fn figure_name(suite: &Suite, figure: Subject) -> &str {
    match figure {
        Subject::Component(i) => suite.plan.components.get(i).map_or("?", |c| c.name.as_str()),
        Subject::Total => "total",
    }
}

/// The source text of an `expect` line, on one line.
fn expect_text(suite: &Suite, span: crate::source::Span) -> String {
    suite.plan.source.text.get(span.start..span.end).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn human(files: &[FileResults<'_>]) -> String {
    let mut out = String::new();
    let (mut passed, mut failed) = (0, 0);
    for file in files {
        let _ = writeln!(out, "{}", file.path);
        if file.results.is_empty() {
            let _ = writeln!(out, "  (no tests)");
        }
        for r in file.results {
            if r.passed() {
                passed += 1;
                let _ = writeln!(out, "  ok    {}", r.name);
                continue;
            }
            failed += 1;
            let _ = writeln!(out, "  FAIL  {}  ({}:{})", r.name, file.path, r.line);
            match &r.verdict {
                Verdict::Errored(text) => {
                    for line in text.lines() {
                        let _ = writeln!(out, "        {line}");
                    }
                }
                Verdict::Ran(checks) => {
                    for c in checks.iter().filter(|c| !c.passed) {
                        let e = &c.expectation;
                        let scale = c.got.scale().max(e.expected.scale()).max(2);
                        let line = file.suite.plan.line(e.span);
                        let _ = writeln!(out, "        {}:{line}: {}", file.path, expect_text(file.suite, e.span));
                        let _ = writeln!(
                            out,
                            "        {} of {}: expected {}, got {}, difference {}{}",
                            figure_name(file.suite, e.figure),
                            e.payee,
                            format_grouped(e.expected, scale),
                            format_grouped(c.got, scale),
                            if c.got > e.expected { "+" } else { "" },
                            format_grouped(c.got - e.expected, scale),
                        );
                        if let Some(t) = e.tolerance {
                            let _ = writeln!(out, "        (tolerance {})", format_grouped(t, t.scale()));
                        }
                    }
                }
            }
        }
    }
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    out
}

fn xml(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            // XML 1.0 allows no other control characters, even escaped.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {}
            c => s.push(c),
        }
    }
    s
}

/// JUnit XML, as CI systems read it: one `testsuite` per policy, one `testcase` per test.
pub fn junit(files: &[FileResults<'_>]) -> String {
    let total: usize = files.iter().map(|f| f.results.len()).sum();
    let failures: usize =
        files.iter().flat_map(|f| f.results).filter(|r| matches!(r.verdict, Verdict::Ran(_)) && !r.passed()).count();
    let errors: usize =
        files.iter().flat_map(|f| f.results).filter(|r| matches!(r.verdict, Verdict::Errored(_))).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"commission test\" tests=\"{total}\" failures=\"{failures}\" errors=\"{errors}\">"
    );
    for file in files {
        let f = file.results.iter().filter(|r| matches!(r.verdict, Verdict::Ran(_)) && !r.passed()).count();
        let e = file.results.iter().filter(|r| matches!(r.verdict, Verdict::Errored(_))).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\">",
            xml(file.path),
            file.results.len()
        );
        for r in file.results {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\"",
                xml(file.path),
                xml(&r.name),
                xml(file.path),
                r.line
            );
            match &r.verdict {
                Verdict::Ran(checks) if r.passed() => {
                    let _ = writeln!(out, " assertions=\"{}\"/>", checks.len());
                }
                Verdict::Ran(checks) => {
                    let _ = writeln!(out, " assertions=\"{}\">", checks.len());
                    for c in checks.iter().filter(|c| !c.passed) {
                        let e = &c.expectation;
                        let scale = c.got.scale().max(e.expected.scale()).max(2);
                        let message = format!(
                            "{} of {}: expected {}, got {}, difference {}",
                            figure_name(file.suite, e.figure),
                            e.payee,
                            format_grouped(e.expected, scale),
                            format_grouped(c.got, scale),
                            format_grouped(c.got - e.expected, scale)
                        );
                        let at = format!(
                            "{}:{}: {}",
                            file.path,
                            file.suite.plan.line(e.span),
                            expect_text(file.suite, e.span)
                        );
                        let _ = writeln!(
                            out,
                            "      <failure message=\"{}\" type=\"mismatch\">{}</failure>",
                            xml(&message),
                            xml(&at)
                        );
                    }
                    let _ = writeln!(out, "    </testcase>");
                }
                Verdict::Errored(text) => {
                    let first = text.lines().next().unwrap_or("").trim();
                    let _ = writeln!(out, ">");
                    let _ =
                        writeln!(out, "      <error message=\"{}\" type=\"error\">{}</error>", xml(first), xml(text));
                    let _ = writeln!(out, "    </testcase>");
                }
            }
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}
