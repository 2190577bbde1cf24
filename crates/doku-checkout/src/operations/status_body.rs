//! The few fields a status answer is read for, straight from its bytes: no `serde_json::Value`
//! tree (a map and a string per key and value) is built for a body of which five strings are
//! kept. Reads exactly what the tree reading reads: a section that is not an object, or a field
//! that is not a string, counts as absent, a repeated key keeps its last value, and every value
//! skipped is still parsed as strictly as the tree parses it (serde's `IgnoredAny` is not: it
//! lets a lone surrogate escape or an out-of-range number through, which the tree refuses).

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A visitor's answer to every JSON scalar but a string (`true`, `1`, `-1`, `1.5`, `null`), and
/// with `strings too` to a string as well.
macro_rules! scalars_are {
    ($value:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
    ($value:expr, strings too) => {
        scalars_are!($value);
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

/// `order` and `transaction` of a status answer whose top level is a JSON object.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct StatusBody<'a> {
    pub(super) order: Section<'a>,
    pub(super) transaction: Section<'a>,
}

/// The string fields of one section (absent: missing, not a string, or not in an object).
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Section<'a> {
    pub(super) status: Option<Cow<'a, str>>,
    pub(super) invoice_number: Option<Cow<'a, str>>,
    pub(super) original_request_id: Option<Cow<'a, str>>,
}

impl<'a> StatusBody<'a> {
    /// `None` when the body is not JSON or its top level is not an object.
    pub(super) fn parse(body: &'a [u8]) -> Option<Self> {
        serde_json::from_slice(body).ok()
    }
}

impl<'de> Deserialize<'de> for StatusBody<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Top;
        impl<'de> Visitor<'de> for Top {
            type Value = StatusBody<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut body = StatusBody::default();
                while let Some(Key(key)) = map.next_key()? {
                    match key.as_ref() {
                        "order" => body.order = map.next_value()?,
                        "transaction" => body.transaction = map.next_value()?,
                        _ => {
                            map.next_value::<Skipped>()?;
                        }
                    }
                }
                Ok(body)
            }
        }
        // Any other top level (an array, a string...) is refused: not a status answer.
        d.deserialize_map(Top)
    }
}

impl<'de> Deserialize<'de> for Section<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = Section<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut section = Section::default();
                while let Some(Key(key)) = map.next_key()? {
                    let slot = match key.as_ref() {
                        "status" => &mut section.status,
                        "invoice_number" => &mut section.invoice_number,
                        "original_request_id" => &mut section.original_request_id,
                        _ => {
                            map.next_value::<Skipped>()?;
                            continue;
                        }
                    };
                    *slot = map.next_value::<StringOrOther<'de>>()?.0;
                }
                Ok(section)
            }
            // Not an object: no fields (the value is still read through, so it must be JSON).
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<Skipped>()?.is_some() {}
                Ok(Section::default())
            }
            scalars_are!(Section::default(), strings too);
        }
        d.deserialize_any(Fields)
    }
}

/// A JSON string (borrowed when it has no escapes), or `None` for any other value.
struct StringOrOther<'a>(Option<Cow<'a, str>>);

impl<'de> Deserialize<'de> for StringOrOther<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl<'de> Visitor<'de> for Text {
            type Value = StringOrOther<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(StringOrOther(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(StringOrOther(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(StringOrOther(Some(Cow::Owned(v))))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<Skipped, Skipped>()?.is_some() {}
                Ok(StringOrOther(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<Skipped>()?.is_some() {}
                Ok(StringOrOther(None))
            }
            scalars_are!(StringOrOther(None));
        }
        d.deserialize_any(Text)
    }
}

/// An object key: borrowed from the body unless it has escapes (serde's own `Cow<str>` always
/// copies).
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Name;
        impl<'de> Visitor<'de> for Name {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(Name)
    }
}

/// Any JSON value, parsed in full and dropped: strings decoded (escapes and UTF-8 checked),
/// numbers converted (range checked), as `serde_json::Value` would.
struct Skipped;

impl<'de> Deserialize<'de> for Skipped {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = Skipped;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skipped, A::Error> {
                while map.next_entry::<Skipped, Skipped>()?.is_some() {}
                Ok(Skipped)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skipped, A::Error> {
                while seq.next_element::<Skipped>()?.is_some() {}
                Ok(Skipped)
            }
            scalars_are!(Skipped, strings too);
        }
        d.deserialize_any(Any)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// JSON never gives these readers a value they refuse (bytes, say), but another
    /// deserializer can, and the refusal says what was expected.
    #[test]
    fn each_reader_names_what_it_expected() {
        use serde::de::value::{BytesDeserializer, Error};
        let refusal = |e: Result<(), Error>| e.err().map(|e| e.to_string()).unwrap_or_default();
        let bytes = || BytesDeserializer::<Error>::new(b"x");
        let refusals = [
            ("any JSON value", refusal(Section::deserialize(bytes()).map(drop))),
            ("any JSON value", refusal(StringOrOther::deserialize(bytes()).map(drop))),
            ("any JSON value", refusal(Skipped::deserialize(bytes()).map(drop))),
            ("an object key", refusal(Key::deserialize(bytes()).map(drop))),
        ];
        for (expected, refusal) in refusals {
            assert!(refusal.ends_with(&format!("expected {expected}")), "{refusal}");
        }
    }

    #[test]
    fn a_top_level_that_is_not_an_object_is_refused_by_what_was_expected() {
        // Not seen by callers (such a body goes the tree's way and is classified there), but
        // what a debugger shows.
        let e = serde_json::from_slice::<StatusBody<'_>>(b"[1]").err().map(|e| e.to_string());
        assert!(e.as_deref().is_some_and(|e| e.contains("expected a JSON object")), "{e:?}");
    }
}
