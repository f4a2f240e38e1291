/* schedule: fixed clocks, feeds built as structs. Local times in
 * Asia/Shanghai are computed as UTC - 8 h with glibc's timegm, so the
 * expected instants do not come from the code under test. */
#define LOG_MODULE "test"
#include "log.h"
#include "params.h"
#include "schedule.h"
#include "test.h"
#include "tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY(d) (1u << (d))
#define HOUR 3600
#define MAXSEQ 4096

static int64_t utc(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {
        .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
    return (int64_t)timegm(&tm);
}

/* Shanghai wall time (UTC+8, no DST). 2026-11-27 is a Friday. */
static int64_t sh(int y, int mo, int d, int h, int mi)
{
    return utc(y, mo, d, h, mi) - 8 * HOUR;
}

static tz *zone_sh, *zone_be, *zone_ny;

/* ---- feed building ---- */

static feed *mkfeed(int n)
{
    feed *f = calloc(1, sizeof *f);
    f->items = calloc((size_t)(n ? n : 1), sizeof *f->items);
    f->n_items = (size_t)n;
    for (int i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "item-%d", i);
        f->items[i].id = strdup(id);
    }
    return f;
}

static void freefeed(feed *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_items; i++)
        free(f->items[i].id);
    free(f->items);
    free(f);
}

static void set_id(feed_item *it, const char *id)
{
    free(it->id);
    it->id = strdup(id);
}

static void win(feed_item *it, int from, int to)
{
    feed_signage *s = &it->signage;
    s->hours[s->n_hours].from = (int16_t)from;
    s->hours[s->n_hours].to = (int16_t)to;
    s->n_hours++;
}

static void span(feed_item *it, bool has_start, int64_t start, bool has_end, int64_t end)
{
    it->signage.has_start = has_start;
    it->signage.start = start;
    it->signage.has_end = has_end;
    it->signage.end = end;
}

static void prio(feed_item *it, feed_priority p)
{
    it->signage.has_priority = true;
    it->signage.priority = p;
}

static void order(feed_item *it, int o)
{
    it->signage.has_order = true;
    it->signage.order = o;
}

static void published(feed_item *it, int64_t t)
{
    it->has_date_published = true;
    it->date_published = t;
}

static schedule *mksched(tz *z, int ratio, bool alt, int max_age)
{
    schedule_params p = {
        .zone = z, .high_ratio = ratio, .urgent_alternate = alt, .max_age_days = max_age};
    return schedule_create(&p);
}

/* Index of the item with this id. */
static int idx(const feed *f, const char *id)
{
    for (size_t i = 0; i < f->n_items; i++) {
        if (strcmp(f->items[i].id, id) == 0)
            return (int)i;
    }
    return -1;
}

/* Puts an alternate-mode schedule back to "u1 next, then a" at T. */
static void s_reset_alternate(schedule *s, const feed *f, int64_t T)
{
    while (schedule_next(s, T) != idx(f, "a"))
        ;
}

/* Runs schedule_next n times at now and writes the ids, space-separated. */
static void seq(schedule *s, const feed *f, int64_t now, int n, char *out, size_t cap)
{
    out[0] = '\0';
    size_t len = 0;
    for (int k = 0; k < n; k++) {
        int i = schedule_next(s, now);
        len += (size_t)snprintf(out + len, cap - len, "%s%s", k ? " " : "",
                                i >= 0 ? f->items[i].id : "-");
        if (len >= cap)
            break;
    }
}

/* ---- start/end ---- */

static void test_bounds(void)
{
    const int64_t T = sh(2026, 11, 27, 12, 0);
    struct {
        bool has_start;
        int64_t start;
        bool has_end;
        int64_t end;
        int64_t at;
        bool open;
    } rows[] = {
        {true, T, false, 0, T - 1, false}, /* before start */
        {true, T, false, 0, T, true},      /* start is inclusive */
        {false, 0, true, T, T - 1, true},  /* last second before end */
        {false, 0, true, T, T, false},     /* end is exclusive */
        {true, T, true, T + 60, T + 30, true},  {true, T, true, T + 60, T + 60, false},
        {true, T, true, T, T, false},           /* empty span */
        {true, T + 60, true, T, T + 30, false}, /* end before start */
        {false, 0, false, 0, INT64_MIN, true},  {false, 0, false, 0, INT64_MAX, true},
    };
    feed *f = mkfeed(1);
    schedule *s = mksched(zone_sh, 2, false, 0);
    schedule_set_feed(s, f);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        span(&f->items[0], rows[i].has_start, rows[i].start, rows[i].has_end,
             rows[i].end);
        CHECKF(schedule_item_open(s, &f->items[0], rows[i].at) == rows[i].open, "row %zu",
               i);
    }
    schedule_destroy(s);
    freefeed(f);
}

/* ---- days and daily windows (Shanghai, no DST) ---- */

typedef struct {
    unsigned days;
    int n;
    int w[3][2];
    int d, h, mi; /* local time in November 2026: 26 Thu, 27 Fri, 28 Sat ... */
    bool open;
} wall_row;

