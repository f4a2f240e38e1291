/* What every benchmark program needs: clocks in milliseconds and a
 * comparison for qsort (memory figures: util_status_kb). */
#pragma once
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Milliseconds on clock (CLOCK_MONOTONIC for wall time; a CPU-time clock
 * where other processes on a shared machine must not count). */
static inline double bench_ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
