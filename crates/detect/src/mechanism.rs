//! What machinery allocated a heap object, read from the frames between the
//! allocator and the user's code. This is how a heap site is tied to a leak
//! kind without knowing the corpus: Go allocates a ticker in `time.NewTicker`,
//! a defer record in `runtime.newdefer`, a connection's buffers in
//! `net/http.(*Transport).dialConn`, whatever program it is.

use serde::Serialize;

use crate::frames::{any_starts_with, plumbing};
use crate::snapshot::Frame;

/// The HTTP *client* machinery (server-side frames such as `(*response).Write` are not a connection leak).
const HTTP_CLIENT: &[&str] = &[
    "net/http.(*Transport).",
    "net/http.(*persistConn).",
    "net/http.(*Client).",
    "net/http.send",
    "net/http.Get",
    "net/http.Post",
    "net/http.Head",
    "net/http.(*http2Transport).",
    "net/http.(*http2ClientConn).",
];

/// The allocating machinery of a heap stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mechanism {
    /// A goroutine's descriptor (`runtime.newproc`): covered by the goroutine detector.
    Goroutine,
    /// A heap-allocated defer record.
    Defer,
    /// `time.NewTicker`.
    Ticker,
    /// `time.NewTimer`, `time.After`, `time.AfterFunc`.
    Timer,
    /// A cancellable context (`context.WithCancel/Timeout/Deadline`, its Done channel).
    Context,
    /// An HTTP client connection (`net/http` client and transport machinery).
    Http,
    /// `database/sql` connections, statements, rows.
    Sql,
    /// An `*os.File`.
    File,
    /// A network connection or listener (`net.Dial*`, `net.Listen*`).
    Net,
    /// Map storage (`runtime.mapassign`, swiss-table groups).
    Map,
    /// Slice growth (`runtime.growslice`).
    Slice,
    /// A plain `make`/`new`/literal in user code.
    Plain,
}

impl Mechanism {
    /// Classifies a heap stack (leaf first).
    pub fn of(stack: &[Frame], vendors: &[String]) -> Mechanism {
        let lib = plumbing(stack, vendors);
        if any_starts_with(lib, &["runtime.newproc", "runtime.malg"]) {
            Mechanism::Goroutine
        } else if any_starts_with(lib, &["runtime.newdefer", "runtime.deferproc"]) {
            Mechanism::Defer
        } else if any_starts_with(lib, &["context."]) {
            Mechanism::Context
        } else if any_starts_with(lib, &["time.NewTicker"]) {
            Mechanism::Ticker
        } else if any_starts_with(lib, &["time.NewTimer", "time.After", "time.newTimer"]) {
            Mechanism::Timer
        } else if any_starts_with(lib, HTTP_CLIENT) {
            Mechanism::Http
        } else if any_starts_with(lib, &["database/sql."]) {
            Mechanism::Sql
        } else if any_starts_with(
            lib,
            &["os.Open", "os.Create", "os.newFile", "os.NewFile", "os.openFile"],
        ) {
            Mechanism::File
        } else if any_starts_with(
            lib,
            &[
                "net.Dial",
                "net.(*Dialer)",
                "net.Listen",
                "net.(*ListenConfig)",
                "net.newFD",
                "net.(*sysDialer)",
            ],
        ) {
            Mechanism::Net
        } else if any_starts_with(
            lib,
            &["runtime.mapassign", "runtime.makemap", "internal/runtime/maps."],
        ) {
            Mechanism::Map
        } else if any_starts_with(lib, &["runtime.growslice"]) {
            Mechanism::Slice
        } else {
            Mechanism::Plain
        }
    }

    /// Whether this object came out of a `sync.Pool` (its `New` ran under `Pool.Get`).
    pub fn pooled(stack: &[Frame]) -> bool {
        any_starts_with(stack, &["sync.(*Pool).Get"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(fns: &[&str]) -> Vec<Frame> {
        fns.iter()
            .map(|f| Frame {
                function: f.to_string(),
                ..Frame::default()
            })
            .collect()
    }

    #[test]
    fn classifies_by_machinery_not_by_program() {
        let none: &[String] = &[];
        let cases = [
            (
                vec![
                    "runtime.malg",
                    "runtime.newproc1",
                    "runtime.newproc",
                    "example.com/a.serve",
                ],
                Mechanism::Goroutine,
            ),
            (
                vec!["runtime.newdefer", "runtime.deferprocStack", "example.com/a.loop"],
                Mechanism::Defer,
            ),
            (vec!["time.NewTicker", "example.com/a.poll"], Mechanism::Ticker),
            (
                vec![
                    "time.newTimer",
                    "time.AfterFunc",
                    "context.WithDeadlineCause",
                    "example.com/a.h",
                ],
                Mechanism::Context,
            ),
            (
                vec![
                    "bufio.NewReaderSize",
                    "net/http.(*Transport).dialConn",
                    "net/http.(*Client).Do",
                    "main.call",
                ],
                Mechanism::Http,
            ),
            (
                vec!["os.newFile", "os.openFileNolog", "os.OpenFile", "main.open"],
                Mechanism::File,
            ),
            (
                vec![
                    "internal/runtime/maps.newarray",
                    "internal/runtime/maps.(*table).grow",
                    "runtime.mapassign_faststr",
                    "main.put",
                ],
                Mechanism::Map,
            ),
            (vec!["runtime.growslice", "main.record"], Mechanism::Slice),
            (vec!["runtime.makeslice", "main.read"], Mechanism::Plain),
        ];
        for (s, want) in cases {
            assert_eq!(Mechanism::of(&stack(&s), none), want, "{s:?}");
        }
        assert!(Mechanism::pooled(&stack(&[
            "net.Dial",
            "main.newConn",
            "sync.(*Pool).Get",
            "main.h"
        ])));
    }
}
