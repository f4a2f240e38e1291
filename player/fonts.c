#define LOG_MODULE "fonts"
#include "fonts.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SDL_ttf.h>
#include <fontconfig/fontconfig.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include "hash.h"
#include "log.h"
#include "text.h"
#include "util.h"

/* Caps: every line, size and table has one. */
enum {
    MAX_FILES = 64,        /* distinct font files (and face indices) */
    MAX_OPEN = 32,         /* open TTF_Font objects, one a file; LRU closed */
    MAX_PX = 1024,         /* larger sizes are clamped */
    MAX_LINE_CPS = 4096,   /* code points per line; the rest is cut */
    MAX_SURFACE_W = 16384, /* widest rendered line in pixels */
    /* The two caches below are open-addressed tables that start small and
     * double while at most half full, up to their cap: a cache touched at
     * random through a table of its full size would keep every page of it
     * resident (2.3 MB) for the few thousand entries a feed needs. */
    CACHE_SLOTS_MIN = 1024,
    MEASURE_SLOTS = 32768,   /* at most; power of two */
    MEASURE_MAX = 16384,     /* entries before the cache is emptied */
    MEASURE_MAX_TEXT = 4096, /* longer texts are measured but not cached */
    CP_SLOTS = 8192,         /* fallback choice per code point, power of two */
    CP_MAX = 4096,
    ADV_SLOTS = 65536, /* at most: glyph advances per (face, px, code point) */
    ADV_MAX = 32768,
};

#define BUNDLED_REGULAR "NotoSansCJKsc-Subset-Regular.otf"
#define BUNDLED_BOLD "NotoSansCJKsc-Subset-Bold.otf"

/* Face id in a line: a font file index, or this. */
#define FACE_NONE (-1) /* no face has it: replacement box */

typedef struct {
    char *path;
    int index;       /* face in a collection */
    bool synth_bold; /* no bold file: embolden the regular outlines */
    bool broken;     /* failed to open: never tried again */
    void *map;       /* the file, mapped once for every size of it */
    size_t map_len;
} face_file;

typedef struct {
    TTF_Font *font;
    int src, px; /* px: the size the font is set to */
    bool usable; /* false: the face cannot draw at px */
    unsigned long used;
} open_font;

typedef struct {
    char *text; /* NULL = empty slot */
    size_t len;
    uint64_t hash;
    int px, width;
    bool bold;
} measure_entry;

typedef struct {
    uint64_t key; /* face + 1, px, code point; 0 = empty slot */
    int adv;
} adv_entry;

typedef struct {
    uint32_t key; /* cp * 2 + bold, plus one so that 0 marks an empty slot */
    int16_t src;  /* font file index or FACE_NONE */
    bool logged;  /* the missing code point was reported */
} cp_entry;

struct fonts {
    face_file src[MAX_FILES];
    int n_src;
    int primary[2]; /* font file index for regular, bold: the variant's */
    int variant;    /* the language variant in use (fonts_use_language) */
    int var_primary[FONTS_VARIANTS][2]; /* each variant's faces, once found */
    bool var_tried[FONTS_VARIANTS];
    int base_variant; /* the variant of fonts_create's language */
    bool configured;  /* a configured font is primary for that language */
    int bundled[2];   /* the bundled files: first fallback for a configured font */
    open_font open[MAX_OPEN];
    int n_open;
    unsigned long tick;

    bool fc_tried;
    FcConfig *fc;
    FcFontSet *fc_set[2]; /* sorted fallback candidates, regular and bold */
    bool fc_set_tried[2];
    char fc_lang[32];

    cp_entry *cps;
    int n_cps;
    measure_entry *measure;
    int n_measure, measure_slots;
    adv_entry *adv;
    int n_adv, adv_slots;
    unsigned long hits, misses;
    bool warned_long, warned_no_fc;
    fonts *mono; /* code lines' face (fonts_width_mono), made when first asked */
    bool mono_tried;

    /* Scratch for one line (main thread only). */
    uint32_t line_cp[MAX_LINE_CPS];
    int16_t line_face[MAX_LINE_CPS];
    uint32_t line_off[MAX_LINE_CPS]; /* byte offset of each code point */
    /* clreq adjustments (line_adjust): pixels added before a glyph
     * (text-autospace), cut from its left and right (half-width marks). */
    int16_t line_pre[MAX_LINE_CPS], line_cut_l[MAX_LINE_CPS], line_cut_r[MAX_LINE_CPS];
    bool line_adj; /* some glyph of the line is adjusted */
    int line_n;
    char run_buf[MAX_LINE_CPS * 4 + 1];
};

/* ---- font files and open fonts ---- */

static int file_add(fonts *f, const char *path, int index, bool synth_bold)
{
    for (int i = 0; i < f->n_src; i++) {
        const face_file *s = &f->src[i];
        if (s->index == index && s->synth_bold == synth_bold &&
            strcmp(s->path, path) == 0)
            return i;
    }
    if (f->n_src == MAX_FILES)
        return FACE_NONE;
    f->src[f->n_src] =
        (face_file){.path = xstrdup(path), .index = index, .synth_bold = synth_bold};
    return f->n_src++;
}

static void open_close(open_font *o)
{
    if (o->font)
        TTF_CloseFont(o->font);
    o->font = NULL;
}

/* A slot for a new open font: a free one, else the least recently used. */
static open_font *open_slot(fonts *f)
{
    if (f->n_open < MAX_OPEN)
        return &f->open[f->n_open++];
    open_font *lru = &f->open[0];
    for (int i = 1; i < MAX_OPEN; i++)
        if (f->open[i].used < lru->used)
            lru = &f->open[i];
    open_close(lru);
    return lru;
}

/* Maps a font file once: FreeType then reads glyphs from memory instead of
 * a seek and read per glyph, which halves the first layout's time. */
