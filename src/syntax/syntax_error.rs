//! A pest error in our words: the word where parsing stopped, what the grammar expected
//! there (every rule named as a user would say it, a dozen operators said as "an operator"),
//! and which construct's form the help line explains. The words themselves are
//! [`SyntaxKind::Unexpected`]'s.

use super::parse::Rule;
use crate::diagnostics::syntax::{SyntaxHint, SyntaxKind};
use crate::diagnostics::Problem;
use crate::source::Span;

/// A pest error as a problem: where, what was found, what was expected (in words), and a
/// hint for the constructs whose form is worth explaining.
pub fn problem(source: &str, error: &pest::error::Error<Rule>) -> Problem {
    let (start, end) = match error.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((s, e)) => (s, e),
    };
    if let Some((kind, span)) = natural_mistake(source, start) {
        return Problem::new(kind, [span]);
    }
    // `cap 20_000` among the declarations: a cap on the whole statement, written as a
    // component's.
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &error.variant {
        let word: String = source.get(start..).unwrap_or("").chars().take_while(|c| c.is_alphanumeric()).collect();
        let top_level = positives.contains(&Rule::statement_limit) || positives.contains(&Rule::statement_kw);
        if top_level && (word == "cap" || word == "floor") {
            let span = Span::new(start, start + word.len());
            return Problem::new(SyntaxKind::LimitOutsideComponent { word }, [span]);
        }
    }
    let found = found_at(source, start);
    let end = if end > start { end } else { start + found.len().max(1).min(source.len().saturating_sub(start)) };
    let span = Span::new(start, end.max(start));
    let (expected, hint) = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => (expected_words(positives), hint(positives)),
        pest::error::ErrorVariant::CustomError { message } => (message.clone(), None),
    };
    Problem::new(SyntaxKind::Unexpected { found, expected, hint }, [span])
}

