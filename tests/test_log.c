#define LOG_MODULE "test"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "test.h"

/* What fn logs on stderr, read back from a temp file. */
static void captured(void (*fn)(void), char *out, size_t size)
{
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    FILE *tmp = tmpfile();
    dup2(fileno(tmp), STDERR_FILENO);
    fn();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(tmp);
    size_t n = fread(out, 1, size - 1, tmp);
    out[n] = '\0';
    fclose(tmp);
}

static void log_enoent(void)
{
    errno = ENOENT;
    LOG_ERRNO("cannot open %s", "x.ini");
}

static log_repeat fetch_failures;

/* A feed server down for 120 polls, then a different failure twice, then
 * back. */
static void lasting_failure(void)
{
    for (int i = 0; i < 120; i++)
        LOG_FAILED(&fetch_failures, LOG_WARN, 1, "feed https://e.org/f.json: %s",
                   "connection refused");
    LOG_FAILED(&fetch_failures, LOG_WARN, 503, "feed https://e.org/f.json: HTTP %d", 503);
    LOG_FAILED(&fetch_failures, LOG_WARN, 503, "feed https://e.org/f.json: HTTP %d", 503);
    LOG_RECOVERED(&fetch_failures, "feed https://e.org/f.json fetched");
    LOG_RECOVERED(&fetch_failures, "feed fetched again"); /* nothing going on */
}

static void test_flood_control(void)
{
    static char out[4096];
    captured(lasting_failure, out, sizeof out);
    const char *want =
        "signage-player: warn: test: feed https://e.org/f.json: connection refused\n"
        "signage-player: warn: test: feed https://e.org/f.json: connection refused "
        "(still failing, 10 times)\n"
        "signage-player: warn: test: feed https://e.org/f.json: connection refused "
        "(still failing, 100 times)\n"
        "signage-player: warn: test: feed https://e.org/f.json: HTTP 503 (before: feed "
        "https://e.org/f.json: connection refused, 120 times)\n"
        "signage-player: info: test: feed https://e.org/f.json fetched, after 122 "
        "failures "
        "(last: feed https://e.org/f.json: HTTP 503)\n";
    CHECKF(strcmp(out, want) == 0, "got:\n%s", out);
    CHECK(fetch_failures.count == 0 && fetch_failures.total == 0 &&
          fetch_failures.what[0] == '\0');
}

static log_repeat timeouts;

/* The same kind of failure whose text changes each time (curl's "after N
 * ms") is one lasting failure: the first line, then the 10th. */
static void varying_detail(void)
{
    for (int i = 0; i < 12; i++)
        LOG_FAILED(&timeouts, LOG_WARN, 7, "feed: connect failed after %d ms", i);
}

static void test_flood_same_kind(void)
{
    static char out[1024];
    captured(varying_detail, out, sizeof out);
    const char *want = "signage-player: warn: test: feed: connect failed after 0 ms\n"
                       "signage-player: warn: test: feed: connect failed after 9 ms "
                       "(still failing, 10 times)\n";
    CHECKF(strcmp(out, want) == 0, "got:\n%s", out);
}

int main(void)
{
    enum log_level lv;
    CHECK(log_level_from_name("debug", &lv) && lv == LOG_DEBUG);
    CHECK(!log_level_from_name("loud", &lv));
    unsigned before = log_problem_count();
    LOG_WARN("a warning for the count");
    LOG_INFO("not a problem");
    CHECK(log_problem_count() == before + 1);

    char line[256];
    captured(log_enoent, line, sizeof line);
    CHECKF(strcmp(line, "signage-player: error: test: cannot open x.ini: "
                        "No such file or directory\n") == 0,
           "%s", line);
    CHECK(log_problem_count() == before + 2);
    RUN(test_flood_control);
    RUN(test_flood_same_kind);
    return test_done("log");
}
