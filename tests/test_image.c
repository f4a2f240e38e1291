/* image: header probes, the pixel cap before decoding, scaling to a box,
 * polyglots refused; media: decoding on its worker thread. */
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cache.h"
#include "config.h"
#include "feed.h"
#include "image.h"
#include "media.h"
#include "params.h"
#include "source.h"
#include "test.h"

static char dir[64];

static void path_of(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    if (fp) {
        fwrite(data, 1, len, fp);
        fclose(fp);
    }
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* A PNG whose IHDR claims w x h, with a token IDAT: a few hundred bytes
 * that would need w*h*3 bytes if decoded. */
static size_t bomb_png(unsigned char *out, uint32_t w, uint32_t h)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    size_t n = 0;
    memcpy(out, sig, 8);
    n = 8;
    put_be32(out + n, 13);
    memcpy(out + n + 4, "IHDR", 4);
    put_be32(out + n + 8, w);
    put_be32(out + n + 12, h);
    memcpy(out + n + 16, "\x08\x02\x00\x00\x00", 5);
    put_be32(out + n + 21, cache_crc32(0, out + n + 4, 17));
    n += 25;
    static const unsigned char idat[] = {0x78, 0x9c, 0x63, 0x60, 0x18, 0x05, 0x00, 0x00};
    put_be32(out + n, sizeof idat);
    memcpy(out + n + 4, "IDAT", 4);
    memcpy(out + n + 8, idat, sizeof idat);
    put_be32(out + n + 8 + sizeof idat, cache_crc32(0, out + n + 4, 4 + sizeof idat));
    n += 12 + sizeof idat;
    put_be32(out + n, 0);
    memcpy(out + n + 4, "IEND", 4);
    put_be32(out + n + 8, cache_crc32(0, "IEND", 4));
    return n + 12;
}

