//! The project file, `commission.toml`: which ledger file (and encoding) each input of the
//! policies beside it reads, and the months commands cover by default, so that
//! `commission run plan.policy` needs no `--data`.
//!
//! ```toml
//! [inputs]
//! sales = "sales.csv"
//! surveys = { path = "surveys.csv", encoding = "gbk" }
//! [range]
//! from = "2026-01"
//! to = "2026-06"
//! ```
//!
//! Paths are read from the file's own folder. The file is found in the current folder or
//! the nearest folder above it, stopping at the top of a git repository (a folder holding
//! `.git`) or of the file system. A bad file is a [`DataError`] at its line and column.
//! Command-line flags override what the file says; that merge is the command line's.
//!
//! May use: `data` (encodings, ledger sources), `plan` (its inputs), `period`, `diagnostics`.
//! Knows nothing of clap.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;

use crate::data::{InputFile, LedgerSource, TextEncoding};
use crate::diagnostics::io::IoKind;
use crate::diagnostics::DataError;
use crate::period::Period;
use crate::plan::Plan;

/// The name looked for.
pub const FILE_NAME: &str = "commission.toml";

/// A project file, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// The file, as given or found.
    pub path: PathBuf,
    bindings: Vec<Binding>,
    range: Option<(Period, Period)>,
}

