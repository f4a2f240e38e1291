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
#include "power.h"
#include "render.h"
#include "schedule.h"
#include "source.h"
#include "timefmt.h"
#include "tz.h"

typedef struct {
    const config *cfg;
    app_options opt;
    SDL_Window *win;
    SDL_Renderer *r;
    source *src;
    media *media;
    render *rd;
    tz *zone;
    schedule *sched;
    deck *deck;  /* the newest feed: what the schedule decides on */
    deck *shown; /* where the slide on screen comes from: an older deck
                    until the page on screen ends, then the newest */
    int w, h;
    long item; /* in shown; -1: nothing showing */
    int page;
    unsigned images_seen; /* source_images_arrived() last seen */
    bool relayout;        /* late images: lay out again at a slide boundary */
    uint64_t deadline;    /* monotonic ms when the page ends */
    int64_t shown_minute;
    int64_t wall_offset; /* --now minus the real clock at start */
    Uint32 wake_event;
    FILE *play_log;    /* --play-log, or NULL */
    bool screen_on;    /* inside screen hours, or an urgent item is open */
    bool screen_known; /* screen_on has been decided */
    power *power;      /* the display power commands, rate-limited */
    int64_t power_due; /* seconds until a held-back power change, or -1 */
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
            /* The desktop's size, not 0x0: without a window manager (a bare
             * X session on a kiosk) the fullscreen request is never honoured
             * and a 0x0 window stays 1x1; a borderless window of the
             * screen's size at 0,0 covers it either way. */
            SDL_DisplayMode mode;
            flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
            if (SDL_GetDesktopDisplayMode(0, &mode) == 0) {
                w = mode.w;
                h = mode.h;
            } else {
                w = a->cfg->width;
                h = a->cfg->height;
            }
        } else {
            w = a->cfg->width;
            h = a->cfg->height;
        }
    }
    int pos = flags & SDL_WINDOW_FULLSCREEN_DESKTOP ? 0 : (int)SDL_WINDOWPOS_CENTERED;
    a->win =
        SDL_CreateWindow("signage-player", pos, pos, w, h, flags | SDL_WINDOW_RESIZABLE);
    if (!a->win) {
        LOG_ERR("window: %s", SDL_GetError());
        return false;
    }
    if (!a->cfg->software)
        a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_ACCELERATED);
    if (!a->r)
        a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
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

/* One line per slide shown: wall time, monotonic ms, item id, page, and
 * "image" when the slide shows the item's image ("-" otherwise). The seam
 * for proof of play; tests read it to see the loop at work. */
static void play_log(app *a, const char *id, int page, int pages, bool image)
{
    if (!a->play_log)
        return;
    fprintf(a->play_log, "%lld %llu %s %d/%d %s\n", (long long)wall_now(a),
            (unsigned long long)SDL_GetTicks64(), id, page, pages, image ? "image" : "-");
    fflush(a->play_log);
}

static void start_page(app *a)
{
    const layout_item *it = deck_layout(a->shown, (size_t)a->item);
    a->deadline = SDL_GetTicks64() + (uint64_t)it->pages[a->page].seconds * 1000u;
    a->dirty = true;
    play_log(a, deck_feed(a->shown)->items[a->item].id, a->page + 1, it->n_pages,
             it->frame.image.w > 0);
}

/* At a slide boundary: slides come from the newest deck from now on, laid
 * out again when images arrived late. */
static void adopt_newest(app *a)
{
    bool changed = a->shown != a->deck || a->relayout;
    if (a->shown != a->deck)
        deck_destroy(a->shown);
    a->shown = a->deck;
    if (a->relayout && a->deck)
        deck_resize(a->deck, a->w, a->h);
    a->relayout = false;
    if (changed) {
        media_forget_images(a->media);
        render_flush(a->rd);
    }
}

/* The next item from the schedule, first page; or the idle slide. */
static void next_item(app *a)
{
    adopt_newest(a);
    a->item = a->shown && a->screen_on ? schedule_next(a->sched, wall_now(a)) : -1;
    a->page = 0;
    if (a->item >= 0)
        start_page(a);
    else
        play_log(a, a->screen_on ? "-" : "off", 0, 0, false);
    a->dirty = true;
}

