/*
 * libclerk's update-user call from C, timed, for tests/bench (see BENCHMARKS.md).
 *
 *   update_bench time   URL USER_ID PARAMS WARMUP CALLS MAX_MS
 *   update_bench memory URL USER_ID PARAMS CALLS CHECKPOINT
 *
 * The secret key comes from $CLERK_SECRET_KEY. "time" makes WARMUP untimed updates, then
 * up to CALLS timed ones (fewer if MAX_MS passes) and prints
 *   rep calls=N elapsed_ns=N p50_ns=N p99_ns=N
 * "memory" makes CALLS updates, reads VmRSS after CHECKPOINT of them and at the end, then
 * VmHWM and ru_maxrss, and prints them on one "memory ..." line. It keeps no per-call
 * data, so what it measures is libclerk's memory plus a small C program's.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "clerk.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A count from the command line; exits on anything that is not a whole number. */
static unsigned long count_arg(const char *text, const char *name)
{
    char *end = NULL;
    errno = 0;
    unsigned long value = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0') {
        fprintf(stderr, "update_bench: %s must be a whole number, not '%s'\n", name, text);
        exit(2);
    }
    return value;
}

/* One update; any failure ends the program, as a failed call must not be timed. */
static void update(const ClerkClient *client, const char *user_id, const char *params)
{
    char *json = NULL;
    ClerkStatus st = clerk_update_user(client, user_id, params, &json);
    if (st != CLERK_OK) {
        fprintf(stderr, "update_bench: %s: %s\n", clerk_status_str(st), json ? json : "");
        clerk_string_free(json);
        exit(1);
    }
    clerk_string_free(json);
}

/* A "Name:   123 kB" line of /proc/self/status, in KiB; 0 if it cannot be read. */
static unsigned long status_kib(const char *name)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) {
        return 0;
    }
    char line[256];
    unsigned long kib = 0;
    size_t len = strlen(name);
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, name, len) == 0 && line[len] == ':') {
            kib = strtoul(line + len + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kib;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The nearest-rank percentile p (0 to 1) of n sorted values, as the Rust side computes it. */
static uint64_t percentile(const uint64_t *sorted, size_t n, double p)
{
    size_t rank = (size_t)(p * (double)n);
    if ((double)rank < p * (double)n) {
        rank++;
    }
    if (rank < 1) {
        rank = 1;
    }
    if (rank > n) {
        rank = n;
    }
    return sorted[rank - 1];
}

static int time_calls(const ClerkClient *client, char **argv)
{
    const char *user_id = argv[3], *params = argv[4];
    unsigned long warmup = count_arg(argv[5], "WARMUP");
    unsigned long calls = count_arg(argv[6], "CALLS");
    uint64_t max_ns = (uint64_t)count_arg(argv[7], "MAX_MS") * 1000000u;
    if (calls == 0) {
        fprintf(stderr, "update_bench: CALLS must be at least 1\n");
        return 2;
    }

    for (unsigned long i = 0; i < warmup; i++) {
        update(client, user_id, params);
    }

    uint64_t *latencies = malloc(calls * sizeof *latencies);
    if (latencies == NULL) {
        fprintf(stderr, "update_bench: out of memory\n");
        return 1;
    }
    size_t done = 0;
    uint64_t start = now_ns();
    while (done < calls) {
        uint64_t before = now_ns();
        update(client, user_id, params);
        uint64_t after = now_ns();
        latencies[done++] = after - before;
        if (after - start > max_ns) {
            break;
        }
    }
    uint64_t elapsed = now_ns() - start;

    qsort(latencies, done, sizeof *latencies, compare_u64);
    printf("rep calls=%zu elapsed_ns=%llu p50_ns=%llu p99_ns=%llu\n", done,
           (unsigned long long)elapsed,
           (unsigned long long)percentile(latencies, done, 0.50),
           (unsigned long long)percentile(latencies, done, 0.99));
    free(latencies);
    return 0;
}

static int measure_memory(const ClerkClient *client, char **argv)
{
    const char *user_id = argv[3], *params = argv[4];
    unsigned long calls = count_arg(argv[5], "CALLS");
    unsigned long checkpoint = count_arg(argv[6], "CHECKPOINT");
    unsigned long rss_checkpoint = 0;

    for (unsigned long i = 1; i <= calls; i++) {
        update(client, user_id, params);
        if (i == checkpoint) {
            rss_checkpoint = status_kib("VmRSS");
        }
    }
    unsigned long rss_end = status_kib("VmRSS");
    unsigned long hwm = status_kib("VmHWM");
    struct rusage usage;
    long maxrss = getrusage(RUSAGE_SELF, &usage) == 0 ? usage.ru_maxrss : 0;

    printf("memory calls=%lu checkpoint=%lu rss_checkpoint_kib=%lu rss_end_kib=%lu "
           "hwm_kib=%lu maxrss_kib=%ld\n",
           calls, checkpoint, rss_checkpoint, rss_end, hwm, maxrss);
    return 0;
}

int main(int argc, char **argv)
{
    int time_mode = argc == 8 && strcmp(argv[1], "time") == 0;
    int memory_mode = argc == 7 && strcmp(argv[1], "memory") == 0;
    if (!time_mode && !memory_mode) {
        fprintf(stderr,
                "usage: update_bench time URL USER_ID PARAMS WARMUP CALLS MAX_MS\n"
                "       update_bench memory URL USER_ID PARAMS CALLS CHECKPOINT\n");
        return 2;
    }

    ClerkOptions *options = clerk_options_new();
    ClerkClient *client = NULL;
    if (options == NULL || clerk_options_set_api_url(options, argv[2]) != CLERK_OK ||
        clerk_client_new(NULL, options, &client) != CLERK_OK) {
        const char *why = clerk_last_error();
        fprintf(stderr, "update_bench: %s\n", why != NULL ? why : "out of memory");
        clerk_options_free(options);
        return 1;
    }
    clerk_options_free(options);

    int rc = time_mode ? time_calls(client, argv) : measure_memory(client, argv);
    clerk_client_free(client);
    return rc;
}
