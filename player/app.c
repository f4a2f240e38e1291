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

#include "confcheck.h"
#include "deck.h"
#include "display.h"
#include "fleet.h"
#include "log.h"
#include "media.h"
#include "metricsfile.h"
#include "notify.h"
#include "now.h"
#include "params.h"
#include "power.h"
#include "push.h"
#include "render.h"
#include "report.h"
#include "rotation.h"
#include "schedule.h"
#include "screenshot.h"
#include "slide.h"
#include "source.h"
#include "timefmt.h"
#include "transition.h"
#include "tz.h"
#include "util.h"
#include "watch.h"

/* The longest a slide waits for its image to be decoded before it shows
 * without it. */
#define IMAGE_HOLD_MS 1000

typedef struct {
    const config *cfg; /* &conf */
    config conf;       /* the running config; replaced whole by a reload */
    app_options opt;
    display *disp;
    source *src;
    push *push; /* [fleet] mqtt_url: a message wakes src; NULL without */
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
    uint64_t hang_at;    /* test hook: the loop hangs from then on */
    FILE *play_log;      /* --play-log, or NULL */
    bool screen_on;      /* inside screen hours, or an urgent item is open */
    bool screen_known;   /* screen_on has been decided */
    uint64_t image_hold; /* monotonic ms: the slide that started waits for its
                            image until then (the last one stays up); 0: none */
    bool drawn;          /* a frame has been presented */
    power *power;        /* the display power commands, rate-limited */
    int64_t power_due;   /* seconds until a held-back power change, or -1 */
    bool dirty, quit;
    /* Live reload: a good new config waits for the slide boundary; a new
     * feed's source starts fetching at once. */
    watch *watch;
    config *pending;
    source *next_src;
    report *report;       /* the status file */
    fleet *fleet;         /* heartbeats, proof of play, screenshots; NULL: none */
    bool shot;            /* the report server asked for a screenshot of the next frame */
    metricsfile *metrics; /* the metrics file ([fleet] metrics_file) */
    Uint64 step_t0;       /* metrics: the loop step's start, and */
    unsigned long step_laid; /* the layouts made before it */
    uint64_t soak_next;      /* test hook: monotonic ms of the next soak line */
    uint64_t memory_next;    /* test hook: of the next memory line */
    transition tr;           /* [display] transition; tr.start: the last slide's */
    bool fresh;              /* a new slide waits to be drawn (a transition to it) */
    bool moving;             /* a transition is on screen: a frame each FRAME_MS */
    char *ticker;            /* the open ticker items' text (slide.h), or NULL: then
                                nothing scrolls and nothing is drawn between slides */
    uint64_t ticker_start;   /* monotonic ms: the ticker's text last changed */
    sizes_panel panel;       /* the screen's physical size (display_panel) */
    bool reset_hook;         /* test hook: a renderer reset mid-transition is due */
} app;

/* The frame period while something moves (about 60 Hz). */
#define FRAME_MS 16

static int64_t wall_now(const app *a)
{
    return now_wall() + a->wall_offset;
}

static void wake_loop(void *ctx)
{
    app *a = ctx;
    SDL_Event ev = {.type = a->wake_event};
    SDL_PushEvent(&ev);
}

/* The transition's kind and length from the config. */
static void transition_setup(app *a)
{
    transition_kind_from_name(a->cfg->transition, &a->tr.kind);
    a->tr.ms = a->cfg->transition_ms;
    a->moving = false;
}

/* The slide renderer on the display's renderer, with the config's theme. */
static void render_open(app *a)
{
    render_theme theme = params_theme(a->cfg);
    a->rd = render_create(display_renderer(a->disp), media_fonts(a->media), &theme);
    render_set_rotation(a->rd, a->cfg->rotation);
    transition_setup(a);
}

/* The screen went away: what draws on it first, then the display. */
static void screen_close(app *a)
{
    render_destroy(a->rd);
    a->rd = NULL;
    display_close(a->disp);
}

/* One line per slide shown: wall time, monotonic ms, item id, page, and
 * "image" when the slide shows the item's image ("-" otherwise). The seam
 * for proof of play; tests read it to see the loop at work. */
static void play_log(app *a, const char *id, int page, int pages, bool image)
{
    if (!a->play_log)
        return;
    fprintf(a->play_log, "%lld %llu %s %d/%d %s\n", (long long)wall_now(a),
            (unsigned long long)now_mono_ms(), id, page, pages, image ? "image" : "-");
    fflush(a->play_log);
}

