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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checkfeed.h"
#include "confcheck.h"
#include "deck.h"
#include "fetch.h"
#include "log.h"
#include "media.h"
#include "notify.h"
#include "params.h"
#include "power.h"
#include "render.h"
#include "rotation.h"
#include "schedule.h"
#include "slide.h"
#include "source.h"
#include "status.h"
#include "timefmt.h"
#include "tz.h"
#include "util.h"
#include "watch.h"

/* The longest a slide waits for its image to be decoded before it shows
 * without it. */
#define IMAGE_HOLD_MS 1000

typedef struct {
    status_item list[3][STATUS_MAX_LISTED]; /* by checkfeed_state */
    size_t count[3], listed[3];
} status_lists;

typedef struct {
    const config *cfg; /* &conf */
    config conf;       /* the running config; replaced whole by a reload */
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
    notify *nt;
    bool may_wait_for_display; /* KMSDRM (or a test): no screen yet is not fatal */
    bool no_display_logged;
    uint64_t display_retry;    /* monotonic ms of the next try to open one */
    uint64_t no_display_until; /* test hook: no display before this */
    uint64_t hang_at;          /* test hook: the loop hangs from then on */
    FILE *play_log;            /* --play-log, or NULL */
    bool screen_on;            /* inside screen hours, or an urgent item is open */
    bool screen_known;         /* screen_on has been decided */
    uint64_t image_hold;       /* monotonic ms: the slide that started waits for its
                                  image until then (the last one stays up); 0: none */
    bool drawn;                /* a frame has been presented */
    power *power;              /* the display power commands, rate-limited */
    int64_t power_due;         /* seconds until a held-back power change, or -1 */
    bool dirty, quit;
    /* Live reload: a good new config waits for the slide boundary; a new
     * feed's source starts fetching at once. */
    watch *watch;
    config *pending;
    source *next_src;
    /* The status file: written when something changed, at most once a
     * second. */
    char status_path[1024]; /* "" none */
    bool status_due;
    uint64_t status_written; /* monotonic ms of the last write */
    source_status last_src;  /* what the last write said of the source */
    int64_t started;         /* wall time at start */
    status_lists lists;      /* items open, waiting, skipped (ids borrowed) */
    int64_t lists_until;     /* wall: made again from then (0: at once) */
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
    if (!a->win)
        return false;
    if (!a->cfg->software)
        a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_ACCELERATED);
    if (!a->r)
        a->r = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    if (!a->r)
        return false;
    SDL_ShowCursor(SDL_DISABLE);
    SDL_DisableScreenSaver();
    SDL_GetRendererOutputSize(a->r, &a->w, &a->h);
    SDL_RendererInfo info = {0};
    SDL_GetRendererInfo(a->r, &info);
    LOG_INFO("screen %dx%d: video driver %s, renderer %s", a->w, a->h,
             SDL_GetCurrentVideoDriver(), info.name ? info.name : "?");
    return true;
}

/* Asks SDL for the driver of the session the player runs in. Without X11
 * or Wayland, SDL 2 would settle for its offscreen driver, which shows
 * nothing: on the console it is KMSDRM. A driver set in SDL_VIDEODRIVER is
 * the user's choice and kept. */
static void choose_video_driver(app *a)
{
    const char *forced = getenv("SDL_VIDEODRIVER");
    const char *x11 = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
    const char *want = forced && forced[0]                ? forced
                       : (x11 && x11[0]) && (wl && wl[0]) ? "x11,wayland"
                       : x11 && x11[0]                    ? "x11"
                       : wl && wl[0]                      ? "wayland"
                                                          : "kmsdrm";
    if (!forced || !forced[0])
        SDL_SetHint(SDL_HINT_VIDEODRIVER, want);
    /* On the console a board often starts before the TV is on. */
    a->may_wait_for_display = strcmp(want, "kmsdrm") == 0 || a->no_display_until;
}

