//! The template expression language: a tokenizer and a recursive-descent parser into [`Expr`].
//!
//! Grammar (ARM's, as its documentation and real templates use it):
//!
//! ```text
//! expression := primary ( '.' name | '[' expression ']' )*
//! primary    := string | integer | name '(' ( expression ( ',' expression )* )? ')' | name
//! string     := "'" ( any but "'" | "''" )* "'"
//! ```
//!
//! A bare name is only `true`, `false` or `null`; a dotted name before `(` is a user function
//! (`__bicep.fn(...)`).

use std::fmt;

/// The deepest nesting parsed: a hostile template cannot overflow the stack.
const MAX_DEPTH: usize = 64;

/// A parsed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A string literal.
    String(String),
    /// An integer literal.
    Int(i64),
    /// A function call; the name as written.
    Call(String, Vec<Expr>),
    /// `value.name`.
    Member(Box<Expr>, String),
    /// `value[index]`.
    Index(Box<Expr>, Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    String(String),
    Int(i64),
    Name(String),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Comma,
    Dot,
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let token = match c {
            c if c.is_whitespace() => continue,
            '(' => Token::Open,
            ')' => Token::Close,
            '[' => Token::OpenBracket,
            ']' => Token::CloseBracket,
            ',' => Token::Comma,
            '.' => Token::Dot,
            '\'' => {
                let mut literal = String::new();
                loop {
                    match chars.next() {
                        Some((_, '\'')) if chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                            chars.next();
                            literal.push('\'');
                        }
                        Some((_, '\'')) => break,
                        Some((_, c)) => literal.push(c),
                        None => return Err(format!("a string starting at character {at} is not closed")),
                    }
                }
                Token::String(literal)
            }
            c if c.is_ascii_digit() || c == '-' || c == '+' => {
                let mut digits = String::from(c);
                while let Some((_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                Token::Int(digits.parse().map_err(|_| format!("{digits:?} is not an integer"))?)
            }
            c if c.is_alphabetic() || c == '_' || c == '$' => {
                let mut name = String::from(c);
                while let Some((_, d)) = chars.peek().filter(|(_, d)| d.is_alphanumeric() || *d == '_' || *d == '$') {
                    name.push(*d);
                    chars.next();
                }
                Token::Name(name)
            }
            other => return Err(format!("unexpected {other:?} at character {at}")),
        };
        tokens.push(token);
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn expect(&mut self, wanted: &Token, what: &str) -> Result<(), String> {
        match self.next() {
            Some(ref token) if token == wanted => Ok(()),
            Some(token) => Err(format!("expected {what}, found {}", describe(&token))),
            None => Err(format!("expected {what}, found the end")),
        }
    }

    fn expression(&mut self, depth: usize) -> Result<Expr, String> {
        if depth > MAX_DEPTH {
            return Err(format!("nested deeper than {MAX_DEPTH} levels"));
        }
        let mut expr = self.primary(depth)?;
        loop {
            match self.peek() {
                Some(Token::Dot) => {
                    self.next();
                    match self.next() {
                        Some(Token::Name(name)) => expr = Expr::Member(Box::new(expr), name),
                        Some(token) => return Err(format!("expected a property name, found {}", describe(&token))),
                        None => return Err("expected a property name, found the end".to_owned()),
                    }
                }
                Some(Token::OpenBracket) => {
                    self.next();
                    let index = self.expression(depth + 1)?;
                    self.expect(&Token::CloseBracket, "']'")?;
                    expr = Expr::Index(Box::new(expr), Box::new(index));
                }
                _ => return Ok(expr),
            }
        }
    }

    fn primary(&mut self, depth: usize) -> Result<Expr, String> {
        match self.next() {
            Some(Token::String(s)) => Ok(Expr::String(s)),
            Some(Token::Int(i)) => Ok(Expr::Int(i)),
            Some(Token::Name(mut name)) => {
                // `namespace.function(` is one user-defined function name.
                if self.peek() == Some(&Token::Dot)
                    && let (Some(Token::Name(member)), Some(Token::Open)) =
                        (self.tokens.get(self.at + 1), self.tokens.get(self.at + 2))
                {
                    name = format!("{name}.{member}");
                    self.at += 2;
                }
                if self.peek() != Some(&Token::Open) {
                    return match name.to_ascii_lowercase().as_str() {
                        "true" | "false" | "null" => Ok(Expr::Call(name, Vec::new())),
                        _ => Err(format!("{name:?} is not a function call")),
                    };
                }
                self.next();
                let mut arguments = Vec::new();
                if self.peek() == Some(&Token::Close) {
                    self.next();
                    return Ok(Expr::Call(name, arguments));
                }
                loop {
                    arguments.push(self.expression(depth + 1)?);
                    match self.next() {
                        Some(Token::Comma) => {}
                        Some(Token::Close) => return Ok(Expr::Call(name, arguments)),
                        Some(token) => return Err(format!("expected ',' or ')', found {}", describe(&token))),
                        None => return Err(format!("the call to {name} is not closed")),
                    }
                }
            }
            Some(token) => Err(format!("expected a value, found {}", describe(&token))),
            None => Err("the expression is empty".to_owned()),
        }
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::String(s) => format!("'{s}'"),
        Token::Int(i) => i.to_string(),
        Token::Name(n) => n.clone(),
        Token::Open => "'('".to_owned(),
        Token::Close => "')'".to_owned(),
        Token::OpenBracket => "'['".to_owned(),
        Token::CloseBracket => "']'".to_owned(),
        Token::Comma => "','".to_owned(),
        Token::Dot => "'.'".to_owned(),
    }
}

/// Parses the text between a template string's outer `[` and `]`.
pub fn parse(text: &str) -> Result<Expr, String> {
    let mut parser = Parser { tokens: tokenize(text)?, at: 0 };
    let expr = parser.expression(0)?;
    match parser.next() {
        None => Ok(expr),
        Some(token) => Err(format!("unexpected {} after the expression", describe(&token))),
    }
}

impl fmt::Display for Expr {
    /// Template syntax, shortened: long arguments become `...` so messages stay readable.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::String(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Expr::Int(i) => write!(f, "{i}"),
            Expr::Call(name, arguments) => {
                let text: Vec<String> = arguments.iter().map(ToString::to_string).collect();
                let joined = text.join(", ");
                if joined.len() > 80 { write!(f, "{name}(...)") } else { write!(f, "{name}({joined})") }
            }
            Expr::Member(base, name) => write!(f, "{base}.{name}"),
            Expr::Index(base, index) => write!(f, "{base}[{index}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_members_and_indexes() {
        let expr = parse("reference(resourceId('a/b', 'n'), '2018-11-30', 'Full').identity['principalId']").unwrap();
        assert_eq!(expr.to_string(), "reference(resourceId('a/b', 'n'), '2018-11-30', 'Full').identity['principalId']");
        let Expr::Index(base, _) = expr else { panic!() };
        assert!(matches!(*base, Expr::Member(_, ref name) if name == "identity"));
    }

    #[test]
    fn quotes_are_doubled_and_numbers_signed() {
        assert_eq!(
            parse("concat('it''s', -1)").unwrap(),
            Expr::Call("concat".into(), vec![Expr::String("it's".into()), Expr::Int(-1)])
        );
    }

    #[test]
    fn line_breaks_between_arguments_are_whitespace() {
        assert!(parse("guid(\n  'a',\n  'b')").is_ok());
    }

    #[test]
    fn namespaced_functions_and_bare_literals() {
        assert_eq!(
            parse("__bicep.f(true)").unwrap(),
            Expr::Call("__bicep.f".into(), vec![Expr::Call("true".into(), vec![])])
        );
        assert!(parse("x").is_err());
    }

    #[test]
    fn malformed_expressions_are_errors_not_panics() {
        for text in ["", "concat(", "'open", "a(1,,2)", "a(1))", "a().", "a()[1", "#", "99999999999999999999"] {
            assert!(parse(text).is_err(), "{text}");
        }
        let deep = format!("{}1{}", "a(".repeat(200), ")".repeat(200));
        assert!(parse(&deep).is_err());
    }
}
