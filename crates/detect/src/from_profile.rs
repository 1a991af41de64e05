//! Adapters from the parsed formats (`leakscope-profile`) to the detectors' view.

use leakscope_profile::Profile;
use leakscope_profile::goroutine::{CountProfile, GoroutineDump};

use crate::snapshot::{Frame, Goroutine, HeapSample};

/// The in-use samples of a heap profile; an error names what is missing.
pub fn heap_samples(p: &Profile) -> Result<Vec<HeapSample>, String> {
    let find = |name: &str| {
        p.sample_types.iter().position(|t| t.ty == name).ok_or_else(|| {
            format!(
                "not a heap profile: no {name} sample type (has {})",
                p.sample_type_names().join(", ")
            )
        })
    };
    let (space, objects) = (find("inuse_space")?, find("inuse_objects")?);
    Ok(p.samples
        .iter()
        .filter_map(|s| {
            let bytes = *s.values.get(space)?;
            let objs = *s.values.get(objects)?;
            if bytes == 0 && objs == 0 {
                return None;
            }
            let stack = p
                .frames(s)
                .map(|f| Frame {
                    function: f.display_name(),
                    file: f.file.to_string(),
                    line: u32::try_from(f.line).unwrap_or(0),
                })
                .collect();
            Some(HeapSample {
                stack,
                inuse_bytes: bytes as f64,
                inuse_objects: objs as f64,
            })
        })
        .collect())
}

fn frame(f: &leakscope_profile::goroutine::Frame) -> Frame {
    Frame {
        function: f.function.clone(),
        file: f.file.clone(),
        line: f.line,
    }
}

/// Every goroutine of a `debug=2` dump, with ids.
pub fn dump_goroutines(d: &GoroutineDump) -> Vec<Goroutine> {
    d.goroutines
        .iter()
        .map(|g| {
            let stack = d.stack(g);
            Goroutine {
                id: Some(g.id),
                count: 1,
                state: d.state(g).to_string(),
                wait_minutes: u64::from(g.minutes),
                stack: stack
                    .map(|s| d.stack_frames(s).map(frame).collect())
                    .unwrap_or_default(),
                created_by: stack
                    .and_then(|s| s.created_by)
                    .and_then(|i| d.frame(i))
                    .map(frame),
            }
        })
        .collect()
}

/// The ids the runtime marked `(leaked)` in a dump.
pub fn leaked_ids(d: &GoroutineDump) -> Vec<u64> {
    d.goroutines
        .iter()
        .filter(|g| g.flags.leaked)
        .map(|g| g.id)
        .collect()
}

/// Counted stacks (`debug=1` or proto): no ids, no states.
pub fn counted_goroutines(c: &CountProfile) -> Vec<Goroutine> {
    c.stacks
        .iter()
        .map(|s| Goroutine {
            id: None,
            count: s.count,
            state: String::new(),
            wait_minutes: 0,
            stack: s.frames.iter().map(frame).collect(),
            created_by: None,
        })
        .collect()
}
