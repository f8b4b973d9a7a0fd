//! Formula text to a syntax tree, by the pest grammar in `formula.pest`; errors point at the
//! place in the text.

use std::fmt;
use std::sync::LazyLock;

use pest::Parser;
use pest::error::{Error, ErrorVariant};
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};

use crate::error::MleError;

#[derive(pest_derive::Parser)]
#[grammar = "data/formula/formula.pest"]
struct Grammar;

/// A byte range of the formula's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Span {
    fn of(pair: &Pair<'_, Rule>) -> Self {
        let s = pair.as_span();
        Self {
            start: s.start(),
            end: s.end(),
        }
    }

    fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// An arithmetic operator inside a function call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    /// `**` or `^`, as written.
    Pow(&'static str),
}

/// A numeric expression: a column, a number, a function of expressions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// A number, with its text.
    Number(f64, String, Span),
    /// A quoted string (a level's name).
    Text(String, Span),
    /// A column.
    Column(String, Span),
    /// `function(arguments)`.
    Call {
        function: String,
        args: Vec<Argument>,
        span: Span,
    },
    Binary {
        op: ArithOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Neg(Box<Expr>, Span),
    /// Parentheses, kept for the expression's name.
    Paren(Box<Expr>, Span),
}

/// One argument of a call: `value` or `keyword=value`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Argument {
    pub(crate) keyword: Option<String>,
    pub(crate) value: Expr,
}

impl Expr {
    /// Where it is in the formula.
    pub(crate) fn span(&self) -> Span {
        match self {
            Expr::Number(_, _, s)
            | Expr::Text(_, s)
            | Expr::Column(_, s)
            | Expr::Call { span: s, .. }
            | Expr::Neg(_, s)
            | Expr::Paren(_, s) => *s,
            Expr::Binary { lhs, rhs, .. } => lhs.span().to(rhs.span()),
        }
    }
}

/// The expression as patsy names it: operators spaced, `, ` between arguments.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Number(_, text, _) => f.write_str(text),
            Expr::Text(s, _) => write!(f, "\"{s}\""),
            Expr::Column(c, _) => f.write_str(c),
            Expr::Call { function, args, .. } => {
                write!(f, "{function}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if let Some(k) = &a.keyword {
                        write!(f, "{k}=")?;
                    }
                    write!(f, "{}", a.value)?;
                }
                f.write_str(")")
            }
            Expr::Binary { op, lhs, rhs } => {
                let op = match op {
                    ArithOp::Add => "+",
                    ArithOp::Sub => "-",
                    ArithOp::Mul => "*",
                    ArithOp::Div => "/",
                    ArithOp::Pow(p) => p,
                };
                write!(f, "{lhs} {op} {rhs}")
            }
            Expr::Neg(e, _) => write!(f, "-{e}"),
            Expr::Paren(e, _) => write!(f, "({e})"),
        }
    }
}

/// An operator between terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TermOp {
    /// `a + b`: both.
    Add,
    /// `a - b`: the terms of `a` without those of `b`.
    Sub,
    /// `a * b`: `a + b + a:b`.
    Star,
    /// `a:b`: the interaction.
    Colon,
    /// `(a + b)**2`: the interactions up to that order.
    Pow,
}

/// The right-hand side of a formula, before it is expanded into terms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TermTree {
    /// `0` or `1`: the intercept's absence or presence.
    Number(f64, Span),
    /// A column or a function call.
    Factor(Expr),
    Binary {
        op: TermOp,
        lhs: Box<TermTree>,
        rhs: Box<TermTree>,
        span: Span,
    },
    /// `-a`: nothing without `a`.
    Neg(Box<TermTree>, Span),
}

impl TermTree {
    pub(crate) fn span(&self) -> Span {
        match self {
            TermTree::Number(_, s) | TermTree::Binary { span: s, .. } | TermTree::Neg(_, s) => *s,
            TermTree::Factor(e) => e.span(),
        }
    }
}

/// A parsed formula: `lhs ~ rhs`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Syntax {
    pub(crate) lhs: Expr,
    pub(crate) rhs: TermTree,
}