/* 400x200: left half red, right half blue. */
static SDL_Surface *two_colours(void)
{
    SDL_Surface *s =
        SDL_CreateRGBSurfaceWithFormat(0, 400, 200, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Rect left = {0, 0, 200, 200}, right = {200, 0, 200, 200};
    SDL_FillRect(s, &left, SDL_MapRGB(s->format, 255, 0, 0));
    SDL_FillRect(s, &right, SDL_MapRGB(s->format, 0, 0, 255));
    return s;
}

static Uint32 pixel(const SDL_Surface *s, int x, int y)
{
    return ((const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch))[x];
}

static bool near(Uint32 px, int r, int g, int b)
{
    int pr = (px >> 16) & 255, pg = (px >> 8) & 255, pb = px & 255;
    return abs(pr - r) < 40 && abs(pg - g) < 40 && abs(pb - b) < 40;
}

static void check_probe_file(const char *path, image_format want, int w, int h)
{
    size_t len;
    char *data = test_read_file(path, &len);
    image_format fmt = IMAGE_UNKNOWN;
    int pw = 0, ph = 0;
    CHECKF(data && image_probe(data, len, &fmt, &pw, &ph), "probe %s", path);
    CHECKF(fmt == want && pw == w && ph == h, "%s: format %d %dx%d", path, fmt, pw, ph);
    free(data);
}

static void test_real_files(void)
{
    char png[128], jpg[128], bmp[128];
    path_of(png, sizeof png, "two.png");
    path_of(jpg, sizeof jpg, "two.jpg");
    path_of(bmp, sizeof bmp, "two.bmp");
    SDL_Surface *src = two_colours();
    CHECK(IMG_SavePNG(src, png) == 0);
    CHECK(IMG_SaveJPG(src, jpg, 90) == 0);
    CHECK(SDL_SaveBMP(src, bmp) == 0);
    SDL_FreeSurface(src);
    check_probe_file(png, IMAGE_PNG, 400, 200);
    check_probe_file(jpg, IMAGE_JPEG, 400, 200);
    check_probe_file(bmp, IMAGE_BMP, 400, 200);

    const char *files[] = {png, jpg, bmp};
    for (int i = 0; i < 3; i++) {
        SDL_Surface *s = image_load(files[i], 0, 100, 100); /* down, by 4 */
        CHECKF(s && s->w == 100 && s->h == 50, "%s down", files[i]);
        CHECK(s && s->format->format == SDL_PIXELFORMAT_ARGB8888);
        CHECKF(s && near(pixel(s, 10, 25), 255, 0, 0) &&
                   near(pixel(s, 90, 25), 0, 0, 255),
               "%s colours", files[i]);
        SDL_FreeSurface(s);
    }
    SDL_Surface *s = image_load(png, 0, 800, 800); /* up */
    CHECK(s && s->w == 800 && s->h == 400);
    CHECK(s && near(pixel(s, 20, 200), 255, 0, 0) && near(pixel(s, 780, 200), 0, 0, 255));
    SDL_FreeSurface(s);
    s = image_load(png, 0, 1000, 100); /* the height decides */
    CHECK(s && s->w == 200 && s->h == 100);
    SDL_FreeSurface(s);
    s = image_load(png, 0, 400, 200); /* exact: no scaling */
    CHECK(s && s->w == 400 && s->h == 200);
    SDL_FreeSurface(s);

    /* The pixel cap: 80,000 px. */
    s = image_load(png, 79999, 100, 100);
    CHECK(s == NULL);
    s = image_load(png, 80000, 100, 100);
    CHECK(s != NULL);
    SDL_FreeSurface(s);
    CHECK(image_load(png, 0, 0, 100) == NULL);
}

/* Transparent pixels do not darken the average; palette images go
 * through the conversion path. */
static void test_alpha_and_palette(void)
{
    SDL_Surface *src =
        SDL_CreateRGBSurfaceWithFormat(0, 400, 200, 32, SDL_PIXELFORMAT_ARGB8888);
    for (int y = 0; y < 200; y++)
        for (int x = 0; x < 400; x++)
            ((Uint32 *)((Uint8 *)src->pixels + y * src->pitch))[x] =
                (x + y) % 2 ? 0xffff0000u : 0x00000000u;
    char path[128];
    path_of(path, sizeof path, "checker.png");
    CHECK(IMG_SavePNG(src, path) == 0);
    SDL_FreeSurface(src);
    SDL_Surface *s = image_load(path, 0, 100, 100);
    CHECK(s && s->w == 100 && s->h == 50);
    if (s) {
        Uint32 px = pixel(s, 50, 25);
        CHECKF(near(px, 255, 0, 0) && abs((int)(px >> 24) - 128) < 10,
               "checker average %08x", px);
    }
    SDL_FreeSurface(s);

    SDL_Surface *pal =
        SDL_CreateRGBSurfaceWithFormat(0, 300, 300, 8, SDL_PIXELFORMAT_INDEX8);
    SDL_Color colours[2] = {{0, 200, 0, 255}, {0, 0, 200, 255}};
    SDL_SetPaletteColors(pal->format->palette, colours, 0, 2);
    SDL_Rect bottom = {0, 150, 300, 150};
    SDL_FillRect(pal, NULL, 0);
    SDL_FillRect(pal, &bottom, 1);
    path_of(path, sizeof path, "palette.png");
    CHECK(IMG_SavePNG(pal, path) == 0);
    SDL_FreeSurface(pal);
    s = image_load(path, 0, 100, 100);
    CHECK(s && s->w == 100 && s->h == 100);
    CHECK(s && near(pixel(s, 50, 10), 0, 200, 0) && near(pixel(s, 50, 90), 0, 0, 200));
    SDL_FreeSurface(s);
}

static void test_bomb(void)
{
    unsigned char buf[128];
    size_t n = bomb_png(buf, 30000, 30000);
    char path[128];
    path_of(path, sizeof path, "bomb.png");
    write_bytes(path, buf, n);
    image_format fmt;
    int w, h;
    CHECK(image_probe(buf, n, &fmt, &w, &h) && w == 30000 && h == 30000);
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    CHECK(image_load(path, 16000000, 1920, 1080) == NULL);
    CHECK(image_load(path, 0, 1920, 1080) == NULL);
    getrusage(RUSAGE_SELF, &after);
    /* Decoding would need 2.7 GB; refusing costs nothing measurable. */
    CHECKF(after.ru_maxrss - before.ru_maxrss < 50 * 1024, "max RSS grew %ld KiB",
           after.ru_maxrss - before.ru_maxrss);
}

static void test_probes(void)
{
    image_format fmt;
    int w, h;
    static const unsigned char gif[] = {
        'G',  'I',  'F', '8', '9', 'a',  10,   0,    5,    0,
        0x80, 0,    0,   0,   0,   0,    255,  255,  255, /* 2-colour table */
        0x21, 0xf9, 4,   0,   0,   0,    0,    0,         /* graphic control */
        0x2c, 0,    0,   0,   0,   0x30, 0x75, 0x30, 0x75, 0};
    CHECK(image_probe(gif, sizeof gif, &fmt, &w, &h) && fmt == IMAGE_GIF);
    CHECKF(w == 30000 && h == 30000, "GIF frame larger than its screen: %dx%d", w, h);
    CHECK(!image_probe(gif, 20, &fmt, &w, &h)); /* cut before the frame */

    unsigned char webp[40] = "RIFF\0\0\0\0WEBPVP8X";
    webp[24] = 0x3f, webp[25] = 0x1f, webp[26] = 0; /* 8000 - 1 */
    webp[27] = 0xcf, webp[28] = 0x07, webp[29] = 0; /* 2000 - 1 */
    CHECK(image_probe(webp, sizeof webp, &fmt, &w, &h) && fmt == IMAGE_WEBP &&
          w == 8000 && h == 2000);
    unsigned char vp8l[40] = "RIFF\0\0\0\0WEBPVP8L";
    vp8l[20] = 0x2f;
    uint32_t bits = (99u) | (49u << 14); /* 100 x 50 */
    memcpy(vp8l + 21,
           (unsigned char[4]){(unsigned char)bits, (unsigned char)(bits >> 8),
                              (unsigned char)(bits >> 16), (unsigned char)(bits >> 24)},
           4);
    CHECK(image_probe(vp8l, sizeof vp8l, &fmt, &w, &h) && w == 100 && h == 50);

    CHECK(!image_probe("<html>not an image</html>", 25, &fmt, &w, &h));
    CHECK(!image_probe("", 0, &fmt, &w, &h));
    unsigned char png[128];
    size_t n = bomb_png(png, 0, 10);
    CHECK(!image_probe(png, n, &fmt, &w, &h)); /* zero width */
    n = bomb_png(png, 10, 10);
    CHECK(!image_probe(png, 20, &fmt, &w, &h)); /* cut inside IHDR */
    static const unsigned char jpeg_no_sof[] = {0xff, 0xd8, 0xff, 0xe0, 0,
                                                4,    0,    0,    0xff, 0xd9};
    CHECK(!image_probe(jpeg_no_sof, sizeof jpeg_no_sof, &fmt, &w, &h));
}

static void test_bad_files(void)
{
    char path[128];
    path_of(path, sizeof path, "html.png");
    write_bytes(path, "<html><body>not an image</body></html>", 38);
    CHECK(image_load(path, 0, 100, 100) == NULL);
    path_of(path, sizeof path, "missing.png");
    CHECK(image_load(path, 0, 100, 100) == NULL);
    CHECK(image_load(NULL, 0, 100, 100) == NULL);

    /* A real PNG cut short: the header passes, decoding fails cleanly. */
    char png[128];
    path_of(png, sizeof png, "two.png");
    size_t len;
    char *data = test_read_file(png, &len);
    path_of(path, sizeof path, "cut.png");
    if (data)
        write_bytes(path, data, len / 2);
    SDL_Surface *s = image_load(path, 0, 100, 100);
    SDL_FreeSurface(s); /* libpng may give a partial image or none: no crash */
    free(data);
}

static void test_cache_format(void)
{
    char png[128];
    path_of(png, sizeof png, "two.png");
    size_t len;
    char *data = test_read_file(png, &len);
    cache *c = cache_create(dir);
    CHECK(c && data && cache_write(c, "img-test", data, len));
    char path[1200];
    CHECK(c && cache_path(c, "img-test", path, sizeof path));
    SDL_Surface *s = image_load(path, 0, 200, 200);
    CHECK(s && s->w == 200 && s->h == 100);
    SDL_FreeSurface(s);
    FILE *fp = fopen(path, "r+b");
    if (fp) {
        fseek(fp, CACHE_HEADER_SIZE + 40, SEEK_SET);
        fputc(0x55, fp);
        fclose(fp);
    }
    CHECK(image_load(path, 0, 200, 200) == NULL); /* checksum fails */
    cache_destroy(c);
    free(data);
}

static void put_le16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put_le32(unsigned char *p, uint32_t v)
{
    put_le16(p, v & 0xffff);
    put_le16(p + 2, v >> 16);
}

/* Headers of each accepted format claiming w x h. The WebP and GIF ones
 * have no NUL byte, so that IMG_isSVG (a C string search) sees text after
 * them, as in the file of the issue; PNG, JPEG and BMP cannot avoid one. */
static size_t head_webp(unsigned char *o, int w, int h)
{
    memcpy(o, "RIFF\x01\x01\x01\x01WEBPVP8L\x01\x01\x01\x01\x2f", 21);
    put_le32(o + 21, (uint32_t)(w - 1) | (uint32_t)(h - 1) << 14 | 1u << 28); /* alpha */
    return 25;
}

static size_t head_gif(unsigned char *o, int w, int h)
{
    memcpy(o, "GIF89a", 6);
    put_le16(o + 6, (unsigned)w);
    put_le16(o + 8, (unsigned)h);
    memcpy(o + 10, "\x70\x01\x01,\x01\x01\x01\x01", 8); /* no colour table */
    put_le16(o + 18, (unsigned)w);
    put_le16(o + 20, (unsigned)h);
    o[22] = 0x01;
    return 23;
}

static size_t head_png(unsigned char *o, int w, int h)
{
    bomb_png(o, (uint32_t)w, (uint32_t)h);
    return 33; /* signature and IHDR */
}

static size_t head_jpeg(unsigned char *o, int w, int h)
{
    static const unsigned char sof[] = {0xff, 0xd8, 0xff, 0xc0, 0, 17,   8, 0, 0,    0, 0,
                                        3,    1,    0x22, 0,    2, 0x11, 1, 3, 0x11, 1};
    memcpy(o, sof, sizeof sof);
    o[7] = (unsigned char)(h >> 8), o[8] = (unsigned char)h;
    o[9] = (unsigned char)(w >> 8), o[10] = (unsigned char)w;
    return sizeof sof;
}

static size_t head_bmp(unsigned char *o, int w, int h)
{
    memset(o, 0, 54);
    o[0] = 'B', o[1] = 'M';
    put_le32(o + 2, 54 + (uint32_t)(w * 3 + 3) / 4 * 4 * (uint32_t)h);
    put_le32(o + 10, 54);
    put_le32(o + 14, 40);
    put_le32(o + 18, (uint32_t)w);
    put_le32(o + 22, (uint32_t)h);
    put_le16(o + 26, 1);
    put_le16(o + 28, 24);
    return 54;
}

/* Texts of formats SDL_image would decode at the size they ask: 3000 x
 * 3000 fits the default pixel cap, so a loader that takes them returns an
 * image instead of the small one the header promised. */
static const char *const texts[] = {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"3000\" height=\"3000\">"
    "<rect width=\"3000\" height=\"3000\" fill=\"#f00\"/></svg>\n",
    "/* XPM */\nstatic char *x[] = {\n\"3000 3000 1 1\",\n\"a c #ff0000\",\n\"aaaa\"};\n",
    "P6\n3000 3000\n255\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
    "P7 332\n#XVVERSION:Version 2.28\n3000 3000 255\nxxxxxxxxxxxxxxxxxxxx\n",
};

static void test_polyglots(void)
{
    static const struct {
        const char *name;
        size_t (*head)(unsigned char *, int, int);
        bool nul_free;
    } heads[] = {{"webp", head_webp, true},
                 {"gif", head_gif, true},
                 {"png", head_png, false},
                 {"jpg", head_jpeg, false},
                 {"bmp", head_bmp, false}};
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
            unsigned char buf[512];
            size_t n = heads[i].head(buf, 258, 300);
            memcpy(buf + n, texts[t], strlen(texts[t]));
            n += strlen(texts[t]);
            SDL_RWops *rw = SDL_RWFromConstMem(buf, (int)n);
            if (t == 0 && heads[i].nul_free) /* IMG_Load would take it for an SVG */
                CHECKF(IMG_isSVG(rw), "%s + SVG is an SVG to SDL_image", heads[i].name);
            SDL_RWclose(rw);
            image_format fmt;
            int w, h;
            if (t < 2) /* the text formats that can start anywhere */
                CHECKF(!image_probe(buf, n, &fmt, &w, &h), "%s + text %zu probes",
                       heads[i].name, t);
            char path[128], name[32];
            snprintf(name, sizeof name, "poly%zu.%s", t, heads[i].name);
            path_of(path, sizeof path, name);
            write_bytes(path, buf, n);
            SDL_Surface *s = image_load(path, 0, 1920, 1080);
            CHECKF(s == NULL, "%s decoded to %dx%d", name, s ? s->w : 0, s ? s->h : 0);
            SDL_FreeSurface(s);
        }
    }
    getrusage(RUSAGE_SELF, &after);
    /* Rasterising one of the texts takes 36 MB. */
    CHECKF(after.ru_maxrss - before.ru_maxrss < 30 * 1024, "max RSS grew %ld KiB",
           after.ru_maxrss - before.ru_maxrss);

    /* A real image with an SVG after its end is refused too. */
    char png[128], path[128];
    path_of(png, sizeof png, "two.png");
    size_t len;
    char *data = test_read_file(png, &len);
    CHECK(data != NULL);
    if (data) {
        char *both = malloc(len + strlen(texts[0]));
        memcpy(both, data, len);
        memcpy(both + len, texts[0], strlen(texts[0]));
        path_of(path, sizeof path, "tail.png");
        write_bytes(path, both, len + strlen(texts[0]));
        CHECK(image_load(path, 0, 100, 100) == NULL);
        free(both);
    }
    free(data);
}

