/*
 * update_user: update a Clerk user from the command line.
 *
 *     update_user USER_ID PARAMS_JSON
 *
 * The secret key comes from CLERK_SECRET_KEY and the API URL from
 * CLERK_API_URL (default https://api.clerk.com). On success the updated
 * user is printed on stdout; on failure the status and the error document
 * are printed on stderr. The exit status is the ClerkStatus (0 on success),
 * or 64 for a usage error.
 */
#include <stdio.h>

#include "clerk.h"

int main(int argc, char **argv)
{
    ClerkClient *client = NULL;
    ClerkStatus status;
    char *json = NULL;

    if (argc != 3) {
        fprintf(stderr, "usage: %s USER_ID PARAMS_JSON\n", argv[0]);
        fprintf(stderr, "example: %s user_2abc '{\"first_name\":\"John\"}'\n",
                argv[0]);
        return 64;
    }

    /* NULL key and options: CLERK_SECRET_KEY and CLERK_API_URL are used. */
    status = clerk_client_new(NULL, NULL, &client);
    if (status != CLERK_OK) {
        fprintf(stderr, "update_user: %s: %s\n", clerk_status_str(status),
                clerk_last_error());
        return (int)status;
    }

    status = clerk_update_user(client, argv[1], argv[2], &json);
    if (status == CLERK_OK) {
        printf("%s\n", json);
    } else {
        fprintf(stderr, "update_user: %s\n%s\n", clerk_status_str(status),
                json);
    }

    /* Both free functions accept NULL, so no checks are needed here. */
    clerk_string_free(json);
    clerk_client_free(client);
    return (int)status;
}
