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
    const void *image_key;
    SDL_Texture *image_tex;
    const void *logo_key;
    SDL_Texture *logo_tex;
    texcache_entry *clock; /* the last clock drawn, while clock_hash is its key's */
    uint64_t clock_hash;
    SDL_Texture *page[2]; /* page[cur]: on screen or incoming; the other:
                             outgoing during a transition, else NULL */
    int cur, page_w, page_h;
    int variant;          /* fonts_use_language's, part of a line texture's key */
    SDL_Texture *scratch; /* SCRATCH_W x SCRATCH_H, streaming; made when first used */
    bool software;        /* SDL's software renderer: the screen keeps its pixels */
    bool on_screen; /* software: the page was composed and freed, the screen has it */
};

static const SDL_Color urgent_bg = {0x7d, 0x1d, 0x1d, 0xff};
static const SDL_Color urgent_badge = {0xff, 0xe3, 0x8a, 0xff};

render *render_create(SDL_Renderer *r, fonts *f, const render_theme *theme)
{
    render *rd = xcalloc(1, sizeof *rd);
    rd->r = r;
    rd->fonts = f;
    rd->theme = *theme;
    rd->cache = xcalloc(CACHE_MAX_ENTRIES, sizeof *rd->cache);
    SDL_RendererInfo info;
    rd->software =
        SDL_GetRendererInfo(r, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
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

void render_flush(render *rd)
{
    for (size_t i = 0; i < CACHE_MAX_ENTRIES; i++)
        entry_free(&rd->cache[i]);
    rd->n_cache = 0;
    rd->cache_bytes = 0;
    rd->clock = NULL;
    if (rd->image_tex)
        SDL_DestroyTexture(rd->image_tex);
    rd->image_tex = NULL;
    rd->image_key = NULL;
    if (rd->logo_tex)
        SDL_DestroyTexture(rd->logo_tex);
    rd->logo_tex = NULL;
    rd->logo_key = NULL;
}

void render_destroy(render *rd)
{
    if (!rd)
        return;
    render_flush(rd);
    render_pages_drop(rd);
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
    return rd->n_cache + (rd->image_tex != NULL) + (rd->logo_tex != NULL);
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

static void draw_header(render *rd, const layout_rect *hd, const char *clock,
                        const char *day, SDL_Surface *logo, bool urgent)
{
    SDL_Color fg = rd->theme.foreground, muted = rd->theme.muted;
    int px = hd->h * 40 / 100;
    int x = hd->x;
    if (logo)
        x += draw_surface(rd, logo, &rd->logo_tex, &rd->logo_key, logo, x,
                          hd->y + (hd->h - logo->h) / 2) +
             px / 2;
    if (urgent) {
        int bw = fonts_width(rd->fonts, "紧急通知", strlen("紧急通知"), px, true);
        int pad = px / 2;
        fill(rd, urgent_badge, x, hd->y + hd->h / 2 - px * 3 / 4, bw + 2 * pad,
             px * 3 / 2);
        draw_text(rd, "紧急通知", px, true, urgent_bg, x + pad, hd->y, hd->h, ALIGN_LEFT);
        x += bw + 3 * pad;
    }
    draw_text(rd, rd->theme.centre_name, px, false, urgent ? fg : muted, x, hd->y, hd->h,
              ALIGN_LEFT);
    int right = hd->x + hd->w;
    if (clock) {
        int w =
            draw_clock(rd, clock, px * 5 / 4, true, fg, right, hd->y, hd->h, ALIGN_RIGHT);
        right -= w + px;
    }
    if (day)
        draw_text(rd, day, px, false, urgent ? fg : muted, right, hd->y, hd->h,
                  ALIGN_RIGHT);
    SDL_Color rule = urgent ? fg : muted;
    rule.a = 0x50;
    fill(rd, rule, hd->x, hd->y + hd->h, hd->w, hd->h > 60 ? 2 : 1);
}

static void draw_title(render *rd, const layout_item *it, SDL_Color fg, SDL_Color accent)
{
    const layout_rect *t = &it->frame.title;
    int y = t->y;
    for (int i = 0; i < it->n_title_lines; i++) {
        draw_text(rd, it->title_lines[i].text, it->title_px, true, fg, t->x, y,
                  it->title_line_h, ALIGN_LEFT);
        y += it->title_line_h;
    }
    int thick = it->title_px / 10 > 3 ? it->title_px / 10 : 3;
    fill(rd, accent, t->x, y + it->title_px / 4, it->title_px * 2, thick);
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

static void draw_image(render *rd, const render_slide *s)
{
    const layout_rect *box = &s->layout->frame.image;
    if (!s->image || box->w == 0)
        return;
    /* The item identifies the image: its surface is made once per item and
     * screen size, and a new feed or size flushes the textures. */
    draw_surface(rd, s->image, &rd->image_tex, &rd->image_key, s->image_key,
                 box->x + (box->w - s->image->w) / 2, box->y);
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
    /* A quiet track showing how far through the item this page is. */
    int track_w = f->w / 5, track_h = f->h > 60 ? 4 : 2;
    int tx = f->x + f->w - w - px - track_w, ty = f->y + (f->h - track_h) / 2;
    SDL_Color dim = muted;
    dim.a = 0x60;
    fill(rd, dim, tx, ty, track_w, track_h);
    fill(rd, accent, tx, ty, track_w * (s->page + 1) / it->n_pages, track_h);
}

void render_draw_slide(render *rd, const render_slide *s)
{
    const layout_item *it = s->layout;
    SDL_Color bg = s->urgent ? urgent_bg : rd->theme.background;
    SDL_Color fg = rd->theme.foreground, muted = rd->theme.muted;
    SDL_Color accent = s->urgent ? urgent_badge : rd->theme.accent;
    if (s->urgent)
        muted = fg;
    clear(rd, bg);
    rd->variant = fonts_use_language(rd->fonts, NULL);
    draw_header(rd, &it->frame.header, s->clock, s->day, s->logo, s->urgent);
    rd->variant = fonts_use_language(rd->fonts, it->language); /* the item's faces */
    draw_title(rd, it, fg, accent);
    int page = s->page < 0 ? 0 : s->page >= it->n_pages ? it->n_pages - 1 : s->page;
    draw_body(rd, it, page, fg, muted);
    rd->variant = fonts_use_language(rd->fonts, NULL);
    draw_image(rd, s);
    render_slide fs = *s;
    fs.page = page;
    draw_qr(rd, &fs);
    draw_footer(rd, &fs, accent, muted);
}

void render_draw_waiting(render *rd, int w, int h, const char *clock, const char *day,
                         const char *status)
{
    SDL_Color fg = rd->theme.foreground, muted = rd->theme.muted;
    clear(rd, rd->theme.background);
    rd->variant = fonts_use_language(rd->fonts, NULL);
    int unit = h / 12;
    int cy = h / 2;
    draw_text(rd, rd->theme.centre_name, unit * 6 / 10, true, fg, w / 2, cy - unit * 3,
              unit, ALIGN_CENTER);
    if (clock)
        draw_clock(rd, clock, unit * 2, false, fg, w / 2, cy - unit * 3 / 2, unit * 3,
                   ALIGN_CENTER);
    if (day)
        draw_text(rd, day, unit / 2, false, muted, w / 2, cy + unit * 3 / 2, unit,
                  ALIGN_CENTER);
    fill(rd, rd->theme.accent, w / 2 - unit, cy + unit * 11 / 4, unit * 2,
         unit / 16 > 2 ? unit / 16 : 2);
    if (status)
        draw_text(rd, status, unit * 4 / 10, false, muted, w / 2, cy + unit * 3, unit,
                  ALIGN_CENTER);
}

void render_draw_off(render *rd)
{
    clear(rd, (SDL_Color){0, 0, 0, 0xff});
}

void render_pages_drop(render *rd)
{
    for (int i = 0; i < 2; i++) {
        if (rd->page[i])
            SDL_DestroyTexture(rd->page[i]);
        rd->page[i] = NULL;
    }
    rd->on_screen = false;
}

/* The software renderer draws into the window's own surface, which keeps
 * what was presented: a transition done, the page on screen is freed (a
 * screen's worth of memory), and the next transition's outgoing page is
 * read back from the screen. NULL when that fails (a cut then). */
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
    if (w != rd->page_w || h != rd->page_h) {
        render_pages_drop(rd); /* a new screen size: no transition from the old */
        rd->page_w = w;
        rd->page_h = h;
    }
    if (fresh && !rd->page[rd->cur] && rd->on_screen)
        rd->page[rd->cur] = page_from_screen(rd, w, h);
    rd->on_screen = false;
    if (fresh && rd->page[rd->cur]) {
        rd->cur ^= 1;
        if (rd->page[rd->cur]) /* a transition cut short: its outgoing page goes */
            SDL_DestroyTexture(rd->page[rd->cur]);
        rd->page[rd->cur] = NULL;
    }
    SDL_Texture **p = &rd->page[rd->cur];
    if (!*p)
        *p = SDL_CreateTexture(rd->r, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_TARGET, w,
                               h);
    if (!*p || SDL_SetRenderTarget(rd->r, *p) != 0) {
        LOG_WARN("no page texture (%s): slides change by a cut", SDL_GetError());
        render_pages_drop(rd);
        return false;
    }
    return true;
}

void render_page_end(render *rd)
{
    SDL_SetRenderTarget(rd->r, NULL);
}

void render_compose(render *rd, const transition_frame *f)
{
    SDL_Texture *in = rd->page[rd->cur], *out = rd->page[rd->cur ^ 1];
    SDL_SetRenderTarget(rd->r, NULL);
    if (!in)
        return;
    if (f->done || !out) {
        if (out)
            SDL_DestroyTexture(out);
        rd->page[rd->cur ^ 1] = NULL;
        SDL_SetTextureBlendMode(in, SDL_BLENDMODE_NONE);
        SDL_RenderCopy(rd->r, in, NULL, NULL);
        if (rd->software) { /* the screen keeps it: page_from_screen */
            SDL_DestroyTexture(in);
            rd->page[rd->cur] = NULL;
            rd->on_screen = true;
        }
        return;
    }
    SDL_SetTextureBlendMode(out, SDL_BLENDMODE_NONE);
    SDL_SetTextureBlendMode(in, SDL_BLENDMODE_NONE);
    SDL_Rect ro = {f->old_x, f->old_y, rd->page_w, rd->page_h};
    SDL_Rect ri = {f->new_x, f->new_y, rd->page_w, rd->page_h};
    if (f->alpha < 255) { /* fade */
        SDL_RenderCopy(rd->r, out, NULL, NULL);
        SDL_SetTextureBlendMode(in, SDL_BLENDMODE_BLEND);
        SDL_SetTextureAlphaMod(in, (Uint8)f->alpha);
        SDL_RenderCopy(rd->r, in, NULL, NULL);
        SDL_SetTextureAlphaMod(in, 255);
        return;
    }
    SDL_RenderCopy(rd->r, out, NULL, &ro);
    SDL_RenderCopy(rd->r, in, NULL, &ri);
}

void render_draw_ticker(render *rd, const render_ticker_strip *t)
{
    const layout_rect *f = &t->footer;
    SDL_Rect band = {f->x, f->y, f->w * 7 / 10, f->h};
    int px = f->h * 56 / 100;
    texcache_entry *e = text_texture(rd, t->text, px, STYLE_REGULAR | STYLE_TEXTURE,
                                     rd->theme.foreground, 0);
    if (!e || band.w <= 0)
        return;
    fill(rd, rd->theme.background, band.x, band.y, band.w, band.h);
    ticker_params p = {.zone_w = band.w,
                       .strip_w = e->w,
                       .gap = px * 4,
                       .speed = t->speed,
                       .start = t->start};
    int period = ticker_period(&p);
    SDL_RenderSetClipRect(rd->r, &band);
    for (int x = ticker_x(&p, t->now); x < band.w; x += period) {
        SDL_Rect dst = {band.x + x, band.y + (band.h - e->h) / 2, e->w, e->h};
        SDL_RenderCopy(rd->r, e->tex, NULL, &dst);
    }
    SDL_RenderSetClipRect(rd->r, NULL);
}
