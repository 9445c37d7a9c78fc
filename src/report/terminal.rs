//! Text shown on the terminal: names and paths come from scenario files and
//! the command line, so control characters in them (terminal escape codes,
//! carriage returns) are shown escaped, never sent raw.

use std::borrow::Cow;

/// `s` with every control character other than a newline shown as an
/// escape (`\u{1b}`), so printing it cannot recolour, retitle or clear the
/// terminal.
pub fn safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if c.is_control() && c != '\n' {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// A path for the terminal (see [`safe`]).
pub fn path(p: &std::path::Path) -> String {
    safe(&p.display().to_string()).into_owned()
}

/// `text` split into lines of at most about `width` characters, at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_codes_are_shown_not_sent() {
        assert_eq!(safe("plain name"), "plain name");
        assert_eq!(safe("red\u{1b}[31m\r"), "red\\u{1b}[31m\\u{d}");
        assert_eq!(safe("Ealing–Hounslow"), "Ealing–Hounslow");
    }

    #[test]
    fn long_answers_wrap_at_spaces() {
        let lines = wrap("one two three four five six", 9);
        assert_eq!(lines, ["one two", "three", "four five", "six"]);
        assert!(wrap("", 10).is_empty());
    }
}
