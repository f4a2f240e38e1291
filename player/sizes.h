/* sizes: the text sizes for a screen from how far away it is read and how
 * large it is, by the signage rule of about 25 mm of letter height per 3 m
 * (on a 55-inch 1080p panel read from 4 m: 33 mm of ink, 60 px of body).
 * Pure: the panel's size is found by display (EDID, DPI) and the config. */
#pragma once
#include <stdbool.h>

#define SIZES_INK_PER_M (25.0 / 3.0) /* mm of letter height per metre of distance */
/* The ink height of a Han character of the bundled Noto Sans CJK, of the
 * font size (国 0.88 em, 月 0.87, 书 0.92; tests/test_render.c measures it). */
#define SIZES_HAN_INK 0.88
#define SIZES_BODY_MIN 0.028  /* body px, of the short side: a big panel up close */
#define SIZES_BODY_MAX 0.06   /* a small one far away still holds a page of text */
#define SIZES_TITLE_SCALE 1.4 /* title px, of the body px, unless title_size is set */
#define SIZES_ASSUMED_SHORT_MM 684.9 /* a 55-inch 16:9 panel's height */

typedef enum { SIZES_ASSUMED, SIZES_CONFIG, SIZES_DPI, SIZES_EDID } sizes_source;

/* The picture's physical size: display's finding (EDID, DPI), or unknown. */
typedef struct {
    double w_mm, h_mm; /* 0: unknown */
    sizes_source source;
    int px_w, px_h; /* the pixels those mm hold (the desktop's mode, which a
                       window may be smaller than); 0: the screen's */
} sizes_panel;

typedef struct {
    int screen_w, screen_h; /* pixels */
    sizes_panel panel;      /* w_mm or h_mm 0: unknown */
    double diagonal_in;     /* [display] screen_diagonal; > 0 wins over panel */
    double distance_m;      /* [display] viewing_distance */
    double body_size;       /* [text] body_size: fraction of the short side, 0:
                               from the distance */
    double title_size;      /* [text] title_size, as body_size; 0: the body's
                               times SIZES_TITLE_SCALE */
} sizes_input;

typedef struct {
    sizes_source source; /* where the physical size came from */
    double mm_per_px;
    int body_px, title_px;
    double body_ink_mm; /* the body's Han ink height on the panel */
    bool capped;        /* the distance asked for a size out of
                           [SIZES_BODY_MIN, SIZES_BODY_MAX] of the short side */
} sizes_text;

/* The text sizes for in. Out-of-range input is clamped (a panel's mm per
 * px to [0.05, 5], the distance to [0.3, 100] m), never trusted. mm per px
 * is the panel's short side over the screen's (so a portrait screen, the
 * same panel turned, gets the same); a diagonal is taken with the screen's
 * pixel aspect; unknown: SIZES_ASSUMED_SHORT_MM, which keeps the body the
 * same fraction of the screen at every resolution. */
sizes_text sizes_compute(const sizes_input *in);

/* "EDID", "display DPI", "screen_diagonal", "assumed 55-inch". */
const char *sizes_source_name(sizes_source s);
