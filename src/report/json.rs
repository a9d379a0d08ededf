//! A JSON value that borrows from the document, for the lenient parser.
//!
//! The parser looks at every field's JSON type before deciding what to make
//! of it, so it needs a value, not typed structs. `serde_json::Value` costs an
//! allocation per key, per string and per map node (a `BTreeMap`); a report has
//! a few dozen of each, and decoding into it was the largest part of parsing.
//! [`JVal`] keeps strings and keys borrowed from the input (copied only when
//! they hold escapes) and objects as a short list in document order, so the
//! parser copies only what the report keeps.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// One JSON value, borrowing its strings from the document where it can.
#[derive(Debug, Clone, PartialEq)]
pub enum JVal<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json classifies it.
    Num(Num),
    /// A string.
    Str(Cow<'a, str>),
    /// An array.
    Arr(Vec<JVal<'a>>),
    /// An object, its members in document order (duplicates included).
    Obj(Obj<'a>),
}

/// A JSON number: serde_json hands non-negative integers as `u64`, negative
/// ones as `i64`, and everything else (fractions, exponents, integers beyond
/// 64 bits) as `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    /// A non-negative integer.
    U(u64),
    /// A negative integer.
    I(i64),
    /// Any other number.
    F(f64),
}

/// An object's members in document order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Obj<'a>(Vec<(Cow<'a, str>, JVal<'a>)>);

impl<'a> Obj<'a> {
    /// Removes `key` and returns its value. A key given twice keeps its last
    /// value, as JSON parsers commonly do (and `serde_json::Value` did here).
    pub fn take(&mut self, key: &str) -> Option<JVal<'a>> {
        let last = self.0.iter().rposition(|(k, _)| k == key)?;
        let (_, v) = self.0.swap_remove(last);
        // Earlier duplicates go too (rare: only then is the list walked again).
        if self.0.iter().any(|(k, _)| k == key) {
            self.0.retain(|(k, _)| k != key);
        }
        Some(v)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// Whether `key` is absent or `null`.
    pub fn is_absent_or_null(&self, key: &str) -> bool {
        self.0.iter().rev().find(|(k, _)| k == key).is_none_or(|(_, v)| matches!(v, JVal::Null))
    }

    /// The same object as a `serde_json::Value` (inserting in document order
    /// keeps the last of duplicate keys).
    pub fn to_value(&self) -> Value {
        Value::Object(self.0.iter().map(|(k, v)| (k.as_ref().to_owned(), v.to_value())).collect())
    }

    /// The remaining members, sorted by key, the last of duplicates kept.
    pub fn into_sorted(self) -> Vec<(String, JVal<'a>)> {
        let mut out: Vec<(String, JVal<'a>)> = Vec::with_capacity(self.0.len());
        for (k, v) in self.0 {
            match out.iter_mut().find(|(o, _)| *o == k) {
                Some(slot) => slot.1 = v,
                None => out.push((k.into_owned(), v)),
            }
        }
        crate::sort::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
        out
    }
}

impl JVal<'_> {
    /// The JSON type's name, for messages ("a string", "an object").
    pub fn type_name(&self) -> &'static str {
        match self {
            JVal::Null => "null",
            JVal::Bool(_) => "a boolean",
            JVal::Num(_) => "a number",
            JVal::Str(_) => "a string",
            JVal::Arr(_) => "an array",
            JVal::Obj(_) => "an object",
        }
    }

    /// The same value as a `serde_json::Value` (for fields kept verbatim).
    pub fn to_value(&self) -> Value {
        match self {
            JVal::Null => Value::Null,
            JVal::Bool(b) => Value::Bool(*b),
            JVal::Num(n) => n.to_value(),
            JVal::Str(s) => Value::String(s.as_ref().to_owned()),
            JVal::Arr(items) => Value::Array(items.iter().map(JVal::to_value).collect()),
            JVal::Obj(obj) => obj.to_value(),
        }
    }
}

