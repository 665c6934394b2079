//! Value templates: pulling a widget's value out of a payload, and rendering command payloads.
//!
//! Home Assistant describes both with Jinja templates. Only the small subset that discovery
//! documents use in practice is implemented: literal text around `{{ expression }}` blocks, where
//! an expression is `value` or `value_json` followed by `.key`, `['key']` or `[0]` lookups and
//! filters (`float`, `int`, `round(n)`, `lower`, `upper`, `trim`, `string`, `abs`, `tojson`,
//! `default(x)`). Anything else is refused with a reason when the template is parsed, so an entity
//! is listed as skipped instead of showing a wrong value later.

use crate::model::json::{Json, Num};
use crate::model::number::{parse_f64, within};
use serde::{Deserialize, Serialize};

use super::payload::{lookup, render_value, Seg};
pub use super::payload::{ExtractError, Payload, TemplateError};
use crate::model::fold::fold;

#[derive(Debug, Clone, PartialEq)]
enum RoundMethod {
    Common,
    Floor,
    Ceil,
}

#[derive(Debug, Clone, PartialEq)]
enum Filter {
    Float(Option<f64>),
    Int(Option<f64>),
    Round(i32, RoundMethod),
    Lower,
    Upper,
    Trim,
    Str,
    Abs,
    ToJson,
    /// The second field: also replace empty and false values, as Jinja's `default(x, true)`.
    Default(Json, bool),
}

#[derive(Debug, Clone, PartialEq)]
struct Expr {
    text: String,
    json: bool,
    path: Vec<Seg>,
    filters: Vec<Filter>,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Expr(Expr),
}

/// A parsed Home Assistant template. Plain text without `{{ }}` renders as itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

impl Template {
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = source;
        loop {
            // A lone `{` (as in a JSON command template) is text; only `{{`, `{%` and `{#` open a block.
            let opener = rest
                .match_indices('{')
                .map(|(i, _)| i)
                .find(|&i| matches!(rest.as_bytes().get(i + 1), Some(b'{' | b'%' | b'#')));
            let Some(open) = opener else {
                push_text(&mut parts, rest);
                break;
            };
            push_text(&mut parts, &rest[..open]);
            let kind = &rest[open..open + 2];
            let body_start = open + 2;
            let closer = match kind {
                "{{" => "}}",
                "{%" => "%}",
                _ => "#}",
            };
            let close = find_closer(&rest[body_start..], closer).ok_or_else(|| {
                TemplateError::malformed(source, format!("{kind} is never closed by {closer}"))
            })?;
            let body = &rest[body_start..body_start + close];
            match kind {
                "{{" => parts.push(Part::Expr(parse_expr(source, body)?)),
                "{%" => {
                    return Err(TemplateError::unsupported(
                        source,
                        "statements such as {% if %} or {% set %} are not supported; only {{ value }} and {{ value_json... }} expressions are",
                    ))
                }
                _ => {} // a comment
            }
            rest = &rest[body_start + close + 2..];
        }
        Ok(Template {
            source: source.to_string(),
            parts,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// True for exactly `{{ value }}`, which passes the value through unchanged.
    pub fn is_bare_value(&self) -> bool {
        matches!(self.parts.as_slice(), [Part::Expr(e)] if !e.json && e.filters.is_empty())
    }

    /// Renders with `value` bound to the payload text and `value_json` to its JSON.
    pub fn render(&self, payload: &Payload) -> Result<String, ExtractError> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Expr(e) => out.push_str(&eval(e, payload)?),
            }
        }
        Ok(out)
    }

    /// Renders a command template with `value` bound to `value`.
    pub fn render_command(&self, value: &str) -> Result<String, ExtractError> {
        self.render(&Payload::new(value.as_bytes()))
    }
}

fn push_text(parts: &mut Vec<Part>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Part::Text(prev)) = parts.last_mut() {
        prev.push_str(text);
    } else {
        parts.push(Part::Text(text.to_string()));
    }
}

/// Finds `closer` outside quoted strings, so `{{ value_json['a}}'] }}` closes at the right place.
fn find_closer(body: &str, closer: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in body.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if body[i..].starts_with(closer) => return Some(i),
            None => {}
        }
    }
    None
}

impl TryFrom<String> for Template {
    type Error = TemplateError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Template::parse(&s)
    }
}

