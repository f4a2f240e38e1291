/* source: where feeds come from. A local path or file:// URL is read
 * directly; an http(s):// URL is polled by a worker thread (fetch.h) with
 * conditional GET, and every good feed is kept in the cache directory
 * (cache.h) with the images it uses. The app loop only ever sees whole,
 * parsed feeds whose images are already on disk. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "feed.h"

typedef struct source source;

/* Called from the worker thread when a new feed or status is ready; the app
 * uses it to wake its loop (SDL_PushEvent). May be NULL. */
typedef void (*source_wake_fn)(void *ctx);

typedef enum {
    SOURCE_NONE,      /* nothing tried yet */
    SOURCE_OK,        /* new feed fetched and parsed */
    SOURCE_UNCHANGED, /* 304 or identical bytes */
    SOURCE_ERROR,     /* network, HTTP or parse error: see message */
} source_result;

typedef struct {
    source_result result;
    int http_status;      /* 0 when no HTTP response */
    int64_t last_attempt; /* Unix seconds, 0 = never */
    int64_t last_success; /* Unix seconds, 0 = never */
    char message[256];    /* human-readable last result */
    bool from_cache;      /* the current feed came from the cache */
} source_status;

/* Starts a source for cfg->feed. For a remote feed the cached copy (if any)
 * is loaded synchronously, so source_take_feed() right after returns it,
 * and the worker thread starts polling. Returns NULL (logged) when the feed
 * setting is unusable (unsupported scheme). cfg is copied. */
source *source_create(const config *cfg, source_wake_fn wake, void *ctx);
void source_destroy(source *s);

/* Non-blocking. A feed newer than the last one taken, or NULL. The caller
 * owns it (feed_destroy). */
feed *source_take_feed(source *s);

/* Blocks up to timeout_ms until the first attempt has finished (fetch done
 * or failed; local file read). For the headless modes. */
void source_wait_first(source *s, int timeout_ms);

/* Path of the cached file for an image URL (item image, banner, logo) if
 * it has been downloaded, else NULL. The string lives until the next feed
 * is taken. Local paths are returned as they are. */
const char *source_image_path(source *s, const char *url);

void source_get_status(source *s, source_status *out);