static bool file_map(face_file *src)
{
    if (src->map)
        return true;
    int fd = open(src->path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return false;
    src->map = map;
    src->map_len = (size_t)st.st_size;
    return true;
}

/* Opens font file s at px; NULL (and never tried again) if the file fails. */
static TTF_Font *open_font_file(fonts *f, int s, int px)
{
    face_file *src = &f->src[s];
    if (src->broken)
        return NULL;
    TTF_Font *font = NULL;
    if (file_map(src)) {
        SDL_RWops *rw = SDL_RWFromConstMem(src->map, (int)src->map_len);
        font = rw ? TTF_OpenFontIndexRW(rw, 1, px, src->index) : NULL;
    } else {
        font = TTF_OpenFontIndex(src->path, px, src->index);
    }
    if (!font) {
        LOG_WARN("cannot open %s (face %d): %s", src->path, src->index, TTF_GetError());
        src->broken = true;
        return NULL;
    }
    if (src->synth_bold)
        TTF_SetFontStyle(font, TTF_STYLE_BOLD);
    return font;
}

/* A bitmap-only face (colour emoji) that SDL_ttf can only draw at a fixed
 * strike far from px is not usable at this size. */
static bool usable_at(const face_file *src, TTF_Font *font, int px)
{
    int h = TTF_FontHeight(font);
    if (h > 0 && h <= 3 * px + 8)
        return true;
    LOG_DBG("%s: line height %d at %d px, not usable at this size", src->path, h, px);
    return false;
}

/* Sets an open font to px: one open face per font file instead of one per
 * size, as each open copy costs megabytes (FreeType's face, SDL_ttf's glyph
 * cache and HarfBuzz font: 8 MB less PSS with the demo's five sizes of the
 * two bundled files), and a new size is rare (a page's texts come in a few). */
static TTF_Font *font_resize(fonts *f, open_font *o, int px)
{
    o->px = px;
    o->used = f->tick;
    o->usable =
        TTF_SetFontSize(o->font, px) == 0 && usable_at(&f->src[o->src], o->font, px);
    return o->usable ? o->font : NULL;
}

/* The font for source s at px, opened on first use; NULL if unusable. */
static TTF_Font *font_get(fonts *f, int s, int px)
{
    f->tick++;
    for (int i = 0; i < f->n_open; i++) {
        open_font *o = &f->open[i];
        if (o->src != s)
            continue;
        if (o->px != px)
            return font_resize(f, o, px);
        o->used = f->tick;
        return o->usable ? o->font : NULL;
    }
    TTF_Font *font = open_font_file(f, s, px);
    if (!font)
        return NULL;
    open_font *o = open_slot(f);
    *o = (open_font){font, s, px, usable_at(&f->src[s], font, px), f->tick};
    return o->usable ? font : NULL;
}

/* Any open font of font file s, whatever its size (for coverage queries). */
static TTF_Font *font_any(fonts *f, int s, int px_hint)
{
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < f->n_open; i++)
            if (f->open[i].src == s)
                return f->open[i].font;
        if (pass == 0 && !font_get(f, s, px_hint) && f->src[s].broken)
            return NULL;
    }
    return NULL;
}

static bool file_has(fonts *f, int s, uint32_t cp)
{
    TTF_Font *font = font_any(f, s, 32);
    return font && TTF_GlyphIsProvided32(font, cp) != 0;
}

/* ---- finding the primary faces ---- */

static bool file_readable(const char *path)
{
    return access(path, R_OK) == 0;
}

/* Directory of the running executable, or "" when unknown. */
static void exe_dir(char *out, size_t cap)
{
    out[0] = '\0';
    ssize_t n = readlink("/proc/self/exe", out, cap - 1);
    if (n <= 0) {
        out[0] = '\0';
        return;
    }
    out[n] = '\0';
    char *slash = strrchr(out, '/');
    if (slash)
        *slash = '\0';
    else
        out[0] = '\0';
}

/* Writes the path of a bundled font file into out (PATH_MAX bytes); false
 * if none found. */
static bool find_bundled(const char *name, char *out, size_t cap)
{
    char exe[PATH_MAX];
    exe_dir(exe, sizeof exe);
    const char *dirs[] = {"", "", SIGNAGE_FONT_DIR, SIGNAGE_INSTALL_FONT_DIR,
                          "/usr/share/signage-player/fonts"};
    char rel1[PATH_MAX + 16], rel2[PATH_MAX + 40];
    if (exe[0]) {
        snprintf(rel1, sizeof rel1, "%s/../fonts", exe);
        snprintf(rel2, sizeof rel2, "%s/../share/signage-player/fonts", exe);
        dirs[0] = rel1;
        dirs[1] = rel2;
    }
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (!dirs[i][0])
            continue;
        char path[PATH_MAX + 64];
        int n = snprintf(path, sizeof path, "%s/%s", dirs[i], name);
        if (n <= 0 || (size_t)n >= sizeof path || !file_readable(path))
            continue;
        if (!realpath(path, out) && snprintf(out, cap, "%s", path) >= (int)cap)
            continue;
        return true;
    }
    return false;
}

/* "file.ttc#2" selects face 2 of a collection; plain paths mean face 0. */
static void split_index(const char *spec, char *path, size_t cap, int *index)
{
    snprintf(path, cap, "%s", spec);
    *index = 0;
    char *hash = strrchr(path, '#');
    if (!hash || !hash[1] || strspn(hash + 1, "0123456789") != strlen(hash + 1))
        return;
    if (strlen(hash + 1) > 4)
        return;
    *index = (int)strtol(hash + 1, NULL, 10);
    *hash = '\0';
}

/* The bundled font file as a font file (not opened yet), or FACE_NONE. */
static int bundled_add(fonts *f, const char *name)
{
    char path[PATH_MAX];
    if (!find_bundled(name, path, sizeof path))
        return FACE_NONE;
    return file_add(f, path, 0, false);
}

/* The primary font file for one weight: the configured file if it opens,
 * else the bundled one. FACE_NONE when neither is usable. */
static int primary_add(fonts *f, const char *configured, int bundled, const char *name)
{
    if (configured && configured[0]) {
        char path[PATH_MAX];
        int index = 0;
        split_index(configured, path, sizeof path, &index);
        int s = file_add(f, path, index, false);
        if (s >= 0 && font_get(f, s, 32))
            return s;
        LOG_WARN("font %s unusable, using the bundled font", configured);
    }
    if (bundled >= 0 && font_get(f, bundled, 32))
        return bundled;
    LOG_WARN("bundled font %s not found or unusable", name);
    return FACE_NONE;
}

/* ---- fontconfig fallback ---- */

