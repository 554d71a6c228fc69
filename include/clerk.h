/*
 * clerk.h: the C API of libclerk, a blocking client for Clerk's Backend API
 * call "update a user" (PATCH /v1/users/{user_id}) and the two metadata calls.
 *
 * Typical use (the key comes from $CLERK_SECRET_KEY):
 *
 *     ClerkClient *client = NULL;
 *     if (clerk_client_new(NULL, NULL, &client) != CLERK_OK) {
 *         fprintf(stderr, "%s\n", clerk_last_error());
 *         return 1;
 *     }
 *     char *json = NULL;
 *     ClerkStatus st = clerk_update_user(client, "user_2abc",
 *                                        "{\"first_name\":\"John\"}", &json);
 *     puts(json);       // the user on CLERK_OK, an error document otherwise
 *     clerk_string_free(json);
 *     clerk_client_free(client);
 *
 * Ownership: every object or string libclerk returns is owned by the caller
 * and released with the matching libclerk function (clerk_client_free,
 * clerk_options_free, clerk_string_free), never with free(). Strings passed
 * in are only read during the call and copied if kept. Every free function
 * accepts NULL. The strings returned by clerk_status_str, clerk_version and
 * clerk_last_error belong to libclerk.
 *
 * Threads: a ClerkClient may be used by any number of threads at once. A
 * ClerkOptions is used by one thread at a time. clerk_last_error is per
 * thread.
 *
 * Errors: every function that can fail returns a ClerkStatus (CLERK_OK is 0)
 * and records a one-line description for clerk_last_error; clerk_update_user
 * and the metadata calls also write an error document to out_json. No
 * function aborts the process on bad input: NULL pointers, invalid UTF-8 and
 * malformed JSON give CLERK_ERROR_INVALID_ARGUMENT.
 *
 * Strings are UTF-8 and NUL-terminated.
 */


#ifndef CLERK_H
#define CLERK_H

/* Generated from src/ffi by build.rs (cbindgen): edit the docs there. */

#include <stdint.h>

/** The version of libclerk this header belongs to, as clerk_version(). */
#define CLERK_VERSION "0.1.0"
/** The major part of CLERK_VERSION. */
#define CLERK_VERSION_MAJOR 0
/** The minor part of CLERK_VERSION. */
#define CLERK_VERSION_MINOR 1
/** The patch part of CLERK_VERSION. */
#define CLERK_VERSION_PATCH 0


/**
 * The result of a libclerk call. `CLERK_OK` is 0; every other value is a
 * failure.
 *
 * Numbers are never reused: a status retired in a later version keeps its
 * number.
 */
typedef enum ClerkStatus {
    /**
     * Success.
     */
    CLERK_OK = 0,
    /**
     * An argument was NULL, not UTF-8, or malformed; nothing was sent.
     */
    CLERK_ERROR_INVALID_ARGUMENT = 1,
    /**
     * Clerk answered 401 or 403: check the secret key.
     */
    CLERK_ERROR_UNAUTHORIZED = 2,
    /**
     * Clerk answered 404: no user has this id.
     */
    CLERK_ERROR_NOT_FOUND = 3,
    /**
     * Clerk answered 400, 409 or 422: the params were refused; see the error
     * document.
     */
    CLERK_ERROR_REJECTED = 4,
    /**
     * Clerk answered 429: too many requests; see `retry_after_s` in the error
     * document.
     */
    CLERK_ERROR_RATE_LIMITED = 5,
    /**
     * Clerk answered 5xx, a redirect or another unexpected status.
     */
    CLERK_ERROR_SERVER = 6,
    /**
     * The call did not finish before its deadline. With code `connect_timeout`
     * nothing was sent; otherwise the update may have been applied.
     */
    CLERK_ERROR_TIMEOUT = 7,
    /**
     * No HTTP answer: DNS, connect, TLS or connection reset.
     */
    CLERK_ERROR_TRANSPORT = 8,
    /**
     * A success status whose body is not a user object.
     */
    CLERK_ERROR_DECODE = 9,
    /**
     * A bug in libclerk (a panic caught at the boundary); please report it.
     */
    CLERK_ERROR_INTERNAL = 10,
} ClerkStatus;

/**
 * How much a log callback hears; each level includes the ones above it.
 */
typedef enum ClerkLogLevel {
    /**
     * Nothing: turns the callback off.
     */
    CLERK_LOG_OFF = 0,
    /**
     * Failures the library cannot report otherwise (none today).
     */
    CLERK_LOG_ERROR = 1,
    /**
     * Surprises that did not fail a call (none today).
     */
    CLERK_LOG_WARN = 2,
    /**
     * Retries: which call, the wait, the attempt number.
     */
    CLERK_LOG_INFO = 3,
    /**
     * Every request and its answer: method, path, attempt, status, duration.
     */
    CLERK_LOG_DEBUG = 4,
    /**
     * Everything above (nothing more today).
     */
    CLERK_LOG_TRACE = 5,
} ClerkLogLevel;

