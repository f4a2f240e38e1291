/* The metrics file's glue: counts, gathers, writes. See metricsfile.h;
 * metrics.c formats. */
#define LOG_MODULE "metrics"
#include "metricsfile.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkfeed.h"
#include "log.h"
#include "metrics.h"
#include "slide.h"
#include "status.h"
#include "util.h"

/* The writes run on a thread of their own: the fsync of a busy SD card
 * can take a long time, and the loop must not wait for it. At most one
 * text waits; a newer one replaces it. */
typedef struct {
    pthread_t thread;
    bool started, stop;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    char path[1024];      /* under mu */
    char *text;           /* under mu: the next text to write, or NULL */
    double write_seconds; /* under mu: the last write's time; -1 none */
    bool failing;         /* writer thread only: the last write failed */
} writer;

struct metricsfile {
    char path[1024]; /* "": none */
    uint64_t interval_ms;
    uint64_t next;      /* monotonic ms of the next write (0: at once) */
    metrics_snapshot s; /* the counts; the rest is filled at each write */
    struct {            /* the source's counters already added */
        unsigned long ok, unchanged, failed[SOURCE_FAIL_KINDS], signature;
    } seen;
    writer w;
};

static double mono_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line when writes start failing, one when they work again. */
static void log_result(writer *w, const char *path, bool ok, int err)
{
    if (!ok && !w->failing)
        log_errno(LOG_ERROR, LOG_MODULE, err,
                  "cannot write the metrics file %s (tried again at each interval, "
                  "logged again when it works)",
                  path);
    else if (ok && w->failing)
        LOG_INFO("metrics file %s written again", path);
    w->failing = !ok;
}

static void *writer_main(void *arg)
{
    writer *w = arg;
    char path[sizeof w->path];
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        if (!w->text) {
            pthread_cond_wait(&w->cond, &w->mu);
            continue;
        }
        char *text = w->text;
        w->text = NULL;
        memcpy(path, w->path, sizeof path);
        pthread_mutex_unlock(&w->mu);
        double t0 = mono_seconds();
        bool ok = status_replace(path, text, true);
        log_result(w, path, ok, errno);
        free(text);
        pthread_mutex_lock(&w->mu);
        w->write_seconds = mono_seconds() - t0;
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Hands text (owned from now on) to the writer, started on first use. */
static void writer_put(writer *w, const char *path, char *text)
{
    pthread_mutex_lock(&w->mu);
    free(w->text);
    w->text = text;
    snprintf(w->path, sizeof w->path, "%s", path);
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->mu);
    if (!w->started && pthread_create(&w->thread, NULL, writer_main, w) != 0)
        LOG_ERR("cannot start the metrics writer thread: no metrics file");
    else
        w->started = true;
}

metricsfile *metricsfile_create(const char *path, int64_t started, uint64_t interval_ms)
{
    metricsfile *m = xcalloc(1, sizeof *m);
    m->interval_ms = interval_ms ? interval_ms : METRICSFILE_INTERVAL_MS;
    m->s.started = started;
    m->w.write_seconds = -1;
    pthread_mutex_init(&m->w.mu, NULL);
    pthread_cond_init(&m->w.cond, NULL);
    metricsfile_configure(m, path);
    return m;
}

void metricsfile_destroy(metricsfile *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->w.mu);
    m->w.stop = true;
    pthread_cond_signal(&m->w.cond);
    pthread_mutex_unlock(&m->w.mu);
    if (m->w.started)
        pthread_join(m->w.thread, NULL);
    free(m->w.text);
    pthread_cond_destroy(&m->w.cond);
    pthread_mutex_destroy(&m->w.mu);
    free(m);
}

void metricsfile_configure(metricsfile *m, const char *path)
{
    if (strcmp(path, m->path) != 0 && path[0])
        LOG_INFO("metrics file %s, written every %g s", path,
                 (double)m->interval_ms / 1000);
    snprintf(m->path, sizeof m->path, "%s", path);
    m->next = 0;
}

void metricsfile_slide(metricsfile *m, bool first_page)
{
    m->s.pages_shown++;
    m->s.items_shown += first_page;
}

void metricsfile_frame(metricsfile *m, double seconds)
{
    metrics_hist_add(&m->s.frame, seconds);
}

void metricsfile_layout(metricsfile *m, double seconds)
{
    metrics_hist_add(&m->s.layout, seconds);
}

/* Adds what a counter grew by since it was seen. */
static void add(unsigned long *total, unsigned long now, unsigned long *seen)
{
    *total += now >= *seen ? now - *seen : now;
    *seen = now;
}

void metricsfile_source(metricsfile *m, const source_status *st, bool last)
{
    metrics_snapshot *s = &m->s;
    add(&s->polls_ok, st->polls_ok, &m->seen.ok);
    add(&s->polls_unchanged, st->polls_unchanged, &m->seen.unchanged);
    for (int k = 0; k < SOURCE_FAIL_KINDS; k++)
        add(&s->polls_failed[k], st->polls_failed[k], &m->seen.failed[k]);
    add(&s->signature_refusals, st->signature_refusals, &m->seen.signature);
    if (last)
        memset(&m->seen, 0, sizeof m->seen);
}

int64_t metricsfile_due_ms(const metricsfile *m, uint64_t mono)
{
    if (!m->path[0])
        return -1;
    return m->next > mono ? (int64_t)(m->next - mono) : 0;
}

/* The feed's items now: open, waiting, skipped, blocked; images on disk. */
static void gather_items(metrics_snapshot *s, const metricsfile_input *in)
{
    const feed *f = rotation_feed(in->rot);
    s->open = s->waiting = s->skipped = s->blocked = s->images_cached = 0;
    if (!f)
        return;
    size_t *count[] = {&s->open, &s->waiting, &s->skipped};
    bool *has_image = slide_images(in->src, f);
    for (size_t i = 0; i < f->n_items; i++) {
        const char *why;
        (*count[checkfeed_item_state(in->sp, f, i, in->now, &why)])++;
        s->blocked += f->items[i].blocked != NULL;
        s->images_cached += has_image[i];
    }
    free(has_image);
}

void metricsfile_write(metricsfile *m, const metricsfile_input *in, uint64_t mono)
{
    metricsfile_source(m, &in->st, false);
    metrics_snapshot *s = &m->s;
    s->version = SIGNAGE_VERSION;
    s->now = in->now;
    s->feed_age = source_feed_age(&in->st, in->now);
    s->screen_on = in->screen_on;
    s->texture_bytes = in->texture_bytes;
    pthread_mutex_lock(&m->w.mu);
    s->write_seconds = m->w.write_seconds;
    pthread_mutex_unlock(&m->w.mu);
    gather_items(s, in);
    writer_put(&m->w, m->path, metrics_format(s));
    m->next = mono + m->interval_ms;
}
