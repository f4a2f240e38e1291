#define LOG_MODULE "render"
#include "render.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "log.h"
#include "text.h"
#include "ticker.h"
#include "util.h"

#define CACHE_MAX_ENTRIES 1024
/* The lines kept, in screens' worth of pixels (a byte each: coverage): a
 * page's lines cover well under one, so the page on screen, the next ones
 * and the header are drawn from the cache, while a rotation longer than
 * that draws its lines again (a few ms a page) rather than keep them all. */
#define CACHE_SCREENS 2
#define CACHE_MIN_BYTES (256u * 1024) /* no output size known */
/* The streaming texture lines are tinted into on their way to the target,
 * tile by tile: 512 KiB, whatever the screen. */
#define SCRATCH_W 1024
#define SCRATCH_H 128

/* A line is kept as coverage (alpha, a byte a pixel) and tinted through
 * the scratch texture when drawn; what is drawn every frame (the ticker's
 * strip) or is not text (a QR code) is kept as a texture. */

/* The ticker's text cut into pieces, each narrower than one texture may be
 * (SDL_RendererInfo max_texture_width, at most STRIP_MAX_W), laid end to
 * end. Remade when the text or its size changes. */
#define STRIP_MAX_W 8192
#define STRIP_MAX_PIECES 16
typedef struct {
    char *text; /* the whole text it was made for */
    int px, n;
    char *piece[STRIP_MAX_PIECES];
    int x[STRIP_MAX_PIECES + 1]; /* piece k from x[k] to x[k + 1] */
} render_strip;

typedef struct {
    uint64_t hash;
    char *key;
    size_t key_len;
    SDL_Texture *tex; /* or */
    Uint8 *alpha;     /* w * h bytes */
    SDL_Color tint;   /* of the draw that follows the lookup (text_texture) */
    int w, h;
    size_t bytes;
    uint64_t used;
} texcache_entry;

struct render {
    SDL_Renderer *r;
    fonts *fonts;
    render_theme theme;
    texcache_entry *cache;
    size_t n_cache, cache_bytes;
    uint64_t tick;
    uint64_t slide_tick;        /* tick when the slide being drawn started */
    SDL_Color band_bg, band_fg; /* the ticker's colours: the slide's */
    const void *image_key;
    SDL_Texture *image_tex;
    const void *logo_key;
    SDL_Texture *logo_tex;
    const void *ambient_key; /* a photo's blurred fill behind a contained picture */
    SDL_Texture *ambient_tex;
    texcache_entry *clock; /* the last clock drawn, while clock_hash is its key's */
    uint64_t clock_hash;
    SDL_Texture *page[2]; /* page[cur]: on screen or incoming; the other:
                             outgoing during a transition, else NULL */
    int cur, page_w, page_h;
    int variant;          /* fonts_use_language's, part of a line texture's key */
    int rotation;         /* degrees clockwise the output shows the page turned */
    SDL_Texture *canvas;  /* rotation: the page drawn upright here, then turned
                             into page[cur] (which is the output's shape) */
    bool software;        /* the software renderer: pages turned by the CPU;
                             the screen keeps its pixels */
    bool whole;           /* the output holds page[cur] composed whole (outside
                             the band): a frame may redraw the band alone */
    bool partial_ok;      /* the output keeps its pixels after a present (the
                             software renderer): partial frames are valid */
    SDL_Rect band;        /* the ticker's band on the page; w 0: none drawn */
    SDL_Rect presented;   /* output pixels the next present must show; w 0: all */
    render_strip strip;   /* the ticker's text in pieces under the texture cap */
    SDL_Texture *scratch; /* SCRATCH_W x SCRATCH_H, streaming; made when first used */
    bool on_screen;     /* software: the page was composed and freed, the screen has it */
    bool out_on_screen; /* software: this transition's outgoing page is the screen's */
    int faded;          /* such a fade: the incoming page's share of the screen, 0..255 */
};

/* Over a photo, whatever the theme: light text on a dark scrim. At
 * SCRIM_ALPHA over white the scrim is #3a3d40 at its lightest, 11:1 to
 * photo_fg (WCAG AA asks 4.5:1). */
static const SDL_Color scrim = {0x06, 0x0a, 0x10, 0xff};
#define SCRIM_ALPHA 0xd0
static const SDL_Color photo_fg = {0xfa, 0xfa, 0xf7, 0xff};
static const SDL_Color photo_muted = {0xd8, 0xde, 0xe2, 0xff};

