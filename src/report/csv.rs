//! CSV output: one row per statement, the components as columns.

use crate::eval::RunResult;
use crate::money::format_plain;
use crate::plan::Plan;

pub fn render(plan: &Plan, result: &RunResult) -> String {
    let scale = plan.rounding.scale();
    let attrs = plan.payee_columns();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = vec!["payee".into()];
    header.extend(attrs.iter().map(|(_, n)| n.clone()));
    header.push("period".into());
    header.extend(plan.components.iter().map(|c| c.name.clone()));
    header.push("total".into());
    // Writing to a Vec cannot fail; errors would only come from the underlying writer.
    let _ = writer.write_record(&header);
    for s in &result.statements {
        let mut record: Vec<String> = vec![s.payee.to_string()];
        record.extend(attrs.iter().map(|(i, _)| s.attrs.get(*i).map(crate::value::Value::plain).unwrap_or_default()));
        record.push(s.period.to_string());
        record.extend(s.amounts.iter().map(|a| format_plain(*a, scale)));
        record.push(format_plain(s.total, scale));
        let _ = writer.write_record(&record);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
