/* How long one scheduling decision takes over FEED_MAX_ITEMS items:
 * schedule_next, schedule_next_change, and the cheap per-wake queries.
 * Two feeds: a realistic mix, and a worst case where every item has eight
 * windows on one weekday (next_change must look days ahead). Times are
 * thread CPU time per call. */
#include "bench.h"
#include "schedule.h"
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Thread CPU time: on a shared machine, wall time adds whatever the other
 * processes took while this one was preempted. */
static double now_us(void)
{
    return bench_ms(CLOCK_THREAD_CPUTIME_ID) * 1e3;
}

/* Sorts v and prints median, 99th percentile and max. */
static void report(const char *what, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    printf("  %-34s median %7.1f us  p99 %7.1f us  max %7.1f us\n", what, v[n / 2],
           v[n * 99 / 100], v[n - 1]);
}

static feed *make_feed(int n, bool worst, int64_t T)
{
    feed *f = calloc(1, sizeof *f);
    f->items = calloc((size_t)n, sizeof *f->items);
    f->n_items = (size_t)n;
    srand(7);
    for (int i = 0; i < n; i++) {
        feed_item *it = &f->items[i];
        char id[32];
        snprintf(id, sizeof id, "item-%d", i);
        it->id = strdup(id);
        it->has_date_published = true;
        it->date_published = T - rand() % (40 * 86400);
        feed_signage *s = &it->signage;
        if (worst) {
            s->days = (uint8_t)(1u << (1 + i % 7));
            for (int k = 0; k < FEED_MAX_HOURS; k++)
                s->hours[k] = (feed_window){(int16_t)(k * 180 + i % 60),
                                            (int16_t)(k * 180 + 90 + i % 60)};
            s->n_hours = FEED_MAX_HOURS;
            continue;
        }
        switch (rand() % 6) {
        case 0:
            s->hours[0] =
                (feed_window){(int16_t)(rand() % 1440), (int16_t)(rand() % 1440)};
            s->n_hours = 1;
            break;
        case 1:
            s->days = (uint8_t)((rand() % 127 + 1) << 1);
            break;
        case 2:
            s->has_start = s->has_end = true;
            s->start = T + rand() % 86400 - 43200;
            s->end = T + rand() % 86400;
            break;
        case 3:
            s->has_priority = true;
            s->priority = FEED_PRIORITY_HIGH;
            break;
        case 4:
            s->has_order = true;
            s->order = rand() % 100;
            break;
        default:
            break;
        }
    }
    return f;
}

static void free_feed(feed *f)
{
    for (size_t i = 0; i < f->n_items; i++)
        free(f->items[i].id);
    free(f->items);
    free(f);
}

static void run(const char *name, bool worst)
{
    const int64_t T = 1795752000; /* 2026-11-27 12:00 Asia/Shanghai */
    tz *z = tz_create("Europe/Berlin");
    schedule_params p = {
        .zone = z, .high_ratio = 3, .max_age_days = 30, .screen_hours_set = true};
    for (int d = 0; d < 7; d++)
        p.screen_hours[d] = (feed_window){450, 1290};
    schedule *s = schedule_create(&p);
    feed *f = make_feed(FEED_MAX_ITEMS, worst, T);

    double t0 = now_us();
    schedule_set_feed(s, f);
    double set_us = now_us() - t0;

    enum { REPS = 2000 };
    static double t_next[REPS], t_change[REPS], t_cheap[REPS];
    int shown = 0;
    volatile int64_t sink = 0;
    for (int k = 0; k < REPS; k++) {
        int64_t now = T + (int64_t)k * 37; /* walks across 21 hours */
        double a = now_us();
        int i = schedule_next(s, now);
        double b = now_us();
        int64_t c = schedule_next_change(s, now);
        double d = now_us();
        sink += schedule_should_interrupt(s, now) + schedule_screen_on(s, now) +
                schedule_current_open(s, now);
        double e = now_us();
        shown += i >= 0;
        sink += c;
        t_next[k] = b - a;
        t_change[k] = d - b;
        t_cheap[k] = e - d;
    }
    printf("%s, %d items (%d of %d picks found an item); set_feed %.0f us\n", name,
           FEED_MAX_ITEMS, shown, REPS, set_us);
    report("schedule_next", t_next, REPS);
    report("schedule_next_change", t_change, REPS);
    report("interrupt+screen_on+current_open", t_cheap, REPS);
    (void)sink;
    schedule_destroy(s);
    free_feed(f);
    tz_destroy(z);
}

int main(void)
{
    run("mixed", false);
    run("worst (8 windows, one weekday each)", true);
    return 0;
}
