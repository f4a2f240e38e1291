/* sizes: the text sizes from the viewing distance and the panel's size
 * (the signage rule of 25 mm of letter height per 3 m), clamped so that a
 * small screen still holds a page and a 4K one scales; and what the
 * layout's frame makes of them: the header's clock above the body size, a
 * footer for a ticker at the body size, the body ending above it. */
#include <math.h>
#include <string.h>

#include "config.h"
#include "layout.h"
#include "params.h"
#include "sizes.h"
#include "test.h"

/* A 55-inch 16:9 panel: 1217.7 x 684.9 mm, as an EDID says it in mm. */
static const sizes_panel panel55 = {.w_mm = 1218, .h_mm = 685, .source = SIZES_EDID};

static sizes_text at(int w, int h, sizes_panel p, double diagonal, double metres)
{
    sizes_input in = {.screen_w = w,
                      .screen_h = h,
                      .panel = p,
                      .diagonal_in = diagonal,
                      .distance_m = metres};
    return sizes_compute(&in);
}

static void test_rule(void)
{
    /* 55-inch 1080p at 4 m: about 33 mm of ink, as the rule says. */
    sizes_text t = at(1920, 1080, panel55, 0, 4);
    CHECKF(t.body_ink_mm > 32 && t.body_ink_mm < 35 && !t.capped, "%.1f mm",
           t.body_ink_mm);
    CHECKF(t.body_px >= 58 && t.body_px <= 62, "%d px", t.body_px);
    CHECK(t.source == SIZES_EDID && fabs(t.mm_per_px - 685.0 / 1080) < 1e-6);
    CHECK(t.title_px == (int)lround(t.body_px * SIZES_TITLE_SCALE));
    /* The size grows with the distance; the same panel turned: the same. */
    sizes_text near = at(1920, 1080, panel55, 0, 2.5),
               far = at(1920, 1080, panel55, 0, 3.5),
               turned = at(1080, 1920, panel55, 0, 4);
    CHECKF(abs(far.body_px * 25 - near.body_px * 35) <= 35, "%d at 3.5 m, %d at 2.5 m",
           far.body_px, near.body_px);
    CHECK(turned.body_px == t.body_px);
    /* 3840x2160 on the same panel: twice the pixels, the same millimetres. */
    sizes_text k4 = at(3840, 2160, panel55, 0, 4);
    CHECKF(abs(k4.body_px - 2 * t.body_px) <= 1 &&
               fabs(k4.body_ink_mm - t.body_ink_mm) < 1,
           "4K: %d px, %.1f mm", k4.body_px, k4.body_ink_mm);
    /* No panel size known: a 55-inch panel is assumed, the same fraction
     * of the screen at every resolution (today's behaviour, scaled). */
    sizes_text a = at(1920, 1080, (sizes_panel){0}, 0, 4),
               a4 = at(3840, 2160, (sizes_panel){0}, 0, 4);
    CHECK(a.source == SIZES_ASSUMED && abs(a.body_px - t.body_px) <= 1);
    CHECK(abs(a4.body_px - 2 * a.body_px) <= 1);
    /* A 1280x720 window on that panel's 1920x1080 desktop: its pixels are
     * the panel's, the same millimetres. */
    sizes_panel desk = panel55;
    desk.px_w = 1920, desk.px_h = 1080;
    sizes_text win = at(1280, 720, desk, 0, 2.5), full = at(1920, 1080, panel55, 0, 2.5);
    CHECKF(win.body_px == full.body_px && !win.capped, "window: %d px, full screen %d",
           win.body_px, full.body_px);
    /* screen_diagonal wins over what the screen says (a TV that lies). */
    sizes_text d = at(
        1920, 1080, (sizes_panel){.w_mm = 160, .h_mm = 90, .source = SIZES_EDID}, 55, 4);
    CHECKF(d.source == SIZES_CONFIG && abs(d.body_px - t.body_px) <= 1, "%d px",
           d.body_px);
}

