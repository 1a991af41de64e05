//! `debug=2` goroutine dumps and panic/SIGQUIT tracebacks → [`GoroutineDump`].
//!
//! The text is read line by line as the runtime writes it (runtime/traceback.go):
//! a header, then per frame a `function(args)` line and a `\tfile:line +0xoff`
//! line, `...N frames elided...`, `created by F in goroutine N` with its own
//! file line, `[originating from goroutine N]:` ancestor sections, and a blank
//! line between goroutines. Anything outside a block is log text and skipped.
//!
//! [`DumpParser`] takes the input in chunks of any size, so a dump of millions
//! of goroutines is read in bounded memory; identical frames and stacks are
//! stored once.
//!
//! ```
//! let text = b"goroutine 7 [chan send, 3 minutes]:\nmain.worker(0xc000010000)\n\t/src/main.go:12 +0x2c\ncreated by main.main in goroutine 1\n\t/src/main.go:20 +0x18\n";
//! let limits = leakscope_profile::Limits::default();
//! let dump = leakscope_profile::goroutine_dump::parse_dump(text, &limits).unwrap().unwrap();
//! assert_eq!(dump.goroutines[0].minutes, 3);
//! assert_eq!(dump.state(&dump.goroutines[0]), "chan send");
//! ```

use crate::error::ParseError;
use crate::fx_hash::FxHashMap;
use crate::goroutine::{
    Ancestor, DumpKind, Frame, Goroutine, GoroutineDump, GoroutineExtra, GoroutineFlags, Stack, Truncation,
};
use crate::goroutine_header::{Header, parse_header};
use crate::limits::Limits;
use crate::traceback_line::{RECENT_SLOTS, frame_function, quick_slot, split_file_line};

/// `writeGoroutineStacks` in runtime/pprof gives up growing its buffer at 64 MiB.
pub const RUNTIME_DUMP_CAP: u64 = 64 << 20;

/// Parses a whole dump or traceback held in memory; `Ok(None)` if the text
/// has no goroutine header at all (it is some other format).
pub fn parse_dump(bytes: &[u8], limits: &Limits) -> Result<Option<GoroutineDump>, ParseError> {
    let mut parser = DumpParser::new(limits);
    parser.feed(bytes)?;
    parser.finish()
}

/// What the next line of a goroutine block may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// A frame, `created by`, an elision marker, or the end of the block.
    Frame,
    /// The `\tfile:line` line of the frame just read.
    FileLine,
    /// The `\tfile:line` line of `created by`.
    CreatorFile,
}

/// The goroutine being read.
struct Block {
    id: u64,
    m: Option<u64>,
    state: u16,
    minutes: u32,
    bubble: Option<u64>,
    flags: GoroutineFlags,
    labels: Vec<(String, String)>,
    elided: u32,
    created_by: Option<u32>,
    creator_id: Option<u64>,
    ancestors: Vec<Ancestor>,
    /// The goroutine's own frames once an ancestor section has begun.
    own_frames: Option<Vec<u32>>,
    expect: Expect,
}

/// A streaming parser: [`feed`](DumpParser::feed) chunks, then [`finish`](DumpParser::finish).
pub struct DumpParser {
    frames: Vec<Frame>,
    frame_index: FxHashMap<Box<[u8]>, u32>,
    stacks: Vec<Stack>,
    stack_index: FxHashMap<Stack, u32>,
    states: Vec<String>,
    state_index: FxHashMap<String, u16>,
    goroutines: Vec<Goroutine>,
    block: Option<Block>,
    /// Frames of the current block (or ancestor section), leaf first.
    block_frames: Vec<u32>,
    /// Function name of the frame whose file line comes next.
    pending_function: Vec<u8>,
    /// Scratch for frame keys.
    key: Vec<u8>,
    /// Frame ids by [`quick_slot`]; `u32::MAX` is empty.
    recent: Vec<u32>,
    /// An incomplete line carried over from the previous chunk.
    carry: Vec<u8>,
    bytes: u64,
    other_lines: u64,
    crash_headers: bool,
    max_goroutines: usize,
    max_depth: usize,
}

