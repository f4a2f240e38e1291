/* schedule: which feed item to show next, whether the screen is on, and when
 * either may change. Pure: every call takes the wall-clock time as Unix
 * seconds; no clock reads, no SDL, no I/O. All wall-clock rules (days,
 * hours, screen hours) are evaluated in the zone given in the params.
 *
 * Item rules (feed_item.signage, feed defaults already applied):
 * - enabled false: never shown.
 * - start/end: shown while start <= now < end (start inclusive, end
 *   exclusive); end <= start: never shown.
 * - days: ISO weekdays; 0 = every day.
 * - hours: daily windows [from, to) in local wall-clock minutes. A window
 *   with to <= from crosses midnight and belongs to the day it starts: Fri
 *   22:00-02:00 with days = [5] is open on Saturday at 01:00. from == to is
 *   24 hours from `from`. No windows: all day. Windows run on the wall clock:
 *   on the spring-forward day a window 01:30-03:00 in Europe/Berlin is open
 *   01:30-01:59 (then the clock reads 03:00); a window inside the skipped
 *   hour (02:15-02:45) does not open that day; a window starting in it
 *   (02:30-04:00) opens at 03:00. On the fall-back day the repeated hour
 *   counts twice (01:30-03:00 is open 2.5 real hours).
 * - An item with none of start, end, days, hours is "unscheduled": it is
 *   shown unless the feed is `expired`, and, when max_age_days > 0 and it
 *   has date_published, until date_published + max_age_days * 86400.
 *   Scheduled items follow only their own schedule.
 *
 * Rotation (items whose window is open, in this order: items with `order`
 * first by ascending order, then items without; within that, newest
 * date_published first, undated last; then feed order):
 * - Each round is high_ratio passes. A pass shows every open high item
 *   once (in rotation order) and then its share of the open normal items
 *   (N / high_ratio of them, spread evenly), so a high item comes round
 *   high_ratio times per round with normal items between its showings
 *   whenever there are at least high_ratio normal items.
 * - An item that opens joins at the next schedule_next() in its place in
 *   the order; one that closes is skipped from then on. The app decides
 *   when to ask: at page boundaries via schedule_current_open().
 * - Urgent items whose window is open preempt the rotation (see
 *   schedule_should_interrupt) and rotate among themselves; with
 *   urgent_alternate the slides go urgent, rotation, urgent, rotation ...
 *   The rotation's place is kept while urgent items hold the screen.
 * - Ticker items (_signage.ticker) are never slides: they are in no list,
 *   and schedule_item_open says when they scroll in the footer.
 *
 * Screen: on when screen hours are not set, or the local time is inside
 * the day's window, or any urgent item is open.
 *
 * Driving it from a loop (durations run on the app's monotonic clock; only
 * windows use the wall clock):
 *   on a new feed:   schedule_set_feed(); if schedule_current() < 0 or
 *                    schedule_should_interrupt(): show schedule_next().
 *   at a page end:   more pages and schedule_current_open()? next page :
 *                    show schedule_next() (-1: nothing open, show idle).
 *   at every wake:   if schedule_should_interrupt(): show schedule_next();
 *                    screen = schedule_screen_on().
 *   sleep until the earliest of the page end and schedule_next_change(),
 *   but never longer than SCHEDULE_MAX_SLEEP: a wall clock that is stepped
 *   (NTP, RTC reset, +1 year, -1 day) changes what is open, and only a
 *   re-evaluation notices. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "feed.h"
#include "tz.h"

#define SCHEDULE_MAX_HIGH_RATIO 10
#define SCHEDULE_MAX_AGE_DAYS 36500
#define SCHEDULE_LOOKAHEAD (8 * 86400) /* next_change never returns later */
#define SCHEDULE_MAX_SLEEP 60          /* seconds; what the app should clamp to */
#define SCHEDULE_ALT_URGENT_MAX 64     /* see schedule_should_interrupt */

typedef struct {
    tz *zone;              /* borrowed, must outlive the schedule; not NULL */
    int high_ratio;        /* clamped to 1..SCHEDULE_MAX_HIGH_RATIO */
    bool urgent_alternate; /* urgent alternates with the rotation */
    int max_age_days;      /* 0 = off; clamped to SCHEDULE_MAX_AGE_DAYS */
    bool screen_hours_set; /* false: the screen is always on */
    /* Screen hours, ISO weekday 1..7 at [0..6], minutes 0..1440: [from, to)
     * on that day; to <= from crosses midnight into the next day; from ==
     * to == 0: screen off all that day; 0-1440: on all day. Same layout as
     * config.hours (copy config.hours_set and each from/to). */
    feed_window screen_hours[7];
} schedule_params;

typedef struct schedule schedule;

/* p is copied. */
schedule *schedule_create(const schedule_params *p);
void schedule_destroy(schedule *s);

/* Swaps in a new feed (NULL = no feed). The schedule borrows f until the
 * next set_feed or destroy; it never reads the previous feed here, so that
 * one may already be freed (call nothing else in between). The item on
 * screen keeps its place by id: the rotation continues after it; if it is
 * gone, after where it would sort. O(items log items). */
void schedule_set_feed(schedule *s, const feed *f);

/* Picks the item to show now and advances the rotation: index into the
 * feed's items, or -1 when nothing is open. O(items). */
int schedule_next(schedule *s, int64_t now);

/* Index of the item last returned by schedule_next() in the current feed;
 * -1 if none, or if it left the feed at the last set_feed. A test seam
 * (the rotation keeps its own item). */
int schedule_current(const schedule *s);

/* Whether one item's window is open at now (it need not be in the feed,
 * but the feed's `expired` applies). Cheap: no allocation. */
bool schedule_item_open(const schedule *s, const feed_item *item, int64_t now);

/* schedule_item_open() for the current item; false when there is none. */
bool schedule_current_open(const schedule *s, int64_t now);

/* True while any urgent item is open. O(urgent items). */
bool schedule_urgent_open(const schedule *s, int64_t now);

/* True when the slide on screen should be cut short and replaced by
 * schedule_next() now, rather than at the end of its page: an urgent item
 * is open and the current slide is neither urgent nor a rotation slide
 * picked in alternate mode; or, on such an alternate rotation slide, an
 * urgent item is open that was not when the slide was picked (a new feed, a
 * window that opened; not checked while more than SCHEDULE_ALT_URGENT_MAX
 * urgent items are open); or the current item is urgent and has closed; or
 * there is no current item and something is open. */
bool schedule_should_interrupt(const schedule *s, int64_t now);

/* Whether the screen should be on at now. */
bool schedule_screen_on(const schedule *s, int64_t now);

/* The earliest wall time after now at which the set of open items or the
 * screen state may change (item start/end/max age, window edges, screen
 * hours, offset transitions); at most now + SCHEDULE_LOOKAHEAD, always >
 * now (every function here first clamps now to TZ_MIN_UNIX..TZ_MAX_UNIX). It is a
 * wall-clock time: convert to a sleep as schedule_sleep(change, now), which clamps to
 * 0..SCHEDULE_MAX_SLEEP so a stepped clock is noticed within a minute. O(items). */
int64_t schedule_next_change(const schedule *s, int64_t now);

/* Seconds to sleep until wall time `until`, clamped to
 * [0, SCHEDULE_MAX_SLEEP]. */
int64_t schedule_sleep(int64_t until, int64_t now);
