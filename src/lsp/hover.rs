//! What a name is, in words: its sort, its type and unit, and where it matters its label,
//! cadence and allowed values. Column types are read from the policy as written; the types
//! of `let`s, components, metrics and tables come from the checked plan, so they are shown
//! once the policy checks.

use super::symbols::{Symbols, Target};
use crate::plan::{Plan, Ty};
use crate::syntax::ast;

/// Markdown for the declaration `target` stands for.
pub fn describe(symbols: &Symbols<'_>, plan: Option<&Plan>, currency: &str, target: Target) -> Option<String> {
    let unit = |ty: Option<Ty>| match ty {
        Some(Ty::Money) => format!("money ({currency})"),
        Some(ty) => ty.name().to_string(),
        None => "(known once the policy checks)".to_string(),
    };
    let label = |l: &Option<ast::Spanned<String>>| l.as_ref().map_or(String::new(), |l| format!(" \"{}\"", l.value));
    Some(match target {
        Target::Input(i) => {
            let input = symbols.inputs.get(i)?;
            let mut out = format!("**input** `{}`: {} columns\n", input.name.name, input.columns.len());
            for column in &input.columns {
                out.push_str(&format!("\n- `{}`: {}", column.name.name, column_type(column, currency)));
            }
            out
        }
        Target::Column(i, c) => {
            let input = symbols.inputs.get(i)?;
            let column = input.columns.get(c)?;
            let roles: Vec<&str> = column.roles.iter().map(|r| r.value.word()).collect();
            let mut out =
                format!("**column** `{}.{}`: {}", input.name.name, column.name.name, column_type(column, currency));
            if !roles.is_empty() {
                out.push_str(&format!("\n\nthe input's {}", roles.join(", ")));
            }
            if let Some(values) = &column.values {
                let shown: Vec<String> = values.iter().map(|v| format!("\"{}\"", v.value)).collect();
                out.push_str(&format!("\n\none of {}", shown.join(", ")));
            }
            if let Some(least) = &column.at_least {
                out.push_str(&format!("\n\nat least {}", least.value));
            }
            out
        }
        Target::Let(c, l) => {
            let component = symbols.components.get(c)?;
            let name = symbols.declaration(target)?;
            let ty = plan
                .and_then(|p| p.components.iter().find(|k| k.name == component.name.name))
                .and_then(|k| {
                    k.lets
                        .get(l)
                        .filter(|x| x.name == name.name)
                        .or_else(|| k.lets.iter().find(|x| x.name == name.name))
                })
                .map(|x| x.value.ty);
            format!("**let** `{}` in `{}`: {}", name.name, component.name.name, unit(ty))
        }
        Target::Component(c) => {
            let component = symbols.components.get(c)?;
            let ty = plan.and_then(|p| p.components.iter().find(|k| k.name == component.name.name)).map(|k| k.pay.ty);
            format!(
                "**component** `{}`{}, {}: pays {}",
                component.name.name,
                label(&component.label),
                cadence(component.cadence.value),
                unit(ty)
            )
        }
        Target::Metric(m) => {
            let metric = symbols.metrics.get(m)?;
            let ty = plan.and_then(|p| p.metrics.iter().find(|k| k.name == metric.name.name)).map(|k| k.value.ty);
            format!(
                "**metric** `{}`{}, {}: {}",
                metric.name.name,
                label(&metric.label),
                cadence(metric.cadence.value),
                unit(ty)
            )
        }
        Target::Table(t) => {
            let table = symbols.tables.get(t)?;
            let ty = plan.and_then(|p| p.tables.iter().find(|k| k.name == table.name.name)).map(|k| k.ty);
            let params: Vec<&str> = table.params.iter().map(|p| p.name.as_str()).collect();
            format!(
                "**table** `{}({})`: {}, {} rows{}",
                table.name.name,
                params.join(", "),
                unit(ty),
                table.rows.len(),
                if table.otherwise.is_some() { " and `else`" } else { "" }
            )
        }
    })
}

/// A column's type as declared, with the currency for money.
fn column_type(column: &ast::ColumnDecl, currency: &str) -> String {
    match column.ty.name.as_str() {
        "money" => format!("money ({currency})"),
        other => other.to_string(),
    }
}

fn cadence(c: crate::lang::Cadence) -> &'static str {
    match c {
        crate::lang::Cadence::Monthly => "monthly",
        crate::lang::Cadence::Quarterly => "quarterly",
        crate::lang::Cadence::Yearly => "yearly",
    }
}
