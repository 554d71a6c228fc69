//! The benchmark runner (see BENCHMARKS.md at the top of the repository).
//!
//! ```text
//! clerk-bench [--quick] [--c-program PATH] [--node-script PATH | --skip-node WHY]
//!             [--library PATH] [--out PATH]
//! clerk-bench serve [--cpu N]
//! ```
//!
//! `tests/bench/run.sh` builds everything and calls the first form. The second is the
//! loopback server alone, which the first starts as its children (one pinned to a core,
//! one free): it prints its port, then serves until its standard input closes.

use std::io::{self, BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use clerk_bench::affinity;
use clerk_bench::external::{CProgram, MemoryRun, NodeParams, NodeSdk};
use clerk_bench::fixtures::Variant;
use clerk_bench::report::{ConnectionRow, Names, Placement, Results, Row};
use clerk_bench::scenarios;
use clerk_bench::server::{self, Counts, Server};
use clerk_bench::stats::{RepStats, Summary};
use clerk_bench::timing::{self, Bounds};
use clerk_bench::{machine, micro, size};

const BASELINE: &str = "baseline: raw socket, no JSON (Rust)";
const UREQ: &str = "ureq alone, default resolver (Rust)";
const UREQ_NO_THREAD: &str = "ureq alone, resolver without a thread (Rust)";
const RUST: &str = "libclerk from Rust (`update_user_json`)";
const C: &str = "libclerk from C (`clerk_update_user`)";
const THREADS: &str = "libclerk from Rust, threads sharing one `Client`";
const NODE: &str = "Clerk Node SDK (`users.updateUser`)";
const NODE_METADATA: &str = "Clerk Node SDK, params with `publicMetadata` (PATCH + PUT)";
const NAMES: Names = Names {
    baseline: BASELINE,
    c: C,
    threads: THREADS,
};

/// The thread counts of the threaded rows.
const THREAD_COUNTS: [usize; 4] = [1, 2, 4, 8];
/// The server process ends itself after this long, should its parent vanish unnoticed.
const SERVER_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// How much each part of a run measures.
#[derive(Debug, Clone, Copy)]
struct Plan {
    reps: usize,
    /// Calls per repetition, sequential, per user size.
    calls: [usize; 2],
    /// Untimed calls before measuring, per user size.
    warmup: [usize; 2],
    /// Calls per repetition of Clerk's Node SDK, per user size.
    node_calls: [usize; 2],
    /// Calls per repetition of the threaded rows (all threads together).
    thread_calls: usize,
    /// Sequential updates for the connection counts and the C memory run.
    long_run: u64,
    /// When the C program reads its RSS the first time.
    checkpoint: u64,
    /// No repetition starts a call after this long.
    max_rep_time: Duration,
}

const FULL: Plan = Plan {
    reps: 5,
    calls: [5_000, 400],
    warmup: [300, 40],
    node_calls: [1_000, 100],
    thread_calls: 8_000,
    long_run: 10_000,
    checkpoint: 1_000,
    max_rep_time: Duration::from_secs(15),
};

/// A smoke run: every part, few calls.
const QUICK: Plan = Plan {
    reps: 3,
    calls: [300, 30],
    warmup: [20, 5],
    node_calls: [100, 10],
    thread_calls: 400,
    long_run: 2_000,
    checkpoint: 200,
    max_rep_time: Duration::from_secs(5),
};

#[derive(Debug, Default)]
struct Args {
    quick: bool,
    c_program: Option<PathBuf>,
    node_script: Option<PathBuf>,
    skip_node: Option<String>,
    library: Option<PathBuf>,
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let mut raw = std::env::args().skip(1);
    let mut args = Args::default();
    while let Some(arg) = raw.next() {
        let mut value = |name: &str| raw.next().ok_or(format!("{name} needs a value"));
        let parsed = match arg.as_str() {
            "serve" => return serve(raw.next().as_deref(), raw.next().as_deref()),
            "--quick" => {
                args.quick = true;
                Ok(())
            }
            "--c-program" => value(&arg).map(|v| args.c_program = Some(v.into())),
            "--node-script" => value(&arg).map(|v| args.node_script = Some(v.into())),
            "--skip-node" => value(&arg).map(|v| args.skip_node = Some(v)),
            "--library" => value(&arg).map(|v| args.library = Some(v.into())),
            "--out" => value(&arg).map(|v| args.out = Some(v.into())),
            _ => Err(format!("unknown argument `{arg}`")),
        };
        if let Err(why) = parsed {
            eprintln!("clerk-bench: {why}");
            return ExitCode::from(2);
        }
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("clerk-bench: {why}");
            ExitCode::FAILURE
        }
    }
}