/// Where pest stopped at one of the mistakes people make most (a thousands comma, `&&`, `4%
/// of`, `4 %`, `500 元`): that mistake's own kind, with the span to point at.
fn natural_mistake(source: &str, at: usize) -> Option<(SyntaxKind, Span)> {
    let rest = source.get(at..)?;
    let before = source.get(..at)?;
    let before_trimmed = before.trim_end_matches([' ', '\t', '\u{3000}']);
    let next = rest.chars().next()?;
    // `20,000`: the number before the comma, and three digits right after it.
    if next == ',' {
        let digits_after = rest.get(1..).unwrap_or("").chars().take_while(char::is_ascii_digit).count();
        if before.ends_with(|c: char| c.is_ascii_digit()) && digits_after == 3 {
            let (start, end) = grouped_number(source, at);
            let text = source.get(start..end).unwrap_or("").to_string();
            return Some((SyntaxKind::ThousandsComma { text }, Span::new(start, end)));
        }
    }
    for (written, word) in [("&&", "and"), ("||", "or"), ("&", "and"), ("|", "or")] {
        if rest.starts_with(written) {
            let kind = SyntaxKind::SymbolForWord { written: written.to_string(), word };
            return Some((kind, Span::new(at, at + written.len())));
        }
    }
    // `4% of x`: pest stops at `of`, after a percentage.
    let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    if word == "of" && before_trimmed.ends_with('%') {
        let start = before_trimmed.rfind(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_' || c == '%'));
        let start = start.map_or(0, |i| i + 1);
        let rate = source.get(start..before_trimmed.len()).unwrap_or("").to_string();
        return Some((SyntaxKind::PercentOf { rate }, Span::new(at, at + 2)));
    }
    // `4 %`: a number, spaces, then the percent sign.
    if next == '%' && before_trimmed.len() < before.len() && before_trimmed.ends_with(|c: char| c.is_ascii_digit()) {
        let start = before_trimmed.rfind(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_')).map_or(0, |i| i + 1);
        let number = source.get(start..before_trimmed.len()).unwrap_or("").to_string();
        return Some((SyntaxKind::SpaceBeforePercent { number }, Span::new(start, at + 1)));
    }
    // `500 元`, `¥500`, `500元`: a currency's sign or word where the language has none.
    const SIGNS: [&str; 8] = ["元", "块", "圆", "¥", "￥", "$", "€", "£"];
    if let Some(sign) = SIGNS.iter().find(|s| rest.starts_with(**s)) {
        let kind = SyntaxKind::CurrencySign { sign: (*sign).to_string() };
        return Some((kind, Span::new(at, at + sign.len())));
    }
    None
}

/// The digits, commas and point around a comma at `at` (`20,000.50`), as byte offsets.
pub fn grouped_number(source: &str, at: usize) -> (usize, usize) {
    let is_part = |c: char| c.is_ascii_digit() || c == ',' || c == '.' || c == '_';
    let start = source.get(..at).unwrap_or("").rfind(|c: char| !is_part(c)).map_or(0, |i| i + 1);
    let end = source.get(at..).unwrap_or("").find(|c: char| !is_part(c)).map_or(source.len(), |i| at + i);
    (start, end.max(start))
}

/// The word (or symbol) at a byte offset, for "unexpected `x`".
fn found_at(source: &str, at: usize) -> String {
    let rest = source.get(at..).unwrap_or("");
    let word: String =
        rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '%' || *c == '.').collect();
    if !word.is_empty() {
        return word;
    }
    rest.chars().next().filter(|c| !c.is_whitespace()).map(String::from).unwrap_or_default()
}

fn expected_words(positives: &[Rule]) -> String {
    // Listing twelve operators helps nobody: after a complete value, say "an operator".
    let operators = positives.iter().filter(|r| is_operator(**r)).count();
    let mut words: Vec<&str> =
        positives.iter().filter(|r| operators < 3 || !is_operator(**r)).map(|r| rule_name(*r)).collect();
    if operators >= 3 {
        words.push("an operator");
    }
    words.sort_unstable();
    words.dedup();
    match words.as_slice() {
        [] => "something else".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

fn is_operator(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::add
            | Rule::sub
            | Rule::mul
            | Rule::div
            | Rule::le
            | Rule::ge
            | Rule::ne
            | Rule::eq
            | Rule::lt
            | Rule::gt
            | Rule::and_op
            | Rule::or_op
            | Rule::in_kw
            | Rule::default_kw
            | Rule::infix
            | Rule::postfix
            | Rule::in_list
    )
}

/// The construct whose form the help line explains, if the grammar expected one of those.
fn hint(positives: &[Rule]) -> Option<SyntaxHint> {
    let has = |r: Rule| positives.contains(&r);
    if has(Rule::tier_mode) {
        Some(SyntaxHint::TierMode)
    } else if has(Rule::cadence) {
        Some(SyntaxHint::Cadence)
    } else if has(Rule::rounding_mode) {
        Some(SyntaxHint::RoundingMode)
    } else if has(Rule::bracket) {
        Some(SyntaxHint::Bracket)
    } else if has(Rule::rate_pay) || has(Rule::fixed_pay) || has(Rule::rate_kw) {
        Some(SyntaxHint::BracketPay)
    } else if has(Rule::header) || has(Rule::policy_kw) {
        Some(SyntaxHint::Header)
    } else if has(Rule::component_decl) || has(Rule::input_decl) {
        Some(SyntaxHint::Declaration)
    } else if has(Rule::pay_stmt) || has(Rule::let_stmt) {
        Some(SyntaxHint::Statement)
    } else if has(Rule::per_kw) || has(Rule::month_kw) || has(Rule::limit_kind) {
        Some(SyntaxHint::StatementLimit)
    } else if has(Rule::percent) {
        Some(SyntaxHint::Percent)
    } else {
        None
    }
}

/// Every rule's name as a user would say it. Exhaustive, so a new rule cannot be forgotten.
fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::WHITESPACE | Rule::COMMENT => "whitespace",
        Rule::policy_file | Rule::header => "a `policy` header",
        Rule::item => "a declaration",
        Rule::rounding_decl => "`rounding`",
        Rule::rounding_mode => "a rounding mode (`half_up`, `half_even`, `down`, `up`)",
        Rule::input_decl => "`input`",
        Rule::column_decl => "a column (`name: type`)",
        Rule::column_role => "`key`, `payee` or `period`",
        Rule::enum_values => "a list of values",
        Rule::at_least => "a least value (`>= 0`)",
        Rule::payee_decl => "`payee`",
        Rule::table_decl => "`table`",
        Rule::table_row => "a table row (`\"key\" -> value`)",
        Rule::table_key => "a table key",
        Rule::wildcard => "`_`",
        Rule::table_else => "`else ->`",
        Rule::component_decl => "`component`",
        Rule::cadence => "a cadence (`monthly`, `quarterly`, `yearly`)",
        Rule::statement => "a statement",
        Rule::let_stmt => "`let`",
        Rule::when_stmt => "`when`",
        Rule::pay_stmt => "`pay`",
        Rule::cap_stmt => "`cap`",
        Rule::floor_stmt => "`floor`",
        Rule::expr | Rule::operand | Rule::primary => "an expression",
        Rule::prefix | Rule::neg | Rule::not_op => "an expression",
        Rule::postfix | Rule::in_list => "`in [...]`",
        Rule::in_range | Rule::range_bound => "a range (`in 0 to 90`)",
        Rule::within => "`within input.column`",
        Rule::credit_decl => "`credit`",
        Rule::for_reports => "`for reports`",
        Rule::bound => "a bound (`0`, `100_000`, `50% of target`)",
        Rule::date_lit => "a date (`2027-03-01`)",
        Rule::period_lit => "a period (`2027-07`, `2027-Q3`)",
        Rule::credit_kw => "`credit`",
        Rule::by_kw => "`by`",
        Rule::to_kw => "`to`",
        Rule::for_kw => "`for`",
        Rule::reports_kw => "`reports`",
        Rule::of_kw => "`of`",
        Rule::effective_kw => "`effective`",
        Rule::infix => "an operator",
        Rule::add => "`+`",
        Rule::sub => "`-`",
        Rule::mul => "`*`",
        Rule::div => "`/`",
        Rule::le => "`<=`",
        Rule::ge => "`>=`",
        Rule::ne => "`!=`",
        Rule::eq => "`=`",
        Rule::lt => "`<`",
        Rule::gt => "`>`",
        Rule::and_op => "`and`",
        Rule::or_op => "`or`",
        Rule::in_kw => "`in`",
        Rule::default_kw => "`default`",
        Rule::if_expr => "`if`",
        Rule::call => "a function call",
        Rule::where_clause => "`where`",
        Rule::field => "a column (`input.column`)",
        Rule::name => "a name",
        Rule::tiers_expr => "`tiers`",
        Rule::tier_mode => "a tier mode (`flat` or `marginal`)",
        Rule::bracket => "a bracket (`from ...`)",
        Rule::rate_pay => "`rate`",
        Rule::fixed_pay => "`fixed`",
        Rule::signed_literal | Rule::neg_literal | Rule::signed_number_or_percent => "a value",
        Rule::signed_number | Rule::number => "a number",
        Rule::percent => "a percentage",
        Rule::money => "an amount (`500 CNY`)",
        Rule::currency_code => "a currency code",
        Rule::string | Rule::string_inner => "a quoted text",
        Rule::boolean => "`true` or `false`",
        Rule::keyword => "a keyword",
        Rule::ident | Rule::ident_char => "a name",
        Rule::policy_kw => "`policy`",
        Rule::version_kw => "`version`",
        Rule::currency_kw => "`currency`",
        Rule::rounding_kw => "`rounding`",
        Rule::input_kw => "`input`",
        Rule::payee_kw => "`payee`",
        Rule::table_kw => "`table`",
        Rule::else_kw => "`else`",
        Rule::component_kw => "`component`",
        Rule::let_kw => "`let`",
        Rule::when_kw => "`when`",
        Rule::pay_kw => "`pay`",
        Rule::cap_kw => "`cap`",
        Rule::floor_kw => "`floor`",
        Rule::if_kw => "`if`",
        Rule::then_kw => "`then`",
        Rule::tiers_kw => "`tiers`",
        Rule::from_kw => "`from`",
        Rule::rate_kw => "`rate`",
        Rule::fixed_kw => "`fixed`",
        Rule::where_kw => "`where`",
        Rule::metric_kw => "`metric`",
        Rule::metric_decl => "`metric`",
        Rule::test_decl => "`test`",
        Rule::test_item => "`period`, `expect` or rows for an input",
        Rule::test_period => "`period`",
        Rule::period_value => "a period (`2026-01`, `2026-Q1`, `2026`)",
        Rule::test_expect => "`expect`",
        Rule::test_rows => "rows for an input (`sales { ... }`)",
        Rule::rows_text | Rule::csv_quoted => "CSV rows",
        Rule::test_kw => "`test`",
        Rule::period_kw => "`period`",
        Rule::expect_kw => "`expect`",
        Rule::within_kw => "`within`",
        Rule::ignoring_others => "`ignoring other columns`",
        Rule::ignoring_kw => "`ignoring`",
        Rule::other_kw => "`other`",
        Rule::columns_kw => "`columns`",
        Rule::statement_limit => "`statement cap` or `statement floor`",
        Rule::limit_kind => "`cap` or `floor`",
        Rule::statement_kw => "`statement`",
        Rule::per_kw => "`per`",
        Rule::month_kw => "`month`",
        Rule::enum_value => "a quoted value",
        Rule::as_kw => "`as`",
    }
}
