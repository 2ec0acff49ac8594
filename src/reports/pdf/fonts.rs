//! The embedded fonts (DejaVu Sans and DejaVu Sans Bold, see `assets/fonts/LICENSE-DejaVu.txt`),
//! parsed once per process, and text measurement and word wrapping from their glyph advances.
//!
//! The widths used for layout are the `hmtx` advances of the glyphs that the PDF shows, which
//! are also the `/W` widths printpdf writes: what we measure is what the viewer draws (no
//! kerning and no shaping on either side).

use std::sync::OnceLock;

use printpdf::ParsedFont;

const REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Code points below this have their advance in a dense table (Latin, Greek, Cyrillic,
/// spacing modifiers like U+02BB, general punctuation, currency signs, arrows, ...).
const DENSE: usize = 0x3000;
/// Marks a code point of the dense table that the font has no glyph for.
const NO_GLYPH: u16 = u16::MAX;

/// One face: the parsed font handed to printpdf, and its advances cached for layout.
pub(crate) struct Face {
    pub parsed: ParsedFont,
    /// Advance in font units of each code point below [`DENSE`], [`NO_GLYPH`] when missing.
    advances: Box<[u16]>,
    /// Advance of `.notdef`, drawn for a character the font lacks.
    notdef: u16,
    units_per_em: f32,
}

impl Face {
    fn load(name: &str, bytes: &[u8]) -> Result<Face, String> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| format!("the embedded font {name} cannot be parsed: {warnings:?}"))?;
        let units_per_em = f32::from(parsed.font_metrics.units_per_em.max(1));
        let mut advances = vec![NO_GLYPH; DENSE].into_boxed_slice();
        for (cp, slot) in advances.iter_mut().enumerate() {
            if let Some(gid) = parsed.lookup_glyph_index(cp as u32) {
                *slot = parsed.get_horizontal_advance(gid).min(NO_GLYPH - 1);
            }
        }
        let notdef = parsed.get_horizontal_advance(0);
        Ok(Face { parsed, advances, notdef, units_per_em })
    }

    /// Advance of `c` in font units (`.notdef`'s when the font has no glyph for it).
    #[inline]
    fn advance(&self, c: char) -> u32 {
        let cp = c as usize;
        if cp < DENSE {
            let a = self.advances[cp];
            return u32::from(if a == NO_GLYPH { self.notdef } else { a });
        }
        match self.parsed.lookup_glyph_index(cp as u32) {
            Some(gid) => u32::from(self.parsed.get_horizontal_advance(gid)),
            None => u32::from(self.notdef),
        }
    }

    /// Whether the font draws `c` (tests use it to prove the scripts we need are covered).
    #[cfg(test)]
    pub fn has_glyph(&self, c: char) -> bool {
        let cp = c as usize;
        if cp < DENSE { self.advances[cp] != NO_GLYPH } else { self.parsed.lookup_glyph_index(cp as u32).is_some() }
    }

    /// Width of `s` set at `size` pt, in pt.
    pub fn width(&self, s: &str, size: f32) -> f32 {
        let units: u32 = s.chars().map(|c| self.advance(c)).sum();
        units as f32 * size / self.units_per_em
    }

    #[inline]
    fn char_width(&self, c: char, size: f32) -> f32 {
        self.advance(c) as f32 * size / self.units_per_em
    }

    /// Breaks `text` into lines no wider than `max` pt at `size` pt, each line a byte range
    /// of `text` in `out` (cleared first). Breaks at spaces; `\n` forces a break; a word
    /// longer than the line is cut between characters. Always yields at least one line.
    pub fn wrap(&self, text: &str, size: f32, max: f32, out: &mut Vec<(usize, usize)>) {
        out.clear();
        self.wrap_onto(text, size, max, out);
    }

    /// [`Face::wrap`], appending the lines to `out`.
    pub fn wrap_onto(&self, text: &str, size: f32, max: f32, out: &mut Vec<(usize, usize)>) {
        let space = self.char_width(' ', size);
        for (para_start, para) in split_paragraphs(text) {
            let mut line: Option<(usize, usize)> = None;
            let mut line_w = 0.0f32;
            for (word_start, word) in words(para) {
                let start = para_start + word_start;
                let w = self.width(word, size);
                if let Some((ls, le)) = line {
                    let gap = if start == le + 1 { space } else { self.width(&text[le..start], size) };
                    if line_w + gap + w <= max {
                        line = Some((ls, start + word.len()));
                        line_w += gap + w;
                        continue;
                    }
                    out.push((ls, le));
                }
                if w <= max {
                    line = Some((start, start + word.len()));
                    line_w = w;
                    continue;
                }
                // An overlong word: cut it where it overflows, keep the rest as the open line.
                let mut seg_start = start;
                let mut seg_w = 0.0f32;
                for (i, c) in word.char_indices() {
                    let cw = self.char_width(c, size);
                    if seg_w + cw > max && start + i > seg_start {
                        out.push((seg_start, start + i));
                        seg_start = start + i;
                        seg_w = 0.0;
                    }
                    seg_w += cw;
                }
                line = Some((seg_start, start + word.len()));
                line_w = seg_w;
            }
            out.push(line.unwrap_or((para_start, para_start)));
        }
    }
}

