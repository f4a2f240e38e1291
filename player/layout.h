/* layout: an item's title and body to lines and pages, and the slide's
 * geometry. Pure: text width comes through layout_measure; no SDL, no clock.
 * Line breaking follows ICU plus kinsoku (linebreak.h). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "template.h"

#define LAYOUT_TITLE_LINES 3    /* title lines before the title is cut */
#define LAYOUT_URGENT_SCALE 1.4 /* urgent type, of the configured sizes */
#define LAYOUT_BADGE "重要"     /* the high-priority mark beside the title */
#define LAYOUT_BADGE_SCALE 0.6  /* its text, of the title's size */
/* The header's clock px, of the body px: its digits' ink (0.74 em) then
 * stands above a Han character's at the body size (0.88 em). */
#define LAYOUT_CLOCK_SCALE 1.4
/* The ticker's text px, of the footer band's height (render_draw_ticker). */
#define LAYOUT_TICKER_SHARE 0.56

/* Measures the pixel advance width of UTF-8 text at a pixel size. */
typedef struct {
    void *ctx;
    int (*width)(void *ctx, const char *utf8, size_t len, int px, bool bold);
    /* The monospace face for code lines; NULL: width() regular is used. */
    int (*width_mono)(void *ctx, const char *utf8, size_t len, int px);
    /* Called with the item's language before its text is measured, so the
     * faces match what will be drawn; NULL: one face for all. */
    void (*language)(void *ctx, const char *language);
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
    bool indent;              /* two-character first-line indent (prose only:
                                 an item none of whose paragraphs wraps, a
                                 list or a timetable, is set flush left) */
    bool justify;             /* justify all but paragraph-final lines */
    bool enlarge_short;       /* a short item that fits one page with room to
                                 spare is set up to 1.3 times larger */
    template_kind kind;       /* the slide's design (template.h): its zones */
    bool badge;               /* a LAYOUT_BADGE beside the title (high priority) */
    const char *language;     /* BCP 47, NULL = "zh" */
    int reading_speed;        /* characters per minute */
    int page_min, page_max;   /* seconds */
    int duration;             /* item override in seconds, 0 = reading rule */
    int qr_w, qr_h;           /* the QR plate in pixels (qr.h), 0 = none */
    bool ticker;              /* the feed has ticker items: the footer holds
                                 text at the body size */
} layout_params;

/* The slide's regions, in pixels. */
typedef struct {
    layout_rect header; /* centre name, date, clock; on a portrait screen
                           a second row for the date */
    layout_rect title;
    layout_rect body;
    layout_rect image;  /* the picture's box; w == 0: none (text, urgent) */
    layout_rect band;   /* urgent: the 紧急通知 band across the screen; photo:
                           the scrim behind title and body (to the screen's
                           bottom); else w == 0 */
    layout_rect badge;  /* the LAYOUT_BADGE plate after the first title line,
                           its text centred in it, inside the title's box;
                           w == 0: none (none asked, or no room: it would
                           take over half the title's width) */
    layout_rect meta;   /* urgent: the line of issued and end times above the
                           footer; else w == 0 */
    layout_rect footer; /* page mark, progress */
    layout_rect qr;     /* the QR plate in the body's bottom right corner (a
                           landscape photo's: beside the body), on the last page only;
                           w == 0: none (none asked, or the body too small
                           to keep two lines above it) */
    int label_px;       /* the header's name and date: the body size */
    int clock_px;       /* the header's clock: LAYOUT_CLOCK_SCALE times that */
    int date_row;       /* the height of the header's second row (the date,
                           under the name and clock), 0: one row */
} layout_frame;

