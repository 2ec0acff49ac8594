//! How wide text is in a sheet, in Excel's column-width unit: the advance of the digit `0` in
//! the workbook's default font (Calibri 11, 7 pixels). A column of width `w` shows about `w`
//! digits; a number that does not fit shows `###`, so every money and number column is made
//! at least as wide as its widest formatted figure.
//!
//! Widths come from Calibri's advance widths (units per em / the digit's 1 038), grouped by
//! character class; characters outside the table count as a lowercase letter, or an uppercase
//! one, or two digits (CJK). Bold text is counted 5 % wider. LibreOffice without Calibri draws
//! with a fallback font of about the same proportions (Carlito is metric-compatible; DejaVu
//! Sans and Liberation Sans scale digits and letters alike), and its column width unit scales
//! with the font, so the same widths hold there.

/// Calibri's advance width of an ASCII character, in font units (the digit is 1 038).
const fn ascii_units(c: u8) -> u16 {
    match c {
        b'0'..=b'9' | b'$' | b'#' | b'*' | b'+' | b'<' | b'=' | b'>' | b'_' | b'~' => 1038,
        b' ' => 463,
        b',' | b';' | b':' => 548,
        b'.' => 517,
        b'\'' => 451,
        b'"' => 821,
        b'!' => 667,
        b'%' => 1463,
        b'&' => 1397,
        b'(' | b')' | b'[' | b']' | b'{' | b'}' => 621,
        b'-' => 627,
        b'/' | b'\\' => 791,
        b'?' => 945,
        b'@' => 1817,
        b'|' => 940,
        b'i' | b'j' | b'l' | b'I' => 480,
        b'f' | b't' | b'r' => 690,
        b'J' => 653,
        b's' | b'z' => 810,
        b'c' | b'x' | b'v' | b'y' | b'k' => 910,
        b'm' => 1636,
        b'w' => 1464,
        b'a'..=b'z' => 1060,
        b'M' => 1751,
        b'W' => 1822,
        b'L' => 861,
        b'E' | b'F' | b'S' | b'T' | b'Y' | b'Z' => 980,
        b'A' | b'B' | b'C' | b'K' | b'P' | b'R' | b'V' | b'X' => 1110,
        b'D' | b'G' | b'H' | b'N' | b'O' | b'Q' | b'U' => 1310,
        0..=31 | 127 => 0,
        _ => 1060,
    }
}

/// ASCII widths in digit units, looked up rather than matched (every character of a sheet is
/// measured).
static ASCII_WIDTHS: [f32; 128] = {
    let mut table = [0.0f32; 128];
    let mut i = 0;
    while i < 128 {
        table[i] = ascii_units(i as u8) as f32 / 1038.0;
        i += 1;
    }
    table
};

/// Width of one character in digit units (Calibri).
pub fn char_width(c: char) -> f32 {
    if (c as u32) < 128 {
        return ASCII_WIDTHS[c as usize];
    }
    let units: u16 = match c {
        '\u{a0}' | '\u{202f}' => 463,
        '\u{2022}' => 1000,
        '\u{201c}' | '\u{201d}' | '«' | '»' => 850,
        '\u{2013}' => 1020,
        '\u{2014}' => 1833,
        'ʻ' | 'ʼ' | '\u{2018}' | '\u{2019}' => 500,
        // Cyrillic: wide letters, then capitals, then the rest like Latin lowercase.
        'Ж' | 'Ш' | 'Щ' | 'Ы' | 'Ю' | 'ж' | 'ш' | 'щ' | 'ы' | 'ю' | 'м' | 'М' => 1500,
        '\u{0400}'..='\u{042f}' => 1200,
        '\u{0430}'..='\u{045f}' => 1000,
        c if is_wide(c) => 2076,
        c if c.is_uppercase() => 1200,
        c if c.is_control() => 0,
        _ => 1060,
    };
    f32::from(units) / 1038.0
}

/// CJK and other full-width characters.
fn is_wide(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{115f}' | '\u{2e80}'..='\u{a4cf}' | '\u{ac00}'..='\u{d7a3}' | '\u{f900}'..='\u{faff}' | '\u{fe30}'..='\u{fe4f}' | '\u{ff00}'..='\u{ff60}' | '\u{ffe0}'..='\u{ffe6}')
}

/// Bold text is this much wider.
pub const BOLD: f64 = 1.05;

/// Width of a text on one line.
pub fn text_width(s: &str, bold: bool) -> f64 {
    let w: f32 = s.chars().map(char_width).sum();
    f64::from(w) * if bold { BOLD } else { 1.0 }
}

/// Width of the widest word (a header wraps at spaces only, so the column must hold it).
pub fn widest_word(s: &str, bold: bool) -> f64 {
    s.split([' ', '\n']).map(|w| text_width(w, bold)).fold(0.0, f64::max)
}

