#define LOG_MODULE "screenshot"
#include "screenshot.h"

#include <SDL_image.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

/* The frame as an ARGB8888 surface; NULL (logged) on failure. */
static SDL_Surface *read_frame(SDL_Renderer *r)
{
    int w, h;
    if (SDL_GetRendererOutputSize(r, &w, &h) != 0 || w <= 0 || h <= 0) {
        LOG_ERR("no frame to read: %s", SDL_GetError());
        return NULL;
    }
    SDL_Surface *s =
        SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (s &&
        SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) == 0)
        return s;
    LOG_ERR("reading the frame back: %s", SDL_GetError());
    SDL_FreeSurface(s);
    return NULL;
}

/* The upright picture from a frame turned `rotation` degrees clockwise onto
 * the output ([display] rotation): what a viewer of the mounted panel
 * sees. The frame itself when rotation is 0; NULL (logged) on failure. */
static SDL_Surface *upright(SDL_Surface *frame, int rotation)
{
    if (rotation != 90 && rotation != 180 && rotation != 270)
        return frame;
    int w = frame->w, h = frame->h;
    if (rotation != 180) {
        w = frame->h;
        h = frame->w;
    }
    SDL_Surface *s =
        SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) {
        LOG_ERR("turning the frame upright: %s", SDL_GetError());
        SDL_FreeSurface(frame);
        return NULL;
    }
    const Uint8 *src = frame->pixels;
    Uint8 *dst = s->pixels;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            /* where the upright pixel (x, y) went on the output */
            int ox = rotation == 90 ? h - 1 - y : rotation == 180 ? w - 1 - x : y;
            int oy = rotation == 90 ? x : rotation == 180 ? h - 1 - y : w - 1 - x;
            memcpy(dst + (size_t)y * (size_t)s->pitch + (size_t)x * 4,
                   src + (size_t)oy * (size_t)frame->pitch + (size_t)ox * 4, 4);
        }
    SDL_FreeSurface(frame);
    return s;
}

/* src scaled to width (aspect kept), without alpha: what the PNG holds. */
static SDL_Surface *scaled(SDL_Surface *src, int width)
{
    long h = (long)src->h * width / src->w;
    h = h < 1 ? 1 : h > 16384 ? 16384 : h;
    SDL_Surface *dst =
        SDL_CreateRGBSurfaceWithFormat(0, width, (int)h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Surface *rgb = NULL;
    if (dst && SDL_SoftStretchLinear(src, NULL, dst, NULL) == 0)
        rgb = SDL_ConvertSurfaceFormat(dst, SDL_PIXELFORMAT_RGB24, 0);
    if (!rgb)
        LOG_ERR("scaling the frame: %s", SDL_GetError());
    SDL_FreeSurface(dst);
    return rgb;
}

/* s as PNG bytes, in a buffer sized for the worst case (stored, not
 * compressed: raw rows plus zlib's and PNG's framing). */
static bool encode(SDL_Surface *s, void **png, size_t *len)
{
    size_t cap = (size_t)s->w * 3 * (size_t)s->h + (size_t)s->h + 65536;
    void *mem = xmalloc(cap);
    SDL_RWops *rw = SDL_RWFromMem(mem, (int)cap);
    bool ok = rw && IMG_SavePNG_RW(s, rw, 0) == 0;
    Sint64 n = ok ? SDL_RWtell(rw) : -1;
    if (rw)
        SDL_RWclose(rw);
    if (!ok || n <= 0) {
        LOG_ERR("encoding the screenshot: %s", SDL_GetError());
        free(mem);
        return false;
    }
    *png = mem;
    *len = (size_t)n;
    return true;
}

bool screenshot_png(SDL_Renderer *r, int width, int rotation, void **png, size_t *len)
{
    SDL_Surface *frame = read_frame(r);
    if (frame)
        frame = upright(frame, rotation);
    SDL_Surface *small = frame ? scaled(frame, width) : NULL;
    bool ok = small && encode(small, png, len);
    SDL_FreeSurface(small);
    SDL_FreeSurface(frame);
    return ok;
}
