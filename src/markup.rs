//! HTML markup written as one string, for the long tables.
//!
//! A filter change at 64k reports replaces ~1,200 table nodes. Built one
//! node and one attribute at a time from wasm, each is a call across to
//! JavaScript (building views was 52 ms of the 113 ms a profiled filter
//! change kept the page busy); written as one string and handed to the
//! browser's parser (`innerHTML`), they are built in one native pass. The
//! page's CSP forbids inline `style` attributes in parsed markup, so nothing
//! here writes one.
//!
//! Every text and attribute value is escaped: report fields (host names,
//! organization names, reasons) are whatever the reporter wrote.

use std::fmt::Write;

/// A growing piece of markup. Tags and attribute names are the program's
/// own (`&'static str`); values and text are escaped.
#[derive(Debug, Default, Clone)]
pub struct Markup {
    out: String,
}

impl Markup {
    /// Empty markup.
    pub fn new() -> Markup {
        Markup::default()
    }

    /// Opens `<tag attr="value" …>`. An attribute whose value is `None` is
    /// left out.
    pub fn open(&mut self, tag: &'static str, attrs: &[(&'static str, Option<&str>)]) -> &mut Markup {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            if let Some(value) = value {
                self.attr(name, value);
            }
        }
        self.out.push('>');
        self
    }

    /// Opens `<tag>` and attributes given one by one with [`Markup::attr`];
    /// [`Markup::end_open`] closes the tag.
    pub fn begin(&mut self, tag: &'static str) -> &mut Markup {
        self.out.push('<');
        self.out.push_str(tag);
        self
    }

    /// One attribute of the tag [`Markup::begin`] opened.
    pub fn attr(&mut self, name: &'static str, value: &str) -> &mut Markup {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        escape_into(&mut self.out, value);
        self.out.push('"');
        self
    }

    /// An attribute holding a number.
    pub fn num_attr(&mut self, name: &'static str, value: impl std::fmt::Display) -> &mut Markup {
        // Numbers need no escaping.
        let _ = write!(self.out, " {name}=\"{value}\"");
        self
    }

    /// An attribute holding a length or a coordinate, to a hundredth (what a
    /// chart needs; written with [`crate::format::Fixed`], trailing zeros
    /// dropped: `12`, `3.5`, `0.25`).
    pub fn len_attr(&mut self, name: &'static str, value: f64) -> &mut Markup {
        let _ = write!(self.out, " {name}=\"");
        let start = self.out.len();
        let _ = write!(self.out, "{}", crate::format::Fixed(value, 2));
        if self.out[start..].contains('.') {
            let kept = self.out.trim_end_matches('0').trim_end_matches('.').len();
            self.out.truncate(kept);
        }
        self.out.push('"');
        self
    }

    /// Ends the opening tag [`Markup::begin`] started.
    pub fn end_open(&mut self) -> &mut Markup {
        self.out.push('>');
        self
    }

    /// Closes `</tag>`.
    pub fn close(&mut self, tag: &'static str) -> &mut Markup {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        self
    }

    /// Escaped text.
    pub fn text(&mut self, text: &str) -> &mut Markup {
        escape_into(&mut self.out, text);
        self
    }

    /// `<tag class="class">text</tag>`, the most common cell.
    pub fn cell(&mut self, tag: &'static str, class: Option<&str>, text: &str) -> &mut Markup {
        self.open(tag, &[("class", class)]).text(text).close(tag)
    }

    /// The markup written so far.
    pub fn as_str(&self) -> &str {
        &self.out
    }

    /// The finished markup.
    pub fn into_string(self) -> String {
        self.out
    }
}

/// Appends `s` with the five characters that mean something in HTML text or
/// in a quoted attribute replaced by their references.
pub fn escape_into(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        let mut m = Markup::new();
        m.begin("tr")
            .attr("data-key", "\"><script>alert('x')</script>&amp;")
            .num_attr("data-sessions", 12u64)
            .end_open()
            .cell("td", Some("mono"), "<b>é & ü</b>")
            .close("tr");
        assert_eq!(
            m.as_str(),
            "<tr data-key=\"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;\" data-sessions=\"12\">\
             <td class=\"mono\">&lt;b&gt;é &amp; ü&lt;/b&gt;</td></tr>"
        );
    }

    #[test]
    fn lengths_to_a_hundredth_without_trailing_zeros() {
        let mut m = Markup::new();
        m.begin("rect").len_attr("x", 12.0).len_attr("y", 3.5).len_attr("width", 0.254).len_attr("height", 100.0 / 3.0);
        m.len_attr("cx", 0.001).len_attr("cy", 1050.0).end_open();
        assert_eq!(m.into_string(), r#"<rect x="12" y="3.5" width="0.25" height="33.33" cx="0" cy="1050">"#);
    }

    #[test]
    fn leaves_out_attributes_without_a_value() {
        let mut m = Markup::new();
        m.open("td", &[("class", None), ("title", Some("a"))]).text("plain").close("td");
        assert_eq!(m.into_string(), "<td title=\"a\">plain</td>");
    }

    #[test]
    fn escaping_keeps_every_other_character() {
        let mut out = String::new();
        let s = "mx1.example.com 10.0.0.1 validation-failure ✓ 日本";
        escape_into(&mut out, s);
        assert_eq!(out, s);
    }
}