/* A slide is on screen from now: its page time counts, the play log and the
 * next draw show it. */
static void slide_shown(app *a)
{
    a->image_hold = 0;
    a->dirty = true;
    a->fresh = true;
    report_changed(a->report);
    rotation_started(a->rot, now_mono_ms());
    rotation_view v = rotation_get(a->rot);
    if (v.item >= 0)
        metricsfile_slide(a->metrics, v.page == 0);
    if (v.item < 0) {
        play_log(a, v.screen_on ? "-" : "off", 0, 0, false);
        fleet_shown(a->fleet, NULL, 0, false, wall_now(a), now_mono_ms());
        return;
    }
    const layout_item *it = deck_layout(v.deck, (size_t)v.item);
    const char *id = deck_feed(v.deck)->items[v.item].id;
    play_log(a, id, v.page + 1, it->n_pages, it->frame.image.w > 0);
    fleet_shown(a->fleet, id, v.page + 1, it->frame.image.w > 0, wall_now(a),
                now_mono_ms());
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
    if (waits_for_image(a))
        a->image_hold = now_mono_ms() + IMAGE_HOLD_MS;
    else
        slide_shown(a);
}

/* The screen's size changed (or a new screen): lay out again for it, at
 * the size a viewer sees ([display] rotation turns the output's). */
static void resize(app *a)
{
    display_size(a->disp, &a->w, &a->h);
    render_logical_size(a->cfg->rotation, &a->w, &a->h);
    rotated(a, rotation_resize(a->rot, a->w, a->h));
}

/* The GPU lost its textures (a driver reset, a display reconnected): every
 * texture is made again and the slide on screen drawn again, whole. A
 * transition under way ends (its outgoing page is lost): the slide is cut
 * to, never faded from black. */
static void renderer_reset(app *a, bool device)
{
    LOG_WARN("renderer %s reset: textures made again, the slide drawn again",
             device ? "device" : "targets");
    render_flush(a->rd);
    render_pages_drop(a->rd);
    a->moving = false;
    a->dirty = true;
    if (a->image_hold) /* no frame may wait for the image now: a cut */
        slide_shown(a);
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
        renderer_reset(a, ev->type == SDL_RENDER_DEVICE_RESET);
        break;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            resize(a);
            if (a->image_hold) /* the old frame is gone: the slide comes now */
                slide_shown(a);
        }
        a->dirty = true;
        break;
    case SDL_DISPLAYEVENT:
        if (display_unplugged(ev))
            screen_close(a); /* and wait for a screen again */
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
    deck *d = slide_deck(f, a->cfg, a->w, a->h, &a->panel, a->media, a->src);
    LOG_INFO("new feed of %zu items", deck_count(d));
    report_new_feed(a->report); /* its lists borrow the old feed's ids */
    rotated(a, rotation_new_deck(a->rot, d, wall_now(a), now_mono_ms()));
    return true;
}

static void handle_schedule(app *a)
{
    int64_t now = wall_now(a);
    power_reap();
    bool on = schedule_screen_on(a->sched, now);
    a->power_due = power_want(a->power, on, on && schedule_urgent_open(a->sched, now),
                              (int64_t)(now_mono_ms() / 1000));
    if (on != a->screen_on || !a->screen_known) {
        a->screen_known = true;
        a->screen_on = on;
        report_changed(a->report);
        LOG_INFO("screen %s", on ? "on" : "off (outside screen hours)");
        /* off: the idle state, logged as "off" */
        rotated(a, rotation_set_screen(a->rot, on, now, now_mono_ms()));
    }
}

