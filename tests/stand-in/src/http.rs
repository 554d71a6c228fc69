//! A deliberately small HTTP/1.1 reader and writer.
//!
//! Only what a JSON API server needs: request line, headers, bodies framed by
//! `Content-Length`. `Transfer-Encoding` (chunked) bodies are refused with 411, because
//! the stand-in must know where a body ends before it reads it and every client it
//! serves sends a length. Every limit (head size, body size, time) is enforced here so a
//! misbehaving client costs at most one bounded thread.

use std::io::{self, BufRead, Read, Write};
use std::net::TcpStream;
use std::time::Instant;

/// Limits applied while reading one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) max_head_bytes: usize,
    pub(crate) max_body_bytes: usize,
}

/// A request line plus headers, before the body is read.
#[derive(Debug)]
pub(crate) struct Head {
    pub(crate) method: String,
    pub(crate) target: String,
    /// `true` for HTTP/1.0, whose connections close unless asked to stay open.
    pub(crate) http10: bool,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) content_length: usize,
}

impl Head {
    /// First header with this (lowercase) name.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// Whether the client waits for `100 Continue` before sending its body.
    pub(crate) fn expects_continue(&self) -> bool {
        self.header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    }

    /// Whether the connection should close after this exchange.
    pub(crate) fn wants_close(&self) -> bool {
        let connection = self.header("connection").unwrap_or("");
        let has = |token: &str| {
            connection
                .split(',')
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        };
        if self.http10 {
            !has("keep-alive")
        } else {
            has("close")
        }
    }
}

/// First header value with this lowercase name.
pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Why no request could be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed (or timed out, or was shut down) between requests: close quietly.
    Gone,
    /// The request is unacceptable: answer with this status and close.
    Reject(u16, &'static str),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Gone
    }
}

/// Reads one request head. Leading empty lines are skipped (RFC 9112 section 2.2).
pub(crate) fn read_head<R: BufRead>(reader: &mut R, limits: Limits) -> Result<Head, ReadError> {
    let mut budget = limits.max_head_bytes;
    let mut request_line = String::new();
    while request_line.is_empty() {
        match read_line(reader, &mut budget)? {
            Line::Eof => return Err(ReadError::Gone),
            Line::Text(text) => request_line = text,
        }
    }
    let (method, target, http10) = parse_request_line(&request_line)?;

    let mut headers = Vec::new();
    loop {
        let line = match read_line(reader, &mut budget)? {
            Line::Eof => return Err(ReadError::Gone),
            Line::Text(text) => text,
        };
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            // Obsolete line folding is a smuggling vector; RFC 9112 lets servers reject it.
            return Err(ReadError::Reject(
                400,
                "folded header lines are not accepted",
            ));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Reject(400, "a header line has no colon"));
        };
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(ReadError::Reject(400, "a header name is not a valid token"));
        }
        let value = value.trim_matches([' ', '\t']);
        headers.push((name.to_ascii_lowercase(), value.to_owned()));
    }

    if header(&headers, "transfer-encoding").is_some() {
        return Err(ReadError::Reject(
            411,
            "Transfer-Encoding is not supported; send Content-Length",
        ));
    }
    let content_length = content_length(&headers, limits)?;
    Ok(Head {
        method,
        target,
        http10,
        headers,
        content_length,
    })
}

/// Reads exactly `length` body bytes.
pub(crate) fn read_body<R: Read>(reader: &mut R, length: usize) -> io::Result<Vec<u8>> {
    // Grow as bytes arrive instead of trusting the announced length up front.
    let mut body = Vec::with_capacity(length.min(64 * 1024));
    let wanted = u64::try_from(length).unwrap_or(u64::MAX);
    let got = reader.take(wanted).read_to_end(&mut body)?;
    if got == length {
        Ok(body)
    } else {
        Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "body shorter than Content-Length",
        ))
    }
}

enum Line {
    Eof,
    Text(String),
}