static ARITH: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::plus, Assoc::Left) | Op::infix(Rule::minus, Assoc::Left))
        .op(Op::infix(Rule::times, Assoc::Left) | Op::infix(Rule::divide, Assoc::Left))
        .op(Op::prefix(Rule::arith_neg))
        .op(Op::infix(Rule::power, Assoc::Right))
});

static TERMS: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::term_add, Assoc::Left) | Op::infix(Rule::term_sub, Assoc::Left))
        .op(Op::prefix(Rule::term_neg))
        .op(Op::infix(Rule::term_star, Assoc::Left))
        .op(Op::infix(Rule::term_colon, Assoc::Left))
        .op(Op::infix(Rule::term_pow, Assoc::Left))
});

/// Parses `text`.
///
/// # Errors
/// [`MleError::Formula`] pointing at the place where the text stops being a formula.
pub(crate) fn parse(text: &str) -> Result<Syntax, MleError> {
    let mut pairs = Grammar::parse(Rule::formula, text)
        .map_err(|e| MleError::Formula(e.renamed_rules(describe).to_string()))?;
    let mut inner = pairs
        .next()
        .expect("the grammar's formula rule")
        .into_inner();
    let lhs = arith(
        inner
            .next()
            .expect("lhs")
            .into_inner()
            .next()
            .expect("arith"),
    );
    let rhs = terms(
        inner
            .next()
            .expect("rhs")
            .into_inner()
            .next()
            .expect("terms"),
    );
    Ok(Syntax { lhs, rhs })
}

/// An error about `span` of `text`, drawn as pest draws its own.
pub(crate) fn error_at(text: &str, span: Span, message: impl Into<String>) -> MleError {
    let message = message.into();
    match pest::Span::new(text, span.start, span.end) {
        Some(s) => {
            let e: Error<Rule> = Error::new_from_span(ErrorVariant::CustomError { message }, s);
            MleError::Formula(e.to_string())
        }
        None => MleError::Formula(message),
    }
}

fn describe(rule: &Rule) -> String {
    match rule {
        Rule::EOI => "the end of the formula",
        Rule::number => "a number",
        Rule::name | Rule::ident => "a column name",
        Rule::call => "a function call",
        Rule::string => "a quoted level",
        Rule::arith | Rule::lhs => "an expression",
        Rule::terms | Rule::rhs => "terms",
        Rule::term_add | Rule::plus => "+",
        Rule::term_sub | Rule::minus | Rule::term_neg | Rule::arith_neg => "-",
        Rule::term_star | Rule::times => "*",
        Rule::term_colon => ":",
        Rule::term_pow | Rule::power => "** or ^",
        Rule::divide => "/",
        Rule::argument => "an argument",
        _ => return format!("{rule:?}"),
    }
    .to_string()
}

fn arith(pair: Pair<'_, Rule>) -> Expr {
    ARITH
        .map_primary(arith_atom)
        .map_prefix(|op, e| Expr::Neg(Box::new(e.clone()), Span::of(&op).to(e.span())))
        .map_infix(|lhs, op, rhs| Expr::Binary {
            op: match op.as_rule() {
                Rule::plus => ArithOp::Add,
                Rule::minus => ArithOp::Sub,
                Rule::times => ArithOp::Mul,
                Rule::divide => ArithOp::Div,
                _ => ArithOp::Pow(if op.as_str() == "^" { "^" } else { "**" }),
            },
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        })
        .parse(pair.into_inner())
}

fn arith_atom(pair: Pair<'_, Rule>) -> Expr {
    let span = Span::of(&pair);
    match pair.as_rule() {
        Rule::arith => Expr::Paren(Box::new(arith(pair)), span),
        _ => atom(pair),
    }
}

/// A number, string, call or name.
fn atom(pair: Pair<'_, Rule>) -> Expr {
    let span = Span::of(&pair);
    match pair.as_rule() {
        Rule::number => {
            let text = pair.as_str();
            Expr::Number(text.parse().unwrap_or(f64::NAN), text.to_string(), span)
        }
        Rule::string => {
            let inner = pair.into_inner().next().map_or("", |p| p.as_str());
            Expr::Text(inner.to_string(), span)
        }
        Rule::call => {
            let mut inner = pair.into_inner();
            let function = inner.next().expect("a function name").as_str().to_string();
            let args = inner.map(argument).collect();
            Expr::Call {
                function,
                args,
                span,
            }
        }
        _ => Expr::Column(name(pair), span),
    }
}