/// The server alone, on core `cpu` when given (`--cpu N`): prints its port, serves until
/// standard input closes.
fn serve(flag: Option<&str>, cpu: Option<&str>) -> ExitCode {
    match (flag, cpu.map(str::parse::<usize>)) {
        (None, _) => {}
        (Some("--cpu"), Some(Ok(cpu))) => {
            // Before any thread starts, so that every thread of the server inherits it.
            if let Err(e) = affinity::pin_current_thread(&[cpu]) {
                eprintln!("clerk-bench serve: cannot pin to core {cpu}: {e}");
                return ExitCode::FAILURE;
            }
        }
        _ => {
            eprintln!("clerk-bench serve: usage: clerk-bench serve [--cpu N]");
            return ExitCode::from(2);
        }
    }
    let server = match Server::start() {
        Ok(server) => server,
        Err(e) => {
            eprintln!("clerk-bench serve: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", server.port());
    let _ = io::stdout().flush();
    thread::spawn(|| {
        thread::sleep(SERVER_LIFETIME);
        eprintln!("clerk-bench serve: still running after {SERVER_LIFETIME:?}; exiting");
        std::process::exit(3);
    });
    let _ = io::copy(&mut io::stdin().lock(), &mut io::sink());
    ExitCode::SUCCESS
}

/// The server, running as this program's child.
struct ServerProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
}

impl ServerProcess {
    fn start(cpu: Option<usize>) -> Result<ServerProcess, String> {
        let exe = std::env::current_exe().map_err(|e| format!("own path: {e}"))?;
        let mut command = Command::new(exe);
        command.arg("serve");
        if let Some(cpu) = cpu {
            command.args(["--cpu", &cpu.to_string()]);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("starting the server: {e}"))?;
        let stdin = child.stdin.take();
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = BufReader::new(out).read_line(&mut line);
        }
        match line.trim().parse() {
            Ok(port) => Ok(ServerProcess { child, stdin, port }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!("the server did not print its port (got {line:?})"))
            }
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // Closing its standard input tells it to exit; our own child is killed by its
        // handle only if it does not.
        drop(self.stdin.take());
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let plan = if args.quick { QUICK } else { FULL };
    let machine = machine::describe();
    let cpus = affinity::allowed_cpus().map_err(|e| format!("reading the allowed cores: {e}"))?;
    let (&one, other) = cpus
        .split_first()
        .map(|(first, rest)| (first, rest.first().copied()))
        .ok_or("no core is allowed")?;
    let pin = |cpus: &[usize]| {
        affinity::pin_current_thread(cpus).map_err(|e| format!("pinning to {cpus:?}: {e}"))
    };

    // One server pinned to the first core, for the sequential rows; one left free, for
    // the threaded rows.
    let pinned = ServerProcess::start(Some(one))?;
    let free = ServerProcess::start(None)?;
    let c = args.c_program.clone().map(|path| CProgram { path });
    let node = args.node_script.clone().map(|script| NodeSdk { script });
    let mut notes = Vec::new();
    progress(&format!(
        "servers on 127.0.0.1:{} (core {one}) and :{} (free); load average {}",
        pinned.port, free.port, machine.load
    ));

    // This thread, and the threads and programs it starts, on the server's core.
    pin(&[one])?;
    progress("micro-benchmarks");
    let micro = micro::run_all();

    let mut rows = Vec::new();
    let all = [
        Client::Baseline,
        Client::Ureq,
        Client::UreqNoThread,
        Client::Rust,
        Client::C,
    ];
    for variant in Variant::ALL {
        progress(&format!("sequential, same core, {}", variant.label()));
        let seq = Sequential {
            port: pinned.port,
            variant,
            placement: Placement::OneCore,
        };
        rows.extend(seq.run(&all, &plan, c.as_ref())?);
    }
    match (&node, &args.skip_node) {
        (Some(node), _) => {
            if let Some(version) = node.sdk_version() {
                notes.push(format!("Clerk Node SDK: @clerk/backend {version}."));
            }
            rows.extend(node_rows(node, pinned.port, &plan));
        }
        (None, why) => {
            let why = why
                .clone()
                .unwrap_or_else(|| "no --node-script given".into());
            notes.push(format!("Clerk Node SDK not measured: {why}"));
            for variant in Variant::ALL {
                rows.push(skipped_row(NODE, variant, &why));
            }
        }
    }

    match other {
        Some(other) => {
            progress(&format!(
                "sequential, client on core {other}, server on core {one}"
            ));
            pin(&[other])?;
            let seq = Sequential {
                port: pinned.port,
                variant: Variant::Small,
                placement: Placement::TwoCores,
            };
            rows.extend(seq.run(
                &[Client::Baseline, Client::Rust, Client::C],
                &plan,
                c.as_ref(),
            )?);
            pin(&[one])?;
        }
        None => notes.push("Only one core: the two-core rows were not measured.".into()),
    }

    progress("connections and memory");
    let (connections, memory) = long_runs(pinned.port, &plan, c.as_ref(), node.as_ref());

    progress("threads");
    pin(&cpus)?;
    rows.extend(thread_rows(free.port, &plan)?);

    let size = match &args.library {
        Some(library) => {
            let copy = std::env::temp_dir().join(format!("libclerk-{}.so", std::process::id()));
            let measured = size::measure(library, &copy);
            let _ = std::fs::remove_file(&copy);
            measured
        }
        None => Err("no --library given".into()),
    };
    if c.is_none() {
        notes.push("libclerk from C not measured: no --c-program given.".into());
    }
    if args.quick {
        notes.push("A --quick run: few calls, for checking the suite, not for numbers.".into());
    }
    drop(pinned);
    drop(free);

    let results = Results {
        machine,
        rows,
        micro,
        connections,
        memory,
        size,
        notes,
        took: started.elapsed(),
    };
    let markdown = results.to_markdown(&NAMES);
    print!("\n{markdown}");
    if let Some(out) = &args.out {
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(out, &markdown).map_err(|e| format!("{}: {e}", out.display()))?;
        progress(&format!("written to {}", out.display()));
    }
    Ok(())
}

fn progress(what: &str) {
    eprintln!("clerk-bench: {what}");
}

/// The clients of the sequential rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Client {
    Baseline,
    Ureq,
    UreqNoThread,
    Rust,
    C,
}

