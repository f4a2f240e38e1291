/* media: what a slide needs besides its layout: the configured fonts, and
 * item images from the source's cache, decoded once and scaled
 * once to the box they are shown in (image.h). Decoding runs on media's own
 * worker thread, one image at a time, so a slow or hostile file never
 * holds up the loop: a slide asks for its image, is drawn without it, and
 * is drawn again when it arrives. Every function is for the main thread. */
#pragma once
#include <stdbool.h>

#include <SDL.h>

#include "feed.h"
#include "fonts.h"
#include "layout.h"
#include "source.h"

typedef struct media media;

/* What media takes from the config (params_media). The strings are read
 * during media_create only (media keeps its own copies). */
typedef struct {
    const char *font_regular, *font_bold; /* empty: the bundled fonts */
    const char *language;                 /* BCP 47, for fontconfig's fallback */
    const char *logo;                     /* image path or URL; empty: none */
    int max_image_pixels;                 /* width*height cap of a decoded image */
    template_fit fit;                     /* the config's image_fit (template.h) */
} media_params;

/* Called on the worker thread when a decode has finished (or failed):
 * wake the loop, which then asks media_changed(). */
typedef void (*media_wake_fn)(void *ctx);

/* src is borrowed and may be NULL (no images). wake NULL: media_image and
 * media_logo wait for their decode instead (the headless modes, whose
 * snapshots must show the images). NULL when no font opens or the worker
 * cannot start. */
media *media_create(const media_params *p, source *src, media_wake_fn wake, void *ctx);
void media_destroy(media *m);

fonts *media_fonts(media *m);
const layout_measure *media_measure(const media *m);

/* The item's image fitted to box (its _signage.fit, else media_params.fit,
 * else the rule of template_fit_for), or NULL: none, not decoded yet (it is
 * asked for, and the wake function is called when it is done) or refused
 * (remembered: not tried again until the image or box changes, or
 * media_forget_images()). Owned by media; valid until the next call or
 * media_forget_images(). An item without a picture lets the last one go:
 * media holds the picture of the slide drawn, no other. */
SDL_Surface *media_image(media *m, const feed_item *item, const layout_rect *box);

/* True while the item image last asked of media_image is being decoded. */
bool media_image_pending(media *m);

void media_forget_images(media *m);

/* The logo (media_params) scaled to fit box (the header's height), or NULL when
 * none is configured, it is not downloaded or decoded yet, or it was
 * refused; as media_image. Owned by media. */
SDL_Surface *media_logo(media *m, int box_w, int box_h);

/* Bytes of the decoded image and logo held now. Test seam: the memory
 * figures of the soak hook (tests/bench/memory.py). */
size_t media_image_bytes(media *m);

/* True once after an image or logo arrived since the last call: the slide
 * on screen should be drawn again. */
bool media_changed(media *m);
