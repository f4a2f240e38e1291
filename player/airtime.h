/* airtime: how long one item may hold the screen, and what it shows when
 * its text would hold it longer. Pure: lays out through layout.h only.
 *
 * An item fits the cap when it has at most max_pages pages and its pages'
 * seconds add up to at most max_seconds; its first page always fits (a
 * long _signage.duration keeps one page, never none). Over the cap it
 * shows its summary, laid out as the body, when it has one that fits;
 * otherwise the summary, or the body when there is none, is cut at the
 * last sentence end (sentence.h) after which it still fits with
 * AIRTIME_MARK appended. Only when not even one sentence fits is the text
 * cut at the end of a line (the mark then says it goes on). The QR plate
 * (layout_params.qr_w, qr_h) is counted in: the cut text leaves it free on
 * the last page. */
#pragma once
#include "layout.h"

#define AIRTIME_MARK "\xE2\x80\xA6\xE2\x80\xA6" /* "……": the text goes on */

typedef struct {
    int max_pages;   /* 0: no cap */
    int max_seconds; /* 0: no cap */
} airtime_cap;

typedef enum {
    AIRTIME_WHOLE,       /* the body, whole */
    AIRTIME_SUMMARY,     /* the summary instead of the body */
    AIRTIME_CUT,         /* the body's first pages, cut */
    AIRTIME_SUMMARY_CUT, /* the summary's first pages, cut */
    AIRTIME_COUNT        /* not a choice: the number of them */
} airtime_how;

/* Whether a layout fits the cap. */
bool airtime_fits(const layout_item *it, airtime_cap cap);

/* The item laid out under the cap; *how says what it shows. summary may be
 * NULL; body NULL is "". The caller destroys the layout. */
layout_item *airtime_layout(const layout_params *p, const layout_measure *m,
                            const char *title, const char *body, const char *summary,
                            airtime_cap cap, airtime_how *how);

/* "whole", "summary", "cut", "summary-cut": for --layout-dump and
 * --check-feed. */
const char *airtime_how_name(airtime_how how);
