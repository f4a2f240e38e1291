/* fonts: the bundled font's coverage, measuring, fallback through
 * fontconfig, the replacement box, and rendering with the real SDL software
 * renderer. Real fonts only: the bundled subset and Debian's system fonts. */
#define LOG_MODULE "test"
#include <fontconfig/fontconfig.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "fonts.h"
#include "log.h"
#include "test.h"
#include "util.h"

#define UNIHAN "/usr/share/unicode/Unihan_OtherMappings.txt.bz2"

static const SDL_Color red = {200, 30, 40, 255};

static int width_of(fonts *f, const char *s, int px)
{
    return fonts_width(f, s, strlen(s), px, false);
}

/* Pixels with at least half coverage; *wrong counts those whose RGB is
 * not the requested colour. */
static int ink(const SDL_Surface *s, SDL_Color c, int *wrong)
{
    int n = 0;
    if (wrong)
        *wrong = 0;
    for (int y = 0; y < s->h; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch);
        for (int x = 0; x < s->w; x++) {
            Uint8 r, g, b, a;
            SDL_GetRGBA(row[x], s->format, &r, &g, &b, &a);
            if (a < 128)
                continue;
            n++;
            if (wrong && (r != c.r || g != c.g || b != c.b))
                (*wrong)++;
        }
    }
    return n;
}

static int ink_of(fonts *f, const char *s, int px, bool bold)
{
    SDL_Surface *surf = fonts_render(f, s, strlen(s), px, bold, red);
    if (!surf)
        return -1;
    int n = ink(surf, red, NULL);
    SDL_FreeSurface(surf);
    return n;
}

/* The 8,105 kTGH characters, through bzcat; count 0 if unicode-data is
 * missing. Caller frees. */
static uint32_t *read_tgh(int *count)
{
    *count = 0;
    if (access(UNIHAN, R_OK) != 0)
        return NULL;
    FILE *p = popen("bzcat " UNIHAN, "r");
    if (!p)
        return NULL;
    uint32_t *cps = xmalloc(10000 * sizeof *cps);
    char line[256];
    while (fgets(line, sizeof line, p) && *count < 10000) {
        unsigned cp;
        char field[16];
        if (sscanf(line, "U+%x\t%15s", &cp, field) == 2 && strcmp(field, "kTGH") == 0)
            cps[(*count)++] = cp;
    }
    pclose(p);
    return cps;
}

/* Appends cp as UTF-8 and a NUL. */
static void put_utf8(uint32_t cp, char *o)
{
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        o[3] = '\0';
        return;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    o[4] = '\0';
}

static void test_against_sdl_ttf(fonts *f, const uint32_t *tgh, int n_tgh);

static void test_coverage(fonts *f)
{
    int n;
    uint32_t *cps = read_tgh(&n);
    if (n == 0) {
        SKIP("kTGH coverage: %s not readable (Debian package unicode-data)", UNIHAN);
        free(cps);
        return;
    }
    CHECKF(n == 8105, "%d kTGH characters", n);
    int missing = 0, missing_bold = 0, not_has = 0;
    for (int i = 0; i < n; i++) {
        if (fonts_face_for(f, cps[i], false, NULL) != FONTS_FACE_PRIMARY)
            missing++;
        if (fonts_face_for(f, cps[i], true, NULL) != FONTS_FACE_PRIMARY)
            missing_bold++;
        if (!fonts_has_glyph(f, cps[i]))
            not_has++;
    }
    CHECKF(missing == 0, "%d of %d not in the regular primary face", missing, n);
    CHECKF(missing_bold == 0, "%d of %d not in the bold primary face", missing_bold, n);
    CHECKF(not_has == 0, "%d without a glyph", not_has);
    printf("kTGH: %d characters, all in the bundled regular and bold faces: %s\n", n,
           missing + missing_bold == 0 ? "yes" : "no");
    test_against_sdl_ttf(f, cps, n);
    free(cps);
}

/* Sum of coverage in columns [x0, x1) of a rendered line. */
static long col_ink(const SDL_Surface *s, int x0, int x1)
{
    long sum = 0;
    for (int y = 0; y < s->h; y++)
        for (int x = x0 < 0 ? 0 : x0; x < x1 && x < s->w; x++)
            sum += ((const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch))[x] >> 24;
    return sum;
}

static long clreq_ink_of(fonts *f, const char *s, int px)
{
    SDL_Surface *r = fonts_render(f, s, strlen(s), px, false, red);
    long v = r ? col_ink(r, 0, r->w) : 0;
    SDL_FreeSurface(r);
    return v;
}

/* clreq: punctuation compression, text-autospace and "——" (issue 11). Each
 * case a line and its width in quarter ems at 40 px (the bundled face sets
 * Han, ，。？：“”（）《》 one em wide, closing marks inked in the left
 * half, opening ones in the right). */
