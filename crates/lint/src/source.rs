//! One Go file, parsed once: its tree, package name, imports (with aliases),
//! build constraint and the file-level facts every rule needs.

use std::collections::HashMap;
use std::path::PathBuf;

use tree_sitter::{Node, Parser, Tree};

use crate::syntax::{descendants, named_children, text};

/// A parsed Go source file.
pub struct SourceFile {
    /// Path as given to the scanner (relative paths stay relative, for output).
    pub path: PathBuf,
    /// The file's text.
    pub src: String,
    /// The tree-sitter syntax tree.
    pub tree: Tree,
    /// `package NAME` (empty if the clause is missing).
    pub package: String,
    /// Local name → import path (`http` → `net/http`; `_` and `.` imports kept as such).
    pub imports: HashMap<String, String>,
    /// The `//go:build` expression, if any (e.g. `linux && cgo`, `ignore`).
    pub build: Option<String>,
    /// `_test.go` file.
    pub is_test: bool,
    /// Number of lines (for throughput figures).
    pub lines: usize,
    /// Where the first syntax error is, if the tree has one (line, column; 1-based).
    pub syntax_error: Option<(usize, usize)>,
}

impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFile")
            .field("path", &self.path)
            .field("package", &self.package)
            .finish()
    }
}

/// Why a file was not parsed at all.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// tree-sitter gave up (cancelled or no language); never seen on real input.
    #[error("tree-sitter could not parse the file")]
    NoTree,
}

/// A tree-sitter parser set up for Go; one per thread (parsers are not shared).
pub fn go_parser() -> Parser {
    let mut parser = Parser::new();
    // The bundled grammar's ABI matches the tree-sitter crate we build against;
    // a mismatch would be a build problem caught by every test.
    let _ = parser.set_language(&tree_sitter_go::LANGUAGE.into());
    parser
}

/// True if the file carries Go's generated-code marker before its package clause
/// (https://go.dev/s/generatedcode: `^// Code generated .* DO NOT EDIT\.$`).
pub fn is_generated(src: &str) -> bool {
    for line in src.lines() {
        let line = line.trim_end_matches('\r');
        if line.starts_with("// Code generated ") && line.ends_with(" DO NOT EDIT.") {
            return true;
        }
        if line.starts_with("package ") {
            return false;
        }
    }
    false
}

/// The `//go:build` expression from the file header, if present.
pub fn build_constraint(src: &str) -> Option<String> {
    for line in src.lines() {
        let line = line.trim();
        if let Some(expr) = line.strip_prefix("//go:build ") {
            return Some(expr.trim().to_string());
        }
        if line.starts_with("package ") {
            break;
        }
    }
    None
}