impl Num {
    /// As a `serde_json::Value` (a non-finite float, which JSON text cannot
    /// hold, becomes `null`).
    pub fn to_value(self) -> Value {
        match self {
            Num::U(u) => Value::from(u),
            Num::I(i) => Value::from(i),
            Num::F(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        }
    }
}

impl fmt::Display for Num {
    /// The number as serde_json writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::U(u) => write!(f, "{u}"),
            Num::I(i) => write!(f, "{i}"),
            Num::F(_) => write!(f, "{}", self.to_value()),
        }
    }
}

impl<'de> Deserialize<'de> for JVal<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JValVisitor)
    }
}

/// A key, borrowed when it holds no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(JValVisitor).and_then(|v| match v {
            JVal::Str(s) => Ok(Key(s)),
            other => Err(de::Error::invalid_type(de::Unexpected::Other(other.type_name()), &"a key")),
        })
    }
}

struct JValVisitor;

impl<'de> Visitor<'de> for JValVisitor {
    type Value = JVal<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<JVal<'de>, E> {
        Ok(JVal::Null)
    }

    fn visit_none<E>(self) -> Result<JVal<'de>, E> {
        Ok(JVal::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<JVal<'de>, E> {
        Ok(JVal::Bool(b))
    }

    fn visit_u64<E>(self, u: u64) -> Result<JVal<'de>, E> {
        Ok(JVal::Num(Num::U(u)))
    }

    fn visit_i64<E>(self, i: i64) -> Result<JVal<'de>, E> {
        // serde_json hands non-negative integers to `visit_u64`; kept the same way.
        Ok(JVal::Num(if i >= 0 { Num::U(i as u64) } else { Num::I(i) }))
    }

    fn visit_f64<E>(self, f: f64) -> Result<JVal<'de>, E> {
        Ok(JVal::Num(Num::F(f)))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<JVal<'de>, E> {
        Ok(JVal::Str(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<JVal<'de>, E> {
        Ok(JVal::Str(Cow::Owned(s.to_owned())))
    }

    fn visit_string<E>(self, s: String) -> Result<JVal<'de>, E> {
        Ok(JVal::Str(Cow::Owned(s)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JVal<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(v) = seq.next_element()? {
            items.push(v);
        }
        Ok(JVal::Arr(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JVal<'de>, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0).min(16));
        while let Some((Key(k), v)) = map.next_entry()? {
            members.push((k, v));
        }
        Ok(JVal::Obj(Obj(members)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> JVal<'_> {
        serde_json::from_str(text).expect("valid JSON")
    }

    #[test]
    fn decodes_like_serde_json_value() {
        let text = r#"{"a":[1,-2,3.5,1e300,18446744073709551616,true,null,"x\"y"],"b":{"c":"d"},"a":0}"#;
        let want: Value = serde_json::from_str(text).expect("valid JSON");
        assert_eq!(parse(text).to_value(), want);
    }

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let JVal::Obj(mut o) = parse(r#"{"plain":"abc","escaped":"a\nb"}"#) else { panic!("an object") };
        assert!(matches!(o.take("plain"), Some(JVal::Str(Cow::Borrowed("abc")))));
        assert!(matches!(o.take("escaped"), Some(JVal::Str(Cow::Owned(s))) if s == "a\nb"));
    }

    #[test]
    fn take_keeps_the_last_duplicate_and_removes_all() {
        let JVal::Obj(mut o) = parse(r#"{"k":1,"x":true,"k":2,"k":3}"#) else { panic!("an object") };
        assert_eq!(o.take("k"), Some(JVal::Num(Num::U(3))));
        assert!(!o.contains_key("k"));
        assert_eq!(o.into_sorted(), vec![("x".to_owned(), JVal::Bool(true))]);
    }

    #[test]
    fn numbers_print_as_serde_json_writes_them() {
        for text in ["0", "7", "-7", "1.5", "1e3", "12345678901234567890123"] {
            let JVal::Num(n) = parse(text) else { panic!("a number") };
            let v: Value = serde_json::from_str(text).expect("valid JSON");
            assert_eq!(n.to_string(), v.to_string(), "{text}");
        }
    }
}