static void test_clreq(fonts *f)
{
    static const struct {
        const char *text;
        int quarters;
    } cases[] = {
        {"好，好", 12},    /* a mark between Han: full width */
        {"好，", 6},       /* at the line's end: half */
        {"（好", 6},       /* an opening bracket at the start: half */
        {"好：“好", 14},   /* adjacent marks: one half em less */
        {"好？”好", 14},   /* ? with its blank half cut, ” full */
        {"好）。", 8},     /* ） half before 。, 。 half at the end */
        {"好》，好", 14},  /* 》 half before ， */
        {"好（（好", 14},  /* the second opening bracket half */
        {"用iPhone", 18},  /* a quarter em between Han and Latin */
        {"用 iPhone", 18}, /* the same with a space */
        {"——", 8},         /* two em */
        {"……", 8},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *t = cases[i].text;
        int w = width_of(f, t, 40), want = cases[i].quarters * 10;
        if (strstr(t, "iPhone"))
            want = width_of(f, "用", 40) + 10 + width_of(f, "iPhone", 40);
        CHECKF(w == want, "%s: %d px, want %d", t, w, want);
        SDL_Surface *r = fonts_render(f, t, strlen(t), 40, false, red);
        CHECKF(r && r->w == w, "%s: rendered %d wide, measured %d", t, r ? r->w : -1, w);
        SDL_FreeSurface(r);
    }
    CHECK(width_of(f, "用iPhone", 40) == width_of(f, "用 iPhone", 40));
    /* Cutting a blank half loses no ink, and each mark is drawn in its box:
     * 好 [0,40) ？ [40,60) ” [60,100) 好 [100,140). */
    SDL_Surface *r = fonts_render(f, "好？”好", strlen("好？”好"), 40, false, red);
    long all = clreq_ink_of(f, "好？", 40) + clreq_ink_of(f, "”好", 40);
    CHECK(r != NULL);
    if (r) {
        long got = col_ink(r, 0, r->w);
        CHECKF(labs(got - all) * 50 < all, "ink %ld, parts %ld", got, all);
        long q = clreq_ink_of(f, "？", 40), dq = clreq_ink_of(f, "”", 40);
        CHECKF(labs(col_ink(r, 40, 60) - q) * 10 < q, "？ ink %ld of %ld in its half",
               col_ink(r, 40, 60), q);
        CHECKF(labs(col_ink(r, 60, 100) - dq) * 10 < dq, "” ink %ld of %ld",
               col_ink(r, 60, 100), dq);
        SDL_FreeSurface(r);
    }
    /* Positions for justification agree with the drawn line. */
    const char *line = "好？”好";
    int x[32];
    fonts_positions(f, line, strlen(line), 40, false, x);
    CHECKF(x[3] == 40 && x[6] == 60 && x[9] == 100 && x[12] == 140, "%d %d %d %d", x[3],
           x[6], x[9], x[12]);
}

static void test_symbols(fonts *f)
{
    static const uint32_t syms[] = {0x25cf, 0x2022, 0xb7,   0x2014, 0x2013, 0x2026,
                                    0x2103, 0x2116, 0x2192, 0x2190, 0x2191, 0x2193,
                                    0xff0c, 0x3002, 0x3001, 0x300c, 0xff08, 0x33a1,
                                    0x2605, 0x2160, 0x41,   0xe9,   0x01ce, 0x3000};
    for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++)
        CHECKF(fonts_face_for(f, syms[i], false, NULL) == FONTS_FACE_PRIMARY,
               "U+%04X not in the primary face", (unsigned)syms[i]);
    for (uint32_t c = 0x2460; c <= 0x2473; c++) /* ①..⑳ */
        CHECKF(fonts_face_for(f, c, false, NULL) == FONTS_FACE_PRIMARY, "U+%04X",
               (unsigned)c);
    const char *path = NULL;
    fonts_face_for(f, 0x4e2d, false, &path);
    CHECKF(path && strstr(path, "NotoSansCJKsc-Subset-Regular.otf"), "primary is %s",
           path ? path : "(none)");
    fonts_face_for(f, 0x4e2d, true, &path);
    CHECKF(path && strstr(path, "NotoSansCJKsc-Subset-Bold.otf"), "bold is %s",
           path ? path : "(none)");
}

