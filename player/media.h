/* media: what a slide needs besides its layout: the fonts named in the
 * config, and item images from the source's cache, decoded once and scaled
 * once to the box they are shown in (image.h). Main thread only. */
#pragma once
#include <stdbool.h>

#include <SDL.h>

#include "config.h"
#include "feed.h"
#include "fonts.h"
#include "layout.h"
#include "source.h"

typedef struct media media;

/* src is borrowed and may be NULL (no images). NULL when no font opens. */
media *media_create(const config *cfg, source *src);
void media_destroy(media *m);

fonts *media_fonts(media *m);
const layout_measure *media_measure(const media *m);

/* The item's image scaled to fit box, or NULL. Owned by media; valid until
 * the next call or media_forget_images(). */
SDL_Surface *media_image(media *m, const feed_item *item, const layout_rect *box);

void media_forget_images(media *m);

/* The config's logo scaled to fit box (the header's height), or NULL when
 * none is configured or it is not available yet. Owned by media. */
SDL_Surface *media_logo(media *m, int box_w, int box_h);