/**
 * A client of Clerk's Backend API. Opaque; create with `clerk_client_new`.
 *
 * Thread-safe: many threads may call `clerk_update_user` on one client at
 * once, and they share its connection pool.
 */
typedef struct ClerkClient ClerkClient;

/**
 * Settings for `clerk_client_new`. Opaque; create with `clerk_options_new`.
 *
 * A settings object is not thread-safe: use it from one thread at a time. It
 * may be freed as soon as `clerk_client_new` returns, and reused for several
 * clients.
 */
typedef struct ClerkOptions ClerkOptions;

/**
 * Receives one log event: its level, a one-line message, and the `user_data`
 * given to `clerk_set_log_callback`. The message is valid only during the
 * call: copy it to keep it. Messages never hold the secret key or any request
 * or response body.
 */
typedef void (*ClerkLogCallback)(enum ClerkLogLevel level,
                                 const char *message,
                                 void *data);

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Creates a client.
 *
 * `secret_key`: the Clerk secret key (`sk_live_...` or `sk_test_...`); NULL
 * reads `$CLERK_SECRET_KEY`. The key is copied; it never appears in errors or
 * error documents.
 * `options`: settings from `clerk_options_new`, or NULL for the environment
 * and defaults; the options are copied and may be freed right after this call.
 * `out_client`: receives the client, to be freed with `clerk_client_free`; it
 * is set to NULL on failure.
 *
 * Returns `CLERK_OK`, or `CLERK_ERROR_INVALID_ARGUMENT` when `out_client` is
 * NULL, no key is given or found, the key is not shaped like a Clerk secret
 * key, or a setting from the environment is malformed; `clerk_last_error()`
 * says which. Nothing is sent: a wrong key is only noticed by the first call
 * (`CLERK_ERROR_UNAUTHORIZED`).
 *
 * # Safety
 * `secret_key` is NULL or a NUL-terminated string; `options` is NULL or a live
 * settings object not being changed by another thread; `out_client` is NULL or
 * writable.
 */
enum ClerkStatus clerk_client_new(const char *secret_key,
                                  const struct ClerkOptions *options,
                                  struct ClerkClient **out_client);

/**
 * Frees a client. NULL is a no-op.
 *
 * No other thread may be using this client when it is freed; other clients are
 * not affected.
 *
 * # Safety
 * `client` is NULL or came from `clerk_client_new` and was not freed before.
 */
void clerk_client_free(struct ClerkClient *client);

/**
 * Updates a user: `PATCH /v1/users/{user_id}` with `params_json` as the body.
 *
 * `user_id`: the user's id (`user_...`): 1 to 256 bytes of UTF-8, no
 * whitespace or control characters, not `.` or `..`. It is percent-encoded as
 * one path segment.
 * `params_json`: a JSON object of the attributes to change, such as
 * `{"first_name":"John","lastName":"Wick"}`. Top-level keys in snake_case or
 * the JS SDK's camelCase; omitted keys are unchanged; `null` clears. Metadata
 * values are sent exactly as given. Unknown keys, a key given twice and values
 * of the wrong type are refused with `CLERK_ERROR_INVALID_ARGUMENT` before
 * anything is sent.
 * Empty params (`{}`) are valid: the request is still sent, and returns the
 * user.
 * `out_json`: when not NULL, always set: to the updated user as Clerk sent it
 * on `CLERK_OK`, or to an error document otherwise:
 * `{"status":422,"errors":[{"code":"...","message":"...","long_message":"...",
 * "meta":{...}}],"clerk_trace_id":"...","attempts":1}` (`status` is 0 when no
 * HTTP answer came; `attempts` counts the tries, 0 when it was refused
 * locally). Both are compact JSON on one line. Free it with
 * `clerk_string_free`. When NULL, the result is dropped.
 *
 * Blocks until the answer arrives or the deadline passes (30 s by default,
 * retries included). Thread-safe: any number of threads may call this on one
 * client at once. On failure `clerk_last_error()` also describes the error in
 * one line.
 *
 * # Safety
 * `client` is NULL or a live client; `user_id` and `params_json` are NULL or
 * NUL-terminated strings; `out_json` is NULL or writable.
 */
enum ClerkStatus clerk_update_user(const struct ClerkClient *client,
                                   const char *user_id,
                                   const char *params_json,
                                   char **out_json);