static void test_widths(fonts *f)
{
    int comma = width_of(f, "，", 40);
    CHECKF(comma > 0 && comma <= 40, "width of ， = %d", comma);
    CHECK(width_of(f, "", 40) == 0);
    CHECK(fonts_width(f, "abc", 0, 40, false) == 0);
    CHECK(width_of(f, "中", 0) == 0);
    int zh = width_of(f, "园岭街道", 48);
    CHECKF(zh >= 4 * 46 && zh <= 4 * 50, "园岭街道 at 48 px = %d", zh);
    /* A mixed line equals the sum of its parts within 1 px per cut. */
    const char *parts[] = {"2024年6月28日", "社区通知", "Wi-Fi 5.2%", "请留意"};
    char whole[256] = "";
    int sum = 36 / 4; /* text-autospace between 知 and W */
    for (size_t i = 0; i < 4; i++) {
        strcat(whole, parts[i]);
        sum += width_of(f, parts[i], 36);
    }
    int w = width_of(f, whole, 36);
    CHECKF(abs(w - sum) <= 4, "whole %d, parts %d", w, sum);
    /* Wider at a bigger size, bold not narrower. */
    CHECK(width_of(f, "通知", 72) > width_of(f, "通知", 36));
    CHECK(fonts_width(f, "通知", 6, 36, true) >= fonts_width(f, "通知", 6, 36, false));
    /* Control characters have no width; invalid UTF-8 does not crash. */
    CHECK(width_of(f, "中\t文", 40) == width_of(f, "中文", 40));
    CHECK(width_of(f, "\xff\xfe\xc3", 40) > 0);
    CHECK(fonts_width(f, "中文", 3, 40, false) == width_of(f, "中", 40));
    int asc = fonts_ascent(f, 48, false), h = fonts_height(f, 48, false);
    CHECKF(asc > 30 && asc < h && h < 100, "ascent %d height %d", asc, h);
}

/* fonts_width sums cached advances for CJK characters instead of shaping
 * every call: it must agree with SDL_ttf's own shaped width, and a line of
 * the primary face must render exactly as SDL_ttf renders it. */
static void test_against_sdl_ttf(fonts *f, const uint32_t *tgh, int n_tgh)
{
    const char *path = NULL;
    fonts_face_for(f, 0x4e2d, false, &path);
    if (!path || n_tgh == 0)
        return;
    static const int sizes[] = {17, 32, 48, 75};
    int differ = 0, far = 0, total = 0;
    srand(7);
    for (int si = 0; si < 4; si++) {
        TTF_Font *font = TTF_OpenFont(path, sizes[si]);
        CHECK(font != NULL);
        if (!font)
            continue;
        for (int rep = 0; rep < 50; rep++, total++) {
            char buf[512] = "";
            for (int k = 0; k < 30; k++) {
                /* No pair of marks, none at an end and no Latin next to Han:
                 * nothing that clreq adjusts (test_clreq has those). */
                static const char *const extra[] = {"，", "。", "（", "）", "“",
                                                    "”",  "：", "《", "》", "℃"};
                uint32_t cp = tgh[rand() % n_tgh];
                if (k > 0 && k < 29 && rand() % 4 == 0) {
                    strcat(buf, extra[rand() % 10]);
                    k++;
                    put_utf8(cp, buf + strlen(buf));
                    continue;
                }
                put_utf8(cp, buf + strlen(buf));
            }
            int w = 0;
            TTF_SizeUTF8(font, buf, &w, NULL);
            int ours = fonts_width(f, buf, strlen(buf), sizes[si], false);
            differ += ours != w;
            far += abs(ours - w) > 1;
        }
        TTF_CloseFont(font);
    }
    /* Latin and symbol segments are shaped apart from the CJK around them, so
     * sub-pixel positions round once per segment: 1 px at most. */
    CHECKF(far == 0, "%d of %d random lines off by more than 1 px", far, total);
    printf("fonts_width vs TTF_SizeUTF8 on %d random lines: %d exact, %d off by 1 px\n",
           total, total - differ, differ - far);

    const char *line = "园岭街道社区通知：六月廿八日（周五）起，请留意℃变化";
    TTF_Font *font = TTF_OpenFont(path, 40);
    SDL_Surface *ours = fonts_render(f, line, strlen(line), 40, false, red);
    SDL_Surface *theirs = font ? TTF_RenderUTF8_Blended(font, line, red) : NULL;
    CHECK(ours && theirs);
    if (ours && theirs) {
        CHECKF(ours->w == theirs->w && ours->h == theirs->h, "%dx%d vs %dx%d", ours->w,
               ours->h, theirs->w, theirs->h);
        int bad = 0;
        for (int y = 0; y < ours->h && y < theirs->h; y++)
            for (int x = 0; x < ours->w && x < theirs->w; x++) {
                Uint32 a = ((Uint32 *)((Uint8 *)ours->pixels + y * ours->pitch))[x];
                Uint32 b = ((Uint32 *)((Uint8 *)theirs->pixels + y * theirs->pitch))[x];
                bad += abs((int)(a >> 24) - (int)(b >> 24)) > 1;
            }
        CHECKF(bad == 0, "%d pixels differ from SDL_ttf's rendering", bad);
    }
    SDL_FreeSurface(ours);
    SDL_FreeSurface(theirs);
    if (font)
        TTF_CloseFont(font);
}

