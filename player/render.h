/* render: draws slides on an SDL_Renderer. Owns a cache of line textures
 * (capped in bytes, least recently used evicted) so that a page that comes
 * round again is not shaped or rasterised again. Called by the app loop and
 * the headless snapshot mode only. */
#pragma once
#include <stdbool.h>

#include <SDL.h>

#include "fonts.h"
#include "layout.h"
#include "qr.h"

typedef struct render render;

/* What one slide shows; everything is borrowed for the call. */
typedef struct {
    const layout_item *layout;
    int page;              /* 0-based page of layout */
    const char *date;      /* item date line for the footer, may be NULL */
    const char *clock;     /* "14:05" */
    const char *day;       /* "6月28日 星期五" */
    SDL_Surface *image;    /* already scaled to layout->frame.image, may be NULL */
    const void *image_key; /* identity of image for the texture cache */
    SDL_Surface *logo;     /* the centre logo for the header, may be NULL */
    bool urgent;           /* urgent template */
    const qr_code *qr;     /* drawn in layout->frame.qr on the last page; may be NULL */
} render_slide;

/* The colours and the centre's name every slide uses. */
typedef struct {
    SDL_Color background, foreground, accent, muted;
    char centre_name[256];
    char qr_caption[256]; /* the line under a QR code */
} render_theme;

render *render_create(SDL_Renderer *r, fonts *f, const render_theme *theme);
void render_destroy(render *rd);

void render_draw_slide(render *rd, const render_slide *s);

/* The calm slide shown while there is nothing to show yet: centre name,
 * clock and a short line of status. Never black. */
void render_draw_waiting(render *rd, int screen_w, int screen_h, const char *clock,
                         const char *day, const char *status);

/* Outside screen hours: black. */
void render_draw_off(render *rd);

/* Drops every cached texture (e.g. after a new feed). */
void render_flush(render *rd);

/* Bytes of texture memory the cache holds now (the metrics file; tests). */
size_t render_cache_bytes(const render *rd);

/* Textures held now: the cached lines, the image and the logo. Test seam:
 * only the tests and the soak hook call it. */
size_t render_textures(const render *rd);
