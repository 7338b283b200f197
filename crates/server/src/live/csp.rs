//! Content-Security-Policy for the two apps Baton serves, the workspace and the widget.
//!
//! Both are Trunk builds: an external script and stylesheet, a WebAssembly module, and one
//! inline `<script type="module">` that starts it. The policy allows exactly that: scripts
//! from this server plus the inline ones by hash (read from the built `index.html` when the
//! server starts, so a rebuild needs no configuration), and `'wasm-unsafe-eval'`, which
//! compiling the module needs — no `'unsafe-inline'` or `'unsafe-eval'` for scripts.
//!
//! The workspace gets the whole policy: it talks only to this server and is never framed.
//! The widget is framed by the site's origins, calls the site's own APIs and sets its accent
//! colour as an inline style, so its policy restricts scripts, plugins and `<base>`, and
//! leaves connections and styles to the page's own needs.

use base64::Engine;
use sha2::{Digest, Sha256};

/// `'sha256-…'` sources for every inline script in `html` (a `<script>` without `src`), in
/// document order: the hash of its text exactly as written, as browsers compute it.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut hashes = Vec::new();
    let mut at = 0;
    while let Some(start) = lower[at..].find("<script").map(|i| at + i) {
        let Some(open_end) = lower[start..].find('>').map(|i| start + i + 1) else {
            break;
        };
        let Some(close) = lower[open_end..].find("</script").map(|i| open_end + i) else {
            break;
        };
        let tag = &lower[start..open_end];
        if !has_src(tag) {
            let digest = Sha256::digest(&html.as_bytes()[open_end..close]);
            let encoded = base64::engine::general_purpose::STANDARD.encode(digest);
            hashes.push(format!("'sha256-{encoded}'"));
        }
        at = close;
    }
    hashes
}

/// Whether a lower-cased opening tag has a `src` attribute.
fn has_src(tag: &str) -> bool {
    tag.split(|c: char| c.is_ascii_whitespace())
        .any(|attribute| attribute == "src" || attribute.starts_with("src="))
}

fn script_sources(index_html: &str) -> String {
    let mut sources = vec!["'self'".to_owned(), "'wasm-unsafe-eval'".to_owned()];
    sources.extend(inline_script_hashes(index_html));
    sources.join(" ")
}

/// The workspace's policy, for its built `index.html`.
pub fn workspace(index_html: &str) -> String {
    format!(
        "default-src 'self'; script-src {}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
        script_sources(index_html)
    )
}

/// The widget's policy, for its built `index.html`; `ancestors` are the origins that may
/// frame it (this server's own and the site's).
pub fn widget(index_html: &str, ancestors: &[&str]) -> String {
    format!(
        "script-src {}; object-src 'none'; base-uri 'none'; frame-ancestors {}",
        script_sources(index_html),
        ancestors.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = "<head><script type=\"module\" src=\"/a.js\"></script>\
                    <SCRIPT type=\"module\">import init from '/a.js';\nawait init();</SCRIPT>\
                    <script>x()</script></head>";
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 2);
        // sha256 of `x()`, as `echo -n 'x()' | openssl dgst -sha256 -binary | base64` says.
        assert_eq!(
            hashes[1],
            "'sha256-D6IGS8VMvCoyaR/l0h9tERrBTATY01CoPS7l6xDv0kI='"
        );
        let policy = workspace(html);
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.ends_with("frame-ancestors 'none'"));
    }

    #[test]
    fn a_page_cut_short_or_without_scripts_gets_no_hashes() {
        assert!(inline_script_hashes("<p>no scripts</p>").is_empty());
        assert!(inline_script_hashes("<script>never closed").is_empty());
        assert!(inline_script_hashes("<script").is_empty());
        assert!(!has_src("<script data-src=\"x\">"));
        assert_eq!(
            widget("", &["'self'", "https://shop.example"]),
            "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; \
             frame-ancestors 'self' https://shop.example"
        );
    }
}