/// The column a name stands for, without its backticks.
fn name(pair: Pair<'_, Rule>) -> String {
    let inner: Vec<Pair<'_, Rule>> = pair.clone().into_inner().collect();
    match inner.as_slice() {
        [p] if p.as_rule() == Rule::quoted => p.as_str().to_string(),
        _ => pair.as_str().to_string(),
    }
}

fn argument(pair: Pair<'_, Rule>) -> Argument {
    let mut keyword = None;
    let mut value = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::keyword => keyword = Some(p.as_str().to_string()),
            _ => value = Some(arith(p)),
        }
    }
    Argument {
        keyword,
        value: value.expect("an argument's value"),
    }
}

fn terms(pair: Pair<'_, Rule>) -> TermTree {
    term_pairs(pair.into_inner())
}

fn term_pairs(pairs: Pairs<'_, Rule>) -> TermTree {
    TERMS
        .map_primary(|p| {
            let span = Span::of(&p);
            match p.as_rule() {
                Rule::terms => terms(p),
                Rule::number => match atom(p) {
                    Expr::Number(v, _, _) => TermTree::Number(v, span),
                    other => TermTree::Factor(other),
                },
                _ => TermTree::Factor(atom(p)),
            }
        })
        .map_prefix(|op, t| {
            let span = Span::of(&op).to(t.span());
            TermTree::Neg(Box::new(t), span)
        })
        .map_infix(|lhs, op, rhs| {
            let span = lhs.span().to(rhs.span());
            TermTree::Binary {
                op: match op.as_rule() {
                    Rule::term_add => TermOp::Add,
                    Rule::term_sub => TermOp::Sub,
                    Rule::term_star => TermOp::Star,
                    Rule::term_colon => TermOp::Colon,
                    _ => TermOp::Pow,
                },
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
                span,
            }
        })
        .parse(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_spaced_as_patsy_spaces_them() {
        let s = parse("y ~ I(x**2) + np.log(a) + C(g, Treatment(reference='b'))").unwrap();
        let mut names = Vec::new();
        fn walk(t: &TermTree, out: &mut Vec<String>) {
            match t {
                TermTree::Factor(e) => out.push(e.to_string()),
                TermTree::Binary { lhs, rhs, .. } => {
                    walk(lhs, out);
                    walk(rhs, out);
                }
                _ => {}
            }
        }
        walk(&s.rhs, &mut names);
        assert_eq!(
            names,
            ["I(x ** 2)", "np.log(a)", "C(g, Treatment(reference=\"b\"))"]
        );
        assert_eq!(s.lhs, Expr::Column("y".into(), Span { start: 0, end: 1 }));
    }

    #[test]
    fn operators_bind_as_in_r_and_patsy() {
        // a + b:c * d  is  a + ((b:c) * d)
        let s = parse("y ~ a + b:c*d").unwrap();
        let TermTree::Binary { op, rhs, .. } = s.rhs else {
            panic!()
        };
        assert_eq!(op, TermOp::Add);
        let TermTree::Binary { op, lhs, .. } = *rhs else {
            panic!()
        };
        assert_eq!(op, TermOp::Star);
        assert!(matches!(
            *lhs,
            TermTree::Binary {
                op: TermOp::Colon,
                ..
            }
        ));
        // -x**2 is -(x**2)
        let s = parse("y ~ I(-x**2)").unwrap();
        let TermTree::Factor(Expr::Call { args, .. }) = s.rhs else {
            panic!()
        };
        assert!(matches!(args[0].value, Expr::Neg(..)));
    }

    #[test]
    fn syntax_errors_point_at_the_place() {
        for (text, at) in [("y ~ a + (b", "1:11"), ("y ~ a +", "1:8"), ("y a", "1:3")] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(at), "{text}: {e}");
        }
    }
}
