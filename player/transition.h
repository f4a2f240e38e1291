/* transition: how one slide gives way to the next, as a function of time.
 * Pure: the caller passes the start, the length and now (monotonic ms); the
 * answer says how far along it is, the incoming page's opacity and where
 * each page sits. No SDL, no clock. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

typedef enum { TRANSITION_NONE, TRANSITION_FADE, TRANSITION_SLIDE } transition_kind;

/* "none", "fade" or "slide" (the config's words); out may be NULL. */
bool transition_kind_from_name(const char *name, transition_kind *out);

typedef struct {
    transition_kind kind;
    uint64_t start; /* monotonic ms */
    int ms;         /* length; 0 = a cut */
} transition;

/* One frame of a transition on a w x h screen. */
typedef struct {
    bool done;    /* over (or a cut): only the incoming page shows */
    double eased; /* 0..1, eased progress (smoothstep) */
    int alpha;    /* the incoming page's opacity 0..255 (< 255: a fade) */
    int old_x, old_y, new_x, new_y; /* slide: the pages' top-left corners */
} transition_frame;

/* The frame at now. Slide: the new page pushes in from the right on a
 * landscape screen, from the bottom on a portrait one (h > w); the old
 * page moves out ahead of it, edge to edge. Before start: the first frame;
 * at or after start + ms: done. */
transition_frame transition_at(const transition *t, uint64_t now, int w, int h);