static void test_wall(void)
{
    const wall_row rows[] = {
        /* Fri 22:00-02:00 belongs to Friday. */
        {DAY(5), 1, {{1320, 120}}, 27, 23, 0, true},
        {DAY(5), 1, {{1320, 120}}, 28, 1, 0, true}, /* Sat 01:00 */
        {DAY(5), 1, {{1320, 120}}, 28, 1, 59, true},
        {DAY(5), 1, {{1320, 120}}, 28, 2, 0, false},  /* end exclusive */
        {DAY(5), 1, {{1320, 120}}, 28, 23, 0, false}, /* Saturday's own evening */
        {DAY(5), 1, {{1320, 120}}, 27, 1, 0, false},  /* Thursday's night */
        {DAY(5), 1, {{1320, 120}}, 27, 21, 59, false},
        {DAY(5), 1, {{1320, 120}}, 27, 22, 0, true},         /* start inclusive */
        {DAY(4) | DAY(5), 1, {{1320, 120}}, 27, 1, 0, true}, /* Thu night now allowed */
        /* Days only. */
        {DAY(1) | DAY(3), 0, {{0}}, 30, 0, 0, true},   /* Mon */
        {DAY(1) | DAY(3), 0, {{0}}, 24, 12, 0, false}, /* Tue */
        {DAY(1) | DAY(3), 0, {{0}}, 25, 23, 59, true}, /* Wed */
        {DAY(1) | DAY(3), 0, {{0}}, 29, 12, 0, false}, /* Sun */
        {DAY(7), 0, {{0}}, 29, 0, 0, true},
        /* Two windows, every day. */
        {0, 2, {{540, 720}, {840, 1080}}, 27, 11, 59, true},
        {0, 2, {{540, 720}, {840, 1080}}, 27, 12, 0, false},
        {0, 2, {{540, 720}, {840, 1080}}, 27, 13, 0, false},
        {0, 2, {{540, 720}, {840, 1080}}, 28, 14, 0, true},
        {0, 2, {{540, 720}, {840, 1080}}, 28, 17, 59, true},
        {0, 2, {{540, 720}, {840, 1080}}, 28, 18, 0, false},
        {0, 2, {{540, 720}, {840, 1080}}, 28, 8, 59, false},
        /* 00:00-00:00 is all day; 23:00-23:00 is 24 hours from 23:00. */
        {DAY(5), 1, {{0, 0}}, 27, 0, 0, true},
        {DAY(5), 1, {{0, 0}}, 27, 23, 59, true},
        {DAY(5), 1, {{0, 0}}, 28, 0, 0, false},
        {DAY(5), 1, {{1380, 1380}}, 28, 22, 59, true},
        {DAY(5), 1, {{1380, 1380}}, 28, 23, 0, false},
        {DAY(5), 1, {{1380, 1380}}, 27, 22, 59, false},
        /* Until 24:00. */
        {0, 1, {{1080, 1440}}, 27, 23, 59, true},
        {0, 1, {{1080, 1440}}, 28, 0, 0, false},
        /* A bad window alone: never open. */
        {0, 1, {{2000, 100}}, 27, 12, 0, false},
        /* A bad window beside a good one: the good one counts. */
        {0, 2, {{-5, 100}, {600, 660}}, 27, 10, 30, true},
    };
    feed *f = mkfeed(1);
    schedule *s = mksched(zone_sh, 2, false, 0);
    schedule_set_feed(s, f);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        feed_item *it = &f->items[0];
        memset(&it->signage, 0, sizeof it->signage);
        it->signage.days = (uint8_t)rows[i].days;
        for (int k = 0; k < rows[i].n; k++)
            win(it, rows[i].w[k][0], rows[i].w[k][1]);
        int64_t t = sh(2026, 11, rows[i].d, rows[i].h, rows[i].mi);
        CHECKF(schedule_item_open(s, it, t) == rows[i].open, "row %zu", i);
    }
    schedule_destroy(s);
    freefeed(f);
}

/* ---- windows on daylight-saving days: real minutes open ---- */

typedef struct {
    tz **zone;
    int y, mo, d; /* the local day the window starts on (days = its weekday) */
    int from, to;
    int minutes;        /* real minutes open */
    int64_t first_open; /* UTC instant it opens, 0 = never */
} dst_row;