/* Whether fontconfig lists a font matching pat (destroyed here). */
static bool fc_lists(FcPattern *pat)
{
    FcObjectSet *os = FcObjectSetBuild(FC_FILE, (char *)NULL);
    FcFontSet *set = FcFontList(NULL, pat, os);
    bool any = set && set->nfont > 0;
    if (set)
        FcFontSetDestroy(set);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
    return any;
}

/* True when some font fontconfig lists has cp. */
static bool system_has(uint32_t cp)
{
    FcPattern *pat = FcPatternCreate();
    FcCharSet *cs = FcCharSetCreate();
    FcCharSetAddChar(cs, cp);
    FcPatternAddCharSet(pat, FC_CHARSET, cs);
    FcCharSetDestroy(cs); /* the pattern holds its own reference */
    return fc_lists(pat);
}

/* Alpha masks of two renderings differ in at least some pixels. */
static bool differs(SDL_Surface *a, SDL_Surface *b)
{
    if (a->w != b->w || a->h != b->h)
        return true;
    int diff = 0;
    for (int y = 0; y < a->h; y++) {
        const Uint32 *ra = (const Uint32 *)((const Uint8 *)a->pixels + y * a->pitch);
        const Uint32 *rb = (const Uint32 *)((const Uint8 *)b->pixels + y * b->pitch);
        for (int x = 0; x < a->w; x++)
            diff += (ra[x] >> 31) != (rb[x] >> 31);
    }
    return diff > 20;
}

static void test_fallback_char(fonts *f, uint32_t cp, const char *utf8, const char *what)
{
    if (!system_has(cp)) {
        SKIP("%s (U+%04X): no installed font has it", what, (unsigned)cp);
        return;
    }
    const char *path = NULL;
    enum fonts_face kind = fonts_face_for(f, cp, false, &path);
    CHECKF(kind == FONTS_FACE_FALLBACK, "%s: face kind %d", what, (int)kind);
    printf("%s U+%04X: %s\n", what, (unsigned)cp, path ? path : "(none)");
    SDL_Surface *s = fonts_render(f, utf8, strlen(utf8), 48, false, red);
    SDL_Surface *box = fonts_render(f, "\xee\x80\x80", 3, 48, false, red); /* U+E000 */
    CHECK(s != NULL && box != NULL);
    if (s && box) {
        int wrong, n = ink(s, red, &wrong);
        CHECKF(n > 50 && wrong == 0, "%s: ink %d, wrong colour %d", what, n, wrong);
        CHECKF(differs(s, box), "%s looks like the replacement box", what);
    }
    SDL_FreeSurface(s);
    SDL_FreeSurface(box);
    CHECK(fonts_has_glyph(f, cp));
}

static int alpha_diff(SDL_Surface *a, SDL_Surface *b)
{
    if (a->w != b->w || a->h != b->h)
        return -1;
    int bad = 0;
    for (int y = 0; y < a->h; y++)
        for (int x = 0; x < a->w; x++) {
            Uint32 pa = ((Uint32 *)((Uint8 *)a->pixels + y * a->pitch))[x];
            Uint32 pb = ((Uint32 *)((Uint8 *)b->pixels + y * b->pitch))[x];
            bad += abs((int)(pa >> 24) - (int)(pb >> 24)) > 1;
        }
    return bad;
}

/* An Arabic word is shaped right to left with joined letters: the same
 * pixels as SDL_ttf gives with RTL and the Arabic script set by hand, and
 * not those of its left-to-right default. */
static void test_rtl(fonts *f)
{
    const char *word = "مرحبا", *path = NULL;
    if (fonts_face_for(f, 0x645, false, &path) != FONTS_FACE_FALLBACK)
        return;
    TTF_Font *font = TTF_OpenFont(path, 48); /* fontconfig gave face 0 here */
    SDL_Surface *ours = fonts_render(f, word, strlen(word), 48, false, red);
    SDL_Surface *ltr = font ? TTF_RenderUTF8_Blended(font, word, red) : NULL;
    if (font) {
        TTF_SetFontDirection(font, TTF_DIRECTION_RTL);
        TTF_SetFontScriptName(font, "Arab");
    }
    SDL_Surface *rtl = font ? TTF_RenderUTF8_Blended(font, word, red) : NULL;
    CHECK(ours && ltr && rtl);
    if (ours && ltr && rtl) {
        /* ours is as high as the primary face's line; compare ink widths. */
        SDL_Surface *o = SDL_CreateRGBSurfaceWithFormat(0, rtl->w, rtl->h, 32,
                                                        SDL_PIXELFORMAT_ARGB8888);
        int asc = fonts_ascent(f, 48, false) - TTF_FontAscent(font);
        SDL_Rect src = {0, asc, rtl->w, rtl->h};
        SDL_SetSurfaceBlendMode(ours, SDL_BLENDMODE_NONE);
        SDL_BlitSurface(ours, &src, o, NULL);
        CHECKF(ours->w == rtl->w && alpha_diff(o, rtl) == 0,
               "width %d vs %d, %d px differ", ours->w, rtl->w, alpha_diff(o, rtl));
        CHECK(alpha_diff(o, ltr) != 0);
        SDL_FreeSurface(o);
    }
    SDL_FreeSurface(ours);
    SDL_FreeSurface(ltr);
    SDL_FreeSurface(rtl);
    if (font)
        TTF_CloseFont(font);
}

