//! What a rule sees: one parsed file plus its package's facts, the project
//! configuration and the module's Go version.

use tree_sitter::Node;

use crate::config::Config;
use crate::finding::{Finding, Severity};
use crate::package::PackageFacts;
use crate::source::SourceFile;
use crate::syntax;

/// A `go` directive version (`go 1.22.3` → 1.22).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct GoVersion {
    /// Always 1 so far.
    pub major: u32,
    /// The minor release.
    pub minor: u32,
}

impl GoVersion {
    /// Parses `1.22`, `1.22.3`, `1.23rc1`.
    pub fn parse(s: &str) -> Option<GoVersion> {
        let mut parts = s.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor_text: String = parts.next()?.chars().take_while(char::is_ascii_digit).collect();
        Some(GoVersion {
            major,
            minor: minor_text.parse().ok()?,
        })
    }

    /// The `go` directive of the `go.mod` text.
    pub fn from_go_mod(text: &str) -> Option<GoVersion> {
        text.lines()
            .find_map(|l| l.trim().strip_prefix("go ").and_then(GoVersion::parse))
    }
}

/// Everything one rule needs to check one file.
#[derive(Debug, Clone, Copy)]
pub struct FileCtx<'a> {
    /// The parsed file.
    pub file: &'a SourceFile,
    /// Facts about the file's package.
    pub package: &'a PackageFacts,
    /// The project configuration.
    pub config: &'a Config,
    /// The `go` directive of the nearest `go.mod` above the file.
    pub go_version: Option<GoVersion>,
    /// The `godebug` settings of that `go.mod` and `//go:debug` lines of the package (`key=value`).
    pub godebug: &'a [String],
    /// Every file of the package (this one included), for declarations in sibling files.
    pub package_files: &'a [&'a SourceFile],
    /// Every node of the file in source order, collected once so that each
    /// rule's `nodes_of_kind` is a scan of a slice, not a tree walk (empty:
    /// walk the tree, as for a sibling file's context).
    pub all_nodes: &'a [Node<'a>],
}

impl<'a> FileCtx<'a> {
    /// The file's source text.
    pub fn src(&self) -> &'a str {
        &self.file.src
    }

    /// The source text of `node`.
    pub fn text(&self, node: Node<'_>) -> &'a str {
        syntax::text(node, &self.file.src)
    }

    /// The root of the syntax tree.
    pub fn root(&self) -> Node<'a> {
        self.file.tree.root_node()
    }

    /// Every function declaration, method and function literal of the file,
    /// skipping those containing syntax errors (their shape cannot be trusted).
    pub fn functions(&self) -> impl Iterator<Item = Node<'a>> {
        self.all().filter(|n| syntax::is_function(*n) && !n.has_error())
    }

    /// Every node of `kind` in the file.
    pub fn nodes_of_kind(&self, kind: &'static str) -> impl Iterator<Item = Node<'a>> {
        self.all().filter(move |n| n.kind() == kind)
    }

    /// Every node, from the cache when there is one.
    fn all(&self) -> Box<dyn Iterator<Item = Node<'a>> + 'a> {
        if self.all_nodes.is_empty() {
            Box::new(syntax::descendants(self.root()))
        } else {
            Box::new(self.all_nodes.iter().copied())
        }
    }

    /// The same context for another file of the package.
    pub fn for_file(&self, file: &'a SourceFile) -> FileCtx<'a> {
        FileCtx {
            file,
            all_nodes: &[],
            ..*self
        }
    }

    /// The declaration of the package-level function `name` (in any file of
    /// the package), with the context of its file.
    pub fn find_function(&self, name: &str) -> Option<(FileCtx<'a>, Node<'a>)> {
        self.package_files.iter().find_map(|f| {
            let decl = syntax::named_children(f.tree.root_node()).into_iter().find(|n| {
                n.kind() == "function_declaration" && syntax::function_name(*n, &f.src) == Some(name)
            })?;
            Some((self.for_file(f), decl))
        })
    }

    /// A finding of `rule` spanning `node`.
    pub fn finding(&self, rule: &'static str, node: Node<'_>, message: String) -> Finding {
        let (line, col) = syntax::line_col(node);
        let end = node.end_position();
        Finding {
            rule,
            path: self.file.path.clone(),
            line,
            col,
            end_line: end.row + 1,
            end_col: end.column + 1,
            message,
            severity: if self.file.is_test {
                Severity::Test
            } else {
                Severity::Error
            },
            build: self.file.build.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_versions() {
        assert_eq!(
            GoVersion::parse("1.22.3"),
            Some(GoVersion { major: 1, minor: 22 })
        );
        assert_eq!(
            GoVersion::parse("1.23rc1"),
            Some(GoVersion { major: 1, minor: 23 })
        );
        assert_eq!(
            GoVersion::from_go_mod("module x\n\ngo 1.21\n"),
            Some(GoVersion { major: 1, minor: 21 })
        );
        assert!(GoVersion::parse("x").is_none());
    }
}
