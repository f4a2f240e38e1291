/* ticker: where the footer's scrolling strip is, as a function of time.
 * Pure: the strip scrolls right to left at a speed in pixels per second from
 * a start time, so its place depends on the time alone, never on how many
 * frames were drawn. The strip repeats with a gap; drawing it at x and at
 * x + period leaves no seam. No SDL, no clock. */
#pragma once
#include <stdint.h>

/* One period of the strip: its text width plus the gap after it. */
typedef struct {
    int zone_w;     /* the footer zone's width: the strip enters at its right */
    int strip_w;    /* the strip's text width in pixels (> 0) */
    int gap;        /* pixels between one copy and the next (>= 0) */
    int speed;      /* pixels per second (> 0) */
    uint64_t start; /* monotonic ms when the ticker started */
} ticker_params;

/* The x of the copy to draw first (relative to the zone's left), at now;
 * the next copies are at x + period, x + 2 * period, ... until past zone_w.
 * In the first period the strip enters from the zone's right edge; after
 * that x stays within (-period, 0]. */
int ticker_x(const ticker_params *p, uint64_t now);

/* strip_w + gap: the distance from one copy to the next. */
int ticker_period(const ticker_params *p);
