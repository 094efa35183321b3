//! What two plans read together compute alike (`diff` of two versions of a plan): a component
//! or a metric of the later plan that is, expression for expression, one of the earlier
//! plan's, over the same inputs, files, payees and aggregates, gives the same figure for every
//! payee and month, and is taken from the earlier plan's statement instead of computed again.
//! A version that changes one component of three computes one.
//!
//! Only what a figure reads of the ledgers (aggregates, lookups, tables, the payee and the
//! period) is compared: a component that reads the statement so far, another component's
//! amount or earlier statements is always computed (those depend on the plan's other
//! components). The plans' folds are not touched: each plan's rows are still read, checked and
//! folded as its own, so a ledger one plan refuses is refused as before.

use crate::data::InputFile;
use crate::plan::{Aggregate, Column, Component, Expr, InputSchema, Node, Plan, Table};

/// For the later plan's components and metrics, the earlier plan's that computes the same
/// figure (its place), if one does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reuse {
    pub components: Vec<Option<usize>>,
    pub metrics: Vec<Option<usize>>,
}

impl Reuse {
    /// Whether anything is taken from the earlier plan.
    pub fn any(&self) -> bool {
        self.components.iter().chain(&self.metrics).any(Option::is_some)
    }
}

/// What `later` (bound to `later_files`) can take from `earlier`'s statements; `None` when
/// the plans do not read their ledgers alike (other inputs, files, payees or credits), or
/// nothing is alike.
pub fn alike(earlier: &Plan, earlier_files: &[InputFile], later: &Plan, later_files: &[InputFile]) -> Option<Reuse> {
    if !read_alike(earlier, earlier_files, later, later_files) || earlier.reads_reports() || later.reads_reports() {
        return None;
    }
    let same = |a: &Expr, b: &Expr| a.same_with(b, &|x, y| same_outside(earlier, x, later, y));
    let same_opt = |a: &Option<Expr>, b: &Option<Expr>| match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (None, None) => true,
        _ => false,
    };
    let same_component = |a: &Component, b: &Component| {
        !a.limits_statement
            && !b.limits_statement
            && a.cadence == b.cadence
            && a.rounding == b.rounding
            && a.lets.len() == b.lets.len()
            && a.lets.iter().zip(&b.lets).all(|(x, y)| same(&x.value, &y.value))
            && a.gates.len() == b.gates.len()
            && a.gates.iter().zip(&b.gates).all(|(x, y)| same(x, y))
            && same(&a.pay, &b.pay)
            && same_opt(&a.cap, &b.cap)
            && same_opt(&a.floor, &b.floor)
    };
    let reuse = Reuse {
        components: later
            .components
            .iter()
            .map(|b| earlier.components.iter().position(|a| same_component(a, b)))
            .collect(),
        metrics: later
            .metrics
            .iter()
            .map(|b| earlier.metrics.iter().position(|a| a.cadence == b.cadence && same(&a.value, &b.value)))
            .collect(),
    };
    reuse.any().then_some(reuse)
}

/// Whether two plans read their ledgers alike: the same inputs declared alike, bound to the
/// same files, the same payees and credits, the same currency.
fn read_alike(earlier: &Plan, earlier_files: &[InputFile], later: &Plan, later_files: &[InputFile]) -> bool {
    let inputs_alike = earlier.inputs.len() == later.inputs.len()
        && earlier.inputs.iter().zip(&later.inputs).all(|(a, b)| same_input(a, b));
    // Each input bound to the same rows in both (one file each, in the same order).
    let files_alike = (0..earlier.inputs.len()).all(|i| {
        let a: Vec<&InputFile> = earlier_files.iter().filter(|f| f.input == i).collect();
        let b: Vec<&InputFile> = later_files.iter().filter(|f| f.input == i).collect();
        a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.source.same_as(&y.source))
    });
    inputs_alike
        && files_alike
        && earlier.payee == later.payee
        && earlier.credit == later.credit
        && earlier.currency == later.currency
}