impl Client {
    fn name(self) -> &'static str {
        match self {
            Client::Baseline => BASELINE,
            Client::Ureq => UREQ,
            Client::UreqNoThread => UREQ_NO_THREAD,
            Client::Rust => RUST,
            Client::C => C,
        }
    }
}

/// Sequential rows against one server, for one user size, in one placement.
struct Sequential {
    port: u16,
    variant: Variant,
    placement: Placement,
}

impl Sequential {
    /// Measures `clients`, their repetitions interleaved (each round starts with the next
    /// client) so that a change in the machine's load during the run falls on all alike.
    fn run(
        &self,
        clients: &[Client],
        plan: &Plan,
        c: Option<&CProgram>,
    ) -> Result<Vec<Row>, String> {
        let (port, variant) = (self.port, self.variant);
        let size = variant_index(variant);
        let body_len = variant.body().len();
        let bounds = Bounds {
            calls: plan.calls[size],
            max_time: plan.max_rep_time,
        };
        let client = scenarios::library_client(port)?;
        let agent = scenarios::ureq_agent();
        let agent_no_thread = scenarios::ureq_agent_without_resolver_thread();
        let mut baseline = scenarios::baseline_call(port, variant, body_len)?;
        let mut ureq = scenarios::ureq_call(&agent, port, variant, body_len);
        let mut ureq_no_thread = scenarios::ureq_call(&agent_no_thread, port, variant, body_len);
        let mut library = scenarios::library_call(&client, variant, body_len);
        for _ in 0..plan.warmup[size] {
            baseline()?;
            ureq()?;
            ureq_no_thread()?;
            library()?;
        }

        let mut reps: Vec<Result<Vec<RepStats>, String>> = clients
            .iter()
            .map(|&k| match (k, c) {
                (Client::C, None) => Err("no C program given".into()),
                _ => Ok(Vec::new()),
            })
            .collect();
        for round in 0..plan.reps {
            for turn in 0..clients.len() {
                let which = (round + turn) % clients.len();
                let Ok(done) = &mut reps[which] else { continue };
                let rep = match clients[which] {
                    Client::Baseline => timing::sequential(bounds, &mut baseline),
                    Client::Ureq => timing::sequential(bounds, &mut ureq),
                    Client::UreqNoThread => timing::sequential(bounds, &mut ureq_no_thread),
                    Client::Rust => timing::sequential(bounds, &mut library),
                    Client::C => c
                        .ok_or_else(|| "no C program".to_owned())
                        .and_then(|c| c.time_rep(port, variant, plan.warmup[size], bounds)),
                };
                match rep {
                    Ok(rep) => done.push(rep),
                    Err(why) => reps[which] = Err(why),
                }
            }
        }

        Ok(clients
            .iter()
            .zip(reps)
            .map(|(&k, reps)| Row {
                name: k.name().to_owned(),
                variant,
                threads: 1,
                placement: self.placement,
                result: reps.map(|r| Summary::of(&r)),
                is_baseline: k == Client::Baseline,
            })
            .collect())
    }
}

