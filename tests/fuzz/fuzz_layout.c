/* fuzz_layout: an item laid out with the bundled font, measured through the
 * real SDL_ttf (fonts.c, as the player does; no window is needed). The
 * first PARAM_BYTES bytes of the input are the layout_params (screen size
 * up to 4096 px, sizes and spacings a little past the config's ranges,
 * since layout clamps them; the template kind, also past the last one,
 * the badge, the ticker and a QR plate up to 1020 px), the rest is the
 * title, a 0xFF byte, then the body; both are normalised first, as
 * feed_parse does. Then layout.h's promises are checked: each line holds
 * its text at its offset with no space at its ends, a paragraph's lines
 * joined give it back, no line is wider than its box unless it is one
 * grapheme, the pages cover the lines in order and count their
 * characters, no zone has a negative size, the badge lies in the first
 * title line and the QR plate on the screen. A broken promise aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_ttf.h>

#include "fonts.h"
#include "layout.h"
#include "linebreak.h"
#include "fuzz.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PARAM_BYTES 14
#define MAX_TEXT (16 * 1024)

/* A byte to [lo, hi]. */
static double unit(uint8_t b, double lo, double hi)
{
    return lo + (hi - lo) * b / 255.0;
}

static layout_params params_from(const uint8_t *d)
{
    return (layout_params){
        .screen_w = (d[0] | d[1] << 8) % 4097,
        .screen_h = (d[2] | d[3] << 8) % 4097,
        .body_size = unit(d[4], 0.0, 0.35),
        .title_size = unit(d[5], 0.0, 0.35),
        .line_spacing = unit(d[6], 0.5, 3.5),
        .paragraph_spacing = unit(d[7], -0.5, 3.5),
        .margin = unit(d[8], -0.05, 0.3),
        .indent = d[9] & 1,
        .justify = d[9] & 2,
        .enlarge_short = d[9] & 4,
        .kind = (template_kind)(d[9] >> 6 | (d[9] & 8) >> 1),
        .language = d[9] & 16 ? "ja" : "zh",
        .reading_speed = 30 + d[10] * 12,
        .page_min = 1 + (d[11] & 15),
        .page_max = 1 + (d[11] & 15) + (d[11] >> 4) * 10,
        .duration = d[9] & 32 ? d[11] : 0,
        .badge = d[12] & 1,
        .ticker = d[12] & 2,
        .qr_w = d[13] * 4,
        .qr_h = d[13] * 4,
    };
}

/* The lines of body's paragraph [a, b) from line k on; returns the line
 * after its last. */
static int check_paragraph(const layout_item *it, linebreak *lb, const char *body,
                           size_t a, size_t b, int k)
{
    size_t at = a;
    for (; k < it->n_lines; k++) {
        const layout_line *l = &it->lines[k];
        size_t tl = strlen(l->text), n_gr;
        if (tl == 0 || l->text[0] == ' ' || l->text[tl - 1] == ' ' || l->offset != at ||
            l->offset + tl > b || memcmp(body + at, l->text, tl) != 0)
            abort();
        at += tl + l->space_after;
        linebreak_graphemes(lb, l->text, tl, &n_gr);
        if (l->width > it->frame.body.w - l->indent && n_gr > 1)
            abort();
        if (l->para_end)
            break;
    }
    if (at != b + (k < it->n_lines && it->lines[k].space_after))
        abort(); /* text lost or duplicated */
    return k + 1;
}

static void check_lines(const layout_item *it, linebreak *lb, const char *body)
{
    int k = 0;
    while (k < it->n_lines && it->lines[k].from_title)
        k++; /* the rest of a cut title comes first */
    for (size_t a = 0, n = strlen(body); a < n;) {
        const char *nl = memchr(body + a, '\n', n - a);
        size_t b = nl ? (size_t)(nl - body) : n;
        k = check_paragraph(it, lb, body, a, b, k);
        a = b + 1;
    }
    if (k != it->n_lines)
        abort();
}

static void check_pages(const layout_item *it)
{
    int next = 0;
    if (it->n_pages < 1 || it->n_title_lines < 0 ||
        it->n_title_lines > LAYOUT_TITLE_LINES)
        abort();
    for (int i = 0; i < it->n_pages; i++) {
        const layout_page *pg = &it->pages[i];
        if (pg->first != next || (pg->count < 1 && it->n_lines > 0) || pg->seconds < 1)
            abort();
        int chars = 0;
        for (int k = pg->first; k < pg->first + pg->count; k++)
            chars += (int)text_count_chars(it->lines[k].text, strlen(it->lines[k].text));
        if (chars != pg->chars)
            abort();
        next += pg->count;
    }
    if (next != it->n_lines)
        abort();
}

/* No zone of negative size; the badge and the QR plate on the screen. */
static void check_frame(const layout_item *it, const layout_params *p)
{
    const layout_frame *fr = &it->frame;
    const layout_rect *all[] = {&fr->header, &fr->title,  &fr->body,
                                &fr->image,  &fr->band,   &fr->badge,
                                &fr->meta,   &fr->footer, &fr->qr};
    int sw = p->screen_w < 64 ? 64 : p->screen_w,
        sh = p->screen_h < 64 ? 64 : p->screen_h;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->w < 0 || all[i]->h < 0)
            abort();
    const layout_rect *b = &fr->badge, *q = &fr->qr;
    if (b->w > 0 && (b->x < fr->title.x || b->x + b->w > fr->title.x + fr->title.w ||
                     b->y < fr->title.y || b->y + b->h > fr->title.y + it->title_line_h))
        abort(); /* the badge in the first title line */
    if (q->w > 0 && (q->x < 0 || q->y < 0 || q->x + q->w > sw || q->y + q->h > sh))
        abort();
}

static fonts *f;
static linebreak *lb;

/* At exit, before the leak check: fontconfig's memory goes with the fonts. */
static void cleanup(void)
{
    fonts_destroy(f);
    linebreak_destroy(lb);
    TTF_Quit();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!f) {
        fuzz_quiet();
        if (TTF_Init() != 0 || !(f = fonts_create(NULL, NULL, "zh-CN"))) {
            fprintf(stderr, "fuzz_layout: the bundled font did not open\n");
            abort(); /* nothing to fuzz */
        }
        lb = linebreak_create("zh");
        atexit(cleanup);
    }
    if (size < PARAM_BYTES)
        return 0;
    layout_params p = params_from(data);
    const char *text = (const char *)data + PARAM_BYTES;
    size_t n = size - PARAM_BYTES;
    const char *sep = memchr(text, 0xFF, n);
    size_t tn = sep ? (size_t)(sep - text) : 0;
    char *title = text_normalise_line(text, tn, 1024);
    char *body = sep ? text_normalise(sep + 1, n - tn - 1, MAX_TEXT)
                     : text_normalise(text, n, MAX_TEXT);
    layout_measure m = fonts_measure(f);
    layout_item *it = layout_item_create(&p, &m, title, body);
    check_lines(it, lb, body);
    check_pages(it);
    check_frame(it, &p);
    layout_item_destroy(it);
    free(title);
    free(body);
    return 0;
}
