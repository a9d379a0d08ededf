//! Case folding for the page's searches (the filter bar's text, the file
//! list's search box).

use std::borrow::Cow;

/// `s` in lower case, for a case-insensitive `contains`. ASCII (nearly every
/// domain, host, id and file name) is folded here; any other text by the
/// platform: std natively, and in the page the browser's
/// `String.prototype.toLowerCase`, whose Unicode tables the browser already
/// has (std's weighed 3.4 KB of the page's 300).
pub fn lowercase(s: &str) -> Cow<'_, str> {
    if !s.is_ascii() {
        return Cow::Owned(unicode_lowercase(s));
    }
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn unicode_lowercase(s: &str) -> String {
    s.to_lowercase()
}

#[cfg(target_arch = "wasm32")]
fn unicode_lowercase(s: &str) -> String {
    js_sys::JsString::from(s).to_lower_case().into()
}

#[cfg(test)]
mod tests {
    use super::lowercase;
    use std::borrow::Cow;

    #[test]
    fn folds_ascii_and_unicode_and_borrows_what_is_already_lower() {
        assert_eq!(lowercase("Google.COM!Example.net.json.gz"), "google.com!example.net.json.gz");
        assert!(matches!(lowercase("mx1.example.net"), Cow::Borrowed(_)));
        assert_eq!(lowercase("ÖSTERREICH-Bericht.JSON"), "österreich-bericht.json");
        assert_eq!(lowercase("ОТЧЁТ Mail.Ru"), "отчёт mail.ru");
        assert_eq!(lowercase(""), "");
    }
}