/* BCP 47 tag to a fontconfig language: lower case, zh variants mapped. */
static void fc_lang_from(const char *language, char *out, size_t cap)
{
    const char *in = language && language[0] ? language : "zh-cn";
    size_t i = 0;
    for (; in[i] && i + 1 < cap; i++)
        out[i] = in[i] == '_' ? '-' : (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
    if (strcmp(out, "zh") == 0 || strncmp(out, "zh-hans", 7) == 0 ||
        strcmp(out, "zh-sg") == 0)
        snprintf(out, cap, "zh-cn");
    else if (strncmp(out, "zh-hant", 7) == 0)
        snprintf(out, cap, "zh-tw");
}

static FcConfig *fc_config(fonts *f)
{
    if (f->fc_tried)
        return f->fc;
    f->fc_tried = true;
    f->fc = FcInitLoadConfigAndFonts();
    if (!f->fc) {
        LOG_WARN("fontconfig did not start: no fallback fonts");
        f->warned_no_fc = true;
    }
    return f->fc;
}

/* Candidate fallback fonts for a weight, best first; NULL if none. */
static FcFontSet *fc_set(fonts *f, bool bold)
{
    if (f->fc_set_tried[bold])
        return f->fc_set[bold];
    f->fc_set_tried[bold] = true;
    FcConfig *fc = fc_config(f);
    if (!fc)
        return NULL;
    FcPattern *pat = FcPatternCreate();
    if (!pat)
        abort();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"sans-serif");
    FcPatternAddString(pat, FC_LANG, (const FcChar8 *)f->fc_lang);
    FcPatternAddInteger(pat, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcConfigSubstitute(fc, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcFontSet *set = FcFontSort(fc, pat, FcTrue, NULL, &res);
    FcPatternDestroy(pat);
    if (set && set->nfont > 0) {
        f->fc_set[bold] = set;
        return set;
    }
    if (set)
        FcFontSetDestroy(set);
    if (!f->warned_no_fc)
        LOG_WARN("fontconfig lists no fonts: characters the primary font lacks are "
                 "boxes");
    f->warned_no_fc = true;
    return NULL;
}

/* Source index of candidate font pat for cp, or FACE_NONE if unusable. */
static int fc_candidate(fonts *f, FcPattern *pat, uint32_t cp, bool bold)
{
    FcCharSet *cs;
    FcChar8 *file;
    FcBool scalable;
    int index = 0, weight = FC_WEIGHT_REGULAR;
    if (FcPatternGetCharSet(pat, FC_CHARSET, 0, &cs) != FcResultMatch ||
        !FcCharSetHasChar(cs, cp))
        return FACE_NONE;
    if (FcPatternGetString(pat, FC_FILE, 0, &file) != FcResultMatch)
        return FACE_NONE;
    /* Bitmap-only faces (colour emoji in CBDT, PCF): SDL_ttf 2 draws them
     * only at their fixed strike, not at px. The next candidate or the box
     * is better than a glyph twice the line height. */
    if (FcPatternGetBool(pat, FC_SCALABLE, 0, &scalable) == FcResultMatch && !scalable)
        return FACE_NONE;
    if (FcPatternGetBool(pat, FC_OUTLINE, 0, &scalable) == FcResultMatch && !scalable)
        return FACE_NONE;
    FcPatternGetInteger(pat, FC_INDEX, 0, &index);
    FcPatternGetInteger(pat, FC_WEIGHT, 0, &weight);
    bool synth = bold && weight < FC_WEIGHT_DEMIBOLD;
    int s = file_add(f, (const char *)file, index & 0xffff, synth);
    if (s < 0 || s == f->primary[bold] || !file_has(f, s, cp))
        return FACE_NONE;
    return s;
}

/* A face for a code point the primary face lacks: the bundled font when a
 * configured one is primary (so Chinese never depends on fontconfig), then
 * fontconfig's candidates in order. */
static int fallback_search(fonts *f, uint32_t cp, bool bold)
{
    int b = f->bundled[bold];
    if (b >= 0 && b != f->primary[bold] && file_has(f, b, cp))
        return b;
    FcFontSet *set = fc_set(f, bold);
    for (int i = 0; set && i < set->nfont; i++) {
        int s = fc_candidate(f, set->fonts[i], cp, bold);
        if (s >= 0)
            return s;
    }
    return FACE_NONE;
}

static cp_entry *cp_lookup(fonts *f, uint32_t key)
{
    uint32_t i = (key * 2654435761u) & (CP_SLOTS - 1);
    while (f->cps[i].key && f->cps[i].key != key)
        i = (i + 1) & (CP_SLOTS - 1);
    return &f->cps[i];
}

/* The fallback choice for cp, searched once and remembered. */
static cp_entry *fallback_for(fonts *f, uint32_t cp, bool bold)
{
    uint32_t key = cp * 2 + (bold ? 1 : 0) + 1;
    cp_entry *e = cp_lookup(f, key);
    if (e->key)
        return e;
    int s = fallback_search(f, cp, bold);
    if (f->n_cps >= CP_MAX) {
        memset(f->cps, 0, CP_SLOTS * sizeof *f->cps);
        f->n_cps = 0;
        e = cp_lookup(f, key);
    }
    *e = (cp_entry){key, (int16_t)s, false};
    f->n_cps++;
    return e;
}

/* ---- one line: code points, faces, runs ---- */

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

/* Invisible format characters and variation selectors: HarfBuzz hides them
 * in any face, so they stay in the run they follow. */
static bool is_ignorable(uint32_t cp)
{
    return cp == 0xad || cp == 0x34f || (cp >= 0x180b && cp <= 0x180f) ||
           (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2060 && cp <= 0x206f) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
           cp == 0xfeff || (cp >= 0xe0000 && cp <= 0xe0fff);
}

static bool is_mark(uint32_t cp)
{
    return (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x1ab0 && cp <= 0x1aff) ||
           (cp >= 0x1dc0 && cp <= 0x1dff) || (cp >= 0x20d0 && cp <= 0x20ff) ||
           (cp >= 0xfe20 && cp <= 0xfe2f);
}

/* Which face draws cp, given the face of the character before it. */
static int face_for(fonts *f, uint32_t cp, bool bold, int prev)
{
    int primary = f->primary[bold];
    if (is_ignorable(cp))
        return prev >= 0 ? prev : primary;
    if (is_mark(cp) && prev >= 0 && file_has(f, prev, cp))
        return prev;
    /* Spaces and ASCII punctuation inside a fallback run stay in it. */
    if (prev >= 0 && prev != primary && cp < 0x80 && !isalnum((int)cp) &&
        file_has(f, prev, cp))
        return prev;
    if (file_has(f, primary, cp))
        return primary;
    return fallback_for(f, cp, bold)->src;
}

/* Decodes and assigns faces to one line into the scratch arrays. */
static void line_prepare(fonts *f, const char *utf8, size_t len, bool bold)
{
    const unsigned char *s = (const unsigned char *)utf8;
    int n = 0, prev = FACE_NONE;
    size_t i = 0;
    while (i < len && s[i] && n < MAX_LINE_CPS) {
        uint32_t cp;
        size_t at = i;
        i += text_utf8_next(utf8 + i, len - i, &cp);
        if (cp == TEXT_UTF8_INVALID)
            cp = 0xfffd;
        if (is_control(cp))
            continue;
        int face = face_for(f, cp, bold, prev);
        f->line_off[n] = (uint32_t)at;
        f->line_cp[n] = cp;
        f->line_face[n] = (int16_t)face;
        prev = face;
        n++;
    }
    if (i < len && s[i] && !f->warned_long) {
        LOG_WARN("line longer than %d characters cut", MAX_LINE_CPS);
        f->warned_long = true;
    }
    f->line_n = n;
}

static const char *rtl_script(const fonts *f, int start, int end);

/* End of the run of one face that starts at index start. Spaces and ASCII
 * punctuation at the end of a right-to-left run make a run of their own,
 * so that they stay after it in the left-to-right line. */
static int run_end(const fonts *f, int start)
{
    int i = start;
    while (i < f->line_n && f->line_face[i] == f->line_face[start])
        i++;
    if (!rtl_script(f, start, i))
        return i;
    while (i - 1 > start && f->line_cp[i - 1] < 0x80 && !isalnum((int)f->line_cp[i - 1]))
        i--;
    return i;
}

/* Code points [start, end) as UTF-8 in run_buf. */
static const char *run_text(fonts *f, int start, int end)
{
    size_t o = 0;
    for (int i = start; i < end; i++)
        o += text_utf8_put(f->line_cp[i], f->run_buf + o);
    f->run_buf[o] = '\0';
    return f->run_buf;
}

/* Reports each missing code point once (per cache lifetime). */
static void report_missing(fonts *f, int start, int end, bool bold)
{
    for (int i = start; i < end; i++) {
        uint32_t cp = f->line_cp[i];
        cp_entry *e = fallback_for(f, cp, bold);
        if (e->logged)
            continue;
        e->logged = true;
        cp_entry *other = cp_lookup(f, cp * 2 + (bold ? 0 : 1) + 1);
        if (other->key && other->logged)
            continue; /* reported for the other weight */
        LOG_WARN("no font has U+%04X: drawn as a box", (unsigned)cp);
    }
}

/* Advance of the replacement box: one ideographic em. */
static int box_advance(int px)
{
    return px;
}

/* Wide characters (text_is_wide) that no default OpenType feature moves,
 * so a run of them is as wide as the sum of their advances. Left out, as
 * they shape with their neighbours: marks (text_is_mark: kana voicing
 * marks, ideographic tone marks, emoji modifiers), emoji and leading
 * Hangul jamo (which join into syllables). */
static bool is_fixed(uint32_t cp)
{
    if (!text_is_wide(cp))
        return false;
    UChar32 c = (UChar32)cp;
    return !text_is_mark(cp) && !u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) &&
           u_getIntPropertyValue(c, UCHAR_HANGUL_SYLLABLE_TYPE) != U_HST_LEADING_JAMO;
}

static adv_entry *adv_lookup(fonts *f, uint64_t key)
{
    size_t mask = (size_t)f->adv_slots - 1;
    size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 40) & mask;
    while (f->adv[i].key && f->adv[i].key != key)
        i = (i + 1) & mask;
    return &f->adv[i];
}

