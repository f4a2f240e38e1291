#define LOG_MODULE "image"
#include "image.h"

#include <SDL_image.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache.h"
#include "log.h"
#include "util.h"

#define IMAGE_DEFAULT_MAX_PIXELS 16000000

static uint32_t be16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le24(const unsigned char *p)
{
    return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le32(const unsigned char *p)
{
    return le24(p) | (uint32_t)p[3] << 24;
}

static bool probe_png(const unsigned char *p, size_t len, uint32_t *w, uint32_t *h)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (len < 24 || memcmp(p, sig, 8) != 0 || memcmp(p + 12, "IHDR", 4) != 0)
        return false;
    *w = be32(p + 16);
    *h = be32(p + 20);
    return true;
}

static bool is_sof(unsigned m)
{
    return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

static bool probe_jpeg(const unsigned char *p, size_t len, uint32_t *w, uint32_t *h)
{
    if (len < 4 || p[0] != 0xff || p[1] != 0xd8)
        return false;
    size_t i = 2;
    while (i + 4 <= len) {
        if (p[i] != 0xff)
            return false;
        unsigned m = p[i + 1];
        if (m == 0xff) { /* fill byte */
            i++;
            continue;
        }
        if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) { /* markers without length */
            i += 2;
            continue;
        }
        if (m == 0xd9 || m == 0xda) /* end or scan before any frame header */
            return false;
        uint32_t seg = be16(p + i + 2);
        if (is_sof(m)) {
            if (i + 9 > len || seg < 7)
                return false;
            *h = be16(p + i + 5);
            *w = be16(p + i + 7);
            return true;
        }
        i += 2 + seg;
    }
    return false;
}

/* Skips GIF sub-blocks from i; returns the index after the terminator or 0. */
static size_t gif_skip_blocks(const unsigned char *p, size_t len, size_t i)
{
    while (i < len) {
        if (p[i] == 0)
            return i + 1;
        i += 1 + (size_t)p[i];
    }
    return 0;
}

/* SDL_image decodes the first frame at the size of its own descriptor,
 * which may exceed the logical screen: take the larger of both. */
static bool probe_gif(const unsigned char *p, size_t len, uint32_t *w, uint32_t *h)
{
    if (len < 13 || (memcmp(p, "GIF87a", 6) != 0 && memcmp(p, "GIF89a", 6) != 0))
        return false;
    *w = le16(p + 6);
    *h = le16(p + 8);
    size_t i = 13;
    if (p[10] & 0x80)
        i += 3u * (1u << ((p[10] & 7) + 1));
    while (i < len) {
        if (p[i] == 0x2c) {
            if (i + 9 > len)
                return false;
            uint32_t fw = le16(p + i + 5), fh = le16(p + i + 7);
            *w = fw > *w ? fw : *w;
            *h = fh > *h ? fh : *h;
            return true;
        }
        if (p[i] != 0x21 || i + 2 >= len)
            return false;
        i = gif_skip_blocks(p, len, i + 2);
        if (i == 0)
            return false;
    }
    return false;
}

static bool probe_webp(const unsigned char *p, size_t len, uint32_t *w, uint32_t *h)
{
    if (len < 30 || memcmp(p, "RIFF", 4) != 0 || memcmp(p + 8, "WEBP", 4) != 0)
        return false;
    const unsigned char *c = p + 12;
    if (memcmp(c, "VP8X", 4) == 0) {
        *w = le24(p + 24) + 1;
        *h = le24(p + 27) + 1;
        return true;
    }
    if (memcmp(c, "VP8L", 4) == 0) {
        if (p[20] != 0x2f)
            return false;
        uint32_t bits = le32(p + 21);
        *w = (bits & 0x3fff) + 1;
        *h = ((bits >> 14) & 0x3fff) + 1;
        return true;
    }
    if (memcmp(c, "VP8 ", 4) == 0) {
        if (p[23] != 0x9d || p[24] != 0x01 || p[25] != 0x2a)
            return false;
        *w = le16(p + 26) & 0x3fff;
        *h = le16(p + 28) & 0x3fff;
        return true;
    }
    return false;
}

