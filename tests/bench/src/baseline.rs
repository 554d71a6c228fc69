//! The floor: the same update over one kept-alive connection with nothing else done.
//!
//! The request is built once, with the headers libclerk sends and the body libclerk
//! would send for [`PARAMS_JSON`](crate::fixtures::PARAMS_JSON), and written with one
//! call; the answer is read by its `Content-Length` and checked for status 200 only. No
//! JSON is parsed, no string allocated, no UTF-8 checked. Whatever libclerk spends above
//! this is its overhead.

use std::io::{self, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::time::Duration;

use crate::fixtures::{PARAMS_BODY, SECRET_KEY};
use crate::http::{Limits, MessageReader};

/// A raw HTTP/1.1 client for one user id on one connection.
#[derive(Debug)]
pub struct RawClient {
    stream: TcpStream,
    reader: MessageReader,
    request: Vec<u8>,
}

impl RawClient {
    /// Connects to the server at `port` and prepares the update of `user_id`.
    pub fn connect(port: u16, user_id: &str) -> io::Result<RawClient> {
        let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let limits = Limits {
            max_head: 64 * 1024,
            max_body: 8 * 1024 * 1024,
        };
        Ok(RawClient {
            stream,
            reader: MessageReader::new(16 * 1024, limits),
            request: request_bytes(port, user_id),
        })
    }

    /// Sends the update and reads the answer; returns the length of the user body.
    pub fn update(&mut self) -> io::Result<usize> {
        self.stream.write_all(&self.request)?;
        let answer = self
            .reader
            .next_message(&mut self.stream)?
            .ok_or_else(|| io::Error::from(io::ErrorKind::UnexpectedEof))?;
        if !answer.start_line().starts_with(b"HTTP/1.1 200 ") {
            let line = String::from_utf8_lossy(answer.start_line()).into_owned();
            return Err(io::Error::other(format!("unexpected answer: {line}")));
        }
        Ok(answer.body.len())
    }
}

/// The request libclerk sends for the benchmark params, byte for byte where it matters:
/// the same headers, values and body.
pub fn request_bytes(port: u16, user_id: &str) -> Vec<u8> {
    format!(
        "PATCH /v1/users/{user_id} HTTP/1.1\r\n\
         host: 127.0.0.1:{port}\r\n\
         authorization: Bearer {SECRET_KEY}\r\n\
         content-type: application/json\r\n\
         clerk-api-version: {version}\r\n\
         user-agent: {agent}\r\n\
         accept: application/json\r\n\
         content-length: {len}\r\n\
         \r\n\
         {PARAMS_BODY}",
        version = clerk::DEFAULT_API_VERSION,
        agent = clerk::USER_AGENT,
        len = PARAMS_BODY.len(),
    )
    .into_bytes()
}
