//! Rows for `COPY ... FROM STDIN` in PostgreSQL's text format.
//!
//! Quotes and mentions of a batch are new rows with fresh ids, so they need no conflict
//! handling: COPY loads them with far less server work than `INSERT ... SELECT unnest(...)`,
//! which has to build and unpack one array per column.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Timelike, Utc};

/// A buffer of rows in COPY text format: tab-separated fields, `\N` for NULL, one row a line.
#[derive(Default)]
pub(crate) struct CopyRows {
    buf: String,
    fields_in_row: usize,
    rows: u64,
    /// The last timestamp written and its text: a story's quotes and mentions all repeat it.
    last_time: Option<(DateTime<Utc>, String)>,
}

impl CopyRows {
    /// An empty buffer.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    fn sep(&mut self) {
        if self.fields_in_row > 0 {
            self.buf.push('\t');
        }
        self.fields_in_row += 1;
    }

    /// A text field, escaped; NUL characters (which text cannot hold) are dropped.
    pub(crate) fn text(&mut self, s: &str) -> &mut Self {
        self.sep();
        escape_into(&mut self.buf, s);
        self
    }

    /// A text field or NULL.
    pub(crate) fn opt_text(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.text(s),
            None => self.null(),
        }
    }

    /// A `text[]` field from a list; empty items are left out.
    pub(crate) fn text_array(&mut self, items: &[String]) -> &mut Self {
        self.text_items(
            items
                .iter()
                .map(String::as_str)
                .filter(|s| !s.trim().is_empty()),
        )
    }

    /// A `text[]` field holding every item, blank ones included.
    pub(crate) fn text_items<'s>(&mut self, items: impl IntoIterator<Item = &'s str>) -> &mut Self {
        self.sep();
        self.buf.push('{');
        let mut first = true;
        for item in items {
            if !first {
                self.buf.push(',');
            }
            first = false;
            // Array literal quoting first, then COPY escaping of the result.
            let mut quoted = String::with_capacity(item.len() + 2);
            quoted.push('"');
            for c in item.chars() {
                if c == '"' || c == '\\' {
                    quoted.push('\\');
                }
                quoted.push(c);
            }
            quoted.push('"');
            escape_into(&mut self.buf, &quoted);
        }
        self.buf.push('}');
        self
    }

    /// An `integer[]` field.
    pub(crate) fn int_array(&mut self, items: impl IntoIterator<Item = i32>) -> &mut Self {
        self.sep();
        self.buf.push('{');
        for (k, n) in items.into_iter().enumerate() {
            if k > 0 {
                self.buf.push(',');
            }
            let _ = write!(self.buf, "{n}");
        }
        self.buf.push('}');
        self
    }

    /// A number or other value whose `Display` needs no escaping.
    pub(crate) fn plain(&mut self, v: impl std::fmt::Display) -> &mut Self {
        self.sep();
        // Writing into a String cannot fail.
        let _ = write!(self.buf, "{v}");
        self
    }

    /// A number or NULL.
    pub(crate) fn opt_plain(&mut self, v: Option<impl std::fmt::Display>) -> &mut Self {
        match v {
            Some(v) => self.plain(v),
            None => self.null(),
        }
    }

    /// A timestamp with time zone, at microsecond precision.
    pub(crate) fn time(&mut self, t: DateTime<Utc>) -> &mut Self {
        self.sep();
        match &self.last_time {
            Some((last, text)) if *last == t => self.buf.push_str(text),
            _ => {
                let text = time_text(t);
                self.buf.push_str(&text);
                self.last_time = Some((t, text));
            }
        }
        self
    }

    /// A timestamp or NULL.
    pub(crate) fn opt_time(&mut self, t: Option<DateTime<Utc>>) -> &mut Self {
        match t {
            Some(t) => self.time(t),
            None => self.null(),
        }
    }

    /// A `bytea` field in hex form.
    pub(crate) fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.sep();
        // The hex form's own backslash is escaped for COPY.
        self.buf.push_str("\\\\x");
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for byte in b {
            self.buf.push(char::from(HEX[usize::from(byte >> 4)]));
            self.buf.push(char::from(HEX[usize::from(byte & 15)]));
        }
        self
    }

    /// A NULL field.
    pub(crate) fn null(&mut self) -> &mut Self {
        self.sep();
        self.buf.push_str("\\N");
        self
    }

    /// Ends the current row.
    pub(crate) fn end_row(&mut self) {
        self.buf.push('\n');
        self.fields_in_row = 0;
        self.rows += 1;
    }

    /// How many rows the buffer holds.
    pub(crate) fn rows(&self) -> u64 {
        self.rows
    }

    /// The COPY data.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.buf.into_bytes()
    }
}

