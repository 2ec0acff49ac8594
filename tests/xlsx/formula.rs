//! Evaluates the formulas the renderer writes, on the values of the sheet as read back, the way
//! a spreadsheet does: A1 references, numbers, `+ - * /`, parentheses, `SUM` of cells and
//! ranges, `ROUND`, `IFERROR`, `IF`, `OR` and `=` against `""`. Blank cells are 0 in arithmetic
//! and "" in comparisons; text in arithmetic and a division by zero are errors.
//! Independent of the renderer's own calc code, so a test can check a formula against its
//! cached result.
#![allow(dead_code)]

use crate::reader::{Kind, Sheet, split_ref};

#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Num(f64),
    Str(String),
    Bool(bool),
    Err(&'static str),
    /// An empty cell: 0 in arithmetic, "" in a comparison.
    Blank,
}

impl V {
    pub fn num(&self) -> f64 {
        match self {
            V::Num(n) => *n,
            other => panic!("not a number: {other:?}"),
        }
    }
}

/// The value of `formula` (without `=`) on `sheet`.
pub fn eval(sheet: &Sheet, formula: &str) -> V {
    let mut p = Parser { s: formula.as_bytes(), i: 0, sheet };
    let v = p.compare();
    assert_eq!(p.i, p.s.len(), "trailing input in {formula}");
    v
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    sheet: &'a Sheet,
}

fn arith(a: V, b: V, op: u8) -> V {
    let n = |v: V| match v {
        V::Num(n) => Ok(n),
        V::Str(s) if s.is_empty() => Err("#VALUE!"),
        V::Str(_) => Err("#VALUE!"),
        V::Bool(b) => Ok(f64::from(u8::from(b))),
        V::Err(e) => Err(e),
        V::Blank => Ok(0.0),
    };
    match (n(a), n(b)) {
        (Err(e), _) | (_, Err(e)) => V::Err(e),
        (Ok(a), Ok(b)) => match op {
            b'+' => V::Num(a + b),
            b'-' => V::Num(a - b),
            b'*' => V::Num(a * b),
            _ if b == 0.0 => V::Err("#DIV/0!"),
            _ => V::Num(a / b),
        },
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn compare(&mut self) -> V {
        let a = self.sum();
        if self.eat(b'=') {
            let b = self.sum();
            let text = |v: &V| match v {
                V::Str(s) => Some(s.clone()),
                V::Blank => Some(String::new()),
                V::Num(_) | V::Bool(_) | V::Err(_) => None,
            };
            return V::Bool(text(&a).is_some() && text(&a) == text(&b));
        }
        a
    }

    fn sum(&mut self) -> V {
        let mut acc = self.term();
        while let Some(op @ (b'+' | b'-')) = self.peek() {
            self.i += 1;
            let rhs = self.term();
            acc = arith(acc, rhs, op);
        }
        acc
    }

    fn term(&mut self) -> V {
        let mut acc = self.factor();
        while let Some(op @ (b'*' | b'/')) = self.peek() {
            self.i += 1;
            let rhs = self.factor();
            acc = arith(acc, rhs, op);
        }
        acc
    }

    fn args(&mut self) -> Vec<(usize, usize)> {
        // Positions of each argument's text, for functions that treat them lazily.
        let mut spans = vec![];
        let mut depth = 0;
        let mut start = self.i;
        let mut in_str = false;
        while let Some(c) = self.peek() {
            match c {
                b'"' => in_str = !in_str,
                b'(' if !in_str => depth += 1,
                b')' if !in_str && depth == 0 => break,
                b')' if !in_str => depth -= 1,
                b',' if !in_str && depth == 0 => {
                    spans.push((start, self.i));
                    start = self.i + 1;
                }
                _ => {}
            }
            self.i += 1;
        }
        spans.push((start, self.i));
        assert!(self.eat(b')'));
        spans
    }

    fn sub(&self, (a, b): (usize, usize)) -> V {
        let text = std::str::from_utf8(&self.s[a..b]).unwrap();
        eval(self.sheet, text)
    }

    fn cell(&self, reference: &str) -> V {
        match self.sheet.get(reference) {
            None => V::Blank,
            Some(c) if c.value.is_none() => V::Blank,
            Some(c) => match c.kind {
                Kind::Number => V::Num(c.number()),
                Kind::Error => V::Err("#ERR"),
                _ => V::Str(c.text().to_string()),
            },
        }
    }

    fn factor(&mut self) -> V {
        if self.eat(b'(') {
            let v = self.compare();
            assert!(self.eat(b')'));
            return v;
        }
        if self.eat(b'"') {
            let start = self.i;
            while self.peek() != Some(b'"') {
                self.i += 1;
            }
            let s = String::from_utf8(self.s[start..self.i].to_vec()).unwrap();
            self.i += 1;
            return V::Str(s);
        }
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b':') {
            self.i += 1;
        }
        let word = std::str::from_utf8(&self.s[start..self.i]).unwrap().to_string();
        assert!(!word.is_empty(), "unexpected input at {} in {:?}", self.i, std::str::from_utf8(self.s));
        if self.eat(b'(') {
            let args = self.args();
            return match word.as_str() {
                "SUM" => {
                    let mut total = 0.0;
                    for (a, b) in args {
                        let text = std::str::from_utf8(&self.s[a..b]).unwrap();
                        if text.starts_with("SUM(") {
                            total += self.sub((a, b)).num();
                            continue;
                        }
                        let (from, to) = text.split_once(':').unwrap_or((text, text));
                        let (r1, _, col) = split_ref(from);
                        let (r2, _, _) = split_ref(to);
                        for r in r1..=r2 {
                            if let V::Num(n) = self.cell(&format!("{col}{r}")) {
                                total += n;
                            }
                        }
                    }
                    V::Num(total)
                }
                "ROUND" => {
                    let (x, d) = (self.sub(args[0]), self.sub(args[1]).num());
                    match x {
                        V::Num(x) => {
                            let scale = 10f64.powi(d as i32);
                            V::Num((x * scale).round() / scale)
                        }
                        other => other,
                    }
                }
                "IFERROR" => match self.sub(args[0]) {
                    V::Err(_) => self.sub(args[1]),
                    v => v,
                },
                "IF" => match self.sub(args[0]) {
                    V::Bool(true) => self.sub(args[1]),
                    V::Bool(false) => self.sub(args[2]),
                    other => panic!("IF on {other:?}"),
                },
                "OR" => V::Bool(args.iter().any(|a| self.sub(*a) == V::Bool(true))),
                other => panic!("unknown function {other}"),
            };
        }
        if word.as_bytes()[0].is_ascii_digit() || word.starts_with('.') {
            return V::Num(word.parse().unwrap());
        }
        self.cell(&word)
    }
}
