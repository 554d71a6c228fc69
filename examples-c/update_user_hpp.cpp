// update_user_hpp: the update_user command of update_user.c, written with
// the C++17 wrapper clerk.hpp.
//
//     update_user_hpp USER_ID PARAMS_JSON
//
// The secret key comes from CLERK_SECRET_KEY and the API URL from
// CLERK_API_URL (default https://api.clerk.com). The updated user goes to
// stdout; on failure the status name and the error document go to stderr.
// The exit status is the ClerkStatus (0 on success), or 64 for a usage
// error.
#include <cstdio>

#include "clerk.hpp"

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s USER_ID PARAMS_JSON\n", argv[0]);
        std::fprintf(stderr,
                     "example: %s user_2abc '{\"first_name\":\"John\"}'\n",
                     argv[0]);
        return 64;
    }

    try {
        clerk::Client client;  // CLERK_SECRET_KEY and CLERK_API_URL
        std::printf("%s\n", client.update_user(argv[1], argv[2]).c_str());
        return 0;
    } catch (const clerk::Error &error) {
        // Creating the client fails without a document; its message says
        // why instead.
        if (error.document().empty()) {
            std::fprintf(stderr, "update_user_hpp: %s: %s\n",
                         error.status_name(), error.what());
        } else {
            std::fprintf(stderr, "update_user_hpp: %s\n%s\n",
                         error.status_name(), error.document().c_str());
        }
        return static_cast<int>(error.status());
    }
}
