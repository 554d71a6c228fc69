// clerk.hpp: a header-only C++17 wrapper over clerk.h, libclerk's C API.
//
//     clerk::Client client;                      // key from $CLERK_SECRET_KEY
//     try {
//         std::string user = client.update_user("user_2abc", R"({"first_name":"John"})");
//     } catch (const clerk::Error &e) {
//         std::cerr << e.status_name() << ": " << e.what() << '\n' << e.document() << '\n';
//     }
//
// Link with -lclerk as for C (pkg-config clerk, or CMake's clerk::clerk). Every object
// here frees what it owns, so no libclerk free function is needed in C++ code.
//
// Strings are passed to libclerk NUL-terminated, so a std::string holding a NUL byte
// would be cut short there: a user id "a\0b" would update user "a". Such strings are
// refused with CLERK_ERROR_INVALID_ARGUMENT before anything is sent.
#ifndef CLERK_HPP
#define CLERK_HPP

#include <chrono>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "clerk.h"

namespace clerk {

/// Frees a string that libclerk returned, with clerk_string_free (never free()).
struct StringDeleter {
    /// Frees `s`; a null pointer is ignored.
    void operator()(char *s) const noexcept { clerk_string_free(s); }
};

/// Owns a string returned by libclerk, such as the `out_json` of clerk_update_user, and
/// frees it with libclerk's allocator when it goes out of scope.
using UniqueString = std::unique_ptr<char, StringDeleter>;

/// The name of a status, such as "CLERK_ERROR_NOT_FOUND"; static, never freed.
inline const char *status_name(ClerkStatus status) noexcept
{
    return clerk_status_str(static_cast<int>(status));
}

/// The version of the libclerk actually loaded, such as "0.1.0". Compare it with
/// CLERK_VERSION to catch a program running against a library other than its header's.
inline const char *version() noexcept { return clerk_version(); }

/// A failed libclerk call.
class Error : public std::runtime_error {
public:
    /// An error with its status, a one-line message (what()), and the error document.
    Error(ClerkStatus status, const std::string &message, std::string document)
        : std::runtime_error(message),
          status_(status),
          document_(std::make_shared<const std::string>(std::move(document)))
    {
    }

    /// The status libclerk returned; never CLERK_OK.
    ClerkStatus status() const noexcept { return status_; }

    /// The status's name, such as "CLERK_ERROR_REJECTED".
    const char *status_name() const noexcept { return clerk::status_name(status_); }

    /// The error document as JSON, `{"status":...,"errors":[...],...}`, for a failed
    /// update; empty when creating the client or setting an option failed.
    const std::string &document() const noexcept { return *document_; }

private:
    ClerkStatus status_;
    // Shared so that copying the exception, which must not throw, copies no string.
    std::shared_ptr<const std::string> document_;
};

namespace detail {

// The calling thread's last libclerk failure, which is only valid until the next one.
inline std::string last_error()
{
    const char *text = clerk_last_error();
    return text != nullptr ? text : "libclerk reported no message";
}

// Throws the error for a status other than CLERK_OK.
inline void check(ClerkStatus status)
{
    if (status != CLERK_OK) {
        throw Error(status, last_error(), std::string());
    }
}

// Refuses a string that C would read only up to its first NUL byte, with the same
// document libclerk writes for a malformed argument.
inline void check_no_nul(const std::string &value, const char *name)
{
    if (value.find('\0') == std::string::npos) {
        return;
    }
    std::string message = std::string("invalid `") + name + "`";
    std::string long_message = std::string(name) + " holds a NUL byte";
    throw Error(CLERK_ERROR_INVALID_ARGUMENT, message + ": " + long_message,
                "{\"status\":0,\"errors\":[{\"code\":\"invalid_argument\",\"message\":\"" +
                    message + "\",\"long_message\":\"" + long_message +
                    "\",\"meta\":{\"param_name\":\"" + name + "\"}}],\"attempts\":0}");
}

// Frees the settings object Client's constructor builds, on every exit path.
struct OptionsDeleter {
    void operator()(ClerkOptions *options) const noexcept { clerk_options_free(options); }
};

// Frees the C client that a Client owns.
struct ClientDeleter {
    void operator()(ClerkClient *client) const noexcept { clerk_client_free(client); }
};

}  // namespace detail

/// Settings for a Client. A setting left empty comes from the environment
/// (CLERK_API_URL, CLERK_API_VERSION) or libclerk's default, as in clerk.h.
struct Options {
    /// The Backend API's base URL, such as "http://127.0.0.1:8080" for a local stand-in;
    /// default https://api.clerk.com.
    std::optional<std::string> api_url;
    /// The Clerk-API-Version header, a YYYY-MM-DD date.
    std::optional<std::string> api_version;
    /// The deadline of one call, retries included: 1 ms to one day; default 30 s.
    std::optional<std::chrono::milliseconds> timeout;
    /// Retries when Clerk surely did not apply a call (429, 502, 503, 504, no
    /// connection): 0 to 10; default 2.
    std::optional<std::uint32_t> max_retries;
    /// A PEM file whose CA certificates are trusted besides the bundled roots.
    std::optional<std::string> root_ca_file;
    /// An HTTP proxy for every request, such as "http://proxy.internal:3128".
    std::optional<std::string> proxy;
    /// Words naming your application in the User-Agent, such as "billing-sync/2.1".
    std::optional<std::string> user_agent_suffix;
};

/// A client of Clerk's Backend API. Move-only; frees itself. Any number of threads may
/// call update_user on one client at once; they share its connection pool.
class Client {
public:
    /// A client whose key comes from $CLERK_SECRET_KEY and whose settings come from the
    /// environment and defaults. Throws Error if the key is missing or malformed.
    Client() : Client(std::nullopt, Options{}) {}

