/* bench_metrics: what one write of the metrics file costs on the main
 * thread: the text formatted (metrics_format) and the file replaced
 * durably (status_replace: temp file, fsync, rename) in the given folder,
 * which should be on the disk the player writes to (an SD card on a
 * board). Prints the median and worst of N writes, format and write apart.
 * Usage: bench_metrics [folder] [writes] (default /var/tmp, 100) */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "metrics.h"
#include "status.h"

static void report(const char *what, double *ms, int n)
{
    qsort(ms, (size_t)n, sizeof *ms, bench_cmp_double);
    printf("%-8s median %.3f ms, worst %.3f ms\n", what, ms[n / 2], ms[n - 1]);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/var/tmp";
    int n = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 100;
    n = n > 0 ? n : 1;
    char path[1024];
    snprintf(path, sizeof path, "%s/bench_metrics.prom", dir);
    double *fmt = calloc((size_t)n, sizeof *fmt), *wr = calloc((size_t)n, sizeof *wr);
    metrics_snapshot s = {.version = "bench", .feed_age = 10, .write_seconds = 0.001};
    size_t bytes = 0;
    for (int i = 0; i < n; i++) {
        metrics_hist_add(&s.frame, 0.001 * (i % 40));
        s.pages_shown++;
        double t0 = bench_ms(CLOCK_MONOTONIC);
        char *text = metrics_format(&s);
        double t1 = bench_ms(CLOCK_MONOTONIC);
        if (!status_replace(path, text, true)) {
            perror(path);
            return 1;
        }
        wr[i] = bench_ms(CLOCK_MONOTONIC) - t1;
        fmt[i] = t1 - t0;
        bytes = strlen(text);
        free(text);
    }
    remove(path);
    printf("%d writes of %zu bytes to %s\n", n, bytes, dir);
    report("format", fmt, n);
    report("write", wr, n);
    free(fmt);
    free(wr);
    return 0;
}
