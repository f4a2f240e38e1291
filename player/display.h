/* display: the screen the loop draws on. Chooses SDL's video driver for
 * the session (KMSDRM on the console; offscreen or dummy only when asked
 * for), opens the window and its renderer when there is a screen, and on
 * the console waits for one (a board often starts before the TV is on):
 * the cause logged once, a try every 3 s. Closed again when it is
 * unplugged. Nothing else: what is drawn, and when, is the app's. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include <SDL.h>

#include "sizes.h"

typedef struct display display;

/* [display] renderer: auto uses the GPU where there is a real one (not a
 * CPU rasteriser such as llvmpipe); the others force one. */
typedef enum {
    RENDERER_AUTO,
    RENDERER_ACCELERATED,
    RENDERER_SOFTWARE
} display_renderer_mode;

typedef struct {
    /* The window's size; fullscreen: the desktop's, this one if unknown. */
    int width, height;
    bool fullscreen;
    display_renderer_mode renderer;
    uint64_t no_display_ms; /* test hook: no display for this long from now */
} display_params;

/* "accelerated" or "software"; anything else (the config checked it) auto. */
display_renderer_mode display_renderer_from_name(const char *name);

typedef enum { DISPLAY_OK, DISPLAY_NONE, DISPLAY_FATAL } display_result;

/* Chooses the video driver (a driver set in SDL_VIDEODRIVER is the user's
 * and kept); opens nothing yet. Call after SDL_Init. */
display *display_create(const display_params *p);
/* Closes the display (see display_close). NULL: no-op. */
void display_destroy(display *d);

/* Monotonic ms from which display_open may be tried (0 at first). */
uint64_t display_next_try(const display *d);

/* Opens video, the window and its renderer, now being SDL_GetTicks64().
 * DISPLAY_OK: open (logs "display found" after a wait). DISPLAY_NONE: no
 * screen yet, on the console: the cause logged once, the next try 3 s from
 * now. DISPLAY_FATAL: there will be none (no screen and nothing to wait
 * for, or a driver that shows nothing unasked); logged. */
display_result display_open(display *d, uint64_t now);

/* Destroys the renderer and the window and quits SDL's video: whatever
 * uses the renderer is freed first. Waits for a screen again after. */
void display_close(display *d);

bool display_is_open(const display *d);
SDL_Renderer *display_renderer(const display *d);    /* NULL while closed */
void display_size(const display *d, int *w, int *h); /* output pixels */

/* The panel's physical size found when the display opened: from the
 * EDID of the first connected DRM connector (/sys/class/drm/card*-*),
 * else from SDL's DPI of display 0; w_mm 0 when neither knows. */
sizes_panel display_panel(const display *d);

/* The EDID part of that: true and *out set when a connected connector's
 * EDID gives a size (edid.h). Reads under SIGNAGE_TEST_DRM_ROOT when set.
 * A test seam. */
bool display_edid_panel(sizes_panel *out);

/* True (logged) when ev says the last screen went away (HDMI unplugged,
 * where SDL reports it): the caller then closes the display. */
bool display_unplugged(const SDL_Event *ev);
