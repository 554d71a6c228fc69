// update_user_cpp: the same command as update_user.c, written in C++17.
//
// The client and the returned strings are held by std::unique_ptr with
// libclerk's own free functions, so every exit path releases them.
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "clerk.h"

namespace {

struct ClientFree {
    void operator()(ClerkClient *c) const { clerk_client_free(c); }
};
struct StringFree {
    void operator()(char *s) const { clerk_string_free(s); }
};
using Client = std::unique_ptr<ClerkClient, ClientFree>;
using Json = std::unique_ptr<char, StringFree>;

// A failed call: its status and, for updates, its error document.
class ClerkFailure : public std::runtime_error {
public:
    ClerkFailure(ClerkStatus status, const std::string &what)
        : std::runtime_error(what), status_(status) {}
    ClerkStatus status() const { return status_; }

private:
    ClerkStatus status_;
};

Client connect()
{
    ClerkClient *raw = nullptr;
    ClerkStatus status = clerk_client_new(nullptr, nullptr, &raw);
    if (status != CLERK_OK) {
        const char *why = clerk_last_error();
        throw ClerkFailure(status, why != nullptr ? why : "unknown failure");
    }
    return Client(raw);
}

std::string update_user(const Client &client, const std::string &id,
                        const std::string &params)
{
    char *raw = nullptr;
    ClerkStatus status =
        clerk_update_user(client.get(), id.c_str(), params.c_str(), &raw);
    Json json(raw);
    std::string text = json ? json.get() : "";
    if (status != CLERK_OK) {
        throw ClerkFailure(status, text);
    }
    return text;
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s USER_ID PARAMS_JSON\n", argv[0]);
        return 64;
    }

    try {
        Client client = connect();
        std::printf("%s\n", update_user(client, argv[1], argv[2]).c_str());
        return 0;
    } catch (const ClerkFailure &failure) {
        std::fprintf(stderr, "update_user_cpp: %s\n%s\n",
                     clerk_status_str(failure.status()), failure.what());
        return static_cast<int>(failure.status());
    }
}