/* Doubles the advance table while it is half full and below its cap. */
static void adv_grow(fonts *f)
{
    if (f->n_adv < f->adv_slots / 2 || f->adv_slots >= ADV_SLOTS)
        return;
    adv_entry *old = f->adv;
    int n = f->adv_slots;
    f->adv_slots *= 2;
    f->adv = xcalloc((size_t)f->adv_slots, sizeof *f->adv);
    for (int i = 0; i < n; i++)
        if (old[i].key)
            *adv_lookup(f, old[i].key) = old[i];
    free(old);
}

/* Advance of one glyph, remembered per (face, px, code point): shaping a
 * CJK line through SDL_ttf costs microseconds per glyph on every call. */
static int glyph_advance(fonts *f, int face, int px, TTF_Font *font, uint32_t cp)
{
    uint64_t key = ((uint64_t)(face + 1) << 40) | ((uint64_t)px << 21) | cp;
    adv_entry *e = adv_lookup(f, key);
    if (e->key)
        return e->adv;
    int adv = 0;
    if (TTF_GlyphMetrics32(font, cp, NULL, NULL, NULL, NULL, &adv) != 0)
        adv = 0;
    if (f->n_adv >= ADV_MAX) {
        memset(f->adv, 0, (size_t)f->adv_slots * sizeof *f->adv);
        f->n_adv = 0;
    }
    adv_grow(f);
    e = adv_lookup(f, key);
    *e = (adv_entry){key, adv};
    f->n_adv++;
    return adv;
}

/* Script (ISO 15924) of a right-to-left run, or NULL: the first Hebrew or
 * Arabic letter decides. There is no bidi reordering between runs: a run
 * of such letters (with the spaces and punctuation inside it) is shaped and
 * drawn right to left as a whole, which is enough for a name or a phrase. */
static const char *rtl_script(const fonts *f, int start, int end)
{
    for (int i = start; i < end; i++) {
        uint32_t cp = f->line_cp[i];
        if ((cp >= 0x590 && cp <= 0x5ff) || (cp >= 0xfb1d && cp <= 0xfb4f))
            return "Hebr";
        if ((cp >= 0x600 && cp <= 0x8ff) || (cp >= 0xfb50 && cp <= 0xfdff) ||
            (cp >= 0xfe70 && cp <= 0xfefe))
            return "Arab";
    }
    return NULL;
}

/* Sets (script) or resets (NULL) right-to-left shaping; SDL_ttf's default
 * is left to right with an unknown script. */
static void set_rtl(TTF_Font *font, const char *script)
{
    TTF_SetFontDirection(font, script ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
    TTF_SetFontScriptName(font, script ? script : "Zzzz");
}

/* Width of [start, end) drawn with font: fixed-advance characters summed,
 * everything else measured by SDL_ttf (HarfBuzz) a segment at a time. An
 * emboldened face is always measured whole (its advances grow). */
static int shaped_width(fonts *f, int face, TTF_Font *font, int start, int end, int px)
{
    bool sum_ok = !f->src[face].synth_bold;
    int w = 0;
    for (int i = start; i < end;) {
        if (sum_ok && is_fixed(f->line_cp[i])) {
            w += glyph_advance(f, face, px, font, f->line_cp[i]);
            i++;
            continue;
        }
        int j = i + 1;
        while (j < end && !(sum_ok && is_fixed(f->line_cp[j])))
            j++;
        int sw = 0;
        const char *rtl = rtl_script(f, i, j);
        if (rtl)
            set_rtl(font, rtl);
        if (TTF_SizeUTF8(font, run_text(f, i, j), &sw, NULL) == 0)
            w += sw;
        if (rtl)
            set_rtl(font, NULL);
        i = j;
    }
    return w;
}

/* ---- clreq: punctuation compression and text-autospace ---- */

static const uint32_t open_marks[] = {0xFF08, 0x3014, 0xFF3B, 0xFF5B, 0x300A, 0x3008,
                                      0x300C, 0x300E, 0x3010, 0x3016, 0x201C, 0x2018};
static const uint32_t close_marks[] = {
    0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF01, 0xFF1F, 0xFF09, 0x3015, 0xFF3D,
    0xFF5D, 0x300B, 0x3009, 0x300D, 0x300F, 0x3011, 0x3017, 0x201D, 0x2019};

static bool in_set(const uint32_t *v, size_t n, uint32_t cp)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == cp)
            return true;
    return false;
}

static bool is_open_mark(uint32_t cp)
{
    return in_set(open_marks, sizeof open_marks / sizeof *open_marks, cp);
}

static bool is_close_mark(uint32_t cp)
{
    return in_set(close_marks, sizeof close_marks / sizeof *close_marks, cp);
}

static bool is_mark_cjk(uint32_t cp)
{
    return is_open_mark(cp) || is_close_mark(cp);
}

/* Where the ink of a full-width mark lies in its em box: 1 left half (as
 * closing marks in a Simplified Chinese face), 2 right half (opening
 * marks), 0 neither (centred, as in Traditional Chinese faces, or not
 * full-width): only a mark with a blank half is compressed. */
