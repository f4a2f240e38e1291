/* app: the interactive loop (the display, rotation, feed updates, live
 * reload), and the options it shares with the headless modes (headless.h).
 * app_run returns the process exit status. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

typedef struct {
    int width, height; /* --window or --size; 0 = fullscreen / 1920x1080 */
    bool has_now;
    int64_t now;           /* --now: the wall clock at start, Unix seconds */
    int wait_ms;           /* headless: how long to wait for the first fetch */
    const char *play_log;  /* append a line per slide shown, or NULL */
    int transition_frames; /* --snapshot-transition: frames of the first
                              transition written too, 0 = none */

    const char *config_path; /* the file cfg came from (watched for changes), or NULL */
} app_options;

int app_run(const config *cfg, const app_options *opt);
