#define LOG_MODULE "schedule"
#include "schedule.h"

#include "log.h"
#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum { CLS_NORMAL, CLS_HIGH, CLS_URGENT, N_CLS };

#define ALL_DAYS 0xFE /* bits 1..7 */
#define NO_WALL INT_MAX

/* One item's rule, flattened from feed_signage at set_feed time. */
typedef struct {
    int64_t start, end; /* effective, max age included */
    bool never;
    bool wall_always; /* every day, all day */
    uint8_t quiet;    /* weekdays closed all day (bits 1..7) */
    uint8_t n_cand;
    int16_t cand[1 + 2 * FEED_MAX_HOURS]; /* window edges and 0, ascending */
    uint8_t days;                         /* bits 1..7 */
    uint8_t n_hours;
    feed_window hours[FEED_MAX_HOURS];
} rule;

typedef struct {
    bool has_order;
    int order;
    bool has_date;
    int64_t date;
} sort_key;

typedef struct {
    sort_key key;
    int idx;
} sort_entry;

/* Where the rotation stands in one class list. */
typedef struct {
    int pos;  /* list position of the last item shown, -1 = before the first */
    char *id; /* that item's id, to find it again in a new feed */
    sort_key key;
} cursor;

struct schedule {
    schedule_params p;
    const feed *f;
    int n;
    rule *rules;
    uint8_t *cls;
    uint8_t *open; /* scratch for schedule_next */
    int *pos_of;   /* item -> position in its class list */
    int *list[N_CLS];
    int count[N_CLS];
    cursor cur[N_CLS];
    int pass;            /* 0 .. high_ratio-1 */
    int normals_in_pass; /* normal items shown in this pass */
    bool in_high_group;  /* the pass is still showing its high items */
    bool last_urgent;    /* the last pick was urgent (alternate mode) */
    int current;
    char *current_id;
    int current_cls;
    bool current_alt; /* a rotation slide picked while urgent was open */
    /* The urgent items open when that rotation slide was picked: another
     * one (a new feed, a window that opens) interrupts it. */
    char *alt_urgent[SCHEDULE_ALT_URGENT_MAX];
    int n_alt_urgent;
    bool alt_many; /* more were open than the list holds: no such check */
};

/* Keeps every time inside tz's range, so INT64 edges never overflow and an
 * item without an end is open at any clamped time. */
static int64_t clamp_now(int64_t t)
{
    return t < TZ_MIN_UNIX ? TZ_MIN_UNIX : t > TZ_MAX_UNIX ? TZ_MAX_UNIX : t;
}

static bool day_ok(uint8_t days, int wd)
{
    return (days >> wd) & 1;
}

static int prev_day(int wd)
{
    return wd == 1 ? 7 : wd - 1;
}

static bool window_valid(feed_window w)
{
    return w.from >= 0 && w.from < 1440 && w.to >= 0 && w.to <= 1440;
}

/* Whether a rule's days/hours admit local weekday wd, minute m. */
static bool wall_open(const rule *r, int wd, int m)
{
    if (r->n_hours == 0)
        return day_ok(r->days, wd);
    for (int i = 0; i < r->n_hours; i++) {
        feed_window w = r->hours[i];
        if (w.from < w.to) {
            if (m >= w.from && m < w.to && day_ok(r->days, wd))
                return true;
        } else { /* crosses midnight: belongs to the day it starts */
            if (m >= w.from && day_ok(r->days, wd))
                return true;
            if (m < w.to && day_ok(r->days, prev_day(wd)))
                return true;
        }
    }
    return false;
}

static bool rule_open(const rule *r, int64_t t, const tz_time *lt)
{
    if (r->never || t < r->start || t >= r->end)
        return false;
    return r->wall_always || wall_open(r, lt->weekday, lt->minute_of_day);
}

static uint8_t rule_quiet(const rule *r);
static int sorted_candidates(int16_t *cand, const feed_window *w, int nw);

static bool is_scheduled(const feed_signage *sg)
{
    return sg->has_start || sg->has_end || (sg->days & ALL_DAYS) || sg->n_hours > 0;
}