static bool probe_bmp(const unsigned char *p, size_t len, uint32_t *w, uint32_t *h)
{
    if (len < 26 || p[0] != 'B' || p[1] != 'M')
        return false;
    uint32_t dib = le32(p + 14);
    if (dib == 12) {
        *w = le16(p + 18);
        *h = le16(p + 20);
        return true;
    }
    if (dib < 40)
        return false;
    int32_t sw = (int32_t)le32(p + 18), sh = (int32_t)le32(p + 22);
    if (sw <= 0 || sh == INT32_MIN)
        return false;
    *w = (uint32_t)sw;
    *h = (uint32_t)(sh < 0 ? -sh : sh);
    return true;
}

typedef struct {
    const char *name;
    int (*is)(SDL_RWops *);            /* SDL_image's test of the content */
    SDL_Surface *(*load)(SDL_RWops *); /* NULL: a format never decoded here */
} loader;

/* The accepted formats, by image_format: each decoded only by its own
 * loader, never by IMG_Load's guess from the content (which finds an SVG
 * inside a "WebP" and rasterises it at whatever size the SVG asks). */
static const loader accepted[] = {
    [IMAGE_PNG] = {"PNG", IMG_isPNG, IMG_LoadPNG_RW},
    [IMAGE_JPEG] = {"JPEG", IMG_isJPG, IMG_LoadJPG_RW},
    [IMAGE_GIF] = {"GIF", IMG_isGIF, IMG_LoadGIF_RW},
    [IMAGE_WEBP] = {"WebP", IMG_isWEBP, IMG_LoadWEBP_RW},
    [IMAGE_BMP] = {"BMP", IMG_isBMP, IMG_LoadBMP_RW},
};

/* Every other format SDL_image knows by its content. */
static const loader others[] = {
    {"SVG", IMG_isSVG, NULL}, {"XPM", IMG_isXPM, NULL}, {"XCF", IMG_isXCF, NULL},
    {"PNM", IMG_isPNM, NULL}, {"XV", IMG_isXV, NULL},   {"TIFF", IMG_isTIF, NULL},
    {"LBM", IMG_isLBM, NULL}, {"PCX", IMG_isPCX, NULL}, {"QOI", IMG_isQOI, NULL},
    {"ICO", IMG_isICO, NULL}, {"CUR", IMG_isCUR, NULL}, {"AVIF", IMG_isAVIF, NULL},
    {"JXL", IMG_isJXL, NULL},
};

/* Text that makes a vector or text image, looked for in the first
 * IMAGE_SNIFF_BYTES whatever comes before it. IMG_isSVG stops at the first
 * NUL byte, and IMG_isXPM looks only at the start. */
static const struct {
    const char *name, *text;
} markers[] = {{"SVG", "<svg"}, {"XPM", "/* XPM */"}};

#define IMAGE_SNIFF_BYTES 4096

static bool contains(const unsigned char *p, size_t len, const char *word)
{
    size_t k = strlen(word);
    for (size_t i = 0; i + k <= len; i++)
        if (strncasecmp((const char *)p + i, word, k) == 0)
            return true;
    return false;
}

/* The name of another format that would claim data probed as fmt (a
 * polyglot), or NULL when only fmt does. */