/* An urgent item cutting in, or the page's time up. */
static void handle_slide(app *a)
{
    rotated(a, rotation_tick(a->rot, wall_now(a), now_mono_ms()));
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
    if (a->image_hold && (arrived || now_mono_ms() >= a->image_hold))
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

/* The frame just drawn, read back before it is presented (the same
 * pixels), for the report server. */
static void send_screenshot(app *a)
{
    void *png;
    size_t len;
    a->shot = false;
    if (screenshot_png(display_renderer(a->disp), a->cfg->screenshot_width,
                       a->cfg->rotation, &png, &len))
        fleet_screenshot(a->fleet, png, len);
}

/* Seconds since t0 (SDL_GetPerformanceCounter). */
static double seconds_since(Uint64 t0)
{
    return (double)(SDL_GetPerformanceCounter() - t0) /
           (double)SDL_GetPerformanceFrequency();
}

/* Puts the transition's frame for now on screen (the page alone when none
 * runs) and presents it. */
static void present(app *a, bool paged)
{
    if (paged) {
        transition_frame f = {.done = true, .eased = 1.0, .alpha = 255};
        if (a->moving)
            f = transition_at(&a->tr, now_mono_ms(), a->w, a->h);
        render_compose(a->rd, &f);
        if (a->moving && f.done)
            LOG_DBG("transition done");
        a->moving = !f.done;
    }
    rotation_view v = rotation_get(a->rot);
    if (paged && a->ticker && v.item >= 0) {
        render_ticker_strip t = {.footer =
                                     deck_layout(v.deck, (size_t)v.item)->frame.footer,
                                 .text = a->ticker,
                                 .speed = a->cfg->ticker_speed,
                                 .start = a->ticker_start,
                                 .now = now_mono_ms()};
        render_draw_ticker(a->rd, &t);
    }
    if (a->shot)
        send_screenshot(a);
    render_present(a->rd);
}

/* The open ticker items' text now (at each draw: a new slide, feed or
 * minute); a new text enters from the right again. */
static void ticker_update(app *a)
{
    rotation_view v = rotation_get(a->rot);
    char *t = a->screen_on && v.item >= 0
                  ? slide_ticker_text(v.deck, a->sched, wall_now(a))
                  : NULL;
    if (!t != !a->ticker || (t && strcmp(t, a->ticker) != 0))
        a->ticker_start = now_mono_ms();
    free(a->ticker);
    a->ticker = t;
}

static void draw(app *a)
{
    Uint64 t0 = SDL_GetPerformanceCounter();
    char clock[16], day[64], lunar[64];
    int64_t now = wall_now(a);
    bool fresh = a->fresh && a->drawn;
    ticker_update(a);
    bool want = a->tr.kind != TRANSITION_NONE || a->ticker || a->cfg->rotation;
    bool paged = want && render_page_begin(a->rd, fresh);
    if (!want)
        render_pages_drop(a->rd); /* a ticker gone, transition = none, upright:
                                     no pages */
    if (paged && fresh) {
        a->tr.start = now_mono_ms();
        a->moving = true;
    }
    a->fresh = false;
    LOG_DBG("drawing a page%s", paged && fresh ? " (a transition starts)" : "");
    timefmt_clock(a->zone, now, clock, sizeof clock);
    timefmt_day(a->zone, now, day, sizeof day);
    lunar[0] = '\0';
    if (a->cfg->lunar_date)
        timefmt_lunar(a->zone, now, lunar, sizeof lunar);
    rotation_view v = rotation_get(a->rot);
    if (!a->screen_on) {
        render_draw_off(a->rd);
    } else if (v.item < 0) {
        render_waiting wt = {
            .clock = clock,
            .day = day,
            .lunar = lunar[0] ? lunar : NULL,
            .status = waiting_status(a),
            .label_px = params_sizes(a->cfg, a->w, a->h, &a->panel).body_px,
        };
        render_draw_waiting(a->rd, a->w, a->h, &wt);
    } else {
        slide_draw(a->rd, a->media, a->zone, v.deck, (size_t)v.item, v.page, clock, day,
                   lunar[0] ? lunar : NULL);
    }
    if (paged)
        render_page_end(a->rd);
    present(a, paged);
    metricsfile_frame(a->metrics, seconds_since(t0));
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
    uint64_t now = now_mono_ms();
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
    if ((a->moving || a->ticker) && ms > FRAME_MS)
        ms = FRAME_MS;
    if (a->power_due >= 0 && a->power_due * 1000 < ms)
        ms = a->power_due * 1000;
    /* The watchdog is fed from this loop: wake in time for it. */
    int64_t to_ping = notify_watchdog_due_ms(a->nt, now);
    ms = to_ping < ms ? to_ping : ms;
    int64_t to_status = report_due_ms(a->report, now);
    if (to_status >= 0 && to_status < ms)
        ms = to_status;
    int64_t to_metrics = metricsfile_due_ms(a->metrics, now);
    if (to_metrics >= 0 && to_metrics < ms)
        ms = to_metrics;
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

/* Test hook: a clock that runs SIGNAGE_TEST_CLOCK_SPEED times as fast, for
 * the soak test (tests/bench/soak.py): a week of the real loop in minutes. */
static void test_clock(void)
{
    uint64_t speed = env_ms("SIGNAGE_TEST_CLOCK_SPEED");
    if (speed <= 1)
        return;
    now_set_speed(speed > 100000 ? 100000 : (unsigned)speed);
    LOG_WARN("test hook: the clock runs %u times as fast (SIGNAGE_TEST_CLOCK_SPEED)",
             now_speed());
}

/* Test hook: with a fast clock, about once a real second, the memory that
 * is not told apart in /proc's maps (tests/bench/memory.py reads it). */
static void log_memory(app *a, uint64_t mono)
{
    if (mono < a->memory_next || a->moving) /* between transitions */
        return;
    a->memory_next = mono + 1000 * (uint64_t)now_speed();
    render_bytes rb = render_get_bytes(a->rd);
    LOG_INFO("memory: lines %zu, pages %zu, image textures %zu, images %zu bytes",
             rb.lines, rb.pages, rb.images, media_image_bytes(a->media));
}

/* Test hook: with a fast clock, once a simulated hour, what could grow. */
static void handle_soak(app *a)
{
    uint64_t mono = now_mono_ms();
    if (now_speed() > 1)
        log_memory(a, mono);
    if (now_speed() == 1 || mono < a->soak_next)
        return;
    a->soak_next = mono + 3600 * 1000;
    fonts_stats fs = fonts_get_stats(media_fonts(a->media));
    LOG_INFO(
        "soak: rss %ld kB, textures %zu (%zu bytes), measure cache %d, fonts open %d",
        util_status_kb("VmRSS:"), render_textures(a->rd), render_cache_bytes(a->rd),
        fs.measure_entries, fs.open_fonts);
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
    /* At start the first frame never waits for the parse: the feed the
     * worker has read by then (a small one, while the display opens), else
     * the waiting slide. A reload keeps the slide on screen until its feed
     * is read. */
    sp_src.start_on_worker = !display_is_open(a->disp);
    a->src = a->next_src ? a->next_src : source_create(&sp_src, wake_loop, a);
    a->next_src = NULL;
    if (!a->src)
        return false;
    a->images_seen = source_images_arrived(a->src);
    push_params pp = params_push(a->cfg);
    a->push = push_create(&pp, a->src);
    media_params mp = params_media(a->cfg);
    a->media = media_create(&mp, a->src, wake_loop, a);
    if (!a->media)
        return false;
    if (display_is_open(a->disp)) /* a reload: the display stays */
        render_open(a);
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
    push_destroy(a->push); /* it wakes the source */
    source_destroy(a->src);
    a->rot = NULL;
    a->sched = NULL;
    a->zone = NULL;
    a->rd = NULL;
    a->media = NULL;
    a->push = NULL;
    a->src = NULL;
}

/* ---- live reload ---- */

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
        next->height != cur->height || next->rotation != cur->rotation ||
        strcmp(next->renderer, cur->renderer) != 0)
        LOG_WARN("config: [display] changes take effect at the next start");
    next->fullscreen = cur->fullscreen;
    next->width = cur->width;
    next->height = cur->height;
    next->rotation = cur->rotation;
    memcpy(next->renderer, cur->renderer, sizeof next->renderer);
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
    source_status st;
    source_get_status(a->src, &st);
    metricsfile_source(a->metrics, &st, true); /* its polls still count */
    close_content(a);
    a->conf = *a->pending;
    free(a->pending);
    a->pending = NULL;
    if (!open_content(a)) {
        LOG_ERR("the reloaded config could not be applied: stopping");
        return false;
    }
    if (!a->screen_on)
        rotation_set_screen(a->rot, false, wall_now(a), now_mono_ms());
    report_configure(a->report, a->cfg->status_file);
    metricsfile_configure(a->metrics, a->cfg->metrics_file);
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
    if (a->pending && (v.item < 0 || !a->screen_on || now_mono_ms() >= v.until))
        return reload_apply(a);
    return true;
}

