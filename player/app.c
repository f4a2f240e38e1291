/* The interactive loop: a flat list of handle_* steps, then one wait until
 * the earliest deadline (page change, clock minute, feed wake-up). Draws
 * only when something changed. Durations run on the monotonic clock. */
#define LOG_MODULE "app"
#include "app.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deck.h"
#include "log.h"
#include "media.h"
#include "render.h"
#include "source.h"
#include "timefmt.h"

typedef struct {
    const config *cfg;
    app_options opt;
    SDL_Window *win;
    SDL_Renderer *r;
    source *src;
    media *media;
    render *rd;
    deck *deck;
    feed *pending; /* a new feed, swapped in at the next page boundary */
    int w, h;
    long item; /* -1: nothing showing */
    int page;
    uint64_t deadline; /* monotonic ms when the page ends */
    int64_t shown_minute;
    int64_t wall_offset; /* --now minus the real clock at start */
    Uint32 wake_event;
    bool dirty, quit;
} app;

static int64_t wall_now(const app *a)
{
    return (int64_t)time(NULL) + a->wall_offset;
}

static void wake_loop(void *ctx)
{
    app *a = ctx;
    SDL_Event ev = {.type = a->wake_event};
    SDL_PushEvent(&ev);
}

static bool open_window(app *a)
{
    Uint32 flags = SDL_WINDOW_SHOWN;
    int w = a->opt.width, h = a->opt.height;
    if (w <= 0 || h <= 0) {
        if (a->cfg->fullscreen) {
            flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
            w = h = 0;
        } else {
            w = a->cfg->width;
            h = a->cfg->height;
        }
    }
    a->win = SDL_CreateWindow("signage-player", SDL_WINDOWPOS_CENTERED,
                              SDL_WINDOWPOS_CENTERED, w, h, flags | SDL_WINDOW_RESIZABLE);
    if (!a->win) {
        LOG_ERR("window: %s", SDL_GetError());
        return false;
    }
    a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_ACCELERATED);
    if (!a->r) a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    if (!a->r) {
        LOG_ERR("renderer: %s", SDL_GetError());
        return false;
    }
    SDL_ShowCursor(SDL_DISABLE);
    SDL_DisableScreenSaver();
    SDL_GetRendererOutputSize(a->r, &a->w, &a->h);
    LOG_INFO("screen %dx%d (%s)", a->w, a->h, SDL_GetCurrentVideoDriver());
    return true;
}

static void start_page(app *a)
{
    const layout_item *it = deck_layout(a->deck, (size_t)a->item);
    a->deadline = SDL_GetTicks64() + (uint64_t)it->pages[a->page].seconds * 1000u;
    a->dirty = true;
}

/* Replaces the deck with the pending feed; the item on screen keeps its
 * place when the new feed still has it. */
static void swap_in_pending(app *a)
{
    char *current = NULL;
    if (a->deck && a->item >= 0) current = strdup(deck_feed(a->deck)->items[a->item].id);
    deck_destroy(a->deck);
    media_forget_images(a->media);
    render_flush(a->rd);
    a->deck = deck_create(a->pending, a->cfg, a->w, a->h, media_measure(a->media),
                          media_has_image, a->media);
    a->pending = NULL;
    a->item = current ? feed_find(deck_feed(a->deck), current) : -1;
    free(current);
    LOG_INFO("showing a feed of %zu items", deck_count(a->deck));
}

/* Moves to the next page, or the next item's first page. */
static void advance(app *a)
{
    if (a->pending) {
        int page = a->page;
        swap_in_pending(a);
        if (a->item >= 0 && page + 1 < deck_layout(a->deck, (size_t)a->item)->n_pages) {
            a->page = page + 1;
            start_page(a);
            return;
        }
        a->page = 0;
        if (a->item < 0 && deck_count(a->deck) > 0) {
            a->item = 0;
            start_page(a);
            return;
        }
    } else if (a->item >= 0 &&
               a->page + 1 < deck_layout(a->deck, (size_t)a->item)->n_pages) {
        a->page++;
        start_page(a);
        return;
    }
    size_t n = a->deck ? deck_count(a->deck) : 0;
    if (n == 0) {
        a->item = -1;
        a->dirty = true;
        return;
    }
    a->item = (long)(((size_t)(a->item + 1)) % n);
    a->page = 0;
    start_page(a);
}

