//! The goroutine model: what Go's goroutine dumps and goroutine profiles say.
//!
//! A `debug=2` dump or a panic/SIGQUIT traceback names every goroutine with its
//! state, wait time and creator ([`GoroutineDump`]); `debug=1` text and the
//! proto only count identical stacks ([`CountProfile`]). Both group the same
//! way (see [`crate::goroutine_group`]).

/// One stack frame, as Go prints it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Frame {
    /// Fully qualified function, e.g. `main.(*Server).handle.func1`.
    pub function: String,
    /// Source file path as recorded in the binary.
    pub file: String,
    /// Source line (the call line for non-leaf frames); 0 when unknown.
    pub line: u32,
}

impl Frame {
    /// `function file:line`, for messages.
    pub fn location(&self) -> String {
        if self.file.is_empty() {
            self.function.clone()
        } else {
            format!("{} {}:{}", self.function, self.file, self.line)
        }
    }
}

/// A distinct stack: frames leaf first, frames the runtime elided, and the
/// `go` statement that started the goroutine.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Stack {
    /// Indexes into [`GoroutineDump::frames`], leaf first; inlined frames are kept.
    pub frames: Vec<u32>,
    /// `...N frames elided...`: the runtime prints at most 100 frames.
    pub elided: u32,
    /// `created by F`: index into [`GoroutineDump::frames`] of the `go` statement.
    pub created_by: Option<u32>,
}

/// One goroutine of a dump. Kept small: a dump may hold millions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Goroutine {
    /// The goroutine id (`goroutine 7`).
    pub id: u64,
    /// Index into [`GoroutineDump::stacks`].
    pub stack: u32,
    /// Index into [`GoroutineDump::states`]: the wait reason or the status.
    pub state: u16,
    /// `, N minutes`: how long it has been waiting (0 under a minute).
    pub minutes: u32,
    /// `in goroutine N` of the `created by` line.
    pub creator_id: Option<u64>,
    /// `, synctest bubble N`.
    pub bubble: Option<u64>,
    /// Header flags: `(leaked)`, `(scan)`, `(durable)`, `locked to thread`, stack unavailable.
    pub flags: GoroutineFlags,
    /// Rarely present details (labels, ancestors, gp/m); boxed to keep the struct small.
    pub extra: Option<Box<GoroutineExtra>>,
}

/// The yes/no facts of a goroutine header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GoroutineFlags {
    /// `(leaked)`: the runtime's goroutine leak detector proved it unreachable.
    pub leaked: bool,
    /// `(scan)`: the GC was scanning its stack at the time of the dump.
    pub scan: bool,
    /// `(durable)`: blocked inside a synctest bubble in a way only the bubble can end.
    pub durable: bool,
    /// `, locked to thread` (`runtime.LockOSThread`).
    pub locked: bool,
    /// `goroutine running on other thread; stack unavailable` (tracebacks).
    pub stack_unavailable: bool,
}

/// Details few goroutines have.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoroutineExtra {
    /// ` labels:{"k": "v"}` in the header (`GODEBUG=tracebacklabels=1`).
    pub labels: Vec<(String, String)>,
    /// `[originating from goroutine N]:` sections (`GODEBUG=tracebackancestors=N`).
    pub ancestors: Vec<Ancestor>,
    /// `m=N` in crash headers: the thread running it.
    pub m: Option<u64>,
}

/// An ancestor's stack at the time it created the goroutine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ancestor {
    /// The ancestor goroutine's id.
    pub id: u64,
    /// Indexes into [`GoroutineDump::frames`], leaf first.
    pub frames: Vec<u32>,
    /// Index of the ancestor's own `created by` frame.
    pub created_by: Option<u32>,
}

/// Which text a dump came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpKind {
    /// `/debug/pprof/goroutine?debug=2` or `runtime.Stack(buf, true)`.
    Debug2,
    /// A panic, fatal error or SIGQUIT traceback (other text around it).
    Traceback,
}

/// The runtime stopped writing before the end (see [`GoroutineDump::truncation`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Truncation {
    /// Why we believe so.
    pub reason: String,
    /// The goroutine whose block was cut; it is left out of the dump.
    pub partial_goroutine: Option<u64>,
}

/// Every goroutine of a `debug=2` dump or traceback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoroutineDump {
    /// Where the text came from.
    pub kind: DumpKind,
    /// The goroutines in the order printed.
    pub goroutines: Vec<Goroutine>,
    /// Distinct stacks, shared by goroutines.
    pub stacks: Vec<Stack>,
    /// Distinct frames, shared by stacks.
    pub frames: Vec<Frame>,
    /// Distinct states (wait reasons or statuses), e.g. `chan receive`, `running`.
    pub states: Vec<String>,
    /// Set when the dump is cut short: counts are then low, use the `debug=0` profile.
    pub truncation: Option<Truncation>,
    /// Lines that were not part of any goroutine block (log text around a traceback).
    pub other_lines: u64,
}

impl GoroutineDump {
    /// The state (wait reason or status) of `g`.
    pub fn state(&self, g: &Goroutine) -> &str {
        self.states.get(usize::from(g.state)).map_or("", String::as_str)
    }

    /// The stack of `g`.
    pub fn stack(&self, g: &Goroutine) -> Option<&Stack> {
        self.stacks.get(g.stack as usize)
    }

    /// The frame with index `i`.
    pub fn frame(&self, i: u32) -> Option<&Frame> {
        self.frames.get(i as usize)
    }

    /// The frames of `stack`, leaf first.
    pub fn stack_frames<'a>(&'a self, stack: &'a Stack) -> impl Iterator<Item = &'a Frame> + 'a {
        stack.frames.iter().filter_map(|&i| self.frame(i))
    }
}

/// One distinct stack of a counting profile and how many goroutines had it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackCount {
    /// How many goroutines (or threads) share this stack and labels.
    pub count: u64,
    /// Frames leaf first, inlined frames expanded.
    pub frames: Vec<Frame>,
    /// Program counters as printed (`N @ 0x… 0x…`); empty for the proto conversion.
    pub pcs: Vec<u64>,
    /// pprof labels of these goroutines.
    pub labels: Vec<(String, String)>,
}

/// A `debug=1` count profile (`goroutine profile: total N`) or the counts of a
/// goroutine proto: identical stacks counted, no per-goroutine state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountProfile {
    /// The profile name: `goroutine`, `goroutineleak`, `threadcreate`.
    pub name: String,
    /// `total N` of the header (the sum of the counts).
    pub total: u64,
    /// The stacks, most common first as Go prints them.
    pub stacks: Vec<StackCount>,
}