/**
 * Merges metadata into a user's: `PATCH /v1/users/{user_id}/metadata`.
 *
 * `metadata_json`: a JSON object with any of `public_metadata`,
 * `private_metadata` and `unsafe_metadata` (or `publicMetadata`, ...), each a
 * JSON object. Clerk merges each deeply into the user's: nested objects are
 * merged too, and a key set to `null` is removed, so other keys survive. This
 * is the call to use when `clerk_update_user` would overwrite the whole
 * metadata object, and the only way to change metadata from API version
 * 2026-05-12 on. Anything else in `metadata_json` is refused with
 * `CLERK_ERROR_INVALID_ARGUMENT` before sending.
 *
 * `client`, `user_id`, `out_json`, the statuses, blocking and threading: as
 * for `clerk_update_user`.
 *
 * # Safety
 * As for `clerk_update_user`.
 */
enum ClerkStatus clerk_update_user_metadata(const struct ClerkClient *client,
                                            const char *user_id,
                                            const char *metadata_json,
                                            char **out_json);

/**
 * Replaces metadata fields of a user: `PUT /v1/users/{user_id}/metadata`.
 *
 * `metadata_json`: as for `clerk_update_user_metadata`, but each field given
 * replaces that metadata object whole; fields not given are left as they are.
 *
 * `client`, `user_id`, `out_json`, the statuses, blocking and threading: as
 * for `clerk_update_user`.
 *
 * # Safety
 * As for `clerk_update_user`.
 */
enum ClerkStatus clerk_replace_user_metadata(const struct ClerkClient *client,
                                             const char *user_id,
                                             const char *metadata_json,
                                             char **out_json);

/**
 * Sends the library's log events at `max_level` and above to `callback`.
 *
 * `max_level`: one of the `ClerkLogLevel` values (an int from 0 to 5);
 * `CLERK_LOG_DEBUG` shows every request. `callback` NULL, or `CLERK_LOG_OFF`,
 * turns logging off. `user_data` is passed to every call of `callback` and
 * never read by libclerk.
 *
 * There is one callback per process; setting one replaces the last. The
 * callback is called on the thread making the libclerk call, possibly on
 * several threads at once, so it must be thread-safe, must not call libclerk,
 * and must return normally: a C++ exception or a `longjmp` out of it aborts
 * the process. A slow callback delays the calls that log and a later
 * `clerk_set_log_callback`. When this function returns, no call of the
 * previous callback is running or will start, so its `user_data` may be freed.
 *
 * Returns `CLERK_ERROR_INVALID_ARGUMENT` for a level outside 0 to 5.
 *
 * # Safety
 * `callback` is NULL or a function that is thread-safe and valid until it is
 * replaced.
 */
enum ClerkStatus clerk_set_log_callback(int max_level,
                                        ClerkLogCallback callback,
                                        void *user_data);

/**
 * Creates a settings object with nothing set: every setting not given later
 * comes from the environment (`CLERK_API_URL`, `CLERK_API_VERSION`) or its
 * default.
 *
 * Free it with `clerk_options_free`. Thread-safe; the object itself is used by
 * one thread at a time.
 */
struct ClerkOptions *clerk_options_new(void);

/**
 * Frees a settings object. NULL is a no-op. Clients created from it are not
 * affected.
 *
 * # Safety
 * `options` is NULL or came from `clerk_options_new` and was not freed before.
 */
void clerk_options_free(struct ClerkOptions *options);

/**
 * Sets the Backend API's base URL, e.g. `"https://api.clerk.com"` or a local
 * stand-in's `"http://127.0.0.1:8080"`. A trailing `/` or `/v1` is dropped;
 * requests go to `{url}/v1/users/{user_id}`. Plain `http` is accepted only for
 * loopback hosts.
 *
 * `url` NULL unsets it (back to `$CLERK_API_URL`, else
 * `https://api.clerk.com`). The string is copied. Returns
 * `CLERK_ERROR_INVALID_ARGUMENT` if `options` is NULL or the URL is malformed,
 * leaving the setting unchanged.
 *
 * # Safety
 * `options` is NULL or a live settings object; `url` is NULL or a
 * NUL-terminated string.
 */
enum ClerkStatus clerk_options_set_api_url(struct ClerkOptions *options,
                                           const char *url);

/**
 * Sets the `Clerk-API-Version` header, a date such as `"2025-11-10"` (the
 * default).
 *
 * `version` NULL unsets it (back to `$CLERK_API_VERSION`, else the default).
 * From `"2026-05-12"` on, Clerk refuses metadata in update user, and so does
 * this library. Returns `CLERK_ERROR_INVALID_ARGUMENT` if `options` is NULL or
 * the version is not a `YYYY-MM-DD` date.
 *
 * # Safety
 * `options` is NULL or a live settings object; `version` is NULL or a
 * NUL-terminated string.
 */
enum ClerkStatus clerk_options_set_api_version(struct ClerkOptions *options,
                                               const char *version);

