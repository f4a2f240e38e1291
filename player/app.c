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
#include "params.h"
#include "power.h"
#include "render.h"
#include "rotation.h"
#include "schedule.h"
#include "slide.h"
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
    rotation *rot;
    int w, h;
    unsigned images_seen; /* source_images_arrived() last seen */
    int64_t shown_minute;
    int64_t wall_offset; /* --now minus the real clock at start */
    Uint32 wake_event;
    FILE *play_log;    /* --play-log, or NULL */
    bool screen_on;    /* inside screen hours, or an urgent item is open */
    bool screen_known; /* screen_on has been decided */
    power *power;      /* the display power commands, rate-limited */
    int64_t power_due; /* seconds until a held-back power change, or -1 */
    bool dirty, quit;
    bool presented; /* the first frame is on screen (logged once) */
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

/* Acts on what a rotation call changed: caches of the old deck go, a slide
 * that started is logged and drawn. */
static void rotated(app *a, unsigned ev)
{
    if (ev & ROTATION_FLUSH) {
        media_forget_images(a->media);
        render_flush(a->rd);
    }
    if (!(ev & ROTATION_STARTED))
        return;
    a->dirty = true;
    rotation_started(a->rot, SDL_GetTicks64());
    rotation_view v = rotation_get(a->rot);
    if (v.item < 0) {
        play_log(a, v.screen_on ? "-" : "off", 0, 0, false);
        return;
    }
    const layout_item *it = deck_layout(v.deck, (size_t)v.item);
    play_log(a, deck_feed(v.deck)->items[v.item].id, v.page + 1, it->n_pages,
             it->frame.image.w > 0);
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
            rotated(a, rotation_resize(a->rot, a->w, a->h));
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
    if (arrived != a->images_seen && rotation_feed(a->rot)) {
        bool *has_image = slide_images(a->src, rotation_feed(a->rot));
        rotation_images_arrived(a->rot, has_image);
        free(has_image);
    }
    a->images_seen = arrived;
    feed *f = source_take_feed(a->src);
    if (!f)
        return false;
    deck *d = slide_deck(f, a->cfg, a->w, a->h, a->media, a->src);
    LOG_INFO("new feed of %zu items", deck_count(d));
    rotated(a, rotation_new_deck(a->rot, d, wall_now(a), SDL_GetTicks64()));
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
        /* off: the idle state, logged as "off" */
        rotated(a, rotation_set_screen(a->rot, on, now, SDL_GetTicks64()));
    }
}

/* An urgent item cutting in, or the page's time up. */
static void handle_slide(app *a)
{
    rotated(a, rotation_tick(a->rot, wall_now(a), SDL_GetTicks64()));
}

static void handle_clock(app *a)
{
    int64_t minute = timefmt_minute(wall_now(a));
    if (a->screen_on && minute != a->shown_minute) {
        a->shown_minute = minute;
        a->dirty = true;
    }
}

/* An image or logo decoded on media's worker: draw the slide again. */
static void handle_media(app *a)
{
    if (media_changed(a->media))
        a->dirty = true;
}

/* The line under the clock on the waiting slide. */
static const char *waiting_status(app *a)
{
    if (rotation_feed(a->rot))
        return NULL; /* a feed, but nothing in it is open now */
    source_status st;
    source_get_status(a->src, &st);
    return st.result == SOURCE_ERROR ? "暂时无法获取信息，正在重试……"
                                     : "正在获取最新信息……";
}

static void draw(app *a)
{
    char clock[16], day[64];
    int64_t now = wall_now(a);
    timefmt_clock(a->zone, now, clock, sizeof clock);
    timefmt_day(a->zone, now, day, sizeof day);
    rotation_view v = rotation_get(a->rot);
    if (!a->screen_on) {
        render_draw_off(a->rd);
    } else if (v.item < 0) {
        render_draw_waiting(a->rd, a->w, a->h, clock, day, waiting_status(a));
    } else {
        slide_draw(a->rd, a->media, a->zone, &deck_feed(v.deck)->items[v.item],
                   deck_layout(v.deck, (size_t)v.item), v.page, clock, day);
    }
    SDL_RenderPresent(a->r);
    a->dirty = false;
    if (!a->presented) {
        /* Absolute, so that tests/bench/run.sh can time exec to first frame. */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        LOG_INFO("first frame presented at %.1f ms (CLOCK_MONOTONIC)",
                 (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6);
        a->presented = true;
    }
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
    rotation_view v = rotation_get(a->rot);
    if (a->screen_on && v.item >= 0) {
        int64_t to_page = v.until > now ? (int64_t)(v.until - now) : 0;
        ms = to_page < ms ? to_page : ms;
    }
    if (a->power_due >= 0 && a->power_due * 1000 < ms)
        ms = a->power_due * 1000;
    /* Wake at least once a minute whatever the wall clock did. */
    return ms > 60000 ? 60000 : ms < 0 ? 0 : (int)ms;
}

/* Which zone the clock and the schedule follow, and what it makes of now. */
static void log_zone(app *a)
{
    tz_time lt;
    tz_local(a->zone, wall_now(a), &lt);
    int off = lt.offset_s < 0 ? -lt.offset_s : lt.offset_s;
    LOG_INFO("time zone %s: local time %04d-%02d-%02d %02d:%02d (UTC%c%02d:%02d)",
             tz_name(a->zone), lt.year, lt.month, lt.day, lt.hour, lt.minute,
             lt.offset_s < 0 ? '-' : '+', off / 3600, off / 60 % 60);
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
    log_zone(a);
    schedule_params sp = params_schedule(a->cfg, a->zone);
    a->sched = schedule_create(&sp);
    a->power =
        power_create(a->cfg->display_on_cmd, a->cfg->display_off_cmd, POWER_MIN_GAP);
    a->screen_on = true; /* until the first handle_schedule decides */
    if (!open_window(a))
        return false;
    a->src = source_create(a->cfg, wake_loop, a);
    if (!a->src)
        return false;
    a->media = media_create(a->cfg, a->src, wake_loop, a);
    if (!a->media)
        return false;
    render_theme theme = params_theme(a->cfg);
    a->rd = render_create(a->r, media_fonts(a->media), &theme);
    a->rot = rotation_create(a->sched, a->w, a->h);
    return true;
}

static void app_close(app *a)
{
    rotation_destroy(a->rot);
    schedule_destroy(a->sched);
    power_destroy(a->power);
    tz_destroy(a->zone);
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
    app a = {.cfg = cfg, .opt = *opt, .shown_minute = -1, .dirty = true};
    if (opt->has_now)
        a.wall_offset = opt->now - (int64_t)time(NULL);
    bool ok = app_open(&a);
    while (ok && !a.quit) {
        handle_schedule(&a);
        if (handle_source(&a))
            handle_schedule(&a); /* an urgent item in it may wake the screen */
        handle_slide(&a);
        handle_clock(&a);
        handle_media(&a);
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
