//! The terms of a formula's right-hand side, as patsy and R expand them: `a*b` is
//! `a + b + a:b`, `(a + b)**2` is `a + b + a:b`, `- t` removes `t`, `0`/`-1` remove the
//! intercept and `1` puts it back; a term is a set of factors, each counted once.

use super::parse::{Expr, Span, TermOp, TermTree, error_at};
use crate::error::MleError;

/// Functions of numbers a formula may call (also written with numpy's `np.` in front, as in
/// statsmodels' formulas).
pub(crate) const FUNCTIONS: [&str; 7] = ["log", "log2", "log10", "exp", "sqrt", "abs", "I"];

/// What a factor is, as the formula writes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Source {
    /// A bare column: numeric or categorical by its cells.
    Column(String),
    /// `C(column)`, `C(column, Treatment(reference="b"))`.
    Categorical {
        column: String,
        reference: Option<String>,
    },
    /// A function of columns: `log(x)`, `I(x ** 2)`.
    Expression(Expr),
}

/// A factor of the terms, named as patsy names it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Factor {
    pub(crate) name: String,
    pub(crate) source: Source,
    pub(crate) span: Span,
}

/// The right-hand side expanded.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Expanded {
    /// Every factor, in order of first appearance.
    pub(crate) factors: Vec<Factor>,
    /// The terms other than the intercept, in order of appearance, each the indices of its
    /// factors in order of appearance.
    pub(crate) terms: Vec<Vec<usize>>,
    /// Whether the formula asks for the intercept (`1`), removes it (`0`, `- 1`), or says
    /// nothing.
    pub(crate) intercept: Option<bool>,
    /// The `offset(...)` expressions.
    pub(crate) offsets: Vec<Expr>,
}

/// Terms of one subexpression.
#[derive(Debug, Clone, Default)]
struct Part {
    terms: Vec<Vec<usize>>,
    intercept: Option<bool>,
}

/// Expands `tree`, a right-hand side of `text`.
///
/// # Errors
/// [`MleError::Formula`] at the place of a number other than 0 and 1, an unknown function, a
/// `C(...)` or `offset(...)` that is not as documented, an intercept inside an interaction.
pub(crate) fn expand(text: &str, tree: &TermTree) -> Result<Expanded, MleError> {
    let mut out = Expanded::default();
    let part = walk(text, tree, &mut out)?;
    out.terms = part.terms;
    out.intercept = part.intercept;
    Ok(out)
}

fn union(mut a: Vec<Vec<usize>>, b: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    for t in b {
        if !a.iter().any(|s| same_term(s, &t)) {
            a.push(t);
        }
    }
    a
}

fn same_term(a: &[usize], b: &[usize]) -> bool {
    a.len() == b.len() && a.iter().all(|f| b.contains(f))
}

fn interact(a: &[Vec<usize>], b: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    for ta in a {
        for tb in b {
            let mut t = ta.clone();
            t.extend(tb.iter().filter(|f| !ta.contains(f)));
            out = union(out, vec![t]);
        }
    }
    out
}

