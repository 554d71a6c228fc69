//! Log events: what a call is doing, for the `log` crate and for one optional hook (the C
//! API's log callback). Events never carry the secret key or any body.
//!
//! Levels: `debug` for each request and its answer, `info` for each retry. The library
//! never installs a logger; without one, and without a hook, an event costs one check.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::RwLock;

use log::Level;

/// The `log` target of every event.
pub(crate) const TARGET: &str = "clerk";

/// A receiver of events besides the `log` crate.
pub(crate) type Hook = Box<dyn Fn(Level, &str) + Send + Sync>;

/// The most verbose level the hook takes, as `Level as usize`; 0 when there is no hook.
static HOOK_LEVEL: AtomicUsize = AtomicUsize::new(0);

/// The hook. Held for reading while it runs, so replacing it waits for running calls.
static HOOK: RwLock<Option<Hook>> = RwLock::new(None);

/// Whether an event at `level` would go anywhere, so callers format only when it would.
pub(crate) fn enabled(level: Level) -> bool {
    level as usize <= HOOK_LEVEL.load(Ordering::Relaxed) || log::log_enabled!(target: TARGET, level)
}

/// Sends one event to the `log` crate and to the hook.
pub(crate) fn emit(level: Level, message: &str) {
    log::log!(target: TARGET, level, "{message}");

    if level as usize <= HOOK_LEVEL.load(Ordering::Relaxed) {
        let hook = HOOK.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(hook) = hook.as_ref() {
            hook(level, message);
        }
    }
}

/// Replaces the hook; `None` removes it. Returns once no call of the old hook is running,
/// so whatever the old hook uses may be released right after.
pub(crate) fn set_hook(max_level: Option<Level>, hook: Option<Hook>) {
    let mut slot = HOOK
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let level = match (&hook, max_level) {
        (Some(_), Some(level)) => level as usize,
        _ => 0,
    };
    *slot = hook;
    HOOK_LEVEL.store(level, Ordering::Relaxed);
}

/// Emits an event, formatting its message only when someone listens.
macro_rules! event {
    ($level:expr, $($arg:tt)+) => {
        if $crate::events::enabled($level) {
            $crate::events::emit($level, &format!($($arg)+));
        }
    };
}
pub(crate) use event;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn the_hook_gets_events_up_to_its_level() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        set_hook(
            Some(Level::Info),
            Some(Box::new(move |level, message| {
                if let Ok(mut seen) = sink.lock() {
                    seen.push(format!("{level} {message}"));
                }
            })),
        );

        event!(Level::Info, "retrying in {} ms", 500);
        event!(Level::Debug, "too detailed");
        set_hook(None, None);
        event!(Level::Info, "nobody listens");

        let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
        assert_eq!(seen, vec!["INFO retrying in 500 ms".to_owned()]);
        assert!(!enabled(Level::Error) || log::log_enabled!(target: TARGET, Level::Error));
    }
}
