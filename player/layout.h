/* layout: an item's title and body to lines and pages, and the slide's
 * geometry. Pure: text width comes through layout_measure; no SDL, no clock.
 * Line breaking follows ICU plus kinsoku (linebreak.h). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* Measures the pixel advance width of UTF-8 text at a pixel size. */
typedef struct {
    void *ctx;
    int (*width)(void *ctx, const char *utf8, size_t len, int px, bool bold);
} layout_measure;

typedef struct {
    int x, y, w, h;
} layout_rect;

/* Everything layout needs to know; filled from the config by the caller. */
typedef struct {
    int screen_w, screen_h;
    double body_size;         /* body font size, fraction of screen height */
    double title_size;        /* title font size, fraction of screen height */
    double line_spacing;      /* line height / font size */
    double paragraph_spacing; /* extra gap between paragraphs, in line heights */
    double margin;            /* outer margin, fraction of screen height */
    bool indent;              /* two-character first-line indent */
    bool justify;             /* justify all but paragraph-final lines */
    bool has_image;           /* reserve the right part of the body for an image */
    const char *language;     /* BCP 47, NULL = "zh" */
    int reading_speed;        /* characters per minute */
    int page_min, page_max;   /* seconds */
    int duration;             /* item override in seconds, 0 = reading rule */
} layout_params;

/* The slide's regions, in pixels. */
typedef struct {
    layout_rect header; /* centre name, clock */
    layout_rect title;
    layout_rect body;
    layout_rect image; /* w == 0 when has_image was false */
    layout_rect footer; /* page mark, progress */
} layout_frame;

typedef struct {
    char *text;     /* the line's text, NUL-terminated, no trailing space */
    int width;      /* measured pixel width (without indent) */
    int indent;     /* pixels before the text (first line of a paragraph) */
    bool para_end;  /* last line of its paragraph (never justified) */
    bool justify;   /* spread to the box width when drawn */
} layout_line;

typedef struct {
    int first, count; /* lines[first .. first+count) */
    int chars;        /* code points on the page */
    int seconds;      /* how long the page shows */
} layout_page;

typedef struct {
    layout_frame frame;
    int title_px, body_px;
    int title_line_h, body_line_h, para_gap; /* pixels */
    int n_title_lines;  /* 0..2 */
    layout_line title_lines[2];
    int n_lines;
    layout_line *lines;
    int n_pages; /* at least 1, even for an empty body */
    layout_page *pages;
} layout_item;

/* Computes the regions of a slide for the given screen. */
layout_frame layout_frame_compute(const layout_params *p);

/* Lays out one item. Never fails for valid UTF-8 input (allocation aborts). */
layout_item *layout_item_create(const layout_params *p, const layout_measure *m,
                                const char *title, const char *body);
void layout_item_destroy(layout_item *it);