static void handle_event(app *a, const SDL_Event *ev)
{
    switch (ev->type) {
    case SDL_QUIT:
        a->quit = true;
        break;
    case SDL_KEYDOWN:
        if (ev->key.keysym.sym == SDLK_ESCAPE ||
            (ev->key.keysym.sym == SDLK_q && (ev->key.keysym.mod & KMOD_CTRL)))
            a->quit = true;
        break;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            SDL_GetRendererOutputSize(a->r, &a->w, &a->h);
            render_flush(a->rd);
            media_forget_images(a->media);
            if (a->deck) {
                deck_resize(a->deck, a->w, a->h);
                if (a->item >= 0) {
                    int n = deck_layout(a->deck, (size_t)a->item)->n_pages;
                    a->page = a->page < n ? a->page : n - 1;
                }
            }
        }
        a->dirty = true;
        break;
    default:
        break;
    }
}

static void handle_source(app *a)
{
    feed *f = source_take_feed(a->src);
    if (!f) return;
    feed_destroy(a->pending);
    a->pending = f;
    /* Nothing on screen yet: show it now rather than at a page boundary. */
    if (a->item < 0) advance(a);
}

static void handle_slide(app *a)
{
    if (a->item >= 0 && SDL_GetTicks64() >= a->deadline) advance(a);
}

static void handle_clock(app *a)
{
    int64_t minute = timefmt_minute(wall_now(a));
    if (minute != a->shown_minute) {
        a->shown_minute = minute;
        a->dirty = true;
    }
}

static void draw(app *a)
{
    char clock[16], day[64], date[64];
    int64_t now = wall_now(a);
    timefmt_clock(now, clock, sizeof clock);
    timefmt_day(now, day, sizeof day);
    if (a->item < 0) {
        render_draw_waiting(a->rd, a->w, a->h, clock, day, "正在获取最新信息……");
    } else {
        const feed_item *item = &deck_feed(a->deck)->items[a->item];
        const layout_item *it = deck_layout(a->deck, (size_t)a->item);
        date[0] = '\0';
        if (item->has_date_published)
            timefmt_date(item->date_published, date, sizeof date);
        render_slide s = {
            .layout = it,
            .page = a->page,
            .date = date[0] ? date : NULL,
            .clock = clock,
            .day = day,
            .image = media_image(a->media, item, &it->frame.image),
            .image_key = item,
            .urgent = item->signage.priority == FEED_PRIORITY_URGENT,
        };
        render_draw_slide(a->rd, &s);
    }
    SDL_RenderPresent(a->r);
    a->dirty = false;
}

/* Milliseconds until the earliest deadline: page end or next minute. */
static int wait_ms(const app *a)
{
    uint64_t now = SDL_GetTicks64();
    int64_t to_minute = (60 - wall_now(a) % 60) * 1000;
    int64_t ms = to_minute;
    if (a->item >= 0) {
        int64_t to_page = a->deadline > now ? (int64_t)(a->deadline - now) : 0;
        ms = to_page < ms ? to_page : ms;
    }
    /* Wake at least once a minute whatever the wall clock did. */
    return ms > 60000 ? 60000 : ms < 0 ? 0 : (int)ms;
}

static bool app_open(app *a)
{
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0 || TTF_Init() != 0) {
        LOG_ERR("SDL: %s", SDL_GetError());
        return false;
    }
    IMG_Init(IMG_INIT_PNG | IMG_INIT_JPG);
    a->wake_event = SDL_RegisterEvents(1);
    if (!open_window(a)) return false;
    a->src = source_create(a->cfg, wake_loop, a);
    if (!a->src) return false;
    a->media = media_create(a->cfg, a->src);
    if (!a->media) return false;
    a->rd = render_create(a->r, media_fonts(a->media), a->cfg);
    return true;
}

static void app_close(app *a)
{
    deck_destroy(a->deck);
    feed_destroy(a->pending);
    render_destroy(a->rd);
    media_destroy(a->media);
    source_destroy(a->src);
    if (a->r) SDL_DestroyRenderer(a->r);
    if (a->win) SDL_DestroyWindow(a->win);
    IMG_Quit();
    TTF_Quit();
    SDL_Quit();
}

int app_run(const config *cfg, const app_options *opt)
{
    app a = {.cfg = cfg, .opt = *opt, .item = -1, .shown_minute = -1, .dirty = true};
    if (opt->has_now) a.wall_offset = opt->now - (int64_t)time(NULL);
    bool ok = app_open(&a);
    while (ok && !a.quit) {
        handle_source(&a);
        handle_slide(&a);
        handle_clock(&a);
        if (a.dirty) draw(&a);
        SDL_Event ev;
        if (SDL_WaitEventTimeout(&ev, wait_ms(&a))) {
            do
                handle_event(&a, &ev);
            while (SDL_PollEvent(&ev));
        }
    }
    app_close(&a);
    return ok ? 0 : 1;
}