static int ink_half(fonts *f, int face, int px, uint32_t cp, int *adv)
{
    TTF_Font *font = font_get(f, face, px);
    int minx, maxx;
    if (!font || TTF_GlyphMetrics32(font, cp, &minx, &maxx, NULL, NULL, adv) != 0)
        return 0;
    if (*adv * 10 < px * 9 || *adv * 10 > px * 11)
        return 0;
    int half = *adv / 2, slack = *adv / 16;
    return maxx <= half + slack ? 1 : minx >= half - slack ? 2 : 0;
}

static bool is_han(uint32_t cp)
{
    UErrorCode err = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript((UChar32)cp, &err);
    return sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA;
}

/* Latin, Greek or Cyrillic letters and digits (not full-width forms). */
static bool is_western(uint32_t cp)
{
    return cp < 0x530 && u_isalnum((UChar32)cp);
}

static bool autospace_between(uint32_t a, uint32_t b)
{
    return (is_han(a) && is_western(b)) || (is_western(a) && is_han(b));
}

/* Compression of mark i (clreq 3.1.6): a closing mark with its blank half
 * on the right loses it before another mark or at the line's end; an
 * opening mark with its blank half on the left loses it at the line's
 * start or after a mark that kept its own. One half em per pair. */
static void adjust_mark(fonts *f, int i, int px)
{
    int n = f->line_n, adv = 0, face = f->line_face[i];
    uint32_t cp = f->line_cp[i];
    int side = ink_half(f, face, px, cp, &adv);
    if (side == 1 && is_close_mark(cp) && (i + 1 == n || is_mark_cjk(f->line_cp[i + 1])))
        f->line_cut_r[i] = (int16_t)(adv / 2);
    if (side == 2 && is_open_mark(cp) &&
        (i == 0 || (is_mark_cjk(f->line_cp[i - 1]) && f->line_cut_r[i - 1] == 0)))
        f->line_cut_l[i] = (int16_t)(adv / 2);
}

/* text-autospace: a quarter em between Han and Latin letters or digits; a
 * space the author put there becomes that quarter em. */
static void adjust_space(fonts *f, int i, int px)
{
    const uint32_t *cp = f->line_cp;
    int quarter = px / 4;
    if (cp[i] == ' ' && i > 0 && i + 1 < f->line_n &&
        autospace_between(cp[i - 1], cp[i + 1])) {
        TTF_Font *font = font_get(f, f->line_face[i], px);
        int adv = font ? glyph_advance(f, f->line_face[i], px, font, ' ') : quarter;
        if (adv > quarter)
            f->line_cut_r[i] = (int16_t)(adv - quarter);
        else
            f->line_pre[i] = (int16_t)(quarter - adv);
    } else if (i > 0 && autospace_between(cp[i - 1], cp[i])) {
        f->line_pre[i] = (int16_t)quarter;
    }
}

/* "——" is one unit two em wide (a face's U+2014 is often narrower): the
 * pair is centred in its two ems, still joined in the middle. */
static void adjust_dash(fonts *f, int i, int px)
{
    TTF_Font *font = font_get(f, f->line_face[i], px);
    if (!font || f->line_face[i + 1] != f->line_face[i])
        return;
    int pad = px - glyph_advance(f, f->line_face[i], px, font, 0x2014);
    if (pad <= 0 || pad > px / 2)
        return;
    f->line_pre[i] = (int16_t)pad;
    f->line_cut_r[i + 1] = (int16_t)-pad;
}

/* Fills the adjustments of the prepared line at px. */
static void line_adjust(fonts *f, int px)
{
    int n = f->line_n;
    f->line_adj = false;
    memset(f->line_pre, 0, (size_t)n * sizeof *f->line_pre);
    memset(f->line_cut_l, 0, (size_t)n * sizeof *f->line_cut_l);
    memset(f->line_cut_r, 0, (size_t)n * sizeof *f->line_cut_r);
    for (int i = 0; i < n; i++) {
        if (f->line_face[i] < 0)
            continue;
        if (is_mark_cjk(f->line_cp[i]))
            adjust_mark(f, i, px);
        else if (f->line_cp[i] == 0x2014 && i + 1 < n && f->line_cp[i + 1] == 0x2014 &&
                 (i == 0 || f->line_cp[i - 1] != 0x2014))
            adjust_dash(f, i, px);
        else
            adjust_space(f, i, px);
    }
    for (int i = 0; i < n && !f->line_adj; i++)
        f->line_adj = f->line_pre[i] || f->line_cut_l[i] || f->line_cut_r[i];
}

static bool adjusted(const fonts *f, int i)
{
    return f->line_adj && (f->line_pre[i] || f->line_cut_l[i] || f->line_cut_r[i]);
}

/* Width of one adjusted glyph as set. */
static int adjusted_width(fonts *f, int face, TTF_Font *font, int i, int px)
{
    return f->line_pre[i] + glyph_advance(f, face, px, font, f->line_cp[i]) -
           f->line_cut_l[i] - f->line_cut_r[i];
}

/* End of the piece that starts at i inside [i, end): an adjusted glyph
 * alone, else up to the next adjusted one. */
static int piece_end(const fonts *f, int i, int end)
{
    if (adjusted(f, i))
        return i + 1;
    int j = i + 1;
    while (j < end && !adjusted(f, j))
        j++;
    return j;
}

static int piece_width(fonts *f, int face, TTF_Font *font, int i, int j, int px)
{
    if (adjusted(f, i))
        return adjusted_width(f, face, font, i, px);
    return shaped_width(f, face, font, i, j, px);
}

static int run_width(fonts *f, int start, int end, int px, bool bold)
{
    int face = f->line_face[start];
    TTF_Font *font = face >= 0 ? font_get(f, face, px) : NULL;
    if (!font) {
        if (face == FACE_NONE)
            report_missing(f, start, end, bold);
        return (end - start) * box_advance(px);
    }
    int w = 0;
    for (int i = start; i < end;) {
        int j = piece_end(f, i, end);
        w += piece_width(f, face, font, i, j, px);
        i = j;
    }
    return w;
}

static int line_width(fonts *f, const char *utf8, size_t len, int px, bool bold)
{
    line_prepare(f, utf8, len, bold);
    line_adjust(f, px);
    long w = 0;
    for (int i = 0; i < f->line_n;) {
        int end = run_end(f, i);
        w += run_width(f, i, end, px, bold);
        i = end;
    }
    return w > MAX_SURFACE_W ? MAX_SURFACE_W : (int)w;
}

/* ---- faces by language ---- */

/* Variant 0 is fonts_create's primary faces; the others are fontconfig's
 * best sans-serif face for a language, checked to have a test character
 * (a face without the language is no better than the primary one). */
static const struct {
    const char *fc_lang;
    uint32_t probe;
} variants[FONTS_VARIANTS] = {
    {NULL, 0},
    {"zh-tw", 0x8AAA /* 說 */},
    {"zh-hk", 0x8AAA},
    {"ja", 0x3042 /* あ */},
    {"ko", 0xD55C /* 한 */},
};

