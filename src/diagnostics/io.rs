//! Arguments, files and outputs (`E04xx`): what the command line asked for that cannot be
//! done, and files that cannot be read or written. These are [`DataError`](super::DataError)s
//! (exit code 2) located at the argument (`--data sales`) or the file in question.
//!
//! Some are raised inside a tool rather than in the CLI because only the tool knows what the
//! argument may name (`--by` and `--sales` of `budget`, `--explain` of `diff`, the range of
//! `curve`): they are still problems with an argument, so their words live here.

use super::code::{Code, Described, Kind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IoKind {
    /// `commission explain-code X` with a code that does not exist.
    UnknownCode,

    // E0402: a policy that cannot be read.
    /// A policy to load (`run`, `explain`, `diff`...): the OS error.
    CannotReadPolicy {
        error: String,
    },
    /// A policy named to `check`, `fmt` or `test`, or found in a folder given to them.
    CannotReadListedPolicy {
        error: String,
    },
    /// Neither a file nor `REVISION:PATH`.
    NoSuchPolicy,
    /// A policy read from git that is not UTF-8.
    PolicyNotUtf8,
    /// A path given to `fmt` or `test` that does not exist.
    NoSuchPath,
    CannotReadFolder {
        error: String,
    },

    // E0403-E0406: git revisions.
    GitNotRun {
        why: String,
    },
    NotInRepository,
    UnknownRevision {
        rev: String,
    },
    NotInRevision {
        file: String,
        rev: String,
    },

    // E0407-E0411: `--data` and `--encoding`.
    /// `--data x` without `=`; `example` is an input to show in the help.
    NotNameEqualsPath {
        example: String,
    },
    /// `--data NAME=...` or `--encoding NAME=...` naming no input; `several_policies` when
    /// one `--data` list binds two policies (`diff`).
    UnknownInput {
        name: String,
        several_policies: bool,
        suggestion: String,
    },
    BoundTwice {
        name: String,
    },
    /// Declared inputs that no `--data` binds.
    NoFileForInput {
        inputs: Vec<String>,
    },
    UnknownEncoding {
        label: String,
    },

    // E0412-E0415: periods and ranges of months.
    NotAPeriod,
    /// `generate --months`.
    NotARangeOfMonths,
    /// `explain --period` that is a quarter or a year.
    NotAStatementMonth,
    /// `report --period` or `--from` that is not a month.
    NotAMonth,
    RangeBackwards,
    /// `report --from` after `--period`.
    TrendStartsAfter,
    PeriodAndRange,
    HalfARange,

    // E0416-E0417: a payee or component named on the command line.
    /// `diff --explain PAYEE`.
    NotAPayeeOfEitherPlan {
        payee: String,
        suggestion: String,
    },
    /// `curve POLICY COMPONENT`.
    UnknownComponent {
        component: String,
        suggestion: String,
    },

    // E0418-E0419: `curve --base` and `--step`.
    NotARange,
    RangeNotUpwards,
    TooManyPoints {
        count: String,
        max: usize,
    },

    // E0420-E0421: `budget --by` and `--sales`.
    UnknownGrouping {
        name: String,
        suggestion: String,
        options: Vec<String>,
    },
    NotASalesColumn {
        suggestion: String,
    },

    // E0422-E0423: numbers of `generate`.
    NotANumber,
    ShareOutOfRange,
    NotPositive,
    SpreadOutOfRange,

    // E0424: outputs.
    CannotWriteStdout {
        error: String,
    },
    /// The temporary file beside the output could not be created.
    CannotCreateOutput {
        error: String,
    },
    CannotWriteOutput {
        error: String,
    },
    CannotCreateFolder {
        error: String,
    },

    // E0425-E0427: outputs that would replace what they must not.
    /// `-o` names a folder, a device, a FIFO or a socket: `what` it is, in words.
    OutputNotAFile {
        what: String,
    },
    /// `-o` names (maybe through a link) one of the files the run reads.
    OutputIsAnInput {
        input: String,
    },
    /// `-o` is a chain of symbolic links too long to follow (or a loop).
    TooManyLinks,
    /// `report -o` names something that is not a folder: `what` it is, in words.
    OutputNotAFolder {
        what: String,
    },

    // E0450-E0451: Excel workbooks written by `--format xlsx`.
    /// `--format xlsx` without `-o FILE`: a workbook is binary and is not printed.
    XlsxNeedsFile,
    /// A sheet or a cell larger than Excel opens: `what` says which, in words.
    TooLargeForExcel {
        what: String,
    },
    // E0430-E0434: the project file, `commission.toml`.
    /// The project file cannot be opened (`--project` naming no file, no permission).
    CannotReadProject {
        error: String,
    },
    /// Not TOML, or TOML of another shape (an unknown key, a value of the wrong type): the
    /// parser's own words.
    NotAProjectFile {
        error: String,
    },
    /// An input bound to something that is neither a path nor `{ path = ..., encoding = ... }`.
    NotAnInputBinding {
        name: String,
        error: String,
    },
    /// An encoding in the project file that is not read.
    UnknownProjectEncoding {
        label: String,
    },
    /// `[range]` with a value that is not a period, half a range, both ways, or backwards.
    BadProjectRange {
        what: String,
    },

    // E0435-E0436: standard input.
    /// `--data a=- --data b=-`.
    StdinTwice {
        first: String,
        second: String,
    },
    CannotReadStdin {
        error: String,
    },

    // E0437: `commission man COMMAND`.
    UnknownCommand {
        name: String,
        suggestion: String,
    },

    // E0438: `report` without `--period` or a project range.
    NoReportMonth,

    // E0439: `-o -` for a command that writes a folder of files; `hint`: the flag that makes
    // one file of them, if there is one.
    FolderToStdout {
        command: &'static str,
        hint: &'static str,
    },
}

/// `` `a`, `b` ``.
fn quoted(names: &[String]) -> String {
    names.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
}

impl Kind for IoKind {
    fn describe(&self) -> Described {
        use IoKind::*;
        const POLICY_HELP: &str = "give the path of a `.policy` file, e.g. `policies/telecom-account-manager.policy`";
        match self {
            UnknownCode => Described::new("E0401", "not an error or warning code")
                .help("`commission explain-code` lists every code"),
            CannotReadPolicy { error } => {
                Described::new("E0402", format!("cannot read policy: {error}")).help(POLICY_HELP)
            }
            CannotReadListedPolicy { error } => Described::new("E0402", format!("cannot read policy: {error}")),
            NoSuchPolicy => Described::new("E0402", "cannot read policy: no such file").help(
                "give a policy file, or a git revision of one such as `HEAD~1:policies/telecom-account-manager.policy`",
            ),
            PolicyNotUtf8 => Described::new("E0402", "the policy is not valid UTF-8"),
            NoSuchPath => Described::new("E0402", "no such file or folder"),
            CannotReadFolder { error } => Described::new("E0402", format!("cannot read folder: {error}")),
            GitNotRun { why } => Described::new("E0403", format!("cannot run `git` to read a revision: {why}"))
                .help("install git, or give the policy as a file"),
            NotInRepository => {
                Described::new("E0404", "not a file, and not in a git repository to read a revision from")
                    .help("run the command inside the repository that keeps the policy, or give a file path")
            }
            UnknownRevision { rev } => Described::new("E0405", format!("unknown revision `{rev}`")).help(
                "use a commit, a tag or a branch, e.g. `HEAD~1`, `v2026.1` or `main`; `git log --oneline` lists commits",
            ),
            NotInRevision { file, rev } => {
                Described::new("E0406", format!("`{file}` does not exist in revision `{rev}`"))
                    .help("the path after `:` is from the repository's root (or starts with `./` for the current folder); `git ls-tree -r --name-only REVISION` lists the files")
            }
            NotNameEqualsPath { example } => Described::new("E0407", "expected NAME=PATH")
                .help(format!("bind each input to a file, e.g. `--data {example}=ledger.csv`")),
            UnknownInput { name, several_policies, suggestion } => {
                let whose = if *several_policies { "neither policy has" } else { "the policy has no" };
                Described::new("E0408", format!("{whose} input `{name}`")).help(suggestion.clone())
            }
            BoundTwice { name } => Described::new("E0409", format!("input `{name}` is bound twice")),
            NoFileForInput { inputs } => {
                let example: Vec<String> = inputs.iter().map(|m| format!("--data {m}={m}.csv")).collect();
                Described::new("E0410", format!("no file given for input {}", quoted(inputs)))
                    .help(format!("bind every declared input: {}", example.join(" ")))
            }
            UnknownEncoding { label } => Described::new("E0411", format!("unknown encoding `{label}`"))
                .help("the encodings read are `utf-8` (the default) and `gbk` (also called gb18030, gb2312, cp936)"),
            NotAPeriod => Described::new("E0412", "not a period")
                .help("write a month `2026-03`, a quarter `2026-Q1` or a year `2026`"),
            NotARangeOfMonths => Described::new("E0412", "not a range of months")
                .help("write `2026-01..2026-12`, or one period such as `2026` or `2026-Q1`"),
            NotAStatementMonth => Described::new("E0413", "a statement is for one month").help(
                "write the month, e.g. `--period 2026-03` (a quarterly component is explained in its quarter's last month)",
            ),
            NotAMonth => Described::new("E0413", "expected a month").help("e.g. `2026-03`"),
            RangeBackwards => Described::new("E0414", "the range ends before it starts"),
            TrendStartsAfter => Described::new("E0414", "the trend starts after the report's month"),
            PeriodAndRange => Described::new("E0415", "give either --period or --from and --to, not both"),
            HalfARange => {
                Described::new("E0415", "give both --from and --to").help("e.g. `--from 2026-01 --to 2026-06`")
            }
            NotAPayeeOfEitherPlan { payee, suggestion } => {
                Described::new("E0416", format!("`{payee}` is not a payee of either plan")).help(suggestion.clone())
            }
            UnknownComponent { component, suggestion } => {
                Described::new("E0417", format!("no component `{component}`")).help(suggestion.clone())
            }
            NotARange => Described::new("E0418", "not a range").help("write FROM..TO, e.g. `--base 0..500000`"),
            RangeNotUpwards => Described::new("E0419", "the range must run upwards with a positive step"),
            TooManyPoints { count, max } => Described::new(
                "E0419",
                format!("{count} points is too many; use a larger --step (at most {max} points)"),
            ),
            UnknownGrouping { name, suggestion, options } => {
                Described::new("E0420", format!("cannot group by `{name}`"))
                    .help(format!("{suggestion}; the choices are {}", options.join(", ")))
            }
            NotASalesColumn { suggestion } => {
                Described::new("E0421", "not a money column of a dated ledger with a payee").help(suggestion.clone())
            }
            NotANumber => Described::new("E0422", "not a number").help("e.g. `5000000` or `5_000_000`"),
            ShareOutOfRange => Described::new("E0423", "must be more than 0% and at most 100%"),
            NotPositive => Described::new("E0423", "--managers, --monthly-sales and --average-sale must be positive"),
            SpreadOutOfRange => Described::new("E0423", "--spread and --wobble must be between 0 and 3"),
            CannotWriteStdout { error } => Described::new("E0424", format!("cannot write: {error}")),
            CannotCreateOutput { error } => Described::new("E0424", format!("cannot write output: {error}"))
                .help("check that the folder exists and is writable"),
            CannotWriteOutput { error } => Described::new("E0424", format!("cannot write output: {error}")),
            CannotCreateFolder { error } => {
                Described::new("E0424", format!("cannot create the output folder: {error}"))
            }
            OutputNotAFile { what } => Described::new("E0425", format!("the output is {what}, not a file"))
                .help("give the path of a file to write (a new one, or a file to replace)"),
            OutputIsAnInput { input } => {
                Described::new("E0426", format!("the output is one of this run's inputs (`{input}`)"))
                    .help("write to another file: the input would be destroyed")
            }
            TooManyLinks => Described::new("E0427", "the output is a chain of symbolic links too long to follow")
                .help("check the links for a loop, or write to the file itself"),
            OutputNotAFolder { what } => {
                Described::new("E0428", format!("the output folder is {what}, not a folder"))
                    .help("give the path of a folder (it is created if missing)")
            }
            XlsxNeedsFile => Described::new("E0450", "an Excel workbook is written to a file, not printed")
                .help("add `-o FILE.xlsx`, e.g. `--format xlsx -o statements.xlsx`"),
            TooLargeForExcel { what } => Described::new("E0451", format!("too large for an Excel workbook: {what}"))
                .help("write `--format csv`, which has no such limit (too many statements also fit in a shorter range, `--from`/`--to`)"),
            CannotReadProject { error } => Described::new("E0430", format!("cannot read the project file: {error}"))
                .help("give the path of a `commission.toml` file with `--project`, or leave it out to look for one upward from the current folder"),
            NotAProjectFile { error } => Described::new("E0431", format!("not a project file: {error}"))
                .help("a project file has an `[inputs]` table (`sales = \"sales.csv\"`) and an optional `[range]` (`from = \"2026-01\"`, `to = \"2026-06\"`)"),
            NotAnInputBinding { name, error } => {
                Described::new("E0432", format!("input `{name}` is not bound to a file: {error}")).help(format!(
                    "write `{name} = \"path.csv\"` or `{name} = {{ path = \"path.csv\", encoding = \"gbk\" }}`"
                ))
            }
            UnknownProjectEncoding { label } => Described::new("E0433", format!("unknown encoding `{label}`"))
                .help("the encodings read are `utf-8` (the default) and `gbk` (also called gb18030, gb2312, cp936)"),
            StdinTwice { first, second } => Described::new(
                "E0435",
                format!("inputs `{first}` and `{second}` both read standard input"),
            )
            .help("standard input can be read once: pipe one ledger and give the other as a file"),
            CannotReadStdin { error } => Described::new("E0436", format!("cannot read standard input: {error}")),
            UnknownCommand { name, suggestion } => {
                Described::new("E0437", format!("no command `{name}`")).help(suggestion.clone())
            }
            NoReportMonth => Described::new("E0438", "no month to report")
                .help("give the month with `--period 2026-03`, or a `[range]` in the project file (its last month is reported)"),
            FolderToStdout { command, hint } => {
                let described = Described::new(
                    "E0439",
                    format!("`{command}` writes several files, which cannot all go to standard output"),
                );
                if hint.is_empty() {
                    described.help("give a folder to write them into")
                } else {
                    described.help(format!("add `{hint}` to write one file, or give a folder"))
                }
            }
            BadProjectRange { what } => Described::new("E0434", format!("not a range of months: {what}"))
                .help("write `from = \"2026-01\"` and `to = \"2026-06\"` (months), or `period = \"2026-Q1\"` (a month, quarter or year)"),
        }
    }
}

pub const CODES: &[Code] = &[
    Code {
        id: "E0401",
        title: "an unknown code",
        explanation: "\
`commission explain-code` was given a code it does not know. Codes are `E` and four digits for
errors, `C` and four digits for warnings, as printed above each message.

What to do: run `commission explain-code` without a code to list them all.",
    },
    Code {
        id: "E0402",
        title: "a policy file that cannot be read",
        explanation: "\
The policy file named on the command line (or a folder of policies given to `fmt` or `test`)
does not exist, cannot be opened, or is not UTF-8 text. The message gives the reason the
operating system gave.

What to do: check the path (it is read from the folder the command runs in), that the file
is readable, and that it is saved as UTF-8. `run`, `diff` and `budget` also take a git revision of a
policy, written `REVISION:PATH` (`HEAD~1:policies/plan.policy`).",
    },
    Code {
        id: "E0403",
        title: "git cannot be run",
        explanation: "\
The policy was given as a git revision (`REVISION:PATH`), and reading it needs the `git`
program, which could not be started (it is not installed, or not on the PATH).

What to do: install git, or check out the version you want and give the policy as a file.",
    },
    Code {
        id: "E0404",
        title: "a revision outside a git repository",
        explanation: "\
The policy is not a file, so it was read as a git revision (`REVISION:PATH`), but the command
does not run inside a git repository to read it from.

What to do: run the command from inside the repository that keeps the policy, or give the
path of a policy file.",
    },
    Code {
        id: "E0405",
        title: "an unknown git revision",
        explanation: "\
The part before `:` in `REVISION:PATH` names no commit of the repository: a mistyped tag or
branch, or a commit that was never fetched.

What to do: use a commit, a tag or a branch, e.g. `HEAD~1`, `v2026.1` or `main`;
`git log --oneline` lists the commits, `git tag` the tags.",
    },
    Code {
        id: "E0406",
        title: "a file that is not in the revision",
        explanation: "\
The revision exists, but it holds no file at the path after `:`. Git reads that path from the
repository's root, not from the current folder, and the file may have been renamed or added
later.

What to do: write the path from the repository's root (or start it with `./` for the current
folder); `git ls-tree -r --name-only REVISION` lists the files of a revision.",
    },
    Code {
        id: "E0407",
        title: "a `--data` argument that is not NAME=PATH",
        explanation: "\
Each `--data` binds one input declared in the policy to a ledger file, written `NAME=PATH`
(`--data sales=ledgers/sales.csv`). This one has no `=`, so there is no telling which input
the file is for.

What to do: write the input's name, `=`, then the path; repeat `--data` for each input.",
    },
    Code {
        id: "E0408",
        title: "an unknown input name",
        explanation: "\
A `--data NAME=PATH` or `--encoding NAME=ENCODING` names an input the policy does not declare
(for `diff`, neither policy declares it). A file bound to no input would be silently ignored,
and the input meant would have no file.

What to do: use a name of an `input` block of the policy; the message suggests the nearest.",
    },
    Code {
        id: "E0409",
        title: "an input bound twice",
        explanation: "\
Two `--data` arguments bind the same input. Only one file is read per input, and the program
will not pick one of the two for you.

What to do: keep one `--data` per input; to read several files, combine them into one ledger
first.",
    },
    Code {
        id: "E0410",
        title: "an input with no file",
        explanation: "\
Every input the policy declares must be bound to a ledger with `--data NAME=PATH`. Reading an
input as empty when its file was forgotten would pay too little without saying so.

What to do: add a `--data` for each input named in the message.",
    },
    Code {
        id: "E0411",
        title: "an unknown encoding",
        explanation: "\
`--encoding` names the character encoding of CSV ledgers. The encodings read are `utf-8` (the
default) and `gbk` (also called gb18030, gb2312 or cp936: what Excel writes when it saves CSV
on a Chinese Windows).

What to do: use one of these names, for all inputs (`--encoding gbk`) or one
(`--encoding sales=gbk`).",
    },
    Code {
        id: "E0412",
        title: "not a period",
        explanation: "\
A period argument (`--period`, `--from`, `--to`, `--months`) could not be read. Periods are
written as a month `2026-03`, a quarter `2026-Q1` or a year `2026`; `generate --months` also
takes a range `2026-01..2026-12`.

What to do: write the period in one of these forms.",
    },
    Code {
        id: "E0413",
        title: "a period where a month is needed",
        explanation: "\
A statement and a monthly report are for one month, so `explain --period` and
`report --period` (and `report --from`) take a month such as `2026-03`, not a quarter or a
year. A quarterly component is explained in its quarter's last month.

What to do: give the month.",
    },
    Code {
        id: "E0414",
        title: "a range that ends before it starts",
        explanation: "\
The first month of a range comes after its last (`--from 2026-06 --to 2026-01`, or a report
trend starting after the report's month). An empty range would produce no statements and
look like a run where nobody earned anything.

What to do: swap the two months, or correct the mistyped one.",
    },
    Code {
        id: "E0415",
        title: "a range given two ways, or half a range",
        explanation: "\
The months of a run are given either with `--period` (one month, quarter or year) or with
both `--from` and `--to`. Both at once, or only one end of the range, leave the months in
doubt.

What to do: give `--period`, or `--from` and `--to` together.",
    },
    Code {
        id: "E0416",
        title: "a payee that neither plan pays",
        explanation: "\
`diff --explain PAYEE` shows one payee's figures under both plans, but neither plan has a
statement for this payee in the months compared: the id is not in the ledgers (or rosters),
or is written differently.

What to do: check the id; the message suggests the nearest payee of the comparison.",
    },
    Code {
        id: "E0417",
        title: "an unknown component",
        explanation: "\
`commission curve POLICY COMPONENT` charts one component of the policy, named as in its
`component` line, and the policy has no component of that name.

What to do: use the component's name (not its label); the message suggests the nearest.",
    },
    Code {
        id: "E0418",
        title: "a `--base` that is not a range",
        explanation: "\
`commission curve --base` gives the range of the base to chart, written `FROM..TO` with two
numbers (`--base 0..500000`). This one could not be read as such.

What to do: write the range as two numbers joined by `..`.",
    },
    Code {
        id: "E0419",
        title: "a curve range and step that give no curve",
        explanation: "\
`commission curve` samples the base from FROM to TO every `--step`. The range must run
upwards with a positive step, and give at most 20,000 points: a curve is read by people, and
each point is one evaluation of the plan.

What to do: give FROM below TO and a positive `--step`; for a wide range use a larger step
(bracket bounds are always sampled, whatever the step).",
    },
    Code {
        id: "E0420",
        title: "an unknown grouping",
        explanation: "\
`budget --by` groups the payout by `component`, `month` or `payee`, by a roster column (role,
team), or by a column of the sales ledger that is neither its key, its date nor an amount
(business, segment, kind). The name given is none of these.