static void test_dst_windows(void)
{
    const dst_row rows[] = {
        /* Europe/Berlin spring forward, Sunday 2026-03-29 02:00 CET -> 03:00 CEST. */
        {&zone_be, 2026, 3, 29, 90, 180, 30, utc(2026, 3, 29, 0, 30)},
        {&zone_be, 2026, 3, 29, 135, 165, 0, 0}, /* inside the skipped hour */
        {&zone_be, 2026, 3, 29, 150, 240, 60, utc(2026, 3, 29, 1, 0)},
        {&zone_be, 2026, 3, 29, 1080, 1290, 210, utc(2026, 3, 29, 16, 0)},
        {&zone_be, 2026, 3, 28, 1080, 1290, 210, utc(2026, 3, 28, 17, 0)},
        {&zone_be, 2026, 3, 28, 1320, 240, 300, utc(2026, 3, 28, 21, 0)}, /* 22-04 */
        /* Fall back, Sunday 2026-10-25 03:00 CEST -> 02:00 CET. */
        {&zone_be, 2026, 10, 25, 90, 180, 150, utc(2026, 10, 24, 23, 30)},
        {&zone_be, 2026, 10, 25, 1320, 120, 240, utc(2026, 10, 25, 21, 0)},
        {&zone_be, 2026, 10, 24, 1320, 240, 420, utc(2026, 10, 24, 20, 0)},
        {&zone_be, 2026, 10, 25, 1080, 1290, 210, utc(2026, 10, 25, 17, 0)},
        /* America/New_York: 2026-03-08 and 2026-11-01. */
        {&zone_ny, 2026, 3, 8, 90, 180, 30, utc(2026, 3, 8, 6, 30)},
        {&zone_ny, 2026, 3, 8, 1080, 1290, 210, utc(2026, 3, 8, 22, 0)},
        /* 01:00-02:00 repeats: 01:30-02:00 twice, then 02:00-03:00 EST. */
        {&zone_ny, 2026, 11, 1, 90, 180, 120, utc(2026, 11, 1, 5, 30)},
        {&zone_ny, 2026, 11, 1, 1080, 1290, 210, utc(2026, 11, 1, 23, 0)},
        /* Asia/Shanghai: plain. */
        {&zone_sh, 2026, 11, 27, 1080, 1290, 210, utc(2026, 11, 27, 10, 0)},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const dst_row *r = &rows[i];
        feed *f = mkfeed(1);
        struct tm tm = {.tm_year = r->y - 1900, .tm_mon = r->mo - 1, .tm_mday = r->d};
        timegm(&tm);
        f->items[0].signage.days = (uint8_t)DAY(tm.tm_wday == 0 ? 7 : tm.tm_wday);
        win(&f->items[0], r->from, r->to);
        schedule *s = mksched(*r->zone, 2, false, 0);
        schedule_set_feed(s, f);
        int minutes = 0;
        int64_t first = 0;
        int64_t t0 = utc(r->y, r->mo, r->d, 0, 0) - 16 * HOUR;
        for (int64_t t = t0; t < t0 + 64 * HOUR; t += 60) {
            if (schedule_item_open(s, &f->items[0], t)) {
                minutes++;
                if (!first)
                    first = t;
            }
        }
        CHECKF(minutes == r->minutes && first == r->first_open,
               "row %zu: %d minutes from %lld, want %d from %lld", i, minutes,
               (long long)first, r->minutes, (long long)r->first_open);
        schedule_destroy(s);
        freefeed(f);
    }
}

/* ---- next_change: walk from change to change and check that nothing
 * changed in between (sampled every minute) ---- */

typedef struct {
    int n;
    bool screen;
    bool open[16];
} state;

static void snap(schedule *s, const feed *f, int64_t t, state *st)
{
    st->n = (int)f->n_items;
    st->screen = schedule_screen_on(s, t);
    for (int i = 0; i < st->n; i++)
        st->open[i] = schedule_item_open(s, &f->items[i], t);
}

static bool same(const state *a, const state *b)
{
    return a->screen == b->screen && memcmp(a->open, b->open, (size_t)a->n) == 0;
}

static feed *mixed_feed(int64_t base)
{
    feed *f = mkfeed(9);
    win(&f->items[0], 90, 180);   /* over the spring gap / autumn repeat */
    win(&f->items[1], 135, 165);  /* inside the skipped hour */
    win(&f->items[2], 1320, 120); /* 22-02, Saturdays only */
    f->items[2].signage.days = DAY(6);
    win(&f->items[3], 1080, 1290); /* 18:00-21:30 */
    win(&f->items[3], 420, 450);
    span(&f->items[4], true, base + 37 * HOUR + 17, true, base + 50 * HOUR + 5);
    prio(&f->items[5], FEED_PRIORITY_URGENT);
    span(&f->items[5], true, base + 60 * HOUR, true, base + 61 * HOUR + 30);
    f->items[6].signage.days = DAY(1) | DAY(7);
    published(&f->items[7], base - 3 * 86400 + 1234); /* max age 5 days */
    win(&f->items[8], 150, 240);                      /* starts in the skipped hour */
    return f;
}

static void walk(tz *z, int64_t from, int64_t to, const char *what)
{
    feed *f = mixed_feed(from);
    schedule_params p = {
        .zone = z, .high_ratio = 2, .max_age_days = 5, .screen_hours_set = true};
    for (int d = 0; d < 5; d++)
        p.screen_hours[d] = (feed_window){450, 1290}; /* Mon-Fri 07:30-21:30 */
    p.screen_hours[5] = (feed_window){600, 120};      /* Sat 10:00-02:00 */
    p.screen_hours[6] = (feed_window){0, 0};          /* Sun off */
    schedule *s = schedule_create(&p);
    schedule_set_feed(s, f);
    int steps = 0, missed = 0, idle = 0;
    for (int64_t t = from; t < to; steps++) {
        int64_t next = schedule_next_change(s, t);
        if (next <= t || next > t + SCHEDULE_LOOKAHEAD) {
            CHECKF(false, "%s: next_change(%lld) = %lld", what, (long long)t,
                   (long long)next);
            break;
        }
        state a, b;
        snap(s, f, t, &a);
        for (int64_t u = t + 60 - (t % 60); u < next; u += 60) {
            snap(s, f, u, &b);
            if (!same(&a, &b)) {
                missed++;
                fprintf(stderr, "%s: change at %lld not reported (next %lld)\n", what,
                        (long long)u, (long long)next);
                break;
            }
        }
        snap(s, f, next - 1, &b);
        missed += !same(&a, &b);
        snap(s, f, next, &b);
        idle += same(&a, &b); /* woke up for nothing */
        t = next;
    }
    printf("walk %s: %d steps, %d idle\n", what, steps, idle);
    CHECKF(missed == 0, "%s: %d changes missed", what, missed);
    /* Wake-ups with no change: at most the offset transition and the days
     * whose only change was a screen or window edge masked by another. */
    CHECKF(idle <= 2, "%s: %d idle wake-ups of %d", what, idle, steps);
    CHECKF(steps > 20, "%s: only %d steps", what, steps);
    schedule_destroy(s);
    freefeed(f);
}

