/*
 * api_test: checks the C API from C, against a running stand-in.
 *
 * Environment: CLERK_API_URL (the stand-in), CLERK_SECRET_KEY (its key),
 * TEST_USER_ID (a seeded user), TEST_TAKEN_USERNAME (another user's
 * username). Prints one line per failed check, then "remote requests: N"
 * (how many requests the checks should have sent) and "N passed, N failed".
 * Exits 0 only if every check passed.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clerk.h"

static int passed;
static int failed;
static int remote;

#define CHECK(cond)                                                     \
    do {                                                                \
        if (cond) {                                                     \
            passed++;                                                   \
        } else {                                                        \
            failed++;                                                   \
            printf("FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond);    \
        }                                                               \
    } while (0)

static const char *env(const char *name)
{
    const char *value = getenv(name);
    if (value == NULL || value[0] == '\0') {
        printf("FAILED: %s is not set\n", name);
        exit(2);
    }
    return value;
}

static int contains(const char *text, const char *part)
{
    return text != NULL && strstr(text, part) != NULL;
}

/* Runs an update that must fail locally; checks status and document. */
static void expect_local(const ClerkClient *client, const char *id,
                         const char *params, const char *code)
{
    char *json = (char *)"not touched";
    ClerkStatus st = clerk_update_user(client, id, params, &json);

    CHECK(st == CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(contains(json, "\"status\":0"));
    CHECK(contains(json, code));
    if (!contains(json, code)) {
        printf("  wanted %s in %s\n", code, json ? json : "(null)");
    }
    CHECK(clerk_last_error() != NULL);
    clerk_string_free(json);
}

static void check_names_and_version(void)
{
    int s;

    for (s = 0; s <= 10; s++) {
        CHECK(strncmp(clerk_status_str(s), "CLERK_", 6) == 0);
    }
    CHECK(strcmp(clerk_status_str(CLERK_OK), "CLERK_OK") == 0);
    CHECK(strcmp(clerk_status_str(CLERK_ERROR_NOT_FOUND),
                 "CLERK_ERROR_NOT_FOUND") == 0);
    CHECK(strcmp(clerk_status_str(-1), "CLERK_ERROR_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(clerk_status_str(11), "CLERK_ERROR_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(clerk_status_str(INT_MAX),
                 "CLERK_ERROR_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(clerk_version(), CLERK_VERSION) == 0);
}

static void check_options(void)
{
    ClerkOptions *o = clerk_options_new();

    CHECK(o != NULL);
    CHECK(clerk_options_set_api_url(NULL, "https://api.clerk.com") ==
          CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(clerk_options_set_api_url(o, "ftp://api.clerk.com") ==
          CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(clerk_options_set_api_url(o, "http://example.com") ==
          CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(clerk_options_set_api_url(o, "\xff\xfe") ==
          CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(clerk_options_set_api_url(o, "https://api.clerk.com/v1/") ==
          CLERK_OK);
    CHECK(clerk_options_set_api_url(o, NULL) == CLERK_OK);
    CHECK(clerk_options_set_api_version(o, "v1") ==
          CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(clerk_options_set_api_version(NULL, "2025-11-10") ==
          CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(clerk_options_set_api_version(o, "2025-11-10") == CLERK_OK);
    CHECK(clerk_options_set_timeout_ms(o, 0) == CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(clerk_options_set_timeout_ms(o, UINT64_MAX) ==
          CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(clerk_options_set_timeout_ms(NULL, 10) ==
          CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(clerk_options_set_timeout_ms(o, 5000) == CLERK_OK);
    CHECK(clerk_options_set_max_retries(o, 11) ==
          CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(clerk_options_set_max_retries(NULL, 1) ==
          CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(clerk_options_set_max_retries(o, 0) == CLERK_OK);
    clerk_options_free(o);
    clerk_options_free(NULL);
}

static void check_client_new(const char *key)
{
    ClerkClient *c = (ClerkClient *)&c;
    const char *bad_key = "pk_test_this_is_a_publishable_key";

    CHECK(clerk_client_new(key, NULL, NULL) == CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(clerk_client_new(bad_key, NULL, &c) == CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(c == NULL);
    CHECK(!contains(clerk_last_error(), bad_key));
    CHECK(clerk_client_new("sk_test_\xff", NULL, &c) ==
          CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(clerk_client_new(key, NULL, &c) == CLERK_OK);
    CHECK(c != NULL);
    clerk_client_free(c);
    clerk_client_free(NULL);
    clerk_string_free(NULL);
}

static void check_local_rejections(const ClerkClient *client, const char *id)
{
    char *json = (char *)"not touched";
    char *big;
    size_t big_len = 50u << 20;

    CHECK(clerk_update_user(NULL, id, "{}", &json) ==
          CLERK_ERROR_INVALID_ARGUMENT);
    CHECK(contains(json, "\"param_name\":\"client\""));
    clerk_string_free(json);
    /* Without out_json the status still tells the story. */
    CHECK(clerk_update_user(client, id, "{\"firstname\":1}", NULL) ==
          CLERK_ERROR_INVALID_ARGUMENT);

    expect_local(client, NULL, "{}", "\"param_name\":\"user_id\"");
    expect_local(client, id, NULL, "\"param_name\":\"params_json\"");
    expect_local(client, "user_\xff", "{}", "not valid UTF-8");
    expect_local(client, id, "{\"first_name\":\"\xc3\"}", "not valid UTF-8");
    expect_local(client, id, "{\"first_name\":", "invalid_params_json");
    expect_local(client, id, "[1,2]", "invalid_params_json");
    expect_local(client, id, "", "invalid_params_json");
    expect_local(client, id, "{\"firstname\":\"x\"}", "`first_name`");
    expect_local(client, id, "{\"first_name\":1}", "form_param_type_invalid");
    expect_local(client, id, "{\"first_name\":\"a\",\"firstName\":\"b\"}",
                 "form_param_duplicate");
    expect_local(client, "", "{}", "invalid_user_id");
    expect_local(client, "..", "{}", "invalid_user_id");
    expect_local(client, "user 1", "{}", "invalid_user_id");
    expect_local(client, "user\t1", "{}", "invalid_user_id");

    /* 50 MiB of params: refused by size, before any parsing. */
    big = malloc(big_len + 1);
    if (big != NULL) {
        memset(big, ' ', big_len);
        memcpy(big, "{\"first_name\":\"", 15);
        memcpy(big + big_len - 2, "\"}", 2);
        big[big_len] = '\0';
        expect_local(client, id, big, "params_too_large");

        /* 100k levels of nesting as the params themselves. */
        memset(big, '[', 100000);
        memset(big + 100000, ']', 100000);
        big[200000] = '\0';
        expect_local(client, id, big, "invalid_params_json");
        free(big);
    }
}

static void check_remote(const ClerkClient *client, const char *id,
                         const char *taken)
{
    char *json = NULL;
    char params[256];
    ClerkClient *wrong = NULL;
    ClerkStatus st;

    st = clerk_update_user(client, id,
                           "{\"first_name\":\"John\",\"lastName\":\"Wick\","
                           "\"publicMetadata\":{\"camelKey\":[1.50,null]}}",
                           &json);
    remote++;
    CHECK(st == CLERK_OK);
    CHECK(contains(json, "\"first_name\":\"John\""));
    CHECK(contains(json, "\"last_name\":\"Wick\""));
    CHECK(contains(json, "camelKey"));
    clerk_string_free(json);

    st = clerk_update_user(client, "user_does_not_exist", "{}", &json);
    remote++;
    CHECK(st == CLERK_ERROR_NOT_FOUND);
    CHECK(contains(json, "\"status\":404"));
    CHECK(contains(json, "\"clerk_trace_id\""));
    clerk_string_free(json);

    snprintf(params, sizeof params, "{\"username\":\"%s\"}", taken);
    st = clerk_update_user(client, id, params, &json);
    remote++;
    CHECK(st == CLERK_ERROR_REJECTED);
    CHECK(contains(json, "\"status\":422"));
    CHECK(contains(json, "\"param_name\":\"username\""));
    clerk_string_free(json);

    CHECK(clerk_client_new("sk_test_not_the_right_key", NULL, &wrong) ==
          CLERK_OK);
    st = clerk_update_user(wrong, id, "{}", &json);
    remote++;
    CHECK(st == CLERK_ERROR_UNAUTHORIZED);
    CHECK(contains(json, "\"status\":401"));
    CHECK(!contains(json, "sk_test_not_the_right_key"));
    CHECK(!contains(clerk_last_error(), "sk_test_not_the_right_key"));
    clerk_string_free(json);
    clerk_client_free(wrong);

    /* Ids with reserved characters travel encoded, as one unknown id each. */
    {
        const char *ids[] = {"a/b", "a?b", "a#b", "100%", "../x", "\xc3\xa9",
                             "user_2abc/../../v1/users"};
        size_t i;
        for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
            st = clerk_update_user(client, ids[i], "{}", &json);
            remote++;
            CHECK(st == CLERK_ERROR_NOT_FOUND);
            clerk_string_free(json);
        }
    }

    /* Metadata is the user's own data: deep nesting is sent; Clerk decides. */
    {
        size_t depth = 100000;
        size_t len = depth * 2 + 64;
        char *deep = malloc(len);
        if (deep != NULL) {
            size_t n = (size_t)sprintf(deep, "{\"public_metadata\":{\"a\":");
            memset(deep + n, '[', depth);
            memset(deep + n + depth, ']', depth);
            strcpy(deep + n + 2 * depth, "}}");
            st = clerk_update_user(client, id, deep, &json);
            remote++;
            CHECK(st == CLERK_ERROR_REJECTED);
            CHECK(contains(json, "\"status\":400"));
            clerk_string_free(json);
            free(deep);
        }
    }

    /* A successful call whose result is not wanted. */
    CHECK(clerk_update_user(client, id, "{\"username\":null}", NULL) ==
          CLERK_OK);
    remote++;
}

#define THREADS 8
#define CALLS_PER_THREAD 25

struct worker {
    const ClerkClient *client;
    const char *id;
    int ok;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    int i;

    for (i = 0; i < CALLS_PER_THREAD; i++) {
        char *json = NULL;
        if (clerk_update_user(w->client, w->id, "{\"locale\":\"fr-FR\"}",
                              &json) == CLERK_OK &&
            contains(json, "fr-FR")) {
            w->ok++;
        }
        clerk_string_free(json);
    }
    return NULL;
}

static void check_threads(const ClerkClient *client, const char *id)
{
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    int i;
    int ok = 0;

    for (i = 0; i < THREADS; i++) {
        workers[i].client = client;
        workers[i].id = id;
        workers[i].ok = 0;
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        ok += workers[i].ok;
    }
    remote += THREADS * CALLS_PER_THREAD;
    CHECK(ok == THREADS * CALLS_PER_THREAD);
}

static void *make_and_free_a_client(void *arg)
{
    int i;

    (void)arg;
    for (i = 0; i < 50; i++) {
        ClerkClient *other = NULL;
        if (clerk_client_new(NULL, NULL, &other) == CLERK_OK) {
            clerk_client_free(other);
        }
    }
    return NULL;
}

/* Another thread making and freeing its own clients does not disturb ours. */
static void check_other_clients_freed(const ClerkClient *client,
                                      const char *id)
{
    pthread_t other;
    int i;
    int ok = 0;

    CHECK(pthread_create(&other, NULL, make_and_free_a_client, NULL) == 0);
    for (i = 0; i < 20; i++) {
        char *json = NULL;
        ok += clerk_update_user(client, id, "{\"locale\":\"en-GB\"}", &json) ==
              CLERK_OK;
        clerk_string_free(json);
    }
    pthread_join(other, NULL);
    remote += 20;
    CHECK(ok == 20);
}

int main(void)
{
    const char *key = env("CLERK_SECRET_KEY");
    const char *id = env("TEST_USER_ID");
    const char *taken = env("TEST_TAKEN_USERNAME");
    ClerkClient *client = NULL;

    env("CLERK_API_URL");
    CHECK(clerk_last_error() == NULL);
    check_names_and_version();
    check_options();
    check_client_new(key);

    if (clerk_client_new(NULL, NULL, &client) != CLERK_OK) {
        printf("FAILED: no client: %s\n", clerk_last_error());
        return 1;
    }
    check_local_rejections(client, id);
    check_remote(client, id, taken);
    check_threads(client, id);
    check_other_clients_freed(client, id);
    clerk_client_free(client);

    printf("remote requests: %d\n", remote);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
