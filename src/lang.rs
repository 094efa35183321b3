//! The vocabulary of the language: the words a policy is written in that mean the same in the
//! AST (as written) and in the Plan (as checked). Later stages import these from here, never
//! from `syntax`, so the parser can change without touching the evaluator or the tools.
//!
//! A leaf: uses nothing of ours.

/// How an amount is rounded to a step (`rounding half_up 0.01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundingMode {
    HalfUp,
    HalfEven,
    Down,
    Up,
}

/// How often a component pays: its period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cadence {
    Monthly,
    Quarterly,
    Yearly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
        }
    }
}

/// Whole-amount (`flat`) or excess (`marginal`) brackets: a required word, never implied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierMode {
    Flat,
    Marginal,
}