    /// A client with `secret_key` (sk_live_... or sk_test_...; std::nullopt reads
    /// $CLERK_SECRET_KEY) and `options`. Throws Error (CLERK_ERROR_INVALID_ARGUMENT) for
    /// a missing or malformed key or setting, and std::bad_alloc if memory runs out.
    explicit Client(const std::optional<std::string> &secret_key,
                    const Options &options = Options{})
        : client_(connect(secret_key, options))
    {
    }

    /// Takes over `other`'s connection; `other` is left empty, and its update_user
    /// throws CLERK_ERROR_INVALID_ARGUMENT.
    Client(Client &&other) noexcept = default;
    /// Frees this client's connection and takes over `other`'s.
    Client &operator=(Client &&other) noexcept = default;
    /// Not copyable: exactly one object frees each client. Share one by reference (it
    /// is thread-safe) or move it.
    Client(const Client &) = delete;
    /// Not copyable, as above.
    Client &operator=(const Client &) = delete;
    /// Frees the client; no other thread may still be using it.
    ~Client() = default;

    /// Updates a user (PATCH /v1/users/{user_id}) and returns the updated user as the
    /// JSON Clerk sent. `params_json` is a JSON object such as
    /// {"first_name":"John","lastName":"Wick"}; see clerk.h and the README for its keys.
    /// Throws Error with the status and the error document on any failure. Blocks until
    /// the answer or the deadline.
    std::string update_user(const std::string &user_id, const std::string &params_json) const
    {
        return call(clerk_update_user, user_id, params_json);
    }

    /// Deep-merges metadata into the user's (PATCH /v1/users/{user_id}/metadata):
    /// `metadata_json` holds any of public_metadata, private_metadata, unsafe_metadata,
    /// each an object; nested objects merge, and a key set to null is removed. Returns
    /// the updated user JSON; throws Error as update_user does.
    std::string update_user_metadata(const std::string &user_id,
                                     const std::string &metadata_json) const
    {
        return call(clerk_update_user_metadata, user_id, metadata_json);
    }

    /// Replaces the metadata fields given in `metadata_json` whole
    /// (PUT /v1/users/{user_id}/metadata); fields not given are left alone. Returns the
    /// updated user JSON; throws Error as update_user does.
    std::string replace_user_metadata(const std::string &user_id,
                                      const std::string &metadata_json) const
    {
        return call(clerk_replace_user_metadata, user_id, metadata_json);
    }

    /// The C handle, for clerk.h functions this wrapper does not cover; still owned by
    /// this object. Null after a move.
    ClerkClient *get() const noexcept { return client_.get(); }

    /// Whether this object holds a client (false only after a move).
    explicit operator bool() const noexcept { return client_ != nullptr; }

private:
    // The shape shared by clerk_update_user and the metadata calls.
    using CallFn = ClerkStatus (*)(const ClerkClient *, const char *, const char *, char **);

    // Runs one call and turns its out_json into the result or an Error.
    std::string call(CallFn fn, const std::string &user_id, const std::string &json) const
    {
        detail::check_no_nul(user_id, "user_id");
        detail::check_no_nul(json, "params_json");
        char *raw = nullptr;
        ClerkStatus status = fn(client_.get(), user_id.c_str(), json.c_str(), &raw);
        UniqueString json_out(raw);
        // libclerk always sets out_json; an empty string stands in should it not.
        std::string text = json_out ? json_out.get() : "";
        if (status != CLERK_OK) {
            throw Error(status, detail::last_error(), std::move(text));
        }
        return text;
    }

    // Builds the C settings and client; the settings are freed on every path.
    static ClerkClient *connect(const std::optional<std::string> &secret_key,
                                const Options &options)
    {
        std::unique_ptr<ClerkOptions, detail::OptionsDeleter> raw(clerk_options_new());
        if (!raw) {
            throw std::bad_alloc();
        }
        if (options.api_url) {
            detail::check_no_nul(*options.api_url, "api_url");
            detail::check(clerk_options_set_api_url(raw.get(), options.api_url->c_str()));
        }
        if (options.api_version) {
            detail::check_no_nul(*options.api_version, "api_version");
            detail::check(
                clerk_options_set_api_version(raw.get(), options.api_version->c_str()));
        }
        if (options.timeout) {
            // A negative duration becomes 0, which libclerk refuses like any bad deadline.
            auto ms = options.timeout->count();
            detail::check(clerk_options_set_timeout_ms(
                raw.get(), ms > 0 ? static_cast<std::uint64_t>(ms) : 0U));
        }
        if (options.max_retries) {
            detail::check(clerk_options_set_max_retries(raw.get(), *options.max_retries));
        }
        if (options.root_ca_file) {
            detail::check_no_nul(*options.root_ca_file, "root_ca_file");
            detail::check(
                clerk_options_set_root_ca_file(raw.get(), options.root_ca_file->c_str()));
        }
        if (options.proxy) {
            detail::check_no_nul(*options.proxy, "proxy");
            detail::check(clerk_options_set_proxy(raw.get(), options.proxy->c_str()));
        }
        if (options.user_agent_suffix) {
            detail::check_no_nul(*options.user_agent_suffix, "user_agent_suffix");
            detail::check(clerk_options_set_user_agent_suffix(
                raw.get(), options.user_agent_suffix->c_str()));
        }
        if (secret_key) {
            detail::check_no_nul(*secret_key, "secret_key");
        }

        ClerkClient *client = nullptr;
        detail::check(clerk_client_new(secret_key ? secret_key->c_str() : nullptr,
                                       raw.get(), &client));
        return client;
    }

    std::unique_ptr<ClerkClient, detail::ClientDeleter> client_;
};

}  // namespace clerk

#endif  // CLERK_HPP