fn walk(text: &str, tree: &TermTree, out: &mut Expanded) -> Result<Part, MleError> {
    match tree {
        TermTree::Number(v, span) => match *v {
            0.0 => Ok(Part {
                terms: Vec::new(),
                intercept: Some(false),
            }),
            1.0 => Ok(Part {
                terms: Vec::new(),
                intercept: Some(true),
            }),
            _ => Err(error_at(
                text,
                *span,
                "a number among the terms stands for the intercept: only 0 and 1 may be \
                 written (use I(...) for arithmetic)",
            )),
        },
        TermTree::Factor(e) => factor(text, e, out),
        TermTree::Neg(t, _) => {
            let inner = walk(text, t, out)?;
            Ok(Part {
                terms: Vec::new(),
                intercept: inner.intercept.map(|i| !i),
            })
        }
        TermTree::Binary {
            op, lhs, rhs, span, ..
        } => {
            let l = walk(text, lhs, out)?;
            // the power's right-hand side is a number, not terms
            let r = if *op == TermOp::Pow {
                Part::default()
            } else {
                walk(text, rhs, out)?
            };
            let product = |l: &Part, r: &Part| -> Result<Part, MleError> {
                if l.intercept.is_some() || r.intercept.is_some() {
                    return Err(error_at(
                        text,
                        *span,
                        "0 and 1 stand for the intercept, which cannot be part of an interaction",
                    ));
                }
                Ok(Part {
                    terms: interact(&l.terms, &r.terms),
                    intercept: None,
                })
            };
            match op {
                TermOp::Add => Ok(Part {
                    terms: union(l.terms, r.terms),
                    intercept: r.intercept.or(l.intercept),
                }),
                TermOp::Sub => Ok(Part {
                    terms: l
                        .terms
                        .into_iter()
                        .filter(|t| !r.terms.iter().any(|s| same_term(s, t)))
                        .collect(),
                    intercept: r.intercept.map(|i| !i).or(l.intercept),
                }),
                TermOp::Colon => product(&l, &r),
                TermOp::Star => {
                    let both = product(&l, &r)?;
                    Ok(Part {
                        terms: union(union(l.terms, r.terms), both.terms),
                        intercept: None,
                    })
                }
                TermOp::Pow => {
                    let n = match rhs.as_ref() {
                        TermTree::Number(n, _) if *n >= 1.0 && n.fract() == 0.0 => *n as usize,
                        other => {
                            return Err(error_at(
                                text,
                                other.span(),
                                "the power of terms is a whole number of at least 1",
                            ));
                        }
                    };
                    let base = Part {
                        terms: l.terms,
                        intercept: l.intercept,
                    };
                    let mut acc = base.clone();
                    for _ in 1..n {
                        let both = product(&acc, &base)?;
                        acc = Part {
                            terms: union(union(acc.terms, base.terms.clone()), both.terms),
                            intercept: None,
                        };
                    }
                    Ok(acc)
                }
            }
        }
    }
}

/// The index of the factor called `name`, added if new.
fn add_factor(out: &mut Expanded, name: String, source: Source, span: Span) -> usize {
    if let Some(i) = out.factors.iter().position(|f| f.name == name) {
        return i;
    }
    out.factors.push(Factor { name, source, span });
    out.factors.len() - 1
}

fn single(i: usize) -> Part {
    Part {
        terms: vec![vec![i]],
        intercept: None,
    }
}

fn factor(text: &str, e: &Expr, out: &mut Expanded) -> Result<Part, MleError> {
    let name = e.to_string();
    match e {
        Expr::Column(c, span) => Ok(single(add_factor(
            out,
            name,
            Source::Column(c.clone()),
            *span,
        ))),
        Expr::Call {
            function,
            args,
            span,
        } => match function.as_str() {
            "C" => {
                let source = categorical(text, args, *span)?;
                Ok(single(add_factor(out, name, source, *span)))
            }
            "offset" => {
                match args.as_slice() {
                    [a] if a.keyword.is_none() => out.offsets.push(a.value.clone()),
                    _ => {
                        return Err(error_at(text, *span, "offset(...) takes one expression"));
                    }
                }
                Ok(Part::default())
            }
            f if FUNCTIONS.contains(&f.strip_prefix("np.").unwrap_or(f)) && f != "np.I" => {
                if args.len() != 1 || args[0].keyword.is_some() {
                    return Err(error_at(
                        text,
                        *span,
                        format!("{f}(...) takes one expression"),
                    ));
                }
                Ok(single(add_factor(
                    out,
                    name,
                    Source::Expression(e.clone()),
                    *span,
                )))
            }
            f => Err(error_at(
                text,
                *span,
                format!(
                    "unknown function '{f}'; a formula knows C, offset, {} (and np.log, ...)",
                    FUNCTIONS.join(", ")
                ),
            )),
        },
        other => Err(error_at(
            text,
            other.span(),
            "expected a column, C(...), offset(...) or a function of columns",
        )),
    }
}

