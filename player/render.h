/* render: draws slides on an SDL_Renderer. Owns a cache of lines, kept as
 * coverage (a byte a pixel, tinted when drawn: one entry for every colour;
 * capped at two screens' worth, least recently used evicted) so that a page
 * that comes round again is not shaped or rasterised again. Called by the
 * app loop and the headless snapshot mode only. */
#pragma once
#include <stdbool.h>

#include <SDL.h>

#include "fonts.h"
#include "layout.h"
#include "qr.h"
#include "transition.h"

typedef struct render render;

/* What one slide shows; everything is borrowed for the call. */
typedef struct {
    const layout_item *layout;
    int page;              /* 0-based page of layout */
    const char *date;      /* item date line for the footer, may be NULL */
    const char *clock;     /* "14:05" */
    const char *day;       /* "6月28日 星期五" */
    const char *lunar;     /* "农历五月廿三" ([player] lunar_date), may be NULL */
    SDL_Surface *image;    /* already fitted to layout->frame.image (at most its
                              size; centred in it), may be NULL */
    const void *image_key; /* identity of image for the texture cache */
    SDL_Surface *logo;     /* the centre logo for the header, may be NULL */
    const char *issued;    /* urgent: "发布 7月2日 10:00" for frame.meta, or NULL */
    const char *ends;      /* urgent: "有效至 7月2日 18:00", or NULL */
    const qr_code *qr;     /* drawn in layout->frame.qr on the last page; may be NULL */
} render_slide;

/* The colours and the centre's name every slide uses. */
typedef struct {
    SDL_Color background, foreground, accent, muted;
    /* An urgent slide's screen, text, 紧急通知 band (and badge), header and
     * times. */
    SDL_Color urgent_background, urgent_foreground, urgent_accent, urgent_muted;
    char centre_name[256];
    char qr_caption[256]; /* the line under a QR code */
} render_theme;

render *render_create(SDL_Renderer *r, fonts *f, const render_theme *theme);
void render_destroy(render *rd);

/* Draws by the layout's template (template.h): text and image in the
 * theme's colours; photo: the picture over the screen, scrims of the
 * theme-independent dark RENDER_SCRIM under the header and behind title
 * and body (frame.band), light text on them; urgent: its dark red screen,
 * the 紧急通知 band, light text, the issued and end times in frame.meta.
 * A high item's LAYOUT_BADGE in the accent colour in frame.badge. */
void render_draw_slide(render *rd, const render_slide *s);

/* What the waiting slide shows; borrowed for the call. */
typedef struct {
    const char *clock, *day;
    const char *lunar;  /* may be NULL */
    const char *status; /* a short line under the date, may be NULL */
    int label_px;       /* the body size (layout_frame.label_px): the name, the
                           date and the status are no smaller */
} render_waiting;

/* The calm slide shown while there is nothing to show yet: centre name,
 * clock, date and a short line of status. Never black. */
void render_draw_waiting(render *rd, int screen_w, int screen_h,
                         const render_waiting *wt);

/* Outside screen hours: black. */
void render_draw_off(render *rd);

/* Pages for transitions: the slide is drawn into a page texture, and
 * render_compose puts the page (or, during a transition, the outgoing and
 * the incoming page) on screen. Both pages are whole before a transition
 * starts, so no frame between two slides is black or half drawn.
 * render_page_begin(rd, fresh) points the drawing at a page: fresh (a new
 * slide) keeps the page on screen as the outgoing one; otherwise the page on
 * screen is drawn again (the clock's minute). False when the renderer has no
 * target textures: draw straight to the screen then, as a cut (and not
 * turned). */
bool render_page_begin(render *rd, bool fresh);
void render_page_end(render *rd);
/* Draws frame f to the screen (not presented). A done frame shows the
 * incoming page alone and frees the outgoing one (its memory is one screen);
 * with SDL's software renderer, whose screen keeps its pixels, it frees the
 * incoming one too, and the next fresh render_page_begin reads the outgoing
 * page back from the screen. A done frame with no page draws nothing: what
 * is on screen stays. A done frame over the same page as the last one, on
 * a renderer that keeps its pixels (the software one), presents only the
 * ticker's band again. */
void render_compose(render *rd, const transition_frame *f);
/* Presents what was composed: only the band when only the band changed
 * (SDL_UpdateWindowSurfaceRects on the software renderer's window), else
 * SDL_RenderPresent. */
void render_present(render *rd);
/* Frees both pages (transition = none from now, the screen went, or the
 * renderer was reset). */
void render_pages_drop(render *rd);

/* Portrait mounting ([display] rotation): the pages are drawn upright at
 * the logical size (the output's, turned) and turned `degrees` clockwise
 * (0, 90, 180, 270) onto the output when composed, so that a slide's top is
 * at the output's right edge with 90. Drops the pages when it changes. */
void render_set_rotation(render *rd, int degrees);
/* The logical size for an output of *w x *h with rotation: swapped by 90
 * and 270. The deck is laid out, and the pages drawn, at that size. */
void render_logical_size(int rotation, int *w, int *h);

/* The footer's ticker: text scrolling right to left in the left 70% of
 * footer (the page mark keeps the rest), its place from ticker.h: from the
 * time alone, speed pixels per second since start (monotonic ms). Drawn over
 * the page each frame (turned as the page is); the strip's textures come
 * from the cache, in pieces no wider than the renderer's max_texture_width
 * (at most 8192 px; at most 16 pieces, the rest cut with a log line). */
typedef struct {
    layout_rect footer;
    const char *text;
    int speed;
    uint64_t start, now;
} render_ticker_strip;
void render_draw_ticker(render *rd, const render_ticker_strip *t);

/* Draws one line of text (regular weight) from the cache, its top left at
 * (x, y) in colour c, justified to justify_to pixels when that is more
 * than 0, as slides draw their lines; returns the width drawn. Test seam:
 * only the tests call it. */
int render_draw_text(render *rd, const char *text, int px, SDL_Color c, int x, int y,
                     int justify_to);

/* Drops every cached texture (e.g. after a new feed). */
void render_flush(render *rd);

/* Bytes of texture memory the cache holds now (the metrics file; tests). */
size_t render_cache_bytes(const render *rd);

/* The cache's cap in bytes: two screens' worth of pixels at the renderer's
 * output size now (256 KiB when it has none), a line's pixel taking a byte
 * (its coverage, tinted when drawn); the least recently used go first.
 * Test seam: the tests call it. */
size_t render_cache_cap(const render *rd);

/* Texture bytes held now, by what they are for (4 bytes a pixel). */
typedef struct {
    size_t lines;  /* the cache: lines' coverage, the ticker strip, QR codes */
    size_t pages;  /* the page on screen and, during a transition, the outgoing */
    size_t images; /* the item image and the logo */
} render_bytes;
render_bytes render_get_bytes(const render *rd);

/* Textures held now: the cached lines, the image and the logo. Test seam:
 * only the tests and the soak hook call it. */
size_t render_textures(const render *rd);

/* Test hook (SIGNAGE_TEST_RENDER_RESET): what a reset of the GPU does to
 * the textures, on any renderer: both pages black, every cached texture
 * drawn black until it is made again. */
void render_lose_for_test(render *rd);
