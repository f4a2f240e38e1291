/* The Prometheus text for a snapshot. See metrics.h. */
#include "metrics.h"

#include <stdarg.h>
#include <stdio.h>

#include "buf.h"

#define METRICS_MAX_BYTES (64 * 1024) /* a few KB in practice */

const double metrics_bounds[METRICS_BUCKETS] = {0.001, 0.002, 0.004, 0.008,
                                                0.016, 0.033, 0.1};

void metrics_hist_add(metrics_hist *h, double seconds)
{
    seconds = seconds > 0 ? seconds : 0;
    int i = 0;
    while (i < METRICS_BUCKETS && seconds > metrics_bounds[i])
        i++;
    h->n[i]++;
    h->sum += seconds;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
put(buf *b, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        buf_add(b, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* A label value: backslash, double quote and line feed escaped. */
static void put_label(buf *b, const char *v)
{
    for (; v && *v; v++) {
        const char *esc = *v == '\\'   ? "\\\\"
                          : *v == '"'  ? "\\\""
                          : *v == '\n' ? "\\n"
                                       : NULL;
        buf_add(b, esc ? esc : v, esc ? 2 : 1);
    }
}

static void family(buf *b, const char *name, const char *type, const char *help)
{
    put(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void gauge(buf *b, const char *name, const char *help, double v)
{
    family(b, name, "gauge", help);
    put(b, "%s %.17g\n", name, v);
}

static void counter(buf *b, const char *name, const char *help, unsigned long v)
{
    family(b, name, "counter", help);
    put(b, "%s %lu\n", name, v);
}

static void histogram(buf *b, const char *name, const char *help, const metrics_hist *h)
{
    family(b, name, "histogram", help);
    unsigned long sum = 0;
    for (int i = 0; i < METRICS_BUCKETS; i++) {
        sum += h->n[i];
        put(b, "%s_bucket{le=\"%g\"} %lu\n", name, metrics_bounds[i], sum);
    }
    sum += h->n[METRICS_BUCKETS];
    put(b, "%s_bucket{le=\"+Inf\"} %lu\n%s_sum %.17g\n%s_count %lu\n", name, sum, name,
        h->sum, name, sum);
}

static void fetches(buf *b, const metrics_snapshot *s)
{
    const char *name = "signage_fetch_total";
    family(b, name, "counter",
           "Polls of the feed by result; failures by kind (a local file is checked "
           "every 2 s).");
    put(b, "%s{result=\"ok\"} %lu\n", name, s->polls_ok);
    put(b, "%s{result=\"not_modified\"} %lu\n", name, s->polls_unchanged);
    for (int k = 0; k < SOURCE_FAIL_KINDS; k++)
        put(b, "%s{result=\"failed\",kind=\"%s\"} %lu\n", name,
            source_failure_name((source_failure)k), s->polls_failed[k]);
}

static void items(buf *b, const metrics_snapshot *s)
{
    const char *name = "signage_items";
    family(b, name, "gauge",
           "The feed's items now: open (in rotation), waiting (open within 7 days), "
           "skipped.");
    put(b, "%s{state=\"open\"} %zu\n", name, s->open);
    put(b, "%s{state=\"waiting\"} %zu\n", name, s->waiting);
    put(b, "%s{state=\"skipped\"} %zu\n", name, s->skipped);
}

static void build_info(buf *b, const metrics_snapshot *s)
{
    family(b, "signage_build_info", "gauge", "The player's version, as a label.");
    put(b, "signage_build_info{version=\"");
    put_label(b, s->version);
    put(b, "\"} 1\n");
}

char *metrics_format(const metrics_snapshot *s)
{
    buf b;
    buf_init(&b, METRICS_MAX_BYTES);
    build_info(&b, s);
    gauge(&b, "signage_start_time_seconds", "When the player started, Unix time.",
          (double)s->started);
    gauge(&b, "signage_uptime_seconds", "Seconds since the player started.",
          (double)(s->now - s->started));
    fetches(&b, s);
    counter(&b, "signage_signature_refusals_total",
            "Feeds refused because their signature did not verify.",
            s->signature_refusals);
    if (s->feed_age >= 0)
        gauge(&b, "signage_feed_age_seconds",
              "Seconds since the feed shown was fetched or confirmed by the server.",
              (double)s->feed_age);
    counter(&b, "signage_items_shown_total", "Items started on screen.", s->items_shown);
    counter(&b, "signage_pages_shown_total", "Pages started on screen.", s->pages_shown);
    items(&b, s);
    gauge(&b, "signage_items_blocked", "The feed's items the blocklist keeps off screen.",
          (double)s->blocked);
    gauge(&b, "signage_screen_on", "1 inside screen hours (or an urgent item), else 0.",
          s->screen_on ? 1 : 0);
    gauge(&b, "signage_images_cached", "The feed's items whose image is on disk.",
          (double)s->images_cached);
    gauge(&b, "signage_texture_cache_bytes", "Bytes in the text texture cache.",
          (double)s->texture_bytes);
    if (s->write_seconds >= 0)
        gauge(&b, "signage_metrics_write_seconds",
              "Time the previous write of this file took.", s->write_seconds);
    histogram(&b, "signage_frame_seconds", "Time to draw and present a frame.",
              &s->frame);
    histogram(&b, "signage_layout_seconds",
              "Time of the loop steps that laid out slides (a new feed, the next item).",
              &s->layout);
    return buf_take(&b, NULL);
}
