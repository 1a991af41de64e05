//! Grouping rules on short texts in the runtime's exact shape; real dumps
//! from Go programs are grouped in `tests/goroutine_dumps.rs`.

use super::*;
use crate::Limits;
use crate::count_profile_text::parse_count_profile;
use crate::goroutine_dump::parse_dump;

/// `n` goroutines blocked at the same place, as `debug=2` prints them.
fn blocked(n: u64, state: &str, minutes: u32) -> String {
    let mut s = String::new();
    for id in 0..n {
        let wait = if minutes > 0 {
            format!(", {minutes} minutes")
        } else {
            String::new()
        };
        s.push_str(&format!(
            "goroutine {} [{state}{wait}]:\nmain.send(...)\n\t/src/main.go:30\nmain.worker(0xc000010000)\n\t/src/main.go:25 +0x2c\nnet/http.(*Server).Serve(0x1)\n\t/go/src/net/http/server.go:3400 +0x1\ncreated by main.start in goroutine 1\n\t/src/main.go:20 +0x18\n\n",
            100 + id
        ));
    }
    s
}

fn groups(text: &str) -> GoroutineGroups {
    let dump = parse_dump(text.as_bytes(), &Limits::default()).unwrap().unwrap();
    group_dump(&dump, &GroupOptions::default())
}

#[test]
fn groups_by_creation_blocking_and_wait() {
    let text = blocked(12, "chan send", 3) + &blocked(2, "chan send", 0) + &blocked(3, "select", 0);
    let g = groups(&text);
    assert_eq!(g.total, 17);
    assert_eq!(g.groups.len(), 2);
    let first = &g.groups[0];
    assert_eq!((first.count, first.wait.as_deref()), (14, Some("chan send")));
    assert_eq!(first.creation.function, "main.start");
    assert!(first.creation_is_go_statement);
    assert_eq!(first.entry.function, "net/http.(*Server).Serve");
    assert_eq!(
        (first.blocking.function.as_str(), first.blocking.line),
        ("main.send", 30)
    );
    assert_eq!(first.longest_wait_minutes, Some(3));
    assert_eq!(first.ids.len(), 14);
    assert_eq!(first.stack.len(), 3);
    assert!(
        first.stuck.as_deref().unwrap().contains("14 goroutines"),
        "{:?}",
        first.stuck
    );
    assert!(g.groups[1].stuck.is_none(), "3 fresh members do not look stuck");
}

#[test]
fn stuck_needs_many_members_and_long_waits_on_leakable_primitives() {
    assert!(groups(&blocked(9, "chan receive", 30)).groups[0].stuck.is_none());
    assert!(groups(&blocked(10, "chan receive", 0)).groups[0].stuck.is_none());
    assert!(groups(&blocked(50, "IO wait", 30)).groups[0].stuck.is_none());
    assert!(
        groups(&blocked(10, "sync.WaitGroup.Wait", 1)).groups[0]
            .stuck
            .is_some()
    );
    assert!(
        groups(&blocked(1, "select (no cases)", 0)).groups[0]
            .stuck
            .is_some()
    );
    let leaked = blocked(1, "chan send (leaked)", 0);
    let g = groups(&leaked);
    assert_eq!(g.groups[0].leaked, 1);
    assert!(g.groups[0].stuck.as_deref().unwrap().contains("leak detector"));
}

#[test]
fn counts_profiles_group_without_per_goroutine_facts() {
    let text = "goroutine profile: total 5\n4 @ 0x1 0x2\n#\t0x1\tsync.runtime_SemacquireWaitGroup+0x1\t/go/src/runtime/sema.go:114\n#\t0x2\tmain.waiter+0x2\t/src/main.go:9\n\n1 @ 0x3\n#\t0x3\tmain.main+0x3\t/src/main.go:3\n\n";
    let p = parse_count_profile(text.as_bytes(), &Limits::default())
        .unwrap()
        .unwrap();
    let g = group_counts(&p, GroupSource::Debug1, &GroupOptions::default());
    assert_eq!((g.total, g.groups.len()), (5, 2));
    let first = &g.groups[0];
    assert_eq!(
        (first.count, first.blocking.function.as_str()),
        (4, "main.waiter")
    );
    assert_eq!(first.wait.as_deref(), Some("sync.WaitGroup.Wait"));
    assert!(first.wait_inferred && !first.creation_is_go_statement);
    assert_eq!(first.longest_wait_minutes, None);
    assert!(first.stuck.is_none(), "no wait times in debug=1");
}