/* At a page boundary: the next page of the same item while it is still
 * open (in the newest feed, where a new feed keeps its place), or the next
 * item. */
static void advance(app *a)
{
    long item = a->item;
    if (a->shown != a->deck || a->relayout) {
        item = feed_find(deck_feed(a->deck), deck_feed(a->shown)->items[a->item].id);
        adopt_newest(a);
    }
    if (item >= 0 && schedule_current_open(a->sched, wall_now(a)) &&
        a->page + 1 < deck_layout(a->shown, (size_t)item)->n_pages) {
        a->item = item;
        a->page++;
        start_page(a);
        return;
    }
    next_item(a);
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
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        /* The GPU lost its textures (driver reset, display reconnect):
         * make them again rather than draw nothing. */
        LOG_WARN("renderer reset: drawing everything again");
        render_flush(a->rd);
        a->dirty = true;
        break;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            SDL_GetRendererOutputSize(a->r, &a->w, &a->h);
            render_flush(a->rd);
            media_forget_images(a->media);
            if (a->deck)
                deck_resize(a->deck, a->w, a->h);
            if (a->shown && a->shown != a->deck)
                deck_resize(a->shown, a->w, a->h);
            if (a->item >= 0) {
                int n = deck_layout(a->shown, (size_t)a->item)->n_pages;
                a->page = a->page < n ? a->page : n - 1;
            }
        }
        a->dirty = true;
        break;
    default:
        break;
    }
}

/* Takes a new feed from the source; true when there was one. The
 * schedule decides on it at once (an urgent item in it interrupts); the
 * slide on screen finishes its page first. */
static bool handle_source(app *a)
{
    unsigned arrived = source_images_arrived(a->src);
    if (arrived != a->images_seen) {
        a->images_seen = arrived;
        a->relayout = true;
    }
    feed *f = source_take_feed(a->src);
    if (!f)
        return false;
    if (a->deck != a->shown)
        deck_destroy(a->deck); /* newer than the shown one, never shown itself */
    a->deck = deck_create(f, a->cfg, a->w, a->h, media_measure(a->media), media_has_image,
                          a->media);
    schedule_set_feed(a->sched, deck_feed(a->deck));
    LOG_INFO("new feed of %zu items", deck_count(a->deck));
    if (a->item < 0)
        next_item(a);
    return true;
}

static void handle_schedule(app *a)
{
    int64_t now = wall_now(a);
    power_reap();
    bool on = schedule_screen_on(a->sched, now);
    a->power_due = power_want(a->power, on, on && schedule_urgent_open(a->sched, now),
                              (int64_t)(SDL_GetTicks64() / 1000));
    if (on != a->screen_on || !a->screen_known) {
        a->screen_known = true;
        a->screen_on = on;
        LOG_INFO("screen %s", on ? "on" : "off (outside screen hours)");
        next_item(a); /* off: the idle state, logged as "off" */
    }
    if (a->screen_on && a->deck && schedule_should_interrupt(a->sched, now))
        next_item(a);
}

static void handle_slide(app *a)
{
    if (a->screen_on && a->item >= 0 && SDL_GetTicks64() >= a->deadline)
        advance(a);
}

static void handle_clock(app *a)
{
    int64_t minute = timefmt_minute(wall_now(a));
    if (a->screen_on && minute != a->shown_minute) {
        a->shown_minute = minute;
        a->dirty = true;
    }
}

/* The line under the clock on the waiting slide. */
static const char *waiting_status(app *a)
{
    if (a->deck)
        return NULL; /* a feed, but nothing in it is open now */
    source_status st;
    source_get_status(a->src, &st);
    return st.result == SOURCE_ERROR ? "暂时无法获取信息，正在重试……"
                                     : "正在获取最新信息……";
}

