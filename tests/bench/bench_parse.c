/* bench_parse: what feed_parse costs on a feed file, as the player reads
 * one (tests/bench/run.sh generates a 1,000-item and an 8 MB feed).
 * Prints one line: items kept, bytes, median and worst of RUNS parses in
 * CPU milliseconds (strict JSON check and cJSON included).
 * Usage: bench_parse FEED.json [RUNS=9] */
#include "bench.h"
#include "feed.h"
#include "util.h"

#include <errno.h>

#define MAX_RUNS 101

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_parse FEED.json [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 9;
    runs = runs < 1 ? 1 : runs > MAX_RUNS ? MAX_RUNS : runs;
    size_t len;
    char *json = read_file_capped(argv[1], FEED_MAX_BYTES, &len);
    if (!json) {
        fprintf(stderr, "bench_parse: %s: %s\n", argv[1], read_file_error(errno));
        return 1;
    }
    double ms[MAX_RUNS];
    size_t kept = 0;
    for (int i = 0; i < runs; i++) {
        double t0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
        feed *f = feed_parse(json, len, "bench");
        ms[i] = bench_ms(CLOCK_PROCESS_CPUTIME_ID) - t0;
        kept = f ? f->n_items : 0;
        feed_destroy(f);
    }
    qsort(ms, (size_t)runs, sizeof *ms, bench_cmp_double);
    printf("feed_parse: %zu items, %zu bytes: median %.2f ms, worst %.2f ms (%d runs)\n",
           kept, len, ms[runs / 2], ms[runs - 1], runs);
    free(json);
    return kept > 0 ? 0 : 1;
}