/* Bits written least significant first, as VP8L reads them. */
typedef struct {
    unsigned char *p;
    size_t bit;
} bits;

static void put_bits(bits *b, uint32_t v, int n)
{
    for (int i = 0; i < n; i++, b->bit++)
        if (v >> i & 1)
            b->p[b->bit / 8] |= (unsigned char)(1u << (b->bit % 8));
}

/* A lossless WebP of one colour: every prefix code has a single symbol,
 * so the pixels take no bits at all. */
static size_t solid_webp(unsigned char *o, int w, int h, unsigned r, unsigned g,
                         unsigned b_)
{
    memset(o, 0, 64);
    unsigned char *d = o + 20;
    bits b = {d, 0};
    put_bits(&b, 0x2f, 8);
    put_bits(&b, (uint32_t)w - 1, 14);
    put_bits(&b, (uint32_t)h - 1, 14);
    put_bits(&b, 0, 4); /* no alpha, version 0 */
    put_bits(&b, 0, 3); /* no transform, no colour cache, no meta codes */
    const unsigned symbols[5] = {g, r, b_, 255, 0}; /* green, red, blue, alpha, dist */
    for (int i = 0; i < 5; i++) {
        put_bits(&b, 1, 1); /* simple code */
        put_bits(&b, 0, 1); /* one symbol */
        put_bits(&b, 1, 1); /* of 8 bits */
        put_bits(&b, symbols[i], 8);
    }
    size_t len = (b.bit + 7) / 8, padded = len + (len & 1);
    memcpy(o, "RIFF", 4);
    put_le32(o + 4, (uint32_t)(12 + padded));
    memcpy(o + 8, "WEBPVP8L", 8);
    put_le32(o + 16, (uint32_t)len);
    return 20 + padded;
}