static void test_fallback(fonts *f)
{
    test_fallback_char(f, 0xac00, "가", "Hangul");
    test_fallback_char(f, 0x20bb7, "\xf0\xa0\xae\xb7", "Extension B");
    test_fallback_char(f, 0x628, "ب", "Arabic");
    test_fallback_char(f, 0x1f389, "\xf0\x9f\x8e\x89", "Emoji"); /* 🎉, Symbola */
    test_rtl(f);
    /* Bold fallback finds a face too, and a mixed line renders run by run. */
    if (system_has(0xac00)) {
        CHECK(fonts_face_for(f, 0xac00, true, NULL) == FONTS_FACE_FALLBACK);
        int a = width_of(f, "通知", 40), b = width_of(f, "가나", 40);
        int ab = width_of(f, "通知가나", 40);
        CHECKF(abs(ab - (a + b)) <= 2, "mixed %d vs %d + %d", ab, a, b);
        CHECK(ink_of(f, "通知가나 ok", 40, true) > ink_of(f, "通知", 40, true));
    }
    /* A colour emoji or symbol: whatever face (or box) it gets, no crash. */
    CHECK(ink_of(f, "通知 \xf0\x9f\x98\x80\xef\xb8\x8f 完", 40, false) > 0);
}

static void test_missing(fonts *f)
{
    CHECK(!fonts_has_glyph(f, 0xe000));
    CHECK(fonts_face_for(f, 0x378, false, NULL) == FONTS_FACE_NONE);
    CHECK(fonts_face_for(f, 0x110000, false, NULL) == FONTS_FACE_NONE);
    const char *pua = "\xee\x80\x81"; /* U+E001, not asked about yet */
    unsigned before = log_problem_count();
    SDL_Surface *a = fonts_render(f, pua, 3, 48, false, red);
    SDL_Surface *b = fonts_render(f, pua, 3, 48, false, red);
    CHECK(fonts_width(f, pua, 3, 30, true) == 30); /* bold: same code point, no log */
    CHECKF(log_problem_count() == before + 1, "%u problems logged",
           log_problem_count() - before);
    CHECK(a && b);
    if (a) {
        CHECKF(a->w == 48, "box advance %d", a->w);
        int n = ink(a, red, NULL);
        /* A hollow square: its outline, not a filled block. */
        CHECKF(n > 4 * 30 && n < 48 * 48 / 2, "box ink %d", n);
    }
    SDL_FreeSurface(a);
    SDL_FreeSurface(b);
    /* The box sits in a line with real glyphs. */
    CHECK(width_of(f, "中\xee\x80\x81文", 48) == width_of(f, "中文", 48) + 48);
}

/* Draws the line with the real software renderer on a white canvas and
 * counts pixels near the text colour. */