static void test_next_change(void)
{
    walk(zone_be, utc(2026, 3, 27, 0, 0) + 13, utc(2026, 3, 31, 0, 0), "berlin spring");
    walk(zone_be, utc(2026, 10, 23, 0, 0) + 7, utc(2026, 10, 27, 0, 0), "berlin autumn");
    walk(zone_ny, utc(2026, 3, 6, 0, 0), utc(2026, 3, 10, 0, 0), "new york spring");
    walk(zone_ny, utc(2026, 10, 30, 0, 0), utc(2026, 11, 3, 0, 0), "new york autumn");
    walk(zone_sh, sh(2026, 11, 26, 0, 0), sh(2026, 11, 30, 0, 0), "shanghai");

    /* Exact instants. Berlin 18:00-21:30 on spring-forward day. */
    feed *f = mkfeed(1);
    win(&f->items[0], 1080, 1290);
    schedule *s = mksched(zone_be, 2, false, 0);
    schedule_set_feed(s, f);
    CHECK(schedule_next_change(s, utc(2026, 3, 29, 10, 0)) == utc(2026, 3, 29, 16, 0));
    CHECK(schedule_next_change(s, utc(2026, 3, 29, 16, 0)) == utc(2026, 3, 29, 19, 30));
    CHECK(schedule_next_change(s, utc(2026, 3, 28, 18, 0)) == utc(2026, 3, 28, 20, 30));
    /* Nothing changes: the look-ahead caps it. */
    memset(&f->items[0].signage, 0, sizeof f->items[0].signage);
    schedule_set_feed(s, f);
    int64_t t = utc(2026, 6, 1, 0, 0);
    CHECK(schedule_next_change(s, t) == t + SCHEDULE_LOOKAHEAD);
    CHECK(schedule_sleep(schedule_next_change(s, t), t) == SCHEDULE_MAX_SLEEP);
    CHECK(schedule_sleep(t + 5, t) == 5);
    CHECK(schedule_sleep(t - 5, t) == 0);
    CHECK(schedule_sleep(INT64_MAX, INT64_MIN) == SCHEDULE_MAX_SLEEP);
    CHECK(schedule_next_change(s, INT64_MAX) > TZ_MAX_UNIX);
    schedule_destroy(s);
    freefeed(f);
}

/* ---- rotation order ---- */

static void test_order(void)
{
    feed *f = mkfeed(6);
    const char *ids[] = {"a", "b", "c", "d", "e", "f"};
    for (int i = 0; i < 6; i++)
        set_id(&f->items[i], ids[i]);
    order(&f->items[0], 2);
    order(&f->items[1], 1);
    published(&f->items[2], 100);
    published(&f->items[3], 300);
    /* e: no order, no date */
    published(&f->items[5], 300);
    schedule *s = mksched(zone_sh, 1, false, 0);
    schedule_set_feed(s, f);
    char out[256];
    seq(s, f, 1000, 8, out, sizeof out);
    CHECKF(strcmp(out, "b a d f c e b a") == 0, "%s", out);
    schedule_destroy(s);
    freefeed(f);
}

/* ---- high ratio over long runs ---- */

static void test_high_ratio(void)
{
    const struct {
        int normal, high, ratio, rounds;
    } rows[] = {
        {10, 2, 3, 10}, {5, 1, 2, 20},   {7, 3, 1, 10}, {3, 1, 5, 10},
        {0, 2, 3, 10},  {1000, 1, 4, 3}, {9, 1, 10, 4}, {6, 2, 2, 50},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        int n = rows[r].normal + rows[r].high, ratio = rows[r].ratio;
        feed *f = mkfeed(n);
        for (int i = 0; i < rows[r].high; i++)
            prio(&f->items[(i * 7) % n == 0 ? i : i], FEED_PRIORITY_HIGH);
        schedule *s = mksched(zone_sh, ratio, false, 0);
        schedule_set_feed(s, f);
        int per_round = rows[r].normal + rows[r].high * ratio;
        int total = per_round * rows[r].rounds;
        int *count = calloc((size_t)n, sizeof(int));
        int *last = malloc((size_t)n * sizeof(int));
        for (int i = 0; i < n; i++)
            last[i] = -1;
        int back_to_back = 0, max_gap = 0, prev = -1;
        for (int k = 0; k < total; k++) {
            int i = schedule_next(s, 5000);
            if (i < 0 || i >= n)
                break;
            count[i]++;
            back_to_back += i == prev;
            if (f->items[i].signage.has_priority && last[i] >= 0 && k - last[i] > max_gap)
                max_gap = k - last[i];
            last[i] = k;
            prev = i;
        }
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            int want = rows[r].rounds * (f->items[i].signage.has_priority ? ratio : 1);
            wrong += count[i] != want;
        }
        CHECKF(wrong == 0, "row %zu: %d items shown the wrong number of times", r, wrong);
        if (rows[r].normal >= ratio)
            CHECKF(back_to_back == 0, "row %zu: %d back to back", r, back_to_back);
        /* Evenly spread: a high item's gap is at most one pass. */
        int pass = (rows[r].normal + ratio - 1) / ratio + rows[r].high;
        CHECKF(max_gap <= pass, "row %zu: gap %d > %d", r, max_gap, pass);
        free(count);
        free(last);
        schedule_destroy(s);
        freefeed(f);
    }
}

