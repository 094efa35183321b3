//! Warnings (`C0001`...): plans that check but are probably not what was meant. They never
//! fail a command; each can be silenced for one declaration by `# allow(C0001): reason`.
//!
//! [`LintKind`] gives every warning's words: the lints of `lint/` (one file per lint, run on
//! the checked plan) and the rate above 100% that the checker finds itself (C0006, in
//! `check/tiers.rs` and `check/declarations.rs`). [`CODES`] explains each code for
//! `commission explain-code`; `lint/allow.rs` reads it to know which codes an attribute may
//! name.

use super::code::{Code, Described, Kind};

/// A warning about a checked plan. Labels are given for the spans the caller passes, in
/// order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LintKind {
    /// C0001. The figures are formatted as shown (`99,999.99`): `pay_below` is paid at
    /// `below`, one step under the bound `at`, where `pay_at` is paid; `jump` is the
    /// difference without its sign, `rises` says whether the payout jumps or drops; `step` is
    /// the base's smallest step and `base` the tier's base as written. Span: the bracket.
    Cliff {
        component: String,
        pay_below: String,
        below: String,
        pay_at: String,
        at: String,
        jump: String,
        rises: bool,
        currency: String,
        step: String,
        base: String,
    },
    /// C0002. Span: the `let`.
    UnusedLet { name: String, component: String },
    /// C0003. Span: the input.
    UnusedInput { input: String },
    /// C0003. Span: the column.
    UnusedColumn { column: String, input: String },
    /// C0004. `condition`: the condition as written. Span: the condition.
    AlwaysTrue { condition: String },
    /// C0004. Span: the condition.
    NeverTrue { condition: String, component: String },
    /// C0005. Spans: the row never used, then the earlier row that matches it first.
    ShadowedRow { table: String },
    /// C0006, found by the checker in a `tiers` bracket (`check/tiers.rs`). Span: the rate.
    BracketRateAbove100,
    /// C0006, found by the checker in a rate table's value (`check/declarations.rs`). Span:
    /// the value.
    TableRateAbove100,
    /// C0007. Span: the component's `pay` expression.
    NegativePay { component: String },
    /// C0008: `# allow(X)` with a code that is not a warning's. Span: the comment.
    UnknownAllowCode { code: String },
    /// C0008. Span: the comment.
    AllowWithoutReason { code: &'static str },
    /// C0008: no declaration holds the attribute or follows it. Span: the comment.
    AllowCoversNothing { code: &'static str },
    /// C0009, found by the checker: a name that mixes Latin letters with letters of another
    /// script that look like Latin ones (`rаte`, Cyrillic `а`). `name` as written, `chars` the
    /// look-alike characters. Span: the name's first use.
    MixedScriptName { name: String, chars: Vec<char> },
}

impl Kind for LintKind {
    fn describe(&self) -> Described {
        use LintKind::*;
        match self {
            Cliff { component, pay_below, below, pay_at, at, jump, rises, currency, step, base } => {
                let (verb, noun) = if *rises { ("jumps", "jump") } else { ("drops", "drop") };
                Described::new(
                    "C0001",
                    format!(
                        "cliff in `{component}`: it pays {pay_below} at {below} but {pay_at} at {at}, a {noun} of {jump} {currency} for {step} more"
                    ),
                )
                .label(format!("the payout {verb} here when `{base}` reaches {at}"))
                .help("whole-amount brackets pay all of the base at the reached rate; `tiers marginal` has no cliffs; if the plan means it, write `# allow(C0001): <reason>` above the component")
            }
            UnusedLet { name, component } => Described::new("C0002", format!("`{name}` is never used"))
                .label("defined here, read nowhere")
                .help(format!("use it in a later line of `{component}`, or remove it")),
            UnusedInput { input } => Described::new("C0003", format!("input `{input}` is never read"))
                .label("declared here")
                .help("aggregate it in a component, read a value from it, or remove it and its `--data`"),
            UnusedColumn { column, input } => {
                Described::new("C0003", format!("column `{column}` of `{input}` is never read"))
                    .label("declared, read nowhere")
                    .help(format!("if the plan does not pay on this column, remove it and write `input {input} ignoring other columns {{`, or say why it stays above the input: `# allow(C0003): <reason>`"))
            }
            AlwaysTrue { condition } => Described::new("C0004", format!("`when {condition}` is always true"))
                .label("decided by its types alone")
                .help("it never stops the component paying; remove it, or compare with the figure you meant"),
            NeverTrue { condition, component } => {
                Described::new("C0004", format!("`when {condition}` is never true, so `{component}` never pays"))
                    .label("decided by its types alone")
                    .help("compare with the figure you meant, or remove the component")
            }
            ShadowedRow { table } => Described::new("C0005", format!("a row of `{table}` can never be used"))
                .label("never used")
                .label("this earlier row matches it first")
                .help("rows are tried top to bottom; move the more specific row up, or remove this one"),
            BracketRateAbove100 => Described::new("C0006", "rate above 100%")
                .label("more than the whole amount")
                .help("check the rate; a rate over 100% pays more than the base itself"),
            TableRateAbove100 => Described::new("C0006", "rate above 100%")
                .label("more than the whole amount")
                .help("check the rate; a rate over 100% pays more than the sale itself"),
            NegativePay { component } => Described::new("C0007", format!("`{component}` can pay a negative amount"))
                .label("can be below zero")
                .help("ledger amounts can be negative (refunds); add `floor 0` if the component should never take money back, or `# allow(C0007): <reason>` above it if netting is the plan"),
            UnknownAllowCode { code } => Described::new("C0008", format!("unknown warning code `{code}`"))
                .label("not a code")
                .help("`commission explain-code` lists the codes"),
            AllowWithoutReason { code } => Described::new("C0008", format!("`allow({code})` without a reason"))
                .label("no reason")
                .help(format!("say why, after a colon: `# allow({code}): the plan means it`")),
            AllowCoversNothing { code } => Described::new("C0008", format!("`allow({code})` covers nothing"))
                .label("nothing below")
                .help("put the attribute just above the component, input or table it is about"),
            MixedScriptName { name, chars } => {
                let code = |c: &char| format!("\\u{{{:x}}}", u32::from(*c));
                let shown: String = name.chars().map(|c| if c.is_ascii() { c.to_string() } else { code(&c) }).collect();
                let list: Vec<String> = chars.iter().map(code).collect();
                Described::new("C0009", format!("the name `{shown}` mixes Latin letters with look-alikes from another script"))
                    .label(format!("{} look{} like Latin", list.join(", "), if list.len() == 1 { "s" } else { "" }))
                    .help("retype the name with Latin letters only, unless the mixture is meant")
            }
        }
    }
}

pub const CODES: &[Code] = &[
    Code {
        id: "C0001",
        title: "cliff in a tier table",
        explanation: "\
The payout jumps (or drops) by more than 1.00 in the policy's currency when the tier's base
crosses a bracket bound by the smallest step (one fen of money, one item of a count).

With whole-amount brackets (`tiers flat`) the whole base is paid at the reached bracket's
rate, so crossing a bound changes the pay of every yuan below it. The seed plan pays
3,000.00 at 99,999.99 and 5,000.00 at 100,000.00: one more fen of sales earns 2,000.00, and a
salesperson just below the bound gains by moving a sale between months.

What is judged is what the component pays (with its cap, floor and rounding), not the table
alone: a flat rate less a quick deduction written as two tables on one base
(`gross - quick_deduction`) is continuous and is not warned about. When the payout needs more
than the base (another aggregate, a lookup), the table is judged by itself.

What to do: if the plan means it, say so with an attribute above the component, with the
reason: `# allow(C0001): the operator pays whole-amount brackets`. Otherwise use
`tiers marginal` (each slice at its own rate: no cliffs), or smooth the bracket.",
    },
    Code {
        id: "C0002",
        title: "unused `let`",
        explanation: "\
A `let` whose value no later line of its component reads. It is computed for nothing, and
it often means a name was mistyped or a line was forgotten.

What to do: use it, or remove it.",
    },
    Code {
        id: "C0003",
        title: "unused input or column",
        explanation: "\
An input that no component reads, or a declared ledger column that nothing reads (columns
marked `key`, `payee` or `period` are read by the engine; roster columns appear in every
output, so they count as read).

Every column of a ledger file must be declared, so a plan often declares columns it does not
pay on. When that is the case, say so above the input:
`# allow(C0003): the export carries these columns; this plan does not pay on them`.
Otherwise it may mean a condition or a rate table was forgotten.",
    },
    Code {
        id: "C0004",
        title: "condition always or never true",
        explanation: "\
A `when` condition whose value follows from its types alone: `count(sales) >= 0` always holds
(a count is never negative), `abs(x) < 0` never does, `kind in [...]` listing every value the
column can take always holds. A gate that always holds can be removed; one that never holds
makes the component pay nothing, ever.

What to do: compare with the figure you meant, or remove the condition.",
    },
    Code {
        id: "C0005",
        title: "rate-table row shadowed",
        explanation: "\
Rows of a rate table are tried top to bottom and the first match wins. A row whose every key
is matched by an earlier row (equal keys, or `_` in the earlier row) can never be used.

What to do: move the more specific row above the general one, or remove it.",
    },
    Code {
        id: "C0006",
        title: "rate above 100%",
        explanation: "\
A tier bracket or a rate-table row pays more than 100% of its base. It is almost always a
typo (`800%` for `8%`, or `5` for `5%` in a percent table).

What to do: correct the rate; if it is meant, allow it above the component with a reason.",
    },
    Code {
        id: "C0007",
        title: "component can pay a negative amount",
        explanation: "\
A component whose amount can be below zero: ledger amounts can be negative (refunds), a
subtraction can go below zero, a fixed bracket or a table value can be negative. A negative
component takes money back from the payee's statement.

What to do: if a component should never take money back, add `floor 0`. If netting refunds
is the plan (a clawback), say so: `# allow(C0007): refunds are netted in the month`.",
    },
    Code {
        id: "C0008",
        title: "`allow` attribute without a reason or with an unknown code",
        explanation: "\
An attribute `# allow(C0001): reason` silences one warning for the declaration below it (a
component, an input or a table). It needs a known code and a reason after the colon, so that
a reviewer knows why the warning does not apply. An attribute without one is ignored.",
    },
    Code {
        id: "C0009",
        title: "a name mixing Latin with look-alike letters of another script",
        explanation: "\
A name mixes Latin letters with letters of another script that look like Latin ones: `rаte`
with a Cyrillic `а`. The plan computes the same with it, as long as every use is spelt the
same way; but a reader cannot see the difference, a search for `rate` does not find it, and a
ledger column typed on a Latin keyboard will not match it. A name written in one script
(`销售额`, `сумма`) or mixing Chinese with Latin (`销售_amount`) is not warned about: only
letters that Unicode lists as confusable across scripts are.

This is a warning, as in Rust's compiler (its `mixed_script_confusables` lint): a single name
misleads no computation. Two different names that look alike are an error, E0160.

What to do: retype the name with Latin letters only. If the mixture is meant, say why above
the declaration: `# allow(C0009): ...`.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// `check/tiers.rs` and `check/declarations.rs` still write C0006 themselves, in these
    /// words; the variants they will raise say the same.
    #[test]
    fn the_rate_above_100_variants_say_what_the_checker_says() {
        for (kind, whole) in [(LintKind::BracketRateAbove100, "base"), (LintKind::TableRateAbove100, "sale")] {
            let d = kind.describe();
            assert_eq!((d.code, d.message.as_str()), ("C0006", "rate above 100%"));
            assert_eq!(d.labels, ["more than the whole amount"]);
            assert_eq!(d.help, Some(format!("check the rate; a rate over 100% pays more than the {whole} itself")));
        }
    }
}