typedef struct {
    char *text;    /* the line's text, NUL-terminated, no trailing space */
    int width;     /* measured pixel width (without indent) */
    int indent;    /* pixels before the text (first line of a paragraph) */
    bool para_end; /* last line of its paragraph (never justified) */
    bool justify;  /* spread to the box width when drawn */
    /* Added by layout; they make "no text lost or duplicated" checkable. */
    size_t offset;    /* byte offset of the line's start in the body (title) */
    bool para_start;  /* first line of its paragraph */
    bool space_after; /* broke at a space: one space joins it to the next line
                         (a break between CJK characters joins with nothing) */
    /* The block the line belongs to (text.h's kinds; a title line is
     * TEXT_BODY, a TEXT_BREAK line takes the kind of the line before). */
    int kind;    /* text_kind */
    int px;      /* font size: body_px, larger for a heading */
    bool bold;   /* headings */
    bool mono;   /* code: layout_measure.width_mono, else the regular face */
    int height;  /* line box height in px */
    int gap;     /* px above the line unless it starts a page */
    int rule_x;  /* quote: a vertical rule at this x from body.x, else -1 */
    char *mark;  /* first line of a list item: its marker, else NULL */
    int mark_x;  /* where the marker starts, from body.x */
    int n_cells; /* table row: text holds n_cells cells separated by
                    TEXT_SEP, cell k starting cell_x[k] px after indent */
    int *cell_x;
    bool ellipsis;   /* title only: the title was cut and this line ends "……" */
    bool from_title; /* body only: the rest of a cut title (offset counts in
                        the title, not the body); such lines come first */
} layout_line;

typedef struct {
    int first, count; /* lines[first .. first+count) */
    int chars;        /* code points on the page */
    int seconds;      /* how long the page shows */
} layout_page;

typedef struct {
    template_kind kind; /* layout_params.kind: what render draws */
    layout_frame frame;
    int title_px, body_px;
    int title_line_h, body_line_h, para_gap; /* pixels */
    int n_title_lines;                       /* 0..LAYOUT_TITLE_LINES */
    layout_line title_lines[LAYOUT_TITLE_LINES];
    int n_lines;
    layout_line *lines;
    char *language; /* the item's (layout_params.language) or NULL: what
                       render sets it in (fonts_use_language) */
    bool centred;   /* title lines centred (indent) and the title's rule
                       under their middle: a short item set as a poster */
    int n_pages;    /* at least 1, even for an empty body */
    layout_page *pages;
} layout_item;

/* Computes the regions of a slide for the given screen. Sizes (fonts,
 * margins, bands) scale with the screen's short side, which is its height
 * on a landscape screen; a portrait screen (the same panel turned) thus gets
 * the same physical text size. The header band is 1.2 clock sizes high (a
 * portrait screen adds a row of 1.5 body sizes for the date); the footer
 * 5% of the short side, or with a ticker as high as the ticker needs to set
 * its text at the body size; the body ends half a margin above it. The
 * header and footer bands are the same in every template. By kind (template.h):
 * - text: title, then body, across the screen;
 * - image: landscape: the picture's box is the right 38% of the room
 *   between header and footer, title and body beside it; portrait: the box
 *   is the top 38% of that room, across, title and body under it;
 *   the box never overlaps title or body;
 * - photo: the picture's box is the whole screen, title and body (short)
 *   at the bottom over the scrim (band), which reaches the screen's bottom;
 *   in landscape a QR plate at the bottom right beside them (title and
 *   body narrower);
 * - urgent: body and title sizes LAYOUT_URGENT_SCALE times larger; the band under
 *   the header across the whole width, the meta line above the footer,
 *   title and body between them.
 * The title box holds two title lines at title_size (layout_item_create
 * fits it to the lines used).
 * Out-of-range params are clamped, never trusted. layout_item_create
 * computes it; public as a test seam (only the tests call it). */
layout_frame layout_frame_compute(const layout_params *p);

/* p as its template sets it (clamped like every input): an urgent item's
 * sizes LAYOUT_URGENT_SCALE times larger; urgent and photo text neither
 * indented nor justified. layout_item_create lays out with it; public as
 * a test seam. */
layout_params layout_template_params(const layout_params *p);

/* The note set in place of a table too wide for the body. */
#define LAYOUT_WIDE_TABLE "\xEF\xBC\x88表格过宽，未显示\xEF\xBC\x89"