/* ---- urgent ---- */

static void test_urgent(void)
{
    const int64_t T = sh(2026, 11, 27, 12, 0);
    feed *f = mkfeed(5);
    const char *ids[] = {"a", "b", "c", "u1", "u2"};
    for (int i = 0; i < 5; i++) {
        set_id(&f->items[i], ids[i]);
        order(&f->items[i], i);
    }
    prio(&f->items[3], FEED_PRIORITY_URGENT);
    span(&f->items[3], true, T + 100, true, T + 400);
    prio(&f->items[4], FEED_PRIORITY_URGENT);
    span(&f->items[4], true, T + 200, true, T + 300);
    schedule *s = mksched(zone_sh, 2, false, 0);
    schedule_set_feed(s, f);
    CHECK(schedule_current(s) == -1);
    CHECK(schedule_should_interrupt(s, T)); /* nothing shown, a is open */
    CHECK(schedule_next(s, T) == idx(f, "a"));
    CHECK(!schedule_urgent_open(s, T + 99));
    CHECK(!schedule_should_interrupt(s, T + 99));
    CHECK(schedule_urgent_open(s, T + 100));
    CHECK(schedule_should_interrupt(s, T + 100));
    char out[256];
    seq(s, f, T + 100, 3, out, sizeof out);
    CHECKF(strcmp(out, "u1 u1 u1") == 0, "%s", out); /* holds */
    CHECK(!schedule_should_interrupt(s, T + 150));
    seq(s, f, T + 200, 4, out, sizeof out);
    CHECKF(strcmp(out, "u2 u1 u2 u1") == 0, "%s", out); /* two rotate */
    CHECK(schedule_current_open(s, T + 350));
    /* u1 ends at T+400: cut short, the rotation resumes after a. */
    CHECK(!schedule_should_interrupt(s, T + 399));
    CHECK(schedule_should_interrupt(s, T + 400));
    CHECK(!schedule_current_open(s, T + 400));
    CHECK(!schedule_urgent_open(s, T + 400));
    seq(s, f, T + 400, 3, out, sizeof out);
    CHECKF(strcmp(out, "b c a") == 0, "%s", out);

    /* An urgent item that leaves the feed. */
    span(&f->items[3], true, T, true, T + 10000);
    schedule_set_feed(s, f);
    CHECK(schedule_should_interrupt(s, T + 500));
    CHECK(schedule_next(s, T + 500) == idx(f, "u1"));
    feed *g = mkfeed(2);
    set_id(&g->items[0], "a");
    set_id(&g->items[1], "c");
    schedule_set_feed(s, g);
    CHECK(schedule_current(s) == -1);
    CHECK(schedule_should_interrupt(s, T + 501));
    int i = schedule_next(s, T + 501);
    CHECK(i >= 0 && strcmp(g->items[i].id, "u1") != 0);
    schedule_destroy(s);
    freefeed(g);

    /* Alternate mode: urgent, rotation, urgent, rotation ... */
    s = mksched(zone_sh, 2, true, 0);
    schedule_set_feed(s, f);
    CHECK(schedule_next(s, T) == idx(f, "u1"));
    CHECK(schedule_next(s, T) == idx(f, "a"));
    CHECK(!schedule_should_interrupt(s, T + 1)); /* an alternate slot stays */
    /* ... unless another urgent item opens during it: u2 opens at T+200. */
    CHECK(!schedule_should_interrupt(s, T + 199));
    CHECK(schedule_should_interrupt(s, T + 200));
    /* or arrives in a new feed while u1 alone is open. */
    CHECK(schedule_next(s, T + 150) == idx(f, "u1"));
    CHECK(schedule_next(s, T + 150) == idx(f, "b"));
    feed *h = mkfeed(6);
    const char *hids[] = {"a", "b", "c", "u1", "u2", "u3"};
    for (int k = 0; k < 6; k++) {
        set_id(&h->items[k], hids[k]);
        order(&h->items[k], k);
        h->items[k].signage = f->items[k < 5 ? k : 3].signage;
    }
    order(&h->items[5], 5);
    schedule_set_feed(s, h);
    CHECK(schedule_current(s) == idx(h, "b"));
    CHECK(schedule_should_interrupt(s, T + 151)); /* u3 is new and open */
    CHECK(schedule_next(s, T + 151) >= 0);
    schedule_set_feed(s, f);
    freefeed(h);
    s_reset_alternate(s, f, T);
    seq(s, f, T, 6, out, sizeof out);
    CHECKF(strcmp(out, "u1 b u1 c u1 a") == 0, "%s", out);
    seq(s, f, T + 250, 6, out, sizeof out); /* u2 joins the urgent turn */
    CHECKF(strcmp(out, "u2 b u1 c u2 a") == 0, "%s", out);
    /* Only urgent items open: urgent back to back. */
    for (int k = 0; k < 3; k++)
        span(&f->items[k], true, T + 100000, false, 0);
    schedule_set_feed(s, f);
    seq(s, f, T, 3, out, sizeof out);
    CHECKF(strcmp(out, "u1 u1 u1") == 0, "%s", out);
    schedule_destroy(s);
    freefeed(f);
}