/// Width of a number written with `int_digits` digits before the decimal point, grouped by
/// thousands, `decimals` decimals, a minus sign if negative, and a suffix `suffix` wide (e.g.
/// ` USD`): the text `#,##0.00 "USD"` shows. Computed without writing the text (it is called
/// for every figure of a sheet); the tests check it against the formatted text.
pub fn number_width(int_digits: u32, decimals: u32, negative: bool, suffix: f64) -> f64 {
    let digit = f64::from(char_width('0'));
    let groups = int_digits.saturating_sub(1) / 3;
    let mut w = f64::from(int_digits + decimals) * digit + f64::from(groups) * f64::from(char_width(','));
    if decimals > 0 {
        w += f64::from(char_width('.'));
    }
    if negative {
        w += f64::from(char_width('-'));
    }
    w + suffix
}

/// The digits before the decimal point of `|x|` rounded to `decimals` (at least 1: `0.5` has one).
pub fn int_digits(x: f64, decimals: u32) -> u32 {
    let rounded = {
        let scale = 10f64.powi(decimals.min(15) as i32);
        (x.abs() * scale).round() / scale
    };
    if !rounded.is_finite() || rounded < 10.0 {
        return 1;
    }
    // log10 is off by one just below powers of ten: count by comparing.
    let mut digits = rounded.log10().floor() as u32 + 1;
    while digits > 1 && rounded < 10f64.powi(digits as i32 - 1) {
        digits -= 1;
    }
    while rounded >= 10f64.powi(digits as i32) {
        digits += 1;
    }
    digits.min(309)
}

/// How many lines a text wraps to in a cell `width` digit units wide, as Excel wraps: at
/// spaces, a word longer than the line broken where it overflows, `\n` a line break.
pub fn wrapped_lines(s: &str, width: f64, bold: bool) -> u32 {
    // Cell margins: about 2 pixels each side of 7-pixel digits.
    let avail = ((width - 0.6) / if bold { BOLD } else { 1.0 }).max(1.0) as f32;
    let mut lines = 0;
    for paragraph in s.split('\n') {
        lines += 1;
        // One line whenever the whole paragraph fits (the common case, no word splitting).
        let total: f32 = paragraph.chars().map(char_width).sum();
        if total <= avail {
            continue;
        }
        let space = char_width(' ');
        let mut line = 0.0f32;
        let mut first_on_line = true;
        for word in paragraph.split(' ') {
            let mut w: f32 = word.chars().map(char_width).sum();
            let needed = if first_on_line { w } else { line + space + w };
            if needed <= avail {
                line = needed;
                first_on_line = false;
                continue;
            }
            if !first_on_line {
                lines += 1;
            }
            // A word wider than a line is broken across lines.
            while w > avail {
                lines += 1;
                w -= avail;
            }
            line = w;
            first_on_line = false;
        }
    }
    lines.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_the_unit() {
        assert!((text_width("0123456789", false) - 10.0).abs() < 1e-5);
        let money = text_width("1,234,567.89 USD", false);
        assert!((14.0..15.0).contains(&money), "{money}");
        assert!(text_width("Mitigation", false) > text_width("iiiiiiiiii", false));
        assert!(text_width("Ж", false) > text_width("ж", false) - 1e-9);
        assert_eq!(text_width("", true), 0.0);
    }

    #[test]
    fn number_width_is_the_width_of_the_formatted_text() {
        for (text, int, dec, neg, suffix) in [
            ("1,234,567.89 USD", 7, 2, false, " USD"),
            ("-0.05 USD", 1, 2, true, " USD"),
            ("123 JPY", 3, 0, false, " JPY"),
            ("100,000", 6, 0, false, ""),
            ("1,000,000.000 KWD", 7, 3, false, " KWD"),
        ] {
            let w = number_width(int, dec, neg, text_width(suffix, false));
            assert!((w - text_width(text, false)).abs() < 1e-5, "{text}");
        }
        assert_eq!(int_digits(0.4, 0), 1);
        assert_eq!(int_digits(9.96, 1), 2, "9.96 shows as 10.0");
        assert_eq!(int_digits(999_999.5, 0), 7);
        assert_eq!(int_digits(1000.0, 2), 4);
        assert_eq!(int_digits(-12_345.67, 2), 5);
        assert_eq!(int_digits(1e15, 0), 16);
    }

    #[test]
    fn wraps_at_spaces_like_a_cell() {
        assert_eq!(wrapped_lines("short", 20.0, false), 1);
        assert_eq!(wrapped_lines("", 20.0, false), 1);
        assert_eq!(wrapped_lines("one\ntwo", 20.0, false), 2);
        // 10 words of 4 digits: 4 + 0.45 each; 10 units hold two words a line.
        assert_eq!(wrapped_lines(&["1234"; 10].join(" "), 10.0, false), 5);
        // A word of 30 digits in 10 units: broken over 4 lines (9.4 a line).
        assert_eq!(wrapped_lines(&"0".repeat(30), 10.0, false), 4);
        let long = "Legal and regulatory acts on public service delivery drafted with project support";
        assert_eq!(wrapped_lines(long, 100.0, false), 1);
        assert!(wrapped_lines(long, 30.0, false) >= 3);
    }
}
