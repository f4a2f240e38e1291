#include "deck.h"

#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "text.h"
#include "util.h"

struct deck {
    feed *feed;
    layout_params base; /* the screen's, before any item's own */
    deck_limits lim;
    const layout_measure *measure;
    bool *has_image;       /* one per item */
    layout_item **layouts; /* NULL until made */
    airtime_how *how;      /* one per item, set with its layout */
    qr_code **codes;       /* one per item, NULL: none or not made yet */
    unsigned long made;    /* layouts made so far (deck_layouts_made) */
};

deck *deck_create(feed *f, const layout_params *base, const deck_limits *lim,
                  const layout_measure *m, const bool *has_image)
{
    deck *d = xcalloc(1, sizeof *d);
    d->feed = f;
    d->base = *base;
    d->lim = *lim;
    d->measure = m;
    d->layouts = xcalloc(f->n_items, sizeof *d->layouts);
    d->how = xcalloc(f->n_items, sizeof *d->how);
    d->codes = xcalloc(f->n_items, sizeof *d->codes);
    d->has_image = xcalloc(f->n_items, sizeof *d->has_image);
    deck_set_images(d, has_image);
    return d;
}

void deck_destroy(deck *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->feed->n_items; i++) {
        layout_item_destroy(d->layouts[i]);
        qr_destroy(d->codes[i]);
    }
    free(d->layouts);
    free(d->how);
    free(d->codes);
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

template_kind deck_template(const feed_item *it, bool has_image)
{
    size_t n = strlen(it->body);
    int paragraphs = n > 0;
    for (const char *p = it->body; (p = strchr(p, '\n')) != NULL; p++)
        paragraphs++;
    template_facts f = {
        .urgent = it->signage.priority == FEED_PRIORITY_URGENT,
        .has_image = has_image,
        .body_chars = text_count_chars(it->body, n),
        .paragraphs = paragraphs,
    };
    return template_choose(&f);
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
        p.duration = dur > d->lim.duration_cap ? d->lim.duration_cap : dur;
        p.kind = deck_template(it, d->has_image[i]);
        p.badge = it->signage.priority == FEED_PRIORITY_HIGH;
    }
    return p;
}

/* The cap for item i: its own max_pages replaces the config's pages and
 * seconds. */
static airtime_cap item_cap(const deck *d, const feed_item *it)
{
    if (it->signage.max_pages > 0)
        return (airtime_cap){it->signage.max_pages, 0};
    return d->lim.cap;
}

/* Item i's QR code, and room for its plate in p. */
static void make_qr(deck *d, size_t i, layout_params *p)
{
    qr_destroy(d->codes[i]);
    d->codes[i] = d->lim.qr ? qr_encode(d->feed->items[i].url) : NULL;
    if (!d->codes[i])
        return;
    int side = p->screen_w < p->screen_h ? p->screen_w : p->screen_h;
    qr_plate plate = qr_plate_for(d->codes[i]->size, side);
    p->qr_w = plate.w;
    p->qr_h = plate.h;
}

const layout_item *deck_layout(deck *d, size_t i)
{
    if (i >= d->feed->n_items)
        return NULL;
    if (!d->layouts[i]) {
        layout_params p = item_params(d, i);
        const feed_item *it = &d->feed->items[i];
        make_qr(d, i, &p);
        d->layouts[i] = airtime_layout(&p, d->measure, it->title, it->body, it->summary,
                                       item_cap(d, it), &d->how[i]);
        d->made++;
    }
    return d->layouts[i];
}

airtime_how deck_airtime(deck *d, size_t i)
{
    return deck_layout(d, i) ? d->how[i] : AIRTIME_WHOLE;
}

const qr_code *deck_qr(deck *d, size_t i)
{
    const layout_item *it = deck_layout(d, i);
    return it && it->frame.qr.w > 0 ? d->codes[i] : NULL;
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
