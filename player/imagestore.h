/* imagestore: the images a feed uses (item image, banner, the config's
 * logo), as files the app can load. Images already on disk are found at
 * once; missing remote ones download in the background (a thread of its
 * own, IMAGESTORE_PARALLEL at a time, each with its own deadlines), so a
 * feed never waits for its images: its items are shown without them until
 * they arrive.
 *
 * Each feed gets a map (its image name in the feed -> file). The source
 * builds a map with the feed (imagestore_collect), hands it to the app with
 * the feed, and the app takes it (imagestore_take); lookups answer for the
 * last IMAGESTORE_TAKEN maps taken, so the feed still on screen keeps its
 * images while a newer one waits for a slide boundary. An image that
 * arrives fills every live map that names it (taken or not yet taken) and
 * bumps imagestore_arrived.
 *
 * Caps: at most IMAGESTORE_MAX_IMAGES names and max_bytes_total bytes of
 * files per map (past them the rest go without, said once); each download
 * under max_image_bytes; each image's header is probed and its pixel size
 * checked before it is kept. A download that failed in a way that may
 * pass (network, timeout, HTTP status) is tried again at each
 * imagestore_retry, at most IMAGESTORE_RETRIES times per feed; one that
 * could not be written because the disk was full waits until the disk has
 * room again (imagestore_unsaved counts those).
 *
 * Downloaded images live in their own subdirectory, cache_dir/images
 * (IMAGESTORE_SUBDIR), and only files there named as the store names them
 * (or those names plus ".bad": damaged files the cache moved aside) are ever
 * pruned: a cache_dir shared with other files loses none of them.
 * Images an older version left in cache_dir itself (same names, cache
 * format) are moved into the subdirectory once. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "feed.h"

#define IMAGESTORE_MAX_IMAGES 256 /* distinct image names per map */
/* Image bytes per map; past it the rest go without. The store keeps the
 * images of at most IMAGESTORE_TAKEN + 1 feeds, so this bounds the cache on
 * the SD card too. */
#define IMAGESTORE_MAX_BYTES (64u * 1024 * 1024)
#define IMAGESTORE_RETRIES 5  /* retry rounds per feed for failed downloads */
#define IMAGESTORE_PARALLEL 4 /* downloads at a time */
#define IMAGESTORE_TAKEN 3    /* maps that answer lookups */
#define IMAGESTORE_SUBDIR "images"

typedef struct imagestore imagestore;
typedef struct imagestore_map imagestore_map;

/* Called from the download thread when an image arrived. May be NULL. */
typedef void (*imagestore_wake_fn)(void *ctx);

typedef struct {
    const char *feed;      /* the feed setting: relative names resolve against it */
    bool remote;           /* an http(s) feed: its images must be http(s) too */
    const char *logo;      /* the config's logo (trusted: may be a local file) */
    const char *cache_dir; /* NULL or "": remote images are not used */
    const char *ca_file;
    size_t max_image_bytes; /* one download */
    int64_t max_image_pixels;
    size_t max_bytes_total; /* per map; 0: IMAGESTORE_MAX_BYTES */
    long connect_timeout_ms, total_timeout_ms, low_speed_time_s; /* 0: fetch's */
} imagestore_params;

/* Strings in p are copied. Never NULL. Starts nothing: libcurl and the
 * download thread start when the first remote image is missing (and there
 * is a cache directory), so images that are all files cost no TLS. */
imagestore *imagestore_create(const imagestore_params *p, imagestore_wake_fn wake,
                              void *ctx);
/* Aborts downloads in progress. */
void imagestore_destroy(imagestore *st);

/* The map for feed f (NULL: the logo alone): names on disk map to their
 * file now, missing remote ones are queued for download. Reads the files
 * it finds (to verify them) but never waits for the network. With f, the
 * failed downloads of the feed before are forgotten (retries are per
 * feed). The map is live (filled by arrivals) until taken or dropped. */
imagestore_map *imagestore_collect(imagestore *st, const feed *f);
/* Frees a map that was never taken. NULL is a no-op. */
void imagestore_drop(imagestore *st, imagestore_map *m);
/* m becomes the newest map that answers lookups; the oldest is freed. */
void imagestore_take(imagestore *st, imagestore_map *m);

/* The file for an image name in the maps taken (newest first), or NULL
 * while it is missing. Local paths come back as they are. The string lives
 * until IMAGESTORE_TAKEN more maps have been taken. */
const char *imagestore_path(imagestore *st, const char *ref);

/* Goes up each time an image arrives into a live map. */
unsigned imagestore_arrived(imagestore *st);

/* Queues again the failed downloads of the newest feed (see above). Does
 * not wait for them. */
void imagestore_retry(imagestore *st);

/* Deletes the store's files that no live map and no download uses. */
void imagestore_prune(imagestore *st);

/* Room for `bytes` more on the disk that holds the cache (a margin kept);
 * true when it cannot be told. */
bool imagestore_has_room(const imagestore *st, size_t bytes);

/* Images downloaded but not saved for lack of disk space, waiting. */
unsigned imagestore_unsaved(imagestore *st);

/* Blocks until no download is queued or running, or until deadline
 * (CLOCK_MONOTONIC) passes; true if none is. For the headless modes and
 * tests. */
bool imagestore_wait_idle(imagestore *st, const struct timespec *deadline);