/// Reads one line (LF or CRLF terminated) without letting the head exceed its budget.
fn read_line<R: BufRead>(reader: &mut R, budget: &mut usize) -> Result<Line, ReadError> {
    let mut raw = Vec::new();
    let limit = u64::try_from(*budget).unwrap_or(u64::MAX);
    let n = reader.take(limit).read_until(b'\n', &mut raw)?;
    if n == 0 {
        return if *budget == 0 {
            Err(ReadError::Reject(431, "the request head is too large"))
        } else {
            Ok(Line::Eof)
        };
    }
    *budget -= n;
    if raw.last() != Some(&b'\n') {
        return if *budget == 0 {
            Err(ReadError::Reject(431, "the request head is too large"))
        } else {
            Ok(Line::Eof) // the peer went away mid-line
        };
    }
    raw.pop();
    if raw.last() == Some(&b'\r') {
        raw.pop();
    }
    // Header values may carry obs-text bytes; they are kept, lossily, for the log.
    Ok(Line::Text(String::from_utf8_lossy(&raw).into_owned()))
}

fn parse_request_line(line: &str) -> Result<(String, String, bool), ReadError> {
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Reject(400, "the request line is malformed"));
    };
    if method.is_empty() || !method.bytes().all(is_token_byte) {
        return Err(ReadError::Reject(400, "the request method is malformed"));
    }
    if !target.starts_with('/') || target.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(ReadError::Reject(
            400,
            "the request target must be an origin path",
        ));
    }
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        v if v.starts_with("HTTP/") => {
            return Err(ReadError::Reject(
                505,
                "only HTTP/1.0 and HTTP/1.1 are spoken here",
            ))
        }
        _ => return Err(ReadError::Reject(400, "the HTTP version is malformed")),
    };
    Ok((method.to_owned(), target.to_owned(), http10))
}

fn content_length(headers: &[(String, String)], limits: Limits) -> Result<usize, ReadError> {
    let mut length: Option<u64> = None;
    for (_, value) in headers.iter().filter(|(n, _)| n == "content-length") {
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ReadError::Reject(400, "Content-Length is not a number"));
        }
        // Saturate: an absurd length must still end up as 413, not as a parse error.
        let parsed = value.parse::<u64>().unwrap_or(u64::MAX);
        if length.is_some_and(|previous| previous != parsed) {
            return Err(ReadError::Reject(400, "conflicting Content-Length headers"));
        }
        length = Some(parsed);
    }
    let length = length.unwrap_or(0);
    match usize::try_from(length) {
        Ok(n) if n <= limits.max_body_bytes => Ok(n),
        _ => Err(ReadError::Reject(413, "the request body is too large")),
    }
}

/// `tchar` from RFC 9110 section 5.6.2.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A complete response; the body is always JSON.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    /// A response carrying `value` serialised as JSON.
    pub(crate) fn json(status: u16, value: &serde_json::Value) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: value.to_string().into_bytes(),
        }
    }
}