/* ---- screen hours ---- */

static void test_screen(void)
{
    schedule_params p = {.zone = zone_sh, .high_ratio = 2, .screen_hours_set = true};
    for (int d = 0; d < 5; d++)
        p.screen_hours[d] = (feed_window){450, 1290}; /* Mon-Fri 07:30-21:30 */
    p.screen_hours[5] = (feed_window){600, 120};      /* Sat 10:00-02:00 */
    p.screen_hours[6] = (feed_window){0, 0};          /* Sun off */
    schedule *s = schedule_create(&p);
    feed *f = mkfeed(2);
    prio(&f->items[1], FEED_PRIORITY_URGENT);
    const int64_t U = sh(2026, 11, 29, 15, 0); /* Sunday */
    span(&f->items[1], true, U, true, U + HOUR);
    schedule_set_feed(s, f);
    const struct {
        int d, h, mi;
        bool on;
    } rows[] = {
        {27, 7, 29, false}, {27, 7, 30, true},  {27, 21, 29, true}, {27, 21, 30, false},
        {28, 9, 59, false}, {28, 10, 0, true},  {28, 23, 59, true}, {29, 1, 59, true},
        {29, 2, 0, false},  {29, 12, 0, false}, {29, 15, 0, true},  {29, 15, 59, true},
        {29, 16, 0, false}, {30, 0, 30, false}, {30, 8, 0, true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t t = sh(2026, 11, rows[i].d, rows[i].h, rows[i].mi);
        CHECKF(schedule_screen_on(s, t) == rows[i].on, "row %zu", i);
    }
    /* The next change names the screen edges and the urgent wake-up. */
    CHECK(schedule_next_change(s, sh(2026, 11, 27, 21, 0)) == sh(2026, 11, 27, 21, 30));
    CHECK(schedule_next_change(s, sh(2026, 11, 29, 2, 0)) == U);
    CHECK(schedule_next_change(s, U) == U + HOUR);
    CHECK(schedule_next_change(s, U + HOUR) == sh(2026, 11, 30, 7, 30));
    schedule_destroy(s);

    /* Not set: always on. */
    p.screen_hours_set = false;
    s = schedule_create(&p);
    CHECK(schedule_screen_on(s, sh(2026, 11, 29, 12, 0)));
    schedule_destroy(s);
    freefeed(f);
}

/* ---- a new feed keeps the place ---- */

static void test_keep_place(void)
{
    feed *f = mkfeed(5);
    const char *ids[] = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < 5; i++) {
        set_id(&f->items[i], ids[i]);
        published(&f->items[i], 1000 - i); /* a newest */
    }
    schedule *s = mksched(zone_sh, 2, false, 0);
    schedule_set_feed(s, f);
    char out[256];
    seq(s, f, 5000, 2, out, sizeof out);
    CHECKF(strcmp(out, "a b") == 0, "%s", out);

    /* b still there, at another index, with x inserted before it. */
    feed *g = mkfeed(5);
    const char *gids[] = {"x", "e", "d", "b", "c"};
    const int64_t gdates[] = {1001, 996, 997, 999, 998};
    for (int i = 0; i < 5; i++) {
        set_id(&g->items[i], gids[i]);
        published(&g->items[i], gdates[i]);
    }
    schedule_set_feed(s, g);
    CHECK(schedule_current(s) == 3);
    seq(s, g, 5000, 4, out, sizeof out);
    CHECKF(strcmp(out, "c d e x") == 0, "%s", out);

    /* The current item (x) gone: continue where it would sort. */
    schedule_set_feed(s, f);
    CHECK(schedule_current(s) == -1);
    seq(s, f, 5000, 2, out, sizeof out);
    CHECKF(strcmp(out, "a b") == 0, "%s", out);
    schedule_set_feed(s, g); /* b is current again */
    schedule_next(s, 5000);  /* c */
    schedule_set_feed(s, f);
    seq(s, f, 5000, 2, out, sizeof out);
    CHECKF(strcmp(out, "d e") == 0, "%s", out);
    /* No feed. */
    schedule_set_feed(s, NULL);
    CHECK(schedule_next(s, 5000) == -1);
    CHECK(!schedule_should_interrupt(s, 5000));
    CHECK(schedule_next_change(s, 5000) > 5000);
    schedule_destroy(s);
    freefeed(f);
    freefeed(g);
}

/* ---- a wall clock that jumps ---- */

