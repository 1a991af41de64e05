//! Static leak rules for Go source, on tree-sitter-go, reporting the same rule
//! ids (`leakscope-rules`) as the run-time detectors.
//!
//! ```no_run
//! use leakscope_lint::{scan, ScanOptions, NoProgress};
//! let report = scan(&["./svc".into()], &ScanOptions::default(), &NoProgress).unwrap();
//! for f in &report.findings {
//!     println!("{}:{}:{}: {} ({})", f.path.display(), f.line, f.col, f.message, f.rule);
//! }
//! ```
//!
//! # Pipeline
//! [`walk`] lists `.go` files per directory (honouring `.gitignore`, skipping
//! `vendor/`, `testdata/`, and generated files) → each directory is one job
//! on the rayon pool: its files are parsed ([`source`]), grouped by `package`
//! clause, [`package::PackageFacts`] are built per package, and every enabled
//! rule runs on every file with a [`FileCtx`] → `//leakscope:ignore` filters
//! ([`suppress`]) → findings sorted by place. Trees are dropped per directory,
//! so memory stays bounded by the largest package, not the tree.
//!
//! # Adding a rule
//! 1. The id must exist in `crates/rules` (`leakscope_rules::RULES`).
//! 2. Create `src/rules/<id_with_underscores>.rs` with a unit struct that
//!    implements [`rules::Rule`]: `id()` and `check(ctx, out)`, which returns
//!    early when the file cannot match (e.g. `if !ctx.file.imports_path("sync")
//!    { return }`). `doc()` defaults to the rule's doc in `crates/rules/docs/`
//!    (what `leakscope explain` prints); do not write a second copy.
//!    Use [`FileCtx::finding`] to build findings: message = what leaks, naming
//!    the variable and the path (`flow::Leak::describe`); the help line
//!    pointing to `leakscope explain RULE` is added by the renderers.
//! 3. Register it: a `mod` line and an entry in `RULES` in `src/rules/mod.rs`.
//! 4. Add labelled cases: `corpus/lint/<id>/*.go`, one package per directory,
//!    real compiling Go, with `// want "<id>"` at the end of each line where a
//!    finding is expected (line = the finding's line). At least 6 bad and 6
//!    good functions; the good ones should include the false positives other
//!    linters make. `cargo test -p leakscope-lint --test labelled` lists every
//!    missing and extra finding.
//!
//! # Building blocks for rules
//! - [`syntax`]: node helpers (`call`, `assigned_names`, `descendants`…).
//! - [`flow`]: "is this resource released on every path?" — describe a
//!   [`flow::Resource`] (acquisition node, handles, release methods, error
//!   variable) and call [`flow::analyze`] (or [`flow::analyze_from_entry`] for
//!   something live from function entry). Ownership hand-offs are in
//!   [`flow::escape`] and [`flow::call_takes`].
//! - [`rules::acquire`]: the whole "call returns a resource → track it →
//!   finding" loop for resource-style rules.
//! - [`package::PackageFacts`]: package-level vars, what the package's own
//!   functions do with their parameters, fields closed somewhere. Add cheap
//!   facts there rather than re-reading sibling files in a rule.
//! - [`FileCtx::go_version`] / [`FileCtx::godebug`]: the module's `go` line
//!   and GODEBUG settings.

pub mod config;
pub mod context;
pub mod finding;
pub mod flow;
pub mod package;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod syntax;
pub mod walk;

mod scan;

pub use config::Config;
pub use context::{FileCtx, GoVersion};
pub use finding::{FileProblem, Finding, Severity};
pub use scan::{NoProgress, Progress, ScanError, ScanOptions, ScanReport, scan};