impl From<Template> for String {
    fn from(t: Template) -> String {
        t.source
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    Sym(char),
}

fn tokenize(template: &str, body: &str) -> Result<Vec<Tok>, TemplateError> {
    let chars: Vec<char> = body.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            toks.push(Tok::Ident(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let n = parse_f64(&text)
                .ok_or_else(|| TemplateError::malformed(template, format!("bad number {text}")))?;
            toks.push(Tok::Num(n));
        } else if c == '\'' || c == '"' {
            let end = chars[i + 1..]
                .iter()
                .position(|&d| d == c)
                .ok_or_else(|| TemplateError::malformed(template, "unclosed string"))?;
            toks.push(Tok::Str(chars[i + 1..i + 1 + end].iter().collect()));
            i += end + 2;
        } else if ".[]|(),".contains(c) {
            toks.push(Tok::Sym(c));
            i += 1;
        } else {
            return Err(TemplateError::unsupported(
                template,
                format!("the operator '{c}' is not supported; only lookups and filters are"),
            ));
        }
    }
    Ok(toks)
}

fn parse_expr(template: &str, body: &str) -> Result<Expr, TemplateError> {
    // `{{- x -}}` trims surrounding whitespace in Jinja; values are trimmed anyway.
    let body = body.strip_prefix('-').unwrap_or(body);
    let body = body.strip_suffix('-').unwrap_or(body);
    let toks = tokenize(template, body)?;
    let mut it = toks.into_iter().peekable();
    let json = match it.next() {
        Some(Tok::Ident(n)) if n == "value" => false,
        Some(Tok::Ident(n)) if n == "value_json" => true,
        Some(Tok::Ident(n)) => {
            return Err(TemplateError::unsupported(
                template,
                format!("'{n}' is not available; only value and value_json are"),
            ))
        }
        Some(_) => {
            return Err(TemplateError::unsupported(
                template,
                "an expression must start with value or value_json (literals, conditions and arithmetic are not supported)",
            ))
        }
        None => return Err(TemplateError::malformed(template, "an empty {{ }} expression")),
    };
    let mut path = Vec::new();
    while let Some(Tok::Sym('.' | '[')) = it.peek() {
        match it.next() {
            Some(Tok::Sym('.')) => match it.next() {
                Some(Tok::Ident(k)) => path.push(Seg::Key(k)),
                Some(Tok::Num(n)) if n >= 0.0 && n.fract() == 0.0 => path.push(Seg::Index(n as usize)),
                _ => return Err(TemplateError::malformed(template, "a name must follow '.'")),
            },
            _ => {
                match it.next() {
                    Some(Tok::Str(k)) => path.push(Seg::Key(k)),
                    Some(Tok::Num(n)) if n >= 0.0 && n.fract() == 0.0 => path.push(Seg::Index(n as usize)),
                    _ => {
                        return Err(TemplateError::malformed(
                            template,
                            "[...] needs a quoted key or an index",
                        ))
                    }
                }
                if it.next() != Some(Tok::Sym(']')) {
                    return Err(TemplateError::malformed(template, "missing ]"));
                }
            }
        }
    }
    if !json && !path.is_empty() {
        return Err(TemplateError::unsupported(
            template,
            "lookups work on value_json, not on value",
        ));
    }
    let mut filters = Vec::new();
    while let Some(tok) = it.next() {
        if tok != Tok::Sym('|') {
            return Err(TemplateError::unsupported(
                template,
                "only lookups and | filters are supported (no operators, conditions or method calls)",
            ));
        }
        let Some(Tok::Ident(name)) = it.next() else {
            return Err(TemplateError::malformed(template, "a filter name must follow |"));
        };
        let mut args = Vec::new();
        if it.peek() == Some(&Tok::Sym('(')) {
            it.next();
            loop {
                match it.next() {
                    Some(Tok::Sym(')')) => break,
                    Some(Tok::Sym(',')) => {}
                    Some(Tok::Str(s)) => args.push(Json::String(s)),
                    Some(Tok::Num(n)) => args.push(Json::from_f64(n)),
                    Some(Tok::Ident(b)) if b == "true" || b == "True" => args.push(Json::Bool(true)),
                    Some(Tok::Ident(b)) if b == "false" || b == "False" => args.push(Json::Bool(false)),
                    Some(Tok::Ident(b)) if b == "none" || b == "None" => args.push(Json::Null),
                    _ => {
                        return Err(TemplateError::unsupported(
                            template,
                            format!("filter '{name}' takes only literal arguments here"),
                        ))
                    }
                }
            }
        }
        filters.push(make_filter(template, &name, &args)?);
    }
    Ok(Expr {
        text: body.trim().to_string(),
        json,
        path,
        filters,
    })
}

fn make_filter(template: &str, name: &str, args: &[Json]) -> Result<Filter, TemplateError> {
    let num_arg = |i: usize| args.get(i).and_then(Json::as_f64);
    Ok(match name {
        "float" => Filter::Float(num_arg(0)),
        "int" => Filter::Int(num_arg(0)),
        "round" => {
            let method = match args.get(1).and_then(Json::as_str) {
                None | Some("common") => RoundMethod::Common,
                Some("floor") => RoundMethod::Floor,
                Some("ceil") => RoundMethod::Ceil,
                Some(m) => return Err(TemplateError::malformed(template, format!("unknown round method '{m}'"))),
            };
            Filter::Round(within(num_arg(0).unwrap_or(0.0), 0.0, 15.0) as i32, method)
        }
        "lower" => Filter::Lower,
        "upper" => Filter::Upper,
        "trim" => Filter::Trim,
        "string" => Filter::Str,
        "abs" => Filter::Abs,
        "tojson" | "to_json" => Filter::ToJson,
        "default" | "d" => Filter::Default(
            args.first().cloned().unwrap_or(Json::String(String::new())),
            args.get(1).and_then(Json::as_bool).unwrap_or(false),
        ),
        other => {
            return Err(TemplateError::unsupported(
                template,
                format!(
                    "the filter '{other}' is not supported (supported: float, int, round, lower, upper, trim, string, abs, tojson, default)"
                ),
            ))
        }
    })
}

fn as_number(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => parse_f64(s),
        Json::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

fn number(f: f64) -> Option<Json> {
    Num::from_f64(f).map(Json::Number)
}

fn text_of(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn eval(e: &Expr, payload: &Payload) -> Result<String, ExtractError> {
    let mut cur: Option<Json> = if e.json {
        let json = payload.json().ok_or(ExtractError::NotJson)?;
        lookup(json, &e.path).cloned()
    } else {
        Some(Json::String(payload.text().to_string()))
    };
    for f in &e.filters {
        if let Filter::Default(d, falsy_too) = f {
            let falsy = |v: &Json| match v {
                Json::Null => true,
                Json::Bool(b) => !b,
                Json::String(s) => s.is_empty(),
                _ => false,
            };
            if cur.is_none() || (*falsy_too && cur.as_ref().is_some_and(falsy)) {
                cur = Some(d.clone());
            }
            continue;
        }
        let v = cur.take().ok_or_else(|| ExtractError::Missing(e.text.clone()))?;
        let not_number = || ExtractError::NotANumber(text_of(&v));
        cur = Some(match f {
            Filter::Float(def) => as_number(&v).or(*def).and_then(number).ok_or_else(not_number)?,
            Filter::Int(def) => {
                let n = as_number(&v).or(*def).ok_or_else(not_number)?;
                // `as` saturates at i64's range.
                Json::Number(Num::from(n.trunc() as i64))
            }
            Filter::Round(places, method) => {
                let n = as_number(&v).ok_or_else(not_number)?;
                let scale = 10f64.powi(*places);
                let r = match method {
                    RoundMethod::Common => (n * scale).round() / scale,
                    RoundMethod::Floor => (n * scale).floor() / scale,
                    RoundMethod::Ceil => (n * scale).ceil() / scale,
                };
                number(r).ok_or_else(not_number)?
            }
            Filter::Abs => number(as_number(&v).ok_or_else(not_number)?.abs()).ok_or_else(not_number)?,
            // Payload words ("ON", "heat"); `lower` folds as the search fields do, `upper` is
            // ASCII only: the standard library's case tables would grow the bundle.
            Filter::Lower => Json::String(fold(&text_of(&v))),
            Filter::Upper => Json::String(text_of(&v).to_ascii_uppercase()),
            Filter::Trim => Json::String(text_of(&v).trim().to_string()),
            Filter::Str => Json::String(text_of(&v)),
            Filter::ToJson => Json::String(v.to_string()),
            Filter::Default(..) => v,
        });
    }
    match cur {
        Some(v) => render_value(&v, &e.text),
        None => Err(ExtractError::Missing(e.text.clone())),
    }
}
