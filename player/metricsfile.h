/* metricsfile: the metrics file ([fleet] metrics_file) for node_exporter's
 * textfile collector. Keeps what the loop counts between writes (slides
 * started, frame and layout times, the source's poll counters, which go on
 * across a reload's new source), gathers the rest at each write (items now,
 * images, feed age) and writes the file at start and then every interval,
 * replaced atomically (status_replace, durable: fsync'd), mode 0644. The
 * loop only formats the text (a few KB, tens of microseconds); a thread of
 * metricsfile's own writes it, so a slow fsync never holds up a slide. A
 * write that fails is logged once, and once again when writes work again.
 * The calls are for the main thread; what a write reads is borrowed for the
 * call. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rotation.h"
#include "schedule.h"
#include "source.h"

#define METRICSFILE_INTERVAL_MS 60000

typedef struct metricsfile metricsfile;

/* path "": no file (every call still counts, nothing is written).
 * started: wall time at start; interval_ms 0: METRICSFILE_INTERVAL_MS. */
metricsfile *metricsfile_create(const char *path, int64_t started, uint64_t interval_ms);
/* Waits for a write under way, drops one not begun. NULL: no-op. */
void metricsfile_destroy(metricsfile *m);

/* A reload: the file named again (a write due at once). */
void metricsfile_configure(metricsfile *m, const char *path);

/* A slide started; first_page: an item's first page (an item shown). */
void metricsfile_slide(metricsfile *m, bool first_page);
void metricsfile_frame(metricsfile *m, double seconds);
void metricsfile_layout(metricsfile *m, double seconds);

/* The source's status now: its poll counters are added since the last
 * call. last: the source is going away (a reload); the next one's counters
 * start from 0. */
void metricsfile_source(metricsfile *m, const source_status *st, bool last);

/* What a write gathers; borrowed for the call. */
typedef struct {
    const schedule_params *sp; /* the item states */
    const rotation *rot;
    source *src; /* images on disk */
    source_status st;
    bool screen_on;
    size_t texture_bytes;
    int64_t now; /* wall, Unix seconds */
} metricsfile_input;

/* Ms (0 or more) until the next write, from mono; -1: no file. */
int64_t metricsfile_due_ms(const metricsfile *m, uint64_t mono);

/* Gathers and formats the text and hands it to the writer thread, when
 * metricsfile_due_ms says 0. */
void metricsfile_write(metricsfile *m, const metricsfile_input *in, uint64_t mono);
