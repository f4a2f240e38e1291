/* How long the tz calls take: opening a zone, a local time inside the
 * cached offset period and outside it, a wall time to Unix time (far from
 * a transition, and on a transition day), and the next transition. The API
 * is the same whatever engine is behind it, so this file builds against
 * older trees too. Times are thread CPU time per call, median of 15 runs. */
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

enum { RUNS = 15, N = 20000 };
static volatile int64_t sink;

#define T2026 1767225600LL /* 2026-01-01T00:00:00Z */

typedef void (*op)(tz *z, int i);

static void op_local_hit(tz *z, int i)
{
    tz_time lt;
    tz_local(z, T2026 + 3600LL * 24 * 200 + (int64_t)i * 37, &lt);
    sink += lt.minute;
}

static void op_local_miss(tz *z, int i)
{
    /* Alternates between winter and summer: every call leaves the cache. */
    tz_time lt;
    tz_local(z, T2026 + (i % 2 ? 15552000 : 0) + i, &lt);
    sink += lt.minute;
}

static void op_local_far(tz *z, int i)
{
    tz_time lt; /* year 2100: after the table, from the footer rule */
    tz_local(z, 4102444800LL + (int64_t)(i % 2) * 15552000 + i, &lt);
    sink += lt.minute;
}

static void op_make_plain(tz *z, int i)
{
    tz_time lt;
    tz_local(z, T2026 + 3600LL * 24 * 200, &lt);
    sink += tz_make_local(z, lt.days * 86400 + (i % 1440) * 60, TZ_EARLIER);
}

static void op_make_transition(tz *z, int i)
{
    /* 2026-03-29, the spring-forward day in Berlin. */
    sink += tz_make_local(z, 20541LL * 86400 + (i % 1440) * 60, TZ_EARLIER);
}

static void op_next(tz *z, int i)
{
    sink += tz_next_transition(z, T2026 + (int64_t)i * 1500);
}

static void measure(const char *what, tz *z, op f)
{
    double v[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double a = now_ns();
        for (int i = 0; i < N; i++)
            f(z, i);
        v[r] = (now_ns() - a) / N;
    }
    qsort(v, RUNS, sizeof *v, cmp_double);
    printf("  %-36s median %8.1f ns  min %8.1f ns\n", what, v[RUNS / 2], v[0]);
}

int main(void)
{
    double v[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double a = now_ns();
        tz_destroy(tz_create("Europe/Berlin"));
        v[r] = now_ns() - a;
    }
    qsort(v, RUNS, sizeof *v, cmp_double);
    printf("Europe/Berlin\n  %-36s median %8.1f ns  min %8.1f ns\n",
           "tz_create+tz_destroy", v[RUNS / 2], v[0]);
    tz *z = tz_create("Europe/Berlin");
    if (!z)
        return 1;
    measure("tz_local, same offset period", z, op_local_hit);
    measure("tz_local, alternating periods", z, op_local_miss);
    measure("tz_local, 2100 (footer rule)", z, op_local_far);
    measure("tz_make_local, ordinary day", z, op_make_plain);
    measure("tz_make_local, transition day", z, op_make_transition);
    measure("tz_next_transition", z, op_next);
    tz_destroy(z);
    return 0;
}