/* What the next heartbeat says is on screen; a screenshot the server
 * asked for makes the next frame be drawn (and read back). */
static void handle_fleet(app *a)
{
    if (!a->fleet)
        return;
    fleet_snapshot s = {.screen_on = a->screen_on};
    rotation_view v = rotation_get(a->rot);
    if (v.item >= 0 && a->screen_on) {
        snprintf(s.item, sizeof s.item, "%s", deck_feed(v.deck)->items[v.item].id);
        s.page = v.page + 1;
    }
    source_get_status(a->src, &s.src);
    fleet_update(a->fleet, &s);
    if (fleet_screenshot_wanted(a->fleet))
        a->shot = a->dirty = true;
}

/* The status file when something changed, at most once a second. */
static void handle_status(app *a)
{
    source_status st;
    source_get_status(a->src, &st);
    uint64_t mono = now_mono_ms();
    if (!report_due(a->report, a->cfg->feed, &st, mono))
        return;
    SDL_RendererInfo ri = {0};
    SDL_GetRendererInfo(display_renderer(a->disp), &ri);
    report_input in = {
        .cfg = a->cfg,
        .sched = a->sched,
        .sp = params_schedule(a->cfg, a->zone),
        .rot = a->rot,
        .src = st,
        .screen_on = a->screen_on,
        .width = a->w,
        .height = a->h,
        .driver = SDL_GetCurrentVideoDriver(),
        .renderer = ri.name,
        .now = wall_now(a),
        .mono = mono,
    };
    report_write(a->report, &in);
}

