/* deck: the feed being shown with each item's layout for one screen size.
 * Pure: layouts are made lazily through a layout_measure, once per item,
 * and kept until the deck is destroyed (a new feed makes a new deck) or
 * laid out again (a new screen size, images that arrived late). The app,
 * --snapshot and --layout-dump all read slides here. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "airtime.h"
#include "feed.h"
#include "layout.h"
#include "qr.h"

typedef struct deck deck;

/* The limits on each item's time on screen (params_deck). */
typedef struct {
    int duration_cap; /* seconds: the cap on an item's own duration */
    airtime_cap cap;  /* pages and seconds an item holds the screen; an
                         item's _signage.max_pages replaces both */
    bool qr;          /* a QR code of each item's url (qr_url_ok) */
} deck_limits;

/* Takes ownership of f. base is the layout for the screen before any
 * item's own language, duration or image (params_layout); it is copied,
 * but its language string and m are borrowed and must outlive the deck.
 * lim is copied. has_image[i] says
 * whether item i has an image that will be drawn (the layout leaves room
 * for it); it is copied, and may be NULL (no images). The caller finds
 * out; the deck never asks anyone. */
deck *deck_create(feed *f, const layout_params *base, const deck_limits *lim,
                  const layout_measure *m, const bool *has_image);
void deck_destroy(deck *d);

const feed *deck_feed(const deck *d);
size_t deck_count(const deck *d);

/* The layout of item i, made on first use: under the airtime cap
 * (airtime.h), with room for its QR code. */
const layout_item *deck_layout(deck *d, size_t i);

/* The template (template.h) of an item with or without a picture that
 * will be drawn: its facts read here, the choice template_choose's. */
template_kind deck_template(const feed_item *it, bool has_image);

/* What item i shows under the airtime cap (its layout is made if needed). */
airtime_how deck_airtime(deck *d, size_t i);

/* Item i's QR code, drawn in its layout's frame.qr on the last page; NULL
 * when it has none (no url, qr off, or no room). Made with the layout. */
const qr_code *deck_qr(deck *d, size_t i);
/* How many item layouts were made so far (a layout made again after
 * deck_resize counts again); 0 for NULL. The metrics time the steps that
 * made some. */
unsigned long deck_layouts_made(const deck *d);

/* Drops every layout; they are made again for the new size on use. */
void deck_resize(deck *d, int screen_w, int screen_h);

/* Which items have an image from now on (copied; one flag per item). Layouts
 * made from now on leave room for one; those made already stay until
 * deck_resize(). */
void deck_set_images(deck *d, const bool *has_image);