/// A timestamp as PostgreSQL reads it, at microsecond precision, in UTC.
fn time_text(t: DateTime<Utc>) -> String {
    let (d, c) = (t.date_naive(), t.time());
    if !(1..=9999).contains(&d.year()) {
        // Outside four-digit years chrono's own rendering carries the sign PostgreSQL expects.
        return t.format("%Y-%m-%d %H:%M:%S%.6f+00").to_string();
    }
    // A leap second shows as a nanosecond count past one second; keep it inside the second.
    let micros = (c.nanosecond() / 1000).min(999_999);
    let mut out = String::with_capacity(32);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{micros:06}+00",
        d.year(),
        d.month(),
        d.day(),
        c.hour(),
        c.minute(),
        c.second()
    );
    out
}

fn escape_into(buf: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find(['\\', '\t', '\n', '\r', '\0']) {
        buf.push_str(&rest[..i]);
        let c = rest.as_bytes()[i];
        match c {
            b'\\' => buf.push_str("\\\\"),
            b'\t' => buf.push_str("\\t"),
            b'\n' => buf.push_str("\\n"),
            b'\r' => buf.push_str("\\r"),
            _ => {}
        }
        rest = &rest[i + 1..];
    }
    buf.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_copy_reads_specially() {
        let mut rows = CopyRows::new();
        rows.text("a\tb\\c\nd\re\0f").opt_text(None).plain(42);
        rows.end_row();
        assert_eq!(
            String::from_utf8(rows.into_bytes()).unwrap(),
            "a\\tb\\\\c\\nd\\ref\t\\N\t42\n"
        );
    }

    #[test]
    fn arrays_quote_their_items_and_skip_blank_ones() {
        let mut rows = CopyRows::new();
        rows.text_array(&["Anna \"Ann\" Li".into(), " ".into(), "a\\b".into()]);
        rows.end_row();
        assert_eq!(
            String::from_utf8(rows.into_bytes()).unwrap(),
            "{\"Anna \\\\\"Ann\\\\\" Li\",\"a\\\\\\\\b\"}\n"
        );
    }

    #[test]
    fn bytes_and_times_use_forms_postgres_reads() {
        let mut rows = CopyRows::new();
        let t = DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap();
        rows.bytes(&[0, 255]).time(t);
        rows.end_row();
        assert_eq!(rows.rows(), 1);
        assert_eq!(
            String::from_utf8(rows.into_bytes()).unwrap(),
            "\\\\x00ff\t2023-11-14 22:13:20.123456+00\n"
        );
    }

    #[test]
    fn times_match_chrono_across_years_and_repeat_from_the_cache() {
        for micros in [
            0,
            1_700_000_000_123_456,
            1_700_000_000_000_001,
            -2_208_988_800_000_000,
            253_402_300_799_999_999,
            -62_135_596_800_000_000,
        ] {
            let t = DateTime::from_timestamp_micros(micros).unwrap();
            let expected = t.format("%Y-%m-%d %H:%M:%S%.6f+00").to_string();
            assert_eq!(time_text(t), expected);
            let mut rows = CopyRows::new();
            rows.time(t).time(t);
            rows.end_row();
            assert_eq!(
                String::from_utf8(rows.into_bytes()).unwrap(),
                format!("{expected}\t{expected}\n")
            );
        }
    }
}