/* The metrics file once its interval is up (at start, then each minute). */
static void handle_metrics(app *a)
{
    uint64_t mono = now_mono_ms();
    if (metricsfile_due_ms(a->metrics, mono) != 0)
        return;
    schedule_params sp = params_schedule(a->cfg, a->zone);
    metricsfile_input in = {
        .sp = &sp,
        .rot = a->rot,
        .src = a->src,
        .screen_on = a->screen_on,
        .texture_bytes = render_cache_bytes(a->rd),
        .now = wall_now(a),
    };
    source_get_status(a->src, &in.st);
    metricsfile_write(a->metrics, &in, mono);
}

/* The loop steps that may lay out slides are timed for the metrics when
 * they did (step_begin before them, step_end after). */
static void step_begin(app *a)
{
    a->step_t0 = SDL_GetPerformanceCounter();
    a->step_laid = rotation_layouts_made(a->rot);
}

static void step_end(app *a)
{
    if (rotation_layouts_made(a->rot) != a->step_laid)
        metricsfile_layout(a->metrics, seconds_since(a->step_t0));
}

static void admin_open(app *a)
{
    a->report = report_create(a->cfg->status_file, wall_now(a));
    fleet_params fp = params_fleet(a->cfg);
    a->fleet = fleet_create(&fp, wake_loop, a);
    /* test hook: SIGNAGE_TEST_METRICS_MS, the write interval in ms */
    a->metrics = metricsfile_create(a->cfg->metrics_file, wall_now(a),
                                    env_ms("SIGNAGE_TEST_METRICS_MS"));
    if (a->opt.config_path)
        a->watch = watch_create(a->opt.config_path, wake_loop, a);
}

static void admin_close(app *a)
{
    fleet_shown(a->fleet, NULL, 0, false, wall_now(a), now_mono_ms());
    fleet_destroy(a->fleet);
    watch_destroy(a->watch);
    source_destroy(a->next_src);
    free(a->pending);
    report_destroy(a->report);
    metricsfile_destroy(a->metrics);
}

/* [display] (kept over reloads) or --window; the test hook's wait. */
static display_params display_params_of(const app *a)
{
    bool window = a->opt.width > 0 && a->opt.height > 0;
    return (display_params){
        .width = window ? a->opt.width : a->cfg->width,
        .height = window ? a->opt.height : a->cfg->height,
        .fullscreen = !window && a->cfg->fullscreen,
        .renderer = display_renderer_from_name(a->cfg->renderer),
        .no_display_ms = env_ms("SIGNAGE_TEST_NO_DISPLAY_FOR_MS"),
    };
}

static bool app_open(app *a)
{
    /* Textures (the software renderer's are malloc'd), pages and images
     * come and go with the slides: freed, they go back to the system. */
    util_map_large_blocks(128 * 1024);
    /* Video comes later, when there is a screen (display_open). */
    if (SDL_Init(SDL_INIT_EVENTS) != 0 || TTF_Init() != 0) {
        LOG_ERR("SDL: %s", SDL_GetError());
        return false;
    }
    IMG_Init(IMG_INIT_PNG | IMG_INIT_JPG);
    a->wake_event = SDL_RegisterEvents(1);
    a->nt = notify_create();
    uint64_t hang = env_ms("SIGNAGE_TEST_HANG_AFTER_MS");
    a->hang_at = hang ? now_mono_ms() + hang : 0;
    display_params dp = display_params_of(a);
    a->disp = display_create(&dp);
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
    display_destroy(a->disp);
    notify_destroy(a->nt);
    IMG_Quit();
    TTF_Quit();
    SDL_Quit();
}

