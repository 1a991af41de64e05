//! HTTP access to a service's debug endpoints.
//!
//! Every request has a timeout and a size cap: a hung or lying endpoint ends
//! in an error naming the URL, never in a hang or unbounded memory.

use std::io::Read;
use std::time::Duration;

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// Nothing answered (refused, timed out, unresolvable): the target is unreachable.
    #[error("{url}: unreachable: {detail}")]
    Unreachable { url: String, detail: String },
    /// The server answered with a non-200 status (e.g. 404: endpoint not exposed).
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    /// The body exceeded the size cap.
    #[error("{url}: answer larger than {limit} bytes (raise --max-bytes)")]
    TooLarge { url: String, limit: u64 },
    /// The connection broke while reading.
    #[error("{url}: {detail}")]
    Read { url: String, detail: String },
    /// The URL is not one we can fetch.
    #[error("{url}: not an http:// URL")]
    BadUrl { url: String },
}

/// A service's base URL plus the limits every request obeys.
#[derive(Clone)]
pub struct Endpoint {
    base: String,
    agent: ureq::Agent,
    max_bytes: u64,
}

impl Endpoint {
    /// `base` like `http://127.0.0.1:6060` (a trailing slash or path is kept as the prefix).
    pub fn new(base: &str, timeout: Duration, max_bytes: u64) -> Result<Endpoint, FetchError> {
        let base = base.trim_end_matches('/').to_string();
        if !base.starts_with("http://") && !base.starts_with("https://") {
            return Err(FetchError::BadUrl { url: base });
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Ok(Endpoint {
            base,
            agent,
            max_bytes,
        })
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// GETs `path` (starting with `/`) and returns the body.
    pub fn get(&self, path: &str) -> Result<Vec<u8>, FetchError> {
        let url = format!("{}{path}", self.base);
        let resp = self.agent.get(&url).call().map_err(|e| classify(&url, e))?;
        let status = resp.status().as_u16();
        if status != 200 {
            return Err(FetchError::Status { url, status });
        }
        let mut body = Vec::new();
        resp.into_body()
            .into_with_config()
            .limit(u64::MAX)
            .reader()
            .take(self.max_bytes.saturating_add(1))
            .read_to_end(&mut body)
            .map_err(|e| FetchError::Read {
                url: url.clone(),
                detail: e.to_string(),
            })?;
        if body.len() as u64 > self.max_bytes {
            return Err(FetchError::TooLarge {
                url,
                limit: self.max_bytes,
            });
        }
        Ok(body)
    }
}

fn classify(url: &str, e: ureq::Error) -> FetchError {
    match e {
        ureq::Error::Io(_)
        | ureq::Error::Timeout(_)
        | ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed => FetchError::Unreachable {
            url: url.to_string(),
            detail: e.to_string(),
        },
        ureq::Error::BadUri(_) => FetchError::BadUrl { url: url.to_string() },
        other => FetchError::Read {
            url: url.to_string(),
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leakscope_harness::{Mode, Service};

    #[test]
    fn fetches_real_endpoints_and_reports_missing_ones() {
        let svc = Service::start("goroutine-chan-blocked", Mode::Fixed, &["--rate=5"]).unwrap();
        let ep = Endpoint::new(&svc.url(), Duration::from_secs(10), 64 << 20).unwrap();
        let heap = ep.get("/debug/pprof/heap?gc=1").unwrap();
        assert_eq!(&heap[..2], &[0x1f, 0x8b], "heap profile is gzip");
        let err = ep.get("/debug/pprof/no-such-profile").unwrap_err();
        assert!(matches!(err, FetchError::Status { status: 404, .. }), "{err}");
        let small = Endpoint::new(&svc.url(), Duration::from_secs(10), 100).unwrap();
        let err = small.get("/metrics").unwrap_err();
        assert!(matches!(err, FetchError::TooLarge { .. }), "{err}");
    }

    #[test]
    fn unreachable_target() {
        // Bind then drop a listener: the port is closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let ep = Endpoint::new(&format!("http://127.0.0.1:{port}"), Duration::from_secs(2), 1024).unwrap();
        let err = ep.get("/debug/pprof/heap").unwrap_err();
        assert!(matches!(err, FetchError::Unreachable { .. }), "{err}");
        assert!(Endpoint::new("ftp://x", Duration::from_secs(1), 1).is_err());
    }
}
