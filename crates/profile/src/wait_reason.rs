//! What a goroutine waits on, from Go's wait reasons (runtime/runtime2.go,
//! `waitReasonStrings`) and statuses (`gStatusStrings` in traceback.go).
//!
//! Only channel, select and `sync` waits can be a leak that lasts forever by
//! themselves; I/O, sleeps and runtime workers end on their own or are
//! infrastructure. Counting profiles (proto) carry no wait reason, but their
//! stacks keep the runtime frames that park the goroutine, from which the
//! reason can be inferred.

use crate::goroutine::Frame;

/// A family of wait reasons, coarse enough to judge "stuck".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WaitKind {
    /// `chan receive`, `chan send`, `select`: ends only if another goroutine acts.
    Channel,
    /// `chan receive (nil chan)`, `chan send (nil chan)`, `select (no cases)`: can never end.
    Forever,
    /// `sync.Mutex.Lock`, `sync.RWMutex.*`, `sync.WaitGroup.Wait`, `sync.Cond.Wait`, `semacquire`.
    Sync,
    /// `IO wait`: network or file I/O through the poller.
    Io,
    /// `sleep`: `time.Sleep`.
    Sleep,
    /// `syscall`: inside a system call.
    Syscall,
    /// `running`, `runnable`, `preempted`, `copystack`: not blocked.
    Active,
    /// GC workers, finalizer and cleanup goroutines, other runtime waits.
    Runtime,
    /// Anything else (synctest, coroutines, reasons a newer Go added) or unknown.
    Other,
}

impl WaitKind {
    /// Waits that last until some other goroutine acts, or forever: where goroutine leaks sit.
    pub fn can_leak(self) -> bool {
        matches!(self, WaitKind::Channel | WaitKind::Forever | WaitKind::Sync)
    }

    /// A short lowercase name for reports.
    pub fn name(self) -> &'static str {
        match self {
            WaitKind::Channel => "channel",
            WaitKind::Forever => "forever",
            WaitKind::Sync => "sync",
            WaitKind::Io => "io",
            WaitKind::Sleep => "sleep",
            WaitKind::Syscall => "syscall",
            WaitKind::Active => "active",
            WaitKind::Runtime => "runtime",
            WaitKind::Other => "other",
        }
    }
}

/// The family of a state printed in a goroutine header (`(durable)` already removed).
pub fn classify(state: &str) -> WaitKind {
    match state {
        "chan receive" | "chan send" | "select" => WaitKind::Channel,
        "chan receive (nil chan)" | "chan send (nil chan)" | "select (no cases)" => WaitKind::Forever,
        "sync.Mutex.Lock"
        | "sync.RWMutex.RLock"
        | "sync.RWMutex.Lock"
        | "sync.WaitGroup.Wait"
        | "sync.Cond.Wait"
        | "semacquire" => WaitKind::Sync,
        "IO wait" => WaitKind::Io,
        "sleep" => WaitKind::Sleep,
        "syscall" => WaitKind::Syscall,
        "running" | "runnable" | "preempted" | "copystack" | "idle" => WaitKind::Active,
        "finalizer wait"
        | "cleanup wait"
        | "force gc (idle)"
        | "GOMAXPROCS updater (idle)"
        | "panicwait"
        | "dumping heap"
        | "debug call"
        | "stopping the world"
        | "flushing proc caches" => WaitKind::Runtime,
        s if s.starts_with("GC ") || s.starts_with("garbage collection") || s.starts_with("trace ") => {
            WaitKind::Runtime
        }
        s if s.starts_with("wait for GC") || s.starts_with("page trace") => WaitKind::Runtime,
        _ => WaitKind::Other,
    }
}

/// The wait reason the runtime would print for a stack from a counting
/// profile, judged from the runtime frames that parked it (leaf first).
pub fn infer<'a>(frames: impl IntoIterator<Item = &'a Frame>) -> Option<&'static str> {
    let mut frames = frames.into_iter().take(8).map(|f| f.function.as_str()).peekable();
    while let Some(f) = frames.next() {
        let caller = frames.peek().copied().unwrap_or("");
        let reason = match f {
            "runtime.gopark" | "runtime.goparkunlock" | "runtime.mcall" | "runtime.park_m" => continue,
            "runtime.chanrecv" | "runtime.chanrecv1" | "runtime.chanrecv2" => "chan receive",
            "runtime.chansend" | "runtime.chansend1" => "chan send",
            "runtime.selectgo" => "select",
            "runtime.block" => "select (no cases)",
            "sync.runtime_notifyListWait" => "sync.Cond.Wait",
            "sync.runtime_SemacquireWaitGroup" => "sync.WaitGroup.Wait",
            "sync.runtime_SemacquireRWMutexR" => "sync.RWMutex.RLock",
            "sync.runtime_SemacquireRWMutex" => "sync.RWMutex.Lock",
            "sync.runtime_SemacquireMutex" | "internal/sync.runtime_SemacquireMutex" => "sync.Mutex.Lock",
            "sync.runtime_Semacquire" if caller == "sync.(*WaitGroup).Wait" => "sync.WaitGroup.Wait",
            "sync.runtime_Semacquire" => "semacquire",
            "internal/poll.runtime_pollWait" | "runtime.netpollblock" => "IO wait",
            "time.Sleep" | "runtime.timeSleep" => "sleep",
            _ => return None,
        };
        return Some(reason);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(names: &[&str]) -> Vec<Frame> {
        names
            .iter()
            .map(|n| Frame {
                function: n.to_string(),
                file: String::new(),
                line: 0,
            })
            .collect()
    }

    #[test]
    fn classifies_runtime_wait_reasons() {
        assert_eq!(classify("chan send"), WaitKind::Channel);
        assert_eq!(classify("select (no cases)"), WaitKind::Forever);
        assert_eq!(classify("sync.WaitGroup.Wait"), WaitKind::Sync);
        assert_eq!(classify("IO wait"), WaitKind::Io);
        assert_eq!(classify("GC worker (idle)"), WaitKind::Runtime);
        assert_eq!(classify("running"), WaitKind::Active);
        assert_eq!(classify("something new"), WaitKind::Other);
        assert!(WaitKind::Sync.can_leak() && !WaitKind::Io.can_leak());
    }

    #[test]
    fn infers_from_parking_frames() {
        let f = frames(&[
            "runtime.gopark",
            "runtime.chansend",
            "runtime.chansend1",
            "main.worker",
        ]);
        assert_eq!(infer(&f), Some("chan send"));
        let f = frames(&["runtime.gopark", "runtime.block", "main.forever"]);
        assert_eq!(infer(&f), Some("select (no cases)"));
        let f = frames(&[
            "runtime.gopark",
            "sync.runtime_Semacquire",
            "sync.(*WaitGroup).Wait",
        ]);
        assert_eq!(infer(&f), Some("sync.WaitGroup.Wait"));
        assert_eq!(infer(&frames(&["main.busy"])), None);
    }
}