/* A GIF of w x h, left half colour 0 (red), right half 1 (blue). Codes of
 * 8 bits (minimum code size 7) with a clear code every 100 pixels never
 * grow wider, so each code is one byte and the data needs no compressor. */
static size_t halves_gif(unsigned char *o, int w, int h)
{
    size_t n = 0;
    memcpy(o, "GIF89a", 6);
    put_le16(o + 6, (unsigned)w);
    put_le16(o + 8, (unsigned)h);
    o[10] = 0x80 | 0x06, o[11] = 0, o[12] = 0; /* a table of 128 colours */
    memset(o + 13, 0, 128 * 3);
    o[13] = 255;     /* 0: red */
    o[13 + 5] = 255; /* 1: blue */
    n = 13 + 128 * 3;
    o[n] = ',';
    memset(o + n + 1, 0, 4);
    put_le16(o + n + 5, (unsigned)w);
    put_le16(o + n + 7, (unsigned)h);
    o[n + 9] = 0;
    o[n + 10] = 7; /* minimum code size */
    n += 11;
    unsigned char codes[8192];
    size_t c = 0;
    for (int i = 0; i < w * h; i++) {
        if (i % 100 == 0)
            codes[c++] = 128; /* clear */
        codes[c++] = i % w < w / 2 ? 0 : 1;
    }
    codes[c++] = 129; /* end */
    for (size_t k = 0; k < c; k += 255) {
        size_t part = c - k < 255 ? c - k : 255;
        o[n++] = (unsigned char)part;
        memcpy(o + n, codes + k, part);
        n += part;
    }
    o[n++] = 0;
    o[n++] = ';';
    return n;
}

