/* bench_render: what drawing a page costs, and what the line cache holds:
 * every page of a feed (default: the shipped demo feed) laid out at WxH
 * and drawn with render_draw_slide on SDL's software renderer (a surface,
 * no window), ROUNDS times cold (the cache emptied before each page: every
 * line shaped and rasterised) and warm (every line from the cache); prints
 * the median CPU ms per page of each and the cache's bytes after one round
 * (with its cap).
 * Usage (in the source folder): build/bench_render [FEED.json] [WxH] */
#include <SDL.h>
#include <SDL_ttf.h>

#include "bench.h"
#include "config.h"
#include "deck.h"
#include "feed.h"
#include "fonts.h"
#include "params.h"
#include "render.h"
#include "util.h"

#define ROUNDS 5

static double draw_all(render *rd, deck *d, bool cold, double *per_page, int *n)
{
    double total = 0;
    for (size_t i = 0; i < deck_count(d); i++) {
        const layout_item *it = deck_layout(d, i);
        for (int p = 0; p < it->n_pages; p++) {
            if (cold)
                render_flush(rd);
            render_slide s = {.layout = it,
                              .page = p,
                              .clock = "09:30",
                              .day = "7月1日 星期一",
                              .qr = deck_qr(d, i)};
            double t0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
            render_draw_slide(rd, &s);
            double ms = bench_ms(CLOCK_PROCESS_CPUTIME_ID) - t0;
            per_page[(*n)++] = ms;
            total += ms;
        }
    }
    return total;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "config/demo-feed.json";
    int w = 1920, h = 1080;
    if (argc > 2 && sscanf(argv[2], "%dx%d", &w, &h) != 2)
        return 2;
    size_t len;
    char *json = read_file_capped(path, 8u << 20, &len);
    feed *fd = json ? feed_parse(json, len, path) : NULL;
    free(json);
    SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    if (!fd || SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0)
        return 1;
    SDL_Surface *target =
        SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(target);
    config cfg;
    config_defaults(&cfg);
    fonts *f = fonts_create(NULL, NULL, "zh");
    if (!r || !f)
        return 1;
    layout_measure m = fonts_measure(f);
    layout_params base = params_layout(&cfg, w, h);
    deck_limits lim = params_deck(&cfg);
    deck *d = deck_create(fd, &base, &lim, &m, NULL);
    render_theme theme = params_theme(&cfg);
    render *rd = render_create(r, f, &theme);
    int pages = 0;
    for (size_t i = 0; i < deck_count(d); i++)
        pages += deck_layout(d, i)->n_pages;
    double *cold = xcalloc((size_t)pages * ROUNDS, sizeof *cold);
    double *warm = xcalloc((size_t)pages * ROUNDS, sizeof *warm);
    int nc = 0, nw = 0;
    size_t bytes = 0;
    for (int k = 0; k < ROUNDS; k++) {
        draw_all(rd, d, true, cold, &nc);
        render_flush(rd);
        draw_all(rd, d, false, warm, &nw); /* fills the cache */
        bytes = render_cache_bytes(rd);
        nw -= pages;
        draw_all(rd, d, false, warm, &nw);
    }
    qsort(cold, (size_t)nc, sizeof *cold, bench_cmp_double);
    qsort(warm, (size_t)nw, sizeof *warm, bench_cmp_double);
    printf("%d pages at %dx%d: cold median %.2f ms (worst %.2f), warm median %.2f ms "
           "(worst %.2f) CPU per page; line cache after a round %.2f MB\n",
           pages, w, h, cold[nc / 2], cold[nc - 1], warm[nw / 2], warm[nw - 1],
           (double)bytes / (1 << 20));
    render_destroy(rd);
    deck_destroy(d); /* and the feed */
    fonts_destroy(f);
    free(cold);
    free(warm);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(target);
    TTF_Quit();
    SDL_Quit();
    return 0;
}
