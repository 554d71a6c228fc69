//! Just enough HTTP/1.1 framing for the server and the baseline client: a message is a
//! head ending in an empty line, then `Content-Length` bytes of body. No chunked bodies:
//! neither side here sends them, and the server refuses them.

use std::io::{self, Read};

/// How much of a message may be head, and how much body.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest head accepted, request or status line included.
    pub max_head: usize,
    /// The largest `Content-Length` accepted.
    pub max_body: usize,
}

/// One message read off a stream: its head (through the empty line) and its body.
#[derive(Debug)]
pub struct Message<'a> {
    /// The start line and the header lines, ending with the empty line.
    pub head: &'a [u8],
    /// Exactly `Content-Length` bytes.
    pub body: &'a [u8],
}

impl Message<'_> {
    /// The start line (`PATCH /v1/users/x HTTP/1.1` or `HTTP/1.1 200 OK`), without CRLF.
    pub fn start_line(&self) -> &[u8] {
        let end = find(self.head, b"\r\n").unwrap_or(self.head.len());
        &self.head[..end]
    }

    /// The value of the first header called `name` (any case), trimmed.
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        header(self.head, name)
    }

    /// Whether the other side asked to close the connection after this message.
    pub fn wants_close(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case(b"close"))
    }
}

/// Reads messages one after another from one connection, reusing one buffer.
#[derive(Debug)]
pub struct MessageReader {
    buf: Vec<u8>,
    /// Bytes of `buf` read from the stream.
    filled: usize,
    /// Bytes of `buf` that belong to the message handed out last.
    consumed: usize,
    limits: Limits,
}

impl MessageReader {
    /// A reader whose buffer starts at `capacity` bytes and grows up to the limits.
    pub fn new(capacity: usize, limits: Limits) -> MessageReader {
        MessageReader {
            buf: vec![0; capacity.max(1024)],
            filled: 0,
            consumed: 0,
            limits,
        }
    }

    /// The next whole message, or `None` if the stream ended cleanly between messages.
    pub fn next_message<'a, S: Read>(
        &'a mut self,
        stream: &mut S,
    ) -> io::Result<Option<Message<'a>>> {
        // Keep what the peer sent beyond the last message (pipelining) at the front.
        self.buf.copy_within(self.consumed..self.filled, 0);
        self.filled -= self.consumed;
        self.consumed = 0;

        let mut scanned = 0;
        let head_len = loop {
            // Re-scan three bytes back, as the terminator may straddle two reads.
            if let Some(at) = find(&self.buf[scanned..self.filled], b"\r\n\r\n") {
                break scanned + at + 4;
            }
            scanned = self.filled.saturating_sub(3);
            if self.filled >= self.limits.max_head {
                return Err(invalid("message head over the limit"));
            }
            if self.fill(stream, self.filled + 1)? == 0 {
                return match self.filled {
                    0 => Ok(None),
                    _ => Err(io::ErrorKind::UnexpectedEof.into()),
                };
            }
        };

        let head = &self.buf[..head_len];
        if header(head, "transfer-encoding").is_some() {
            return Err(invalid("chunked bodies are not supported"));
        }
        let body_len = match header(head, "content-length") {
            None => 0,
            Some(v) => std::str::from_utf8(v)
                .ok()
                .and_then(|v| v.parse::<usize>().ok())
                .ok_or_else(|| invalid("Content-Length is not a number"))?,
        };
        if body_len > self.limits.max_body {
            return Err(invalid("body over the limit"));
        }

        let total = head_len + body_len;
        while self.filled < total {
            if self.fill(stream, total)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
        self.consumed = total;
        Ok(Some(Message {
            head: &self.buf[..head_len],
            body: &self.buf[head_len..total],
        }))
    }

    /// Reads once into the buffer, first growing it to hold at least `want` bytes.
    fn fill<S: Read>(&mut self, stream: &mut S, want: usize) -> io::Result<usize> {
        if self.buf.len() < want {
            // Grow geometrically so a 256 KB body costs a few reallocations, once.
            self.buf.resize(want.max(self.buf.len() * 2), 0);
        }
        let n = stream.read(&mut self.buf[self.filled..])?;
        self.filled += n;
        Ok(n)
    }
}

/// The value of the first header line of `head` called `name` (any case), trimmed.
pub fn header<'a>(head: &'a [u8], name: &str) -> Option<&'a [u8]> {
    head.split(|&b| b == b'\n').skip(1).find_map(|line| {
        let colon = line.iter().position(|&b| b == b':')?;
        let (key, value) = line.split_at(colon);
        key.eq_ignore_ascii_case(name.as_bytes())
            .then(|| value[1..].trim_ascii())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn invalid(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream that hands out its bytes a few at a time, as a socket may.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(self.0.len()).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    const LIMITS: Limits = Limits {
        max_head: 4096,
        max_body: 4096,
    };

    #[test]
    fn messages_are_split_however_the_bytes_arrive() {
        let wire = b"PATCH /a HTTP/1.1\r\nContent-length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\
                     Connection: close\r\n\r\n";
        for step in [1, 2, 3, 7, 1000] {
            let mut stream = Trickle(wire, step);
            let mut reader = MessageReader::new(16, LIMITS);
            let first = reader.next_message(&mut stream).expect("io").expect("one");
            assert_eq!(first.start_line(), b"PATCH /a HTTP/1.1");
            assert_eq!(first.body, b"abc");
            assert!(!first.wants_close());
            let second = reader.next_message(&mut stream).expect("io").expect("two");
            assert_eq!(second.start_line(), b"GET /b HTTP/1.1");
            assert!(second.body.is_empty() && second.wants_close());
            assert!(reader.next_message(&mut stream).expect("io").is_none());
        }
    }

    #[test]
    fn cut_and_oversized_messages_are_errors() {
        let cases: [&[u8]; 3] = [
            b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc",
            b"HTTP/1.1 200 OK\r\nContent-Length: 99999\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        ];
        for wire in cases {
            let mut reader = MessageReader::new(16, LIMITS);
            assert!(reader.next_message(&mut Trickle(wire, 5)).is_err());
        }
    }
}