/* Lays out one item. Never fails for valid UTF-8 input (allocation aborts).
 * Invalid UTF-8 gives no crash, only odd breaks.
 * - Title: bold, title_size but never below the body size; if it needs
 *   more than LAYOUT_TITLE_LINES lines the size shrinks in steps of 5% down
 *   to 70% (or the body size), then line 3 is cut at a word boundary and
 *   ends "……", and the rest of the title is the body's first paragraph
 *   (its lines are from_title). Lines break at phrase ends (a space, "，",
 *   "：", "、"...) up to half a line from even, else between words (ICU's
 *   dictionary), away from digits, never between a number and its unit
 *   across a space; else they are of even length. it->frame is the slide's
 *   frame with the title box fitted to the lines used and the body (and a
 *   side image) changed by the same amount.
 * - Lists and timetables: a paragraph that listline_is_ragged is set
 *   without indent and not justified.
 * - A short item (enlarge_short) is set up to 1.3 times larger, never above
 *   the title; a notice (one paragraph of at most 30 characters) up to 2.5
 *   times, in at most two lines broken as a title's, and centred in the
 *   body's room (the body box moved down, each line's indent centring it).
 * - Body: '\n' separates paragraphs (empty ones are skipped); lines follow
 *   linebreak.h (ICU + kinsoku + numbers with units + URLs), greedily; a
 *   unit wider than the line it starts is broken at grapheme boundaries. A
 *   paragraph's last line of one or two characters takes the last segment of
 *   the line before along (no lone character), if that line stays half full.
 *   Every line's width <= body.w - indent, unless a single grapheme is wider.
 *   Spaces at the ends of lines are dropped; joining a paragraph's lines with
 *   one space after each space_after line gives the paragraph back.
 * - Kinds (text.h): a heading is bold, 1.5/1.3/1.15/1.05 times the body
 *   size (h1-h4, then body size), never indented nor justified, and never
 *   the last line of a page when moving it helps; a list item hangs after
 *   its marker, 2 em further per level, not justified; a quote is set 1.5 em
 *   in per level with a rule at its left; a rule is an empty line (drawn
 *   as a line); a code line is in the mono face at 0.85 times the body
 *   size, its leading spaces kept as indent, never justified; table rows
 *   are set as columns (each as wide as its widest cell, 1 em apart), at
 *   the body size or 85% or 70% of it, or when they do not fit the body
 *   width even then replaced by one line
 *   LAYOUT_WIDE_TABLE (kind TEXT_ROW, n_cells 0); a short item is not
 *   enlarged when that would leave out a table; a TEXT_BREAK line goes on in the style of
 * the line before, without gap or first-line indent. The first-line indent is for body
 * paragraphs only. Lines of one code block, one table or one list have no gap between
 * them.
 * - Badge (badge, not urgent): the title is set narrower by the plate's
 *   width and a gap, and frame.badge sits half a title size after the first
 *   title line, in its middle; the plate is its text's width plus its size.
 * - Poster (enlarge_short, and always for urgent): an item on one page
 *   whose title and body take at most 3/4 of the room from the title's
 *   top to the body's bottom (or a notice) is centred in it as a block (the
 *   title and body boxes moved down, and a picture above them with them; a notice's title
 * lines centred too: centred). On a portrait screen such an item (not a notice, text or
 *   image template, its whole title kept) that takes less than half the
 *   room first has title and body set up to 1.6 times larger, the largest
 *   that keeps one page, a quarter of the room and its one-line
 *   paragraphs in one line. An urgent body is first set as large
 * as fits one page (up to URGENT_GROW times), ragged; urgent and photo text is not
 * indented. A photo's title and body sit at the screen's bottom, above the footer, the
 * scrim (band) from three margins above the title.
 * - Pages: as many lines as fit body.h (paragraph gaps counted, at least one
 *   line a page); a page does not start with a paragraph's last line nor end
 *   with its first line when moving a line avoids it. Seconds: duration if
 *   > 0, else chars * 60 / reading_speed rounded up, clamped to
 *   [page_min, page_max].
 * - QR plate: the last page's lines end half a body size above frame.qr;
 *   when they would not, the last lines that fit there make a page of
 *   their own (the page before keeps the rest). A short item is enlarged
 *   only as far as it leaves the plate free. */
layout_item *layout_item_create(const layout_params *p, const layout_measure *m,
                                const char *title, const char *body);
void layout_item_destroy(layout_item *it);
