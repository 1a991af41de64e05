//! Go build info of a local process's binary (what `go version -m` prints):
//! the Go version and build settings such as `-race` and `DefaultGODEBUG`,
//! which change how memory behaves (e.g. `asynctimerchan=1` brings back the
//! pre-Go 1.23 timers that are never collected while unstopped).

use std::io::Read;

/// The magic that starts the build info blob in every Go binary since 1.13.
const MAGIC: &[u8] = b"\xff Go buildinf:";
/// Largest binary prefix scanned for the blob (it sits near the start of the data segment).
const MAX_SCAN: u64 = 512 << 20;

/// What the binary says about how it was built.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildInfo {
    /// `go1.26.8`.
    pub go_version: String,
    /// Main module path (`path` line).
    pub path: String,
    /// `build` settings: (`-race`, `true`), (`DefaultGODEBUG`, `asynctimerchan=1`), …
    pub settings: Vec<(String, String)>,
}

impl BuildInfo {
    /// A build setting's value.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads the build info of the executable of `pid` (`/proc/PID/exe`).
pub fn of_pid(pid: u32) -> Option<BuildInfo> {
    let file = std::fs::File::open(format!("/proc/{pid}/exe")).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_SCAN).read_to_end(&mut bytes).ok()?;
    parse(&bytes)
}

/// Finds and decodes the build info blob (Go 1.18+ inline format).
pub fn parse(binary: &[u8]) -> Option<BuildInfo> {
    let start = binary.windows(MAGIC.len()).position(|w| w == MAGIC)?;
    let header = binary.get(start..start.checked_add(32)?)?;
    let flags = header[15];
    if flags & 0x2 == 0 {
        return None; // pre-1.18 pointer format: needs the binary's data layout
    }
    let mut rest = &binary[start + 32..];
    let version = std::str::from_utf8(take_bytes(&mut rest)?).ok()?;
    let modinfo = take_bytes(&mut rest)?;
    // modinfo is framed by 16-byte binary sentinels.
    let modinfo = if modinfo.len() >= 32 {
        &modinfo[16..modinfo.len() - 16]
    } else {
        &[][..]
    };
    let modinfo = String::from_utf8_lossy(modinfo);
    let mut info = BuildInfo {
        go_version: version.to_string(),
        ..BuildInfo::default()
    };
    for line in modinfo.lines() {
        let mut cols = line.splitn(2, '\t');
        match (cols.next(), cols.next()) {
            (Some("path"), Some(p)) => info.path = p.to_string(),
            (Some("build"), Some(kv)) => {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                info.settings
                    .push((k.to_string(), v.trim_matches('"').to_string()));
            }
            _ => {}
        }
    }
    Some(info)
}

fn take_bytes<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let mut len: u64 = 0;
    let mut shift = 0;
    let mut used: usize = 0;
    for &b in rest.iter().take(10) {
        used += 1;
        len |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    let len = usize::try_from(len).ok()?;
    let s = rest.get(used..used.checked_add(len)?)?;
    *rest = &rest[used + len..];
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use leakscope_harness::{Mode, Service};

    #[test]
    fn reads_a_real_go_binary() {
        let svc = Service::start("ticker-not-stopped", Mode::Fixed, &["--rate=1"]).unwrap();
        let info = of_pid(svc.pid()).unwrap();
        assert!(info.go_version.starts_with("go1."), "{info:?}");
        assert!(info.path.ends_with("cmd/ticker-not-stopped"), "{info:?}");
        // The program restores pre-1.23 timers with //go:debug, which the linker records.
        assert!(
            info.setting("DefaultGODEBUG")
                .is_some_and(|v| v.contains("asynctimerchan=1")),
            "{info:?}"
        );
    }

    #[test]
    fn garbage_is_not_build_info() {
        assert!(parse(b"not a binary").is_none());
        let mut fake = MAGIC.to_vec();
        fake.extend_from_slice(&[8, 2]);
        fake.extend_from_slice(&[0; 16]);
        fake.push(200); // a length that runs past the end
        assert!(parse(&fake).is_none());
    }
}
