/* The display's lifecycle: video driver, window, renderer, the wait for a
 * screen. See display.h. */
#define LOG_MODULE "display"
#include "display.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edid.h"
#include "log.h"
#include "now.h"
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
    sizes_panel panel;         /* found when the display opened */
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
    d->no_display_until = p->no_display_ms ? now_mono_ms() + p->no_display_ms : 0;
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

display_renderer_mode display_renderer_from_name(const char *name)
{
    return strcmp(name, "accelerated") == 0 ? RENDERER_ACCELERATED
           : strcmp(name, "software") == 0  ? RENDERER_SOFTWARE
                                            : RENDERER_AUTO;
}

typedef enum { GPU_NONE, GPU_REAL, GPU_UNSURE } gpu_verdict;

/* Test hook: a folder standing for / in /dev/dri and /sys/class/drm. */
static const char *drm_root(void)
{
    const char *r = getenv("SIGNAGE_TEST_DRM_ROOT");
    return r ? r : "";
}

/* The kernel driver of render node `node` (renderD128), "" if unknown. */
static void node_driver(const char *node, char *out, size_t size)
{
    char link[512], target[512];
    snprintf(link, sizeof link, "%s/sys/class/drm/%s/device/driver", drm_root(), node);
    ssize_t n = readlink(link, target, sizeof target - 1);
    out[0] = '\0';
    if (n <= 0)
        return;
    target[n] = '\0';
    const char *base = strrchr(target, '/');
    if ((size_t)snprintf(out, size, "%s", base ? base + 1 : target) >= size)
        out[0] = '\0'; /* cut: no driver known here */
}

static bool gpu_driver(const char *name)
{
    static const char *const gpus[] = {
        "v3d",     "vc4",  "i915",    "xe",  "amdgpu", "radeon", "nouveau", "panfrost",
        "panthor", "lima", "etnaviv", "msm", "asahi",  "tegra",  NULL};
    for (size_t i = 0; gpus[i]; i++)
        if (strcmp(name, gpus[i]) == 0)
            return true;
    return false;
}

/* The cheap check, before any GL library is loaded (Mesa's stay mapped
 * once loaded: asking GL costs the memory a software renderer saves). No
 * render node (or only vgem's) means no GPU; one of a GPU driver known
 * here means a real one. Any other driver (virtio_gpu, with or without a
 * GPU on the host; one not listed) is left to the GL query. */
static gpu_verdict probe_render_nodes(char *why, size_t size)
{
    char dir[512], drv[64];
    snprintf(dir, sizeof dir, "%s/dev/dri", drm_root());
    snprintf(why, size, "no GPU render node");
    gpu_verdict v = GPU_NONE;
    DIR *dp = opendir(dir);
    for (struct dirent *e; dp && v != GPU_REAL && (e = readdir(dp)) != NULL;) {
        if (strncmp(e->d_name, "renderD", 7) != 0)
            continue;
        node_driver(e->d_name, drv, sizeof drv);
        if (strcmp(drv, "vgem") == 0)
            continue;
        v = gpu_driver(drv) ? GPU_REAL : GPU_UNSURE;
        snprintf(why, size, "render node %.32s, driver %s", e->d_name,
                 drv[0] ? drv : "unknown");
    }
    if (dp)
        closedir(dp);
    return v;
}

/* What [display] renderer and the machine ask for; why: the reason. */
static gpu_verdict choose_renderer(const display *d, char *why, size_t size)
{
    const char *driver = SDL_GetCurrentVideoDriver();
    if (d->p.renderer != RENDERER_AUTO) {
        snprintf(why, size, "forced by [display] renderer");
        return d->p.renderer == RENDERER_SOFTWARE ? GPU_NONE : GPU_REAL;
    }
    if (driver && strcmp(driver, "dummy") == 0) {
        snprintf(why, size, "auto: video driver dummy has no GL");
        return GPU_NONE;
    }
    snprintf(why, size, "auto: ");
    return probe_render_nodes(why + strlen(why), size - strlen(why));
}

/* The GL_RENDERER string of r's GL context; NULL if r draws without GL. */
static const char *gl_renderer_name(SDL_Renderer *r)
{
    typedef const unsigned char *(*get_string_fn)(unsigned int);
    enum { GL_RENDERER_NAME = 0x1F01 }; /* GL_RENDERER in gl.h */
    SDL_RendererInfo info = {0};
    if (SDL_GetRendererInfo(r, &info) != 0 || !info.name ||
        strncmp(info.name, "opengl", 6) != 0 || !SDL_GL_GetCurrentContext())
        return NULL;
    void *sym = SDL_GL_GetProcAddress("glGetString");
    get_string_fn get_string;
    if (!sym)
        return NULL;
    memcpy(&get_string, &sym, sizeof get_string);
    return (const char *)get_string(GL_RENDERER_NAME);
}

static bool cpu_rasteriser(const char *gl)
{
    return strstr(gl, "llvmpipe") || strstr(gl, "softpipe") ||
           strstr(gl, "Software Rasterizer") || strstr(gl, "SWR");
}