static void draw(app *a)
{
    char clock[16], day[64], date[64];
    int64_t now = wall_now(a);
    timefmt_clock(now, clock, sizeof clock);
    timefmt_day(now, day, sizeof day);
    if (!a->screen_on) {
        render_draw_off(a->rd);
    } else if (a->item < 0) {
        render_draw_waiting(a->rd, a->w, a->h, clock, day, waiting_status(a));
    } else {
        const feed_item *item = &deck_feed(a->shown)->items[a->item];
        const layout_item *it = deck_layout(a->shown, (size_t)a->item);
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
            .logo =
                media_logo(a->media, it->frame.header.w / 4, it->frame.header.h * 3 / 4),
            .urgent = item->signage.priority == FEED_PRIORITY_URGENT,
        };
        render_draw_slide(a->rd, &s);
    }
    SDL_RenderPresent(a->r);
    a->dirty = false;
}

/* Milliseconds until the earliest deadline: page end, next minute, or the
 * next schedule change (clamped so that a stepped wall clock is noticed). */
static int wait_ms(const app *a)
{
    uint64_t now = SDL_GetTicks64();
    int64_t wall = wall_now(a);
    int64_t ms = schedule_sleep(schedule_next_change(a->sched, wall), wall) * 1000;
    if (a->screen_on) {
        int64_t to_minute = (60 - wall % 60) * 1000;
        ms = to_minute < ms ? to_minute : ms;
    }
    if (a->screen_on && a->item >= 0) {
        int64_t to_page = a->deadline > now ? (int64_t)(a->deadline - now) : 0;
        ms = to_page < ms ? to_page : ms;
    }
    if (a->power_due >= 0 && a->power_due * 1000 < ms)
        ms = a->power_due * 1000;
    /* Wake at least once a minute whatever the wall clock did. */
    return ms > 60000 ? 60000 : ms < 0 ? 0 : (int)ms;
}

static bool app_open(app *a)
{
    /* A software renderer still maps the GL driver for the window surface
     * unless told not to (about 100 MB on X11 with Mesa). */
    if (a->cfg->software)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0 || TTF_Init() != 0) {
        LOG_ERR("SDL: %s", SDL_GetError());
        return false;
    }
    IMG_Init(IMG_INIT_PNG | IMG_INIT_JPG);
    a->wake_event = SDL_RegisterEvents(1);
    if (a->opt.play_log && !(a->play_log = fopen(a->opt.play_log, "a"))) {
        LOG_ERR("cannot open %s", a->opt.play_log);
        return false;
    }
    a->zone = tz_create(a->cfg->time_zone);
    if (!a->zone)
        return false;
    schedule_params sp = schedule_params_from_config(a->cfg, a->zone);
    a->sched = schedule_create(&sp);
    a->power =
        power_create(a->cfg->display_on_cmd, a->cfg->display_off_cmd, POWER_MIN_GAP);
    a->screen_on = true; /* until the first handle_schedule decides */
    if (!open_window(a))
        return false;
    a->src = source_create(a->cfg, wake_loop, a);
    if (!a->src)
        return false;
    a->media = media_create(a->cfg, a->src);
    if (!a->media)
        return false;
    a->rd = render_create(a->r, media_fonts(a->media), a->cfg);
    return true;
}

static void app_close(app *a)
{
    schedule_destroy(a->sched);
    power_destroy(a->power);
    tz_destroy(a->zone);
    if (a->shown != a->deck)
        deck_destroy(a->shown);
    deck_destroy(a->deck);
    render_destroy(a->rd);
    media_destroy(a->media);
    source_destroy(a->src);
    if (a->r)
        SDL_DestroyRenderer(a->r);
    if (a->win)
        SDL_DestroyWindow(a->win);
    IMG_Quit();
    TTF_Quit();
    SDL_Quit();
}

int app_run(const config *cfg, const app_options *opt)
{
    app a = {.cfg = cfg, .opt = *opt, .item = -1, .shown_minute = -1, .dirty = true};
    if (opt->has_now)
        a.wall_offset = opt->now - (int64_t)time(NULL);
    bool ok = app_open(&a);
    while (ok && !a.quit) {
        handle_schedule(&a);
        if (handle_source(&a))
            handle_schedule(&a); /* an urgent item in it may wake the screen */
        handle_slide(&a);
        handle_clock(&a);
        if (a.dirty)
            draw(&a);
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
