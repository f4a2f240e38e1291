/* status: the player's state for admins, as a small JSON file replaced
 * atomically (a temp file in the same directory, then rename), and read back
 * for a person by `signage-player --status`. Formatting and the one write;
 * the app decides when (something changed, at most once a second). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "source.h"

#define STATUS_MAX_LISTED 50       /* ids per list (shown, waiting, skipped) */
#define STATUS_MAX_BYTES (1 << 20) /* a larger file is not read */

typedef struct {
    const char *id;
    const char *why; /* skipped items: the reason; else NULL */
} status_item;

typedef struct {
    long pid;
    int64_t now, started;  /* wall, Unix seconds */
    int64_t expect_before; /* wall: the next write is due by then; 0 = none
                              expected (screen off, nothing changing) */
    int width, height;
    const char *driver, *renderer;
    const char *item_id; /* NULL: nothing on screen */
    int page, pages;     /* 1-based */
    bool screen_on;
    const char *feed;
    source_status src;
    int64_t cache_age; /* seconds; -1 unknown */
    size_t n_shown, n_waiting, n_skipped;
    const status_item *shown, *waiting, *skipped; /* the first ones of each */
    size_t listed_shown, listed_waiting, listed_skipped;
} status_info;

/* The default file: $RUNTIME_DIRECTORY/status.json (systemd's
 * RuntimeDirectory=; the first of a colon-separated list), else
 * $XDG_RUNTIME_DIR/signage-player/status.json, else none (false). */
bool status_default_path(char *out, size_t size);

/* The JSON text for s (malloc'd, the caller frees). */
char *status_format(const status_info *s);

/* Replaces path with text atomically: a temp file in the same directory
 * (created, one level, when missing), mode 0644, fsync'd first when
 * durable, then renamed over path. False with errno set, no log line. */
bool status_replace(const char *path, const char *text, bool durable);

/* status_replace, not durable (the status file lives in /run), with one
 * log line on an error. */
bool status_write(const char *path, const char *text);

/* `--status`: prints the file for a person to out, and says when it is
 * stale (the pid in it is not running, or the write expected by
 * expect_before is more than a minute late). Returns 0 when the player is
 * running, 1 when the file is stale, 2 when it cannot be read. */
int status_show(const char *path, int64_t now, FILE *out);