fn node_rows(node: &NodeSdk, port: u16, plan: &Plan) -> Vec<Row> {
    let mut rows = Vec::new();
    let cases = [
        (NODE, Variant::Small, NodeParams::Plain),
        (NODE, Variant::Large, NodeParams::Plain),
        (NODE_METADATA, Variant::Small, NodeParams::WithMetadata),
    ];
    for (name, variant, params) in cases {
        progress(&format!("{name}, {}", variant.label()));
        let size = variant_index(variant);
        let bounds = Bounds {
            calls: plan.node_calls[size],
            max_time: plan.max_rep_time,
        };
        let result = node
            .reps(port, variant, params, plan.warmup[size], bounds, plan.reps)
            .map(|reps| Summary::of(&reps));
        rows.push(Row {
            name: name.to_owned(),
            variant,
            threads: 1,
            placement: Placement::OneCore,
            result,
            is_baseline: false,
        });
    }
    rows
}

/// libclerk with 1, 2, 4 and 8 threads on one client; for comparison ureq alone (both
/// resolvers, one agent) and the baseline (a connection per thread) with 1 and 8 threads;
/// all placed by the scheduler, repetitions interleaved.
fn thread_rows(port: u16, plan: &Plan) -> Result<Vec<Row>, String> {
    let variant = Variant::Small;
    let body_len = variant.body().len();
    let client = scenarios::library_client(port)?;
    let agent = scenarios::ureq_agent();
    let agent_no_thread = scenarios::ureq_agent_without_resolver_thread();
    let bounds = Bounds {
        calls: plan.thread_calls,
        max_time: plan.max_rep_time,
    };
    let run = |who: Client, threads: usize, bounds: Bounds| match who {
        Client::Baseline => timing::threaded(threads, bounds, || {
            scenarios::baseline_call(port, variant, body_len)
        }),
        Client::Ureq => timing::threaded(threads, bounds, || {
            Ok(scenarios::ureq_call(&agent, port, variant, body_len))
        }),
        Client::UreqNoThread => timing::threaded(threads, bounds, || {
            Ok(scenarios::ureq_call(
                &agent_no_thread,
                port,
                variant,
                body_len,
            ))
        }),
        Client::Rust | Client::C => timing::threaded(threads, bounds, || {
            Ok(scenarios::library_call(&client, variant, body_len))
        }),
    };
    // Fill each pool with as many connections as the most threads will use.
    let warmup = Bounds {
        calls: plan.warmup[0] * 8,
        max_time: plan.max_rep_time,
    };
    for who in [Client::Rust, Client::Ureq, Client::UreqNoThread] {
        run(who, 8, warmup)?;
    }

    let mut cases: Vec<(Client, usize)> = THREAD_COUNTS
        .iter()
        .map(|&threads| (Client::Rust, threads))
        .collect();
    for who in [Client::Ureq, Client::UreqNoThread, Client::Baseline] {
        cases.extend([(who, 1), (who, 8)]);
    }
    let mut reps: Vec<Result<Vec<RepStats>, String>> = vec![Ok(Vec::new()); cases.len()];
    for round in 0..plan.reps {
        for turn in 0..cases.len() {
            let which = (round + turn) % cases.len();
            let Ok(done) = &mut reps[which] else { continue };
            let (who, threads) = cases[which];
            match run(who, threads, bounds) {
                Ok(rep) => done.push(rep),
                Err(why) => reps[which] = Err(why),
            }
        }
    }
    Ok(cases
        .into_iter()
        .zip(reps)
        .map(|((who, threads), reps)| Row {
            name: match who {
                Client::Rust => THREADS.to_owned(),
                other => other.name().to_owned(),
            },
            variant,
            threads,
            placement: Placement::Free,
            result: reps.map(|r| Summary::of(&r)),
            is_baseline: who == Client::Baseline,
        })
        .collect())
}