/* The variant for a BCP 47 tag: zh-TW, zh-Hant(-*) TC; zh-HK, zh-MO,
 * zh-Hant-HK HK; ja JP; ko KR; anything else (zh, zh-Hans, zh-CN) 0. */
static int variant_of(const char *language)
{
    char t[32] = {0};
    size_t n = 0;
    for (; language && language[n] && n + 1 < sizeof t; n++)
        t[n] = language[n] == '_' ? '-' : (char)tolower((unsigned char)language[n]);
    t[n] = '\0';
    bool hk = strstr(t, "-hk") || strstr(t, "-mo");
    if (strncmp(t, "ja", 2) == 0 && (n == 2 || t[2] == '-'))
        return 3;
    if (strncmp(t, "ko", 2) == 0 && (n == 2 || t[2] == '-'))
        return 4;
    if (strncmp(t, "zh-", 3) != 0)
        return 0;
    if (hk)
        return 2;
    return strstr(t, "-tw") || strstr(t, "-hant") ? 1 : 0;
}

/* fontconfig's face for variant v at a weight, or FACE_NONE. */
static int variant_face(fonts *f, int v, bool bold)
{
    FcConfig *fc = fc_config(f);
    FcPattern *pat = fc ? FcPatternCreate() : NULL;
    if (!pat)
        return FACE_NONE;
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"sans-serif");
    FcPatternAddString(pat, FC_LANG, (const FcChar8 *)variants[v].fc_lang);
    FcPatternAddInteger(pat, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcConfigSubstitute(fc, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *m = FcFontMatch(fc, pat, &res);
    FcPatternDestroy(pat);
    FcChar8 *file;
    int index = 0, s = FACE_NONE;
    if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) {
        FcPatternGetInteger(m, FC_INDEX, 0, &index);
        s = file_add(f, (const char *)file, index & 0xffff, false);
        if (s >= 0 && (!font_get(f, s, 32) || !file_has(f, s, variants[v].probe)))
            s = FACE_NONE;
    }
    if (m)
        FcPatternDestroy(m);
    return s;
}

int fonts_use_language(fonts *f, const char *language)
{
    if (!f)
        return 0;
    int v = language ? variant_of(language) : f->base_variant;
    if (v == f->base_variant && f->configured)
        v = 0; /* the configured font is for the configured language */
    if (v > 0 && !f->var_tried[v]) {
        f->var_tried[v] = true;
        for (int b = 0; b < 2; b++)
            f->var_primary[v][b] = variant_face(f, v, b);
        if (f->var_primary[v][0] < 0 || f->var_primary[v][1] < 0) {
            LOG_WARN("no %s font through fontconfig: the primary font sets %s text",
                     variants[v].fc_lang, language ? language : "such");
            f->var_primary[v][0] = f->var_primary[v][1] = FACE_NONE;
        }
    }
    if (v > 0 && f->var_primary[v][0] < 0)
        v = 0;
    f->variant = v;
    for (int b = 0; b < 2; b++)
        f->primary[b] = f->var_primary[v][b];
    return v;
}

/* ---- measure cache ---- */

static uint64_t measure_hash(const char *s, size_t n, int px, bool bold)
{
    uint32_t size = (uint32_t)px << 1 | (bold ? 1u : 0u);
    return hash_more(hash_bytes(s, n), &size, sizeof size);
}

static void measure_clear(fonts *f)
{
    for (int i = 0; i < f->measure_slots; i++) {
        free(f->measure[i].text);
        f->measure[i].text = NULL;
    }
    f->n_measure = 0;
}

static measure_entry *measure_slot(fonts *f, const char *s, size_t n, uint64_t h, int px,
                                   bool bold)
{
    size_t mask = (size_t)f->measure_slots - 1;
    size_t i = (size_t)h & mask;
    for (;;) {
        measure_entry *e = &f->measure[i];
        if (!e->text)
            return e;
        if (e->hash == h && e->len == n && e->px == px && e->bold == bold &&
            memcmp(e->text, s, n) == 0)
            return e;
        i = (i + 1) & mask;
    }
}

/* Doubles the measure table while it is half full and below its cap. */
static void measure_grow(fonts *f)
{
    if (f->n_measure < f->measure_slots / 2 || f->measure_slots >= MEASURE_SLOTS)
        return;
    measure_entry *old = f->measure;
    int n = f->measure_slots;
    f->measure_slots *= 2;
    f->measure = xcalloc((size_t)f->measure_slots, sizeof *f->measure);
    for (int i = 0; i < n; i++)
        if (old[i].text)
            *measure_slot(f, old[i].text, old[i].len, old[i].hash, old[i].px,
                          old[i].bold) = old[i];
    free(old);
}

static void measure_put(fonts *f, const char *s, size_t n, uint64_t h, int px, bool bold,
                        int width)
{
    if (n > MEASURE_MAX_TEXT)
        return;
    if (f->n_measure >= MEASURE_MAX)
        measure_clear(f);
    measure_grow(f);
    measure_entry *e = measure_slot(f, s, n, h, px, bold);
    char *copy = xstrndup(s, n);
    *e = (measure_entry){copy, n, h, px, width, bold};
    f->n_measure++;
}

/* ---- public ---- */

fonts *fonts_create(const char *regular, const char *bold, const char *language)
{
    fonts *f = xcalloc(1, sizeof *f);
    f->cps = xcalloc(CP_SLOTS, sizeof *f->cps);
    f->measure_slots = f->adv_slots = CACHE_SLOTS_MIN;
    f->measure = xcalloc(CACHE_SLOTS_MIN, sizeof *f->measure);
    f->adv = xcalloc(CACHE_SLOTS_MIN, sizeof *f->adv);
    fc_lang_from(language, f->fc_lang, sizeof f->fc_lang);
    f->bundled[0] = bundled_add(f, BUNDLED_REGULAR);
    f->bundled[1] = bundled_add(f, BUNDLED_BOLD);
    f->primary[0] = primary_add(f, regular, f->bundled[0], BUNDLED_REGULAR);
    f->primary[1] = primary_add(f, bold, f->bundled[1], BUNDLED_BOLD);
    if (f->primary[0] < 0 && f->primary[1] < 0) {
        LOG_ERR("no usable font: neither the configured nor the bundled one opens");
        fonts_destroy(f);
        return NULL;
    }
    if (f->primary[1] < 0) /* regular outlines, emboldened */
        f->primary[1] =
            file_add(f, f->src[f->primary[0]].path, f->src[f->primary[0]].index, true);
    if (f->primary[0] < 0)
        f->primary[0] = f->primary[1];
    LOG_INFO("primary faces %s and %s", f->src[f->primary[0]].path,
             f->src[f->primary[1]].path);
    f->var_primary[0][0] = f->primary[0];
    f->var_primary[0][1] = f->primary[1];
    f->configured = (regular && regular[0]) || (bold && bold[0]);
    f->base_variant = variant_of(language);
    fonts_use_language(f, NULL);
    return f;
}

