/* deck: the feed being shown with each item's layout for one screen size.
 * Pure: layouts are made lazily through a layout_measure, once per item,
 * and kept until the deck is destroyed (a new feed or screen size makes a
 * new deck). The app, --snapshot and --layout-dump all read slides here. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "feed.h"
#include "layout.h"

typedef struct deck deck;

/* Whether the item has an image that will be drawn (the layout leaves room). */
typedef bool (*deck_image_fn)(void *ctx, const feed_item *item);

/* Takes ownership of f. cfg, m and the image callback are borrowed and must
 * outlive the deck. image may be NULL (no images). */
deck *deck_create(feed *f, const config *cfg, int screen_w, int screen_h,
                  const layout_measure *m, deck_image_fn image, void *image_ctx);
void deck_destroy(deck *d);

const feed *deck_feed(const deck *d);
size_t deck_count(const deck *d);

/* The layout of item i, made on first use. */
const layout_item *deck_layout(deck *d, size_t i);

/* Drops every layout; they are made again for the new size on use. */
void deck_resize(deck *d, int screen_w, int screen_h);

/* The layout parameters the config gives for a screen, before any item's
 * own language, duration or image. */
layout_params deck_config_params(const config *cfg, int screen_w, int screen_h);

/* The layout parameters for item i (for the frame of a slide with no item). */
layout_params deck_params(const deck *d, size_t i);