/// One `[inputs]` entry: an input's ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The input's name, as the policies declare it.
    pub name: String,
    /// The ledger's path joined to the project's folder (an `.xlsx` path may end in
    /// `#SHEET`, as with `--data`).
    pub path: String,
    /// The CSV encoding, when the file says.
    pub encoding: Option<TextEncoding>,
    /// `commission.toml:3:9`: where the binding is written, for messages.
    pub location: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    #[serde(default)]
    inputs: IndexMap<String, toml::Spanned<toml::Value>>,
    range: Option<toml::Spanned<RawRange>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInput {
    path: String,
    encoding: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRange {
    from: Option<toml::Spanned<String>>,
    to: Option<toml::Spanned<String>>,
    period: Option<toml::Spanned<String>>,
}

impl Project {
    /// Reads and checks the project file at `path`.
    pub fn load(path: &Path) -> Result<Project, DataError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            DataError::of(path.display().to_string(), IoKind::CannotReadProject { error: e.to_string() })
        })?;
        Project::parse(path, &text)
    }

    /// The project file in `start` or the nearest folder above it, read and checked; `None`
    /// when there is none up to the top of the repository or the file system.
    pub fn find(start: &Path) -> Result<Option<Project>, DataError> {
        match Project::locate(start) {
            Some(path) => Project::load(&path).map(Some),
            None => Ok(None),
        }
    }

    /// Where [`Project::find`] finds the file, without reading it.
    pub fn locate(start: &Path) -> Option<PathBuf> {
        let mut dir = Some(start);
        while let Some(here) = dir {
            let candidate = here.join(FILE_NAME);
            if candidate.is_file() {
                return Some(candidate);
            }
            // The top of a repository: a project above it belongs to something else.
            if here.join(".git").exists() {
                return None;
            }
            dir = here.parent();
        }
        None
    }

    /// Checks the text of a project file; `path` names it in messages and is the folder
    /// its ledger paths are read from.
    pub fn parse(path: &Path, text: &str) -> Result<Project, DataError> {
        let shown = path.display().to_string();
        let at = |offset: usize| format!("{shown}:{}", line_column(text, offset));
        let raw: RawProject = toml::from_str(text).map_err(|e| {
            let location = e.span().map_or_else(|| shown.clone(), |span| at(span.start));
            DataError::of(location, IoKind::NotAProjectFile { error: e.message().trim().to_string() })
        })?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let mut bindings = Vec::with_capacity(raw.inputs.len());
        for (name, value) in raw.inputs {
            let location = at(value.span().start);
            let not_a_binding =
                |error: String| DataError::of(&location, IoKind::NotAnInputBinding { name: name.clone(), error });
            let (file, label) = match value.into_inner() {
                toml::Value::String(file) => (file, None),
                toml::Value::Table(table) => {
                    let input: RawInput =
                        table.try_into().map_err(|e: toml::de::Error| not_a_binding(e.message().trim().to_string()))?;
                    (input.path, input.encoding)
                }
                other => return Err(not_a_binding(format!("found {}", other.type_str()))),
            };
            if file.is_empty() {
                return Err(not_a_binding("the path is empty".to_string()));
            }
            let encoding = match label {
                None => None,
                Some(label) => Some(
                    TextEncoding::parse(&label)
                        .ok_or_else(|| DataError::of(&location, IoKind::UnknownProjectEncoding { label }))?,
                ),
            };
            let file_path = Path::new(&file);
            let joined = if file_path.is_absolute() || dir.as_os_str().is_empty() {
                file.clone()
            } else {
                dir.join(file_path).display().to_string()
            };
            bindings.push(Binding { name, path: joined, encoding, location });
        }
        let range = match raw.range {
            None => None,
            Some(spanned) => {
                let whole = at(spanned.span().start);
                let RawRange { from, to, period } = spanned.into_inner();
                let bad = |location: String, what: &str| {
                    DataError::of(location, IoKind::BadProjectRange { what: what.to_string() })
                };
                let parse = |value: &toml::Spanned<String>| {
                    Period::parse(value.get_ref().trim())
                        .ok_or_else(|| bad(at(value.span().start), &format!("`{}` is not a period", value.get_ref())))
                };
                match (period, from, to) {
                    (Some(p), None, None) => {
                        let p = parse(&p)?;
                        Some((p.first_month(), p.last_month()))
                    }
                    (None, Some(f), Some(t)) => {
                        let (first, last) = (parse(&f)?.first_month(), parse(&t)?.last_month());
                        if first > last {
                            return Err(bad(at(f.span().start), &format!("`from` {first} is after `to` {last}")));
                        }
                        Some((first, last))
                    }
                    (None, None, None) => None,
                    (Some(_), _, _) => return Err(bad(whole, "give either `period` or `from` and `to`, not both")),
                    _ => return Err(bad(whole, "give both `from` and `to`")),
                }
            }
        };
        Ok(Project { path: path.to_path_buf(), bindings, range })
    }

    /// Every input the file binds, in the file's order.
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The binding of one input, if the file has one.
    pub fn binding(&self, name: &str) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.name == name)
    }

    /// The default range of months (first, last), if the file gives one.
    pub fn range(&self) -> Option<(Period, Period)> {
        self.range
    }

    /// The plan's inputs bound to the project's files, for a tool that takes no flags (the
    /// language server); the inputs the file does not bind, if any, as the error.
    pub fn input_files(&self, plan: &Plan) -> Result<Vec<InputFile>, Vec<String>> {
        let mut files = Vec::with_capacity(plan.inputs.len());
        let mut missing = Vec::new();
        for (input, schema) in plan.inputs.iter().enumerate() {
            match self.binding(&schema.name) {
                Some(b) => files.push(InputFile {
                    input,
                    source: LedgerSource::from_spec(&b.path, b.encoding.unwrap_or(TextEncoding::Utf8)),
                }),
                None => missing.push(schema.name.clone()),
            }
        }
        if missing.is_empty() {
            Ok(files)
        } else {
            Err(missing)
        }
    }
}