static const char *other_claim(const unsigned char *p, size_t len, image_format fmt)
{
    size_t sniff = len < IMAGE_SNIFF_BYTES ? len : IMAGE_SNIFF_BYTES;
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++)
        if (contains(p, sniff, markers[i].text))
            return markers[i].name;
    SDL_RWops *rw = SDL_RWFromConstMem(p, len > INT_MAX ? INT_MAX : (int)len);
    if (!rw)
        return "unreadable";
    const char *claim = NULL;
    for (size_t i = IMAGE_PNG; i <= IMAGE_BMP && !claim; i++)
        if (i != fmt && accepted[i].is(rw))
            claim = accepted[i].name;
    for (size_t i = 0; i < sizeof others / sizeof others[0] && !claim; i++)
        if (others[i].is(rw))
            claim = others[i].name;
    SDL_RWclose(rw);
    return claim;
}

/* The format and size from the header: false when the data is none of the
 * accepted formats, or *claim names another format that also reads it. */
static bool classify(const unsigned char *p, size_t len, image_format *fmt, int *w,
                     int *h, const char **claim)
{
    uint32_t uw = 0, uh = 0;
    image_format f = IMAGE_UNKNOWN;
    *claim = NULL;
    if (probe_png(p, len, &uw, &uh))
        f = IMAGE_PNG;
    else if (probe_jpeg(p, len, &uw, &uh))
        f = IMAGE_JPEG;
    else if (probe_gif(p, len, &uw, &uh))
        f = IMAGE_GIF;
    else if (probe_webp(p, len, &uw, &uh))
        f = IMAGE_WEBP;
    else if (probe_bmp(p, len, &uw, &uh))
        f = IMAGE_BMP;
    if (f == IMAGE_UNKNOWN || uw == 0 || uh == 0 || uw > INT32_MAX || uh > INT32_MAX)
        return false;
    *fmt = f;
    *w = (int)uw;
    *h = (int)uh;
    *claim = other_claim(p, len, f);
    return *claim == NULL;
}

bool image_probe(const void *data, size_t len, image_format *fmt, int *w, int *h)
{
    image_format f;
    int pw, ph;
    const char *claim;
    if (!classify(data, len, &f, &pw, &ph, &claim))
        return false;
    *fmt = f;
    *w = pw;
    *h = ph;
    return true;
}

/* Decodes with the probed format's own loader, after the header checks;
 * the surface must have the size the header promised. */
static SDL_Surface *decode(const char *path, const unsigned char *data, size_t len,
                           int max_pixels)
{
    image_format fmt = IMAGE_UNKNOWN;
    int w, h;
    const char *claim;
    if (!classify(data, len, &fmt, &w, &h, &claim)) {
        if (claim)
            LOG_WARN("%s: a %s header on data that also reads as %s: refused", path,
                     accepted[fmt].name, claim);
        else
            LOG_WARN("%s: not a PNG, JPEG, GIF, WebP or BMP image", path);
        return NULL;
    }
    if ((int64_t)w * h > max_pixels) {
        LOG_WARN("%s: %dx%d pixels is over the limit of %d", path, w, h, max_pixels);
        return NULL;
    }
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)len);
    SDL_Surface *raw = rw ? accepted[fmt].load(rw) : NULL;
    if (rw)
        SDL_RWclose(rw);
    if (!raw) {
        LOG_WARN("%s: cannot decode: %s", path, IMG_GetError());
        return NULL;
    }
    /* A GIF's first frame may be smaller than its screen (probe_gif). */
    bool fits =
        fmt == IMAGE_GIF ? raw->w <= w && raw->h <= h : raw->w == w && raw->h == h;
    if (!fits) {
        LOG_WARN("%s: decoded to %dx%d, not the %dx%d of its header", path, raw->w,
                 raw->h, w, h);
        SDL_FreeSurface(raw);
        return NULL;
    }
    return raw;
}

/* Byte offsets of R, G, B, A (A = -1: opaque) in a pixel of 3 or 4 bytes
 * with 8-bit channels, so the box filter reads the decoded surface as it
 * is instead of converting all of it first (that costs as much as the
 * decoding). False for other layouts (palettes, 16-bit, big-endian). */
