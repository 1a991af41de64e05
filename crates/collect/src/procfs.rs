//! `/proc` readers for a local Go process: open descriptors by kind, TCP
//! socket states, resident memory, and finding the process behind a port.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

/// What `/proc/PID` says about a process right now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcSample {
    /// Open descriptors.
    pub fds: u64,
    /// Of those, sockets.
    pub socket_fds: u64,
    /// Of those, regular files (paths).
    pub file_fds: u64,
    /// The process's TCP sockets in ESTABLISHED.
    pub established: u64,
    /// The process's TCP sockets in CLOSE_WAIT.
    pub close_wait: u64,
    /// VmRSS in bytes.
    pub rss_bytes: u64,
}

/// Why `/proc` could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ProcError {
    /// The process is gone or not ours to read.
    #[error("/proc/{pid}: {detail}")]
    Unreadable { pid: u32, detail: String },
}

/// Reads descriptors, socket states and RSS of `pid`.
pub fn sample(pid: u32) -> Result<ProcSample, ProcError> {
    sample_at(Path::new("/proc"), pid)
}

fn sample_at(root: &Path, pid: u32) -> Result<ProcSample, ProcError> {
    let dir = root.join(pid.to_string());
    let err = |e: std::io::Error| ProcError::Unreadable {
        pid,
        detail: e.to_string(),
    };
    let mut out = ProcSample::default();
    let mut inodes = HashSet::new();
    for entry in fs::read_dir(dir.join("fd")).map_err(err)? {
        let Ok(entry) = entry else { continue };
        out.fds += 1;
        // A descriptor can close between readdir and readlink; that is not an error.
        let Ok(target) = fs::read_link(entry.path()) else {
            continue;
        };
        let target = target.to_string_lossy();
        if let Some(inode) = target.strip_prefix("socket:[").and_then(|s| s.strip_suffix(']')) {
            out.socket_fds += 1;
            if let Ok(inode) = inode.parse::<u64>() {
                inodes.insert(inode);
            }
        } else if target.starts_with('/') {
            out.file_fds += 1;
        }
    }
    for table in ["net/tcp", "net/tcp6"] {
        let Ok(text) = fs::read_to_string(dir.join(table)) else {
            continue;
        };
        for (state, inode) in tcp_entries(&text) {
            if !inodes.contains(&inode) {
                continue;
            }
            match state {
                0x01 => out.established += 1,
                0x08 => out.close_wait += 1,
                _ => {}
            }
        }
    }
    let status = fs::read_to_string(dir.join("status")).map_err(err)?;
    out.rss_bytes = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb.saturating_mul(1024));
    Ok(out)
}

/// (state, inode) of each row of a `/proc/net/tcp{,6}` table.
fn tcp_entries(text: &str) -> impl Iterator<Item = (u8, u64)> + '_ {
    text.lines().skip(1).filter_map(|line| {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let state = u8::from_str_radix(cols.get(3)?, 16).ok()?;
        let inode = cols.get(9)?.parse().ok()?;
        Some((state, inode))
    })
}

/// Local port of each LISTEN row: (port, inode).
fn listeners(text: &str) -> impl Iterator<Item = (u16, u64)> + '_ {
    text.lines().skip(1).filter_map(|line| {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.get(3) != Some(&"0A") {
            return None;
        }
        let port = u16::from_str_radix(cols.get(1)?.rsplit(':').next()?, 16).ok()?;
        Some((port, cols.get(9)?.parse().ok()?))
    })
}

/// Finds the local process listening on TCP `port`, if it is ours to see.
pub fn pid_listening_on(port: u16) -> Option<u32> {
    let mut wanted = HashSet::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = fs::read_to_string(table) else {
            continue;
        };
        wanted.extend(
            listeners(&text)
                .filter(|(p, _)| *p == port)
                .map(|(_, inode)| inode),
        );
    }
    if wanted.is_empty() {
        return None;
    }
    for entry in fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(fds) = fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            let Ok(target) = fs::read_link(fd.path()) else {
                continue;
            };
            let target = target.to_string_lossy();
            if let Some(inode) = target.strip_prefix("socket:[").and_then(|s| s.strip_suffix(']'))
                && inode.parse::<u64>().is_ok_and(|i| wanted.contains(&i))
            {
                return Some(pid);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use leakscope_harness::{Mode, Service};

    #[test]
    fn reads_a_real_go_process() {
        let svc = Service::start("goroutine-chan-blocked", Mode::Fixed, &["--rate=20"]).unwrap();
        let s = sample(svc.pid()).unwrap();
        assert!(s.fds >= 3, "{s:?}");
        assert!(s.socket_fds >= 1, "the listener is a socket: {s:?}");
        assert!(s.rss_bytes > 1 << 20, "{s:?}");
        let port: u16 = svc.addr().rsplit(':').next().unwrap().parse().unwrap();
        assert_eq!(pid_listening_on(port), Some(svc.pid()));
    }

    #[test]
    fn gone_process_is_an_error() {
        let err = sample(u32::MAX - 1).unwrap_err();
        assert!(err.to_string().starts_with("/proc/"), "{err}");
    }

    #[test]
    fn parses_tcp_tables() {
        // Header plus one LISTEN row on port 0x1F90 (8080) and one CLOSE_WAIT row, as the kernel prints them.
        let text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0\n   1: 0100007F:1F90 0100007F:C350 08 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 100 0 0 10 0\n";
        assert_eq!(listeners(text).collect::<Vec<_>>(), vec![(8080, 4242)]);
        assert_eq!(
            tcp_entries(text).collect::<Vec<_>>(),
            vec![(0x0A, 4242), (0x08, 4343)]
        );
    }
}
