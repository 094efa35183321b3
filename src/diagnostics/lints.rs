//! Warnings (`C0001`...): what each lint code means, for `commission explain-code`.

use super::Code;

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
];