static void test_clock_jump(void)
{
    const int64_t T = sh(2026, 11, 27, 12, 0);
    feed *f = mkfeed(5);
    const char *ids[] = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < 5; i++) {
        set_id(&f->items[i], ids[i]);
        order(&f->items[i], i);
    }
    span(&f->items[1], false, 0, true, T + 86400); /* b ends tomorrow */
    span(&f->items[2], true, T - HOUR, false, 0);  /* c started an hour ago */
    win(&f->items[3], 600, 840);                   /* d 10:00-14:00 daily */
    schedule *s = mksched(zone_sh, 2, false, 0);
    schedule_set_feed(s, f);
    char out[256];
    seq(s, f, T, 5, out, sizeof out);
    CHECKF(strcmp(out, "a b c d e") == 0, "%s", out);
    /* +1 year (same wall hour): b has ended; the rotation keeps going. */
    int64_t Y = T + 365 * 86400;
    seq(s, f, Y, 8, out, sizeof out);
    CHECKF(strcmp(out, "a c d e a c d e") == 0, "%s", out);
    int64_t next = schedule_next_change(s, Y);
    CHECK(next > Y && schedule_sleep(next, Y) <= SCHEDULE_MAX_SLEEP);
    /* Back a year and one day: c has not started yet, b is back. */
    int64_t D = T - 86400;
    seq(s, f, D, 8, out, sizeof out);
    CHECKF(strcmp(out, "a b d e a b d e") == 0, "%s", out);
    next = schedule_next_change(s, D);
    CHECK(next == sh(2026, 11, 26, 14, 0)); /* d closes at 14:00 */
    schedule_destroy(s);
    freefeed(f);
}

/* ---- max age, expired feeds, disabled items ---- */

static void test_age_and_disabled(void)
{
    const int64_t T = sh(2026, 11, 27, 12, 0);
    feed *f = mkfeed(6);
    published(&f->items[0], T - 8 * 86400);  /* too old */
    published(&f->items[1], T - 6 * 86400);  /* fine until T + 86400 */
    published(&f->items[2], T - 30 * 86400); /* old but scheduled */
    f->items[2].signage.days = DAY(5);
    /* 3: no date: no age */
    f->items[4].signage.has_enabled = true; /* disabled */
    f->items[4].signage.enabled = false;
    f->items[5].signage.has_enabled = true; /* enabled explicitly */
    f->items[5].signage.enabled = true;
    schedule *s = mksched(zone_sh, 2, false, 7);
    schedule_set_feed(s, f);
    const bool want[] = {false, true, true, true, false, true};
    for (int i = 0; i < 6; i++)
        CHECKF(schedule_item_open(s, &f->items[i], T) == want[i], "item %d", i);
    CHECK(!schedule_item_open(s, &f->items[1], T + 86400));
    CHECK(schedule_item_open(s, &f->items[1], T + 86399));
    CHECK(schedule_next_change(s, T) == T + 86400 - 12 * HOUR); /* Fri ends at 0:00 */
    CHECK(schedule_next_change(s, T + 12 * HOUR) == T + 86400); /* item 1 ages out */
    int shown[6] = {0};
    for (int k = 0; k < 40; k++) {
        int i = schedule_next(s, T);
        if (i >= 0 && i < 6)
            shown[i]++;
    }
    CHECK(shown[0] == 0 && shown[4] == 0 && shown[1] == 10 && shown[5] == 10);
    schedule_destroy(s);

    /* An expired feed hides its unscheduled items only. */
    f->expired = true;
    s = mksched(zone_sh, 2, false, 0);
    schedule_set_feed(s, f);
    CHECK(!schedule_item_open(s, &f->items[3], T));
    CHECK(schedule_item_open(s, &f->items[2], T));
    CHECK(schedule_next(s, T) == 2);
    CHECK(schedule_next(s, T) == 2);
    schedule_destroy(s);
    freefeed(f);

    /* Everything disabled: nothing to show, nothing to interrupt. */
    f = mkfeed(3);
    for (int i = 0; i < 3; i++)
        f->items[i].signage.has_enabled = true;
    s = mksched(zone_sh, 2, false, 0);
    schedule_set_feed(s, f);
    CHECK(schedule_next(s, T) == -1);
    CHECK(!schedule_should_interrupt(s, T));
    CHECK(schedule_current(s) == -1);
    schedule_destroy(s);
    freefeed(f);
}

/* ---- the example feed in the README section, through feed_parse ---- */

