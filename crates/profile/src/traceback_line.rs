//! The lines inside a goroutine block of a traceback, on raw bytes (the hot
//! path of [`crate::goroutine_dump`]: a large dump has millions of them).

/// Entries of the parser's direct-mapped frame cache.
pub(crate) const RECENT_SLOTS: usize = 4096;

/// A cache slot from the ends of the function and file and the line number.
pub(crate) fn quick_slot(function: &[u8], file: &[u8], line: u32) -> usize {
    let tail = |b: &[u8]| {
        let mut w = [0u8; 8];
        let n = b.len().min(8);
        w[..n].copy_from_slice(&b[b.len() - n..]);
        u64::from_le_bytes(w)
    };
    let h = (tail(function) ^ (function.len() as u64).rotate_left(32))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(17)
        ^ tail(file)
            .wrapping_add(u64::from(line))
            .wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    (h >> 40) as usize % RECENT_SLOTS
}

/// The function of a `function(args)` frame line, or `None` if the line is not one.
pub(crate) fn frame_function(line: &[u8]) -> Option<&[u8]> {
    let body = line.strip_suffix(b")")?;
    let function = &body[..memchr::memrchr(b'(', body)?];
    if function == b"panic" {
        return Some(function);
    }
    let ok = !function.is_empty()
        && function[0] != b'\t'
        && memchr::memchr(b' ', function).is_none()
        && memchr::memchr(b'.', function).is_some();
    ok.then_some(function)
}

/// `path:line[ +0xoff][ fp=… sp=… pc=…]` → (path, line).
pub(crate) fn split_file_line(s: &[u8]) -> Option<(&[u8], u32)> {
    let mut s = s;
    // Strip trailing ` key=value` / ` +0xoff` words; a path may itself contain spaces, a line number never does.
    while let Some(space) = memchr::memrchr(b' ', s) {
        let word = &s[space + 1..];
        if word.starts_with(b"+0x")
            || word.starts_with(b"fp=")
            || word.starts_with(b"sp=")
            || word.starts_with(b"pc=")
        {
            s = &s[..space];
        } else {
            break;
        }
    }
    let colon = memchr::memrchr(b':', s)?;
    let (file, digits) = (&s[..colon], &s[colon + 1..]);
    if file.is_empty() || digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let line = digits.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    Some((file, line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_lines() {
        assert_eq!(
            frame_function(b"main.(*T).run(0xc000010000, {0x4b6b3a, 0x5})"),
            Some(&b"main.(*T).run"[..])
        );
        assert_eq!(frame_function(b"main.Map[...](...)"), Some(&b"main.Map[...]"[..]));
        assert_eq!(
            frame_function(b"panic({0x4a1b60?, 0x5201e0?})"),
            Some(&b"panic"[..])
        );
        assert_eq!(frame_function(b"some (log) text)"), None);
        assert_eq!(frame_function(b"nodot()"), None);
    }

    #[test]
    fn file_lines() {
        assert_eq!(
            split_file_line(b"/src/main.go:25 +0x2c"),
            Some((&b"/src/main.go"[..], 25))
        );
        assert_eq!(
            split_file_line(b"/src/main.go:25"),
            Some((&b"/src/main.go"[..], 25))
        );
        let crash = b"/go/src/runtime/proc.go:435 +0xce fp=0xc00004e6f8 sp=0xc00004e6d8 pc=0x46c1ee";
        assert_eq!(
            split_file_line(crash),
            Some((&b"/go/src/runtime/proc.go"[..], 435))
        );
        assert_eq!(
            split_file_line(b"C:/Program Files/x.go:7 +0x1"),
            Some((&b"C:/Program Files/x.go"[..], 7))
        );
        assert_eq!(split_file_line(b"/src/main.go:"), None);
        assert_eq!(split_file_line(b"/src/main.go:99999999999"), None);
        assert_eq!(split_file_line(b":12"), None);
    }
}
