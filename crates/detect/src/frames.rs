//! Reading stacks the way a Go engineer does: which frame is theirs, which
//! runtime or library machinery sits between it and the allocation or the
//! blocking call.

use leakscope_profile::attribution::is_user_function;

use crate::snapshot::Frame;

/// The first (leaf-most) frame in user code.
pub fn first_user_frame<'a>(stack: &'a [Frame], vendors: &[String]) -> Option<&'a Frame> {
    stack.iter().find(|f| is_user_function(&f.function, vendors))
}

/// The frames between the leaf and the first user frame: the machinery that
/// did the allocating or blocking (`time.NewTicker`, `net/http.(*Transport).dialConn`, …).
pub fn plumbing<'a>(stack: &'a [Frame], vendors: &[String]) -> &'a [Frame] {
    let end = stack
        .iter()
        .position(|f| is_user_function(&f.function, vendors))
        .unwrap_or(stack.len());
    &stack[..end]
}

/// Whether any frame's function starts with one of `prefixes`.
pub fn any_starts_with(frames: &[Frame], prefixes: &[&str]) -> bool {
    frames
        .iter()
        .any(|f| prefixes.iter().any(|p| f.function.starts_with(p)))
}

/// A function without its closure suffixes: `main.handler.func1.2` → `main.handler`,
/// `main.(*S).run.gowrap1` → `main.(*S).run`. Closures belong to the function that wrote them.
pub fn function_root(function: &str) -> &str {
    let mut f = function;
    loop {
        let Some(dot) = f.rfind('.') else { return f };
        let last = &f[dot + 1..];
        let is_suffix = last.chars().all(|c| c.is_ascii_digit())
            || last
                .strip_prefix("func")
                .is_some_and(|r| r.chars().all(|c| c.is_ascii_digit()))
            || last
                .strip_prefix("gowrap")
                .is_some_and(|r| r.chars().all(|c| c.is_ascii_digit()));
        // Never cut into the package path (`example.com/x.y`): only strip after the last '/'.
        let head = &f[..dot];
        let last_segment = &head[head.rfind('/').map_or(0, |s| s + 1)..];
        if !is_suffix || !last_segment.contains('.') {
            return f;
        }
        f = &f[..dot];
    }
}

/// The short display of a frame: `main.handler (main.go:42)`.
pub fn short(f: &Frame) -> String {
    let file = f.file.rsplit('/').next().unwrap_or(&f.file);
    if f.line > 0 {
        format!("{} ({}:{})", f.function, file, f.line)
    } else {
        f.function.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots() {
        assert_eq!(function_root("main.handler.func1"), "main.handler");
        assert_eq!(function_root("main.handler.func1.2"), "main.handler");
        assert_eq!(function_root("main.(*S).run.gowrap1"), "main.(*S).run");
        assert_eq!(function_root("main.handler"), "main.handler");
        assert_eq!(function_root("example.com/svc.Run.func3"), "example.com/svc.Run");
        assert_eq!(function_root("main.func1"), "main.func1");
        assert_eq!(function_root("example.com/svc.func1"), "example.com/svc.func1");
    }
}
