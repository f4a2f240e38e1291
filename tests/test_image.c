/* image: header probes, the pixel cap before decoding, scaling to a box. */
#include <SDL_image.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cache.h"
#include "image.h"
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
    memcpy(
        vp8l + 21,
        (unsigned char[4]){bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, bits >> 24},
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

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_image.XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    test_probes();
    test_real_files();
    test_alpha_and_palette();
    test_bomb();
    test_bad_files();
    test_cache_format();
    IMG_Quit();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    return test_done("test_image");
}
