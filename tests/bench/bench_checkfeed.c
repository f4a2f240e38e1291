/* bench_checkfeed: what the status file's item lists cost at a slide start
 * (checkfeed_item_state for every item: open, waiting or skipped) and what
 * --check-feed's spans cost, for a feed of FEED_MAX_ITEMS items with two
 * daily windows on weekdays (the slow case: every window edge is a step).
 * CPU time, median of 5 runs. Usage: bench_checkfeed */
#include "bench.h"
#include "checkfeed.h"
#include "tz.h"
#include "util.h"

static feed *make_feed(size_t n)
{
    feed *f = xcalloc(1, sizeof *f);
    f->n_items = n;
    f->items = xcalloc(n, sizeof *f->items);
    for (size_t i = 0; i < n; i++) {
        feed_signage *g = &f->items[i].signage;
        f->items[i].id = "x";
        g->n_hours = 2;
        g->hours[0] = (feed_window){8 * 60, 9 * 60};
        g->hours[1] = (feed_window){12 * 60, 13 * 60};
        g->days = 0x3e; /* Monday to Friday */
    }
    return f;
}

static double run(const schedule_params *sp, const feed *f, bool spans)
{
    double t0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    checkfeed_span s[CHECKFEED_MAX_SPANS];
    const char *why;
    long sum = 0;
    for (size_t i = 0; i < f->n_items; i++)
        sum += spans ? checkfeed_spans(sp, f, i, 1796090400, s, CHECKFEED_MAX_SPANS)
                     : (long)checkfeed_item_state(sp, f, i, 1796090400, &why);
    if (sum < 0)
        puts("");
    return bench_ms(CLOCK_PROCESS_CPUTIME_ID) - t0;
}

int main(void)
{
    tz *zone = tz_create("Asia/Shanghai");
    schedule_params sp = {.zone = zone, .high_ratio = 2};
    feed *f = make_feed(FEED_MAX_ITEMS);
    for (int spans = 0; spans < 2; spans++) {
        double t[5];
        for (int k = 0; k < 5; k++)
            t[k] = run(&sp, f, spans);
        qsort(t, 5, sizeof t[0], bench_cmp_double);
        printf("%s for %d items: %.1f ms CPU (median of 5)\n",
               spans ? "checkfeed_spans" : "checkfeed_item_state", FEED_MAX_ITEMS, t[2]);
    }
    free(f->items);
    free(f);
    tz_destroy(zone);
    return 0;
}