impl DumpParser {
    /// An empty parser that fails past `limits` (goroutines, frames per goroutine).
    pub fn new(limits: &Limits) -> DumpParser {
        DumpParser {
            frames: Vec::new(),
            frame_index: FxHashMap::default(),
            stacks: Vec::new(),
            stack_index: FxHashMap::default(),
            states: Vec::new(),
            state_index: FxHashMap::default(),
            goroutines: Vec::new(),
            block: None,
            block_frames: Vec::new(),
            pending_function: Vec::new(),
            key: Vec::new(),
            recent: vec![u32::MAX; RECENT_SLOTS],
            carry: Vec::new(),
            bytes: 0,
            other_lines: 0,
            crash_headers: false,
            max_goroutines: limits.max_records,
            max_depth: limits.max_stack_depth,
        }
    }

    /// Reads the next chunk of the text; chunks may split lines anywhere.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), ParseError> {
        self.bytes = self.bytes.saturating_add(chunk.len() as u64);
        let mut data = chunk;
        if !self.carry.is_empty() {
            match memchr::memchr(b'\n', data) {
                None => {
                    self.carry.extend_from_slice(data);
                    return Ok(());
                }
                Some(nl) => {
                    let mut line = std::mem::take(&mut self.carry);
                    line.extend_from_slice(&data[..nl]);
                    self.line(&line)?;
                    line.clear();
                    self.carry = line;
                    data = &data[nl + 1..];
                }
            }
        }
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', data) {
            self.line(&data[start..nl])?;
            start = nl + 1;
        }
        self.carry.extend_from_slice(&data[start..]);
        Ok(())
    }

    /// Ends the input: closes the last block, detects a cut dump, and returns
    /// the dump (`None` if no goroutine was found).
    pub fn finish(mut self) -> Result<Option<GoroutineDump>, ParseError> {
        let tail = std::mem::take(&mut self.carry);
        let incomplete_tail = !tail.is_empty();
        let tail_starts_block = tail.starts_with(b"goroutine ");
        // A last line without its newline inside a block is a cut; elsewhere it may open one.
        if incomplete_tail && self.block.is_none() {
            self.line(&tail)?;
        }
        let mut truncation = None;
        if let Some(block) = self.block.take() {
            let reason = if self.bytes == RUNTIME_DUMP_CAP {
                Some("the dump is exactly 64 MiB, where the runtime stops writing".to_string())
            } else if block.expect != Expect::Frame {
                Some(format!("goroutine {} ends in the middle of a frame", block.id))
            } else if incomplete_tail {
                Some(format!(
                    "goroutine {} ends without the final newline the runtime writes",
                    block.id
                ))
            } else {
                None
            };
            match reason {
                Some(reason) => {
                    truncation = Some(Truncation {
                        reason,
                        partial_goroutine: Some(block.id),
                    })
                }
                None => self.close_block(block)?,
            }
        } else if incomplete_tail && tail_starts_block || self.bytes == RUNTIME_DUMP_CAP {
            truncation = Some(Truncation {
                reason: "the text ends in the middle of a goroutine header".to_string(),
                partial_goroutine: None,
            });
        }
        // Not a single whole goroutine: this is not a dump (a lone header line in a log, say).
        if self.goroutines.is_empty() {
            return Ok(None);
        }
        let kind = if self.other_lines == 0 && !self.crash_headers {
            DumpKind::Debug2
        } else {
            DumpKind::Traceback
        };
        Ok(Some(GoroutineDump {
            kind,
            goroutines: self.goroutines,
            stacks: self.stacks,
            frames: self.frames,
            states: self.states,
            truncation,
            other_lines: self.other_lines,
        }))
    }

    /// One line without its `\n`.
    fn line(&mut self, raw: &[u8]) -> Result<(), ParseError> {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let Some(expect) = self.block.as_ref().map(|b| b.expect) else {
            if line.starts_with(b"goroutine ")
                && let Some(header) = parse_header(&String::from_utf8_lossy(line))
            {
                return self.open_block(header);
            }
            self.other_lines += 1;
            return Ok(());
        };
        match expect {
            Expect::FileLine | Expect::CreatorFile => {
                let Some(file_line) = line.strip_prefix(b"\t").and_then(split_file_line) else {
                    // Log text cut into the frame: end the block without the dangling frame.
                    return self.interrupted(line);
                };
                if self.block_frames.len() >= self.max_depth {
                    return Err(ParseError::TooMany {
                        what: "frames in one goroutine",
                        limit: self.max_depth,
                    });
                }
                let id = self.intern_frame(file_line);
                if let Some(block) = self.block.as_mut() {
                    if expect == Expect::FileLine {
                        self.block_frames.push(id);
                    } else if let Some(ancestor) = block.ancestors.last_mut() {
                        ancestor.created_by = Some(id);
                    } else {
                        block.created_by = Some(id);
                    }
                    block.expect = Expect::Frame;
                }
                Ok(())
            }
            Expect::Frame => self.block_line(line),
        }
    }

    /// A line inside a block where a frame, creator, marker or the end may come.
    fn block_line(&mut self, line: &[u8]) -> Result<(), ParseError> {
        if line.is_empty() {
            let block = self.block.take();
            return block.map_or(Ok(()), |b| self.close_block(b));
        }
        // The common case first: `function(args)`.
        if let Some(function) = frame_function(line) {
            let function: &[u8] = if function == b"panic" {
                b"runtime.gopanic"
            } else {
                function
            };
            self.pending_function.clear();
            self.pending_function.extend_from_slice(function);
            if let Some(block) = self.block.as_mut() {
                block.expect = Expect::FileLine;
            }
            return Ok(());
        }
        let text = String::from_utf8_lossy(line);
        let line = text.as_ref();
        let Some(block) = self.block.as_mut() else {
            return Ok(());
        };
        if line == "\tgoroutine running on other thread; stack unavailable" {
            block.flags.stack_unavailable = true;
            return Ok(());
        }
        if let Some(rest) = line.strip_prefix("created by ") {
            let (function, creator) = match rest.rsplit_once(" in goroutine ") {
                Some((f, n)) => match n.parse() {
                    Ok(n) => (f, Some(n)),
                    Err(_) => return self.interrupted(line.as_bytes()),
                },
                None => (rest, None),
            };
            if block.ancestors.is_empty() {
                block.creator_id = creator;
            }
            block.expect = Expect::CreatorFile;
            self.pending_function.clear();
            self.pending_function.extend_from_slice(function.as_bytes());
            return Ok(());
        }
        if let Some(n) = line
            .strip_prefix("...")
            .and_then(|r| r.strip_suffix(" frames elided..."))
            && let Ok(n) = n.parse::<u32>()
        {
            block.elided = block.elided.saturating_add(n);
            return Ok(());
        }
        if line == "...additional frames elided..." {
            return Ok(());
        }
        if let Some(id) = line
            .strip_prefix("[originating from goroutine ")
            .and_then(|r| r.strip_suffix("]:"))
            && let Ok(id) = id.parse()
        {
            self.start_ancestor(id);
            return Ok(());
        }
        if line.starts_with("goroutine ")
            && let Some(header) = parse_header(line)
        {
            if let Some(b) = self.block.take() {
                self.close_block(b)?;
            }
            return self.open_block(header);
        }
        if line.starts_with("non-Go function at pc=") {
            // A cgo frame without a symbolizer: kept so the stack depth is right.
            self.pending_function.clear();
            self.pending_function.extend_from_slice(line.as_bytes());
            let id = self.intern_frame((b"", 0));
            self.block_frames.push(id);
            return Ok(());
        }
        self.interrupted(line.as_bytes())
    }

    /// Starts an ancestor section: the frames read so far belong to the
    /// goroutine itself or to the previous ancestor.
    fn start_ancestor(&mut self, id: u64) {
        let frames = std::mem::take(&mut self.block_frames);
        if let Some(block) = self.block.as_mut() {
            match (&mut block.own_frames, block.ancestors.last_mut()) {
                (None, _) => block.own_frames = Some(frames),
                (Some(_), Some(previous)) => previous.frames = frames,
                (Some(_), None) => {}
            }
            block.ancestors.push(Ancestor {
                id,
                frames: Vec::new(),
                created_by: None,
            });
        }
    }

    /// Text that is not part of the block: the block ends before it.
    fn interrupted(&mut self, line: &[u8]) -> Result<(), ParseError> {
        if let Some(block) = self.block.take() {
            self.close_block(block)?;
        }
        self.line(line)
    }

    fn open_block(&mut self, header: Header<'_>) -> Result<(), ParseError> {
        if self.goroutines.len() >= self.max_goroutines {
            return Err(ParseError::TooMany {
                what: "goroutines",
                limit: self.max_goroutines,
            });
        }
        self.crash_headers |= header.m.is_some();
        let state = self.intern_state(header.state)?;
        self.block_frames.clear();
        self.block = Some(Block {
            id: header.id,
            m: header.m,
            state,
            minutes: header.minutes,
            bubble: header.bubble,
            flags: header.flags,
            labels: header.labels,
            elided: 0,
            created_by: None,
            creator_id: None,
            ancestors: Vec::new(),
            own_frames: None,
            expect: Expect::Frame,
        });
        Ok(())
    }

    fn close_block(&mut self, mut block: Block) -> Result<(), ParseError> {
        let mut frames = std::mem::take(&mut self.block_frames);
        let mut ancestors = std::mem::take(&mut block.ancestors);
        if let Some(own) = block.own_frames.take() {
            // The frames just read are the last ancestor's.
            if let Some(last) = ancestors.last_mut() {
                last.frames = frames;
            }
            frames = own;
        }
        let key = Stack {
            frames,
            elided: block.elided,
            created_by: block.created_by,
        };
        let stack = match self.stack_index.get(&key) {
            Some(&i) => i,
            None => {
                let i = u32::try_from(self.stacks.len()).map_err(|_| ParseError::TooMany {
                    what: "distinct stacks",
                    limit: u32::MAX as usize,
                })?;
                self.stacks.push(key.clone());
                self.stack_index.insert(key.clone(), i);
                i
            }
        };
        let mut frames = key.frames;
        frames.clear();
        self.block_frames = frames;
        let extra = (!block.labels.is_empty() || !ancestors.is_empty() || block.m.is_some()).then(|| {
            Box::new(GoroutineExtra {
                labels: block.labels,
                ancestors,
                m: block.m,
            })
        });
        self.goroutines.push(Goroutine {
            id: block.id,
            stack,
            state: block.state,
            minutes: block.minutes,
            creator_id: block.creator_id,
            bubble: block.bubble,
            flags: block.flags,
            extra,
        });
        Ok(())
    }

    fn intern_state(&mut self, state: &str) -> Result<u16, ParseError> {
        if let Some(&i) = self.state_index.get(state) {
            return Ok(i);
        }
        let i = u16::try_from(self.states.len()).map_err(|_| ParseError::TooMany {
            what: "distinct goroutine states",
            limit: 1 << 16,
        })?;
        self.states.push(state.to_string());
        self.state_index.insert(state.to_string(), i);
        Ok(i)
    }

    /// Interns the frame `pending_function` at `file_line` (`path:line`).
    fn intern_frame(&mut self, (file, line): (&[u8], u32)) -> u32 {
        // Most frame lines repeat one seen before: a direct-mapped cache on a
        // cheap hash, checked against the stored frame, skips hashing whole paths.
        let slot = quick_slot(&self.pending_function, file, line);
        if let Some(&i) = self.recent.get(slot)
            && let Some(f) = self.frames.get(i as usize)
            && f.line == line
            && f.function.as_bytes() == self.pending_function
            && f.file.as_bytes() == file
        {
            return i;
        }
        let i = self.intern_frame_slow(file, line);
        if let Some(entry) = self.recent.get_mut(slot) {
            *entry = i;
        }
        i
    }

    fn intern_frame_slow(&mut self, file: &[u8], line: u32) -> u32 {
        self.key.clear();
        self.key.extend_from_slice(&self.pending_function);
        self.key.push(0);
        self.key.extend_from_slice(file);
        self.key.extend_from_slice(&line.to_le_bytes());
        if let Some(&i) = self.frame_index.get(self.key.as_slice()) {
            return i;
        }
        let function = String::from_utf8_lossy(&self.pending_function).into_owned();
        let file = String::from_utf8_lossy(file).into_owned();
        let i = self.push_frame(Frame { function, file, line });
        self.frame_index.insert(self.key.clone().into_boxed_slice(), i);
        i
    }

    fn push_frame(&mut self, frame: Frame) -> u32 {
        // Distinct frames are bounded by the input size, far below u32::MAX for any accepted input.
        let i = self.frames.len() as u32;
        self.frames.push(frame);
        i
    }
}

#[cfg(test)]
#[path = "goroutine_dump_tests.rs"]
mod tests;
