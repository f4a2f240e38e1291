/* render's text and page memory, on SDL's software renderer with the real
 * fonts, checked in pixels: one cached line drawn in two colours (one entry,
 * each draw in its own colour), the cache capped at two screens of coverage
 * (evicting), a justified line exactly as wide as its box with its first
 * unit where the unjustified line has it, and a fade whose outgoing page
 * is read back from the screen once the page on screen has been freed. */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "fonts.h"
#include "params.h"
#include "render.h"
#include "test.h"

static SDL_Surface *target;
static SDL_Renderer *r;

static Uint32 rgb_at(int x, int y)
{
    return ((const Uint32 *)target->pixels)[y * (target->pitch / 4) + x] & 0xffffff;
}

static Uint32 rgb_of(SDL_Color c)
{
    return (Uint32)c.r << 16 | (Uint32)c.g << 8 | c.b;
}

/* Pixels of exactly rgb in the rows [y0, y1). */
static int count_rgb(int y0, int y1, Uint32 rgb)
{
    int n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < target->w; x++)
            n += rgb_at(x, y) == rgb;
    return n;
}

/* Pixels in rows [y0, y1) that are not black, and of those the ones whose
 * red is not their largest channel (the ink is not reddish). */
static void ink_hue(int y0, int y1, int *ink, int *not_red)
{
    *ink = *not_red = 0;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < target->w; x++) {
            Uint32 p = rgb_at(x, y);
            int cr = (int)(p >> 16), cg = (int)(p >> 8 & 0xff), cb = (int)(p & 0xff);
            if (p == 0)
                continue;
            (*ink)++;
            *not_red += cr < cg || cr < cb;
        }
}

static void clear_black(void)
{
    SDL_SetRenderDrawColor(r, 0, 0, 0, 0xff);
    SDL_RenderClear(r);
}

/* The same line in red, green and red again: one cache entry, and each
 * draw's pixels in its own colour (a tint left from the draw before would
 * show as the other colour). */
static void test_two_colours(render *rd)
{
    static const SDL_Color red = {0xe0, 0x20, 0x20, 0xff},
                           green = {0x20, 0xd0, 0x40, 0xff};
    const char *line = "园岭街道党群服务中心";
    clear_black();
    size_t before = render_textures(rd);
    render_draw_text(rd, line, 40, red, 10, 10, 0);
    render_draw_text(rd, line, 40, green, 10, 100, 0);
    render_draw_text(rd, line, 40, red, 10, 190, 0);
    SDL_RenderPresent(r);
    CHECKF(render_textures(rd) == before + 1, "%zu entries for one line in two colours",
           render_textures(rd) - before);
    int full_red = count_rgb(0, 90, rgb_of(red)),
        full_green = count_rgb(90, 180, rgb_of(green));
    int again = count_rgb(180, 270, rgb_of(red));
    CHECKF(full_red > 200 && full_green > 200 && again == full_red,
           "fully inked pixels: red %d, green %d, red again %d", full_red, full_green,
           again);
    CHECKF(count_rgb(90, 180, rgb_of(red)) == 0 &&
               count_rgb(180, 270, rgb_of(green)) == 0,
           "a colour from another draw");
    int ink, not_red;
    ink_hue(180, 270, &ink, &not_red);
    CHECKF(ink > 500 && not_red == 0, "red line: %d of %d inked pixels not red", not_red,
           ink);
}

/* Many distinct lines on a small screen: the cache stays under two screens
 * of coverage, and the newest line is still in it. */