/**
 * Sets the deadline of one call (`clerk_update_user` or a metadata call),
 * retries included, in milliseconds.
 *
 * Default 30000. Returns `CLERK_ERROR_INVALID_ARGUMENT` for 0 (a call needs a
 * deadline), for more than a day, or if `options` is NULL.
 *
 * # Safety
 * `options` is NULL or a live settings object.
 */
enum ClerkStatus clerk_options_set_timeout_ms(struct ClerkOptions *options,
                                              uint64_t timeout_ms);

/**
 * Sets how many times a call may be retried when Clerk surely did not apply
 * it: after a 429, 502, 503 or 504, or when no connection could be made
 * (refused, timed out, host not found). Default 2; at most 10; 0 turns retries
 * off.
 *
 * Returns `CLERK_ERROR_INVALID_ARGUMENT` above 10 or if `options` is NULL.
 *
 * # Safety
 * `options` is NULL or a live settings object.
 */
enum ClerkStatus clerk_options_set_max_retries(struct ClerkOptions *options,
                                               uint32_t max_retries);

/**
 * Trusts the root certificates of a PEM file in addition to the bundled webpki
 * roots: for a TLS-intercepting corporate proxy, or a private server with its
 * own CA.
 *
 * `path` NULL unsets it. The file is read and checked now, and read again by
 * `clerk_client_new`. Returns `CLERK_ERROR_INVALID_ARGUMENT` if `options` is
 * NULL, or if the file cannot be read or holds no PEM certificate;
 * `clerk_last_error()` says which.
 *
 * # Safety
 * `options` is NULL or a live settings object; `path` is NULL or a
 * NUL-terminated string.
 */
enum ClerkStatus clerk_options_set_root_ca_file(struct ClerkOptions *options,
                                                const char *path);

/**
 * Appends words naming the calling application to the `User-Agent`, such as
 * `"billing-sync/2.1"` (sent as `libclerk/0.1.0 billing-sync/2.1`).
 *
 * `suffix` NULL unsets it. The string is copied. Returns
 * `CLERK_ERROR_INVALID_ARGUMENT` if `options` is NULL or the suffix is empty,
 * over 200 characters or not printable ASCII.
 *
 * # Safety
 * `options` is NULL or a live settings object; `suffix` is NULL or a
 * NUL-terminated string.
 */
enum ClerkStatus clerk_options_set_user_agent_suffix(struct ClerkOptions *options,
                                                     const char *suffix);

/**
 * Sends every request through an HTTP proxy, such as
 * `"http://proxy.internal:3128"` (credentials as
 * `"http://user:password@host:port"`).
 *
 * Precedence: this proxy, when set, wins; otherwise the first of `ALL_PROXY`,
 * `HTTPS_PROXY` and `HTTP_PROXY` (or their lowercase forms) in the environment
 * applies, with `NO_PROXY`, except to loopback API URLs, which are reached
 * directly. `url` NULL unsets it. The string is copied and never appears in
 * errors. Returns `CLERK_ERROR_INVALID_ARGUMENT` if `options` is NULL, or the
 * URL is malformed or not `http://` or `https://` (SOCKS is not supported).
 *
 * # Safety
 * `options` is NULL or a live settings object; `url` is NULL or a
 * NUL-terminated string.
 */
enum ClerkStatus clerk_options_set_proxy(struct ClerkOptions *options,
                                         const char *url);

/**
 * The name of a status, such as `"CLERK_ERROR_NOT_FOUND"`.
 *
 * Takes any int, so a value from a newer library or a corrupted variable is
 * safe: unknown values give `"CLERK_ERROR_UNKNOWN_STATUS"`. The returned
 * string is static: never free it. Thread-safe.
 */
const char *clerk_status_str(int status);

/**
 * Frees a string returned by libclerk (the `out_json` of `clerk_update_user`
 * and the metadata calls). NULL is a no-op. Never pass it to `free()`, and
 * never pass `free()` a libclerk string. Do not write into the string before
 * freeing it (shortening it, say with `strtok`): copy it first. Any thread may
 * free it.
 *
 * # Safety
 * `s` is NULL or a string from libclerk that was not freed before.
 */
void clerk_string_free(char *s);

/**
 * This thread's last failure, as one line of text, or NULL if no call on this
 * thread has failed yet.
 *
 * The string belongs to libclerk: do not free it. It stays valid until the
 * next failing libclerk call on the same thread; successful calls do not clear
 * it. Each thread has its own last error, so it is safe to call from any
 * thread.
 */
const char *clerk_last_error(void);

/**
 * The library's version, such as `"0.1.0"`. Static: never free it.
 * Thread-safe.
 */
const char *clerk_version(void);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* CLERK_H */
