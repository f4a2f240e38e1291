/* app: the player's modes. app_run is the interactive loop (window,
 * rotation, feed updates); the headless modes render or dump every page of
 * the current feed with no display. Each returns the process exit status. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

typedef struct {
    int width, height; /* --window or --size; 0 = fullscreen / 1920x1080 */
    bool has_now;
    int64_t now;          /* --now: the wall clock at start, Unix seconds */
    int wait_ms;          /* headless: how long to wait for the first fetch */
    const char *play_log; /* append a line per slide shown, or NULL */

    const char *config_path; /* the file cfg came from (watched for changes), or NULL */
} app_options;

int app_run(const config *cfg, const app_options *opt);
int app_snapshot(const config *cfg, const app_options *opt, const char *dir);
int app_layout_dump(const config *cfg, const app_options *opt, FILE *out);
/* --check-feed: target (path or URL) checked as the player would take it;
 * text or JSON on stdout; 1 when the feed would be refused. */
int app_check_feed(const config *cfg, const app_options *opt, const char *target,
                   bool json);