static void test_readme_example(void)
{
    char *doc = test_read_file(TEST_DATA_DIR "/schedule/README-section.md", NULL);
    CHECK(doc != NULL);
    if (!doc)
        return;
    char *json = strstr(doc, "```json\n");
    char *stop = json ? strstr(json + 8, "```") : NULL;
    CHECK(json && stop);
    if (!json || !stop) {
        free(doc);
        return;
    }
    json += 8;
    feed *f = feed_parse(json, (size_t)(stop - json), "README-section.md");
    CHECK(f && f->n_items == 3);
    if (!f || f->n_items != 3) {
        feed_destroy(f);
        free(doc);
        return;
    }
    int yoga = (int)feed_find(f, "yoga-2026-12"),
        typhoon = (int)feed_find(f, "typhoon-warning");
    int old = (int)feed_find(f, "old-notice");
    CHECK(yoga >= 0 && typhoon >= 0 && old >= 0);
    CHECK(f->items[yoga].signage.duration == 20 && f->items[old].signage.duration == 15);
    schedule *s = mksched(zone_sh, 2, false, 0);
    schedule_set_feed(s, f);
    const struct {
        int item, mo, d, h, mi;
        bool open;
    } rows[] = {
        {yoga, 12, 4, 23, 0, true}, /* Friday night */
        {yoga, 12, 5, 1, 59, true}, /* Saturday 01:59 belongs to Friday */
        {yoga, 12, 5, 2, 0, false},     {yoga, 12, 4, 1, 0, false}, /* Thursday's night */
        {yoga, 11, 27, 23, 0, false}, /* a Friday before start */
        {typhoon, 11, 27, 12, 0, true}, {typhoon, 11, 28, 5, 59, true},
        {typhoon, 11, 28, 6, 0, false}, {old, 11, 27, 12, 0, false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t t = sh(2026, rows[i].mo, rows[i].d, rows[i].h, rows[i].mi);
        CHECKF(schedule_item_open(s, &f->items[rows[i].item], t) == rows[i].open,
               "row %zu", i);
    }
    CHECK(schedule_urgent_open(s, sh(2026, 11, 27, 12, 0)));
    CHECK(schedule_next(s, sh(2026, 11, 27, 12, 0)) == typhoon);
    CHECK(schedule_next(s, sh(2026, 12, 4, 23, 0)) == yoga);
    CHECK(schedule_next(s, sh(2026, 12, 4, 12, 0)) == -1);
    schedule_destroy(s);
    feed_destroy(f);
    free(doc);
}

/* ---- 10,000 items ---- */

static void test_many(void)
{
    const int n = FEED_MAX_ITEMS;
    const int64_t T = sh(2026, 11, 27, 12, 0);
    feed *f = mkfeed(n);
    srand(42);
    for (int i = 0; i < n; i++) {
        feed_item *it = &f->items[i];
        published(it, T - rand() % (40 * 86400));
        switch (rand() % 6) {
        case 0:
            win(it, rand() % 1440, rand() % 1440);
            break;
        case 1:
            it->signage.days = (uint8_t)((rand() % 127 + 1) << 1);
            break;
        case 2:
            span(it, true, T + rand() % 86400 - 43200, true, T + rand() % 86400);
            break;
        case 3:
            prio(it, FEED_PRIORITY_HIGH);
            break;
        case 4:
            order(it, rand() % 100);
            break;
        default:
            break;
        }
    }
    schedule *s = mksched(zone_sh, 3, false, 30);
    schedule_set_feed(s, f);
    int open = 0;
    for (int i = 0; i < n; i++)
        open += schedule_item_open(s, &f->items[i], T);
    CHECKF(open > n / 3 && open < n, "%d of %d open", open, n);
    /* Over one round every open item comes, each pick open. */
    unsigned char *seen = calloc((size_t)n, 1);
    int closed = 0, distinct = 0;
    for (int k = 0; k < open * 3; k++) {
        int i = schedule_next(s, T);
        if (i < 0 || !schedule_item_open(s, &f->items[i], T)) {
            closed++;
            continue;
        }
        distinct += !seen[i];
        seen[i] = 1;
    }
    CHECK(closed == 0);
    CHECKF(distinct == open, "%d distinct of %d open", distinct, open);
    int64_t next = schedule_next_change(s, T);
    CHECK(next > T && next <= T + SCHEDULE_LOOKAHEAD);
    free(seen);
    schedule_destroy(s);
    freefeed(f);
}

/* The config's [hours] and [schedule] reach the schedule as written. */
static void test_params_from_config(void)
{
    config cfg;
    char err[256] = "";
    const char *ini = "[schedule]\nhigh_ratio = 3\nurgent_alternate = true\n"
                      "[hours]\nmon = 08:00-20:00\n";
    config_defaults(&cfg);
    CHECKF(config_parse(&cfg, ini, strlen(ini), "t.ini", err, sizeof err), "%s", err);
    schedule_params p = params_schedule(&cfg, zone_sh);
    CHECK(p.zone == zone_sh && p.high_ratio == 3 && p.urgent_alternate);
    CHECK(p.screen_hours_set && p.screen_hours[0].from == 480 &&
          p.screen_hours[0].to == 1200);
    schedule *s = schedule_create(&p);
    /* 2026-11-30 is a Monday: on at 09:00 and off at 21:00 Shanghai time. */
    CHECK(schedule_screen_on(s, utc(2026, 11, 30, 1, 0)));
    CHECK(!schedule_screen_on(s, utc(2026, 11, 30, 13, 0)));
    CHECK(!schedule_screen_on(s, utc(2026, 12, 1, 1, 0))); /* Tuesday: left out, off */
    schedule_destroy(s);
}

int main(void)
{
    zone_sh = tz_create("Asia/Shanghai");
    zone_be = tz_create("Europe/Berlin");
    zone_ny = tz_create("America/New_York");
    if (!zone_sh || !zone_be || !zone_ny) {
        fprintf(stderr, "test_schedule: ICU lacks the test zones\n");
        return 1;
    }
    RUN(test_params_from_config);
    CHECK(mksched(NULL, 1, false, 0) == NULL);
    schedule_destroy(NULL);
    RUN(test_bounds);
    RUN(test_wall);
    RUN(test_dst_windows);
    RUN(test_next_change);
    RUN(test_order);
    RUN(test_high_ratio);
    RUN(test_urgent);
    RUN(test_screen);
    RUN(test_keep_place);
    RUN(test_clock_jump);
    RUN(test_age_and_disabled);
    RUN(test_readme_example);
    RUN(test_many);
    tz_destroy(zone_sh);
    tz_destroy(zone_be);
    tz_destroy(zone_ny);
    return test_done("schedule");
}