/// `C(column)` or `C(column, Treatment(reference))` with the reference a quoted level, a
/// number, or a bare name.
fn categorical(
    text: &str,
    args: &[super::parse::Argument],
    span: Span,
) -> Result<Source, MleError> {
    let usage = "C(column) or C(column, Treatment(reference=\"level\"))";
    let column = match args.first().map(|a| (&a.keyword, &a.value)) {
        Some((None, Expr::Column(c, _))) => c.clone(),
        _ => return Err(error_at(text, span, format!("expected {usage}"))),
    };
    let reference = match args.get(1).map(|a| &a.value) {
        None => None,
        Some(Expr::Call { function, args, .. })
            if function == "Treatment"
                && args.len() == 1
                && matches!(args[0].keyword.as_deref(), None | Some("reference")) =>
        {
            Some(match &args[0].value {
                Expr::Text(s, _) | Expr::Column(s, _) => s.clone(),
                Expr::Number(_, t, _) => t.clone(),
                other => {
                    return Err(error_at(
                        text,
                        other.span(),
                        "the reference is a level: \"b\", 2 or b",
                    ));
                }
            })
        }
        Some(other) => {
            return Err(error_at(
                text,
                other.span(),
                format!("only treatment coding is known: {usage}"),
            ));
        }
    };
    if args.len() > 2 {
        return Err(error_at(text, span, format!("expected {usage}")));
    }
    Ok(Source::Categorical { column, reference })
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    /// The terms of `formula` as `a:b` strings, and the intercept flag.
    fn terms_of(formula: &str) -> (Vec<String>, Option<bool>) {
        let s = parse(formula).unwrap();
        let e = expand(formula, &s.rhs).unwrap();
        let names = e
            .terms
            .iter()
            .map(|t| {
                let n: Vec<&str> = t.iter().map(|&f| e.factors[f].name.as_str()).collect();
                n.join(":")
            })
            .collect();
        (names, e.intercept)
    }

    /// Expansions from patsy's documentation (`ModelDesc.from_formula(...).describe()`).
    #[test]
    fn terms_expand_as_patsy_expands_them() {
        assert_eq!(terms_of("y ~ x + x + x").0, ["x"]);
        assert_eq!(terms_of("y ~ a*b").0, ["a", "b", "a:b"]);
        assert_eq!(terms_of("y ~ a:b:a").0, ["a:b"]);
        assert_eq!(
            terms_of("y ~ (a + b + c)**2").0,
            ["a", "b", "c", "a:b", "a:c", "b:c"]
        );
        assert_eq!(terms_of("y ~ a*b - a").0, ["b", "a:b"]);
        assert_eq!(terms_of("y ~ x - 1"), (vec!["x".to_string()], Some(false)));
        assert_eq!(terms_of("y ~ 0 + x"), (vec!["x".to_string()], Some(false)));
        assert_eq!(terms_of("y ~ -1 + x").1, Some(false));
        assert_eq!(terms_of("y ~ x + 0 + 1").1, Some(true));
        assert_eq!(terms_of("y ~ x").1, None);
    }

    #[test]
    fn offsets_are_not_terms() {
        let f = "y ~ x + offset(log(t))";
        let e = expand(f, &parse(f).unwrap().rhs).unwrap();
        assert_eq!(e.terms.len(), 1);
        assert_eq!(e.offsets[0].to_string(), "log(t)");
    }

    #[test]
    fn misuse_is_an_error_at_its_place() {
        for (f, said) in [
            ("y ~ x + 2", "only 0 and 1"),
            ("y ~ foo(x)", "unknown function 'foo'"),
            ("y ~ C(x, Sum)", "only treatment coding"),
            ("y ~ x:1", "cannot be part of an interaction"),
            ("y ~ (a + b)**x", "whole number"),
        ] {
            let e = expand(f, &parse(f).unwrap().rhs).unwrap_err().to_string();
            assert!(e.contains(said) && e.contains("-->"), "{f}: {e}");
        }
    }
}
