/* fleet: heartbeats, proof of play and screenshots for a district's report
 * server, on a worker thread of its own, so that a slow or dead server
 * never delays a slide.
 *
 * Every report_interval seconds (+-10% jitter, the first 1 s after start)
 * the worker POSTs a JSON heartbeat to report_url through fetch_post (the
 * feed's timeouts, caps and TLS rules; the bearer token from the token
 * file), carrying the proof-of-play records queued in popq (at most
 * FLEET_BATCH of them), which are removed once the server answers 2xx. The
 * main thread hands the worker only copies: a snapshot of what is on screen
 * (fleet_update), each page shown (fleet_shown) and a screenshot's PNG; the
 * worker never touches SDL or the rotation, and the main thread never waits
 * for the network or the disk (records are written by the worker, see
 * popq.h for when).
 *
 * The heartbeat's 200 response may be {"screenshot": true} (optionally
 * with "screenshot_url"): the main thread is woken, draws the next frame,
 * reads it back and hands the PNG over; the worker POSTs it as image/png to
 * screenshot_url, else report_url + "/screenshot". The formats are in
 * README.md ("Heartbeats, proof of play and screenshots"). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "feed.h"
#include "source.h"

#define FLEET_BATCH 500         /* records per heartbeat at most */
#define FLEET_MAX_RESPONSE 4096 /* bytes of a heartbeat's response */
#define FLEET_MAX_TOKEN 4096    /* bytes of the token file */
#define FLEET_MAX_PENDING 1000  /* pages handed over, not yet queued */

/* What fleet_create takes; strings borrowed for the call. */
typedef struct {
    const char *url;        /* report_url; "" = no fleet */
    const char *token_file; /* "" = no token */
    const char *screen_id;  /* "" = /etc/machine-id */
    const char *cache_dir;  /* the queue's folder; "" = cache_default_dir */
    const char *ca_file;
    int interval_s;
    int connect_timeout_ms, total_timeout_ms;
    bool allow_http; /* a screenshot_url may be http too */
    size_t queue_max;
} fleet_params;

/* Called from the worker when the server asked for a screenshot: the app
 * wakes its loop. */
typedef void (*fleet_wake_fn)(void *ctx);

typedef struct fleet fleet;

/* Starts the worker. NULL when p->url is empty (no reporting), or (logged)
 * when it cannot start. Reads the token and the queue left by the last run. */
fleet *fleet_create(const fleet_params *p, fleet_wake_fn wake, void *ctx);
/* Stops the worker (a request in flight is cancelled within about 1 s),
 * writes the queue. Call fleet_shown(f, NULL...) first to record the page
 * on screen. NULL: no-op. */
void fleet_destroy(fleet *f);

/* What the screen shows, for the next heartbeat (copied). */
typedef struct {
    char item[FEED_MAX_ID + 1]; /* "" when no item is on screen */
    int page;                   /* 1-based; 0 without an item */
    bool screen_on;
    source_status src;
} fleet_snapshot;
void fleet_update(fleet *f, const fleet_snapshot *s);

/* A page started at wall (Unix seconds) and mono (ms, any monotonic base
 * used throughout): the page before it becomes a proof-of-play record.
 * id NULL: nothing shown from now (screen off, waiting slide, stop). */
void fleet_shown(fleet *f, const char *id, int page, bool image, int64_t wall,
                 uint64_t mono);

/* True once after the server asked for a screenshot. */
bool fleet_screenshot_wanted(fleet *f);
/* The PNG for the asked screenshot; fleet takes png (malloc'd). */
void fleet_screenshot(fleet *f, void *png, size_t len);

/* The proof-of-play record of one page, as queued and sent: one JSON
 * object on one line, malloc'd. A test seam. */
char *fleet_record(const char *id, int page, bool image, int64_t start, uint64_t ms);
