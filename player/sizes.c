#include "sizes.h"

#include <math.h>

#define MM_PER_INCH 25.4

static double clampd(double v, double lo, double hi)
{
    if (!(v == v)) /* NaN */
        return lo;
    return v < lo ? lo : v > hi ? hi : v;
}

const char *sizes_source_name(sizes_source s)
{
    switch (s) {
    case SIZES_EDID:
        return "EDID";
    case SIZES_DPI:
        return "display DPI";
    case SIZES_CONFIG:
        return "screen_diagonal";
    case SIZES_ASSUMED:
        break;
    }
    return "assumed 55-inch";
}

/* The physical size of one pixel, and where it came from. */
static double mm_per_px(const sizes_input *in, int w, int h, sizes_source *src)
{
    int side = w < h ? w : h;
    const sizes_panel *p = &in->panel;
    double mm;
    if (in->diagonal_in > 0) {
        *src = SIZES_CONFIG;
        mm = in->diagonal_in * MM_PER_INCH * side / hypot(w, h);
    } else if (p->w_mm > 0 && p->h_mm > 0) {
        *src = p->source;
        mm = p->w_mm < p->h_mm ? p->w_mm : p->h_mm;
        if (p->px_w > 0 && p->px_h > 0) /* the panel's pixels, not a window's */
            side = p->px_w < p->px_h ? p->px_w : p->px_h;
    } else {
        *src = SIZES_ASSUMED;
        mm = SIZES_ASSUMED_SHORT_MM;
    }
    return clampd(mm / side, 0.05, 5.0);
}

sizes_text sizes_compute(const sizes_input *in)
{
    int w = in->screen_w < 64 ? 64 : in->screen_w > 16384 ? 16384 : in->screen_w;
    int h = in->screen_h < 64 ? 64 : in->screen_h > 16384 ? 16384 : in->screen_h;
    int side = w < h ? w : h;
    sizes_text t = {0};
    t.mm_per_px = mm_per_px(in, w, h, &t.source);
    double body;
    if (in->body_size > 0) { /* the user's size, only kept sane */
        body = clampd(in->body_size * side, 6, 0.3 * side);
    } else {
        double ink = clampd(in->distance_m, 0.3, 100) * SIZES_INK_PER_M;
        double want = ink / t.mm_per_px / SIZES_HAN_INK;
        double lo = fmax(6, SIZES_BODY_MIN * side), hi = fmax(lo, SIZES_BODY_MAX * side);
        body = clampd(want, lo, hi);
        t.capped = want < lo || want > hi;
    }
    t.body_px = (int)lround(body);
    double title =
        in->title_size > 0 ? in->title_size * side : t.body_px * SIZES_TITLE_SCALE;
    t.title_px = (int)lround(clampd(title, 6, 0.3 * side));
    t.body_ink_mm = t.body_px * SIZES_HAN_INK * t.mm_per_px;
    return t;
}
