#include "deck.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct deck {
    feed *feed;
    layout_params base; /* the screen's, before any item's own */
    int duration_cap;
    const layout_measure *measure;
    bool *has_image;       /* one per item */
    layout_item **layouts; /* NULL until made */
    unsigned long made;    /* layouts made so far (deck_layouts_made) */
};

deck *deck_create(feed *f, const layout_params *base, int duration_cap,
                  const layout_measure *m, const bool *has_image)
{
    deck *d = xcalloc(1, sizeof *d);
    d->feed = f;
    d->base = *base;
    d->duration_cap = duration_cap;
    d->measure = m;
    d->layouts = xcalloc(f->n_items, sizeof *d->layouts);
    d->has_image = xcalloc(f->n_items, sizeof *d->has_image);
    deck_set_images(d, has_image);
    return d;
}

void deck_destroy(deck *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->feed->n_items; i++)
        layout_item_destroy(d->layouts[i]);
    free(d->layouts);
    free(d->has_image);
    feed_destroy(d->feed);
    free(d);
}

const feed *deck_feed(const deck *d)
{
    return d->feed;
}

size_t deck_count(const deck *d)
{
    return d->feed->n_items;
}

/* The layout parameters for item i. */
static layout_params item_params(const deck *d, size_t i)
{
    layout_params p = d->base;
    if (d->feed->language)
        p.language = d->feed->language;
    if (i < d->feed->n_items) {
        const feed_item *it = &d->feed->items[i];
        if (it->language)
            p.language = it->language;
        int dur = it->signage.duration;
        p.duration = dur > d->duration_cap ? d->duration_cap : dur;
        p.has_image = d->has_image[i];
    }
    return p;
}

const layout_item *deck_layout(deck *d, size_t i)
{
    if (i >= d->feed->n_items)
        return NULL;
    if (!d->layouts[i]) {
        layout_params p = item_params(d, i);
        const feed_item *it = &d->feed->items[i];
        d->layouts[i] = layout_item_create(&p, d->measure, it->title, it->body);
        d->made++;
    }
    return d->layouts[i];
}

void deck_resize(deck *d, int screen_w, int screen_h)
{
    for (size_t i = 0; i < d->feed->n_items; i++) {
        layout_item_destroy(d->layouts[i]);
        d->layouts[i] = NULL;
    }
    d->base.screen_w = screen_w;
    d->base.screen_h = screen_h;
}

void deck_set_images(deck *d, const bool *has_image)
{
    for (size_t i = 0; i < d->feed->n_items; i++)
        d->has_image[i] = has_image && has_image[i];
}

unsigned long deck_layouts_made(const deck *d)
{
    return d ? d->made : 0;
}