static int rendered_pixels(SDL_Surface *line)
{
    SDL_Surface *canvas =
        SDL_CreateRGBSurfaceWithFormat(0, 400, 120, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = canvas ? SDL_CreateSoftwareRenderer(canvas) : NULL;
    if (!r) {
        SDL_FreeSurface(canvas);
        return -1;
    }
    SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
    SDL_RenderClear(r);
    SDL_Texture *t = SDL_CreateTextureFromSurface(r, line);
    SDL_Rect dst = {10, 10, line->w, line->h};
    SDL_RenderCopy(r, t, NULL, &dst);
    SDL_RenderPresent(r);
    int n = 0;
    for (int y = 0; y < canvas->h; y++)
        for (int x = 0; x < canvas->w; x++) {
            Uint32 p = ((Uint32 *)((Uint8 *)canvas->pixels + y * canvas->pitch))[x];
            Uint8 cr, cg, cb;
            SDL_GetRGB(p, canvas->format, &cr, &cg, &cb);
            n += abs(cr - red.r) < 8 && abs(cg - red.g) < 8 && abs(cb - red.b) < 8;
        }
    SDL_DestroyTexture(t);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(canvas);
    return n;
}

static void test_render(fonts *f)
{
    const char *s = "园岭街道";
    SDL_Surface *line = fonts_render(f, s, strlen(s), 48, false, red);
    CHECK(line != NULL);
    if (!line)
        return;
    CHECK(line->format->format == SDL_PIXELFORMAT_ARGB8888);
    CHECK(line->w == width_of(f, s, 48) && line->h == fonts_height(f, 48, false));
    int wrong, n = ink(line, red, &wrong);
    CHECKF(n > 4 * 200 && wrong == 0, "ink %d, wrong colour %d", n, wrong);
    int on_canvas = rendered_pixels(line);
    CHECKF(on_canvas > n / 2, "%d pixels of the colour on the canvas, %d ink", on_canvas,
           n);
    printf("园岭街道 at 48 px: %dx%d, %d ink pixels, %d on a software canvas\n", line->w,
           line->h, n, on_canvas);
    SDL_FreeSurface(line);
    CHECK(fonts_render(f, "", 0, 48, false, red) == NULL);
    CHECK(fonts_render(f, "\n\t", 2, 48, false, red) == NULL);
    CHECK(ink_of(f, s, 48, true) > ink_of(f, s, 48, false)); /* bold is heavier */
    /* A very long line is cut, not refused. */
    size_t len = 3 * 6000;
    char *big = xmalloc(len + 1);
    for (size_t i = 0; i < len; i += 3)
        memcpy(big + i, "字", 3);
    big[len] = '\0';
    int w = fonts_width(f, big, len, 40, false);
    CHECKF(w > 0 && w <= 16384, "long line width %d", w);
    SDL_Surface *ls = fonts_render(f, big, len, 40, false, red);
    CHECK(ls && ls->w == w);
    SDL_FreeSurface(ls);
    free(big);
}

/* Whether fontconfig has a face for lang (fc-list :lang=...). */
static bool fc_has_lang(const char *lang)
{
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_LANG, (const FcChar8 *)lang);
    return fc_lists(pat);
}

/* The face by language, table-driven: the variant and the file that draws
 * a character of it (Noto Sans CJK's collection on Debian). */
static void test_language_faces(fonts *f)
{
    static const struct {
        const char *lang, *fc_lang;
        int variant;
        uint32_t cp;
    } cases[] = {
        {"zh-TW", "zh-tw", 1, 0x8AAA},
        {"zh-Hant", "zh-tw", 1, 0x3002},
        {"zh-Hant-TW", "zh-tw", 1, 0x3002},
        {"zh-HK", "zh-hk", 2, 0x3002},
        {"zh-Hant-HK", "zh-hk", 2, 0x3002},
        {"zh-MO", "zh-hk", 2, 0x3002},
        {"ja", "ja", 3, 0x3042},
        {"ja-JP", "ja", 3, 0x3002},
        {"ko", "ko", 4, 0xD55C},
        {"zh", NULL, 0, 0x3002},
        {"zh-Hans", NULL, 0, 0x3002},
        {"zh-CN", NULL, 0, 0x3002},
        {"en", NULL, 0, 0x3002},
        {NULL, NULL, 0, 0x3002},
    };
    const char *bundled = NULL;
    fonts_use_language(f, NULL);
    fonts_face_for(f, 0x3002, false, &bundled);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (cases[i].fc_lang && !fc_has_lang(cases[i].fc_lang)) {
            printf("no %s font: case %zu skipped\n", cases[i].fc_lang, i);
            continue;
        }
        int v = fonts_use_language(f, cases[i].lang);
        const char *path = NULL;
        enum fonts_face how = fonts_face_for(f, cases[i].cp, false, &path);
        bool is_bundled = path && bundled && strcmp(path, bundled) == 0;
        CHECKF(v == cases[i].variant && how == FONTS_FACE_PRIMARY &&
                   is_bundled == (cases[i].variant == 0),
               "case %zu (%s): variant %d, %s", i, cases[i].lang ? cases[i].lang : "NULL",
               v, path ? path : "none");
    }
    fonts_use_language(f, NULL);
}

/* Where the ink of "。" lies in its em box at px, in em from the box's
 * centre (x right, y down). The em box is the advance wide and the
 * ideographic em box high (0.88 em above the baseline, 0.12 below). */
static bool stop_offset(fonts *f, int px, double *dx, double *dy)
{
    /* "。" before "中", not alone: alone it ends the line and is set half
     * width (clreq); its em box is the first px columns */
    SDL_Surface *s = fonts_render(f, "。中", strlen("。中"), px, false, red);
    if (!s)
        return false;
    int x0 = s->w, x1 = -1, y0 = s->h, y1 = -1;
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < px && x < s->w; x++) {
            Uint32 a =
                ((const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch))[x] >> 24;
            if (a < 128)
                continue;
            x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
            y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
        }
    int base = fonts_ascent(f, px, false), w = px;
    SDL_FreeSurface(s);
    if (x1 < 0)
        return false;
    *dx = ((x0 + x1 + 1) / 2.0 - w / 2.0) / px;
    *dy = ((y0 + y1 + 1) / 2.0 - (base - 0.38 * px)) / px;
    return true;
}