render *render_create(SDL_Renderer *r, fonts *f, const render_theme *theme)
{
    render *rd = xcalloc(1, sizeof *rd);
    rd->r = r;
    rd->fonts = f;
    rd->theme = *theme;
    rd->band_bg = theme->background;
    rd->band_fg = theme->foreground;
    rd->cache = xcalloc(CACHE_MAX_ENTRIES, sizeof *rd->cache);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    /* test hook SIGNAGE_TEST_FULL_FRAMES: every frame whole (to measure) */
    SDL_RendererInfo info = {0};
    rd->software =
        SDL_GetRendererInfo(r, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
    rd->partial_ok = rd->software && !getenv("SIGNAGE_TEST_FULL_FRAMES");
    return rd;
}

static void entry_free(texcache_entry *e)
{
    if (e->tex)
        SDL_DestroyTexture(e->tex);
    free(e->alpha);
    free(e->key);
    *e = (texcache_entry){0};
}

static void image_texture_drop(render *rd)
{
    if (rd->image_tex)
        SDL_DestroyTexture(rd->image_tex);
    rd->image_tex = NULL;
    rd->image_key = NULL;
}

void render_flush(render *rd)
{
    for (size_t i = 0; i < CACHE_MAX_ENTRIES; i++)
        entry_free(&rd->cache[i]);
    rd->n_cache = 0;
    rd->cache_bytes = 0;
    rd->clock = NULL;
    image_texture_drop(rd);
    if (rd->logo_tex)
        SDL_DestroyTexture(rd->logo_tex);
    rd->logo_tex = NULL;
    rd->logo_key = NULL;
    if (rd->ambient_tex)
        SDL_DestroyTexture(rd->ambient_tex);
    rd->ambient_tex = NULL;
    rd->ambient_key = NULL;
}

static void strip_clear(render_strip *st)
{
    for (int k = 0; k < st->n; k++)
        free(st->piece[k]);
    free(st->text);
    *st = (render_strip){0};
}

void render_destroy(render *rd)
{
    if (!rd)
        return;
    render_flush(rd);
    render_pages_drop(rd);
    strip_clear(&rd->strip);
    if (rd->scratch)
        SDL_DestroyTexture(rd->scratch);
    free(rd->cache);
    free(rd);
}

size_t render_cache_bytes(const render *rd)
{
    return rd->cache_bytes;
}

static size_t texture_bytes(SDL_Texture *t)
{
    int w = 0, h = 0;
    if (!t || SDL_QueryTexture(t, NULL, NULL, &w, &h) != 0)
        return 0;
    return (size_t)w * (size_t)h * 4;
}

render_bytes render_get_bytes(const render *rd)
{
    return (render_bytes){
        .lines = rd->cache_bytes,
        .pages = texture_bytes(rd->page[0]) + texture_bytes(rd->page[1]),
        .images = texture_bytes(rd->image_tex) + texture_bytes(rd->logo_tex),
    };
}

size_t render_textures(const render *rd)
{
    return rd->n_cache + (rd->image_tex != NULL) + (rd->logo_tex != NULL) +
           (rd->ambient_tex != NULL);
}

static void texcache_drop(render *rd, texcache_entry *e)
{
    rd->cache_bytes -= e->bytes;
    rd->n_cache--;
    entry_free(e);
}

/* Slots never move: an entry is used while its key is set, so each key has
 * one owner. */
static void texcache_evict_one(render *rd)
{
    texcache_entry *lru = NULL;
    for (size_t i = 0; i < CACHE_MAX_ENTRIES; i++) {
        texcache_entry *e = &rd->cache[i];
        if (e->key && (!lru || e->used < lru->used))
            lru = e;
    }
    if (lru)
        texcache_drop(rd, lru);
}

static texcache_entry *texcache_find(render *rd, const char *key, size_t n, uint64_t h)
{
    for (size_t i = 0; i < CACHE_MAX_ENTRIES; i++) {
        texcache_entry *e = &rd->cache[i];
        if (e->key && e->hash == h && e->key_len == n && memcmp(e->key, key, n) == 0) {
            e->used = ++rd->tick;
            return e;
        }
    }
    return NULL;
}

size_t render_cache_cap(const render *rd)
{
    int w = 0, h = 0;
    if (SDL_GetRendererOutputSize(rd->r, &w, &h) != 0 || w <= 0 || h <= 0)
        return CACHE_MIN_BYTES;
    return (size_t)CACHE_SCREENS * (size_t)w * (size_t)h;
}

/* The alpha of an ARGB8888 surface, w * h bytes. */
static Uint8 *coverage_of(SDL_Surface *s)
{
    Uint8 *a = xmalloc((size_t)s->w * (size_t)s->h);
    if (SDL_MUSTLOCK(s))
        SDL_LockSurface(s);
    for (int y = 0; y < s->h; y++) {
        const Uint32 *row =
            (const Uint32 *)((const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch);
        Uint8 *out = a + (size_t)y * (size_t)s->w;
        for (int x = 0; x < s->w; x++)
            out[x] = (Uint8)(row[x] >> 24);
    }
    if (SDL_MUSTLOCK(s))
        SDL_UnlockSurface(s);
    return a;
}

/* The software renderer: the lines no part of the slide just drawn used go
 * (the screen keeps the slide; a minute's redraw finds its own lines), and
 * their memory back to the system: the next slide's lines are drawn from
 * the font (bench_render: 5.8 ms a page against 5.1 from the cache), for a
 * cache of one slide instead of two screens' worth. */
static void lines_of_other_slides_drop(render *rd)
{
    bool dropped = false;
    for (size_t i = 0; i < CACHE_MAX_ENTRIES; i++) {
        texcache_entry *e = &rd->cache[i];
        if (e->key && e->alpha && e->used <= rd->slide_tick) {
            texcache_drop(rd, e);
            dropped = true;
        }
    }
    if (dropped)
        util_return_free_memory();
}

/* Keeps s under key: its coverage (a line), or as a texture (as_texture:
 * drawn every frame, or not text). The least recently used go first when
 * the cap would be passed. */
static texcache_entry *texcache_put(render *rd, const char *key, size_t n, uint64_t h,
                                    SDL_Surface *s, bool as_texture)
{
    size_t bytes = (size_t)s->w * (size_t)s->h * (as_texture ? 4 : 1);
    size_t cap = render_cache_cap(rd);
    while (rd->n_cache > 0 &&
           (rd->n_cache >= CACHE_MAX_ENTRIES || rd->cache_bytes + bytes > cap))
        texcache_evict_one(rd);
    SDL_Texture *tex = NULL;
    if (as_texture && !(tex = SDL_CreateTextureFromSurface(rd->r, s))) {
        LOG_WARN("texture of %dx%d failed: %s", s->w, s->h, SDL_GetError());
        return NULL;
    }
    texcache_entry *e = rd->cache, *end = rd->cache + CACHE_MAX_ENTRIES;
    while (e < end && e->key) /* a free slot: the loop above left one */
        e++;
    if (e == end) {
        if (tex)
            SDL_DestroyTexture(tex);
        return NULL;
    }
    rd->n_cache++;
    e->hash = h;
    e->key = xstrndup(key, n);
    e->key_len = n;
    e->tex = tex;
    e->alpha = as_texture ? NULL : coverage_of(s);
    e->tint = (SDL_Color){0xff, 0xff, 0xff, 0xff};
    e->w = s->w;
    e->h = s->h;
    e->bytes = bytes;
    e->used = ++rd->tick;
    rd->cache_bytes += bytes;
    return e;
}

/* Length in bytes of the unit starting at s: one wide character
 * (text_is_wide) with any combining marks after it, or a run of other
 * non-space characters. */
static size_t next_unit(const char *s, size_t n, bool *is_space)
{
    *is_space = s[0] == ' ';
    if (*is_space)
        return 1;
    size_t i = 0;
    bool wide_run = false;
    while (i < n && s[i] != ' ') {
        uint32_t cp;
        size_t len = text_utf8_next(s + i, n - i, &cp);
        bool mark = text_is_mark(cp);
        bool wide = text_is_wide(cp); /* CJK: one unit each */
        if (i > 0 && !mark && (wide || wide_run))
            break;
        if (!mark)
            wide_run = wide;
        i += len;
    }
    return i;
}

/* Justification (clreq 3.5.4): gaps before a unit, by priority. */
enum { GAP_NONE, GAP_WORD, GAP_HAN_LATIN, GAP_CHAR, GAP_KINDS };

/* Latin, Greek or Cyrillic letters and ASCII digits: the side of a
 * Han–Latin gap that is not Chinese. */
static bool is_western(uint32_t cp)
{
    return (cp < 0x80 && ((cp | 0x20) - 'a' < 26 || cp - '0' < 10)) ||
           (cp >= 0xC0 && cp < 0x530);
}

/* Opening marks (no gap after them) and closing ones (no gap before). */
static bool opens(uint32_t cp)
{
    return cp == 0x201C || cp == 0x2018 || cp == 0xFF08 || cp == 0x300A || cp == 0x300C ||
           cp == 0x300E || cp == 0x3010 || cp == 0x3014;
}

static bool closes(uint32_t cp)
{
    return cp == 0x201D || cp == 0x2019 || cp == 0xFF09 || cp == 0x300B || cp == 0x300D ||
           cp == 0x300F || cp == 0x3011 || cp == 0x3015;
}

/* The kind of gap between units whose code points meet there (a ends one
 * unit, b starts the next; a space unit is ' '): after a word space first,
 * then between Han and Latin, then between characters; never before a
 * space, after an opening mark or before a closing one, nor inside one
 * non-wide unit (a Latin word, "——", "……": each is one unit). */
static int gap_kind(uint32_t a, uint32_t b)
{
    if (b == ' ' || opens(a) || closes(b))
        return GAP_NONE;
    if (a == ' ')
        return GAP_WORD;
    return is_western(a) != is_western(b) ? GAP_HAN_LATIN : GAP_CHAR;
}

/* Extra pixels per gap, in priority order: each kind up to its maximum
 * (word spaces half an em, Han–Latin a quarter, characters half), then
 * what is left evenly over every gap, so no line in a paragraph's middle
 * stays ragged. false when even that would open gaps wider than an em. */
static bool spread(const int *kind, int n, int extra, int px, int *add)
{
    static const int max_of[GAP_KINDS] = {0, 2, 4, 2}; /* em / max_of */
    int count[GAP_KINDS] = {0}, total = 0;
    for (int k = 0; k < n; k++) {
        add[k] = 0;
        count[kind[k]]++;
    }
    for (int g = GAP_WORD; g < GAP_KINDS; g++)
        total += count[g];
    if (total == 0 || extra > total * px)
        return false;
    for (int g = GAP_WORD; g <= GAP_KINDS; g++) {
        int n_g = g < GAP_KINDS ? count[g] : total;
        if (n_g == 0 || extra <= 0)
            continue;
        int take =
            g < GAP_KINDS && extra > n_g * px / max_of[g] ? n_g * px / max_of[g] : extra;
        for (int k = 0, j = 0; k < n; k++) {
            if (kind[k] == GAP_NONE || (g < GAP_KINDS && kind[k] != g))
                continue;
            add[k] += (int)((long)take * (j + 1) / n_g - (long)take * j / n_g);
            j++;
        }
        extra -= take;
    }
    return true;
}

enum { STYLE_REGULAR, STYLE_BOLD, STYLE_MONO };
enum { STYLE_TEXTURE = 8 }; /* with a style: kept as a texture (the ticker) */

/* A line's units (next_unit) and the kind of gap before each; the count. */
static size_t unit_kinds(const char *text, size_t n, int **kind)
{
    size_t units = 0;
    bool sp;
    for (size_t i = 0; i < n; i += next_unit(text + i, n - i, &sp))
        units++;
    *kind = xmalloc((units ? units : 1) * sizeof **kind);
    uint32_t prev = 0;
    size_t u = 0;
    for (size_t i = 0, len; i < n; i += len, u++) {
        uint32_t cp;
        len = next_unit(text + i, n - i, &sp);
        text_utf8_next(text + i, n - i, &cp);
        (*kind)[u] = u == 0 ? GAP_NONE : gap_kind(prev, cp);
        size_t last = i + len - 1; /* the unit's last code point */
        while (last > i && ((unsigned char)text[last] & 0xC0) == 0x80)
            last--;
        text_utf8_next(text + last, n - last, &prev);
    }
    return units;
}

/* Moves columns [x0, x1) of every row of s right by shift (in place), and
 * clears the columns [clear0, clear1). */
static void move_columns(SDL_Surface *s, int x0, int x1, int shift, int clear0,
                         int clear1)
{
    for (int y = 0; y < s->h; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch);
        if (x1 > x0 && shift > 0)
            memmove(row + x0 + shift, row + x0, (size_t)(x1 - x0) * sizeof *row);
        if (clear1 > clear0)
            memset(row + clear0, 0, (size_t)(clear1 - clear0) * sizeof *row);
    }
}

/* Spreads the line drawn at the left of s (line_w wide; s is target wide)
 * over the whole of s, in place: each unit's slice of the line
 * (fonts_positions) moves right by the gaps before it (add), the last
 * first, and the gaps opened are cleared. */
static void justify_in_place(render *rd, SDL_Surface *s, const char *text, size_t n,
                             int px, bool bold, int line_w, const int *add)
{
    int *x = xmalloc((n + 1) * sizeof *x);
    fonts_positions(rd->fonts, text, n, px, bold, x);
    size_t units = 0;
    bool sp;
    for (size_t i = 0; i < n; i += next_unit(text + i, n - i, &sp))
        units++;
    size_t *start = xmalloc((units + 1) * sizeof *start);
    int *shift = xmalloc((units + 1) * sizeof *shift);
    size_t u = 0;
    for (size_t i = 0; i < n; i += next_unit(text + i, n - i, &sp), u++) {
        start[u] = i;
        shift[u] = (u > 0 ? shift[u - 1] : 0) + add[u];
    }
    start[units] = n;
    if (SDL_MUSTLOCK(s))
        SDL_LockSurface(s);
    move_columns(s, 0, 0, 0, line_w, s->w); /* clear right of the line */
    for (size_t k = units; k-- > 0;) {
        int x0 = x[start[k]] < line_w ? x[start[k]] : line_w;
        int x1 = k + 1 < units && x[start[k + 1]] < line_w ? x[start[k + 1]] : line_w;
        int gap0 = x0 + (k > 0 ? shift[k - 1] : 0); /* the gap opened before it */
        move_columns(s, x0, x1, shift[k], gap0, gap0 + add[k]);
    }
    if (SDL_MUSTLOCK(s))
        SDL_UnlockSurface(s);
    free(start);
    free(shift);
    free(x);
}

/* The coverage of a line (white, tinted when drawn), justified to
 * justify_to when that is wider than the line and its gaps allow (spread);
 * one surface, justified in place. */
static SDL_Surface *line_surface(render *rd, const char *text, size_t n, int px,
                                 int style, int justify_to)
{
    style &= ~STYLE_TEXTURE;
    bool bold = style == STYLE_BOLD, mono = style == STYLE_MONO;
    int line_w = justify_to > 0 && !mono ? fonts_width(rd->fonts, text, n, px, bold) : 0;
    int *kind = NULL, *add = NULL;
    bool spread_ok = false;
    if (line_w > 0 && justify_to > line_w) {
        size_t units = unit_kinds(text, n, &kind);
        add = xmalloc((units ? units : 1) * sizeof *add);
        spread_ok = units >= 2 && spread(kind, (int)units, justify_to - line_w, px, add);
    }
    SDL_Surface *s = fonts_render_coverage(rd->fonts, text, n, px, bold, mono,
                                           spread_ok ? justify_to : 0);
    if (s && spread_ok && s->w == justify_to)
        justify_in_place(rd, s, text, n, px, bold, line_w, add);
    free(kind);
    free(add);
    return s;
}

/* One line of text, from the cache when it was drawn before, tinted c for
 * the draw that follows (entry_copy): the cache holds the line's coverage,
 * so the same line in another colour is the same entry. style:
 * STYLE_REGULAR or STYLE_BOLD (= bold), or STYLE_MONO; with STYLE_TEXTURE
 * kept as a white texture, tinted by SDL's colour mod. */
static texcache_entry *text_texture(render *rd, const char *text, int px, int style,
                                    SDL_Color c, int justify_to)
{
    size_t tn = strlen(text);
    if (tn == 0)
        return NULL;
    char head[64];
    int hn =
        snprintf(head, sizeof head, "%d|%d|%d|%d|", rd->variant, px, style, justify_to);
    size_t n = (size_t)hn + tn;
    char *key = xmalloc(n + 1);
    memcpy(key, head, (size_t)hn);
    memcpy(key + hn, text, tn + 1);
    uint64_t h = hash_bytes(key, n);
    texcache_entry *e = texcache_find(rd, key, n, h);
    if (!e) {
        SDL_Surface *s = line_surface(rd, text, tn, px, style, justify_to);
        if (s) {
            e = texcache_put(rd, key, n, h, s, (style & STYLE_TEXTURE) != 0);
            SDL_FreeSurface(s);
        }
    }
    free(key);
    if (e)
        e->tint = c;
    if (e && e->tex) {
        SDL_SetTextureColorMod(e->tex, c.r, c.g, c.b);
        SDL_SetTextureAlphaMod(e->tex, c.a);
    }
    return e;
}

/* The scratch texture, made when first needed; NULL when it cannot be. */
static SDL_Texture *scratch(render *rd)
{
    if (!rd->scratch) {
        rd->scratch =
            SDL_CreateTexture(rd->r, SDL_PIXELFORMAT_ARGB8888,
                              SDL_TEXTUREACCESS_STREAMING, SCRATCH_W, SCRATCH_H);
        if (!rd->scratch)
            LOG_WARN("no scratch texture (%s): text is not drawn", SDL_GetError());
        else
            SDL_SetTextureBlendMode(rd->scratch, SDL_BLENDMODE_BLEND);
    }
    return rd->scratch;
}

/* Draws the tile (x, y, w, h) of coverage a (a_w wide) at dst's (x, y)
 * offset, in colour c: the pixels a line texture of that colour had. */
static void tile_copy(render *rd, SDL_Texture *t, const Uint8 *a, int a_w,
                      const SDL_Rect *tile, const SDL_Rect *dst, SDL_Color c)
{
    SDL_Rect src = {0, 0, tile->w, tile->h};
    void *pixels;
    int pitch;
    if (SDL_LockTexture(t, &src, &pixels, &pitch) != 0)
        return;
    Uint32 rgb = (Uint32)c.r << 16 | (Uint32)c.g << 8 | c.b;
    for (int y = 0; y < tile->h; y++) {
        const Uint8 *in = a + (size_t)(tile->y + y) * (size_t)a_w + (size_t)tile->x;
        Uint32 *out = (Uint32 *)((Uint8 *)pixels + (size_t)y * (size_t)pitch);
        for (int x = 0; x < tile->w; x++) {
            Uint32 alpha = c.a == 0xff ? in[x] : (Uint32)in[x] * c.a / 0xff;
            out[x] = alpha << 24 | rgb;
        }
    }
    SDL_UnlockTexture(t);
    SDL_Rect to = {dst->x + tile->x, dst->y + tile->y, tile->w, tile->h};
    SDL_RenderCopy(rd->r, t, &src, &to);
}

/* Draws an entry at dst (its own size): a texture as it is, a line's
 * coverage tinted (e->tint) tile by tile through the scratch texture. */
static void entry_copy(render *rd, const texcache_entry *e, const SDL_Rect *dst)
{
    if (e->tex) {
        SDL_RenderCopy(rd->r, e->tex, NULL, dst);
        return;
    }
    SDL_Texture *t = scratch(rd);
    if (!t || !e->alpha)
        return;
    for (int y = 0; y < e->h; y += SCRATCH_H)
        for (int x = 0; x < e->w; x += SCRATCH_W) {
            SDL_Rect tile = {x, y, e->w - x < SCRATCH_W ? e->w - x : SCRATCH_W,
                             e->h - y < SCRATCH_H ? e->h - y : SCRATCH_H};
            tile_copy(rd, t, e->alpha, e->w, &tile, dst, e->tint);
        }
}

typedef enum { ALIGN_LEFT, ALIGN_RIGHT, ALIGN_CENTER } align;

/* Draws text in a line box of height line_h whose left, right or centre is
 * at x; returns the drawn width. */
static int draw_entry(render *rd, const texcache_entry *e, int x, int y, int line_h,
                      align a)
{
    if (!e)
        return 0;
    int left = a == ALIGN_LEFT ? x : a == ALIGN_RIGHT ? x - e->w : x - e->w / 2;
    SDL_Rect dst = {left, y + (line_h - e->h) / 2, e->w, e->h};
    entry_copy(rd, e, &dst);
    return e->w;
}

int render_draw_text(render *rd, const char *text, int px, SDL_Color c, int x, int y,
                     int justify_to)
{
    texcache_entry *e = text_texture(rd, text, px, STYLE_REGULAR, c, justify_to);
    if (!e)
        return 0;
    SDL_Rect dst = {x, y, e->w, e->h};
    entry_copy(rd, e, &dst);
    return e->w;
}

static int draw_text(render *rd, const char *text, int px, bool bold, SDL_Color c, int x,
                     int y, int line_h, align a)
{
    return draw_entry(rd, text_texture(rd, text, px, bold, c, 0), x, y, line_h, a);
}

/* The clock's text changes every minute: the texture of the last one goes
 * when the next is made, or a feed unchanged for a day would fill the
 * cache with every minute of it (up to the cap: two screens' worth). */
static int draw_clock(render *rd, const char *clock, int px, bool bold, SDL_Color c,
                      int x, int y, int line_h, align a)
{
    texcache_entry *e = text_texture(rd, clock, px, bold, c, 0);
    texcache_entry *last = rd->clock;
    if (last && last != e && last->key && last->hash == rd->clock_hash)
        texcache_drop(rd, last);
    rd->clock = e;
    rd->clock_hash = e ? e->hash : 0;
    return draw_entry(rd, e, x, y, line_h, a);
}

static void fill(render *rd, SDL_Color c, int x, int y, int w, int h)
{
    SDL_SetRenderDrawColor(rd->r, c.r, c.g, c.b, c.a);
    SDL_Rect rect = {x, y, w, h};
    SDL_RenderFillRect(rd->r, &rect);
}

static void clear(render *rd, SDL_Color c)
{
    SDL_SetRenderDrawColor(rd->r, c.r, c.g, c.b, 0xff);
    SDL_RenderClear(rd->r);
}

/* Draws a surface at (x, y) through a one-entry texture cache: the texture
 * is made again only when `key` differs from the one it was made for.
 * Returns the drawn width. */
static int draw_surface(render *rd, SDL_Surface *s, SDL_Texture **tex,
                        const void **made_for, const void *key, int x, int y)
{
    if (*made_for != key || !*tex) {
        if (*tex)
            SDL_DestroyTexture(*tex);
        *tex = SDL_CreateTextureFromSurface(rd->r, s);
        *made_for = key;
    }
    if (!*tex)
        return 0;
    SDL_Rect dst = {x, y, s->w, s->h};
    SDL_RenderCopy(rd->r, *tex, NULL, &dst);
    return s->w;
}

static int text_w(render *rd, const char *s, int px, bool bold)
{
    return s && *s ? fonts_width(rd->fonts, s, strlen(s), px, bold) : 0;
}

/* The centre's name from x in at most room px: smaller when it is wider,
 * down to half its size, then cut at room. */
static void draw_name(render *rd, int px, SDL_Color c, int x, int y, int h, int room)
{
    const char *name = rd->theme.centre_name;
    int w = text_w(rd, name, px, false);
    if (w <= 0 || room < px)
        return;
    if (w > room)
        px = px * room / w > px / 2 ? px * room / w : px / 2;
    SDL_Rect clip = {x, y, room, h};
    SDL_RenderSetClipRect(rd->r, &clip);
    draw_text(rd, name, px, false, c, x, y, h, ALIGN_LEFT);
    SDL_RenderSetClipRect(rd->r, NULL);
}

/* The header: logo, urgent badge and centre name at the left; the clock at
 * the right, LAYOUT_CLOCK_SCALE times the body size; the date (and the lunar
 * date) at the body size left of the clock, or on a portrait screen in the
 * second row. What does not fit: the name gives up to a quarter of its
 * size for the lunar date (which was asked for), else the lunar date goes;
 * then the name shrinks. */
static void draw_header(render *rd, const layout_frame *fr, const char *clock,
                        const char *day, const char *lunar, SDL_Surface *logo,
                        bool urgent)
{
    const layout_rect *hd = &fr->header;
    SDL_Color fg = rd->theme.foreground, muted = urgent ? fg : rd->theme.muted;
    int px = fr->label_px, row_h = hd->h - fr->date_row, x = hd->x;
    if (logo)
        x += draw_surface(rd, logo, &rd->logo_tex, &rd->logo_key, logo, x,
                          hd->y + (hd->h - logo->h) / 2) +
             px / 2;
    int left = x; /* the date's row starts under the name */
    if (urgent) {
        int bw = text_w(rd, "紧急通知", px, true), pad = px / 2;
        fill(rd, rd->theme.urgent_accent, x, hd->y + row_h / 2 - px * 3 / 4, bw + 2 * pad,
             px * 3 / 2);
        draw_text(rd, "紧急通知", px, true, rd->theme.urgent_background, x + pad, hd->y,
                  row_h, ALIGN_LEFT);
        x += bw + 3 * pad;
    }
    int right = hd->x + hd->w;
    if (clock)
        right -= draw_clock(rd, clock, fr->clock_px, true, fg, right, hd->y, row_h,
                            ALIGN_RIGHT) +
                 px;
    int day_w = text_w(rd, day, px, false), lunar_w = text_w(rd, lunar, px, false);
    if (fr->date_row > 0) { /* portrait: the date's own row */
        int y = hd->y + row_h, dx = left + day_w + (day_w ? px / 2 : 0);
        if (day_w)
            draw_text(rd, day, px, false, muted, left, y, fr->date_row, ALIGN_LEFT);
        if (lunar_w && dx + lunar_w <= hd->x + hd->w)
            draw_text(rd, lunar, px, false, muted, dx, y, fr->date_row, ALIGN_LEFT);
    } else {
        /* The name's room with the lunar date: 3/4 of its width, and never
         * under px (draw_name draws nothing in less: a one-character name). */
        int name_w = text_w(rd, rd->theme.centre_name, px, false);
        int need = name_w <= 0 ? 0 : name_w * 3 / 4 > px ? name_w * 3 / 4 : px;
        if (lunar_w && right - day_w - lunar_w - 3 * px / 2 - x < need)
            lunar_w = 0; /* no room for it beside the name at 3/4 of its size */
        if (lunar_w)
            right -=
                draw_text(rd, lunar, px, false, muted, right, hd->y, row_h, ALIGN_RIGHT) +
                px / 2;
        if (day_w)
            right -=
                draw_text(rd, day, px, false, muted, right, hd->y, row_h, ALIGN_RIGHT) +
                px;
    }
    draw_name(rd, px, muted, x, hd->y, row_h, right - x);
    SDL_Color rule = muted;
    rule.a = 0x50;
    fill(rd, rule, hd->x, hd->y + hd->h, hd->w, hd->h > 60 ? 2 : 1);
}

static void draw_title(render *rd, const layout_item *it, SDL_Color fg, SDL_Color accent)
{
    const layout_rect *t = &it->frame.title;
    int y = t->y, mid = t->x;
    for (int i = 0; i < it->n_title_lines; i++) {
        const layout_line *l = &it->title_lines[i];
        draw_text(rd, l->text, it->title_px, true, fg, t->x + l->indent, y,
                  it->title_line_h, ALIGN_LEFT);
        mid = t->x + l->indent + l->width / 2;
        y += it->title_line_h;
    }
    int thick = it->title_px / 10 > 3 ? it->title_px / 10 : 3;
    int x = it->centred && it->n_title_lines > 0 ? mid - it->title_px : t->x;
    fill(rd, accent, x, y + it->title_px / 4, it->title_px * 2, thick);
}

/* A high item's mark: the badge text on the accent colour. */
static void draw_badge(render *rd, const layout_item *it, SDL_Color ink)
{
    const layout_rect *b = &it->frame.badge;
    if (b->w == 0)
        return;
    fill(rd, rd->theme.accent, b->x, b->y, b->w, b->h);
    int px = (int)(it->title_px * LAYOUT_BADGE_SCALE + 0.5);
    draw_text(rd, LAYOUT_BADGE, px, true, ink, b->x + b->w / 2, b->y, b->h, ALIGN_CENTER);
}

/* The cells of a table row, each at its column. */
static void draw_cells(render *rd, const layout_line *ln, int x, int y, SDL_Color fg)
{
    const char *p = ln->text;
    for (int k = 0; k < ln->n_cells; k++) {
        const char *sep = strchr(p, TEXT_SEP);
        size_t n = sep ? (size_t)(sep - p) : strlen(p);
        char *cell = xstrndup(p, n);
        texcache_entry *e = text_texture(rd, cell, ln->px, STYLE_REGULAR, fg, 0);
        if (e) {
            SDL_Rect dst = {x + ln->cell_x[k], y + (ln->height - e->h) / 2, e->w, e->h};
            entry_copy(rd, e, &dst);
        }
        free(cell);
        if (!sep)
            break;
        p = sep + 1;
    }
}

/* What a line draws besides its text: the rule of an <hr>, a quote's rule
 * at the left (joined to the quote line above), a list item's marker. */
static void draw_marks(render *rd, const layout_line *ln, const layout_rect *b, int y,
                       int gap_above, SDL_Color fg, SDL_Color muted)
{
    int thick = ln->px / 12 > 2 ? ln->px / 12 : 2;
    if (ln->kind == TEXT_RULE)
        fill(rd, muted, b->x + ln->indent, y + (ln->height - thick) / 2,
             b->w - ln->indent, thick);
    if (ln->rule_x >= 0) {
        SDL_Color bar = rd->theme.accent;
        fill(rd, bar, b->x + ln->rule_x, y - gap_above, thick * 2,
             ln->height + gap_above);
    }
    if (ln->mark)
        draw_text(rd, ln->mark, ln->px, false, fg, b->x + ln->mark_x, y, ln->height,
                  ALIGN_LEFT);
}

static void draw_body(render *rd, const layout_item *it, int page, SDL_Color fg,
                      SDL_Color muted)
{
    const layout_page *pg = &it->pages[page];
    const layout_rect *b = &it->frame.body;
    int y = b->y;
    for (int i = pg->first; i < pg->first + pg->count; i++) {
        const layout_line *ln = &it->lines[i];
        bool joined = i > pg->first && ln->rule_x >= 0 && it->lines[i - 1].rule_x >= 0;
        if (i > pg->first)
            y += ln->gap;
        draw_marks(rd, ln, b, y, joined ? ln->gap : 0, fg, muted);
        int style = ln->mono ? STYLE_MONO : ln->bold ? STYLE_BOLD : STYLE_REGULAR;
        int justify_to = ln->justify ? b->w - ln->indent : 0;
        texcache_entry *e = NULL;
        if (ln->n_cells > 0)
            draw_cells(rd, ln, b->x + ln->indent, y, fg);
        else
            e = text_texture(rd, ln->text, ln->px, style, fg, justify_to);
        if (e) {
            SDL_Rect dst = {b->x + ln->indent, y + (ln->height - e->h) / 2, e->w, e->h};
            entry_copy(rd, e, &dst);
        }
        y += ln->height;
    }
}

/* The picture, centred in its box (a photo's also vertically; beside or
 * above the text it keeps to the box's top). A contained picture leaves
 * the rest of the box as it is. */
static void draw_image(render *rd, const render_slide *s)
{
    const layout_rect *box = &s->layout->frame.image;
    if (!s->image || box->w == 0)
        return;
    int y = box->y;
    if (s->layout->kind == TEMPLATE_PHOTO) { /* between header and title */
        const layout_frame *f = &s->layout->frame;
        y = (f->header.y + f->header.h + f->title.y - s->image->h) / 2;
        y = y + s->image->h > box->y + box->h ? box->y + box->h - s->image->h : y;
        y = y < box->y ? box->y : y;
    }
    /* The item identifies the image: its surface is made once per item and
     * screen size, and a new feed or size flushes the textures. */
    draw_surface(rd, s->image, &rd->image_tex, &rd->image_key, s->image_key,
                 box->x + (box->w - s->image->w) / 2, y);
}

/* A contained photo leaves bars: they take the picture's own colours, its
 * middle (of the box's shape) shrunk to AMBIENT_CELLS across and drawn
 * over the box with linear filtering (a blur for free), dimmed. */
#define AMBIENT_CELLS 16
static void draw_ambient(render *rd, const render_slide *s)
{
    const layout_rect *box = &s->layout->frame.image;
    SDL_Surface *img = s->image;
    if (img->w >= box->w && img->h >= box->h)
        return;
    if (rd->ambient_key != s->image_key || !rd->ambient_tex) {
        if (rd->ambient_tex)
            SDL_DestroyTexture(rd->ambient_tex);
        rd->ambient_tex = NULL;
        rd->ambient_key = s->image_key;
        SDL_Rect src = {0, 0, img->w, img->h};
        if ((long)img->w * box->h > (long)img->h * box->w)
            src.w = (int)((long)img->h * box->w / box->h);
        else
            src.h = (int)((long)img->w * box->h / box->w);
        src.x = (img->w - src.w) / 2;
        src.y = (img->h - src.h) / 2;
        int cw = AMBIENT_CELLS, ch = AMBIENT_CELLS * box->h / box->w;
        SDL_Surface *small = SDL_CreateRGBSurfaceWithFormat(0, cw, ch > 1 ? ch : 1, 32,
                                                            SDL_PIXELFORMAT_ARGB8888);
        SDL_BlendMode mode = SDL_BLENDMODE_BLEND;
        SDL_GetSurfaceBlendMode(img, &mode);
        if (small && src.w > 0 && src.h > 0) {
            SDL_SetSurfaceBlendMode(img, SDL_BLENDMODE_NONE);
            if (SDL_BlitScaled(img, &src, small, NULL) == 0)
                rd->ambient_tex = SDL_CreateTextureFromSurface(rd->r, small);
            SDL_SetSurfaceBlendMode(img, mode); /* media's surface, as it was */
        }
        SDL_FreeSurface(small);
        if (rd->ambient_tex) {
            SDL_SetTextureScaleMode(rd->ambient_tex, SDL_ScaleModeLinear);
            SDL_SetTextureColorMod(rd->ambient_tex, 0x70, 0x70, 0x70);
        }
    }
    if (rd->ambient_tex) {
        SDL_Rect dst = {box->x, box->y, box->w, box->h};
        SDL_RenderCopy(rd->r, rd->ambient_tex, NULL, &dst);
    }
}

/* Rows y0..y1 of the scrim, its opacity going from a0 to a1. */
static void scrim_ramp(render *rd, int x, int w, int y0, int y1, int a0, int a1)
{
    for (int y = y0; y < y1; y++) {
        SDL_Color c = scrim;
        c.a = (Uint8)(a0 + (a1 - a0) * (y - y0) / (y1 - y0));
        fill(rd, c, x, y, w, 1);
    }
}

/* A photo's scrims: under the header (solid, then fading out below it)
 * and behind title and body (fading in to the title, solid to the
 * bottom), so the text on them reads over any picture. */
static void draw_scrims(render *rd, const layout_item *it)
{
    const layout_frame *f = &it->frame;
    int W = f->image.w, pad = f->header.y, head_end = f->header.y + f->header.h + pad;
    SDL_Color c = scrim;
    c.a = SCRIM_ALPHA;
    fill(rd, c, 0, 0, W, head_end);
    scrim_ramp(rd, 0, W, head_end, head_end + 4 * pad, SCRIM_ALPHA, 0);
    const layout_rect *b = &f->band;
    int solid = f->title.y - pad > b->y ? f->title.y - pad : b->y;
    scrim_ramp(rd, 0, W, b->y, solid, 0, SCRIM_ALPHA);
    fill(rd, c, 0, solid, W, b->y + b->h - solid);
}

/* Urgent: the band across the screen and the times above the footer. */
static void draw_urgent(render *rd, const render_slide *s, SDL_Color fg)
{
    const layout_frame *f = &s->layout->frame;
    const layout_rect *b = &f->band, *m = &f->meta;
    static const char band_text[] = "紧急通知";
    fill(rd, rd->theme.urgent_accent, b->x, b->y, b->w, b->h);
    draw_text(rd, band_text, b->h * 62 / 100, true, rd->theme.urgent_background,
              b->x + b->w / 2, b->y, b->h, ALIGN_CENTER);
    bool stacked = m->h > m->w / 8; /* portrait: two lines, else one */
    int line_h = stacked ? m->h / 2 : m->h, px = line_h * 60 / 100;
    if (s->issued)
        draw_text(rd, s->issued, px, false, fg, m->x, m->y, line_h, ALIGN_LEFT);
    if (s->ends)
        draw_text(rd, s->ends, px, true, fg, stacked ? m->x : m->x + m->w,
                  stacked ? m->y + line_h : m->y, line_h,
                  stacked ? ALIGN_LEFT : ALIGN_RIGHT);
}

static const SDL_Color qr_light = {0xff, 0xff, 0xff, 0xff};
static const SDL_Color qr_dark = {0x10, 0x10, 0x10, 0xff};

/* The code's modules, mpx pixels each, dark on light: a texture in the
 * cache, keyed by the modules themselves (a new deck's code may sit where
 * an old one was freed). */
static texcache_entry *qr_texture(render *rd, const qr_code *q, int mpx)
{
    size_t cells = (size_t)q->size * (size_t)q->size;
    char head[32];
    int hn = snprintf(head, sizeof head, "qr|%d|%d|", mpx, q->size);
    size_t n = (size_t)hn + cells;
    char *key = xmalloc(n + 1);
    memcpy(key, head, (size_t)hn);
    for (size_t i = 0; i < cells; i++)
        key[(size_t)hn + i] = q->dark[i] ? '1' : '0';
    key[n] = '\0';
    uint64_t h = hash_bytes(key, n);
    texcache_entry *e = texcache_find(rd, key, n, h);
    int side = q->size * mpx;
    SDL_Surface *s =
        e ? NULL
          : SDL_CreateRGBSurfaceWithFormat(0, side, side, 32, SDL_PIXELFORMAT_ARGB8888);
    if (s) {
        SDL_FillRect(s, NULL, SDL_MapRGBA(s->format, 0xff, 0xff, 0xff, 0xff));
        Uint32 dark = SDL_MapRGBA(s->format, qr_dark.r, qr_dark.g, qr_dark.b, 0xff);
        for (int y = 0; y < q->size; y++)
            for (int x = 0; x < q->size; x++)
                if (q->dark[(size_t)y * (size_t)q->size + (size_t)x]) {
                    SDL_Rect m = {x * mpx, y * mpx, mpx, mpx};
                    SDL_FillRect(s, &m, dark);
                }
        e = texcache_put(rd, key, n, h, s, true);
        SDL_FreeSurface(s);
    }
    free(key);
    return e;
}

/* The QR plate on the item's last page: light, the code inside its quiet
 * zone, the caption under it (smaller if it would be wider than the plate). */
static void draw_qr(render *rd, const render_slide *s)
{
    const layout_item *it = s->layout;
    const layout_rect *b = &it->frame.qr;
    if (!s->qr || b->w == 0 || s->page != it->n_pages - 1)
        return;
    int mpx = b->w / (s->qr->size + 2 * QR_QUIET), quiet = QR_QUIET * mpx;
    fill(rd, qr_light, b->x, b->y, b->w, b->h);
    texcache_entry *e = qr_texture(rd, s->qr, mpx);
    if (e) {
        SDL_Rect dst = {b->x + quiet, b->y + quiet, e->w, e->h};
        SDL_RenderCopy(rd->r, e->tex, NULL, &dst);
    }
    const char *cap = rd->theme.qr_caption;
    int line_h = b->h - b->w, px = line_h * 2 / 3, room = b->w - quiet;
    int w = *cap ? fonts_width(rd->fonts, cap, strlen(cap), px, false) : 0;
    if (w > room && w > 0)
        px = px * room / w;
    if (*cap && px >= 6)
        draw_text(rd, cap, px, false, qr_dark, b->x + b->w / 2, b->y + b->w - quiet / 4,
                  line_h, ALIGN_CENTER);
}

static void draw_footer(render *rd, const render_slide *s, SDL_Color accent,
                        SDL_Color muted)
{
    const layout_item *it = s->layout;
    const layout_rect *f = &it->frame.footer;
    int px = f->h * 44 / 100;
    if (s->date)
        draw_text(rd, s->date, px, false, muted, f->x, f->y, f->h, ALIGN_LEFT);
    if (it->n_pages < 2)
        return;
    char mark[32];
    snprintf(mark, sizeof mark, "%d / %d", s->page + 1, it->n_pages);
    int w = draw_text(rd, mark, px, false, muted, f->x + f->w, f->y, f->h, ALIGN_RIGHT);
    /* A quiet track showing how far through the item this page is, clear
     * of a ticker's strip (the left 70%). */
    int end = f->x + f->w - w - px, tx = end - f->w / 5;
    if (tx < f->x + f->w * 3 / 4)
        tx = f->x + f->w * 3 / 4;
    int track_w = end - tx, track_h = f->h > 60 ? 4 : 2, ty = f->y + (f->h - track_h) / 2;
    if (track_w <= 0)
        return;
    SDL_Color dim = muted;
    dim.a = 0x60;
    fill(rd, dim, tx, ty, track_w, track_h);
    fill(rd, accent, tx, ty, track_w * (s->page + 1) / it->n_pages, track_h);
}

void render_draw_slide(render *rd, const render_slide *s)
{
    const layout_item *it = s->layout;
    template_kind kind = it->kind;
    bool urgent = kind == TEMPLATE_URGENT, photo = kind == TEMPLATE_PHOTO;
    const render_theme *th = &rd->theme;
    SDL_Color bg = urgent ? th->urgent_background : photo ? scrim : th->background;
    SDL_Color fg = urgent ? th->urgent_foreground : photo ? photo_fg : th->foreground;
    SDL_Color muted = urgent ? th->urgent_muted : photo ? photo_muted : th->muted;
    SDL_Color accent = urgent ? th->urgent_accent : th->accent;
    rd->band_bg = bg; /* the ticker's band on this slide */
    rd->band_fg = fg;
    rd->slide_tick = rd->tick;
    clear(rd, bg);
    if (photo && s->image) {
        draw_ambient(rd, s);
        draw_image(rd, s);
    }
    if (photo)
        draw_scrims(rd, it);
    /* The header as every slide has it, in this template's colours. */
    render_theme theme = rd->theme;
    rd->theme.foreground = fg;
    rd->theme.muted = muted;
    rd->variant = fonts_use_language(rd->fonts, NULL);
    draw_header(rd, &it->frame, s->clock, s->day, s->lunar, s->logo, false);
    if (urgent)
        draw_urgent(rd, s, fg);
    rd->variant = fonts_use_language(rd->fonts, it->language); /* the item's faces */
    draw_title(rd, it, fg, accent);
    int page = s->page < 0 ? 0 : s->page >= it->n_pages ? it->n_pages - 1 : s->page;
    draw_body(rd, it, page, fg, muted);
    rd->variant = fonts_use_language(rd->fonts, NULL);
    draw_badge(rd, it, photo ? scrim : theme.background);
    if (!photo)
        draw_image(rd, s);
    render_slide fs = *s;
    fs.page = page;
    draw_qr(rd, &fs);
    draw_footer(rd, &fs, accent, muted);
    rd->theme = theme;
    /* The software renderer's texture is a second copy of the decoded
     * picture in memory (2 MB for a 900x1200 one), and a slide is drawn
     * once a page (the screen keeps it): the copy goes once drawn and is
     * made again from the picture the next time. */
    if (rd->software) {
        image_texture_drop(rd);
        lines_of_other_slides_drop(rd);
    }
}

/* px, or smaller (6 at least) so that text is at most room wide. */
static int fit_px(render *rd, const char *text, int px, bool bold, int room)
{
    int w = text_w(rd, text, px, bold);
    int fit = w > room && w > 0 ? (int)((long)px * room / w) : px;
    return fit < 6 ? 6 : fit;
}

void render_draw_waiting(render *rd, int w, int h, const render_waiting *wt)
{
    SDL_Color fg = rd->theme.foreground, muted = rd->theme.muted;
    clear(rd, rd->theme.background);
    rd->band_bg = rd->theme.background;
    rd->band_fg = fg;
    rd->variant = fonts_use_language(rd->fonts, NULL);
    int unit = h / 12, cy = h / 2, room = w * 9 / 10;
    /* The name, date and status at the body size at least: read from as
     * far as a slide; the clock far larger. Each fits the width. */
    int px = wt->label_px > 6 ? wt->label_px : 6;
    if (px > unit * 8 / 10)
        px = unit * 8 / 10;
    const char *name = rd->theme.centre_name;
    draw_text(rd, name, fit_px(rd, name, px * 6 / 5, true, room), true, fg, w / 2,
              cy - unit * 3, unit, ALIGN_CENTER);
    if (wt->clock)
        draw_clock(rd, wt->clock, fit_px(rd, wt->clock, unit * 2, false, room), false, fg,
                   w / 2, cy - unit * 3 / 2, unit * 3, ALIGN_CENTER);
    char date[192];
    snprintf(date, sizeof date, "%s%s%s", wt->day ? wt->day : "",
             wt->day && wt->lunar ? "\xE3\x80\x80" : "", wt->lunar ? wt->lunar : "");
    if (text_w(rd, date, px, false) > room) /* no room for the lunar date */
        snprintf(date, sizeof date, "%s", wt->day ? wt->day : "");
    if (date[0])
        draw_text(rd, date, fit_px(rd, date, px, false, room), false, muted, w / 2,
                  cy + unit * 3 / 2, unit, ALIGN_CENTER);
    fill(rd, rd->theme.accent, w / 2 - unit, cy + unit * 11 / 4, unit * 2,
         unit / 16 > 2 ? unit / 16 : 2);
    if (wt->status)
        draw_text(rd, wt->status, fit_px(rd, wt->status, px, false, room), false, muted,
                  w / 2, cy + unit * 3, unit, ALIGN_CENTER);
}

void render_draw_off(render *rd)
{
    clear(rd, (SDL_Color){0, 0, 0, 0xff});
    rd->band_bg = (SDL_Color){0, 0, 0, 0xff};
    rd->band_fg = rd->theme.muted;
}

void render_logical_size(int rotation, int *w, int *h)
{
    if (rotation == 90 || rotation == 270) {
        int t = *w;
        *w = *h;
        *h = t;
    }
}

/* The output's rectangle that a rectangle of the page covers once the page
 * is turned (clockwise, about the output's centre). */
static SDL_Rect out_rect(const render *rd, SDL_Rect r)
{
    int W = rd->page_w, H = rd->page_h;
    switch (rd->rotation) {
    case 90:
        return (SDL_Rect){H - r.y - r.h, r.x, r.h, r.w};
    case 180:
        return (SDL_Rect){W - r.x - r.w, H - r.y - r.h, r.w, r.h};
    case 270:
        return (SDL_Rect){r.y, W - r.x - r.w, r.h, r.w};
    default:
        return r;
    }
}

/* Copies src of t to dst on the page's plane: turned onto the output. */
static void put(render *rd, SDL_Texture *t, const SDL_Rect *src, SDL_Rect dst)
{
    if (rd->rotation == 0) {
        SDL_RenderCopy(rd->r, t, src, &dst);
        return;
    }
    /* The output's box of dst, and the unturned rectangle with its centre:
     * SDL turns a copy about its destination's centre. */
    SDL_Rect o = out_rect(rd, dst);
    SDL_FRect f = {(float)o.x + (float)(o.w - dst.w) / 2.0f,
                   (float)o.y + (float)(o.h - dst.h) / 2.0f, (float)dst.w, (float)dst.h};
    SDL_RenderCopyExF(rd->r, t, src, &f, rd->rotation, NULL, SDL_FLIP_NONE);
}

/* Copies src of a page already turned (render_page_end) to dst, both on
 * the upright page's plane. */
static void put_page(render *rd, SDL_Texture *t, const SDL_Rect *src, SDL_Rect dst)
{
    SDL_Rect o = out_rect(rd, dst), so = src ? out_rect(rd, *src) : (SDL_Rect){0};
    SDL_RenderCopy(rd->r, t, src ? &so : NULL, &o);
}

static void fill_out(render *rd, SDL_Color c, SDL_Rect r)
{
    SDL_Rect o = out_rect(rd, r);
    SDL_SetRenderDrawColor(rd->r, c.r, c.g, c.b, c.a);
    SDL_RenderFillRect(rd->r, &o);
}

void render_set_rotation(render *rd, int degrees)
{
    int d = degrees == 90 || degrees == 180 || degrees == 270 ? degrees : 0;
    if (d != rd->rotation)
        render_pages_drop(rd); /* pages of the other shape */
    rd->rotation = d;
}

/* The next frame is composed whole (a new page, size, reset). */
static void whole_again(render *rd)
{
    rd->whole = false;
    rd->band = (SDL_Rect){0};
    rd->presented = (SDL_Rect){0};
}

void render_pages_drop(render *rd)
{
    for (int i = 0; i < 2; i++) {
        if (rd->page[i])
            SDL_DestroyTexture(rd->page[i]);
        rd->page[i] = NULL;
    }
    if (rd->canvas)
        SDL_DestroyTexture(rd->canvas);
    rd->canvas = NULL;
    whole_again(rd);
    rd->on_screen = rd->out_on_screen = false;
}

/* The software renderer draws into the window's own surface, which keeps
 * what was presented: a transition done, the page on screen is freed (a
 * screen's worth of memory); the next fade blends onto the screen, and the
 * next slide's outgoing page is read back from it. NULL when that fails (a
 * cut then). */
static SDL_Texture *page_from_screen(render *rd, int w, int h)
{
    SDL_Texture *t = SDL_CreateTexture(rd->r, SDL_PIXELFORMAT_RGB888,
                                       SDL_TEXTUREACCESS_STREAMING, w, h);
    void *pixels;
    int pitch;
    if (t && SDL_LockTexture(t, NULL, &pixels, &pitch) == 0) {
        bool ok =
            SDL_RenderReadPixels(rd->r, NULL, SDL_PIXELFORMAT_RGB888, pixels, pitch) == 0;
        SDL_UnlockTexture(t);
        if (ok)
            return t;
    }
    LOG_WARN("the screen cannot be read back (%s): this slide comes by a cut",
             SDL_GetError());
    if (t)
        SDL_DestroyTexture(t);
    return NULL;
}

bool render_page_begin(render *rd, bool fresh)
{
    int w, h;
    SDL_SetRenderTarget(rd->r, NULL);
    if (SDL_GetRendererOutputSize(rd->r, &w, &h) != 0 || w <= 0 || h <= 0)
        return false;
    render_logical_size(rd->rotation, &w, &h);
    if (w != rd->page_w || h != rd->page_h) {
        render_pages_drop(rd); /* a new screen size: no transition from the old */
        rd->page_w = w;
        rd->page_h = h;
    }
    whole_again(rd);
    /* The outgoing page is the screen's: a fade blends onto it, a slide
     * reads it back when it starts (render_compose). */
    if (fresh) {
        rd->out_on_screen = !rd->page[rd->cur] && rd->on_screen;
        rd->faded = 0;
    }
    rd->on_screen = false;
    if (fresh && rd->page[rd->cur]) {
        rd->cur ^= 1;
        if (rd->page[rd->cur]) /* a transition cut short: its outgoing page goes */
            SDL_DestroyTexture(rd->page[rd->cur]);
        rd->page[rd->cur] = NULL;
    }
    SDL_Texture **p = &rd->page[rd->cur];
    if (!*p) /* the output's shape: turned, when turned */
        *p = SDL_CreateTexture(rd->r, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_TARGET,
                               rd->rotation % 180 ? h : w, rd->rotation % 180 ? w : h);
    if (*p && rd->rotation && !rd->canvas)
        rd->canvas = SDL_CreateTexture(rd->r, SDL_PIXELFORMAT_RGB888,
                                       SDL_TEXTUREACCESS_TARGET, w, h);
    if (!*p || (rd->rotation && !rd->canvas) ||
        SDL_SetRenderTarget(rd->r, rd->rotation ? rd->canvas : *p) != 0) {
        LOG_WARN("no page texture (%s): slides change by a cut%s", SDL_GetError(),
                 rd->rotation ? ", and are not turned" : "");
        render_pages_drop(rd);
        return false;
    }
    return true;
}

/* The canvas's pixels turned into page[cur] by the CPU, a strip of rows at
 * a time (two strips of memory, not two screens): SDL's software renderer
 * turns a copy through a general path (over 100 ms a 1080p frame); this is
 * done once per page drawn. */
static bool turn_by_cpu(render *rd, SDL_Texture *page)
{
    enum { STRIP = 32 };
    int w = rd->page_w, h = rd->page_h, rot = rd->rotation;
    Uint32 *src = xmalloc((size_t)w * STRIP * 4), *dst = xmalloc((size_t)w * STRIP * 4);
    bool ok = SDL_SetRenderTarget(rd->r, rd->canvas) == 0;
    for (int y0 = 0; ok && y0 < h; y0 += STRIP) {
        SDL_Rect in = {0, y0, w, h - y0 < STRIP ? h - y0 : STRIP};
        SDL_Rect o = out_rect(rd, in); /* where the strip goes on the output */
        ok = SDL_RenderReadPixels(rd->r, &in, SDL_PIXELFORMAT_RGB888, src, w * 4) == 0;
        for (int y = y0; ok && y < y0 + in.h; y++)
            for (int x = 0; x < w; x++) {
                int ox = rot == 90 ? h - 1 - y : rot == 180 ? w - 1 - x : y;
                int oy = rot == 90 ? x : rot == 180 ? h - 1 - y : w - 1 - x;
                dst[(size_t)(oy - o.y) * (size_t)o.w + (size_t)(ox - o.x)] =
                    src[(size_t)(y - y0) * (size_t)w + (size_t)x];
            }
        ok = ok && SDL_UpdateTexture(page, &o, dst, o.w * 4) == 0;
    }
    free(src);
    free(dst);
    return ok;
}

/* The canvas turned into page[cur] by the renderer (a GPU's: one copy). */
static bool turn_by_copy(render *rd, SDL_Texture *page)
{
    SDL_Rect o = out_rect(rd, (SDL_Rect){0, 0, rd->page_w, rd->page_h});
    SDL_FRect f = {(float)(o.w - rd->page_w) / 2.0f, (float)(o.h - rd->page_h) / 2.0f,
                   (float)rd->page_w, (float)rd->page_h};
    SDL_SetTextureBlendMode(rd->canvas, SDL_BLENDMODE_NONE);
    return SDL_SetRenderTarget(rd->r, page) == 0 &&
           SDL_RenderCopyExF(rd->r, rd->canvas, NULL, &f, rd->rotation, NULL,
                             SDL_FLIP_NONE) == 0;
}

void render_page_end(render *rd)
{
    SDL_Texture *page = rd->page[rd->cur];
    if (rd->rotation && rd->canvas && page) {
        /* test hook SIGNAGE_TEST_TURN_BY_COPY: the GPU's way on any renderer */
        bool ok = rd->software && !getenv("SIGNAGE_TEST_TURN_BY_COPY")
                      ? turn_by_cpu(rd, page)
                      : turn_by_copy(rd, page);
        if (!ok)
            LOG_WARN("turning the page: %s", SDL_GetError());
        SDL_DestroyTexture(rd->canvas); /* a screen of memory, until the next page */
        rd->canvas = NULL;
    }
    SDL_SetRenderTarget(rd->r, NULL);
}

/* The page alone. With the output still holding it whole from the last
 * frame (and a renderer that keeps its pixels), only the ticker's band is
 * copied again: a moving ticker costs its band, not the screen. */
static void compose_page(render *rd, SDL_Texture *in)
{
    SDL_SetTextureBlendMode(in, SDL_BLENDMODE_NONE);
    SDL_SetTextureAlphaMod(in, 255);
    if (rd->whole && rd->partial_ok && rd->band.w > 0) {
        put_page(rd, in, &rd->band, rd->band);
        rd->presented = out_rect(rd, rd->band);
        return;
    }
    put_page(rd, in, NULL, (SDL_Rect){0, 0, rd->page_w, rd->page_h});
    rd->whole = true;
    rd->presented = (SDL_Rect){0};
}

/* A fade on the software renderer without the outgoing page: the screen
 * holds out * (1 - a0) + in * a0 (a0 = rd->faded); drawing the incoming
 * page over it at b = 1 - (1 - a1) / (1 - a0) makes it out * (1 - a1) +
 * in * a1. One page in memory instead of two (8 MB at 1080p), and one
 * blend a frame instead of a copy and a blend. */
static void fade_onto_screen(render *rd, SDL_Texture *in, int alpha)
{
    int a0 = rd->faded, a1 = alpha < a0 ? a0 : alpha;
    int b = 255 - (int)(((long)(255 - a1) * 255 + (255 - a0) / 2) / (255 - a0));
    rd->whole = false;
    if (b <= 0)
        return;
    SDL_SetTextureBlendMode(in, SDL_BLENDMODE_BLEND);
    SDL_SetTextureAlphaMod(in, (Uint8)(b > 255 ? 255 : b));
    put_page(rd, in, NULL, (SDL_Rect){0, 0, rd->page_w, rd->page_h});
    SDL_SetTextureAlphaMod(in, 255);
    rd->faded = a1;
}

void render_compose(render *rd, const transition_frame *f)
{
    SDL_Texture *in = rd->page[rd->cur], *out = rd->page[rd->cur ^ 1];
    SDL_SetRenderTarget(rd->r, NULL);
    rd->presented = (SDL_Rect){0};
    if (!in) { /* the screen keeps the page (software): the band alone changes */
        if (rd->on_screen && rd->whole && rd->partial_ok && rd->band.w > 0)
            rd->presented = out_rect(rd, rd->band);
        return;
    }
    if (!f->done && !out && rd->out_on_screen) {
        if (f->alpha < 255) {
            fade_onto_screen(rd, in, f->alpha);
            return;
        }
        /* A slide moves the outgoing page: read back while the screen
         * still shows it whole (no fade has drawn on it). */
        if (rd->faded == 0)
            out = rd->page[rd->cur ^ 1] =
                page_from_screen(rd, rd->rotation % 180 ? rd->page_h : rd->page_w,
                                 rd->rotation % 180 ? rd->page_w : rd->page_h);
        rd->out_on_screen = false;
    }
    if (f->done || !out) {
        rd->out_on_screen = false;
        if (out)
            SDL_DestroyTexture(out);
        rd->page[rd->cur ^ 1] = NULL;
        compose_page(rd, in);
        if (rd->software) { /* the screen keeps it: page_from_screen */
            SDL_DestroyTexture(in);
            rd->page[rd->cur] = NULL;
            rd->on_screen = true;
        }
        return;
    }
    rd->whole = false;
    SDL_SetTextureBlendMode(out, SDL_BLENDMODE_NONE);
    SDL_SetTextureBlendMode(in, SDL_BLENDMODE_NONE);
    SDL_Rect page = {0, 0, rd->page_w, rd->page_h};
    if (f->alpha < 255) { /* fade */
        put_page(rd, out, NULL, page);
        SDL_SetTextureBlendMode(in, SDL_BLENDMODE_BLEND);
        SDL_SetTextureAlphaMod(in, (Uint8)f->alpha);
        put_page(rd, in, NULL, page);
        SDL_SetTextureAlphaMod(in, 255);
        return;
    }
    put_page(rd, out, NULL, (SDL_Rect){f->old_x, f->old_y, rd->page_w, rd->page_h});
    put_page(rd, in, NULL, (SDL_Rect){f->new_x, f->new_y, rd->page_w, rd->page_h});
}

void render_present(render *rd)
{
    SDL_Window *win = SDL_RenderGetWindow(rd->r);
    SDL_Rect p = rd->presented;
    rd->presented = (SDL_Rect){0};
    if (p.w > 0 && win && SDL_RenderFlush(rd->r) == 0 &&
        SDL_UpdateWindowSurfaceRects(win, &p, 1) == 0)
        return;
    SDL_RenderPresent(rd->r);
}

/* i moved back to the start of the character it is in. */
static size_t char_start(const char *s, size_t i)
{
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* Byte length of the longest start of s[0..n) at most max px wide, ending
 * at a character's end; at least one character (a wider one goes alone). */
static size_t strip_fit(render *rd, const char *s, size_t n, int px, int max)
{
    uint32_t cp;
    size_t lo = 0, hi = n; /* the start of lo bytes fits; more than hi do not */
    while (lo < hi) {
        size_t mid = char_start(s, lo + (hi - lo + 1) / 2);
        if (mid <= lo) { /* no character starts there: the one after lo ends */
            mid = lo + text_utf8_next(s + lo, n - lo, &cp);
            if (mid > hi)
                break;
        }
        if (fonts_width(rd->fonts, s, mid, px, false) <= max)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo > 0 ? lo : text_utf8_next(s, n, &cp);
}

/* rd->strip for text at px: pieces no wider than the renderer's texture
 * cap; what does not fit in STRIP_MAX_PIECES is cut at a character. */
static const render_strip *strip_for(render *rd, const char *text, int px)
{
    render_strip *st = &rd->strip;
    if (st->text && st->px == px && strcmp(st->text, text) == 0)
        return st;
    strip_clear(st);
    st->text = xstrdup(text);
    st->px = px;
    SDL_RendererInfo info = {0};
    SDL_GetRendererInfo(rd->r, &info);
    int max = info.max_texture_width > 0 && info.max_texture_width < STRIP_MAX_W
                  ? info.max_texture_width
                  : STRIP_MAX_W;
    size_t n = strlen(text), at = 0;
    while (at < n && st->n < STRIP_MAX_PIECES) {
        size_t len = strip_fit(rd, text + at, n - at, px, max);
        st->piece[st->n] = xstrndup(text + at, len);
        int w = fonts_width(rd->fonts, text + at, len, px, false);
        st->x[st->n + 1] = st->x[st->n] + w;
        st->n++;
        at += len;
    }
    if (st->n > 1)
        LOG_INFO("ticker text %d px wide: drawn in %d pieces of at most %d px",
                 st->x[st->n], st->n, max);
    if (at < n)
        LOG_WARN("ticker text cut after %zu of %zu bytes (%d pieces of %d px)", at, n,
                 st->n, max);
    return st;
}

void render_draw_ticker(render *rd, const render_ticker_strip *t)
{
    const layout_rect *f = &t->footer;
    SDL_Rect band = {f->x, f->y, f->w * 7 / 10, f->h};
    int px = (int)(f->h * LAYOUT_TICKER_SHARE);
    if (band.w <= 0 || !t->text[0])
        return;
    const render_strip *st = strip_for(rd, t->text, px);
    if (st->n == 0 || st->x[st->n] <= 0)
        return;
    rd->band = band;
    fill_out(rd, rd->band_bg, band);
    ticker_params p = {.zone_w = band.w,
                       .strip_w = st->x[st->n],
                       .gap = px * 4,
                       .speed = t->speed,
                       .start = t->start};
    int period = ticker_period(&p);
    SDL_Rect clip = out_rect(rd, band);
    SDL_RenderSetClipRect(rd->r, &clip);
    for (int x = ticker_x(&p, t->now); x < band.w; x += period)
        for (int k = 0; k < st->n; k++) {
            int x0 = x + st->x[k], x1 = x + st->x[k + 1];
            if (x1 <= 0 || x0 >= band.w)
                continue; /* off the band: its texture is not needed now */
            texcache_entry *e = text_texture(
                rd, st->piece[k], px, STYLE_REGULAR | STYLE_TEXTURE, rd->band_fg, 0);
            if (!e)
                continue;
            /* only the part inside the band: a turned copy costs its size */
            int v0 = x0 > 0 ? x0 : 0, v1 = x0 + e->w < band.w ? x0 + e->w : band.w;
            SDL_Rect src = {v0 - x0, 0, v1 - v0, e->h};
            if (src.w > 0)
                put(rd, e->tex, &src,
                    (SDL_Rect){band.x + v0, band.y + (band.h - e->h) / 2, src.w, e->h});
        }
    SDL_RenderSetClipRect(rd->r, NULL);
}

void render_lose_for_test(render *rd)
{
    for (int i = 0; i < 2; i++)
        if (rd->page[i] && SDL_SetRenderTarget(rd->r, rd->page[i]) == 0) {
            SDL_SetRenderDrawColor(rd->r, 0, 0, 0, 0xff);
            SDL_RenderClear(rd->r);
        }
    SDL_SetRenderTarget(rd->r, NULL);
    for (size_t i = 0; i < CACHE_MAX_ENTRIES; i++)
        if (rd->cache[i].key)
            SDL_SetTextureColorMod(rd->cache[i].tex, 0, 0, 0);
    if (rd->image_tex)
        SDL_SetTextureColorMod(rd->image_tex, 0, 0, 0);
    if (rd->logo_tex)
        SDL_SetTextureColorMod(rd->logo_tex, 0, 0, 0);
}
