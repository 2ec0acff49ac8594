//! `calc` cells (`Cell.calc`): the expression of a figure over the other cells of its row
//! (`c2-c4`, `c4/c2`, `(c5-c2)/(c3-c2)`; `cN` is the row's N-th column, 1-based), translated to
//! an Excel formula over the same sheet row, and evaluated on the row's own values to check it
//! gives the figure the document shows.
//!
//! The expression works on the values the **sheet** holds, as Excel will when it recalculates:
//! money in major units (`1234.56`), percentages as fractions (45.5 % is `0.455`), numbers as
//! they are, dates as Excel serial numbers, an empty cell as 0 (text or a status is an error, as
//! `#VALUE!` in Excel). So a percent cell's calc yields the fraction: `c4/c2` for "% spent",
//! never `c4/c2*100`; the check refuses the latter (it would show 8 690.0 %).
//!
//! The grammar is the one `markup::check_calc` accepts: `cN`, decimal numbers, `+ - * /` and
//! parentheses (no unary minus).

use std::fmt::Write as _;

/// A token of an expression.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// A column, 0-based.
    Col(usize),
    /// A number, with its text as written (so the formula shows it as the template wrote it).
    Num(f64, Box<str>),
    Op(u8),
    Open,
    Close,
}

/// A parsed calc, ready to be translated for any row and evaluated on any row's values.
#[derive(Debug, Clone, PartialEq)]
pub struct Calc {
    /// As written (for the formula).
    tokens: Vec<Token>,
    /// In postfix order, without parentheses (for evaluating).
    postfix: Vec<Token>,
    /// The columns it names, 0-based, without repeats, in order of appearance.
    pub columns: Vec<usize>,
    /// Whether it divides (its result may be a division by zero).
    pub divides: bool,
    /// Whether it multiplies or divides (a money result may have fractions of a minor unit).
    pub scales: bool,
}

/// Why an expression evaluates to no number (as Excel's error values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalError {
    /// `#DIV/0!`.
    DivisionByZero,
    /// `#VALUE!`: the column (0-based) holds text, a status, or a formula that shows "".
    NotANumber(usize),
}

fn precedence(op: u8) -> u8 {
    if matches!(op, b'*' | b'/') { 2 } else { 1 }
}