static void test_clamps(void)
{
    /* A 7-inch 800x480 panel (154 x 86 mm) read from 1 m would want a
     * 48 px body: capped so that a page of text fits. */
    sizes_panel p7 = {.w_mm = 154, .h_mm = 86, .source = SIZES_EDID};
    sizes_text s = at(800, 480, p7, 0, 1);
    CHECKF(s.capped && s.body_px == (int)lround(SIZES_BODY_MAX * 480), "%d px",
           s.body_px);
    /* An 85-inch panel read from 1 m: not below the floor. */
    sizes_text big =
        at(1920, 1080, (sizes_panel){.w_mm = 1882, .h_mm = 1058, .source = SIZES_EDID}, 0,
           1);
    CHECKF(big.capped && big.body_px == (int)lround(SIZES_BODY_MIN * 1080), "%d px",
           big.body_px);
    /* Nonsense is clamped, never trusted. */
    sizes_text bad = at(
        -3, 0, (sizes_panel){.w_mm = NAN, .h_mm = 1e9, .source = SIZES_EDID}, NAN, NAN);
    CHECK(bad.body_px >= 6 && bad.body_px <= 64 && bad.title_px >= bad.body_px);
    sizes_input huge = {.screen_w = 1920,
                        .screen_h = 1080,
                        .distance_m = 4,
                        .body_size = 5,
                        .title_size = -1};
    sizes_text h = sizes_compute(&huge);
    CHECK(h.body_px <= (int)lround(0.3 * 1080) && h.title_px >= 6);
}

/* An explicit fraction wins over the distance. */
static void test_overrides(void)
{
    sizes_input in = {.screen_w = 1920,
                      .screen_h = 1080,
                      .panel = panel55,
                      .distance_m = 4,
                      .body_size = 0.045};
    sizes_text t = sizes_compute(&in);
    CHECK(t.body_px == 49 && t.title_px == (int)lround(49 * SIZES_TITLE_SCALE));
    in.title_size = 0.068;
    CHECK(sizes_compute(&in).title_px == 73);
    CHECK(strcmp(sizes_source_name(SIZES_EDID), "EDID") == 0);
}

/* The frame the sizes make: the clock above the body size, the header as
 * high as the clock needs, a ticker's footer; a page of text on a small
 * screen. */
static void test_frame(void)
{
    static config cfg;
    config_defaults(&cfg);
    static const int screens[][2] = {
        {1920, 1080}, {1080, 1920}, {800, 480}, {3840, 2160}};
    for (size_t i = 0; i < sizeof screens / sizeof *screens; i++) {
        int w = screens[i][0], h = screens[i][1], side = w < h ? w : h;
        for (int ticker = 0; ticker < 2; ticker++) {
            layout_params p = params_layout_panel(&cfg, w, h, NULL);
            p.ticker = ticker;
            layout_frame f = layout_frame_compute(&p);
            int body = (int)lround(p.body_size * side), line = (int)lround(body * 1.55);
            CHECKF(f.label_px == body && f.clock_px >= body * 13 / 10, "%dx%d: %d, %d", w,
                   h, f.label_px, f.clock_px);
            CHECK(f.header.h - f.date_row >= f.clock_px && (w < h) == (f.date_row > 0));
            CHECK(f.date_row == 0 || f.date_row >= f.label_px);
            if (ticker)
                CHECKF(f.footer.h * LAYOUT_TICKER_SHARE >= body - 1, "%dx%d: footer %d",
                       w, h, f.footer.h);
            CHECK(f.body.y + f.body.h <= f.footer.y &&
                  f.header.y + f.header.h <= f.title.y);
            /* At least four lines under a two-line title, ticker or not. */
            CHECKF(f.body.h >= 4 * line, "%dx%d ticker %d: body %d high, line %d", w, h,
                   ticker, f.body.h, line);
        }
    }
}

int main(void)
{
    test_run("test_rule", test_rule);
    test_run("test_clamps", test_clamps);
    test_run("test_overrides", test_overrides);
    test_run("test_frame", test_frame);
    return test_done("sizes");
}