What to do: use one of the choices the message lists.",
    },
    Code {
        id: "E0421",
        title: "not a sales column",
        explanation: "\
`budget --sales INPUT.COLUMN` names the sales amount that costs are measured against. It must
be a `money` column of an input that has a payee and a date (or month) column, written with
its input's name (`sales.amount`).

What to do: name such a column; the message suggests the nearest.",
    },
    Code {
        id: "E0422",
        title: "not a number",
        explanation: "\
A numeric argument of `generate` (`--monthly-sales`, `--average-sale`, `--share`) could not
be read as a number. Numbers are written with digits, an optional decimal point, and `_` to
group digits if you like (`5_000_000`); `--share` may end with `%`.

What to do: write the number without currency signs or thousands commas.",
    },
    Code {
        id: "E0423",
        title: "an argument out of its range",
        explanation: "\
A numeric argument of `generate` is outside what it can mean: `--share` must be more than 0%
and at most 100%, `--managers`, `--monthly-sales` and `--average-sale` must be positive, and
`--spread` and `--wobble` (the sigmas of the draws) between 0 and 3.

What to do: give a value in that range.",
    },
    Code {
        id: "E0424",
        title: "an output that cannot be written",
        explanation: "\
An output file, an output folder or standard output could not be written (the folder does not
exist or is read-only, the disk is full). Files are written whole or not at all: a temporary
file beside the output is renamed over it at the end, so a failed run leaves any earlier file
as it was. (A pipe closed by its reader, as `| head` does, is not an error: the command stops
quietly with exit code 0.)

