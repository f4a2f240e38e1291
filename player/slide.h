/* slide: what a slide takes from outside the pure layout, for the app loop
 * and the headless modes alike: which items have an image on disk (the
 * deck's input, found before laying out), and the item's image, the logo
 * and the date line when a page is drawn. Main thread only. */
#pragma once
#include <stdbool.h>

#include "config.h"
#include "deck.h"
#include "feed.h"
#include "layout.h"
#include "media.h"
#include "render.h"
#include "schedule.h"
#include "sizes.h"
#include "source.h"
#include "tz.h"

/* has_image for deck_create and rotation_images_arrived: one flag per item
 * of f, true when its image is on disk now. src may be NULL (no images).
 * The caller frees. */
bool *slide_images(source *src, const feed *f);

/* A deck of f (taken over) for the screen size and the panel's physical
 * size (display_panel; NULL: unknown), laid out with the images on disk
 * now; its footer holds a ticker's text when f has ticker items. */
deck *slide_deck(feed *f, const config *cfg, int screen_w, int screen_h,
                 const sizes_panel *panel, media *m, source *src);

/* Logs the text sizes the screen gets and what they came from (the panel
 * size's source, mm per px, the body's px and mm of ink). */
void slide_log_sizes(const config *cfg, int screen_w, int screen_h,
                     const sizes_panel *panel);

/* Draws page `page` of item i of d (its layout, image and QR code), with
 * the clock, day and lunar date (may be NULL) given for the header and the
 * item's date in zone; an urgent item's issued time (date_published, else
 * date_modified) and end (_signage.end) in zone too. */
void slide_draw(render *rd, media *m, tz *zone, deck *d, size_t i, int page,
                const char *clock, const char *day, const char *lunar);

/* The ticker's text: the titles (else the first line of the text) of d's
 * ticker items open at now, joined by a separator, at most SLIDE_TICKER_MAX
 * bytes (cut at a character); NULL when none is open. The caller frees. */
#define SLIDE_TICKER_MAX 2048
char *slide_ticker_text(deck *d, const schedule *s, int64_t now);
