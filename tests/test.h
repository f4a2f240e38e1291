/* A tiny test harness: CHECK records a failure and goes on; test_done()
 * prints the counts and returns the exit status. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

extern int test_failures;
extern int test_checks;
extern int test_skips;

void test_run(const char *name, void (*fn)(void));

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        test_checks++;                                                                   \
        if (!(cond)) {                                                                   \
            test_failures++;                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);     \
        }                                                                                \
    } while (0)

#define CHECKF(cond, ...)                                                                \
    do {                                                                                 \
        test_checks++;                                                                   \
        if (!(cond)) {                                                                   \
            test_failures++;                                                             \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);     \
            fprintf(stderr, __VA_ARGS__);                                                \
            fputc('\n', stderr);                                                         \
        }                                                                                \
    } while (0)

/* A part of the test that cannot run here (a missing data file or tool):
 * says why, and test_done() then exits 77, which CTest shows as skipped,
 * unless a check failed. */
#define SKIP(...)                                                                        \
    do {                                                                                 \
        test_skips++;                                                                    \
        printf("SKIP: ");                                                                \
        printf(__VA_ARGS__);                                                             \
        putchar('\n');                                                                   \
    } while (0)

/* Runs one test case and names it in the output, with its own counts. */
#define RUN(fn) test_run(#fn, fn)

#define TEST_MAX_FILE (64u * 1024 * 1024) /* the largest file test_read_file reads */

/* Reads a whole regular file (read_file_capped), NUL-terminated; NULL if
 * missing, not regular or larger than TEST_MAX_FILE. Caller frees. */
char *test_read_file(const char *path, size_t *len);

/* Prints "name: N passed, M failed" (", K skipped" after SKIP) and returns
 * the exit status for main(): 1 on a failure, else 77 after a SKIP, else 0. */
int test_done(const char *name);

/* Runs fn(arg) in a forked child with stderr written to log_path (when not
 * NULL) and an alarm after `seconds`, so a call that would block forever
 * fails the test instead of hanging it. Returns fn's value (0..255), or -1
 * when the child died of a signal (the alarm included). */
int test_in_child(int (*fn)(void *), void *arg, unsigned seconds, const char *log_path);
