/* The display's lifecycle: video driver, window, renderer, the wait for a
 * screen. See display.h. */
#define LOG_MODULE "display"
#include "display.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

#define RETRY_MS 3000 /* between two tries to open a screen */

struct display {
    display_params p;
    SDL_Window *win;
    SDL_Renderer *r;
    bool may_wait;             /* KMSDRM (or a test): no screen yet is not fatal */
    bool none_logged;          /* "no display yet" said, "display found" due */
    uint64_t retry;            /* monotonic ms of the next try to open one */
    uint64_t no_display_until; /* test hook: no display before this */
};

/* Asks SDL for the driver of the session the player runs in. Without X11
 * or Wayland, SDL 2 would settle for its offscreen driver, which shows
 * nothing: on the console it is KMSDRM. A driver set in SDL_VIDEODRIVER is
 * the user's choice and kept. */
static void choose_video_driver(display *d)
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
    d->may_wait = strcmp(want, "kmsdrm") == 0 || d->no_display_until;
}

display *display_create(const display_params *p)
{
    display *d = xcalloc(1, sizeof *d);
    d->p = *p;
    /* A software renderer still maps the GL driver for the window surface
     * unless told not to (about 100 MB on X11 with Mesa). */
    if (p->software)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    d->no_display_until = p->no_display_ms ? SDL_GetTicks64() + p->no_display_ms : 0;
    choose_video_driver(d);
    return d;
}

void display_destroy(display *d)
{
    if (!d)
        return;
    display_close(d);
    free(d);
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

static bool open_window(display *d)
{
    Uint32 flags = SDL_WINDOW_SHOWN;
    int w = d->p.width, h = d->p.height;
    if (d->p.fullscreen) {
        /* The desktop's size, not 0x0: without a window manager (a bare X
         * session on a kiosk) the fullscreen request is never honoured and
         * a 0x0 window stays 1x1; a borderless window of the screen's size
         * at 0,0 covers it either way. */
        SDL_DisplayMode mode;
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
        if (SDL_GetDesktopDisplayMode(0, &mode) == 0) {
            w = mode.w;
            h = mode.h;
        }
    }
    int pos = flags & SDL_WINDOW_FULLSCREEN_DESKTOP ? 0 : (int)SDL_WINDOWPOS_CENTERED;
    d->win =
        SDL_CreateWindow("signage-player", pos, pos, w, h, flags | SDL_WINDOW_RESIZABLE);
    if (!d->win)
        return false;
    if (!d->p.software)
        d->r = SDL_CreateRenderer(d->win, -1, SDL_RENDERER_ACCELERATED);
    if (!d->r)
        d->r = SDL_CreateRenderer(d->win, -1, SDL_RENDERER_SOFTWARE);
    if (!d->r)
        return false;
    SDL_ShowCursor(SDL_DISABLE);
    SDL_DisableScreenSaver();
    SDL_GetRendererOutputSize(d->r, &w, &h);
    SDL_RendererInfo info = {0};
    SDL_GetRendererInfo(d->r, &info);
    LOG_INFO("screen %dx%d: video driver %s, renderer %s", w, h,
             SDL_GetCurrentVideoDriver(), info.name ? info.name : "?");
    return true;
}

/* Video, window and renderer; DISPLAY_NONE when no screen is connected
 * (SDL's error says why). */
static display_result try_open(display *d)
{
    if (SDL_GetTicks64() < d->no_display_until) {
        SDL_SetError("no connected display (test hook SIGNAGE_TEST_NO_DISPLAY_FOR_MS)");
        return DISPLAY_NONE;
    }
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
        return DISPLAY_NONE;
    if (!driver_shows_something())
        return DISPLAY_FATAL;
    if (SDL_GetNumVideoDisplays() < 1)
        SDL_SetError("no connected display");
    if (SDL_GetNumVideoDisplays() < 1 || !open_window(d)) {
        display_close(d);
        return DISPLAY_NONE;
    }
    return DISPLAY_OK;
}

/* After try_open failed: on the console, log once and try again in 3 s;
 * elsewhere (or with a driver that shows nothing) give up. */
static display_result missing(display *d, display_result r, uint64_t now)
{
    if (r == DISPLAY_FATAL) {
        display_close(d);
        return r; /* logged by driver_shows_something */
    }
    if (!d->may_wait) {
        LOG_ERR("no screen through video driver '%s': %s (DISPLAY=%s)",
                SDL_GetHint(SDL_HINT_VIDEODRIVER), SDL_GetError(),
                getenv("DISPLAY") ? getenv("DISPLAY") : "unset");
        return DISPLAY_FATAL;
    }
    if (!d->none_logged)
        LOG_WARN("no display yet (%s): trying again every 3 s", SDL_GetError());
    d->none_logged = true;
    d->retry = now + RETRY_MS;
    return DISPLAY_NONE;
}

display_result display_open(display *d, uint64_t now)
{
    display_result r = try_open(d);
    if (r != DISPLAY_OK)
        return missing(d, r, now);
    if (d->none_logged)
        LOG_INFO("display found");
    d->none_logged = false;
    return DISPLAY_OK;
}

void display_close(display *d)
{
    if (d->r)
        SDL_DestroyRenderer(d->r);
    if (d->win)
        SDL_DestroyWindow(d->win);
    d->r = NULL;
    d->win = NULL;
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

uint64_t display_next_try(const display *d)
{
    return d->retry;
}

bool display_is_open(const display *d)
{
    return d->r != NULL;
}

SDL_Renderer *display_renderer(const display *d)
{
    return d->r;
}

void display_size(const display *d, int *w, int *h)
{
    *w = *h = 0;
    if (d->r)
        SDL_GetRendererOutputSize(d->r, w, h);
}

bool display_unplugged(const SDL_Event *ev)
{
    if (ev->type != SDL_DISPLAYEVENT ||
        ev->display.event != SDL_DISPLAYEVENT_DISCONNECTED ||
        SDL_GetNumVideoDisplays() >= 1)
        return false;
    LOG_WARN("display disconnected");
    return true;
}
