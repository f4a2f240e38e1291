/* source: where feeds come from. A local path or file:// URL is read
 * directly; an http(s):// URL is polled by a worker thread (fetch.h) with
 * conditional GET, and every good feed is kept in the cache directory
 * (cache.h). The app loop only ever sees whole, parsed feeds, handed over
 * as soon as they are parsed; their images (imagestore.h) download in the
 * background and arrive later, so no image can hold a feed back.
 *
 * Signed feeds: with a public key, a feed is shown only when its minisign
 * signature (fetched after the feed with the same options and timeouts,
 * capped at MINISIGN_MAX_SIG; read beside a local feed) verifies, and its
 * trusted timestamp is not older than the feed on screen's (a replay). It
 * is checked before the feed is parsed. The signature is kept in the cache
 * beside the feed, and the cached feed is shown at start only if it still
 * verifies. A 304 or the same bytes again need no signature: they are the
 * feed that verified. A feed changed between the two requests fails that
 * poll (the signature is the newer or the older one) and the next poll,
 * at the normal interval, fetches both again. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "feed.h"

typedef struct source source;

/* Called from the worker thread when a new feed or status is ready; the app
 * uses it to wake its loop (SDL_PushEvent). May be NULL. It is also called
 * once from inside source_create when a cached or local feed is ready at
 * once, so it must not need the source pointer to be returned yet. */
typedef void (*source_wake_fn)(void *ctx);

typedef enum {
    SOURCE_NONE,      /* nothing tried yet */
    SOURCE_OK,        /* new feed fetched and parsed */
    SOURCE_UNCHANGED, /* 304 or identical bytes */
    SOURCE_ERROR,     /* network, HTTP or parse error: see message */
} source_result;

/* "none", "ok", "unchanged" or "error": the status file's and the
 * heartbeat's word for a result. */
const char *source_result_name(source_result r);
/* Why a poll failed, as the metrics count it (source_failure_name: the
 * label). */
typedef enum {
    SOURCE_FAIL_HTTP,      /* an HTTP error status */
    SOURCE_FAIL_TIMEOUT,   /* connect, total or low-speed timeout */
    SOURCE_FAIL_NETWORK,   /* DNS, refused, TLS, a body cut short */
    SOURCE_FAIL_TOO_BIG,   /* over max_feed_bytes */
    SOURCE_FAIL_TYPE,      /* a Content-Type that is not JSON */
    SOURCE_FAIL_URL,       /* a refused URL or redirect */
    SOURCE_FAIL_INVALID,   /* not a valid JSON Feed */
    SOURCE_FAIL_UNUSABLE,  /* none of its items is usable */
    SOURCE_FAIL_FILE,      /* a local feed that cannot be read */
    SOURCE_FAIL_SIGNATURE, /* a signed feed's signature refused */
    SOURCE_FAIL_OTHER,
    SOURCE_FAIL_KINDS
} source_failure;

typedef struct {
    source_result result;
    int http_status;      /* 0 when no HTTP response */
    int64_t last_attempt; /* Unix seconds, 0 = never */
    int64_t last_success; /* Unix seconds, 0 = never */
    char message[256];    /* human-readable last result */
    bool from_cache;      /* the current feed came from the cache and the server
                             has not confirmed or replaced it yet */
    int64_t cached_at;    /* Unix seconds the cached feed shown was saved; 0: none */
    unsigned attempts;    /* polls finished so far (local reads included) */
    unsigned unsaved;     /* files the cache lacks because the disk was full (the
                             feed counts 1, each image 1); written when there is
                             room again, checked at each poll */
    unsigned signature_refusals; /* feeds (cached one included) refused for their
                                    signature: missing, bad, or a replay */
    /* Polls finished since the source started, by result (metrics). */
    unsigned long polls_ok, polls_unchanged;
    unsigned long polls_failed[SOURCE_FAIL_KINDS];
} source_status;

/* Timing of the poll loop, in milliseconds (params_source() takes it from
 * the config's seconds; tests set their own). backoff_base_ms and
 * max_image_bytes_total left 0 take the defaults below.
 *
 * Schedule: after a good poll (new, unchanged or 304) the next one comes
 * poll_ms later, +-10% jitter so that a fleet does not poll in step. After n
 * failures in a row it comes min(backoff_max, base * 2^(n-1)) later, with the
 * same jitter, where base = min(poll_ms, 10 s): a player that boots before
 * the network retries soon, a dead server is not hammered. A local feed is
 * checked (one stat) every min(poll_ms, 2 s) and re-read when its mtime,
 * size or inode changes. */