static bool byte_layout(const SDL_PixelFormat *f, int off[4])
{
    const Uint32 masks[4] = {f->Rmask, f->Gmask, f->Bmask, f->Amask};
    if (SDL_BYTEORDER != SDL_LIL_ENDIAN || f->palette ||
        (f->BytesPerPixel != 3 && f->BytesPerPixel != 4))
        return false;
    for (int c = 0; c < 4; c++) {
        off[c] = -1;
        for (int b = 0; b < f->BytesPerPixel; b++)
            if (masks[c] == (Uint32)0xff << (8 * b))
                off[c] = b;
        if (off[c] < 0 && (c < 3 || masks[c] != 0))
            return false;
    }
    return true;
}

/* One output pixel: the k x k block at (x0, y0), colour weighted by alpha
 * so transparent pixels do not darken the edges. */
static Uint32 box_pixel(const SDL_Surface *src, const int off[4], int x0, int y0, int k)
{
    uint64_t a = 0, r = 0, g = 0, b = 0;
    int bpp = src->format->BytesPerPixel;
    for (int y = y0; y < y0 + k; y++) {
        const Uint8 *p = (const Uint8 *)src->pixels + (size_t)y * (size_t)src->pitch +
                         (size_t)(x0 * bpp);
        for (int x = 0; x < k; x++, p += (size_t)bpp) {
            unsigned pa = off[3] < 0 ? 255 : p[off[3]];
            a += pa;
            r += (uint64_t)p[off[0]] * pa;
            g += (uint64_t)p[off[1]] * pa;
            b += (uint64_t)p[off[2]] * pa;
        }
    }
    if (!a)
        return 0;
    return (Uint32)(a / ((uint64_t)k * (uint64_t)k)) << 24 | (Uint32)(r / a) << 16 |
           (Uint32)(g / a) << 8 | (Uint32)(b / a);
}

/* Shrinks by the whole factor k (averages of k x k blocks) into ARGB8888. */
static SDL_Surface *box_shrink(const SDL_Surface *src, const int off[4], int k)
{
    int w = src->w / k, h = src->h / k;
    SDL_Surface *dst =
        SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!dst)
        return NULL;
    for (int y = 0; y < h; y++) {
        Uint32 *out = (Uint32 *)((Uint8 *)dst->pixels + (size_t)y * (size_t)dst->pitch);
        for (int x = 0; x < w; x++)
            out[x] = box_pixel(src, off, x * k, y * k, k);
    }
    return dst;
}

/* Scales raw (freed here) to tw x th ARGB8888: a box filter by the largest
 * whole factor, then bilinear for the rest (less than 2x either way). */
static SDL_Surface *scale_to(SDL_Surface *raw, int tw, int th)
{
    int k = raw->w / tw < raw->h / th ? raw->w / tw : raw->h / th;
    int off[4];
    SDL_Surface *s = NULL;
    if (k >= 2 && !byte_layout(raw->format, off)) {
        SDL_Surface *argb = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
        SDL_FreeSurface(raw);
        raw = argb;
        if (!raw || !byte_layout(raw->format, off))
            k = 1;
    }
    if (raw && k >= 2)
        s = box_shrink(raw, off, k);
    else if (raw)
        s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(raw);
    if (!s || (s->w == tw && s->h == th))
        return s;
    SDL_Surface *dst =
        SDL_CreateRGBSurfaceWithFormat(0, tw, th, 32, SDL_PIXELFORMAT_ARGB8888);
    if (dst && SDL_SoftStretchLinear(s, NULL, dst, NULL) != 0) {
        SDL_FreeSurface(dst);
        dst = NULL;
    }
    SDL_FreeSurface(s);
    return dst;
}

/* The file at path, at most IMAGE_MAX_FILE_BYTES of image (plain, or in
 * the cache's format and verified): the buffer to free, with *payload and
 * *plen the image inside it. NULL after one log line. */