/* The formats that cannot be written with SDL_image still decode. */
static void test_gif_and_webp(void)
{
    static unsigned char buf[16384];
    char path[128];
    size_t n = halves_gif(buf, 80, 40);
    path_of(path, sizeof path, "halves.gif");
    write_bytes(path, buf, n);
    check_probe_file(path, IMAGE_GIF, 80, 40);
    SDL_Surface *s = image_load(path, 0, 40, 40);
    CHECK(s && s->w == 40 && s->h == 20);
    CHECKF(s && near(pixel(s, 5, 10), 255, 0, 0) && near(pixel(s, 35, 10), 0, 0, 255),
           "GIF colours");
    SDL_FreeSurface(s);

    n = solid_webp(buf, 300, 200, 0x20, 0xc0, 0x40);
    path_of(path, sizeof path, "solid.webp");
    write_bytes(path, buf, n);
    check_probe_file(path, IMAGE_WEBP, 300, 200);
    s = image_load(path, 0, 150, 150);
    CHECK(s && s->w == 150 && s->h == 100);
    CHECKF(s && near(pixel(s, 75, 50), 0x20, 0xc0, 0x40), "WebP colour %08x",
           s ? pixel(s, 75, 50) : 0);
    SDL_FreeSurface(s);
}

/* One cap for every file: a cache file may add its header to the image's
 * 64 MiB, one byte more is refused before any probe or decode. */