/* SDL's software renderer maps the GL driver for the window surface
 * unless told not to (about 100 MB on X11 with Mesa). */
static SDL_Renderer *make_renderer(SDL_Window *win, bool software)
{
    if (software)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    return SDL_CreateRenderer(
        win, -1, software ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED);
}

/* Where the cheap check cannot tell: the accelerated renderer is made,
 * and replaced by the software one if its GL is a CPU rasteriser. */
static gpu_verdict ask_gl(display *d, char *why, size_t size)
{
    const char *gl = gl_renderer_name(d->r);
    size_t n = strlen(why);
    if (!gl || !cpu_rasteriser(gl)) {
        snprintf(why + n, size - n, ", GL %s", gl ? gl : "none");
        return GPU_REAL;
    }
    snprintf(why + n, size - n, ", GL %s is a CPU rasteriser", gl);
    SDL_DestroyRenderer(d->r);
    d->r = make_renderer(d->win, true);
    return GPU_NONE;
}

/* The renderer [display] renderer asks for; logs which and why. */
static bool open_renderer(display *d)
{
    char why[256];
    gpu_verdict v = choose_renderer(d, why, sizeof why);
    d->r = make_renderer(d->win, v == GPU_NONE);
    if (d->r && v == GPU_UNSURE)
        v = ask_gl(d, why, sizeof why);
    if (!d->r && v != GPU_NONE) {
        size_t n = strlen(why);
        snprintf(why + n, sizeof why - n, "; accelerated failed: %s", SDL_GetError());
        d->r = make_renderer(d->win, true);
        v = GPU_NONE;
    }
    if (d->r)
        LOG_INFO("renderer: %s (%s)", v == GPU_NONE ? "software" : "accelerated", why);
    return d->r != NULL;
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
    if (!open_renderer(d))
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

/* The text of a small sysfs file ("connected\n"), "" when unreadable. */
static void read_small(const char *path, char *out, size_t size)
{
    size_t n = 0;
    char *b = read_file_capped(path, 256, &n);
    out[0] = '\0';
    if (b && size > 0)
        snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), b);
    free(b);
}

bool display_edid_panel(sizes_panel *out)
{
    char dir[512], path[1024], best[256] = "", status[32];
    snprintf(dir, sizeof dir, "%s/sys/class/drm", drm_root());
    *out = (sizes_panel){0};
    DIR *dp = opendir(dir);
    for (struct dirent *e; dp && (e = readdir(dp)) != NULL;) {
        /* a connector (card0-HDMI-A-1), the first of those connected by name,
         * as SDL's first display is */
        if (strncmp(e->d_name, "card", 4) != 0 || !strchr(e->d_name, '-') ||
            strlen(e->d_name) >= sizeof best || (best[0] && strcmp(e->d_name, best) > 0))
            continue;
        snprintf(path, sizeof path, "%s/%s/status", dir, e->d_name);
        read_small(path, status, sizeof status);
        if (strncmp(status, "connected", 9) != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s/edid", dir, e->d_name);
        size_t n = 0;
        uint8_t *b = (uint8_t *)read_file_capped(path, EDID_MAX_BYTES, &n);
        int w, h;
        if (b && edid_size_mm(b, n, &w, &h)) {
            *out = (sizes_panel){.w_mm = w, .h_mm = h, .source = SIZES_EDID};
            snprintf(best, sizeof best, "%s", e->d_name);
        }
        free(b);
    }
    if (dp)
        closedir(dp);
    return best[0] != '\0';
}

/* The panel's size from SDL's DPI for display 0. X's default of 96 DPI,
 * which it reports when the monitor said nothing, is no answer. */
static bool dpi_panel(sizes_panel *out)
{
    float ddpi, hdpi, vdpi;
    SDL_DisplayMode mode;
    if (SDL_GetDisplayDPI(0, &ddpi, &hdpi, &vdpi) != 0 ||
        SDL_GetDesktopDisplayMode(0, &mode) != 0 || !(hdpi >= 10 && hdpi <= 1000) ||
        !(vdpi >= 10 && vdpi <= 1000) || (hdpi > 95.5f && hdpi < 96.5f))
        return false;
    *out = (sizes_panel){.w_mm = mode.w * 25.4 / hdpi,
                         .h_mm = mode.h * 25.4 / vdpi,
                         .source = SIZES_DPI,
                         .px_w = mode.w,
                         .px_h = mode.h};
    return true;
}

sizes_panel display_panel(const display *d)
{
    return d->panel;
}

/* Video, window and renderer; DISPLAY_NONE when no screen is connected
 * (SDL's error says why). */
static display_result try_open(display *d)
{
    if (now_mono_ms() < d->no_display_until) {
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
    SDL_DisplayMode mode;
    if (display_edid_panel(&d->panel)) {
        if (SDL_GetDesktopDisplayMode(0, &mode) == 0) /* a window may be smaller */
            d->panel.px_w = mode.w, d->panel.px_h = mode.h;
    } else if (!dpi_panel(&d->panel)) {
        d->panel = (sizes_panel){0};
    }
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
