#define LOG_MODULE "render"
#include "render.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "log.h"
#include "text.h"
#include "util.h"

#define CACHE_MAX_BYTES (48u * 1024 * 1024)
#define CACHE_MAX_ENTRIES 1024

typedef struct {
    uint64_t hash;
    char *key;
    size_t key_len;
    SDL_Texture *tex;
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
    int variant; /* fonts_use_language's, part of a line texture's key */
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
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    return rd;
}

void render_flush(render *rd)
{
    for (size_t i = 0; i < CACHE_MAX_ENTRIES; i++) {
        if (rd->cache[i].key) {
            SDL_DestroyTexture(rd->cache[i].tex);
            free(rd->cache[i].key);
        }
        rd->cache[i] = (texcache_entry){0};
    }
    rd->n_cache = 0;
    rd->cache_bytes = 0;
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
    free(rd->cache);
    free(rd);
}

size_t render_cache_bytes(const render *rd)
{
    return rd->cache_bytes;
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
    if (!lru)
        return;
    SDL_DestroyTexture(lru->tex);
    free(lru->key);
    rd->cache_bytes -= lru->bytes;
    rd->n_cache--;
    *lru = (texcache_entry){0};
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

static texcache_entry *texcache_put(render *rd, const char *key, size_t n, uint64_t h,
                                    SDL_Surface *s)
{
    size_t bytes = (size_t)s->w * (size_t)s->h * 4;
    while (rd->n_cache > 0 && (rd->n_cache >= CACHE_MAX_ENTRIES ||
                               rd->cache_bytes + bytes > CACHE_MAX_BYTES))
        texcache_evict_one(rd);
    SDL_Texture *tex = SDL_CreateTextureFromSurface(rd->r, s);
    if (!tex) {
        LOG_WARN("texture of %dx%d failed: %s", s->w, s->h, SDL_GetError());
        return NULL;
    }
    texcache_entry *e = rd->cache, *end = rd->cache + CACHE_MAX_ENTRIES;
    while (e < end && e->key) /* a free slot: the loop above left one */
        e++;
    if (e == end) {
        SDL_DestroyTexture(tex);
        return NULL;
    }
    rd->n_cache++;
    e->hash = h;
    e->key = xstrndup(key, n);
    e->key_len = n;
    e->tex = tex;
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

/* Spreads a rendered line to target width: each unit moves right by an
 * equal share of the extra space, as printed Chinese is justified. */
static SDL_Surface *justify_surface(render *rd, SDL_Surface *line, const char *text,
                                    size_t n, int px, bool bold, int target)
{
    int extra = target - line->w;
    size_t units = 0;
    bool sp;
    for (size_t i = 0; i < n; i += next_unit(text + i, n - i, &sp))
        units++;
    if (extra <= 0 || units < 2 || extra > (int)(units - 1) * px / 2)
        return NULL;
    SDL_Surface *out =
        SDL_CreateRGBSurfaceWithFormat(0, target, line->h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!out)
        return NULL;
    SDL_FillRect(out, NULL, SDL_MapRGBA(out->format, 0, 0, 0, 0));
    SDL_SetSurfaceBlendMode(line, SDL_BLENDMODE_NONE);
    size_t gap = 0, i = 0;
    int prev_x = 0;
    while (i < n) {
        size_t len = next_unit(text + i, n - i, &sp);
        int x_end = fonts_width(rd->fonts, text, i + len, px, bold);
        if (x_end > line->w)
            x_end = line->w;
        int shift = (int)((long)extra * (long)gap / (long)(units - 1));
        SDL_Rect src = {prev_x, 0, x_end - prev_x, line->h};
        SDL_Rect dst = {prev_x + shift, 0, src.w, line->h};
        if (src.w > 0)
            SDL_BlitSurface(line, &src, out, &dst);
        prev_x = x_end;
        i += len;
        gap++;
    }
    return out;
}

/* A texture for one line of text, from the cache when it was drawn before. */
static texcache_entry *text_texture(render *rd, const char *text, int px, bool bold,
                                    SDL_Color c, int justify_to)
{
    size_t tn = strlen(text);
    if (tn == 0)
        return NULL;
    char head[64];
    int hn = snprintf(head, sizeof head, "%d|%d|%d|%02x%02x%02x|%d|", rd->variant, px,
                      bold, c.r, c.g, c.b, justify_to);
    size_t n = (size_t)hn + tn;
    char *key = xmalloc(n + 1);
    memcpy(key, head, (size_t)hn);
    memcpy(key + hn, text, tn + 1);
    uint64_t h = hash_bytes(key, n);
    texcache_entry *e = texcache_find(rd, key, n, h);
    if (!e) {
        SDL_Surface *s = fonts_render(rd->fonts, text, tn, px, bold, c);
        if (s && justify_to > 0) {
            SDL_Surface *j = justify_surface(rd, s, text, tn, px, bold, justify_to);
            if (j) {
                SDL_FreeSurface(s);
                s = j;
            }
        }
        if (s) {
            e = texcache_put(rd, key, n, h, s);
            SDL_FreeSurface(s);
        }
    }
    free(key);
    return e;
}

typedef enum { ALIGN_LEFT, ALIGN_RIGHT, ALIGN_CENTER } align;

/* Draws text in a line box of height line_h whose left, right or centre is
 * at x; returns the drawn width. */
static int draw_text(render *rd, const char *text, int px, bool bold, SDL_Color c, int x,
                     int y, int line_h, align a)
{
    texcache_entry *e = text_texture(rd, text, px, bold, c, 0);
    if (!e)
        return 0;
    int left = a == ALIGN_LEFT ? x : a == ALIGN_RIGHT ? x - e->w : x - e->w / 2;
    SDL_Rect dst = {left, y + (line_h - e->h) / 2, e->w, e->h};
    SDL_RenderCopy(rd->r, e->tex, NULL, &dst);
    return e->w;
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
            draw_text(rd, clock, px * 5 / 4, true, fg, right, hd->y, hd->h, ALIGN_RIGHT);
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

static void draw_body(render *rd, const layout_item *it, int page, SDL_Color fg)
{
    const layout_page *pg = &it->pages[page];
    const layout_rect *b = &it->frame.body;
    int y = b->y;
    for (int i = pg->first; i < pg->first + pg->count; i++) {
        const layout_line *ln = &it->lines[i];
        int justify_to = ln->justify ? b->w - ln->indent : 0;
        texcache_entry *e =
            text_texture(rd, ln->text, it->body_px, false, fg, justify_to);
        if (e) {
            SDL_Rect dst = {b->x + ln->indent, y + (it->body_line_h - e->h) / 2, e->w,
                            e->h};
            SDL_RenderCopy(rd->r, e->tex, NULL, &dst);
        }
        y += it->body_line_h + (ln->para_end ? it->para_gap : 0);
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
        e = texcache_put(rd, key, n, h, s);
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
    if (w > room)
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
    draw_body(rd, it, page, fg);
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
        draw_text(rd, clock, unit * 2, false, fg, w / 2, cy - unit * 3 / 2, unit * 3,
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