static void rule_build(rule *r, const schedule *s, const feed_item *it)
{
    const feed_signage *sg = &it->signage;
    memset(r, 0, sizeof *r);
    r->never = (sg->has_enabled && !sg->enabled) || it->blocked; /* blocklist.h */
    r->start = sg->has_start ? sg->start : INT64_MIN;
    r->end = sg->has_end ? sg->end : INT64_MAX;
    r->days = (sg->days & ALL_DAYS) ? (sg->days & ALL_DAYS) : ALL_DAYS;
    int nh = sg->n_hours < 0                ? 0
             : sg->n_hours > FEED_MAX_HOURS ? FEED_MAX_HOURS
                                            : sg->n_hours;
    for (int i = 0; i < nh; i++) {
        if (window_valid(sg->hours[i]))
            r->hours[r->n_hours++] = sg->hours[i];
    }
    if (nh > 0 && r->n_hours == 0)
        r->never = true; /* every window was bad: the feed should have said */
    if (!is_scheduled(sg)) {
        if (s->f && s->f->expired)
            r->never = true;
        if (s->p.max_age_days > 0 && it->has_date_published &&
            it->date_published < TZ_MAX_UNIX && it->date_published > TZ_MIN_UNIX)
            r->end = it->date_published + (int64_t)s->p.max_age_days * 86400;
    }
    if (r->end <= r->start)
        r->never = true;
    r->wall_always = r->days == ALL_DAYS && r->n_hours == 0;
    r->quiet = rule_quiet(r);
    r->n_cand = (uint8_t)sorted_candidates(r->cand, r->hours, r->n_hours);
}

static int item_class(const feed_item *it)
{
    if (!it->signage.has_priority)
        return CLS_NORMAL;
    switch (it->signage.priority) {
    case FEED_PRIORITY_HIGH:
        return CLS_HIGH;
    case FEED_PRIORITY_URGENT:
        return CLS_URGENT;
    default:
        return CLS_NORMAL;
    }
}

static sort_key item_key(const feed_item *it)
{
    sort_key k = {it->signage.has_order, it->signage.order, it->has_date_published,
                  it->date_published};
    return k;
}

/* Rotation order: with order first (ascending), newest first, undated last. */
static int key_cmp(const sort_key *a, const sort_key *b)
{
    if (a->has_order != b->has_order)
        return a->has_order ? -1 : 1;
    if (a->has_order && a->order != b->order)
        return a->order < b->order ? -1 : 1;
    if (a->has_date != b->has_date)
        return a->has_date ? -1 : 1;
    if (a->has_date && a->date != b->date)
        return a->date > b->date ? -1 : 1;
    return 0;
}

