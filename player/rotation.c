#include "rotation.h"

#include <stdlib.h>

#include "util.h"

struct rotation {
    schedule *sched;
    deck *deck;  /* the newest feed: what the schedule decides on */
    deck *shown; /* where the slide on screen comes from: an older deck
                    until the page on screen ends, then the newest */
    int w, h;
    long item; /* in shown; -1: nothing showing */
    int page;
    uint64_t deadline; /* monotonic ms when the page ends */
    bool relayout;     /* late images: lay out again at a slide boundary */
    bool screen_on;
    unsigned long made; /* layouts made by the decks destroyed so far */
};

rotation *rotation_create(schedule *sched, int screen_w, int screen_h)
{
    rotation *r = xcalloc(1, sizeof *r);
    r->sched = sched;
    r->w = screen_w;
    r->h = screen_h;
    r->item = -1;
    r->screen_on = true;
    return r;
}

void rotation_destroy(rotation *r)
{
    if (!r)
        return;
    if (r->shown != r->deck)
        deck_destroy(r->shown);
    deck_destroy(r->deck);
    free(r);
}

rotation_view rotation_get(const rotation *r)
{
    return (rotation_view){
        .deck = r->shown,
        .item = r->item,
        .page = r->page,
        .until = r->deadline,
        .screen_on = r->screen_on,
    };
}

const feed *rotation_feed(const rotation *r)
{
    return r->deck ? deck_feed(r->deck) : NULL;
}

static unsigned start_page(rotation *r, uint64_t mono)
{
    const layout_item *it = deck_layout(r->shown, (size_t)r->item);
    r->deadline = mono + (uint64_t)it->pages[r->page].seconds * 1000u;
    return ROTATION_STARTED;
}

void rotation_started(rotation *r, uint64_t mono)
{
    if (r->item >= 0)
        start_page(r, mono);
}

/* A deck no longer needed: its layouts still count. */
static void retire(rotation *r, deck *d)
{
    r->made += deck_layouts_made(d);
    deck_destroy(d);
}

unsigned long rotation_layouts_made(const rotation *r)
{
    unsigned long n = r->made + deck_layouts_made(r->deck);
    return r->shown != r->deck ? n + deck_layouts_made(r->shown) : n;
}

/* At a slide boundary: slides come from the newest deck from now on, laid
 * out again when images arrived late. */
static unsigned adopt_newest(rotation *r)
{
    bool changed = r->shown != r->deck || r->relayout;
    if (r->shown != r->deck)
        retire(r, r->shown);
    r->shown = r->deck;
    if (r->relayout && r->deck)
        deck_resize(r->deck, r->w, r->h);
    r->relayout = false;
    return changed ? ROTATION_FLUSH : 0;
}

/* The next item from the schedule, first page; or the idle state. */
static unsigned next_item(rotation *r, int64_t wall, uint64_t mono)
{
    unsigned ev = adopt_newest(r);
    r->item = r->shown && r->screen_on ? schedule_next(r->sched, wall) : -1;
    r->page = 0;
    if (r->item >= 0)
        start_page(r, mono);
    return ev | ROTATION_STARTED;
}

/* At a page boundary: the next page of the same item while it is still
 * open (in the newest feed, where a new feed keeps its place), or the next
 * item. */
static unsigned advance(rotation *r, int64_t wall, uint64_t mono)
{
    long item = r->item;
    unsigned ev = 0;
    if (r->shown != r->deck || r->relayout) {
        item = feed_find(deck_feed(r->deck), deck_feed(r->shown)->items[r->item].id);
        ev = adopt_newest(r);
    }
    if (item >= 0 && schedule_current_open(r->sched, wall) &&
        r->page + 1 < deck_layout(r->shown, (size_t)item)->n_pages) {
        r->item = item;
        r->page++;
        return ev | start_page(r, mono);
    }
    return ev | next_item(r, wall, mono);
}

unsigned rotation_new_deck(rotation *r, deck *d, int64_t wall, uint64_t mono)
{
    if (r->deck != r->shown)
        retire(r, r->deck); /* newer than the shown one, never shown itself */
    r->deck = d;
    r->relayout = false; /* d was laid out with the images there are now */
    schedule_set_feed(r->sched, deck_feed(d));
    if (r->item < 0 || (r->screen_on && schedule_should_interrupt(r->sched, wall)))
        return next_item(r, wall, mono);
    return 0;
}

void rotation_images_arrived(rotation *r, const bool *has_image)
{
    if (!r->deck)
        return;
    deck_set_images(r->deck, has_image);
    r->relayout = true;
}

unsigned rotation_set_screen(rotation *r, bool on, int64_t wall, uint64_t mono)
{
    r->screen_on = on;
    return next_item(r, wall, mono);
}

unsigned rotation_tick(rotation *r, int64_t wall, uint64_t mono)
{
    if (!r->screen_on)
        return 0;
    if (r->deck && schedule_should_interrupt(r->sched, wall))
        return next_item(r, wall, mono);
    if (r->item >= 0 && mono >= r->deadline)
        return advance(r, wall, mono);
    return 0;
}

unsigned rotation_resize(rotation *r, int screen_w, int screen_h)
{
    r->w = screen_w;
    r->h = screen_h;
    if (r->deck)
        deck_resize(r->deck, screen_w, screen_h);
    if (r->shown && r->shown != r->deck)
        deck_resize(r->shown, screen_w, screen_h);
    if (r->item >= 0) {
        int n = deck_layout(r->shown, (size_t)r->item)->n_pages;
        r->page = r->page < n ? r->page : n - 1;
    }
    return ROTATION_FLUSH;
}
