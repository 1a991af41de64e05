//! Which frame of a stack is the user's code.
//!
//! A leak is reported at the first frame the user can change: runtime and
//! standard-library plumbing (and vendor prefixes the user names) are skipped,
//! the full stack is kept as evidence by the caller.

/// Function-name prefixes that are Go runtime or standard library.
///
/// Standard-library import paths have no dot in their first element
/// (`net/http`, `sync`), while user and third-party modules do
/// (`github.com/x/y`, `example.com/svc`) — except `main`, which is user code.
pub fn is_user_function(function: &str, vendor_prefixes: &[String]) -> bool {
    if function.is_empty() {
        return false;
    }
    if vendor_prefixes.iter().any(|p| function.starts_with(p.as_str())) {
        return false;
    }
    let path = package_path(function);
    if path == "main" {
        return true;
    }
    // golang.org/x/... is maintained with the standard library and behaves like it.
    if path.starts_with("golang.org/x/") {
        return false;
    }
    let first = path.split('/').next().unwrap_or(path);
    first.contains('.')
}

/// The import path of a Go symbol: `net/http.(*persistConn).readLoop` → `net/http`,
/// `main.worker.func1` → `main`, `github.com/a/b.(*T).M` → `github.com/a/b`.
pub fn package_path(function: &str) -> &str {
    // The package path ends at the first '.' after the last '/'.
    let last_slash = function.rfind('/').map_or(0, |i| i + 1);
    match function[last_slash..].find('.') {
        Some(dot) => &function[..last_slash + dot],
        None => function,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_package_paths() {
        assert_eq!(package_path("net/http.(*persistConn).readLoop"), "net/http");
        assert_eq!(package_path("main.worker.func1"), "main");
        assert_eq!(package_path("github.com/a/b.(*T).M"), "github.com/a/b");
        assert_eq!(package_path("gopkg.in/yaml.v3.Unmarshal"), "gopkg.in/yaml");
        assert_eq!(package_path("runtime.gopark"), "runtime");
    }

    #[test]
    fn user_frames() {
        let none: &[String] = &[];
        assert!(is_user_function("main.handler", none));
        assert!(is_user_function(
            "leakscope.dev/corpus/internal/svc.generate.func1",
            none
        ));
        assert!(is_user_function("github.com/acme/api.(*Server).serve", none));
        assert!(!is_user_function("runtime.gopark", none));
        assert!(!is_user_function("net/http.(*persistConn).readLoop", none));
        assert!(!is_user_function("sync.(*WaitGroup).Wait", none));
        assert!(!is_user_function(
            "golang.org/x/net/http2.(*Framer).ReadFrame",
            none
        ));
        let vendors = vec!["github.com/acme/vendored".to_string()];
        assert!(!is_user_function("github.com/acme/vendored/lib.Do", &vendors));
    }
}