static int entry_cmp(const void *pa, const void *pb)
{
    const sort_entry *a = pa, *b = pb;
    int c = key_cmp(&a->key, &b->key);
    if (c)
        return c;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

schedule *schedule_create(const schedule_params *p)
{
    if (!p || !p->zone) {
        LOG_ERR("schedule needs a time zone");
        return NULL;
    }
    schedule *s = xcalloc(1, sizeof *s);
    s->p = *p;
    if (s->p.high_ratio < 1)
        s->p.high_ratio = 1;
    if (s->p.high_ratio > SCHEDULE_MAX_HIGH_RATIO)
        s->p.high_ratio = SCHEDULE_MAX_HIGH_RATIO;
    if (s->p.max_age_days < 0)
        s->p.max_age_days = 0;
    if (s->p.max_age_days > SCHEDULE_MAX_AGE_DAYS)
        s->p.max_age_days = SCHEDULE_MAX_AGE_DAYS;
    for (int d = 0; d < 7; d++) {
        feed_window *w = &s->p.screen_hours[d];
        if (!window_valid(*w)) {
            LOG_WARN("screen hours for weekday %d out of range; on all day", d + 1);
            w->from = 0;
            w->to = 1440;
        }
    }
    for (int c = 0; c < N_CLS; c++)
        s->cur[c].pos = -1;
    s->in_high_group = true;
    s->current = -1;
    s->current_cls = CLS_NORMAL;
    return s;
}

static void free_feed_data(schedule *s)
{
    free(s->rules);
    free(s->cls);
    free(s->open);
    free(s->pos_of);
    for (int c = 0; c < N_CLS; c++) {
        free(s->list[c]);
        s->list[c] = NULL;
        s->count[c] = 0;
    }
    s->rules = NULL;
    s->cls = s->open = NULL;
    s->pos_of = NULL;
    s->n = 0;
}

static void forget_alt_urgent(schedule *s)
{
    for (int k = 0; k < s->n_alt_urgent; k++)
        free(s->alt_urgent[k]);
    s->n_alt_urgent = 0;
    s->alt_many = false;
}

void schedule_destroy(schedule *s)
{
    if (!s)
        return;
    free_feed_data(s);
    for (int c = 0; c < N_CLS; c++)
        free(s->cur[c].id);
    free(s->current_id);
    forget_alt_urgent(s);
    free(s);
}

static int find_id(const schedule *s, const char *id)
{
    if (!id)
        return -1;
    for (int i = 0; i < s->n; i++) {
        const char *x = s->f->items[i].id;
        if (x && strcmp(x, id) == 0)
            return i;
    }
    return -1;
}

/* Builds the sorted class lists of the new feed. */
static void build_lists(schedule *s)
{
    sort_entry *e = xcalloc((size_t)s->n, sizeof *e);
    for (int i = 0; i < s->n; i++) {
        e[i].key = item_key(&s->f->items[i]);
        e[i].idx = i;
    }
    qsort(e, (size_t)s->n, sizeof *e, entry_cmp);
    for (int c = 0; c < N_CLS; c++)
        s->list[c] = xcalloc((size_t)s->n, sizeof(int));
    for (int k = 0; k < s->n; k++) {
        int i = e[k].idx, c = s->cls[i];
        if (s->f->items[i].signage.ticker)
            continue; /* scrolls in the footer: never a slide */
        s->pos_of[i] = s->count[c];
        s->list[c][s->count[c]++] = i;
    }
    free(e);
}

/* Puts a class cursor where its last item is in the new feed, or where that
 * item would sort. */
static void remap_cursor(schedule *s, int c)
{
    cursor *cu = &s->cur[c];
    if (!cu->id) {
        cu->pos = -1;
        return;
    }
    int i = find_id(s, cu->id);
    if (i >= 0 && s->cls[i] == c) {
        cu->pos = s->pos_of[i];
        return;
    }
    /* Last position whose key sorts at or before the old key. */
    int lo = 0, hi = s->count[c];
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        sort_key k = item_key(&s->f->items[s->list[c][mid]]);
        if (key_cmp(&k, &cu->key) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    cu->pos = lo - 1;
}

void schedule_set_feed(schedule *s, const feed *f)
{
    free_feed_data(s);
    s->f = f;
    size_t n = f ? f->n_items : 0;
    if (n > FEED_MAX_ITEMS) {
        LOG_WARN("feed has %zu items; scheduling the first %d", n, FEED_MAX_ITEMS);
        n = FEED_MAX_ITEMS;
    }
    s->n = (int)n;
    s->rules = xcalloc(n, sizeof *s->rules);
    s->cls = xcalloc(n, 1);
    s->open = xcalloc(n, 1);
    s->pos_of = xcalloc(n, sizeof(int));
    for (int i = 0; i < s->n; i++) {
        rule_build(&s->rules[i], s, &f->items[i]);
        s->cls[i] = (uint8_t)item_class(&f->items[i]);
    }
    build_lists(s);
    for (int c = 0; c < N_CLS; c++)
        remap_cursor(s, c);
    s->current = find_id(s, s->current_id);
    if (s->current >= 0)
        s->current_cls = s->cls[s->current];
}

/* Next open item in class c after the cursor; wraps around if asked.
 * Moves the cursor onto it. Returns the item index or -1. */
static int step_list(schedule *s, int c, bool wrap)
{
    cursor *cu = &s->cur[c];
    int cnt = s->count[c];
    int start = cu->pos + 1 < 0 ? 0 : cu->pos + 1;
    int span = wrap ? cnt : cnt - start;
    for (int k = 0; k < span; k++) {
        int pos = (start + k) % (cnt ? cnt : 1);
        int i = s->list[c][pos];
        if (s->open[i]) {
            cu->pos = pos;
            free(cu->id);
            cu->id = xstrdup(s->f->items[i].id);
            cu->key = item_key(&s->f->items[i]);
            return i;
        }
    }
    return -1;
}

/* Normal items shown in pass k of r when n are open: spread evenly. */
static int pass_quota(int k, int n, int r)
{
    return (int)(((int64_t)(k + 1) * n) / r - ((int64_t)k * n) / r);
}

static int rotation_step(schedule *s, int n_normal)
{
    int r = s->p.high_ratio;
    for (int guard = 0; guard < 2 * r + 2; guard++) {
        if (s->in_high_group) {
            int i = step_list(s, CLS_HIGH, false);
            if (i >= 0)
                return i;
            s->in_high_group = false;
            s->normals_in_pass = 0;
        }
        if (s->normals_in_pass < pass_quota(s->pass, n_normal, r)) {
            int i = step_list(s, CLS_NORMAL, true);
            if (i >= 0) {
                s->normals_in_pass++;
                return i;
            }
        }
        s->pass = (s->pass + 1) % r;
        s->in_high_group = true;
        s->cur[CLS_HIGH].pos = -1;
    }
    return -1;
}

/* Called with s->open filled: notes the ids of the open urgent items. */
static void remember_alt_urgent(schedule *s)
{
    forget_alt_urgent(s);
    for (int k = 0; k < s->count[CLS_URGENT]; k++) {
        int i = s->list[CLS_URGENT][k];
        if (!s->open[i])
            continue;
        if (s->n_alt_urgent == SCHEDULE_ALT_URGENT_MAX) {
            s->alt_many = true;
            return;
        }
        s->alt_urgent[s->n_alt_urgent++] = xstrdup(s->f->items[i].id);
    }
}

/* An urgent item open now that was not open when the rotation slide on
 * screen was picked. */
static bool new_urgent_open(const schedule *s, const tz_time *lt, int64_t now)
{
    if (s->alt_many)
        return false;
    for (int k = 0; k < s->count[CLS_URGENT]; k++) {
        int i = s->list[CLS_URGENT][k];
        if (!rule_open(&s->rules[i], now, lt))
            continue;
        bool known = false;
        for (int a = 0; a < s->n_alt_urgent && !known; a++)
            known = strcmp(s->alt_urgent[a], s->f->items[i].id) == 0;
        if (!known)
            return true;
    }
    return false;
}

static void set_current(schedule *s, int i, bool alt)
{
    free(s->current_id);
    s->current_id = NULL;
    s->current = i;
    s->current_alt = alt;
    if (i >= 0) {
        s->current_id = xstrdup(s->f->items[i].id);
        s->current_cls = s->cls[i];
    }
}

int schedule_next(schedule *s, int64_t now)
{
    now = clamp_now(now);
    tz_time lt;
    tz_local(s->p.zone, now, &lt);
    int cnt[N_CLS] = {0};
    for (int i = 0; i < s->n; i++) {
        s->open[i] = rule_open(&s->rules[i], now, &lt);
        cnt[s->cls[i]] += s->open[i];
    }
    int pick;
    bool alt = false;
    if (cnt[CLS_URGENT] > 0 && !(s->p.urgent_alternate && s->last_urgent &&
                                 cnt[CLS_NORMAL] + cnt[CLS_HIGH] > 0)) {
        pick = step_list(s, CLS_URGENT, true);
        s->last_urgent = true;
    } else {
        alt = cnt[CLS_URGENT] > 0;
        pick = rotation_step(s, cnt[CLS_NORMAL]);
        s->last_urgent = false;
    }
    set_current(s, pick, alt);
    if (alt)
        remember_alt_urgent(s);
    else
        forget_alt_urgent(s);
    return pick;
}

int schedule_current(const schedule *s)
{
    return s->current;
}

bool schedule_item_open(const schedule *s, const feed_item *item, int64_t now)
{
    now = clamp_now(now);
    rule r;
    rule_build(&r, s, item);
    tz_time lt;
    tz_local(s->p.zone, now, &lt);
    return rule_open(&r, now, &lt);
}

bool schedule_current_open(const schedule *s, int64_t now)
{
    now = clamp_now(now);
    if (s->current < 0)
        return false;
    tz_time lt;
    tz_local(s->p.zone, now, &lt);
    return rule_open(&s->rules[s->current], now, &lt);
}

static bool class_open(const schedule *s, int c, const tz_time *lt, int64_t now)
{
    for (int k = 0; k < s->count[c]; k++) {
        if (rule_open(&s->rules[s->list[c][k]], now, lt))
            return true;
    }
    return false;
}

bool schedule_urgent_open(const schedule *s, int64_t now)
{
    now = clamp_now(now);
    if (s->count[CLS_URGENT] == 0)
        return false;
    tz_time lt;
    tz_local(s->p.zone, now, &lt);
    return class_open(s, CLS_URGENT, &lt, now);
}

bool schedule_should_interrupt(const schedule *s, int64_t now)
{
    now = clamp_now(now);
    if (s->n == 0)
        return false;
    tz_time lt;
    tz_local(s->p.zone, now, &lt);
    if (s->current < 0) {
        for (int c = 0; c < N_CLS; c++) {
            if (class_open(s, c, &lt, now))
                return true;
        }
        return false;
    }
    if (s->current_cls == CLS_URGENT)
        return !rule_open(&s->rules[s->current], now, &lt);
    if (s->current_alt)
        return new_urgent_open(s, &lt, now);
    return class_open(s, CLS_URGENT, &lt, now);
}

/* Whether the screen hours admit local weekday wd, minute m. */
static bool screen_wall(const schedule *s, int wd, int m)
{
    feed_window w = s->p.screen_hours[wd - 1];
    feed_window y = s->p.screen_hours[prev_day(wd) - 1];
    bool w_off = w.from == 0 && w.to == 0, y_off = y.from == 0 && y.to == 0;
    if (!w_off && m >= w.from && (w.from >= w.to || m < w.to))
        return true;
    return !y_off && y.to <= y.from && m < y.to;
}

bool schedule_screen_on(const schedule *s, int64_t now)
{
    now = clamp_now(now);
    if (!s->p.screen_hours_set)
        return true;
    tz_time lt;
    tz_local(s->p.zone, now, &lt);
    if (screen_wall(s, lt.weekday, lt.minute_of_day))
        return true;
    return s->count[CLS_URGENT] > 0 && class_open(s, CLS_URGENT, &lt, now);
}

typedef bool (*wall_fn)(const void *ctx, int wd, int m);

static bool rule_wall(const void *ctx, int wd, int m)
{
    return wall_open(ctx, wd, m);
}

static bool screen_wall_fn(const void *ctx, int wd, int m)
{
    return screen_wall(ctx, wd, m);
}

/* Minutes from today's local midnight to the first candidate minute after m
 * at which fn differs from its value now; NO_WALL if none before bound. The
 * state can only change at a candidate (cand: ascending, every window edge
 * and midnight). quiet: weekdays (bits 1..7) known to be closed all day,
 * skipped cheaply. */
static int wall_next(wall_fn fn, const void *ctx, uint8_t quiet, const int16_t *cand,
                     int nc, int wd, int m, int bound)
{
    bool state = fn(ctx, wd, m);
    for (int d = 0; d <= 7 && d * 1440 < bound; d++) {
        int wdd = (wd - 1 + d) % 7 + 1;
        if (day_ok(quiet, wdd)) {
            if (state && d > 0)
                return d * 1440;
            continue;
        }
        for (int k = 0; k < nc; k++) {
            if ((d > 0 || cand[k] > m) && fn(ctx, wdd, cand[k]) != state)
                return d * 1440 + cand[k];
        }
    }
    return NO_WALL;
}

/* 0 and the edges of the windows, ascending, without repeats (1440 is the
 * next day's 0). Returns the count, at most 1 + 2 * nw. */
static int sorted_candidates(int16_t *cand, const feed_window *w, int nw)
{
    int n = 0;
    cand[n++] = 0;
    for (int i = 0; i < 2 * nw; i++) {
        int16_t v = (int16_t)((i % 2 ? w[i / 2].to : w[i / 2].from) % 1440);
        int k = n;
        while (k > 0 && cand[k - 1] > v)
            k--;
        if (k > 0 && cand[k - 1] == v)
            continue;
        memmove(cand + k + 1, cand + k, (size_t)(n - k) * sizeof *cand);
        cand[k] = v;
        n++;
    }
    return n;
}

/* Weekdays on which a rule is closed all day: not one of its days, and no
 * window of the day before reaches past midnight. */
static uint8_t rule_quiet(const rule *r)
{
    bool crossing = false;
    for (int i = 0; i < r->n_hours; i++)
        crossing |= r->hours[i].to <= r->hours[i].from;
    uint8_t quiet = 0;
    for (int wd = 1; wd <= 7; wd++) {
        if (!day_ok(r->days, wd) && !(crossing && day_ok(r->days, prev_day(wd))))
            quiet |= (uint8_t)(1u << wd);
    }
    return quiet;
}

static int screen_next(const schedule *s, const tz_time *lt, int bound)
{
    int16_t cand[1 + 2 * 7];
    int n = sorted_candidates(cand, s->p.screen_hours, 7);
    return wall_next(screen_wall_fn, s, 0, cand, n, lt->weekday, lt->minute_of_day,
                     bound);
}

/* Unix time of wall minute wm counted from today's local midnight, after
 * now; INT64_MAX if that wall time is behind us (a repeated hour). */
static int64_t wall_to_unix(const schedule *s, const tz_time *lt, int wm, int64_t now)
{
    int64_t local = lt->days * 86400 + (int64_t)wm * 60;
    int64_t t = tz_make_local(s->p.zone, local, TZ_EARLIER);
    if (t <= now)
        t = tz_make_local(s->p.zone, local, TZ_LATER);
    return t > now ? t : INT64_MAX;
}

int64_t schedule_next_change(const schedule *s, int64_t now)
{
    if (now < TZ_MIN_UNIX)
        now = TZ_MIN_UNIX;
    if (now > TZ_MAX_UNIX)
        now = TZ_MAX_UNIX;
    int64_t best = now + SCHEDULE_LOOKAHEAD;
    tz_time lt;
    tz_local(s->p.zone, now, &lt);
    int wall = NO_WALL;
    if (s->p.screen_hours_set)
        wall = screen_next(s, &lt, wall); /* an early bound */
    for (int i = 0; i < s->n; i++) {
        const rule *r = &s->rules[i];
        if (r->never || now >= r->end)
            continue;
        if (now < r->start) {
            best = r->start < best ? r->start : best;
            continue;
        }
        best = r->end < best ? r->end : best;
        if (r->wall_always)
            continue;
        int w = wall_next(rule_wall, r, r->quiet, r->cand, r->n_cand, lt.weekday,
                          lt.minute_of_day, wall);
        wall = w < wall ? w : wall;
    }
    if (wall != NO_WALL) {
        int64_t t = wall_to_unix(s, &lt, wall, now);
        best = t < best ? t : best;
    }
    int64_t tr = tz_next_transition(s->p.zone, now);
    if (tr > now && tr < best)
        best = tr;
    return best > now ? best : now + 1;
}

int64_t schedule_sleep(int64_t until, int64_t now)
{
    if (until <= now)
        return 0;
    if ((uint64_t)until - (uint64_t)now > SCHEDULE_MAX_SLEEP)
        return SCHEDULE_MAX_SLEEP;
    return until - now;
}
