//! The layering of ARCHITECTURE.md, checked on the source: which folder may use which. A
//! "unit" is a folder of `src/` (or a file at its top); a use is any `crate::unit` (or
//! `commission::unit` in the command line) outside `#[cfg(test)]` modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// unit -> used unit -> files that use it.
fn uses() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = Graph::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&src).unwrap();
            let mut parts = relative.iter().map(|p| p.to_string_lossy().into_owned());
            let first = parts.next().unwrap();
            let unit =
                if relative.components().count() > 1 { first } else { first.trim_end_matches(".rs").to_string() };
            if unit == "lib" || unit == "main" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests may reach anywhere; they sit at the end of a file.
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
            let file = relative.display().to_string();
            for prefix in ["crate::", "commission::"] {
                for part in code.split(prefix).skip(1) {
                    let used: String = part.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    if !used.is_empty() && used != unit {
                        graph.entry(unit.clone()).or_default().entry(used).or_default().insert(file.clone());
                    }
                }
            }
        }
    }
    graph
}

fn users_of<'g>(graph: &'g Graph, used: &str) -> Vec<(&'g str, &'g BTreeSet<String>)> {
    graph.iter().filter_map(|(unit, deps)| deps.get(used).map(|files| (unit.as_str(), files))).collect()
}

/// A circle of units that use each other, if there is one (depth-first search for a back edge).
fn find_circle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(graph: &Graph, unit: &str, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|u| u == unit) {
            let mut circle = path[at..].to_vec();
            circle.push(unit.to_string());
            return Some(circle);
        }
        if done.contains(unit) {
            return None;
        }
        path.push(unit.to_string());
        for next in graph.get(unit).into_iter().flat_map(|d| d.keys()) {
            if let Some(circle) = visit(graph, next, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(unit.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|unit| visit(graph, unit, &mut Vec::new(), &mut done))
}

#[test]
fn there_is_no_import_circle_between_folders() {
    let graph = uses();
    assert_eq!(find_circle(&graph), None);
}

#[test]
fn a_circle_is_found_when_there_is_one() {
    let edge = |a: &str, b: &str| (a.to_string(), BTreeMap::from([(b.to_string(), BTreeSet::new())]));
    let circle: Graph = [edge("data", "eval"), edge("eval", "plan"), edge("plan", "data")].into_iter().collect();
    assert_eq!(find_circle(&circle).map(|c| c.len()), Some(4), "three units and back to the first");
    let line: Graph = [edge("data", "eval"), edge("eval", "plan")].into_iter().collect();
    assert_eq!(find_circle(&line), None);
}

#[test]
fn stages_never_use_the_output_the_tools_or_the_command_line() {
    let graph = uses();
    let stages =
        ["lang", "source", "money", "period", "value", "diagnostics", "syntax", "check", "plan", "data", "eval"];
    let later = [
        "report",
        "cli",
        "explain",
        "performance",
        "doc",
        "diff",
        "budget",
        "generate",
        "init",
        "curve",
        "policy_test",
        "fmt",
        "lint",
        "lsp",
    ];
    for stage in stages {
        for used in later {
            if stage == "check" && used == "lint" {
                continue; // `check::compile` runs the lints, as its one bundle says
            }
            let files = graph.get(stage).and_then(|d| d.get(used));
            assert!(files.is_none(), "`{stage}` uses `{used}` in {files:?}");
        }
    }
}

#[test]
fn later_stages_take_only_spans_and_words_from_syntax() {
    let graph = uses();
    // The AST is for the checker, the formatter, lint attributes (comments above a
    // declaration), the test blocks of policies and the language server (names as written,
    // under an editor's cursor); everyone else uses `source` and `lang`.
    let allowed = ["check", "fmt", "lint", "policy_test", "lsp"];
    for (unit, files) in users_of(&graph, "syntax") {
        assert!(allowed.contains(&unit), "`{unit}` uses `syntax` in {files:?}; spans are in `source`, words in `lang`");
    }
}

#[test]
fn reading_and_computing_do_not_depend_on_the_checker() {
    let graph = uses();
    for stage in ["plan", "data", "eval", "report"] {
        let files = graph.get(stage).and_then(|d| d.get("check"));
        assert!(files.is_none(), "`{stage}` uses `check` in {files:?}; it should need only the Plan");
    }
}

/// Every dependency in Cargo.toml is used by some source file (an unused one is dead weight
/// in every build and every audit); `cargo-udeps` needs a nightly compiler, this does not.
#[test]
fn every_dependency_is_used() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let mut names = Vec::new();
    let mut in_deps = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            in_deps = line == "[dependencies]" || line == "[dev-dependencies]";
            continue;
        }
        if let Some((name, _)) = line.split_once('=').filter(|_| in_deps) {
            names.push(name.trim().replace('-', "_"));
        }
    }
    assert!(names.len() > 10, "read the dependencies: {names:?}");
    let mut sources = String::new();
    for dir in ["src", "tests", "bench"] {
        let mut stack = vec![root.join(dir)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    sources.push_str(&std::fs::read_to_string(&path).unwrap());
                }
            }
        }
    }
    let unused: Vec<&String> = names.iter().filter(|n| !sources.contains(&format!("{n}::"))).collect();
    assert!(unused.is_empty(), "dependencies no source file uses: {unused:?}");
}