impl SourceFile {
    /// Parses `src`; a tree with syntax errors is still returned (with
    /// `syntax_error` set) so the rest of the scan can go on.
    pub fn parse(parser: &mut Parser, path: PathBuf, src: String) -> Result<SourceFile, ParseError> {
        let tree = parser.parse(&src, None).ok_or(ParseError::NoTree)?;
        let root = tree.root_node();
        let mut package = String::new();
        let mut imports = HashMap::new();
        for child in named_children(root) {
            match child.kind() {
                "package_clause" => {
                    if let Some(id) = child.named_child(0) {
                        package = text(id, &src).to_string();
                    }
                }
                "import_declaration" => collect_imports(child, &src, &mut imports),
                _ => {}
            }
        }
        let syntax_error = if root.has_error() { first_error(root) } else { None };
        let is_test = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with("_test.go"));
        let build = build_constraint(&src);
        let lines = src.lines().count();
        Ok(SourceFile {
            path,
            src,
            tree,
            package,
            imports,
            build,
            is_test,
            lines,
            syntax_error,
        })
    }

    /// The local name under which `import_path` is imported (`None` if it is not).
    pub fn local_name(&self, import_path: &str) -> Option<&str> {
        self.imports
            .iter()
            .find(|(_, p)| p.as_str() == import_path)
            .map(|(n, _)| n.as_str())
    }

    /// True if `name` (a package qualifier in the source) refers to `import_path`.
    pub fn is_pkg(&self, name: &str, import_path: &str) -> bool {
        self.imports.get(name).is_some_and(|p| p == import_path)
    }

    /// True if the file imports `import_path` under any name.
    pub fn imports_path(&self, import_path: &str) -> bool {
        self.imports.values().any(|p| p == import_path)
    }

    /// `Some(name)` when `call_node` is `pkg.Name(...)` with `pkg` an import of
    /// `import_path` and `Name` one of `names`.
    pub fn pkg_call<'a>(&self, call_node: Node<'_>, import_path: &str, names: &[&'a str]) -> Option<&'a str> {
        let c = crate::syntax::call(call_node)?;
        let operand = c.operand?;
        if operand.kind() != "identifier" || !self.is_pkg(text(operand, &self.src), import_path) {
            return None;
        }
        let called = text(c.name, &self.src);
        names.iter().find(|n| **n == called).copied()
    }

    /// The source text of a node of this file.
    pub fn text(&self, node: Node<'_>) -> &str {
        text(node, &self.src)
    }
}

fn collect_imports(decl: Node<'_>, src: &str, out: &mut HashMap<String, String>) {
    for spec in descendants(decl).filter(|n| n.kind() == "import_spec") {
        let Some(path_node) = spec.child_by_field_name("path") else {
            continue;
        };
        let path = text(path_node, src)
            .trim_matches(|c| c == '"' || c == '`')
            .to_string();
        let name = match spec.child_by_field_name("name") {
            Some(n) => text(n, src).to_string(),
            None => default_name(&path),
        };
        out.insert(name, path);
    }
}

/// The name a package is known by when imported without an alias: the last
/// path element, minus a `/vN` major-version suffix and a `.vN`/`go-` decoration.
fn default_name(path: &str) -> String {
    let mut parts = path.rsplit('/');
    let mut last = parts.next().unwrap_or(path);
    if last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit()) {
        last = parts.next().unwrap_or(last);
    }
    let last = last.split('.').next().unwrap_or(last);
    let last = last.strip_prefix("go-").unwrap_or(last);
    last.replace('-', "_")
}

fn first_error(root: Node<'_>) -> Option<(usize, usize)> {
    descendants(root)
        .find(|n| n.is_error() || n.is_missing())
        .map(crate::syntax::line_col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_keep_aliases() {
        let src = "package p\nimport (\n\th \"net/http\"\n\t\"os\"\n\t\"github.com/x/y/v2\"\n)\n";
        let f = SourceFile::parse(&mut go_parser(), "a.go".into(), src.into()).unwrap();
        assert_eq!(f.package, "p");
        assert!(f.is_pkg("h", "net/http"));
        assert!(f.is_pkg("os", "os"));
        assert!(f.is_pkg("y", "github.com/x/y/v2"));
        assert!(!f.is_pkg("http", "net/http"));
    }

    #[test]
    fn generated_marker_only_in_header() {
        assert!(is_generated(
            "// Code generated by stringer; DO NOT EDIT.\n\npackage p\n"
        ));
        assert!(!is_generated("package p\n// Code generated by x DO NOT EDIT.\n"));
        assert!(!is_generated(
            "// Code generated by hand, edit freely.\npackage p\n"
        ));
    }

    #[test]
    fn syntax_errors_are_located_not_fatal() {
        let f = SourceFile::parse(&mut go_parser(), "a.go".into(), "package p\nfunc f( {\n".into()).unwrap();
        assert!(f.syntax_error.is_some());
        assert_eq!(
            build_constraint("//go:build linux && cgo\n\npackage p\n").as_deref(),
            Some("linux && cgo")
        );
    }
}