static char *read_image(const char *path, const void **payload, size_t *plen)
{
    size_t len = 0;
    char *buf = read_file_capped(path, IMAGE_MAX_FILE_BYTES + CACHE_HEADER_SIZE, &len);
    if (!buf) {
        LOG_WARN("%s: %s", path, read_file_error(errno));
        return NULL;
    }
    *payload = buf;
    *plen = len;
    bool ok;
    if (cache_unwrap(buf, len, payload, plen, &ok) && !ok) {
        LOG_WARN("%s: damaged cache file (length or checksum)", path);
        free(buf);
        return NULL;
    }
    if (*plen > IMAGE_MAX_FILE_BYTES) {
        LOG_WARN("%s: file too large", path);
        free(buf);
        return NULL;
    }
    return buf;
}

/* The centre of s of the box's shape (cover: what is cut off is even on
 * both sides), as a new surface; s is freed. */
static SDL_Surface *crop_to_shape(SDL_Surface *s, int box_w, int box_h)
{
    SDL_Rect src = {0, 0, s->w, s->h};
    if ((double)s->w * box_h > (double)s->h * box_w)
        src.w = (int)((double)s->h * box_w / box_h + 0.5);
    else
        src.h = (int)((double)s->w * box_h / box_w + 0.5);
    src.w = src.w < 1 ? 1 : src.w;
    src.h = src.h < 1 ? 1 : src.h;
    if (src.w == s->w && src.h == s->h)
        return s;
    src.x = (s->w - src.w) / 2;
    src.y = (s->h - src.h) / 2;
    SDL_Surface *out =
        SDL_CreateRGBSurfaceWithFormat(0, src.w, src.h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (out) {
        SDL_SetSurfaceBlendMode(s, SDL_BLENDMODE_NONE);
        if (SDL_BlitSurface(s, &src, out, NULL) != 0) {
            SDL_FreeSurface(out);
            out = NULL;
        }
    }
    SDL_FreeSurface(s);
    return out;
}

SDL_Surface *image_load_fit(const char *path, int max_pixels, int box_w, int box_h,
                            template_fit fit)
{
    if (max_pixels <= 0)
        max_pixels = IMAGE_DEFAULT_MAX_PIXELS;
    if (!path || box_w <= 0 || box_h <= 0) {
        LOG_WARN("%s: no path or an empty box", path ? path : "(null)");
        return NULL;
    }
    const void *payload;
    size_t plen;
    char *buf = read_image(path, &payload, &plen);
    if (!buf)
        return NULL;
    SDL_Surface *s = decode(path, payload, plen, max_pixels);
    free(buf);
    if (!s)
        return NULL;
    fit = template_fit_for(fit, TEMPLATE_FIT_AUTO, s->w, s->h, box_w, box_h);
    if (fit == TEMPLATE_FIT_COVER) {
        s = crop_to_shape(s, box_w, box_h);
        if (!s) {
            LOG_WARN("%s: cannot crop: %s", path, SDL_GetError());
            return NULL;
        }
    }
    double scale = (double)box_w / s->w < (double)box_h / s->h ? (double)box_w / s->w
                                                               : (double)box_h / s->h;
    int tw = (int)(s->w * scale + 0.5), th = (int)(s->h * scale + 0.5);
    tw = tw < 1 ? 1 : (tw > box_w ? box_w : tw);
    th = th < 1 ? 1 : (th > box_h ? box_h : th);
    if (fit == TEMPLATE_FIT_COVER)
        tw = box_w, th = box_h; /* the crop has the box's shape */
    s = scale_to(s, tw, th);
    if (!s)
        LOG_WARN("%s: cannot scale to %dx%d: %s", path, tw, th, SDL_GetError());
    return s;
}

SDL_Surface *image_load(const char *path, int max_pixels, int box_w, int box_h)
{
    return image_load_fit(path, max_pixels, box_w, box_h, TEMPLATE_FIT_CONTAIN);
}
