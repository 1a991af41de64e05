//! Syntax cases of the dump parser. Real dumps captured from Go programs are
//! tested in `tests/goroutine_dumps.rs`; these pin the line grammar of
//! runtime/traceback.go on short texts in its exact shape.

use super::*;

fn parse(bytes: &[u8]) -> Result<Option<GoroutineDump>, ParseError> {
    parse_dump(bytes, &Limits::default())
}

const TWO: &str = "goroutine 1 [running]:
main.main()
\t/src/main.go:9 +0x18

goroutine 7 [chan send, 4 minutes, locked to thread]:
main.send(...)
\t/src/main.go:30
main.worker(0xc000010000, {0x4b6b3a, 0x5})
\t/src/main.go:25 +0x2c
created by main.start in goroutine 1
\t/src/main.go:20 +0x18
";

#[test]
fn reads_blocks_frames_and_creators() {
    let dump = parse(TWO.as_bytes()).unwrap().unwrap();
    assert_eq!(dump.kind, DumpKind::Debug2);
    assert_eq!(dump.goroutines.len(), 2);
    let g = &dump.goroutines[1];
    assert_eq!(
        (g.id, g.minutes, g.creator_id, g.flags.locked),
        (7, 4, Some(1), true)
    );
    assert_eq!(dump.state(g), "chan send");
    let stack = dump.stack(g).unwrap();
    let frames: Vec<_> = dump
        .stack_frames(stack)
        .map(|f| (f.function.as_str(), f.line))
        .collect();
    assert_eq!(frames, [("main.send", 30), ("main.worker", 25)]);
    let creator = dump.frame(stack.created_by.unwrap()).unwrap();
    assert_eq!((creator.function.as_str(), creator.line), ("main.start", 20));
    assert!(dump.truncation.is_none());
}

#[test]
fn any_chunking_gives_the_same_dump() {
    let whole = parse(TWO.as_bytes()).unwrap().unwrap();
    for size in [1, 2, 3, 7, 64] {
        let mut p = DumpParser::new(&Limits::default());
        for chunk in TWO.as_bytes().chunks(size) {
            p.feed(chunk).unwrap();
        }
        assert_eq!(p.finish().unwrap().unwrap(), whole, "chunk size {size}");
    }
}

#[test]
fn log_text_around_and_between_blocks() {
    let text = format!(
        "2026/01/01 starting\nSIGQUIT: quit\nPC=0x46b3a1 m=0 sigcode=0\n\n{}exit status 2\n{}\nsome (log) line\n",
        TWO.replace("goroutine 1 [", "goroutine 1 gp=0xc000002380 m=0 mp=0x5e4a80 ["),
        "goroutine 9 [select]:\nmain.loop()\n\t/src/main.go:40 +0x10"
    );
    let dump = parse(text.as_bytes()).unwrap().unwrap();
    assert_eq!(dump.kind, DumpKind::Traceback);
    let ids: Vec<u64> = dump.goroutines.iter().map(|g| g.id).collect();
    assert_eq!(ids, [1, 7, 9]);
    assert_eq!(dump.other_lines, 6);
    assert!(dump.truncation.is_none());
}

#[test]
fn a_cut_dump_is_detected_and_its_partial_goroutine_dropped() {
    let cut = &TWO[..TWO.find("\t/src/main.go:25").unwrap() + 5];
    let dump = parse(cut.as_bytes()).unwrap().unwrap();
    let t = dump.truncation.as_ref().unwrap();
    assert_eq!(t.partial_goroutine, Some(7));
    assert_eq!(dump.goroutines.len(), 1);

    // The runtime's own cut: the buffer is full at exactly 64 MiB.
    let mut big = String::new();
    let mut id = 10;
    while big.len() < RUNTIME_DUMP_CAP as usize {
        big.push_str(
            &TWO[TWO.find("\ngoroutine 7").unwrap()..].replace("goroutine 7 ", &format!("goroutine {id} ")),
        );
        id += 1;
    }
    let cut = &big.as_bytes()[..RUNTIME_DUMP_CAP as usize];
    let headers = String::from_utf8_lossy(cut).matches("\ngoroutine ").count();
    let dump = parse(cut).unwrap().unwrap();
    assert!(dump.truncation.unwrap().reason.contains("64 MiB"));
    assert_eq!(dump.goroutines.len(), headers - 1);

    let cut = &TWO[..TWO.find("[chan send").unwrap()];
    let dump = parse(cut.as_bytes()).unwrap().unwrap();
    assert_eq!(dump.goroutines.len(), 1);
    assert!(dump.truncation.is_some());
}

#[test]
fn elided_frames_ancestors_and_unavailable_stacks() {
    let text = "goroutine 5 [chan receive]:
main.deep(...)
\t/src/main.go:3
...40 frames elided...
main.root()
\t/src/main.go:9 +0x1
created by main.spawn in goroutine 4
\t/src/main.go:12 +0x2
[originating from goroutine 4]:
main.spawn(...)
\t/src/main.go:12 +0x2
created by main.main
\t/src/main.go:20 +0x3

goroutine 6 gp=0xc000003000 m=3 mp=0xc000100008 [running]:
\tgoroutine running on other thread; stack unavailable
created by main.main in goroutine 1
\t/src/main.go:21 +0x4
";
    let dump = parse(text.as_bytes()).unwrap().unwrap();
    let g = &dump.goroutines[0];
    let stack = dump.stack(g).unwrap();
    assert_eq!((stack.elided, stack.frames.len()), (40, 2));
    let extra = g.extra.as_ref().unwrap();
    assert_eq!(extra.ancestors.len(), 1);
    assert_eq!(extra.ancestors[0].id, 4);
    assert_eq!(extra.ancestors[0].frames.len(), 1);
    let g = &dump.goroutines[1];
    assert!(g.flags.stack_unavailable);
    assert_eq!(g.extra.as_ref().unwrap().m, Some(3));
    assert_eq!(dump.stack(g).unwrap().frames.len(), 0);
}

#[test]
fn not_a_dump() {
    assert!(parse(b"").unwrap().is_none());
    assert!(parse(b"goroutine profile: total 3\n").unwrap().is_none());
    assert!(parse(b"\xff\xfe\x00garbage\n(((\n\t:\n").unwrap().is_none());
}
