//! The values of a numeric expression of a formula on the rows of a dataset: columns, numbers,
//! `log`, `log2`, `log10`, `exp`, `sqrt`, `abs`, `I(...)` and arithmetic. A value outside a
//! function's domain, or not finite, is an error naming the row, never a silent NaN.

use super::parse::{ArithOp, Expr};
use crate::data::Dataset;
use crate::data::csv::shortest;
use crate::error::{MleError, Result};

/// A function of a formula and its domain.
type Function = (fn(f64) -> f64, fn(f64) -> bool);

/// The columns `expr` reads, with where they are in the formula.
pub(crate) fn columns_of(expr: &Expr, out: &mut Vec<(String, super::parse::Span)>) {
    match expr {
        Expr::Column(c, span) => out.push((c.clone(), *span)),
        Expr::Call { function, args, .. } => {
            // the reference of Treatment(...) is a level, not a column
            if function != "Treatment" {
                for a in args {
                    columns_of(&a.value, out);
                }
            }
        }
        Expr::Binary { lhs, rhs, .. } => {
            columns_of(lhs, out);
            columns_of(rhs, out);
        }
        Expr::Neg(e, _) | Expr::Paren(e, _) => columns_of(e, out),
        Expr::Number(..) | Expr::Text(..) => {}
    }
}

/// The value of `expr` in each row of `data`, `name` naming it in errors.
///
/// # Errors
/// [`MleError::BadValue`] naming the row: a text cell where a number is needed, a logarithm or
/// square root outside its domain, a value that is not finite (`exp` overflowing, a division
/// by zero).
pub(crate) fn evaluate(expr: &Expr, data: &Dataset, name: &str) -> Result<Vec<f64>> {
    let n = data.n_rows();
    let values = match expr {
        Expr::Number(v, _, _) => vec![*v; n],
        Expr::Column(c, _) => data.numeric(c)?.to_vec(),
        Expr::Paren(e, _) => evaluate(e, data, name)?,
        Expr::Neg(e, _) => {
            let mut v = evaluate(e, data, name)?;
            v.iter_mut().for_each(|x| *x = -*x);
            v
        }
        Expr::Text(s, _) => {
            return Err(MleError::Design(format!(
                "'{name}': the quoted \"{s}\" is a level, which only Treatment(...) takes"
            )));
        }
        Expr::Binary { op, lhs, rhs } => {
            let (a, b) = (evaluate(lhs, data, name)?, evaluate(rhs, data, name)?);
            let f = |x: f64, y: f64| match op {
                ArithOp::Add => x + y,
                ArithOp::Sub => x - y,
                ArithOp::Mul => x * y,
                ArithOp::Div => x / y,
                ArithOp::Pow(_) => x.powf(y),
            };
            a.iter().zip(&b).map(|(x, y)| f(*x, *y)).collect()
        }
        Expr::Call { function, args, .. } => {
            let f = function.strip_prefix("np.").unwrap_or(function);
            let arg = evaluate(&args[0].value, data, name)?;
            let (g, domain): Function = match f {
                "log" => (f64::ln, |x| x > 0.0),
                "log2" => (f64::log2, |x| x > 0.0),
                "log10" => (f64::log10, |x| x > 0.0),
                "sqrt" => (f64::sqrt, |x| x >= 0.0),
                "exp" => (f64::exp, |_| true),
                "abs" => (f64::abs, |_| true),
                _ => (|x| x, |_| true),
            };
            if let Some(i) = arg.iter().position(|x| !domain(*x)) {
                return Err(data.bad_value(
                    i + 1,
                    name,
                    &format!(
                        "{f} of {} ({f} takes {} numbers)",
                        shortest(arg[i]),
                        if f == "sqrt" {
                            "non-negative"
                        } else {
                            "positive"
                        }
                    ),
                ));
            }
            arg.into_iter().map(g).collect()
        }
    };
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        return Err(data.bad_value(
            i + 1,
            name,
            &format!("the value is {}, not a finite number", shortest(values[i])),
        ));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;
    use crate::data::Column;

    fn lhs_of(text: &str) -> Expr {
        parse(&format!("{text} ~ 1")).unwrap().lhs
    }

    #[test]
    fn expressions_evaluate_as_numpy_does() {
        let data = Dataset::new(
            "d",
            vec![
                ("x".into(), Column::Numeric(vec![1.0, 4.0])),
                ("z".into(), Column::Numeric(vec![2.0, 0.5])),
            ],
        )
        .unwrap();
        let v = |t: &str| evaluate(&lhs_of(t), &data, t).unwrap();
        assert_eq!(v("I(x**2)"), [1.0, 16.0]);
        assert_eq!(v("I(x^2 - -z)"), [3.0, 16.5]);
        assert_eq!(v("I(2**x**0.5)"), [2.0, 4.0]);
        assert_eq!(v("np.sqrt(x)"), [1.0, 2.0]);
        assert_eq!(v("log(exp(z))"), [2.0, 0.5]);
        assert_eq!(v("I((x + 1)/z)"), [1.0, 10.0]);
        let e = evaluate(&lhs_of("log(I(z - 1))"), &data, "log(I(z - 1))")
            .unwrap_err()
            .to_string();
        assert!(e.contains("row 2") && e.contains("log of -0.5"), "{e}");
        let e = evaluate(&lhs_of("I(x/(z - 2))"), &data, "q")
            .unwrap_err()
            .to_string();
        assert!(e.contains("row 1") && e.contains("inf"), "{e}");
    }
}
