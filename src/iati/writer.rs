//! A small XML writer: elements opened and closed in order, attributes and text escaped, and
//! what XML 1.0 cannot hold dropped (control characters other than tab, line feed and carriage
//! return; U+FFFE, U+FFFF), as the reports do (`reports::templates::escape`): no stored text can
//! break the document. Indented two spaces per level; text stays on its element's line.

/// Writes one XML document into a string.
pub struct XmlWriter {
    out: String,
    /// Open elements, with whether each has child elements yet.
    open: Vec<(&'static str, bool)>,
}

/// Whether XML 1.0 can hold the character at all.
fn allowed(c: char) -> bool {
    !matches!(c as u32, 0..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0xFFFE | 0xFFFF)
}

/// Appends `s` escaped: `&`, `<`, `>` always; in an attribute also `"` and the white space a
/// parser would otherwise normalise to a space (tab, line feed); a carriage return always, as
/// a parser would turn it into a line feed.
fn escape_into(out: &mut String, s: &str, attribute: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
}

/// `s` as XML text content (escaped, impossible characters dropped).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s, false);
    out
}

/// `s` without the characters XML 1.0 cannot hold, trimmed: what a reader will see.
pub fn clean(s: &str) -> String {
    s.chars().filter(|c| allowed(*c)).collect::<String>().trim().to_string()
}

impl Default for XmlWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl XmlWriter {
    /// A document, with its XML declaration.
    pub fn new() -> Self {
        XmlWriter { out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), open: vec![] }
    }

    /// A writer with room for about `bytes` of output.
    pub fn with_capacity(bytes: usize) -> Self {
        let mut w = Self::new();
        w.out.reserve(bytes);
        w
    }

    fn open_tag(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        if let Some(parent) = self.open.last_mut() {
            parent.1 = true;
        }
        self.out.push('\n');
        for _ in 0..self.open.len() {
            self.out.push_str("  ");
        }
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value, true);
            self.out.push('"');
        }
    }

    /// Opens an element that will hold other elements.
    pub fn start(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.open_tag(name, attrs);
        self.out.push('>');
        self.open.push((name, false));
    }

    /// Closes the element opened last.
    pub fn end(&mut self) {
        let (name, has_children) = self.open.pop().expect("an open element to close");
        if has_children {
            self.out.push('\n');
            for _ in 0..self.open.len() {
                self.out.push_str("  ");
            }
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// An element without content: `<name a="b"/>`.
    pub fn empty(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.open_tag(name, attrs);
        self.out.push_str("/>");
    }

    /// An element holding text only.
    pub fn text(&mut self, name: &'static str, attrs: &[(&str, &str)], text: &str) {
        self.open_tag(name, attrs);
        self.out.push('>');
        escape_into(&mut self.out, text, false);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// The document (every element must be closed).
    pub fn finish(mut self) -> String {
        assert!(self.open.is_empty(), "unclosed elements: {:?}", self.open);
        self.out.push('\n');
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nests_and_escapes() {
        let mut w = XmlWriter::new();
        w.start("a", &[("x", "1 < 2 & \"3\"\n\tend")]);
        w.text("b", &[], "Tom & Jerry <3> \u{1}\u{b}ok\r\n");
        w.empty("c", &[("y", "'")]);
        w.start("d", &[]);
        w.end();
        w.end();
        let xml = w.finish();
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1 &lt; 2 &amp; &quot;3&quot;&#10;&#9;end\">\n  \
             <b>Tom &amp; Jerry &lt;3&gt; ok&#13;\n</b>\n  <c y=\"'\"/>\n  <d></d>\n</a>\n"
        );
        let doc = roxmltree::Document::parse(&xml).expect("well formed");
        let a = doc.root_element();
        assert_eq!(a.attribute("x"), Some("1 < 2 & \"3\"\n\tend"));
        assert_eq!(a.first_element_child().unwrap().text(), Some("Tom & Jerry <3> ok\r\n"));
    }

    #[test]
    fn no_text_can_break_the_document() {
        let nasty: String = (0u32..0x80).filter_map(char::from_u32).chain(['\u{FFFE}', '\u{FFFF}', '😀']).collect();
        let mut w = XmlWriter::new();
        w.start("r", &[("a", &nasty)]);
        w.text("t", &[("b", &nasty)], &nasty);
        w.text("u", &[], "]]> <!-- --> <![CDATA[ x ]]>");
        w.end();
        let xml = w.finish();
        let doc = roxmltree::Document::parse(&xml).expect("well formed");
        let t = doc.root_element().first_element_child().unwrap();
        let kept: String = nasty.chars().filter(|c| allowed(*c)).collect();
        assert_eq!(t.attribute("b"), Some(kept.as_str()));
        assert_eq!(t.text(), Some(kept.as_str()));
        assert_eq!(clean("  a\u{0}b \u{7} "), "ab");
    }
}
