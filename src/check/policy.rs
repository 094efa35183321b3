//! The driver: checks a whole policy in the order its parts depend on each other (header,
//! rounding, inputs, payee, tables, then components and metrics, which read them) and builds
//! the [`Plan`].
//!
//! The only file that decides the order of the steps; each step lives in its own file
//! (`inputs`, `tables`, `components`). It checks no expression itself.

use std::collections::HashMap;

use super::checker::Checker;
use crate::diagnostics::check::CheckKind;
use crate::diagnostics::Problem;
use crate::money::{Currency, Rounding};
use crate::plan::{Component, Metric, Plan};
use crate::source::{SourceFile, Span};
use crate::syntax::ast::{self, Item};

/// Names taken by components and metrics (they share one set), with where each was declared.
type Names<'a> = HashMap<&'a str, Span>;

impl Checker {
    pub fn policy(&mut self, policy: &ast::Policy, source: SourceFile, sha256: String) -> Option<Plan> {
        self.source = Some(source.clone());
        let header = &policy.header;
        self.header(header);
        let rounding = self.policy_rounding(policy);
        self.input_names = policy
            .items
            .iter()
            .filter_map(|i| if let Item::Input(d) = i { Some(d.name.name.clone()) } else { None })
            .collect();
        for item in &policy.items {
            if let Item::Input(input) = item {
                self.input(input);
            }
        }
        self.resolve_references(policy);
        self.payee_decl(policy);
        for item in &policy.items {
            if let Item::Table(table) = item {
                self.table(table);
            }
        }
        self.credit_decl(policy);
        self.component_names = policy
            .items
            .iter()
            .filter_map(|i| if let Item::Component(c) = i { Some(c.name.name.clone()) } else { None })
            .collect();
        let mut names = Names::new();
        let mut components = self.components(policy, rounding, &mut names);
        let metrics = self.metrics(policy, &mut names);
        // The statement's limits come last: they adjust the sum of the other components.
        if let Some(limits) = self.statement_limits(policy, rounding, &components, &metrics) {
            components.push(limits);
        }
        if !policy.items.iter().any(|i| matches!(i, Item::Component(_))) {
            self.error(Problem::new(CheckKind::NoComponents, [header.span]));
        }
        let effective = header.effective.as_ref().and_then(|e| match crate::period::Period::parse(&e.value) {
            Some(p @ crate::period::Period::Month { .. }) => Some(p),
            _ => {
                self.error(Problem::new(CheckKind::EffectiveNotMonth { text: e.value.clone() }, [e.span]));
                None
            }
        });
        let payee = self.payee?;
        Some(Plan {
            name: header.name.value.clone(),
            version: header.version.value.clone(),
            currency: Currency::new(&self.currency),
            sha256,
            source,
            rounding,
            inputs: std::mem::take(&mut self.inputs),
            payee,
            tables: std::mem::take(&mut self.tables),
            aggregates: std::mem::take(&mut self.aggregates),
            lookups: std::mem::take(&mut self.lookups),
            components,
            metrics,
            credit: self.credit,
            effective,
        })
    }

    /// The policy's name and currency; the currency is kept for the money literals.
    fn header(&mut self, header: &ast::Header) {
        if header.name.value.trim().is_empty() {
            self.error(Problem::new(CheckKind::EmptyPolicyName, [header.name.span]));
        }
        let currency = header.currency.name.clone();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            let kind = CheckKind::NotACurrencyCode { currency: currency.clone() };
            self.error(Problem::new(kind, [header.currency.span]));
        }
        self.currency = currency;
    }

    /// The policy-wide rounding, set at most once (the last one counts if set twice).
    fn policy_rounding(&mut self, policy: &ast::Policy) -> Rounding {
        let mut rounding: Option<(Rounding, Span)> = None;
        for item in &policy.items {
            if let Item::Rounding(r) = item {
                if let Some((_, first)) = rounding {
                    self.error(Problem::new(CheckKind::RoundingTwice, [r.span, first]));
                }
                rounding = Some((self.rounding(r), r.span));
            }
        }
        rounding.map(|(r, _)| r).unwrap_or_default()
    }

    /// Every component, in order. A component declared twice is still checked, so that its
    /// own mistakes show now, not next run, but only the first is kept.
    fn components<'a>(&mut self, policy: &'a ast::Policy, rounding: Rounding, names: &mut Names<'a>) -> Vec<Component> {
        let mut components: Vec<Component> = Vec::new();
        for item in &policy.items {
            let Item::Component(c) = item else {
                continue;
            };
            if let Some(first) = names.get(c.name.name.as_str()) {
                let kind = CheckKind::ComponentTwice { component: c.name.name.clone() };
                self.error(Problem::new(kind, [c.name.span, *first]));
                let _ = self.component(c, usize::MAX, rounding);
                continue;
            }
            names.insert(&c.name.name, c.name.span);
            if let Some(component) = self.component(c, names.len() - 1, rounding) {
                components.push(component);
            }
        }
        components
    }

    /// Every metric, in order, after the components whose names they may not reuse.
    fn metrics<'a>(&mut self, policy: &'a ast::Policy, names: &mut Names<'a>) -> Vec<Metric> {
        let mut metrics: Vec<Metric> = Vec::new();
        for item in &policy.items {
            let Item::Metric(m) = item else {
                continue;
            };
            if let Some(first) = names.get(m.name.name.as_str()) {
                self.error(Problem::new(CheckKind::NameTaken { name: m.name.name.clone() }, [m.name.span, *first]));
                continue;
            }
            names.insert(&m.name.name, m.name.span);
            if let Some(metric) = self.metric(m) {
                metrics.push(metric);
            }
        }
        metrics
    }
}