What to do: check that the folder exists and is writable, and that there is space.",
    },
    Code {
        id: "E0425",
        title: "an output path that is not a file",
        explanation: "\
`-o` (or `--output`) names something that is not a regular file: a folder, a device (such as
`/dev/sda`), a FIFO or a socket. commission writes outputs by writing a new file beside the
path and renaming it over the path at the end; doing that to a device or a pipe would replace
it with a plain file, so it is refused and nothing is written.

What to do: give the path of a file: a new one, or an existing file to replace. To print
the output, leave `-o` out (it goes to standard output).",
    },
    Code {
        id: "E0426",
        title: "an output that is one of the run's inputs",
        explanation: "\
`-o` names one of the files the run reads: the policy or a ledger, maybe under another name
(a symbolic link, a hard link, `./x.policy` for `x.policy`). Writing there would destroy the
input (`doc x.policy -o x.policy` would replace the policy with its document), so it is
refused and nothing is written. Only `fmt` and `test --accept` rewrite the policy they read,
which is their job.

What to do: write to another file.",
    },
    Code {
        id: "E0427",
        title: "an output behind too many symbolic links",
        explanation: "\
`-o` names a symbolic link, which commission follows so that the file it points to is the
one written (the link stays a link). After 40 links it gives up, as the operating system
does: the links most likely form a loop.

What to do: check where the links point, or name the file itself.",
    },
    Code {
        id: "E0428",
        title: "a report folder that is not a folder",
        explanation: "\
`commission report -o` names the folder the reports are written into, but the path holds
something else: a file, a device, a FIFO. Nothing is written over it.

What to do: give the path of a folder; it is created if it does not exist.",
    },
    Code {
        id: "E0430",
        title: "a project file that cannot be read",
        explanation: "\
The project file (`commission.toml`, or the file given with `--project`) could not be opened:
it does not exist at that path, or cannot be read. The message gives the reason the operating
system gave.
What to do: check the path given to `--project` (it is read from the folder the command runs
in), or leave `--project` out: the file is then looked for in the current folder and each
folder above it, up to the top of the git repository.",
    },
    Code {
        id: "E0431",
        title: "a project file that is not in the expected form",
        explanation: "\
The project file is TOML with an `[inputs]` table binding each input of the policies to a
ledger file and an optional `[range]` of months. This one is not TOML (a missing quote or
bracket), or has a key commission does not know (a typo such as `[input]` or `form`), or a
value of the wrong kind. The message names the line and column the TOML reader stopped at.
What to do: correct the file at that place. An example:
  [inputs]
  sales = \"sales.csv\"
  surveys = { path = \"surveys.csv\", encoding = \"gbk\" }
  [range]
  from = \"2026-01\"
  to = \"2026-06\"",
    },
    Code {
        id: "E0432",
        title: "an input in the project file that names no file",
        explanation: "\
Each entry of the project file's `[inputs]` binds an input to a ledger: either a path in
quotes, or a table with a `path` and an optional `encoding` (and nothing else). This entry
is neither, for instance a number, a table without `path`, or a table with an unknown key.
What to do: write the path in quotes (`sales = \"sales.csv\"`), or
`sales = { path = \"sales.csv\", encoding = \"gbk\" }`. Paths are read from the project
file's own folder.",
    },
    Code {
        id: "E0433",
        title: "an unknown encoding in the project file",
        explanation: "\
An input of the project file names the character encoding of its CSV ledger, and it is not
one that is read. The encodings read are `utf-8` (the default) and `gbk` (also called
gb18030, gb2312 or cp936: what Excel writes when it saves CSV on a Chinese Windows).
What to do: use one of these names, or leave `encoding` out for UTF-8.",
    },
    Code {
        id: "E0434",
        title: "a project range that is not a range of months",
        explanation: "\
The project file's `[range]` gives the months commands cover when no `--period` or
`--from`/`--to` is given: either `from` and `to` (months such as `2026-01`, in quotes), or
`period` (a month, a quarter `2026-Q1` or a year `2026`, in quotes). This one is not a
period, gives only one end, gives both forms at once, or ends before it starts.
What to do: correct the `[range]`; flags on the command line still override it.",
    },
    Code {
        id: "E0435",
        title: "two inputs from standard input",
        explanation: "\
`--data NAME=-` reads an input's CSV ledger from standard input (a pipe, or `< file`). There is
one standard input and it can be read once, so two inputs cannot both be `-`.
What to do: pipe one ledger and give the others as files.",
    },
    Code {
        id: "E0436",
        title: "standard input that cannot be read",
        explanation: "\
An input was bound to standard input with `--data NAME=-`, and reading it failed (the pipe
broke, or standard input is closed). The message gives the reason the operating system gave.
What to do: check the command that feeds the pipe, or give the ledger as a file.",
    },
    Code {
        id: "E0437",
        title: "a manual page for an unknown command",
        explanation: "\
`commission man COMMAND` writes the manual page of one command (`commission man run`), and
there is no command of that name.
What to do: use a command `commission --help` lists; the message suggests the nearest.
Without a command, `commission man` writes the page of commission itself.",
    },
    Code {
        id: "E0438",
        title: "a report without its month",
        explanation: "\
`commission report` writes the performance report of one month. The month is given with
`--period 2026-03`; without it, the last month of the project file's `[range]` is reported,
and here there is neither a `--period` nor a project file with a range.
What to do: add `--period` with the month, or a `[range]` to `commission.toml`.",
    },
    Code {
        id: "E0439",
        title: "several files to standard output",
        explanation: "\
`-o -` writes a command's output to standard output, which holds one stream. `report` writes a
page per payee and a team page, and `generate` several ledgers, into the folder `-o` names:
these cannot all go to standard output.
What to do: give a folder; for `report`, `--one-file` makes one page of the whole report, and
that one can go to standard output (`report ... --one-file -o -`).",
    },
    Code {
        id: "E0450",
        title: "an Excel workbook asked for without a file",
        explanation: "\
`--format xlsx` writes a workbook, which is a zip archive: printed onto a terminal it would be
unreadable bytes that can upset the terminal, so it is written only to a file named with
`-o` (`--output`).

What to do: add `-o statements.xlsx` (any path ending where you want the workbook).",
    },
    Code {
        id: "E0451",
        title: "a workbook larger than Excel opens",
        explanation: "\
Excel opens at most 1,048,576 rows and 16,384 columns in a sheet and 32,767 characters in a
cell. The statements (or another sheet of the workbook) would not fit, and a workbook that
Excel cuts short would lose statements without saying so; nothing is written.

What to do: run a shorter range (`--from`/`--to`), or write `--format csv`, which has no
such limit.",
    },
];