static void test_cap_evicts(render *rd, fonts *f, const render_theme *theme)
{
    SDL_Surface *small =
        SDL_CreateRGBSurfaceWithFormat(0, 320, 240, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sr = small ? SDL_CreateSoftwareRenderer(small) : NULL;
    render *sd = sr ? render_create(sr, f, theme) : NULL;
    CHECK(sd != NULL);
    if (!sd)
        return;
    CHECKF(render_cache_cap(sd) == 2u * 320 * 240, "cap %zu", render_cache_cap(sd));
    CHECKF(render_cache_cap(rd) == 2u * 1280 * 720, "cap %zu at 1280x720",
           render_cache_cap(rd));
    size_t peak = 0;
    char text[64];
    static const SDL_Color fg = {0xff, 0xff, 0xff, 0xff};
    for (int i = 0; i < 60; i++) {
        snprintf(text, sizeof text, "第 %d 行：社区通知", i);
        render_draw_text(sd, text, 30, fg, 0, 0, 0);
        size_t b = render_cache_bytes(sd);
        peak = b > peak ? b : peak;
    }
    CHECKF(peak <= render_cache_cap(sd) && peak > render_cache_cap(sd) / 2,
           "cache peaked at %zu bytes, cap %zu", peak, render_cache_cap(sd));
    size_t n = render_textures(sd), bytes = render_cache_bytes(sd);
    CHECKF(n < 60, "%zu lines kept", n);
    render_draw_text(sd, text, 30, fg, 0, 0, 0); /* the newest: from the cache */
    CHECK(render_cache_bytes(sd) == bytes && render_textures(sd) == n);
    render_destroy(sd);
    SDL_DestroyRenderer(sr);
    SDL_FreeSurface(small);
}

/* The first column in rows [y0, y1) with ink, or -1; last: the last one. */
static int ink_edge(int y0, int y1, bool last)
{
    int found = -1;
    for (int x = 0; x < target->w; x++)
        for (int y = y0; y < y1; y++)
            if (rgb_at(x, y) != 0) {
                if (!last)
                    return x;
                found = x;
                break;
            }
    return found;
}

/* A justified line is exactly its box wide, its ink reaches the box's right
 * end and starts where the unjustified line's does. */
static void test_justified_width(render *rd, fonts *f)
{
    static const SDL_Color fg = {0xff, 0xff, 0xff, 0xff};
    const char *line = "园岭街道 International 合作，全力开展清租攻坚工作。";
    int natural = fonts_width(f, line, strlen(line), 36, false);
    int box = natural + 120;
    clear_black();
    int w0 = render_draw_text(rd, line, 36, fg, 20, 10, 0);
    int w1 = render_draw_text(rd, line, 36, fg, 20, 100, box);
    SDL_RenderPresent(r);
    CHECKF(w0 == natural && w1 == box, "widths %d and %d, natural %d, box %d", w0, w1,
           natural, box);
    int left0 = ink_edge(10, 90, false), left1 = ink_edge(100, 180, false);
    int right1 = ink_edge(100, 180, true), right0 = ink_edge(10, 90, true);
    CHECKF(left0 == left1, "first ink at %d unjustified, %d justified", left0, left1);
    CHECKF(right1 > 20 + box - 36 / 2 && right1 < 20 + box && right1 - right0 >= 100,
           "justified ink ends at %d (box ends at %d), unjustified at %d", right1,
           20 + box, right0);
}

/* The software renderer: once a transition is done the page on screen is
 * freed, and the next fade blends its one incoming page onto what the
 * screen shows: each frame is the mix of the two pages at its alpha. */
static void test_fade_from_screen(render *rd, const render_theme *theme)
{
    CHECK(render_page_begin(rd, false));
    render_draw_off(rd); /* black */
    render_page_end(rd);
    transition_frame done = {.done = true, .eased = 1.0, .alpha = 255};
    render_compose(rd, &done);
    SDL_RenderPresent(r);
    CHECKF(render_get_bytes(rd).pages == 0, "%zu bytes of pages after the transition",
           render_get_bytes(rd).pages);
    CHECK(rgb_at(5, 5) == 0);
    CHECK(render_page_begin(rd, true));
    render_draw_waiting(rd, 1280, 720,
                        &(render_waiting){.clock = "09:30", .label_px = 32});
    render_page_end(rd);
    CHECKF(render_get_bytes(rd).pages == 1280u * 720 * 4, "%zu bytes of pages in a fade",
           render_get_bytes(rd).pages);
    Uint32 bg = rgb_of(theme->background);
    static const int alphas[] = {20, 64, 128, 129, 190, 240, 254};
    for (size_t k = 0; k < sizeof alphas / sizeof *alphas; k++) {
        transition_frame mid = {.eased = alphas[k] / 255.0, .alpha = alphas[k]};
        render_compose(rd, &mid);
        SDL_RenderPresent(r);
        Uint32 p = rgb_at(5, 5);
        for (int shift = 0; shift < 24; shift += 8) {
            int got = (int)(p >> shift & 0xff), full = (int)(bg >> shift & 0xff);
            int want = full * alphas[k] / 255;
            CHECKF(got >= want - 2 && got <= want + 2,
                   "fade at %d: %06x, want %d of %06x", alphas[k], (unsigned)p, alphas[k],
                   (unsigned)bg);
        }
    }
    render_compose(rd, &done);
    SDL_RenderPresent(r);
    CHECK(rgb_at(5, 5) == bg && render_get_bytes(rd).pages == 0);
}

int main(void)
{
    SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    CHECK(SDL_Init(SDL_INIT_VIDEO) == 0 && TTF_Init() == 0);
    target = SDL_CreateRGBSurfaceWithFormat(0, 1280, 720, 32, SDL_PIXELFORMAT_ARGB8888);
    r = SDL_CreateSoftwareRenderer(target);
    config cfg;
    config_defaults(&cfg);
    fonts *f = fonts_create(NULL, NULL, "zh");
    CHECK(f != NULL && r != NULL);
    if (!f || !r)
        return test_done("render_text");
    render_theme theme = params_theme(&cfg);
    render *rd = render_create(r, f, &theme);
    test_two_colours(rd);
    test_cap_evicts(rd, f, &theme);
    test_justified_width(rd, f);
    test_fade_from_screen(rd, &theme);
    render_destroy(rd);
    fonts_destroy(f);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(target);
    TTF_Quit();
    SDL_Quit();
    return test_done("render_text");
}