/// `line:column` of a byte offset, both from 1; columns count characters, as an editor does.
fn line_column(text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("{line}:{column}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Project, DataError> {
        Project::parse(Path::new("p/commission.toml"), text)
    }

    #[test]
    fn inputs_and_range() {
        let project = parse(
            "[inputs]\nsales = \"ledgers/sales.csv\"\nsurveys = { path = \"/abs/s.csv\", encoding = \"gb18030\" }\n\
             [range]\nfrom = \"2026-01\"\nto = \"2026-Q2\"\n",
        )
        .unwrap();
        let sales = project.binding("sales").unwrap();
        assert_eq!(sales.path, Path::new("p").join("ledgers/sales.csv").display().to_string());
        assert_eq!(sales.encoding, None);
        assert_eq!(sales.location, "p/commission.toml:2:9");
        let surveys = project.binding("surveys").unwrap();
        assert_eq!(surveys.path, "/abs/s.csv");
        assert_eq!(surveys.encoding, Some(TextEncoding::Gbk));
        // `to` is a quarter: its last month.
        assert_eq!(project.range(), Some((Period::parse("2026-01").unwrap(), Period::parse("2026-06").unwrap())));
        let names: Vec<&str> = project.bindings().iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["sales", "surveys"]);
    }

    #[test]
    fn a_plans_inputs_bound_to_the_files() {
        let policy = "policy \"p\" version \"1\" currency CNY\n\
            input sales {\n  key id: text\n  period date: date\n  payee manager: text\n  amount: money\n}\n\
            input surveys {\n  payee manager: text\n  period quarter: quarter\n  satisfaction: percent\n}\n\
            payee sales.manager\ncomponent c monthly {\n  pay sum(sales.amount) * 1%\n}\n";
        let plan = crate::check::compile(crate::source::SourceFile::new("p.policy", policy)).unwrap().plan;
        let project =
            parse("[inputs]\nsurveys = { path = \"s.csv\", encoding = \"gbk\" }\nother = \"o.csv\"\n").unwrap();
        assert_eq!(project.input_files(&plan).unwrap_err(), ["sales"]);
        let project =
            parse("[inputs]\nsurveys = { path = \"s.csv\", encoding = \"gbk\" }\nsales = \"b.xlsx#Q1\"\n").unwrap();
        let files = project.input_files(&plan).unwrap();
        assert_eq!(files.iter().map(|f| f.input).collect::<Vec<_>>(), [0, 1]);
        assert!(matches!(&files[0].source, LedgerSource::Xlsx { sheet: Some(s), .. } if s == "Q1"));
        assert!(matches!(&files[1].source, LedgerSource::Csv { encoding: TextEncoding::Gbk, .. }));
    }

    #[test]
    fn a_period_is_its_months() {
        let project = parse("[range]\nperiod = \"2026-Q1\"\n").unwrap();
        assert_eq!(project.range(), Some((Period::parse("2026-01").unwrap(), Period::parse("2026-03").unwrap())));
        assert!(project.bindings().is_empty());
    }

    #[test]
    fn problems_are_located() {
        let cases = [
            ("[input]\nsales = \"s.csv\"\n", "E0431", "p/commission.toml:1:2"),
            ("[inputs]\nsales = \"s.csv\n", "E0431", "p/commission.toml:2:"),
            ("[inputs]\nsales = 3\n", "E0432", "p/commission.toml:2:9"),
            ("[inputs]\nsales = { file = \"s.csv\" }\n", "E0432", "p/commission.toml:2:9"),
            ("[inputs]\nsales = \"\"\n", "E0432", "p/commission.toml:2:9"),
            // A Chinese name is quoted in TOML; columns count characters.
            ("[inputs]\n\"销售\" = { path = \"s.csv\", encoding = \"latin1\" }\n", "E0433", "p/commission.toml:2:8"),
            ("[range]\nfrom = \"2026-13\"\nto = \"2026-06\"\n", "E0434", "p/commission.toml:2:8"),
            ("[range]\nfrom = \"2026-07\"\nto = \"2026-06\"\n", "E0434", "p/commission.toml:2:8"),
            ("[range]\nfrom = \"2026-01\"\n", "E0434", "p/commission.toml:1:1"),
            ("[range]\nperiod = \"2026\"\nto = \"2026-06\"\n", "E0434", "p/commission.toml:1:1"),
            ("[range]\nform = \"2026-01\"\n", "E0431", "p/commission.toml:2:1"),
        ];
        for (text, code, location) in cases {
            let error = parse(text).unwrap_err();
            assert_eq!(error.code, code, "{text}: {error}");
            assert!(error.location.starts_with(location), "{text}: {} is not at {location}", error.location);
        }
    }

    #[test]
    fn found_upward_and_not_past_a_repository() {
        let root = tempfile::tempdir().unwrap();
        let repo = root.path().join("repo");
        let deep = repo.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        // Above the repository: never found from inside it.
        std::fs::write(root.path().join(FILE_NAME), "[inputs]\n").unwrap();
        assert_eq!(Project::locate(&deep), None);
        std::fs::write(repo.join("a").join(FILE_NAME), "[inputs]\nsales = \"s.csv\"\n").unwrap();
        let found = Project::find(&deep).unwrap().unwrap();
        assert_eq!(found.path, repo.join("a").join(FILE_NAME));
        assert_eq!(found.binding("sales").unwrap().path, repo.join("a/s.csv").display().to_string());
        // A folder beside it does not see it.
        assert_eq!(Project::find(&repo).unwrap(), None);
    }
}
