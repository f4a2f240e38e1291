/* bench_transition: what one frame of a transition and of the ticker costs
 * on a real window, drawn as the loop draws it (render_compose of two page
 * textures, plus the ticker strip, then render_present). Two pages of a
 * long article at the window's size, then FRAMES frames of fade, of slide
 * and of the ticker over a page; prints the median and the 99th percentile
 * of the frame times (wall clock).
 * Usage (under X, e.g. Xvfb :99 -screen 0 1920x1080x24):
 *   DISPLAY=:99 bench_transition [software|accelerated] [WxH] [rotation]
 * (rotation: [display] rotation's degrees; the pages at the turned size) */
#include <SDL.h>
#include <SDL_ttf.h>

#include "bench.h"
#include "config.h"
#include "deck.h"
#include "feed.h"
#include "fonts.h"
#include "params.h"
#include "render.h"

#define FRAMES 600

static const char feed_json[] =
    "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":["
    "{\"id\":\"a\",\"title\":\"园岭街道 聚焦百千万工程\",\"content_text\":"
    "\"作为深圳早期建成的街道之一，历经40年砥砺发展的福田区园岭街道，已初步构建起白沙岭宜"
    "学片区、"
    "园岭新村宜居片区、八卦岭宜业片区、体育中心高端体育文化产业片区的发展格局。\\n"
    "自2023年广东省启动百千万工程以来，园岭街道始终坚持以党建引领为核心，全力冲刺。\"},"
    "{\"id\":\"b\",\"title\":\"停水通知\",\"content_text\":\"明日8:00至16:"
    "00停水，请提前储水。\","
    "\"_signage\":{\"priority\":\"urgent\"}}]}";

static void report(const char *what, double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, bench_cmp_double);
    printf("%-8s frames %d  median %.2f ms  p99 %.2f ms  worst %.2f ms\n", what, n,
           t[n / 2], t[n * 99 / 100], t[n - 1]);
}

static void pages(render *rd, deck *d)
{
    for (size_t i = 0; i < 2; i++) {
        render_page_begin(rd, i == 1);
        render_slide s = {
            .layout = deck_layout(d, i), .clock = "09:30", .day = "7月1日 星期一"};
        render_draw_slide(rd, &s);
        render_page_end(rd);
    }
}

/* kind: a transition's frames (FRAMES over FRAMES * 16 ms), or the ticker
 * over the incoming page (kind NONE). */
static void run(render *rd, deck *d, transition_kind kind, const char *name, int w, int h)
{
    static double t[FRAMES];
    double drawn = bench_ms(CLOCK_MONOTONIC);
    pages(rd, d);
    printf("%-8s two pages drawn (and turned) in %.2f ms\n", name,
           bench_ms(CLOCK_MONOTONIC) - drawn);
    transition tr = {.kind = kind, .start = 0, .ms = FRAMES * 16};
    render_ticker_strip tk = {
        .footer = deck_layout(d, 1)->frame.footer,
        .text = "今晚七点社区广场放映露天电影　◆　明日上午九点至十一点停水",
        .speed = 120};
    for (int k = 0; k < FRAMES; k++) {
        double t0 = bench_ms(CLOCK_MONOTONIC);
        transition_frame f = transition_at(&tr, (uint64_t)k * 16, w, h);
        if (kind == TRANSITION_NONE)
            f = (transition_frame){.done = true, .alpha = 255};
        render_compose(rd, &f);
        if (kind == TRANSITION_NONE) {
            tk.now = (uint64_t)k * 16;
            render_draw_ticker(rd, &tk);
        }
        render_present(rd);
        t[k] = bench_ms(CLOCK_MONOTONIC) - t0;
        SDL_PumpEvents();
    }
    report(name, t, FRAMES);
}

int main(int argc, char **argv)
{
    bool software = argc < 2 || strcmp(argv[1], "accelerated") != 0;
    int w = 1920, h = 1080, rotation = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 0;
    if (argc > 2 && sscanf(argv[2], "%dx%d", &w, &h) != 2)
        return 2;
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "SDL: %s\n", SDL_GetError());
        return 1;
    }
    if (software)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    SDL_Window *win = SDL_CreateWindow("bench", 0, 0, w, h, SDL_WINDOW_BORDERLESS);
    SDL_Renderer *r =
        win ? SDL_CreateRenderer(
                  win, -1, software ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED)
            : NULL;
    fonts *f = fonts_create(NULL, NULL, "zh");
    if (!r || !f) {
        fprintf(stderr, "no window, renderer or fonts: %s\n", SDL_GetError());
        return 1;
    }
    SDL_GetRendererOutputSize(r, &w, &h);
    printf("%dx%d, %s renderer (video driver %s), rotation %d\n", w, h,
           software ? "software" : "accelerated", SDL_GetCurrentVideoDriver(), rotation);
    render_logical_size(rotation, &w, &h);
    config cfg;
    config_defaults(&cfg);
    layout_measure m = fonts_measure(f);
    feed *fd = feed_parse(feed_json, strlen(feed_json), "bench");
    layout_params base = params_layout(&cfg, w, h);
    deck_limits lim = params_deck(&cfg);
    deck *d = deck_create(fd, &base, &lim, &m, NULL);
    render_theme theme = params_theme(&cfg);
    render *rd = render_create(r, f, &theme);
    render_set_rotation(rd, rotation);
    run(rd, d, TRANSITION_FADE, "fade", w, h);
    run(rd, d, TRANSITION_SLIDE, "slide", w, h);
    run(rd, d, TRANSITION_NONE, "ticker", w, h);
    render_destroy(rd);
    deck_destroy(d);
    fonts_destroy(f);
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(win);
    TTF_Quit();
    SDL_Quit();
    return 0;
}
