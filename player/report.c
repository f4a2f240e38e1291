/* The status file's glue: when to write it and what goes in it. See
 * report.h; status.c formats and writes. */
#define LOG_MODULE "report"
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkfeed.h"
#include "deck.h"
#include "fetch.h"
#include "log.h"
#include "status.h"
#include "util.h"

#define WRITE_GAP_MS 1000 /* at most one write a second */

typedef struct {
    status_item list[3][STATUS_MAX_LISTED]; /* by checkfeed_state */
    size_t count[3], listed[3];
} status_lists;

struct report {
    char path[1024]; /* "" none */
    bool due;
    uint64_t written;       /* monotonic ms of the last write */
    source_status last_src; /* what the last write said of the source */
    int64_t started;        /* wall time at start */
    status_lists lists;     /* items open, waiting, skipped (ids borrowed) */
    int64_t lists_until;    /* wall: made again from then (0: at once) */
};

report *report_create(const char *status_file, int64_t started)
{
    report *r = xcalloc(1, sizeof *r);
    r->started = started;
    report_configure(r, status_file);
    return r;
}

void report_destroy(report *r)
{
    free(r);
}

void report_configure(report *r, const char *status_file)
{
    if (status_file[0])
        snprintf(r->path, sizeof r->path, "%s", status_file);
    else if (!status_default_path(r->path, sizeof r->path))
        r->path[0] = '\0';
    if (r->path[0])
        LOG_INFO("status file %s", r->path);
    r->due = true;
    r->lists_until = 0;
}

void report_changed(report *r)
{
    r->due = true;
}

void report_new_feed(report *r)
{
    r->lists_until = 0;
}

/* The lists in the status file, made again only when the feed changed or
 * the schedule may have (item states run O(items)). */
static const status_lists *classify(report *r, const report_input *in)
{
    status_lists *l = &r->lists;
    int64_t now = in->now;
    if (now < r->lists_until)
        return l;
    memset(l, 0, sizeof *l);
    int64_t change = schedule_next_change(in->sched, now);
    r->lists_until = change < now + 3600 ? change : now + 3600;
    const feed *f = rotation_feed(in->rot);
    for (size_t i = 0; f && i < f->n_items; i++) {
        const char *why;
        checkfeed_state k = checkfeed_item_state(&in->sp, f, i, now, &why);
        l->count[k]++;
        if (l->listed[k] < STATUS_MAX_LISTED)
            l->list[k][l->listed[k]++] = (status_item){f->items[i].id, why};
    }
    return l;
}

/* When the next write is due at the latest: the page's end, the next poll. */
static int64_t expect(const report_input *in)
{
    rotation_view v = rotation_get(in->rot);
    const source_status *st = &in->src;
    int64_t due = 0;
    if (in->screen_on && v.item >= 0)
        due =
            in->now + (int64_t)((v.until > in->mono ? v.until - in->mono : 0) / 1000) + 1;
    if (fetch_is_remote_url(in->cfg->feed) && st->last_attempt > 0) {
        int64_t poll = st->last_attempt + in->cfg->backoff_max + in->cfg->total_timeout;
        due = due && due < poll ? due : poll;
    }
    return due;
}

static void fill_lists(status_info *si, const status_lists *l)
{
    si->n_shown = l->count[CHECKFEED_OPEN];
    si->n_waiting = l->count[CHECKFEED_WAITING];
    si->n_skipped = l->count[CHECKFEED_SKIPPED];
    si->shown = l->list[CHECKFEED_OPEN];
    si->waiting = l->list[CHECKFEED_WAITING];
    si->skipped = l->list[CHECKFEED_SKIPPED];
    si->listed_shown = l->listed[CHECKFEED_OPEN];
    si->listed_waiting = l->listed[CHECKFEED_WAITING];
    si->listed_skipped = l->listed[CHECKFEED_SKIPPED];
}

void report_write(report *r, const report_input *in)
{
    status_info si = {
        .pid = (long)getpid(),
        .now = in->now,
        .started = r->started,
        .expect_before = expect(in),
        .width = in->width,
        .height = in->height,
        .driver = in->driver,
        .renderer = in->renderer,
        .screen_on = in->screen_on,
        .feed = in->cfg->feed,
        .src = in->src,
        .cache_age = source_feed_age(&in->src, in->now),
    };
    fill_lists(&si, classify(r, in));
    rotation_view v = rotation_get(in->rot);
    if (v.item >= 0) {
        si.item_id = deck_feed(v.deck)->items[v.item].id;
        si.page = v.page + 1;
        si.pages = deck_layout(v.deck, (size_t)v.item)->n_pages;
    }
    char *text = status_format(&si);
    status_write(r->path, text);
    free(text);
    r->last_src = in->src;
    r->written = in->mono;
    r->due = false;
}

/* A fetch result changes the status (a local file's checks every few
 * seconds do not, unless their result changes). */
static bool source_news(const report *r, const char *feed_url, const source_status *st)
{
    const source_status *o = &r->last_src;
    bool remote = fetch_is_remote_url(feed_url);
    return st->result != o->result || st->http_status != o->http_status ||
           st->from_cache != o->from_cache || strcmp(st->message, o->message) != 0 ||
           (remote && st->last_attempt != o->last_attempt);
}

bool report_due(report *r, const char *feed_url, const source_status *src, uint64_t mono)
{
    if (!r->path[0])
        return false;
    r->due |= source_news(r, feed_url, src);
    return r->due && !(r->written && mono < r->written + WRITE_GAP_MS);
}

int64_t report_due_ms(const report *r, uint64_t mono)
{
    if (!r->due || !r->path[0])
        return -1;
    int64_t ms = (int64_t)(r->written + WRITE_GAP_MS) - (int64_t)mono;
    return ms > 0 ? ms : 0;
}