/// Whether `later`'s fold of its ledgers is `earlier`'s, bucket for bucket (given the same
/// buckets needed): they read their ledgers alike, fold the same aggregates in the same
/// order, look up the same rows and keep the same roster columns of their payees. Then one
/// fold serves both (`eval::passes`).
pub fn same_fold(earlier: &Plan, earlier_files: &[InputFile], later: &Plan, later_files: &[InputFile]) -> bool {
    read_alike(earlier, earlier_files, later, later_files)
        && earlier.aggregates.len() == later.aggregates.len()
        && earlier.aggregates.iter().zip(&later.aggregates).all(|(a, b)| same_aggregate(earlier, a, later, b))
        && earlier.lookups == later.lookups
        && crate::eval::aggregate::roster_text(earlier) == crate::eval::aggregate::roster_text(later)
}

/// Whether what `a` (of `earlier`) and `b` (of `later`) name outside their expressions is the
/// same: aggregates alike, the same lookup, tables alike. Figures that depend on the plan's
/// other components (the statement so far, a component's amount, earlier statements) never
/// are.
fn same_outside(earlier: &Plan, a: &Node, later: &Plan, b: &Node) -> bool {
    match (a, b) {
        (Node::Aggregate(i), Node::Aggregate(j)) => match (earlier.aggregates.get(*i), later.aggregates.get(*j)) {
            (Some(x), Some(y)) => same_aggregate(earlier, x, later, y),
            _ => false,
        },
        (Node::Lookup(i), Node::Lookup(j)) => {
            matches!((earlier.lookups.get(*i), later.lookups.get(*j)), (Some(x), Some(y)) if x == y)
        }
        (Node::Table(i, _), Node::Table(j, _)) => match (earlier.tables.get(*i), later.tables.get(*j)) {
            (Some(x), Some(y)) => same_table(x, y),
            _ => false,
        },
        _ => false,
    }
}

fn same_aggregate(earlier: &Plan, a: &Aggregate, later: &Plan, b: &Aggregate) -> bool {
    let same = |x: &Expr, y: &Expr| x.same_with(y, &|p, q| same_outside(earlier, p, later, q));
    let same_opt = |x: &Option<Expr>, y: &Option<Expr>| match (x, y) {
        (Some(x), Some(y)) => same(x, y),
        (None, None) => true,
        _ => false,
    };
    a.input == b.input
        && a.func == b.func
        && a.ty == b.ty
        && a.reports == b.reports
        && same_opt(&a.arg, &b.arg)
        && same_opt(&a.filter, &b.filter)
}

fn same_table(a: &Table, b: &Table) -> bool {
    a.params == b.params
        && a.ty == b.ty
        && a.otherwise.as_ref().map(|(v, _)| v) == b.otherwise.as_ref().map(|(v, _)| v)
        && a.rows.len() == b.rows.len()
        && a.rows.iter().zip(&b.rows).all(|(x, y)| x.keys == y.keys && x.value == y.value)
}