void fonts_destroy(fonts *f)
{
    if (!f)
        return;
    for (int i = 0; i < f->n_open; i++)
        open_close(&f->open[i]);
    for (int i = 0; i < f->n_src; i++) {
        free(f->src[i].path);
        if (f->src[i].map)
            munmap(f->src[i].map, f->src[i].map_len);
    }
    for (int b = 0; b < 2; b++)
        if (f->fc_set[b])
            FcFontSetDestroy(f->fc_set[b]);
    if (f->fc)
        FcConfigDestroy(f->fc);
    fonts_destroy(f->mono);
    if (f->measure)
        measure_clear(f);
    free(f->measure);
    free(f->cps);
    free(f->adv);
    free(f);
}

static int clamp_px(int px)
{
    return px > MAX_PX ? MAX_PX : px;
}

int fonts_width(fonts *f, const char *utf8, size_t len, int px, bool bold)
{
    if (!f || !utf8 || len == 0 || px <= 0)
        return 0;
    px = clamp_px(px);
    int key_px = px | f->variant << 16; /* the same text in another face */
    uint64_t h = measure_hash(utf8, len, key_px, bold);
    measure_entry *e = measure_slot(f, utf8, len, h, key_px, bold);
    if (e->text) {
        f->hits++;
        return e->width;
    }
    f->misses++;
    int w = line_width(f, utf8, len, px, bold);
    measure_put(f, utf8, len, h, key_px, bold, w);
    return w;
}

/* Adds a run's coverage to dst (same colour everywhere, so only alpha
 * needs combining): a = src + dst * (1 - src). */
static void merge_alpha(SDL_Surface *dst, SDL_Surface *src, int x0, int y0, int clip_l,
                        int clip_r)
{
    /* SDL_ttf's blended surfaces are ARGB8888 already: read in place. */
    SDL_Surface *s = src->format->format == SDL_PIXELFORMAT_ARGB8888
                         ? src
                         : SDL_ConvertSurfaceFormat(src, SDL_PIXELFORMAT_ARGB8888, 0);
    if (!s)
        return;
    for (int y = 0; y < s->h; y++) {
        int dy = y0 + y;
        if (dy < 0 || dy >= dst->h)
            continue;
        const Uint32 *sp = (const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch);
        Uint32 *dp = (Uint32 *)((Uint8 *)dst->pixels + dy * dst->pitch);
        for (int x = 0; x < s->w; x++) {
            int dx = x0 + x;
            if (dx < 0 || dx >= dst->w || dx < clip_l || dx >= clip_r)
                continue;
            Uint32 sa = sp[x] >> 24, da = dp[dx] >> 24;
            Uint32 a = sa + da * (255 - sa) / 255;
            dp[dx] = (a << 24) | (dp[dx] & 0xffffff);
        }
    }
    if (s != src)
        SDL_FreeSurface(s);
}

static void fill_alpha(SDL_Surface *dst, int x, int y, int w, int h, Uint8 alpha)
{
    for (int r = y; r < y + h; r++) {
        if (r < 0 || r >= dst->h)
            continue;
        Uint32 *dp = (Uint32 *)((Uint8 *)dst->pixels + r * dst->pitch);
        for (int c = x; c < x + w; c++)
            if (c >= 0 && c < dst->w)
                dp[c] = ((Uint32)alpha << 24) | (dp[c] & 0xffffff);
    }
}

/* Hollow boxes, one per missing character, each one em wide, covering the
 * ideographic em box above the baseline. */
static void draw_boxes(SDL_Surface *dst, int count, int x, int baseline, int px,
                       Uint8 alpha)
{
    int t = px / 16 > 1 ? px / 16 : 1;
    int inset = px / 10;
    int top = baseline - px * 88 / 100 + inset / 2, bottom = baseline + px * 12 / 100;
    int w = px - 2 * inset, h = bottom - top;
    if (w < 2 * t + 1 || h < 2 * t + 1)
        return;
    for (int i = 0; i < count; i++) {
        int l = x + i * box_advance(px) + inset;
        fill_alpha(dst, l, top, w, t, alpha);
        fill_alpha(dst, l, bottom - t, w, t, alpha);
        fill_alpha(dst, l, top, t, h, alpha);
        fill_alpha(dst, l + w - t, top, t, h, alpha);
    }
}

/* Draws [i, j) of one face at x, pw wide: an adjusted glyph shifted by its
 * pre and left cut, and clipped to its box so a cut half never shows. */
static void draw_piece(fonts *f, SDL_Surface *dst, TTF_Font *font, int i, int j, int x,
                       int pw, int baseline, SDL_Color color)
{
    /* NULL also for a run of only invisible characters: nothing to draw. */
    const char *rtl = rtl_script(f, i, j);
    if (rtl)
        set_rtl(font, rtl);
    SDL_Surface *s = TTF_RenderUTF8_Blended(font, run_text(f, i, j), color);
    if (rtl)
        set_rtl(font, NULL);
    if (!s)
        return;
    int y = baseline - TTF_FontAscent(font);
    if (adjusted(f, i)) {
        int box = x + f->line_pre[i];
        merge_alpha(dst, s, box - f->line_cut_l[i], y, box, x + pw);
    } else {
        merge_alpha(dst, s, x, y, 0, dst->w);
    }
    SDL_FreeSurface(s);
}

/* Draws the run [start, end) at x; returns its advance. */
static int draw_run(fonts *f, SDL_Surface *dst, int start, int end, int x, int baseline,
                    int px, bool bold, SDL_Color color)
{
    int face = f->line_face[start];
    int w = run_width(f, start, end, px, bold); /* reports missing characters */
    TTF_Font *font = face >= 0 ? font_get(f, face, px) : NULL;
    if (!font) {
        draw_boxes(dst, end - start, x, baseline, px, color.a);
        return w;
    }
    for (int i = start, px0 = x; i < end;) {
        int j = piece_end(f, i, end);
        int pw = piece_width(f, face, font, i, j, px);
        draw_piece(f, dst, font, i, j, px0, pw, baseline, color);
        px0 += pw;
        i = j;
    }
    return w;
}

/* The line on a surface at least min_w wide (the line at its left, the
 * rest clear). */
static SDL_Surface *render_line(fonts *f, const char *utf8, size_t len, int px, bool bold,
                                SDL_Color color, int min_w)
{
    if (!f || !utf8 || len == 0 || px <= 0)
        return NULL;
    px = clamp_px(px);
    int width = fonts_width(f, utf8, len, px, bold);
    int ascent = fonts_ascent(f, px, bold), height = fonts_height(f, px, bold);
    if (width <= 0 || height <= 0)
        return NULL;
    int surface_w = min_w > width && min_w <= MAX_SURFACE_W ? min_w : width;
    SDL_Surface *dst = SDL_CreateRGBSurfaceWithFormat(0, surface_w, height, 32,
                                                      SDL_PIXELFORMAT_ARGB8888);
    if (!dst) {
        LOG_ERR("cannot make a %dx%d text surface: %s", surface_w, height,
                SDL_GetError());
        return NULL;
    }
    SDL_FillRect(dst, NULL, SDL_MapRGBA(dst->format, color.r, color.g, color.b, 0));
    SDL_SetSurfaceBlendMode(dst, SDL_BLENDMODE_BLEND);
    line_prepare(f, utf8, len, bold);
    line_adjust(f, px);
    int x = 0;
    for (int i = 0; i < f->line_n && x < width;) {
        int end = run_end(f, i);
        x += draw_run(f, dst, i, end, x, ascent, px, bold, color);
        i = end;
    }
    return dst;
}