/* A Traditional Chinese "。" is centred in its em box; the Simplified one
 * (the bundled face) sits in the bottom left corner. From the pixels. */
static void test_tc_full_stop(fonts *f)
{
    if (!fc_has_lang("zh-tw")) {
        printf("no zh-tw font: the centred full stop is not checked\n");
        return;
    }
    double dx, dy;
    fonts_use_language(f, "zh-Hans");
    CHECK(stop_offset(f, 120, &dx, &dy));
    CHECKF(dx < -0.2 && dy > 0.2, "SC 。 at %.2f, %.2f em from the centre", dx, dy);
    fonts_use_language(f, "zh-TW");
    CHECK(stop_offset(f, 120, &dx, &dy));
    CHECKF(dx > -0.06 && dx < 0.06 && dy > -0.06 && dy < 0.06,
           "TC 。 at %.2f, %.2f em from the centre", dx, dy);
    printf("TC 。 at %.3f, %.3f em from its em box's centre\n", dx, dy);
    /* Through layout: an item's language reaches the faces it is measured
     * with (layout_measure.language), and the item keeps it for render. */
    fonts_use_language(f, NULL);
    layout_measure m = fonts_measure(f);
    layout_params p = {.screen_w = 1920, .screen_h = 1080, .language = "zh-TW"};
    layout_item *it = layout_item_create(&p, &m, "說明", "今日停水。");
    const char *tc = NULL;
    fonts_face_for(f, 0x3002, false, &tc);
    CHECK(it->language && strcmp(it->language, "zh-TW") == 0 && tc && strstr(tc, "CJK"));
    layout_item_destroy(it);
    fonts_use_language(f, NULL);
}

/* Measuring a page twice: the second pass comes from the cache. */
static void test_measure_cache(fonts *f)
{
    layout_measure m = fonts_measure(f);
    const char *text = "社区卫生服务中心将于本周六上午九点至十一点在广场开展免费义诊"
                       "活动，请有需要的居民携带身份证和医保卡前往。";
    size_t n = strlen(text);
    fonts_stats s0 = fonts_get_stats(f);
    int first[200], k = 0;
    for (size_t i = 3; i <= n && k < 200; i += 3)
        first[k++] = m.width(m.ctx, text, i, 40, false);
    fonts_stats s1 = fonts_get_stats(f);
    bool same = true;
    for (int i = 0; i < k; i++)
        same &= m.width(m.ctx, text, (size_t)(i + 1) * 3, 40, false) == first[i];
    fonts_stats s2 = fonts_get_stats(f);
    unsigned long hits = s2.measure_hits - s1.measure_hits;
    unsigned long misses = s2.measure_misses - s1.measure_misses;
    CHECK(same);
    CHECKF(hits == (unsigned long)k && misses == 0, "second pass %lu hits %lu misses",
           hits, misses);
    CHECK(s1.measure_misses - s0.measure_misses >= (unsigned long)k - 1);
    for (int i = 1; i < k; i++)
        CHECK(first[i] >= first[i - 1]);
    printf("measure cache: first pass %lu misses, second pass %lu/%d hits (%.0f%%), "
           "%d entries, %d fonts open\n",
           s1.measure_misses - s0.measure_misses, hits, k, 100.0 * (double)hits / k,
           s2.measure_entries, s2.open_fonts);
    /* Over the cap the cache starts over instead of growing. */
    char buf[32];
    for (int i = 0; i < 20000; i++) {
        int len = snprintf(buf, sizeof buf, "%d", i);
        fonts_width(f, buf, (size_t)len, 20, false);
    }
    CHECK(fonts_get_stats(f).measure_entries <= 16384);
}

/* One open face a font file, whatever the sizes asked: a page's sizes
 * alternate on it, and each size draws as a face opened at that size only. */
static void test_sizes_share_a_face(fonts *f)
{
    static const int px[] = {30, 60, 84, 41, 60, 30, 112};
    const char *s = "社区服务 2025 年";
    size_t n = strlen(s);
    bool same = true;
    for (size_t i = 0; i < sizeof px / sizeof *px; i++) {
        for (int bold = 0; bold < 2; bold++) {
            SDL_Surface *a = fonts_render(f, s, n, px[i], bold, red);
            fonts *fresh = fonts_create("", "", "zh-CN");
            SDL_Surface *b = fresh ? fonts_render(fresh, s, n, px[i], bold, red) : NULL;
            bool eq = a && b && a->w == b->w && a->h == b->h && a->pitch == b->pitch &&
                      memcmp(a->pixels, b->pixels, (size_t)a->pitch * (size_t)a->h) == 0;
            CHECKF(eq, "%d px%s drawn differently after other sizes", px[i],
                   bold ? " bold" : "");
            same &= eq;
            SDL_FreeSurface(a);
            SDL_FreeSurface(b);
            fonts_destroy(fresh);
        }
    }
    fonts_stats st = fonts_get_stats(f);
    CHECKF(st.open_fonts <= st.files, "%d fonts open for %d files", st.open_fonts,
           st.files);
    printf("%zu sizes, regular and bold: %d fonts open for %d files, pixels %s\n",
           sizeof px / sizeof *px, st.open_fonts, st.files, same ? "the same" : "differ");
}

