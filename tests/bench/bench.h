/* What every benchmark program needs: clocks in milliseconds, the
 * process's memory from /proc, and a comparison for qsort. */
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

/* A /proc/self/status field in kB ("VmRSS:", "VmHWM:"); -1 if absent. */
static inline long bench_status_kb(const char *key)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t k = strlen(key);
    while (fp && fgets(line, sizeof line, fp))
        if (strncmp(line, key, k) == 0)
            kb = strtol(line + k, NULL, 10);
    if (fp)
        fclose(fp);
    return kb;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
