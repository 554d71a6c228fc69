//! `clerk-stand-in`: runs the stand-in as a process, for the demo script and the C tests.
//!
//! ```text
//! clerk-stand-in [--port N] [--port-file PATH] [--secret-key KEY] [--exit-on-stdin-eof]
//! ```
//!
//! Writes the port file (if asked), then prints exactly one line,
//! `clerk-stand-in listening on http://127.0.0.1:PORT`, then serves until killed, or
//! until standard input reaches end-of-file when `--exit-on-stdin-eof` is given (so a
//! parent that dies takes the server with it).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clerk_stand_in::{Config, StandIn, DEFAULT_SECRET_KEY};

const USAGE: &str = "\
usage: clerk-stand-in [--port N] [--port-file PATH] [--secret-key KEY] [--exit-on-stdin-eof]

  --port N             port on 127.0.0.1 (default 0: any free port)
  --port-file PATH     also write the port, and a newline, to PATH (atomically)
  --secret-key KEY     accepted bearer key (default: $CLERK_STAND_IN_SECRET_KEY,
                       else sk_test_standin_0123456789abcdef)
  --exit-on-stdin-eof  exit when standard input is closed
";

#[derive(Debug, Default)]
struct Options {
    port: u16,
    port_file: Option<PathBuf>,
    secret_key: Option<String>,
    exit_on_stdin_eof: bool,
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("clerk-stand-in: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("clerk-stand-in: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: Options) -> io::Result<()> {
    let secret_key = options
        .secret_key
        .or_else(|| std::env::var("CLERK_STAND_IN_SECRET_KEY").ok())
        .filter(|key| !key.is_empty())
        .unwrap_or_else(|| DEFAULT_SECRET_KEY.to_owned());
    let config = Config {
        secret_key,
        port: options.port,
        ..Config::default()
    };
    let server = StandIn::start(config)?;

    // The port file comes first so that whoever sees the line can also rely on the file.
    if let Some(path) = &options.port_file {
        write_port_file(path, server.port())?;
    }
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "clerk-stand-in listening on {}", server.url())?;
    stdout.flush()?;
    drop(stdout);

    if options.exit_on_stdin_eof {
        // Read errors count as end-of-file too: either way nobody is left to talk to.
        let _ = io::copy(&mut io::stdin().lock(), &mut io::sink());
        server.stop();
        return Ok(());
    }
    loop {
        std::thread::park();
    }
}

/// Writes `PORT\n` under a temporary name, then renames it into place, so a reader never
/// sees a partly written file.
fn write_port_file(path: &Path, port: u16) -> io::Result<()> {
    let mut temp = path.as_os_str().to_owned();
    temp.push(format!(".tmp.{}", std::process::id()));
    let temp = PathBuf::from(temp);
    std::fs::write(&temp, format!("{port}\n"))?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// `Ok(None)` means `--help` was asked for.
fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options::default();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value)),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline {
                Some(v) => Ok(v.to_owned()),
                None => args.next().ok_or(format!("{name} needs a value")),
            }
        };
        match flag.as_str() {
            "--help" | "-h" => return Ok(None),
            "--port" => {
                let text = value("--port")?;
                options.port = text
                    .parse()
                    .map_err(|_| format!("--port expects 0-65535, got {text:?}"))?;
            }
            "--port-file" => options.port_file = Some(PathBuf::from(value("--port-file")?)),
            "--secret-key" => options.secret_key = Some(value("--secret-key")?),
            "--exit-on-stdin-eof" if inline.is_none() => options.exit_on_stdin_eof = true,
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    Ok(Some(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Options>, String> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn flags_in_both_forms() {
        let o = parse(&["--port", "8080", "--port-file=run/p", "--exit-on-stdin-eof"])
            .expect("ok")
            .expect("options");
        assert_eq!(o.port, 8080);
        assert_eq!(o.port_file, Some(PathBuf::from("run/p")));
        assert!(o.exit_on_stdin_eof);
        let o = parse(&["--secret-key=sk_a=b"])
            .expect("ok")
            .expect("options");
        assert_eq!(o.secret_key.as_deref(), Some("sk_a=b"));
    }

    #[test]
    fn bad_arguments() {
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "70000"]).is_err());
        assert!(parse(&["--nope"]).is_err());
        assert!(parse(&["--exit-on-stdin-eof=1"]).is_err());
        assert!(matches!(parse(&["--help"]), Ok(None)));
    }
}
