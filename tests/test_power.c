/* power: display power commands, rate-limited, on a fake clock, running
 * real commands that append to a file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "power.h"
#include "test.h"

static char record[256];
static char on_cmd[400], off_cmd[400];

static void wait_commands(void)
{
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;
}

/* power_want, then waits for the command it started (a test step stands
 * for minutes of the player's life). */
static int64_t want(power *p, bool on, bool urgent, int64_t now)
{
    int64_t due = power_want(p, on, urgent, now);
    wait_commands();
    return due;
}

/* Waits for every command started so far, then returns what they wrote. */
static char *commands_run(void)
{
    wait_commands();
    char *text = test_read_file(record, NULL);
    return text ? text : calloc(1, 1);
}

static void expect_run(const char *want, int line)
{
    char *got = commands_run();
    CHECKF(strcmp(got, want) == 0, "line %d: ran '%s', want '%s'", line, got, want);
    free(got);
}

static void test_limit(void)
{
    unlink(record);
    power *p = power_create(on_cmd, off_cmd, 300);
    unsigned logs = log_problem_count();
    CHECK(want(p, false, false, 1000) == -1); /* the first runs at once */
    CHECK(want(p, false, false, 1010) == -1); /* no change */
    CHECK(want(p, true, false, 1060) == 240); /* held back, logged */
    CHECK(want(p, true, false, 1120) == 180); /* still held, not logged again */
    CHECK(log_problem_count() == logs + 1);
    expect_run("off\n", __LINE__);
    CHECK(want(p, false, false, 1130) == -1); /* wanted no more: dropped */
    CHECK(want(p, true, true, 1200) == -1);   /* urgent wake-up: at once */
    CHECK(want(p, false, false, 1260) == 240);
    CHECK(want(p, false, false, 1499) == 1);
    CHECK(want(p, false, false, 1500) == -1); /* the gap has passed */
    expect_run("off\non\noff\n", __LINE__);
    CHECK(log_problem_count() == logs + 2);
    power_destroy(p);
}

/* Urgent items opening and closing every minute outside screen hours for
 * two hours: at most one change per gap, and the final state follows. */
static void test_cycling_feed(void)
{
    unlink(record);
    power *p = power_create(on_cmd, off_cmd, 300);
    int64_t t = 0;
    bool on = false;
    for (; t < 7200; t += 60) {
        on = (t / 60) % 2 == 1;
        int64_t due = want(p, on, false, t);
        CHECK(due <= 300);
    }
    int64_t due = want(p, on, false, t);
    if (due > 0)
        CHECK(want(p, on, false, t + due) == -1);
    char *got = commands_run();
    int changes = 0;
    for (const char *s = got; (s = strchr(s, '\n')); s++)
        changes++;
    CHECKF(changes >= 2 && changes <= 7200 / 300 + 2, "%d changes", changes);
    size_t n = strlen(got);
    const char *last = on ? "on\n" : "off\n";
    CHECKF(n >= strlen(last) && strcmp(got + n - strlen(last), last) == 0, "ends '%s'",
           got);
    free(got);
    power_destroy(p);
}

static void test_no_commands(void)
{
    power *p = power_create(NULL, "", 300);
    CHECK(power_want(p, true, false, 0) == -1);
    CHECK(power_want(p, false, false, 10) == 290);
    power_destroy(p);
    power_destroy(NULL);
}

/* An urgent "on" right after an "off" that still runs waits for it: two
 * shells started together could finish in either order. */
static void test_serial(void)
{
    unlink(record);
    char slow_off[500];
    snprintf(slow_off, sizeof slow_off, "sleep 0.3; echo off >> '%s'", record);
    power *p = power_create(on_cmd, slow_off, 300);
    CHECK(power_want(p, false, false, 0) == -1);
    CHECK(power_want(p, true, true, 0) == 1); /* off still runs: retry in 1 s */
    wait_commands();
    CHECK(power_want(p, true, true, 1) == -1);
    expect_run("off\non\n", __LINE__);
    power_destroy(p);
}

int main(void)
{
    char dir[] = "/tmp/test_power.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    snprintf(record, sizeof record, "%s/record", dir);
    snprintf(on_cmd, sizeof on_cmd, "echo on >> '%s'", record);
    snprintf(off_cmd, sizeof off_cmd, "echo off >> '%s'", record);
    RUN(test_limit);
    RUN(test_cycling_feed);
    RUN(test_no_commands);
    RUN(test_serial);
    unlink(record);
    rmdir(dir);
    return test_done("power");
}
