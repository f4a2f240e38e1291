/* checkfeed: what a feed will do on screen, item by item, for an admin
 * before publishing: when each item shows over the next days, its pages
 * and seconds, and what is wrong with it (an image missing or refused, an
 * unknown _signage field, text dropped by cleaning, characters no font
 * has). `--check-feed` prints it as text or JSON; `--snapshot`'s contact
 * sheet shows the same rows beside the pages. The schedule part is pure
 * (checkfeed_spans, checkfeed_item_state); checkfeed_build also asks
 * source for images on disk and fonts for glyphs. */
#pragma once
#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "blocklist.h"
#include "config.h"
#include "deck.h"
#include "feed.h"
#include "fonts.h"
#include "schedule.h"
#include "source.h"

#define CHECKFEED_DAYS 7       /* how far ahead the spans look */
#define CHECKFEED_MAX_SPANS 32 /* per item; more are counted, not listed */
#define CHECKFEED_MAX_WARNINGS 16

typedef struct {
    int64_t from, to; /* wall, Unix seconds: [from, to) */
} checkfeed_span;

typedef enum {
    CHECKFEED_OPEN,    /* open now */
    CHECKFEED_WAITING, /* opens within CHECKFEED_DAYS */
    CHECKFEED_SKIPPED, /* will not show then; see why */
} checkfeed_state;

/* When item i of f shows in [now, now + CHECKFEED_DAYS days): its window
 * open and the screen on, by the schedule's own rules (sp as the player
 * makes it). Writes at most max spans; returns how many there are. */
int checkfeed_spans(const schedule_params *sp, const feed *f, size_t i, int64_t now,
                    checkfeed_span *out, int max);

/* Whether item i is open now, opens within CHECKFEED_DAYS, or not; *why
 * (a static string) says why not for CHECKFEED_SKIPPED, else NULL. */
checkfeed_state checkfeed_item_state(const schedule_params *sp, const feed *f, size_t i,
                                     int64_t now, const char **why);

typedef struct {
    char *id, *title;
    checkfeed_state state;
    const char *why;                           /* CHECKFEED_SKIPPED */
    char why_blocked[BLOCKLIST_MAX_TERM + 16]; /* why, for a blocked item */
    int n_spans; /* may exceed CHECKFEED_MAX_SPANS: listed are the first */
    checkfeed_span spans[CHECKFEED_MAX_SPANS];
    char span_text[CHECKFEED_MAX_SPANS][48]; /* "Mon 12-01 09:00-17:30" local */
    int n_pages;
    int *seconds; /* per page */
    int total_seconds;
    airtime_how airtime; /* what it shows under the airtime cap */
    bool qr;             /* a QR code of its url on the last page */
    int n_warnings;
    char *warnings[CHECKFEED_MAX_WARNINGS];
} checkfeed_item;

typedef struct {
    int64_t now;
    char now_text[32]; /* local "2026-12-01 09:00 Asia/Shanghai" */
    int width, height;
    bool refused;
    char error[256]; /* why the feed is refused */
    size_t n_items;
    checkfeed_item *items; /* in feed order */
    int n_warnings;        /* feed-level warnings */
    char *warnings[CHECKFEED_MAX_WARNINGS];
} checkfeed_report;

/* The feed's bytes as the player reads them (the same caps and timeouts):
 * a local path or file:// URL read, an http(s) URL fetched once. NULL with
 * err filled on failure. */
char *checkfeed_raw(const config *cfg, size_t *len, char *err, size_t err_size);

/* The report for deck d (laid out for the screen), with raw the bytes it
 * was parsed from (NULL: no raw checks), src for images on disk (may be
 * NULL), fo for glyphs. */
checkfeed_report *checkfeed_build(const config *cfg, deck *d, const char *raw,
                                  size_t raw_len, source *src, fonts *fo, int64_t now);

/* A report of a refused feed (error says why). */
checkfeed_report *checkfeed_refused(int64_t now, const char *error);
void checkfeed_destroy(checkfeed_report *r);

void checkfeed_print(const checkfeed_report *r, FILE *out);
cJSON *checkfeed_json(const checkfeed_report *r);
/* One item as JSON (the contact sheet embeds these). */
cJSON *checkfeed_item_json(const checkfeed_item *ci);