/* SDL's offscreen and dummy drivers show nothing: only on request. */
static bool driver_shows_something(void)
{
    const char *got = SDL_GetCurrentVideoDriver(), *forced = getenv("SDL_VIDEODRIVER");
    if (!got || (strcmp(got, "offscreen") != 0 && strcmp(got, "dummy") != 0) ||
        (forced && strcmp(forced, got) == 0))
        return true;
    LOG_ERR(
        "video driver '%s' shows nothing on a screen (DISPLAY=%s, WAYLAND_DISPLAY=%s)",
        got, getenv("DISPLAY") ? getenv("DISPLAY") : "unset",
        getenv("WAYLAND_DISPLAY") ? getenv("WAYLAND_DISPLAY") : "unset");
    return false;
}

static void display_close(app *a)
{
    render_destroy(a->rd);
    if (a->r)
        SDL_DestroyRenderer(a->r);
    if (a->win)
        SDL_DestroyWindow(a->win);
    a->rd = NULL;
    a->r = NULL;
    a->win = NULL;
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

typedef enum { DISPLAY_OK, DISPLAY_NONE, DISPLAY_FATAL } display_result;

/* Video, window, renderer and the slide renderer; DISPLAY_NONE when no
 * screen is connected (SDL's error says why). */
static display_result display_open(app *a)
{
    if (SDL_GetTicks64() < a->no_display_until) {
        SDL_SetError("no connected display (test hook SIGNAGE_TEST_NO_DISPLAY_FOR_MS)");
        return DISPLAY_NONE;
    }
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
        return DISPLAY_NONE;
    if (!driver_shows_something())
        return DISPLAY_FATAL;
    if (SDL_GetNumVideoDisplays() < 1)
        SDL_SetError("no connected display");
    if (SDL_GetNumVideoDisplays() < 1 || !open_window(a)) {
        display_close(a);
        return DISPLAY_NONE;
    }
    render_theme theme = params_theme(a->cfg);
    a->rd = render_create(a->r, media_fonts(a->media), &theme);
    return DISPLAY_OK;
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
/* A slide is on screen from now: its page time counts, the play log and the
 * next draw show it. */
static void slide_shown(app *a)
{
    a->image_hold = 0;
    a->dirty = true;
    a->status_due = true;
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

/* True when the slide that starts now shows an image still being decoded:
 * it waits for it (the last slide stays up) rather than appear and then
 * change under the reader's eyes. Never an urgent slide, nor the first. */
static bool waits_for_image(app *a)
{
    rotation_view v = rotation_get(a->rot);
    if (!a->drawn || !a->screen_on || v.item < 0)
        return false;
    const feed_item *item = &deck_feed(v.deck)->items[v.item];
    const layout_item *it = deck_layout(v.deck, (size_t)v.item);
    return it->frame.image.w > 0 && item->signage.priority != FEED_PRIORITY_URGENT &&
           !media_image(a->media, item, &it->frame.image) &&
           media_image_pending(a->media);
}

static void rotated(app *a, unsigned ev)
{
    if (ev & ROTATION_FLUSH) {
        media_forget_images(a->media);
        render_flush(a->rd);
    }
    if (!(ev & ROTATION_STARTED))
        return;
    if (waits_for_image(a))
        a->image_hold = SDL_GetTicks64() + IMAGE_HOLD_MS;
    else
        slide_shown(a);
}

/* The screen's size changed (or a new screen): lay out again for it. */
static void resize(app *a)
{
    SDL_GetRendererOutputSize(a->r, &a->w, &a->h);
    rotated(a, rotation_resize(a->rot, a->w, a->h));
}

static void handle_event(app *a, const SDL_Event *ev)
{
    if (!a->rd && ev->type != SDL_QUIT)
        return; /* the display went away among these events */
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
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
            resize(a);
        a->dirty = true;
        break;
    case SDL_DISPLAYEVENT:
        /* HDMI unplugged, where SDL reports it: wait for a screen again. */
        if (ev->display.event == SDL_DISPLAYEVENT_DISCONNECTED &&
            SDL_GetNumVideoDisplays() < 1) {
            LOG_WARN("display disconnected");
            display_close(a);
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
    a->lists_until = 0; /* the status lists borrow the old feed's ids */
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
        a->status_due = true;
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
    bool arrived = media_changed(a->media);
    if (a->image_hold && (arrived || SDL_GetTicks64() >= a->image_hold))
        slide_shown(a);
    else if (arrived)
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

/* STATUS= for the service manager: what the screen shows. */
static void notify_shown(app *a)
{
    char st[256];
    rotation_view v = rotation_get(a->rot);
    if (!a->screen_on) {
        snprintf(st, sizeof st, "screen off (outside screen hours)");
    } else if (v.item < 0) {
        snprintf(st, sizeof st, "waiting slide: %s",
                 v.deck ? "nothing open in the feed" : "no feed yet");
    } else {
        const layout_item *it = deck_layout(v.deck, (size_t)v.item);
        const feed_item *fi = &deck_feed(v.deck)->items[v.item];
        snprintf(st, sizeof st, "showing %s, page %d/%d",
                 fi->title[0] ? fi->title : fi->id, v.page + 1, it->n_pages);
    }
    notify_status(a->nt, st);
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
    notify_ready(a->nt); /* the first frame is on screen */
    notify_shown(a);
    if (!a->drawn) {
        /* Absolute, so that tests/bench/run.sh can time exec to first frame. */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        LOG_INFO("first frame presented at %.1f ms (CLOCK_MONOTONIC)",
                 (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6);
    }
    a->drawn = true;
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
    if (a->image_hold) {
        int64_t to_hold = a->image_hold > now ? (int64_t)(a->image_hold - now) : 0;
        ms = to_hold < ms ? to_hold : ms;
    }
    if (a->power_due >= 0 && a->power_due * 1000 < ms)
        ms = a->power_due * 1000;
    /* The watchdog is fed from this loop: wake in time for it. */
    int64_t to_ping = notify_watchdog_due_ms(a->nt, now);
    ms = to_ping < ms ? to_ping : ms;
    if (a->status_due && a->status_path[0]) {
        int64_t to_status = (int64_t)(a->status_written + 1000) - (int64_t)now;
        ms = to_status < ms ? to_status : ms;
    }
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

/* A test hook's milliseconds from the environment; 0 when unset. */
static uint64_t env_ms(const char *name)
{
    const char *v = getenv(name);
    long long ms = v ? strtoll(v, NULL, 10) : 0;
    return ms > 0 ? (uint64_t)ms : 0;
}

/* What the config makes, between the display and the loop: the zone, the
 * schedule, the source (or the one a reload started), media, render (when
 * the display is open) and the rotation. A reload closes and opens it
 * again. */
static bool open_content(app *a)
{
    a->zone = tz_create(a->cfg->time_zone);
    if (!a->zone)
        return false;
    log_zone(a);
    schedule_params sp = params_schedule(a->cfg, a->zone);
    a->sched = schedule_create(&sp);
    source_params sp_src = params_source(a->cfg);
    a->src = a->next_src ? a->next_src : source_create(&sp_src, wake_loop, a);
    a->next_src = NULL;
    if (!a->src)
        return false;
    a->images_seen = source_images_arrived(a->src);
    media_params mp = params_media(a->cfg);
    a->media = media_create(&mp, a->src, wake_loop, a);
    if (!a->media)
        return false;
    if (a->r) { /* a reload: the display stays; else display_open makes it */
        render_theme theme = params_theme(a->cfg);
        a->rd = render_create(a->r, media_fonts(a->media), &theme);
    }
    a->rot = rotation_create(a->sched, a->w, a->h);
    return true;
}

/* In this order: the decks borrow media's measure and the config. */
static void close_content(app *a)
{
    rotation_destroy(a->rot);
    schedule_destroy(a->sched);
    tz_destroy(a->zone);
    render_destroy(a->rd);
    media_destroy(a->media);
    source_destroy(a->src);
    a->rot = NULL;
    a->sched = NULL;
    a->zone = NULL;
    a->rd = NULL;
    a->media = NULL;
    a->src = NULL;
}

/* ---- live reload and the status file ---- */

static void status_path_set(app *a)
{
    if (a->cfg->status_file[0])
        snprintf(a->status_path, sizeof a->status_path, "%s", a->cfg->status_file);
    else if (!status_default_path(a->status_path, sizeof a->status_path))
        a->status_path[0] = '\0';
    if (a->status_path[0])
        LOG_INFO("status file %s", a->status_path);
    a->status_due = true;
}

/* The config file again, through the same loader and checks as at start.
 * NULL (errors logged) when it fails: the running config stays. */
static config *reload_read(const app *a)
{
    config *next = xmalloc(sizeof *next);
    config_report *r = xcalloc(1, sizeof *r);
    bool ok = confcheck_load(next, a->opt.config_path, r);
    for (int i = 0; i < r->count; i++)
        log_msg(r->problems[i].warning ? LOG_WARN : LOG_ERROR, "config", "%s",
                r->problems[i].text);
    if (!ok)
        LOG_ERR("config not reloaded, the running one is kept (%d error%s)", r->errors,
                r->errors == 1 ? "" : "s");
    free(r);
    if (ok)
        return next;
    free(next);
    return NULL;
}

/* Keeps what needs a restart ([display]: the window is made once). */
static void keep_display(const config *cur, config *next)
{
    if (next->fullscreen != cur->fullscreen || next->width != cur->width ||
        next->height != cur->height || next->software != cur->software)
        LOG_WARN("config: [display] changes take effect at the next start");
    next->fullscreen = cur->fullscreen;
    next->width = cur->width;
    next->height = cur->height;
    next->software = cur->software;
}

/* A good new config waits for the end of the page on screen; a new feed
 * is fetched at once by a source of its own, taken over then. */
static void reload_take(app *a, config *next)
{
    keep_display(a->cfg, next);
    const char *fetching = a->next_src ? a->pending->feed : a->cfg->feed;
    if (strcmp(next->feed, fetching) != 0) {
        source_destroy(a->next_src);
        a->next_src = NULL;
        if (strcmp(next->feed, a->cfg->feed) != 0) {
            LOG_INFO("config: new feed %s, fetching it now", next->feed);
            source_params sp = params_source(next);
            a->next_src = source_create(&sp, wake_loop, a);
        }
    }
    free(a->pending);
    a->pending = NULL;
    if (memcmp(next, a->cfg, sizeof *next) == 0) {
        LOG_INFO("config %s read again: no change", a->opt.config_path);
        free(next);
        return;
    }
    enum log_level lv;
    if (log_level_from_name(next->log_level, &lv))
        log_set_level(lv);
    a->pending = next;
    LOG_INFO("config %s reloaded: applied when the page on screen ends",
             a->opt.config_path);
}

/* Everything the config makes is made again; the window stays, and the
 * last frame stays on it until the new rotation's first slide is drawn. */
static bool reload_apply(app *a)
{
    close_content(a);
    a->conf = *a->pending;
    free(a->pending);
    a->pending = NULL;
    if (!open_content(a)) {
        LOG_ERR("the reloaded config could not be applied: stopping");
        return false;
    }
    if (!a->screen_on)
        rotation_set_screen(a->rot, false, wall_now(a), SDL_GetTicks64());
    status_path_set(a);
    a->lists_until = 0;
    LOG_INFO("config applied");
    return true;
}

/* False when a reloaded config could not be applied (the loop ends). */
static bool handle_reload(app *a)
{
    if (a->watch && watch_changed(a->watch)) {
        config *next = reload_read(a);
        if (next)
            reload_take(a, next);
    }
    rotation_view v = rotation_get(a->rot);
    if (a->pending && (v.item < 0 || !a->screen_on || SDL_GetTicks64() >= v.until))
        return reload_apply(a);
    return true;
}

/* Seconds since the feed shown was fetched or confirmed; -1 unknown. */
static int64_t cache_age(const source_status *st, int64_t now)
{
    if (st->last_success > 0 && !st->from_cache)
        return now - st->last_success;
    return st->cached_at > 0 ? now - st->cached_at : -1;
}

/* The lists in the status file, made again only when the feed changed or
 * the schedule may have (item states run O(items)). */
static const status_lists *status_classify(app *a, int64_t now)
{
    status_lists *l = &a->lists;
    if (now < a->lists_until)
        return l;
    memset(l, 0, sizeof *l);
    int64_t change = schedule_next_change(a->sched, now);
    a->lists_until = change < now + 3600 ? change : now + 3600;
    const feed *f = rotation_feed(a->rot);
    schedule_params sp = params_schedule(a->cfg, a->zone);
    for (size_t i = 0; f && i < f->n_items; i++) {
        const char *why;
        checkfeed_state k = checkfeed_item_state(&sp, f, i, now, &why);
        l->count[k]++;
        if (l->listed[k] < STATUS_MAX_LISTED)
            l->list[k][l->listed[k]++] = (status_item){f->items[i].id, why};
    }
    return l;
}

/* When the next write is due at the latest: the page's end, the next poll. */
static int64_t status_expect(app *a, const source_status *st, int64_t now)
{
    rotation_view v = rotation_get(a->rot);
    uint64_t mono = SDL_GetTicks64();
    int64_t due = 0;
    if (a->screen_on && v.item >= 0)
        due = now + (int64_t)((v.until > mono ? v.until - mono : 0) / 1000) + 1;
    if (fetch_is_remote_url(a->cfg->feed) && st->last_attempt > 0) {
        int64_t poll = st->last_attempt + a->cfg->backoff_max + a->cfg->total_timeout;
        due = due && due < poll ? due : poll;
    }
    return due;
}

static void status_write_now(app *a, const source_status *st)
{
    int64_t now = wall_now(a);
    const status_lists *l = status_classify(a, now);
    SDL_RendererInfo ri = {0};
    SDL_GetRendererInfo(a->r, &ri);
    rotation_view v = rotation_get(a->rot);
    status_info si = {
        .pid = (long)getpid(),
        .now = now,
        .started = a->started,
        .expect_before = status_expect(a, st, now),
        .width = a->w,
        .height = a->h,
        .driver = SDL_GetCurrentVideoDriver(),
        .renderer = ri.name,
        .screen_on = a->screen_on,
        .feed = a->cfg->feed,
        .src = *st,
        .cache_age = cache_age(st, now),
        .n_shown = l->count[CHECKFEED_OPEN],
        .n_waiting = l->count[CHECKFEED_WAITING],
        .n_skipped = l->count[CHECKFEED_SKIPPED],
        .shown = l->list[CHECKFEED_OPEN],
        .waiting = l->list[CHECKFEED_WAITING],
        .skipped = l->list[CHECKFEED_SKIPPED],
        .listed_shown = l->listed[CHECKFEED_OPEN],
        .listed_waiting = l->listed[CHECKFEED_WAITING],
        .listed_skipped = l->listed[CHECKFEED_SKIPPED],
    };
    if (v.item >= 0) {
        si.item_id = deck_feed(v.deck)->items[v.item].id;
        si.page = v.page + 1;
        si.pages = deck_layout(v.deck, (size_t)v.item)->n_pages;
    }
    char *text = status_format(&si);
    status_write(a->status_path, text);
    free(text);
}

/* A fetch result changes the status (a local file's checks every few
 * seconds do not, unless their result changes). */
static bool source_news(app *a, const source_status *st)
{
    const source_status *o = &a->last_src;
    bool remote = fetch_is_remote_url(a->cfg->feed);
    return st->result != o->result || st->http_status != o->http_status ||
           st->from_cache != o->from_cache || strcmp(st->message, o->message) != 0 ||
           (remote && st->last_attempt != o->last_attempt);
}

static void handle_status(app *a)
{
    if (!a->status_path[0] || !a->src)
        return;
    source_status st;
    source_get_status(a->src, &st);
    a->status_due |= source_news(a, &st);
    uint64_t mono = SDL_GetTicks64();
    if (!a->status_due || (a->status_written && mono < a->status_written + 1000))
        return;
    a->last_src = st;
    status_write_now(a, &st);
    a->status_written = mono;
    a->status_due = false;
}

static void admin_open(app *a)
{
    a->started = wall_now(a);
    status_path_set(a);
    if (a->opt.config_path)
        a->watch = watch_create(a->opt.config_path, wake_loop, a);
}

static void admin_close(app *a)
{
    watch_destroy(a->watch);
    source_destroy(a->next_src);
    free(a->pending);
}

static bool app_open(app *a)
{
    /* A software renderer still maps the GL driver for the window surface
     * unless told not to (about 100 MB on X11 with Mesa). */
    if (a->cfg->software)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    /* Video comes later, when there is a screen (display_open). */
    if (SDL_Init(SDL_INIT_EVENTS) != 0 || TTF_Init() != 0) {
        LOG_ERR("SDL: %s", SDL_GetError());
        return false;
    }
    IMG_Init(IMG_INIT_PNG | IMG_INIT_JPG);
    a->wake_event = SDL_RegisterEvents(1);
    a->nt = notify_create();
    uint64_t hang = env_ms("SIGNAGE_TEST_HANG_AFTER_MS");
    a->hang_at = hang ? SDL_GetTicks64() + hang : 0;
    uint64_t no_display = env_ms("SIGNAGE_TEST_NO_DISPLAY_FOR_MS");
    a->no_display_until = no_display ? SDL_GetTicks64() + no_display : 0;
    choose_video_driver(a);
    if (a->opt.play_log && !(a->play_log = fopen(a->opt.play_log, "a"))) {
        LOG_ERR("cannot open %s", a->opt.play_log);
        return false;
    }
    /* power borrows the command strings: a reload replaces them in place */
    a->power =
        power_create(a->cfg->display_on_cmd, a->cfg->display_off_cmd, POWER_MIN_GAP);
    a->screen_on = true; /* until the first handle_schedule decides */
    if (!open_content(a))
        return false;
    admin_open(a);
    return true;
}

static void app_close(app *a)
{
    admin_close(a);
    close_content(a);
    power_destroy(a->power);
    display_close(a);
    notify_destroy(a->nt);
    IMG_Quit();
    TTF_Quit();
    SDL_Quit();
}

/* After display_open failed: on the console, log once and try again in
 * 3 s; elsewhere (or with a driver that shows nothing) false: give up. */
static bool display_missing(app *a, display_result r, uint64_t now)
{
    if (r == DISPLAY_FATAL) {
        display_close(a);
        return false; /* logged by driver_shows_something */
    }
    if (!a->may_wait_for_display) {
        LOG_ERR("no screen through video driver '%s': %s (DISPLAY=%s)",
                SDL_GetHint(SDL_HINT_VIDEODRIVER), SDL_GetError(),
                getenv("DISPLAY") ? getenv("DISPLAY") : "unset");
        return false;
    }
    if (!a->no_display_logged)
        LOG_WARN("no display yet (%s): trying again every 3 s", SDL_GetError());
    a->no_display_logged = true;
    notify_status(a->nt, "waiting for a display");
    a->display_retry = now + 3000;
    return true;
}

/* No screen: try to open one every few seconds, logging the cause once.
 * Meanwhile the worker keeps fetching and the watchdog is fed; the feed is
 * taken when a screen appears. False when there will never be one. */
static bool wait_for_display(app *a)
{
    uint64_t now = SDL_GetTicks64();
    if (now >= a->display_retry) {
        display_result r = display_open(a);
        if (r == DISPLAY_OK) {
            if (a->no_display_logged)
                LOG_INFO("display found");
            a->no_display_logged = false;
            resize(a);
            a->dirty = true;
            return true;
        }
        if (!display_missing(a, r, now))
            return false;
    }
    int ms = (int)(a->display_retry - now);
    int ping = notify_watchdog_due_ms(a->nt, now);
    SDL_Event ev;
    if (SDL_WaitEventTimeout(&ev, ping < ms ? ping : ms) && ev.type == SDL_QUIT)
        a->quit = true;
    return true;
}

/* Test hook: the loop stops here for good, as a hung draw or a dead lock
 * would, so that a test sees the watchdog pings stop. */
static void test_hang(const app *a)
{
    if (!a->hang_at || SDL_GetTicks64() < a->hang_at)
        return;
    LOG_WARN("test hook: the loop hangs now (SIGNAGE_TEST_HANG_AFTER_MS)");
    for (;;)
        SDL_Delay(1000);
}

int app_run(const config *cfg, const app_options *opt)
{
    app a = {.conf = *cfg, .opt = *opt, .shown_minute = -1, .dirty = true};
    a.cfg = &a.conf;
    if (opt->has_now)
        a.wall_offset = opt->now - (int64_t)time(NULL);
    bool ok = app_open(&a);
    while (ok && !a.quit) {
        notify_watchdog(a.nt, SDL_GetTicks64());
        test_hang(&a);
        if (!a.rd) {
            ok = wait_for_display(&a);
            continue;
        }
        if (!(ok = handle_reload(&a)))
            break;
        handle_schedule(&a);
        if (handle_source(&a))
            handle_schedule(&a); /* an urgent item in it may wake the screen */
        handle_slide(&a);
        handle_clock(&a);
        handle_media(&a);
        if (a.dirty && !a.image_hold)
            draw(&a);
        handle_status(&a);
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