static void test_configured(void)
{
    unsigned before = log_problem_count();
    fonts *f = fonts_create("/nonexistent/font.ttf", "", "zh-CN");
    CHECK(f != NULL);
    CHECK(log_problem_count() > before);
    const char *path = NULL;
    if (f)
        fonts_face_for(f, 0x4e2d, false, &path);
    CHECKF(path && strstr(path, "Subset-Regular"), "fell back to %s", path ? path : "-");
    fonts_destroy(f);

    const char *ttc = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
    if (access(ttc, R_OK) != 0) {
        SKIP("configured .ttc face: %s missing (fonts-noto-cjk)", ttc);
        return;
    }
    char spec[128];
    snprintf(spec, sizeof spec, "%s#2", ttc);
    f = fonts_create(spec, NULL, "zh");
    if (f)
        fonts_face_for(f, 0xac00, false, &path); /* Hangul: in the full face */
    CHECKF(f && path && strcmp(path, ttc) == 0, "configured face: %s", path ? path : "-");
    if (f)
        fonts_face_for(f, 0x4e2d, true, &path);
    CHECKF(path && strstr(path, "Subset-Bold"), "bold: %s", path ? path : "-");
    fonts_destroy(f);
    fonts_destroy(NULL);
}

/* With fontconfig seeing no fonts at all, Chinese still renders from the
 * bundled font and a character it lacks becomes a box. */
static void test_empty_fontconfig(void)
{
    char dir[] = "/tmp/test_fonts_XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return;
    }
    char conf[64];
    snprintf(conf, sizeof conf, "%s/fonts.conf", dir);
    FILE *fp = fopen(conf, "w");
    if (fp) {
        fputs("<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n", fp);
        fclose(fp);
    }
    setenv("FONTCONFIG_FILE", conf, 1);
    fonts *f = fonts_create(NULL, NULL, "zh-CN");
    CHECK(f != NULL);
    if (f) {
        CHECK(fonts_face_for(f, 0xac00, false, NULL) == FONTS_FACE_NONE);
        CHECK(ink_of(f, "园岭街道", 48, false) > 4 * 200);
        CHECK(ink_of(f, "园岭가街道", 48, true) > 4 * 200);
        CHECK(width_of(f, "街가", 48) == width_of(f, "街", 48) + 48);
    }
    fonts_destroy(f);
    /* A configured font without Chinese: the bundled one still draws it. */
    const char *dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    f = access(dejavu, R_OK) == 0 ? fonts_create(dejavu, dejavu, "zh-CN") : NULL;
    if (f) {
        const char *path = NULL;
        CHECK(fonts_face_for(f, 'A', false, &path) == FONTS_FACE_PRIMARY);
        CHECK(fonts_face_for(f, 0x56ed, false, &path) == FONTS_FACE_FALLBACK);
        CHECKF(path && strstr(path, "Subset-Regular"), "园 from %s", path ? path : "-");
        CHECK(fonts_face_for(f, 0x56ed, true, &path) == FONTS_FACE_FALLBACK);
        CHECKF(path && strstr(path, "Subset-Bold"), "bold 园 from %s", path ? path : "-");
        CHECK(ink_of(f, "Hello 园岭街道", 48, false) > 4 * 200);
    } else {
        SKIP("configured Latin font: %s missing (fonts-dejavu-core)", dejavu);
    }
    fonts_destroy(f);
    unsetenv("FONTCONFIG_FILE");
    remove(conf);
    rmdir(dir);
}

int main(void)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "SDL/TTF init: %s\n", SDL_GetError());
        return 1;
    }
    fonts *f = fonts_create(NULL, NULL, "zh-CN");
    CHECK(f != NULL);
    if (f) {
        test_coverage(f);
        test_symbols(f);
        test_widths(f);
        test_clreq(f);
        test_fallback(f);
        test_missing(f);
        test_render(f);
        test_measure_cache(f);
        test_language_faces(f);
        test_tc_full_stop(f);
        test_sizes_share_a_face(f);
        fonts_stats st = fonts_get_stats(f);
        printf("font files used: %d, open fonts: %d\n", st.files, st.open_fonts);
    }
    fonts_destroy(f);
    RUN(test_configured);
    RUN(test_empty_fontconfig);
    TTF_Quit();
    SDL_Quit();
    FcFini();
    return test_done("fonts");
}
