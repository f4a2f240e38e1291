/* render's pages on screen, with the real fonts on SDL's software renderer:
 * [display] rotation turns the upright page onto the output (the header at
 * the right edge with 90, the left with 270, upside down with 180), a
 * transition's frames cover the turned output, the ticker's band alone is
 * redrawn while it moves over a page already on screen, and a ticker text
 * wider than a texture may be is drawn in pieces. */
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "deck.h"
#include "feed.h"
#include "fonts.h"
#include "params.h"
#include "render.h"
#include "screenshot.h"
#include "test.h"

#define OUT_W 960
#define OUT_H 540

static config cfg;
static fonts *fo;

static const char feed_json[] =
    "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":["
    "{\"id\":\"a\",\"title\":\"停水通知\",\"content_text\":\"明日8:00至16:00停水，"
    "请提前储水。\"}]}";

static Uint32 at(SDL_Surface *s, int x, int y)
{
    return ((const Uint32 *)s->pixels)[y * (s->pitch / 4) + x] & 0xffffff;
}

/* The clock's and the title's ink: light pixels (the theme's foreground). */
static bool light(Uint32 c)
{
    return (c >> 16 & 0xff) > 0xc0 && (c >> 8 & 0xff) > 0xc0 && (c & 0xff) > 0xa0;
}

static int light_in(SDL_Surface *s, SDL_Rect r)
{
    int n = 0;
    for (int y = r.y; y < r.y + r.h && y < s->h; y++)
        for (int x = r.x; x < r.x + r.w && x < s->w; x++)
            n += x >= 0 && y >= 0 && light(at(s, x, y));
    return n;
}

typedef struct {
    SDL_Surface *s;
    SDL_Renderer *r;
    render *rd;
    deck *d;
    layout_measure m; /* the deck lays out through it: kept as long */
} screen;

static bool screen_open(screen *sc, int w, int h, int rotation)
{
    sc->s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    sc->r = sc->s ? SDL_CreateSoftwareRenderer(sc->s) : NULL;
    if (!sc->r)
        return false;
    render_theme theme = params_theme(&cfg);
    sc->rd = render_create(sc->r, fo, &theme);
    render_set_rotation(sc->rd, rotation);
    int lw = w, lh = h;
    render_logical_size(rotation, &lw, &lh);
    feed *fd = feed_parse(feed_json, strlen(feed_json), "compose");
    sc->m = fonts_measure(fo);
    layout_params base = params_layout(&cfg, lw, lh);
    deck_limits lim = params_deck(&cfg);
    sc->d = fd ? deck_create(fd, &base, &lim, &sc->m, NULL) : NULL;
    return sc->d != NULL;
}

static void screen_close(screen *sc)
{
    render_destroy(sc->rd);
    deck_destroy(sc->d);
    SDL_DestroyRenderer(sc->r);
    SDL_FreeSurface(sc->s);
}

static void draw_page(screen *sc, bool fresh, const char *clock)
{
    CHECK(render_page_begin(sc->rd, fresh));
    render_slide sl = {.layout = deck_layout(sc->d, 0), .clock = clock, .day = "12月4日"};
    render_draw_slide(sc->rd, &sl);
    render_page_end(sc->rd);
}

static void compose_done(screen *sc)
{
    transition_frame f = {.done = true, .eased = 1.0, .alpha = 255};
    render_compose(sc->rd, &f);
    SDL_RenderFlush(sc->r);
}

/* Where the upright (logical) pixel (x, y) of a w x h page lands on the
 * output when turned clockwise: the rule a viewer of the mounted panel
 * needs, written here apart from render's. */
static void turned(int rotation, int w, int h, int x, int y, int *ox, int *oy)
{
    *ox = rotation == 90 ? h - 1 - y : rotation == 180 ? w - 1 - x : rotation ? y : x;
    *oy = rotation == 90 ? x : rotation == 180 ? h - 1 - y : rotation ? w - 1 - x : y;
}

/* A screenshot of the turned output is the upright page, as a viewer of
 * the mounted panel sees it (its size, and nearly its every pixel). */
static void check_screenshot(const screen *sc, int rotation, const screen *up)
{
    void *png = NULL;
    size_t len = 0;
    CHECK(screenshot_png(sc->r, up->s->w, rotation, &png, &len));
    SDL_Surface *raw = png ? IMG_Load_RW(SDL_RWFromConstMem(png, (int)len), 1) : NULL;
    SDL_Surface *shot =
        raw ? SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
    CHECKF(shot && shot->w == up->s->w && shot->h == up->s->h,
           "rotation %d: a screenshot of %dx%d, the page is %dx%d", rotation,
           shot ? shot->w : 0, shot ? shot->h : 0, up->s->w, up->s->h);
    if (shot && shot->w == up->s->w && shot->h == up->s->h) {
        long far = 0, n = 0;
        for (int y = 0; y < shot->h; y += 2)
            for (int x = 0; x < shot->w; x += 2, n++) {
                Uint32 a = at(shot, x, y), b = at(up->s, x, y);
                int d = abs((int)(a >> 16 & 0xff) - (int)(b >> 16 & 0xff)) +
                        abs((int)(a >> 8 & 0xff) - (int)(b >> 8 & 0xff)) +
                        abs((int)(a & 0xff) - (int)(b & 0xff));
                far += d > 24;
            }
        CHECKF(far * 100 < n, "rotation %d: %ld of %ld screenshot pixels off", rotation,
               far, n);
    }
    SDL_FreeSurface(shot);
    SDL_FreeSurface(raw);
    free(png);
}

/* The header's clock (bright, at the header's right end) on the output
 * edge where the slide's top is: right with 90, left with 270, bottom
 * (and at the left: upside down) with 180; and every pixel is the upright
 * page's, turned. */
static void check_rotation(int rotation, const screen *up)
{
    screen sc = {0};
    CHECK(screen_open(&sc, OUT_W, OUT_H, rotation));
    if (!sc.d)
        return;
    draw_page(&sc, false, "10:00");
    compose_done(&sc);
    const layout_rect *hd = &deck_layout(sc.d, 0)->frame.header;
    int band = hd->y + hd->h, third_w = OUT_W / 3, third_h = OUT_H / 3;
    /* the clock's corner, and the corner mirrored across the output */
    SDL_Rect clock = {OUT_W - third_w, 0, third_w, band},
             away = {0, OUT_H - band, third_w, band};
    if (rotation == 90) {
        clock = (SDL_Rect){OUT_W - band, OUT_H - third_h, band, third_h};
        away = (SDL_Rect){0, 0, band, third_h};
    } else if (rotation == 180) {
        clock = (SDL_Rect){0, OUT_H - band, third_w, band};
        away = (SDL_Rect){OUT_W - third_w, 0, third_w, band};
    } else if (rotation == 270) {
        clock = (SDL_Rect){0, 0, band, third_h};
        away = (SDL_Rect){OUT_W - band, OUT_H - third_h, band, third_h};
    }
    int ink = light_in(sc.s, clock), stray = light_in(sc.s, away);
    CHECKF(ink > 50 && stray < ink / 4,
           "rotation %d: %d light pixels where the clock belongs, %d across", rotation,
           ink, stray);
    if (up) { /* the same page drawn upright: each pixel where turned puts it */
        long differ = 0, n = 0;
        for (int y = 0; y < up->s->h; y++)
            for (int x = 0; x < up->s->w; x++, n++) {
                int ox, oy;
                turned(rotation, up->s->w, up->s->h, x, y, &ox, &oy);
                differ += at(up->s, x, y) != at(sc.s, ox, oy);
            }
        CHECKF(differ * 1000 < n, "rotation %d: %ld of %ld pixels not the upright page's",
               rotation, differ, n);
        check_screenshot(&sc, rotation, up);
    }
    /* A slide transition's middle frame, turned: both pages cover the
     * output (no black edge). */
    draw_page(&sc, true, "10:01");
    transition t = {.kind = TRANSITION_SLIDE, .start = 0, .ms = 600};
    int lw = OUT_W, lh = OUT_H;
    render_logical_size(rotation, &lw, &lh);
    transition_frame f = transition_at(&t, 300, lw, lh);
    render_compose(sc.rd, &f);
    SDL_RenderFlush(sc.r);
    int black = 0;
    for (int y = 0; y < OUT_H; y += 4)
        for (int x = 0; x < OUT_W; x += 4)
            black += at(sc.s, x, y) == 0;
    CHECKF(black == 0 && !f.done, "rotation %d: %d black samples mid-slide", rotation,
           black);
    screen_close(&sc);
}

static void test_rotation(void)
{
    check_rotation(0, NULL);
    screen land = {0}, port = {0};
    CHECK(screen_open(&land, OUT_W, OUT_H, 0) && screen_open(&port, OUT_H, OUT_W, 0));
    if (land.d && port.d) {
        draw_page(&port, false, "10:00");
        compose_done(&port);
        draw_page(&land, false, "10:00");
        compose_done(&land);
        check_rotation(90, &port);
        check_rotation(270, &port);
        check_rotation(180, &land);
    }
    screen_close(&land);
    screen_close(&port);
}

/* The ticker over a page already on screen: a frame redraws its band and
 * leaves the rest of the output as it is (a mark painted there stays); a
 * new page is composed whole again (the mark goes). The band is the same
 * as in a frame composed whole at the same time. */
static void test_ticker_band(void)
{
    screen sc = {0};
    CHECK(screen_open(&sc, OUT_W, OUT_H, 0));
    if (!sc.d)
        return;
    const layout_rect *ft = &deck_layout(sc.d, 0)->frame.footer;
    render_ticker_strip t = {.footer = *ft,
                             .text = "今晚七点社区广场放映露天电影",
                             .speed = 120,
                             .start = 0,
                             .now = 3000};
    draw_page(&sc, false, "10:00");
    compose_done(&sc);
    render_draw_ticker(sc.rd, &t);
    render_present(sc.rd);
    SDL_Rect mark = {OUT_W / 2, OUT_H / 2, 8, 8};
    SDL_SetClipRect(sc.s, NULL); /* the renderer's clip stays until it draws */
    SDL_FillRect(sc.s, &mark, SDL_MapRGB(sc.s->format, 0, 0xff, 0));
    t.now = 4000;
    compose_done(&sc);
    render_draw_ticker(sc.rd, &t);
    render_present(sc.rd);
    CHECKF(at(sc.s, mark.x + 1, mark.y + 1) == 0x00ff00,
           "a ticker frame drew over the page outside its band (%06x)",
           at(sc.s, mark.x + 1, mark.y + 1));
    SDL_Rect b = {0, ft->y, OUT_W, ft->h};
    Uint32 *band_part = SDL_malloc((size_t)OUT_W * (size_t)ft->h * sizeof *band_part);
    for (int y = 0; y < ft->h; y++)
        for (int x = 0; x < OUT_W; x++)
            band_part[y * OUT_W + x] = at(sc.s, x, ft->y + y);
    int ink = light_in(sc.s, b);
    CHECKF(ink > 30, "%d light pixels in the ticker's band", ink);
    draw_page(&sc, false, "10:00"); /* the page drawn again: the next frame whole */
    compose_done(&sc);
    render_draw_ticker(sc.rd, &t);
    render_present(sc.rd);
    CHECK(at(sc.s, mark.x + 1, mark.y + 1) != 0x00ff00);
    long differ = 0;
    for (int y = 0; y < ft->h; y++)
        for (int x = 0; x < OUT_W; x++)
            differ += band_part[y * OUT_W + x] != at(sc.s, x, ft->y + y);
    CHECKF(differ == 0, "%ld pixels of the band differ from a whole frame's", differ);
    SDL_free(band_part);
    screen_close(&sc);
}

/* A ticker text about 4 times wider than a texture may be (8192 px): no
 * texture of it wider, and each part shows in the band as it passes. */
static void test_ticker_pieces(void)
{
    screen sc = {0};
    CHECK(screen_open(&sc, OUT_W, OUT_H, 0));
    if (!sc.d)
        return;
    layout_rect ft = {0, OUT_H - 100, OUT_W, 100};
    int px = ft.h * 56 / 100;
    char text[4096] = "";
    const char *word = "社区通知";
    int one = fonts_width(fo, word, strlen(word), px, false);
    int copies = 4 * 8192 / (one > 0 ? one : 1) + 1;
    for (int k = 0; k < copies && strlen(text) + strlen(word) < sizeof text; k++)
        strcat(text, word);
    int total = one * copies; /* fonts_width stops at 16384 */
    CHECKF(total > 3 * 8192, "the text is %d px wide", total);
    draw_page(&sc, false, "10:00");
    render_ticker_strip t = {.footer = ft, .text = text, .speed = 1000, .start = 0};
    SDL_Rect b = {ft.x, ft.y, ft.w * 7 / 10, ft.h};
    for (int k = 0; k < 8; k++) {                      /* the strip's start to its end */
        t.now = (uint64_t)(b.w + (long)total * k / 7); /* 1 px a ms */
        render_flush(sc.rd);
        compose_done(&sc);
        render_draw_ticker(sc.rd, &t);
        SDL_RenderFlush(sc.r);
        /* the band's pieces only, each at most 8192 px by the band's height */
        size_t n = render_textures(sc.rd), bytes = render_cache_bytes(sc.rd);
        CHECKF(n >= 1 && n <= 2 && bytes / n <= (size_t)8192 * (size_t)ft.h * 4,
               "at %d/7 of the strip: %zu textures, %zu bytes", k, n, bytes);
        int ink = light_in(sc.s, b);
        CHECKF(k == 7 || ink > 30, "at %d/7 of the strip: %d light pixels", k, ink);
    }
    screen_close(&sc);
}

int main(void)
{
    SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    CHECK(SDL_Init(SDL_INIT_VIDEO) == 0 && TTF_Init() == 0);
    config_defaults(&cfg);
    fo = fonts_create(NULL, NULL, "zh");
    CHECK(fo != NULL);
    if (!fo)
        return test_done("compose");
    RUN(test_rotation);
    SDL_setenv("SIGNAGE_TEST_TURN_BY_COPY", "1", 1); /* the GPU's way: one copy */
    RUN(test_rotation);
    unsetenv("SIGNAGE_TEST_TURN_BY_COPY");
    RUN(test_ticker_band);
    RUN(test_ticker_pieces);
    fonts_destroy(fo);
    TTF_Quit();
    SDL_Quit();
    return test_done("compose");
}
