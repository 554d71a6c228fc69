//! Many threads sharing one client: every update arrives, once, with its own body.

mod common;

use std::collections::BTreeSet;
use std::thread;

use clerk_stand_in::SEED_USER_ID;

const THREADS: usize = 8;
const CALLS_PER_THREAD: usize = 250;

#[test]
fn eight_threads_share_one_client() {
    let stand_in = common::stand_in();
    let client = common::client(&stand_in);

    thread::scope(|scope| {
        for t in 0..THREADS {
            let client = &client;
            scope.spawn(move || {
                for i in 0..CALLS_PER_THREAD {
                    let params = format!(r#"{{"firstName":"t{t}-{i}"}}"#);
                    let user = client
                        .update_user_json(SEED_USER_ID, &params)
                        .unwrap_or_else(|e| panic!("thread {t}, call {i}: {e}"));
                    assert!(user.contains(&format!(r#""first_name":"t{t}-{i}""#)));
                }
            });
        }
    });

    let requests = stand_in.requests();
    assert_eq!(requests.len(), THREADS * CALLS_PER_THREAD);
    let bodies: BTreeSet<String> = requests
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    let expected: BTreeSet<String> = (0..THREADS)
        .flat_map(|t| (0..CALLS_PER_THREAD).map(move |i| format!(r#"{{"first_name":"t{t}-{i}"}}"#)))
        .collect();
    assert_eq!(bodies, expected, "each body arrived exactly once");
}
