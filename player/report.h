/* report: what the running player says about itself, the status file. It
 * decides when to write (something changed, a fetch result came, at most
 * once a second) and what (the item on screen, the screen, the source, the
 * items open, waiting and skipped); status formats and writes it. All it
 * reads is borrowed for each call, never kept. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "rotation.h"
#include "schedule.h"
#include "source.h"

typedef struct report report;

/* Where the status file goes: status_file, else status_default_path's
 * (logged); none at all is fine. started: wall time at start. */
report *report_create(const char *status_file, int64_t started);
void report_destroy(report *r); /* NULL: no-op */

/* A reload: the file named again, the lists made again, a write due. */
void report_configure(report *r, const char *status_file);

/* Something on screen changed: a write is due. */
void report_changed(report *r);
/* A new feed: the lists (which borrow its ids) are made again. */
void report_new_feed(report *r);

/* What one write reads; all borrowed for the call. */
typedef struct {
    const config *cfg; /* the feed, and how long a poll may take */
    const schedule *sched;
    schedule_params sp; /* the item states */
    const rotation *rot;
    source_status src;
    bool screen_on;
    int width, height;
    const char *driver, *renderer;
    int64_t now;   /* wall, Unix seconds */
    uint64_t mono; /* SDL_GetTicks64() */
} report_input;

/* True when a write is to be done now: one is due (something changed,
 * or src, the status now of the source of feed_url, holds a fetch result the
 * last write did not: a local file's checks every few seconds do not count
 * unless their result changes) and the last write is a second old. False
 * without a file. */
bool report_due(report *r, const char *feed_url, const source_status *src, uint64_t mono);

/* Writes the file now (after report_due said so). */
void report_write(report *r, const report_input *in);

/* Ms (0 or more) until a due write may be done, from mono; -1: none due. */
int64_t report_due_ms(const report *r, uint64_t mono);