/// Long sequential runs on fresh clients: the connections each one opens, and the C
/// program's memory.
fn long_runs(
    port: u16,
    plan: &Plan,
    c: Option<&CProgram>,
    node: Option<&NodeSdk>,
) -> (Vec<ConnectionRow>, Result<MemoryRun, String>) {
    let calls = plan.long_run;
    let bounds = Bounds {
        calls: usize::try_from(calls).unwrap_or(usize::MAX),
        max_time: Duration::from_secs(120),
    };
    let counted = |run: &mut dyn FnMut() -> Result<(), String>| -> Result<Counts, String> {
        let before = server::counts(port).map_err(|e| format!("server counts: {e}"))?;
        run()?;
        let after = server::counts(port).map_err(|e| format!("server counts: {e}"))?;
        Ok(after.since(before))
    };

    let mut rows = Vec::new();
    let rust = counted(&mut || {
        let client = scenarios::library_client(port)?;
        let len = Variant::Small.body().len();
        timing::sequential(
            bounds,
            scenarios::library_call(&client, Variant::Small, len),
        )
        .map(drop)
    });
    rows.push(ConnectionRow {
        name: RUST.to_owned(),
        calls,
        counts: rust,
    });

    let mut memory = Err("no C program given".to_owned());
    if let Some(c) = c {
        let counts = counted(&mut || {
            memory = c.memory(port, calls, plan.checkpoint);
            memory.as_ref().map(drop).map_err(Clone::clone)
        });
        rows.push(ConnectionRow {
            name: C.to_owned(),
            calls,
            counts,
        });
    }
    if let Some(node) = node {
        let counts = counted(&mut || {
            node.reps(port, Variant::Small, NodeParams::Plain, 0, bounds, 1)
                .map(drop)
        });
        rows.push(ConnectionRow {
            name: NODE.to_owned(),
            calls,
            counts,
        });
    }
    (rows, memory)
}

fn skipped_row(name: &str, variant: Variant, why: &str) -> Row {
    Row {
        name: name.to_owned(),
        variant,
        threads: 1,
        placement: Placement::OneCore,
        result: Err(why.to_owned()),
        is_baseline: false,
    }
}

fn variant_index(variant: Variant) -> usize {
    match variant {
        Variant::Small => 0,
        Variant::Large => 1,
    }
}