typedef struct {
    int poll_ms;
    int backoff_base_ms;
    int backoff_max_ms;
    int connect_timeout_ms;
    int total_timeout_ms;
    int low_speed_time_s; /* 0: 20 s, or the total timeout if shorter */
    bool no_jitter;
    size_t max_image_bytes_total; /* a feed's images; 0: IMAGESTORE_MAX_BYTES */
} source_timing;

/* What a source takes; the strings are borrowed for the call. */
typedef struct {
    const char *feed;       /* local path, file:// or http(s):// URL */
    const char *cache_dir;  /* NULL or "": the default (cache_default_dir) */
    const char *logo;       /* NULL or "": none */
    const char *ca_file;    /* NULL or "": the system's CAs */
    const char *blocklist;  /* NULL or "": no blocklist (blocklist.h) */
    const char *public_key; /* NULL or "": feeds are not signed; else a minisign
                               key line or .pub path (minisign.h) */
    const char *signature;  /* NULL or "": <feed>.minisig; else a URL or path */
    size_t max_feed_bytes;
    size_t max_image_bytes;
    int max_image_pixels;
    source_timing timing;
    /* false: the cached copy of a remote feed, or a local feed, is read and
     * parsed in source_create (headless, tests); true: on the worker, before
     * its first poll, and published from there (the app: its first frame
     * never waits for the parse of a large feed). */
    bool start_on_worker;
} source_params;

/* Starts a source for p->feed. For a remote feed the cached copy (if any)
 * is loaded first (in source_create unless start_on_worker), so
 * source_take_feed() right after returns it, and the worker thread starts
 * polling. Returns NULL (logged) when the feed
 * setting is unusable (unsupported scheme). */
source *source_create(const source_params *p, source_wake_fn wake, void *ctx);
void source_destroy(source *s);

/* Non-blocking. A feed newer than the last one taken, or NULL. The caller
 * owns it (feed_destroy). */
feed *source_take_feed(source *s);

/* Blocks up to timeout_ms until the first attempt has finished (fetch done
 * or failed; local file read) and then until the image downloads it started
 * have ended. For the headless modes. */
void source_wait_first(source *s, int timeout_ms);

/* Blocks up to timeout_ms until no image download is queued or running;
 * true if none is. A test seam (source_wait_first waits for the images of
 * the first feed on its own). */
bool source_wait_images(source *s, int timeout_ms);

/* Path of the cached file for an image URL (item image, banner, logo) if
 * it has been downloaded, else NULL. Answers for the images of the last
 * three feeds taken (so the feed still on screen keeps its images while a
 * newer one waits for a slide boundary); the string lives until the third
 * next feed is taken. Local paths are returned as they are.
 * A new feed's missing images download in the background, a few at a
 * time; one whose download failed in a way that may pass (network,
 * timeout, HTTP status) is tried again at each later poll that finds the
 * feed unchanged, at most 5 tries per feed. When an image arrives the wake
 * function is called and this starts returning it. Main thread. */
const char *source_image_path(source *s, const char *url);

void source_get_status(source *s, source_status *out);

/* Seconds at now since the feed shown was fetched or confirmed by the
 * server (else since the cached copy shown was saved); -1: unknown. */
int64_t source_feed_age(const source_status *st, int64_t now);

/* The metrics label of a failure kind: "http", "timeout", ... */
const char *source_failure_name(source_failure k);

/* ms spread by up to 10% either way (uniform, in 0.1% steps), so that a
 * fleet started together does not poll in step. seed: rand_r state. A test
 * seam: the poll loop's jitter, tested on its own. */
long source_jitter_ms(long ms, unsigned *seed);

/* A count that goes up when images arrive after their feed was handed
 * over (source_image_path then starts returning them): the app lays its
 * slides out again. */
unsigned source_images_arrived(source *s);

/* Test seams: tests drive the poll loop with these. */

/* Asks the worker to poll now instead of at the next deadline; any thread
 * (push calls it from its own). Calls while a poll runs make one more poll
 * after it, not one each. */
void source_poll_now(source *s);

/* Blocks up to timeout_ms until at least n polls have finished in total;
 * true if they have. */
bool source_wait_attempts(source *s, unsigned n, int timeout_ms);