/* No screen: try to open one every few seconds, logging the cause once.
 * Meanwhile the worker keeps fetching and the watchdog is fed; the feed is
 * taken when a screen appears. False when there will never be one. */
static bool wait_for_display(app *a)
{
    uint64_t now = now_mono_ms();
    if (now >= display_next_try(a->disp)) {
        display_result r = display_open(a->disp, now);
        if (r == DISPLAY_FATAL)
            return false;
        if (r == DISPLAY_OK) {
            render_open(a);
            a->panel = display_panel(a->disp);
            resize(a);
            slide_log_sizes(a->cfg, a->w, a->h, &a->panel);
            a->dirty = true;
            return true;
        }
        notify_status(a->nt, "waiting for a display");
    }
    int ms = (int)(display_next_try(a->disp) - now);
    int ping = notify_watchdog_due_ms(a->nt, now);
    SDL_Event ev;
    if (SDL_WaitEventTimeout(&ev, now_real_ms(ping < ms ? ping : ms)) &&
        ev.type == SDL_QUIT)
        a->quit = true;
    return true;
}

/* Test hook: the loop stops here for good, as a hung draw or a dead lock
 * would, so that a test sees the watchdog pings stop. */
static void test_hang(const app *a)
{
    if (!a->hang_at || now_mono_ms() < a->hang_at)
        return;
    LOG_WARN("test hook: the loop hangs now (SIGNAGE_TEST_HANG_AFTER_MS)");
    for (;;)
        SDL_Delay(1000);
}

/* Test hook (SIGNAGE_TEST_RENDER_RESET=1): halfway through the first
 * transition, the textures are lost as a GPU reset loses them and SDL's two
 * reset events are pushed, as SDL pushes them. */
static void test_render_reset(app *a)
{
    if (!a->reset_hook || !a->moving ||
        now_mono_ms() < a->tr.start + (uint64_t)a->tr.ms / 2)
        return;
    a->reset_hook = false;
    LOG_WARN("test hook: the renderer's textures are lost (SIGNAGE_TEST_RENDER_RESET)");
    render_lose_for_test(a->rd);
    SDL_Event ev = {.type = SDL_RENDER_TARGETS_RESET};
    SDL_PushEvent(&ev);
    ev.type = SDL_RENDER_DEVICE_RESET;
    SDL_PushEvent(&ev);
}

int app_run(const config *cfg, const app_options *opt)
{
    app a = {.conf = *cfg, .opt = *opt, .shown_minute = -1, .dirty = true};
    a.cfg = &a.conf;
    a.reset_hook = getenv("SIGNAGE_TEST_RENDER_RESET") != NULL;
    test_clock();
    if (opt->has_now)
        a.wall_offset = opt->now - now_wall();
    bool ok = app_open(&a);
    while (ok && !a.quit) {
        notify_watchdog(a.nt, now_mono_ms());
        test_hang(&a);
        if (!a.rd) {
            ok = wait_for_display(&a);
            continue;
        }
        if (!(ok = handle_reload(&a)))
            break;
        step_begin(&a);
        handle_schedule(&a);
        if (handle_source(&a))
            handle_schedule(&a); /* an urgent item in it may wake the screen */
        handle_slide(&a);
        handle_clock(&a);
        handle_media(&a);
        handle_fleet(&a);
        step_end(&a);
        if (a.dirty && !a.image_hold)
            draw(&a);
        else if (a.moving || a.ticker)
            present(&a, true);
        handle_status(&a);
        handle_metrics(&a);
        handle_soak(&a);
        test_render_reset(&a);
        SDL_Event ev;
        if (SDL_WaitEventTimeout(&ev, now_real_ms(wait_ms(&a)))) {
            do
                handle_event(&a, &ev);
            while (SDL_PollEvent(&ev));
        }
    }
    app_close(&a);
    free(a.ticker);
    return ok ? 0 : 1;
}
