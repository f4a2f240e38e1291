/* metrics: the player's counters, gauges and timings as Prometheus text
 * (exposition format 0.0.4), for node_exporter's textfile collector. Pure:
 * a snapshot in, text out; metricsfile gathers the snapshot and writes the
 * file. Every name starts with signage_; times are in seconds. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

/* The histograms' upper bounds in seconds (1, 2, 4, 8, 16, 33, 100 ms),
 * then +Inf. */
#define METRICS_BUCKETS 7
extern const double metrics_bounds[METRICS_BUCKETS];

typedef struct {
    unsigned long n[METRICS_BUCKETS + 1]; /* per bucket, not cumulative; the
                                             last one: over the last bound */
    double sum;                           /* seconds */
} metrics_hist;

/* One observation of seconds (negative counts as 0). */
void metrics_hist_add(metrics_hist *h, double seconds);

typedef struct {
    const char *version;  /* signage_build_info's label */
    int64_t now, started; /* wall, Unix seconds */
    int64_t feed_age;     /* seconds since the feed shown was fetched or
                             confirmed; -1: no feed (the line is left out) */
    unsigned long polls_ok, polls_unchanged; /* as source_status counts them */
    unsigned long polls_failed[SOURCE_FAIL_KINDS];
    unsigned long signature_refusals;
    unsigned long items_shown, pages_shown; /* slides started */
    size_t open, waiting, skipped;          /* the feed's items now */
    size_t blocked;                         /* of them, kept off by the blocklist */
    bool screen_on;
    size_t images_cached; /* the feed's items whose image is on disk */
    size_t texture_bytes; /* the line texture cache */
    double write_seconds; /* the last write of the file; < 0: none yet */
    metrics_hist frame;   /* draw + present */
    metrics_hist layout;  /* loop steps that laid out slides */
} metrics_snapshot;

/* The text for s (malloc'd, the caller frees): # HELP and # TYPE for each
 * family, label values escaped, histogram buckets cumulative. */
char *metrics_format(const metrics_snapshot *s);
