//! Stable codes and the one shape every diagnostic's words take.
//!
//! A stage's problems are a typed kind (an enum in this folder, one file per stage) that
//! implements [`Kind`]: one `match` gives each variant its code, message, labels and help,
//! so the words of every diagnostic are written in one place per stage. Codes are stable and
//! never reused: `E0001`... for errors, `C0001`... for warnings. Each is explained for
//! `commission explain-code` in its stage's `CODES` table.

/// A code's entry in the registry.
#[derive(Debug)]
pub struct Code {
    /// `E0101`, `C0001`.
    pub id: &'static str,
    /// A few words, for lists.
    pub title: &'static str,
    /// What the diagnostic means, why it matters and what to do, in plain text.
    pub explanation: &'static str,
}

/// A diagnostic's words: what a [`Kind`] says about one problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub code: &'static str,
    pub message: String,
    /// One label per span the caller gives, in the same order.
    pub labels: Vec<String>,
    pub help: Option<String>,
}

impl Described {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Described { code, message: message.into(), labels: Vec::new(), help: None }
    }
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.labels.push(label.into());
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

/// A typed problem kind: each stage has one enum of them.
pub trait Kind {
    fn describe(&self) -> Described;
}

/// Every registered code: errors by stage, then warnings.
pub fn all() -> impl Iterator<Item = &'static Code> {
    [
        super::syntax::CODES,
        super::check::CODES,
        super::ledger::CODES,
        super::eval::CODES,
        super::io::CODES,
        super::tools::CODES,
        super::lints::CODES,
    ]
    .into_iter()
    .flatten()
}

/// The entry for a code, case-insensitively (`c0001` works).
pub fn find(code: &str) -> Option<&'static Code> {
    all().find(|c| c.id.eq_ignore_ascii_case(code.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_well_formed_unique_and_in_order_within_each_stage() {
        let ids: Vec<&str> = all().map(|c| c.id).collect();
        for id in &ids {
            let (letter, digits) = id.split_at(1);
            assert!(
                matches!(letter, "E" | "C") && digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()),
                "{id}"
            );
        }
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids.len(), sorted.len(), "a code is registered twice");
        let errors: Vec<&str> = ids.iter().copied().filter(|c| c.starts_with('E')).collect();
        let mut errors_sorted = errors.clone();
        errors_sorted.sort_unstable();
        assert_eq!(errors, errors_sorted, "error codes are listed in order");
    }

    #[test]
    fn every_entry_has_a_title_and_an_explanation() {
        for c in all() {
            assert!(!c.title.is_empty() && !c.title.ends_with('.'), "{}: title", c.id);
            assert!(c.explanation.len() > 40, "{}: explanation too short", c.id);
        }
    }

    /// Every code a kind can give is registered, and every registered code is given by some
    /// kind: the registry and the `describe` matches cannot drift apart.
    #[test]
    fn the_registry_and_the_kinds_agree() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/diagnostics");
        let mut used = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            if path.file_name().is_some_and(|n| n == "code.rs") {
                continue;
            }
            // The codes the kinds give: the string that opens `Described::new(...)`, on the same
            // line or the next.
            for part in text.split("Described::new(").skip(1) {
                let part = part.trim_start();
                if let Some(code) = part.strip_prefix('"').and_then(|p| p.get(..5)) {
                    used.insert(code.to_string());
                }
            }
        }
        let registered: std::collections::BTreeSet<String> = all().map(|c| c.id.to_string()).collect();
        let unregistered: Vec<&String> = used.difference(&registered).collect();
        let unused: Vec<&String> = registered.difference(&used).collect();
        assert!(unregistered.is_empty(), "codes given by a kind but not registered: {unregistered:?}");
        assert!(unused.is_empty(), "codes registered but given by no kind: {unused:?}");
    }
}
