#define LOG_MODULE "screenshot"
#include "screenshot.h"

#include <SDL_image.h>
#include <stdlib.h>

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

bool screenshot_png(SDL_Renderer *r, int width, void **png, size_t *len)
{
    SDL_Surface *frame = read_frame(r);
    SDL_Surface *small = frame ? scaled(frame, width) : NULL;
    bool ok = small && encode(small, png, len);
    SDL_FreeSurface(small);
    SDL_FreeSurface(frame);
    return ok;
}
