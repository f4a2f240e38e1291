/* popq: the proof-of-play queue, one JSON record per line in a file of the
 * cache directory, kept so that no record is lost across outages, restarts
 * and power cuts, and bounded so that it never fills the disk.
 *
 * The records live in memory too (at most max_records of at most
 * POPQ_MAX_LINE bytes); the file follows them:
 *   - popq_append only queues a record in memory; popq_sync appends the
 *     records not yet written and fsyncs, once per batch (the caller
 *     decides when: fleet.c every POPQ_SYNC_RECORDS records or
 *     POPQ_SYNC_SECONDS, and at stop), so an SD card is not worn by an fsync
 *     per page;
 *   - popq_ack (after the server took a batch) and drops past the cap make
 *     the next popq_sync rewrite the file whole (temp file, fsync, rename);
 *   - popq_open reads what a previous run left: a torn last line (a power
 *     cut mid-write) or a line that is not a JSON object is skipped with one
 *     log line, never fatal, and the file is rewritten without it.
 * Delivery is at least once: a crash between a server's 2xx and the rewrite
 * sends that batch again. Past max_records the oldest records are dropped
 * and counted (popq_dropped). Not thread-safe: one owner (fleet.c, under its
 * lock). Pure except the file I/O: no clock, no network. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* A longer record is refused; an id of FEED_MAX_ID bytes, each escaped as
 * \uXXXX, fits. */
#define POPQ_MAX_LINE 8192
#define POPQ_SYNC_RECORDS 10  /* fleet.c syncs at this many unwritten records */
#define POPQ_SYNC_SECONDS 60  /* ... or when the oldest unwritten is this old */
#define POPQ_FILE "pop.jsonl" /* its name in the cache directory */

typedef struct popq popq;

/* Opens the queue in path (missing: empty), keeping at most max_records
 * (0 counts as 1). Never NULL: a file that cannot be read is logged and the
 * queue starts empty (and then writes the file anew). */
popq *popq_open(const char *path, size_t max_records);
void popq_close(popq *q); /* NULL: no-op; does not sync */

/* Queues one record (a JSON object on one line, no newline). False (not
 * queued) when it is longer than POPQ_MAX_LINE or holds a newline. At the
 * cap the oldest record is dropped first. */
bool popq_append(popq *q, const char *record);

/* Writes what the file lacks: appends the unwritten records, or rewrites
 * the file after an ack, a drop or a damaged start. fsync each time. False
 * (logged) on an I/O error; the records stay queued and the next call tries
 * again. */
bool popq_sync(popq *q);

/* Records queued (written or not). */
size_t popq_count(const popq *q);
/* Records queued but not yet in the file. */
size_t popq_unsynced(const popq *q);
/* Records dropped at the cap since popq_open. */
unsigned long popq_dropped(const popq *q);

/* The i-th oldest record (i < popq_count), borrowed until the next call
 * that changes the queue. */
const char *popq_get(const popq *q, size_t i);

/* The n oldest records were delivered: they go (from the file at the next
 * popq_sync). n past the count removes all. */
void popq_ack(popq *q, size_t n);