/// The lines of `text` separated by `\n` (a `\r` before it is dropped), with their offsets.
fn split_paragraphs(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split('\n').map(move |p| {
        let start = offset;
        offset += p.len() + 1;
        (start, p.strip_suffix('\r').unwrap_or(p))
    })
}

/// The words of `s` (runs without spaces or tabs) with their offsets.
fn words(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.split([' ', '\t'])
        .scan(0usize, |offset, w| {
            let start = *offset;
            *offset += w.len() + 1;
            Some((start, w))
        })
        .filter(|(_, w)| !w.is_empty())
}

/// The two faces a report uses.
pub(crate) struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

impl Fonts {
    pub fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }
}

/// The embedded fonts, parsed on first use and shared by every render of the process.
pub(crate) fn fonts() -> Result<&'static Fonts, String> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Ok(Fonts {
                regular: Face::load("DejaVuSans", REGULAR_TTF)?,
                bold: Face::load("DejaVuSans-Bold", BOLD_TTF)?,
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines<'a>(face: &Face, text: &'a str, max: f32) -> Vec<&'a str> {
        let mut out = Vec::new();
        face.wrap(text, 10.0, max, &mut out);
        out.iter().map(|&(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn the_fonts_cover_cyrillic_and_uzbek_latin() {
        let f = fonts().unwrap();
        for c in "Навчання розпочато Министерство Oʻzbekiston gʻ ‘’“” – — € ₽ ₸ № •".chars()
        {
            assert!(f.regular.has_glyph(c), "regular lacks {c:?}");
            assert!(f.bold.has_glyph(c), "bold lacks {c:?}");
        }
    }

    #[test]
    fn widths_come_from_the_glyph_advances() {
        let f = fonts().unwrap();
        // DejaVu Sans: 'i' is narrower than 'W'; bold is wider than regular.
        assert!(f.regular.width("i", 10.0) < f.regular.width("W", 10.0));
        assert!(f.bold.width("Total", 10.0) > f.regular.width("Total", 10.0));
        let w = f.regular.width("ab", 10.0);
        assert!((w - (f.regular.width("a", 10.0) + f.regular.width("b", 10.0))).abs() < 1e-4);
        assert!((f.regular.width("ab", 20.0) - 2.0 * w).abs() < 1e-3);
    }

    #[test]
    fn text_wraps_at_spaces_and_cuts_overlong_words() {
        let f = &fonts().unwrap().regular;
        let text = "one two three four five six seven";
        let wrapped = lines(f, text, f.width("one two three", 10.0) + 0.01);
        assert_eq!(wrapped, ["one two three", "four five six", "seven"]);
        for l in &wrapped {
            assert!(f.width(l, 10.0) <= f.width("one two three", 10.0) + 0.01);
        }

        let long = "Verylongwordwithoutanyspaces";
        let max = f.width("Verylong", 10.0) + 0.01;
        let parts = lines(f, long, max);
        assert!(parts.len() > 2);
        assert_eq!(parts.concat(), long);
        assert!(parts.iter().all(|p| f.width(p, 10.0) <= max));

        assert_eq!(lines(f, "a\nb  c", 1000.0), ["a", "b  c"]);
        assert_eq!(lines(f, "", 100.0), [""]);
        // A width smaller than one character still makes progress, one character a line.
        assert_eq!(lines(f, "Привет", 0.1), ["П", "р", "и", "в", "е", "т"]);
    }
}