/// Writes `response`; `Content-Length` and `Content-Type` are always present.
pub(crate) fn write_response<W: Write>(
    out: &mut W,
    response: &Response,
    close: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\n",
        response.status,
        reason(response.status),
        response.body.len()
    );
    let given = |name: &str| {
        response
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    if !given("content-type") {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (name, value) in &response.headers {
        // Framing stays the server's business whatever a test injects.
        let framing = ["content-length", "transfer-encoding", "connection"];
        if framing.iter().any(|f| name.eq_ignore_ascii_case(f)) {
            continue;
        }
        // Injected headers come from test code; strip line breaks so they cannot split
        // the response.
        let clean = |s: &str| s.replace(['\r', '\n'], " ");
        head.push_str(&format!("{}: {}\r\n", clean(name), clean(value)));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    // One write for head and body keeps small responses in a single segment.
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&response.body);
    out.write_all(&bytes)?;
    out.flush()
}

/// Standard reason phrases for the statuses the stand-in produces or may be told to fake.
fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        423 => "Locked",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// A socket reader with one deadline for a whole request.
///
/// A plain read timeout restarts on every byte, so a client dribbling one byte at a time
/// could hold a thread forever; shrinking the timeout to the time left before each read
/// bounds the whole request instead.
pub(crate) struct DeadlineReader {
    stream: TcpStream,
    deadline: Instant,
}

impl DeadlineReader {
    pub(crate) fn new(stream: TcpStream, deadline: Instant) -> Self {
        DeadlineReader { stream, deadline }
    }

    pub(crate) fn set_deadline(&mut self, deadline: Instant) {
        self.deadline = deadline;
    }

    pub(crate) fn stream(&self) -> &TcpStream {
        &self.stream
    }
}

impl Read for DeadlineReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    const LIMITS: Limits = Limits {
        max_head_bytes: 256,
        max_body_bytes: 16,
    };

    fn head(raw: &str) -> Result<Head, ReadError> {
        read_head(&mut Cursor::new(raw.as_bytes().to_vec()), LIMITS)
    }

    fn rejected(raw: &str) -> u16 {
        match head(raw) {
            Err(ReadError::Reject(status, _)) => status,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn parses_a_request_head() {
        let h = head("\r\nPATCH /v1/users/a%2Fb?x=1 HTTP/1.1\r\nHost: h\r\nX-A:  v \r\n\r\n")
            .expect("head");
        assert_eq!(h.method, "PATCH");
        assert_eq!(h.target, "/v1/users/a%2Fb?x=1");
        assert_eq!(h.header("x-a"), Some("v"));
        assert_eq!(h.content_length, 0);
        assert!(!h.wants_close());
    }

    #[test]
    fn connection_semantics() {
        let h = head("GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n").expect("head");
        assert!(h.wants_close());
        let h = head("GET / HTTP/1.0\r\n\n").expect("head");
        assert!(h.wants_close());
        let h = head("GET / HTTP/1.0\nConnection: keep-alive\n\n").expect("head");
        assert!(!h.wants_close());
    }

    #[test]
    fn rejects_bad_heads() {
        assert_eq!(rejected("GET /\r\n\r\n"), 400);
        assert_eq!(rejected("GET / HTTP/2.0\r\n\r\n"), 505);
        assert_eq!(rejected("GET http://x/ HTTP/1.1\r\n\r\n"), 400);
        assert_eq!(rejected("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n"), 400);
        assert_eq!(rejected("GET / HTTP/1.1\r\nBad Name: b\r\n\r\n"), 400);
        assert_eq!(rejected("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n"), 400);
        assert_eq!(
            rejected("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            400
        );
        assert_eq!(
            rejected("GET / HTTP/1.1\r\nContent-Length: 17\r\n\r\n"),
            413
        );
        let huge = format!(
            "GET / HTTP/1.1\r\nContent-Length: 9{}\r\n\r\n",
            "9".repeat(40)
        );
        assert_eq!(rejected(&huge), 413);
        assert_eq!(
            rejected("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            411
        );
        let long = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(300));
        assert_eq!(rejected(&long), 431);
    }

    #[test]
    fn eof_before_a_request_is_quiet() {
        assert!(matches!(head(""), Err(ReadError::Gone)));
        assert!(matches!(
            head("GET / HTTP/1.1\r\nHost"),
            Err(ReadError::Gone)
        ));
    }

    #[test]
    fn body_must_be_complete() {
        let mut cursor = Cursor::new(b"abcdef".to_vec());
        assert_eq!(read_body(&mut cursor, 4).expect("body"), b"abcd");
        assert!(read_body(&mut cursor, 4).is_err());
    }

    #[test]
    fn writes_length_and_type() {
        let mut out = Vec::new();
        let response = Response::json(404, &serde_json::json!({"a": 1}));
        write_response(&mut out, &response, true).expect("write");
        let text = String::from_utf8(out).expect("utf8");
        assert!(text.starts_with("HTTP/1.1 404 Not Found\r\n"));
        assert!(text.contains("Content-Type: application/json\r\n"));
        assert!(text.contains("Content-Length: 7\r\n"));
        assert!(text.contains("Connection: close\r\n"));
        assert!(text.ends_with("\r\n\r\n{\"a\":1}"));
    }
}
