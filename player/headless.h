/* headless: the player's modes without a display (SDL's dummy video driver,
 * the software renderer on a surface), for checks and for CI: the same
 * source, rotation, deck, slide, media and render as the window. Each
 * returns the process exit status. */
#pragma once
#include <stdbool.h>
#include <stdio.h>

#include "app.h"
#include "config.h"

/* --snapshot: every page of the current feed as a PNG in dir (made if
 * missing), after waiting up to opt->wait_ms for the first fetch. */
int headless_snapshot(const config *cfg, const app_options *opt, const char *dir);

/* --layout-dump: every page of the current feed as JSON on out (titles,
 * lines, pages, the rotation order). */
int headless_layout_dump(const config *cfg, const app_options *opt, FILE *out);

/* --check-feed: target (path or URL) checked as the player would take it;
 * text or JSON on stdout; 1 when the feed would be refused. */
int headless_check_feed(const config *base, const app_options *opt, const char *target,
                        bool json);