impl Calc {
    /// Parses an expression; the error says what is wrong.
    pub fn parse(expr: &str) -> Result<Calc, String> {
        let b = expr.as_bytes();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b' ' => i += 1,
                b'(' => {
                    tokens.push(Token::Open);
                    i += 1;
                }
                b')' => {
                    tokens.push(Token::Close);
                    i += 1;
                }
                op @ (b'+' | b'-' | b'*' | b'/') => {
                    tokens.push(Token::Op(op));
                    i += 1;
                }
                b'c' => {
                    let start = i + 1;
                    i = start;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                    match expr[start..i].parse::<usize>() {
                        Ok(n) if n > 0 => tokens.push(Token::Col(n - 1)),
                        _ => return Err("columns are c1, c2, ...".into()),
                    }
                }
                b'0'..=b'9' | b'.' => {
                    let start = i;
                    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                        i += 1;
                    }
                    let text = &expr[start..i];
                    let n = text.parse::<f64>().map_err(|_| format!("`{text}` is not a number"))?;
                    tokens.push(Token::Num(n, text.into()));
                }
                other => return Err(format!("unexpected `{}`", other as char)),
            }
        }

        // Shunting-yard, checking that operands and operators alternate.
        let mut postfix = Vec::with_capacity(tokens.len());
        let mut ops: Vec<&Token> = Vec::new();
        let mut operand_before = false;
        for t in &tokens {
            match t {
                Token::Col(_) | Token::Num(..) => {
                    if operand_before {
                        return Err("two operands in a row".into());
                    }
                    postfix.push(t.clone());
                    operand_before = true;
                }
                Token::Op(op) => {
                    if !operand_before {
                        return Err(format!("`{}` needs an operand before it", *op as char));
                    }
                    while let Some(Token::Op(top)) = ops.last() {
                        if precedence(*top) < precedence(*op) {
                            break;
                        }
                        postfix.push(ops.pop().expect("an operator").clone());
                    }
                    ops.push(t);
                    operand_before = false;
                }
                Token::Open => {
                    if operand_before {
                        return Err("an operator must come before `(`".into());
                    }
                    ops.push(t);
                }
                Token::Close => {
                    if !operand_before {
                        return Err("`)` needs an operand before it".into());
                    }
                    loop {
                        match ops.pop() {
                            Some(Token::Open) => break,
                            Some(op) => postfix.push(op.clone()),
                            None => return Err("unbalanced `)`".into()),
                        }
                    }
                }
            }
        }
        if !operand_before {
            return Err("incomplete expression".into());
        }
        while let Some(op) = ops.pop() {
            if *op == Token::Open {
                return Err("incomplete expression: `(` is not closed".into());
            }
            postfix.push(op.clone());
        }

        let mut columns = Vec::new();
        for t in &tokens {
            if let Token::Col(c) = t
                && !columns.contains(c)
            {
                columns.push(*c);
            }
        }
        Ok(Calc {
            divides: tokens.contains(&Token::Op(b'/')),
            scales: tokens.iter().any(|t| matches!(t, Token::Op(b'*' | b'/'))),
            columns,
            postfix,
            tokens,
        })
    }

    /// Appends the Excel formula of the expression for a sheet row (1-based), with `letters[c]`
    /// the column names: `c2-c4` on row 5 is `B5-D5`.
    pub fn write_formula(&self, out: &mut String, row: u32, letters: &[String]) {
        for t in &self.tokens {
            match t {
                Token::Col(c) => {
                    let _ = write!(out, "{}{row}", letters[*c]);
                }
                Token::Num(_, text) => out.push_str(text),
                Token::Op(op) => out.push(*op as char),
                Token::Open => out.push('('),
                Token::Close => out.push(')'),
            }
        }
    }

    /// The value of the expression, with `value(c)` the sheet value of column `c` (0-based).
    /// Errors as Excel's: the first in evaluation order.
    pub fn eval(&self, value: impl Fn(usize) -> Result<f64, EvalError>) -> Result<f64, EvalError> {
        let mut stack: Vec<f64> = Vec::with_capacity(8);
        for t in &self.postfix {
            let v = match t {
                Token::Col(c) => value(*c)?,
                Token::Num(n, _) => *n,
                Token::Op(op) => {
                    let rhs = stack.pop().expect("checked by parse");
                    let lhs = stack.pop().expect("checked by parse");
                    match op {
                        b'+' => lhs + rhs,
                        b'-' => lhs - rhs,
                        b'*' => lhs * rhs,
                        _ if rhs == 0.0 => return Err(EvalError::DivisionByZero),
                        _ => lhs / rhs,
                    }
                }
                Token::Open | Token::Close => unreachable!("no parentheses in postfix"),
            };
            stack.push(v);
        }
        Ok(stack.pop().expect("checked by parse"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letters(n: usize) -> Vec<String> {
        (0..n).map(|c| rust_xlsxwriter::column_number_to_name(c as u16)).collect()
    }

    #[test]
    fn translates_to_the_same_row() {
        let mut f = String::new();
        Calc::parse("(c5 - c2) / (c3-c2)").unwrap().write_formula(&mut f, 12, &letters(6));
        assert_eq!(f, "(E12-B12)/(C12-B12)");
        let mut f = String::new();
        Calc::parse("c4*0.07+1.5").unwrap().write_formula(&mut f, 3, &letters(6));
        assert_eq!(f, "D3*0.07+1.5");
    }

    #[test]
    fn evaluates_with_precedence_and_excel_errors() {
        let row = [10.0, 4.0, 0.0, 2.5];
        let value = |c: usize| Ok(row[c]);
        assert_eq!(Calc::parse("c1-c2*c4").unwrap().eval(value), Ok(0.0));
        assert_eq!(Calc::parse("(c1-c2)*c4").unwrap().eval(value), Ok(15.0));
        assert_eq!(Calc::parse("c1/c2/c4").unwrap().eval(value), Ok(1.0));
        assert_eq!(Calc::parse("c1/c3").unwrap().eval(value), Err(EvalError::DivisionByZero));
        let text = |c: usize| if c == 1 { Err(EvalError::NotANumber(1)) } else { Ok(row[c]) };
        assert_eq!(Calc::parse("c1+c2").unwrap().eval(text), Err(EvalError::NotANumber(1)));
        let calc = Calc::parse("(c5-c2)/(c3-c2)").unwrap();
        assert_eq!(calc.columns, [4, 1, 2]);
        assert!(calc.divides && calc.scales);
        assert!(!Calc::parse("c2-c4").unwrap().scales);
    }

    #[test]
    fn refuses_what_is_not_an_expression() {
        for bad in ["", "c1-", "(c1", "c1)", "c1 c2", "c0", "SUM(c1)", "c1--c2", "1..2"] {
            assert!(Calc::parse(bad).is_err(), "{bad}");
        }
    }
}
