//! TLS: certificates are verified, and a root CA from a PEM file is trusted beside the
//! bundled roots. The server is a self-signed rustls server on 127.0.0.1.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use clerk::{Client, Error};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const KEY: &str = "sk_test_tls_key_never_shown";
const USER: &str = r#"{"object":"user","id":"user_tls","first_name":"T"}"#;

/// A TLS server answering every request with [`USER`]; returns its URL, the PEM of its
/// self-signed certificate, and a count of completed requests.
fn tls_server() -> (String, String, Arc<AtomicUsize>) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
            .expect("a self-signed certificate");
    let cert_pem = certified.cert.pem();
    let chain = vec![CertificateDer::from(certified.cert.der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("a server config");
    let config = Arc::new(config);

    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().expect("bound").port()
    );
    let served = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&served);
    thread::spawn(move || {
        // Bounded: the tests here make a handful of connections.
        for stream in listener.incoming().take(16).flatten() {
            let (config, count) = (Arc::clone(&config), Arc::clone(&count));
            thread::spawn(move || serve(stream, config, &count));
        }
    });
    (url, cert_pem, served)
}

fn serve(stream: TcpStream, config: Arc<rustls::ServerConfig>, served: &AtomicUsize) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(connection) = rustls::ServerConnection::new(config) else {
        return;
    };
    let mut reader = BufReader::new(rustls::StreamOwned::new(connection, stream));

    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return; // the handshake failed or the client went away
        }
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }

    let stream = reader.get_mut();
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{USER}",
        USER.len()
    );
    if stream
        .write_all(answer.as_bytes())
        .and_then(|()| stream.flush())
        .is_ok()
    {
        served.fetch_add(1, Ordering::SeqCst);
    }
    stream.conn.send_close_notify();
    let _ = stream.flush();
}

fn write_temp(name: &str, text: &str) -> PathBuf {
    let path = common::build_dir().join(format!("tls-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("the target folder is writable");
    path
}

#[test]
fn an_unknown_certificate_is_refused() {
    let (url, _, served) = tls_server();
    let client = Client::builder()
        .secret_key(KEY)
        .api_url(url)
        .max_retries(0)
        .build()
        .expect("valid settings");

    let error = client
        .update_user_json("user_tls", "{}")
        .expect_err("untrusted");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let text = error.to_string().to_lowercase();
    assert!(
        text.contains("certificate") || text.contains("tls"),
        "{text}"
    );
    assert!(!error.error_document().contains(KEY));
    assert_eq!(served.load(Ordering::SeqCst), 0);
}

#[test]
fn a_root_ca_file_is_trusted_beside_the_bundled_roots() {
    let (url, cert_pem, served) = tls_server();
    let path = write_temp("ca.pem", &cert_pem);
    let client = Client::builder()
        .secret_key(KEY)
        .api_url(url)
        .root_ca_file(&path)
        .build()
        .expect("valid settings");

    let user = client.update_user_json("user_tls", r#"{"first_name":"T"}"#);
    assert_eq!(user.ok().as_deref(), Some(USER));
    assert_eq!(served.load(Ordering::SeqCst), 1);
    let _ = std::fs::remove_file(path);
}

#[test]
fn unusable_root_ca_files_are_refused_when_the_client_is_built() {
    let not_pem = write_temp("not.pem", "this is not a certificate\n");
    let missing = common::build_dir().join("no-such-file.pem");

    for path in [&not_pem, &missing] {
        let error = Client::builder()
            .secret_key(KEY)
            .root_ca_file(path)
            .build()
            .expect_err("refused");
        assert!(matches!(error, Error::InvalidArgument(_)), "{error:?}");
        assert!(error.error_document().contains("invalid_root_ca_file"));
    }
    let _ = std::fs::remove_file(not_pem);
}

#[test]
fn the_c_setter_checks_the_file_at_once() {
    use clerk::ffi::ClerkStatus;
    use clerk::ffi::{clerk_options_free, clerk_options_new, clerk_options_set_root_ca_file};
    use std::ffi::CString;

    let (_, cert_pem, _) = tls_server();
    let good = write_temp("c-ca.pem", &cert_pem);
    let good = CString::new(good.to_string_lossy().into_owned()).expect("no NUL");
    let bad = CString::new("/no/such/file.pem").expect("no NUL");
    // SAFETY: a fresh options object and NUL-terminated strings; freed once.
    unsafe {
        let options = clerk_options_new();
        assert_eq!(
            clerk_options_set_root_ca_file(options, good.as_ptr()),
            ClerkStatus::CLERK_OK
        );
        assert_eq!(
            clerk_options_set_root_ca_file(options, bad.as_ptr()),
            ClerkStatus::CLERK_ERROR_INVALID_ARGUMENT
        );
        assert_eq!(
            clerk_options_set_root_ca_file(options, std::ptr::null()),
            ClerkStatus::CLERK_OK
        );
        assert_eq!(
            clerk_options_set_root_ca_file(std::ptr::null_mut(), good.as_ptr()),
            ClerkStatus::CLERK_ERROR_INVALID_ARGUMENT
        );
        clerk_options_free(options);
    }
}
