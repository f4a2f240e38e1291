/* rotation: which slide is on screen and until when. Pure: it takes the
 * wall time (Unix seconds, what is open) and the monotonic time (ms, how
 * long a page shows) as arguments, and the events as calls: a new feed,
 * images arrived, the screen switched, the window resized, time passed.
 * No SDL, no clock reads, no source. The app draws what rotation_get()
 * says and sleeps until its `until`; tests drive it with made-up times.
 *
 * Rules (what the app did before it moved here):
 * - A new feed goes to the schedule at once, so an open urgent item in it
 *   interrupts at once, and an empty screen takes it at once. Otherwise the
 *   slide on screen finishes its page in the old feed; at that boundary the
 *   newest feed is adopted, and the item keeps its place in it by id (its
 *   next page, while it is still open) or the rotation goes on.
 * - Images that arrived late lay the newest feed out again at the next
 *   slide boundary, never mid-page.
 * - Screen off: nothing is shown (the idle state), nothing advances.
 * - A resize lays both feeds out again at once; the page is kept when it
 *   still exists. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "deck.h"
#include "schedule.h"

typedef struct rotation rotation;

/* What the screen shows now. */
typedef struct {
    deck *deck;     /* where item comes from; NULL: no feed yet */
    long item;      /* index in deck; -1: nothing (waiting slide, or off) */
    int page;       /* 0-based page of item */
    uint64_t until; /* monotonic ms when the page ends (item >= 0) */
    bool screen_on;
} rotation_view;

/* What a call changed; the app acts on these (no callbacks). */
enum {
    ROTATION_STARTED = 1, /* a slide (or the idle state) started: log and draw it */
    ROTATION_FLUSH = 2,   /* the shown deck changed or was laid out again:
                             drop what was cached from the old one */
};

/* sched is borrowed and must outlive the rotation; the rotation gives it
 * each new feed and asks it what comes next. The screen starts on. */
rotation *rotation_create(schedule *sched, int screen_w, int screen_h);
void rotation_destroy(rotation *r);

rotation_view rotation_get(const rotation *r);

/* Item layouts made by this rotation's decks so far (it only grows): a
 * step that made some was a layout, for the metrics. */
unsigned long rotation_layouts_made(const rotation *r);

/* The newest feed (what the schedule decides on), or NULL. */
const feed *rotation_feed(const rotation *r);

/* Takes ownership of d, made for the current screen size. */
unsigned rotation_new_deck(rotation *r, deck *d, int64_t wall, uint64_t mono);

/* Images arrived for the newest feed: has_image[i] for each of its items
 * (see deck_set_images). Laid out again at the next slide boundary. */
void rotation_images_arrived(rotation *r, const bool *has_image);

/* The screen was switched on or off (screen hours, an urgent item). Starts
 * the next slide, or the idle state when off. */
unsigned rotation_set_screen(rotation *r, bool on, int64_t wall, uint64_t mono);

/* Time passed: an urgent item that should cut in does so now; a page whose
 * time is up gives way to the next page or item. */
unsigned rotation_tick(rotation *r, int64_t wall, uint64_t mono);

/* After ROTATION_STARTED: the slide is ready from mono on (the caller reads
 * its clock after the call, which laid the slide out, perhaps slowly): its
 * page time counts from then. */
void rotation_started(rotation *r, uint64_t mono);

/* The screen size changed. Always ROTATION_FLUSH. */
unsigned rotation_resize(rotation *r, int screen_w, int screen_h);