static void test_file_cap(void)
{
    char path[128];
    path_of(path, sizeof path, "big.png");
    unsigned char head[128];
    size_t n = bomb_png(head, 100, 100);
    write_bytes(path, head, n);
    CHECK(truncate(path, IMAGE_MAX_FILE_BYTES + CACHE_HEADER_SIZE + 1) == 0);
    CHECK(image_load(path, 0, 100, 100) == NULL);
    CHECK(truncate(path, IMAGE_MAX_FILE_BYTES + 1) == 0); /* plain, not a cache file */
    CHECK(image_load(path, 0, 100, 100) == NULL);
    remove(path);
}

static SDL_atomic_t wakes;

static void count_wake(void *ctx)
{
    (void)ctx;
    SDL_AtomicAdd(&wakes, 1);
}

static bool wait_wakes(int n)
{
    Uint64 end = SDL_GetTicks64() + 10000;
    while (SDL_AtomicGet(&wakes) < n && SDL_GetTicks64() < end)
        SDL_Delay(2);
    return SDL_AtomicGet(&wakes) >= n;
}

/* media decodes on its worker: the first ask returns nothing and the wake
 * function says when the image is there; a polyglot logo is refused once
 * and not tried again. Without a wake function (headless) it waits. */
static void test_media_worker(void)
{
    char feed_path[128], png[128], json[512];
    path_of(feed_path, sizeof feed_path, "feed.json");
    path_of(png, sizeof png, "two.png");
    snprintf(json, sizeof json,
             "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\","
             "\"items\":[{\"id\":\"1\",\"content_text\":\"x\",\"image\":\"%s\"}]}",
             png);
    write_bytes(feed_path, json, strlen(json));
    config cfg;
    config_defaults(&cfg);
    snprintf(cfg.feed, sizeof cfg.feed, "%s", feed_path);
    snprintf(cfg.cache_dir, sizeof cfg.cache_dir, "%s/cache", dir);
    snprintf(cfg.logo, sizeof cfg.logo, "%s/poly0.webp", dir); /* test_polyglots */
    source_params sp = params_source(&cfg);
    source *src = source_create(&sp, NULL, NULL);
    feed *f = src ? source_take_feed(src) : NULL;
    CHECK(f && f->n_items == 1);
    media_params mp = params_media(&cfg);
    media *m = media_create(&mp, src, count_wake, NULL);
    CHECK(m != NULL);
    if (!f || !m) {
        media_destroy(m);
        feed_destroy(f);
        source_destroy(src);
        return;
    }
    layout_rect box = {0, 0, 200, 200};
    CHECK(source_image_path(src, f->items[0].image) != NULL);
    CHECK(media_image(m, &f->items[0], &box) == NULL); /* asked for */
    CHECK(wait_wakes(1));
    CHECK(media_changed(m) && !media_changed(m));
    SDL_Surface *s = media_image(m, &f->items[0], &box);
    CHECK(s && s->w == 200 && s->h == 100);
    CHECK(media_image(m, &f->items[0], &box) == s); /* kept */

    CHECK(media_logo(m, 100, 50) == NULL);
    CHECK(wait_wakes(2));
    CHECK(!media_changed(m)); /* nothing new to draw */
    for (int i = 0; i < 3; i++)
        CHECK(media_logo(m, 100, 50) == NULL);
    SDL_Delay(50);
    CHECKF(SDL_AtomicGet(&wakes) == 2, "the refused logo was decoded again: %d wakes",
           SDL_AtomicGet(&wakes));
    /* A slide without a picture: media lets the last one go, and decodes
     * it again when it is next asked for. */
    CHECK(media_image_bytes(m) > 0);
    feed_item plain = {0};
    CHECK(media_image(m, &plain, &box) == NULL);
    CHECKF(media_image_bytes(m) == 0,
           "%zu bytes of pictures held for a slide without one", media_image_bytes(m));
    CHECK(media_image(m, &f->items[0], &box) == NULL);
    CHECK(wait_wakes(3));
    s = media_image(m, &f->items[0], &box);
    CHECK(s && s->w == 200 && s->h == 100);
    media_destroy(m);

    m = media_create(&mp, src, NULL, NULL); /* waits */
    s = m ? media_image(m, &f->items[0], &box) : NULL;
    CHECK(s && s->w == 200 && s->h == 100);
    CHECK(m && media_logo(m, 100, 50) == NULL);
    media_destroy(m);
    feed_destroy(f);
    source_destroy(src);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_image.XXXXXX");
    if (!mkdtemp(dir) || TTF_Init() != 0)
        return 1;
    RUN(test_probes);
    RUN(test_real_files);
    RUN(test_alpha_and_palette);
    RUN(test_bomb);
    RUN(test_bad_files);
    RUN(test_cache_format);
    RUN(test_polyglots);
    RUN(test_gif_and_webp);
    RUN(test_media_worker);
    test_file_cap(); /* last: it reads 64 MiB, which the RSS checks would see */
    IMG_Quit();
    TTF_Quit();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    return test_done("test_image");
}