/// Whether an input is declared alike in both plans: its rows read, checked and folded the
/// same way (names, types, allowed values, bounds, references, marks).
fn same_input(a: &InputSchema, b: &InputSchema) -> bool {
    let same_column = |x: &Column, y: &Column| {
        x.name == y.name
            && x.ty == y.ty
            && x.values == y.values
            && x.at_least == y.at_least
            && x.refers_to == y.refers_to
            && x.within == y.within
    };
    a.name == b.name
        && a.same_shape(b)
        && a.start == b.start
        && a.end == b.end
        && a.columns.len() == b.columns.len()
        && a.columns.iter().zip(&b.columns).all(|(x, y)| same_column(x, y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    const HEAD: &str = r#"policy "p" version "1" currency CNY
rounding half_up 0.01
input sales {
  key    id:       text
  period date:     date
  payee  manager:  text
         kind:     text in ["new", "renewal"]
         amount:   money
}
payee sales.manager
table rate(kind) {
  "new" -> 3%
  else  -> 5%
}
"#;

    /// The plan of `HEAD`, edited by `edit`, followed by `body`.
    fn plan(edit: impl Fn(&str) -> String, body: &str) -> Plan {
        let text = format!("{}{body}", edit(HEAD));
        crate::check::compile(SourceFile::new("p.policy", text.as_str())).unwrap().plan
    }

    fn files() -> Vec<InputFile> {
        vec![InputFile::new(0, "sales.csv")]
    }

    const BODY: &str = r#"metric sales "s" monthly = sum(sales.amount)
metric renewal_sales "r" monthly = sum(sales.amount where kind = "renewal")
component flat "f" monthly {
  pay 3% * sum(sales.amount)
}
component by_kind "k" monthly {
  pay sum(sales.amount * rate(kind))
}
component renewals "r" monthly {
  let base = sum(sales.amount where kind = "renewal")
  pay 5% * base
}
"#;

    fn same(s: &str) -> String {
        s.to_string()
    }

    #[test]
    fn the_same_plan_takes_every_figure() {
        let (a, b) = (plan(same, BODY), plan(same, BODY));
        let reuse = alike(&a, &files(), &b, &files()).unwrap();
        assert_eq!(reuse.components, vec![Some(0), Some(1), Some(2)]);
        assert_eq!(reuse.metrics, vec![Some(0), Some(1)]);
    }

    #[test]
    fn figures_are_found_by_what_they_compute_not_by_name_or_place() {
        let a = plan(same, BODY);
        // Reordered and renamed, spaced otherwise, one rate changed.
        let b = plan(
            same,
            r#"metric renewals_again "r" monthly = sum(sales.amount where kind = "renewal")
component renewals_renamed "r" monthly {
  let b = sum(sales.amount   where kind = "renewal")
  pay 5% * b
}
component flat "f" monthly {
  pay 4% * sum(sales.amount)
}
"#,
        );
        let reuse = alike(&a, &files(), &b, &files()).unwrap();
        assert_eq!(reuse.components, vec![Some(2), None]);
        assert_eq!(reuse.metrics, vec![Some(1)]);
    }

    #[test]
    fn a_figure_over_other_rows_or_another_table_is_computed() {
        let a = plan(same, BODY);
        // The renewals' aggregate filters otherwise: the component and the metric reading it
        // are not the first plan's, though their text around it is.
        let b = plan(same, &BODY.replace(r#"kind = "renewal""#, r#"kind = "new""#));
        let reuse = alike(&a, &files(), &b, &files()).unwrap();
        assert_eq!(reuse.components, vec![Some(0), Some(1), None]);
        assert_eq!(reuse.metrics, vec![Some(0), None]);
        // The table a component's aggregate reads has another rate: that component only.
        let b = plan(|h| h.replace(r#""new" -> 3%"#, r#""new" -> 4%"#), BODY);
        let reuse = alike(&a, &files(), &b, &files()).unwrap();
        assert_eq!(reuse.components, vec![Some(0), None, Some(2)]);
        assert_eq!(reuse.metrics, vec![Some(0), Some(1)]);
    }

    #[test]
    fn plans_that_read_their_ledgers_otherwise_take_nothing() {
        let a = plan(same, BODY);
        // Another file for the same input.
        assert_eq!(alike(&a, &files(), &a, &[InputFile::new(0, "other.csv")]), None);
        // An input declared otherwise (a bound on the amount refuses rows the other reads).
        let b = plan(|h| h.replace("amount:   money", "amount:   money >= 0"), BODY);
        assert_eq!(alike(&a, &files(), &b, &files()), None);
    }

    #[test]
    fn plans_that_fold_the_same_aggregates_share_one_fold() {
        let a = plan(same, BODY);
        // Other rates, the same aggregates in the same order: one fold serves both.
        let b = plan(same, &BODY.replace("pay 3% * sum(sales.amount)", "pay 4% * sum(sales.amount)"));
        assert!(same_fold(&a, &files(), &b, &files()));
        // An aggregate more, or one filtered otherwise, or another file: a fold each.
        let more = plan(same, &format!("{BODY}metric count \"c\" monthly = count(sales)\n"));
        assert!(!same_fold(&a, &files(), &more, &files()));
        let other = plan(same, &BODY.replace(r#"kind = "renewal""#, r#"kind = "new""#));
        assert!(!same_fold(&a, &files(), &other, &files()));
        assert!(!same_fold(&a, &files(), &a, &[InputFile::new(0, "other.csv")]));
    }

    #[test]
    fn figures_that_read_the_statement_are_always_computed() {
        let body = r#"component flat "f" monthly {
  pay 3% * sum(sales.amount)
}
component top_up "t" monthly {
  pay 2% * flat
}
component on_the_rest "r" monthly {
  pay 1% * subtotal
}
"#;
        let (a, b) = (plan(same, body), plan(same, body));
        let reuse = alike(&a, &files(), &b, &files()).unwrap();
        assert_eq!(reuse.components, vec![Some(0), None, None]);
    }
}