SDL_Surface *fonts_render(fonts *f, const char *utf8, size_t len, int px, bool bold,
                          SDL_Color color)
{
    return render_line(f, utf8, len, px, bold, color, 0);
}

static TTF_Font *primary_font(fonts *f, int px, bool bold)
{
    if (!f || px <= 0)
        return NULL;
    return font_get(f, f->primary[bold], clamp_px(px));
}

int fonts_ascent(fonts *f, int px, bool bold)
{
    TTF_Font *font = primary_font(f, px, bold);
    return font ? TTF_FontAscent(font) : px;
}

int fonts_height(fonts *f, int px, bool bold)
{
    TTF_Font *font = primary_font(f, px, bold);
    return font ? TTF_FontHeight(font) : px * 3 / 2;
}

bool fonts_has_glyph(fonts *f, uint32_t cp)
{
    return fonts_face_for(f, cp, false, NULL) != FONTS_FACE_NONE;
}

enum fonts_face fonts_face_for(fonts *f, uint32_t cp, bool bold, const char **path)
{
    if (path)
        *path = NULL;
    if (!f || cp > 0x10ffff)
        return FONTS_FACE_NONE;
    int s = f->primary[bold];
    enum fonts_face kind = FONTS_FACE_PRIMARY;
    if (!file_has(f, s, cp)) {
        s = fallback_for(f, cp, bold)->src;
        kind = FONTS_FACE_FALLBACK;
    }
    if (s < 0)
        return FONTS_FACE_NONE;
    if (path)
        *path = f->src[s].path;
    return kind;
}

fonts_stats fonts_get_stats(const fonts *f)
{
    fonts_stats st = {0};
    if (!f)
        return st;
    st.measure_hits = f->hits;
    st.measure_misses = f->misses;
    st.measure_entries = f->n_measure;
    st.files = f->n_src;
    for (int i = 0; i < f->n_open; i++)
        st.open_fonts++;
    return st;
}

/* fontconfig's monospace face for the language ("Noto Sans Mono CJK SC"
 * for zh-cn) as "file#index" in out, or false when it has none that is
 * monospaced. */
static bool mono_file(fonts *f, char *out, size_t cap)
{
    FcConfig *fc = fc_config(f);
    if (!fc)
        return false;
    FcPattern *pat = FcPatternCreate();
    if (!pat)
        abort();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"monospace");
    FcPatternAddString(pat, FC_LANG, (const FcChar8 *)f->fc_lang);
    FcConfigSubstitute(fc, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *m = FcFontMatch(fc, pat, &res);
    FcPatternDestroy(pat);
    FcChar8 *file = NULL, *family = NULL;
    int index = 0, spacing = FC_PROPORTIONAL;
    bool ok = m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch;
    if (ok) {
        FcPatternGetInteger(m, FC_INDEX, 0, &index);
        FcPatternGetInteger(m, FC_SPACING, 0, &spacing);
        FcPatternGetString(m, FC_FAMILY, 0, &family);
        ok = spacing == FC_MONO || spacing == FC_DUAL ||
             (family && strstr((const char *)family, "Mono"));
        ok = ok && snprintf(out, cap, "%s#%d", (const char *)file, index) < (int)cap;
    }
    if (m)
        FcPatternDestroy(m);
    return ok;
}

/* The faces for code: fontconfig's monospace face over this set's
 * fallbacks, or NULL (the regular face is used). */
static fonts *mono_fonts(fonts *f)
{
    if (f->mono_tried)
        return f->mono;
    f->mono_tried = true;
    char spec[PATH_MAX + 16];
    if (mono_file(f, spec, sizeof spec))
        f->mono = fonts_create(spec, spec, f->fc_lang);
    if (!f->mono)
        LOG_INFO("no monospace face: code is set in the regular face");
    return f->mono;
}

int fonts_width_mono(fonts *f, const char *utf8, size_t len, int px)
{
    fonts *m = mono_fonts(f);
    return fonts_width(m ? m : f, utf8, len, px, false);
}

SDL_Surface *fonts_render_mono(fonts *f, const char *utf8, size_t len, int px,
                               SDL_Color color)
{
    fonts *m = mono_fonts(f);
    return fonts_render(m ? m : f, utf8, len, px, false, color);
}

SDL_Surface *fonts_render_coverage(fonts *f, const char *utf8, size_t len, int px,
                                   bool bold, bool mono, int min_w)
{
    static const SDL_Color white = {0xff, 0xff, 0xff, 0xff};
    fonts *m = mono && f ? mono_fonts(f) : NULL;
    return render_line(m ? m : f, utf8, len, px, bold && !mono, white, min_w);
}

static int measure_cb(void *ctx, const char *utf8, size_t len, int px, bool bold)
{
    return fonts_width(ctx, utf8, len, px, bold);
}

static int measure_mono_cb(void *ctx, const char *utf8, size_t len, int px)
{
    return fonts_width_mono(ctx, utf8, len, px);
}

static void language_cb(void *ctx, const char *language)
{
    fonts_use_language(ctx, language);
}

layout_measure fonts_measure(fonts *f)
{
    return (layout_measure){.ctx = f,
                            .width = measure_cb,
                            .width_mono = measure_mono_cb,
                            .language = language_cb};
}

void fonts_positions(fonts *f, const char *utf8, size_t len, int px, bool bold, int *x)
{
    for (size_t b = 0; b <= len; b++)
        x[b] = 0;
    if (!f || !utf8 || len == 0 || px <= 0)
        return;
    px = clamp_px(px);
    line_prepare(f, utf8, len, bold);
    line_adjust(f, px);
    int pen = 0;
    for (int i = 0; i < f->line_n;) {
        int end = run_end(f, i), face = f->line_face[i];
        TTF_Font *font = face >= 0 ? font_get(f, face, px) : NULL;
        for (int k = i; k < end; k++) {
            int w = font ? piece_width(f, face, font, k, k + 1, px) : box_advance(px);
            /* Its bytes, and those of control characters after it. */
            size_t stop = k + 1 < f->line_n ? f->line_off[k + 1] : len;
            for (size_t b = f->line_off[k]; b < stop; b++)
                x[b] = pen;
            pen += w;
        }
        i = end;
    }
    x[len] = fonts_width(f, utf8, len, px, bold);
}
