#define LOG_MODULE "layout"
#include "layout.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include "linebreak.h"
#include "listline.h"
#include "buf.h"
#include "log.h"
#include "text.h"
#include "util.h"

#define LAYOUT_MAX_TEXT (4u * 1024 * 1024) /* bytes of body laid out, at most */
#define TITLE_LEADING 1.3                  /* title line height / title px */
#define TITLE_SHRINK_STEP 0.05             /* of the start size */
#define TITLE_FLOOR 0.70                   /* smallest title, of the start size */
#define HEADER_LEADING 1.2                 /* the header's height, of the clock px */
#define DATE_ROW 1.5                       /* portrait: the date's row, of its px */
#define FOOTER_BAND 0.05                   /* of the short side */
#define IMAGE_SHARE 0.38                   /* of the body area */
#define POSTER_MAX 1.6      /* a short portrait item's title and body, at most */
#define URGENT_GROW 2.5     /* an urgent body set up to this, of its size */
#define URGENT_BAND 0.11    /* the 紧急通知 band, of the short side */
#define URGENT_META 0.06    /* the times line, of the short side */
#define NOTICE_MAX_CHARS 30 /* a body this short in one paragraph is a notice */
#define NOTICE_SCALE 2.5    /* its largest size, of the body size */
#define NOTICE_LINES 2      /* lines it may take when enlarged */
#define ELLIPSIS "\xE2\x80\xA6\xE2\x80\xA6" /* "……": two em, one unit */
#define TITLE_MAX_LINES LAYOUT_TITLE_LINES
#define TITLE_MAX_SEGS 256                     /* a longer title is set greedily */
#define INDENT_TEXT "\xE3\x80\x80\xE3\x80\x80" /* two ideographic spaces */

/* A piece of text between two break opportunities: [start, end) in the
 * text, trailing spaces from trim to end, w = width of [start, trim). */
typedef struct {
    size_t start, trim, end;
    int w;
} seg;

typedef struct {
    layout_line *v;
    int n;
    size_t cap;
} line_vec;

/* Breaks text into lines at one font size. Owns the segment buffer so
 * that it is allocated once per item, not once per paragraph. */
typedef struct {
    const layout_measure *m;
    linebreak *lb;
    int px;
    bool bold;
    bool mono; /* code: the mono face */
    int space_w;
    bool split;        /* split_graphemes broke a unit since this was last cleared */
    const char *title; /* the item's title */
    const char *carry; /* the rest of it, cut after three lines, or NULL */
    int wide;          /* tables left out as too wide before enlarging */
    seg *segs;
    size_t n_segs, cap_segs;
} composer;

static double clampd(double v, double lo, double hi, double dflt)
{
    if (!(v == v)) /* NaN */
        return dflt;
    return v < lo ? lo : v > hi ? hi : v;
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* A copy of the params with every value in a range that lays out. */
static layout_params sane(const layout_params *p)
{
    layout_params q = *p;
    q.screen_w = clampi(q.screen_w, 64, 16384);
    q.screen_h = clampi(q.screen_h, 64, 16384);
    q.body_size = clampd(q.body_size, 0.01, 0.3, 0.045);
    q.title_size = clampd(q.title_size, 0.01, 0.3, 0.068);
    q.line_spacing = clampd(q.line_spacing, 1.0, 3.0, 1.5);
    q.paragraph_spacing = clampd(q.paragraph_spacing, 0.0, 3.0, 0.5);
    q.margin = clampd(q.margin, 0.0, 0.2, 0.05);
    if (q.reading_speed <= 0)
        q.reading_speed = 300;
    q.page_min = clampi(q.page_min, 1, 86400);
    q.page_max = clampi(q.page_max, q.page_min, 86400);
    q.duration = clampi(q.duration, 0, 86400);
    if ((unsigned)q.kind >= TEMPLATE_COUNT)
        q.kind = TEMPLATE_TEXT;
    q.badge = q.badge && q.kind != TEMPLATE_URGENT;
    return q;
}

static int short_side(const layout_params *q)
{
    return q->screen_w < q->screen_h ? q->screen_w : q->screen_h;
}

static int px_of(double frac, int side)
{
    int px = (int)lround(frac * side);
    return px < 6 ? 6 : px;
}

static int title_line_h(int px)
{
    return (int)lround(px * TITLE_LEADING);
}

static int body_line_h(const layout_params *q, int px)
{
    return (int)lround(px * q->line_spacing);
}

layout_params layout_template_params(const layout_params *p)
{
    layout_params q = *p;
    if (q.kind == TEMPLATE_URGENT) {
        q.body_size *= LAYOUT_URGENT_SCALE;
        q.title_size *= LAYOUT_URGENT_SCALE;
    }
    if (q.kind == TEMPLATE_URGENT || q.kind == TEMPLATE_PHOTO)
        q.indent = q.justify = false; /* a notice or a caption, not prose */
    return sane(&q);
}

/* The picture's box beside (landscape) or above (portrait) title and body,
 * which give it its room. */
static void image_zone(layout_frame *f, int m, bool landscape)
{
    int top = f->title.y, bottom = f->body.y + f->body.h;
    bottom = bottom > top ? bottom : top; /* no room at all: an empty box */
    if (landscape) {
        int w = (int)lround(f->body.w * IMAGE_SHARE);
        f->image = (layout_rect){f->body.x + f->body.w - w, top, w, bottom - top};
        f->body.w -= w + m;
        f->title.w = f->body.w;
        return;
    }
    int h = (int)lround((bottom - top) * IMAGE_SHARE);
    f->image = (layout_rect){f->body.x, top, f->body.w, h};
    f->title.y += h + m;
    f->body.y += h + m;
    f->body.h -= h + m;
}

/* Urgent: the band under the header, the meta line above the footer. */
static void urgent_zones(layout_frame *f, const layout_params *q, int m, int side)
{
    int band_h = (int)lround(URGENT_BAND * side),
        meta_h = (int)lround(URGENT_META * side);
    if (q->screen_w < q->screen_h)
        meta_h *= 2; /* the two times one above the other */
    f->band = (layout_rect){0, f->title.y, q->screen_w, band_h};
    f->title.y += band_h + m / 2;
    f->body.y += band_h + m / 2;
    f->body.h -= band_h + m / 2 + meta_h + m / 2;
    f->meta = (layout_rect){f->body.x, f->footer.y - m / 2 - meta_h, f->body.w, meta_h};
}

/* The most height a title's lines may take: half the room from the
 * title's top to the body's end. */
static int title_room(int title_y, int body_end)
{
    int room = (body_end - title_y) / 2;
    return room > 0 ? room : 0;
}

layout_frame layout_frame_compute(const layout_params *p)
{
    layout_params q = layout_template_params(p);
    int W = q.screen_w, H = q.screen_h, side = short_side(&q);
    int m = (int)lround(q.margin * side), half = m / 2;
    /* The bands as on every slide: from the body size before the template's
     * scale (urgent type is larger, its header is not). */
    layout_params plain = sane(p);
    int label = px_of(plain.body_size, side),
        clock = (int)lround(label * LAYOUT_CLOCK_SCALE);
    int head_h = (int)lround(clock * HEADER_LEADING),
        foot_h = (int)lround(FOOTER_BAND * side);
    int date_row = W < H ? (int)lround(label * DATE_ROW) : 0;
    head_h += date_row; /* a narrow header holds no more than name and clock */
    if (q.ticker && (int)ceil(label / LAYOUT_TICKER_SHARE) > foot_h)
        foot_h = (int)ceil(label / LAYOUT_TICKER_SHARE);
    int body_lh = body_line_h(&q, px_of(q.body_size, side));
    layout_frame f = {.label_px = label, .clock_px = clock, .date_row = date_row};
    f.header = (layout_rect){m, half, W - 2 * m, head_h};
    f.footer = (layout_rect){m, H - half - foot_h, W - 2 * m, foot_h};
    f.title = (layout_rect){m, f.header.y + head_h + half, W - 2 * m,
                            2 * title_line_h(px_of(q.title_size, side))};
    int bottom = f.footer.y - half;
    /* A title takes at most half the room above the footer (layout_title
     * sets a larger title_size smaller): the body keeps the other half. */
    int title_max = title_room(f.title.y, bottom);
    if (f.title.h > title_max)
        f.title.h = title_max;
    int top = f.title.y + f.title.h + body_lh / 2;
    f.body = (layout_rect){m, top, W - 2 * m, bottom - top}; /* < 0: see below */
    if (q.kind == TEMPLATE_IMAGE)
        image_zone(&f, m, W >= H);
    else if (q.kind == TEMPLATE_PHOTO)
        f.image = (layout_rect){0, 0, W, H};
    else if (q.kind == TEMPLATE_URGENT)
        urgent_zones(&f, &q, m, side);
    if (f.body.w < 1)
        f.body.w = 1;
    if (f.body.h < 0) { /* no room under a title box of two lines: the body
                           ends where its room does, above the footer, and
                           a title of one line gives it back (shrink_title_box) */
        f.body.y += f.body.h;
        f.body.h = 0;
    }
    /* A landscape photo's plate sits beside its text, at the bottom right:
     * the picture stays clear above them. */
    bool beside = q.kind == TEMPLATE_PHOTO && W > H;
    if (beside && q.qr_w > 0 && q.qr_h > 0 && (q.qr_w + m) * 2 <= f.body.w &&
        q.qr_h <= f.body.h) {
        f.qr = (layout_rect){f.body.x + f.body.w - q.qr_w, f.body.y + f.body.h - q.qr_h,
                             q.qr_w, q.qr_h};
        f.body.w -= q.qr_w + m;
        f.title.w = f.body.w;
        return f;
    }
    /* The plate sits in the body's bottom right corner, if it leaves room
     * for two lines above it under a title of one line (shrink_title_box
     * drops it when the title's lines leave less than one). */
    if (!beside && q.qr_w > 0 && q.qr_h > 0 && q.qr_w <= f.body.w &&
        q.qr_h + 2 * body_lh <= f.body.h + f.title.h / 2)
        f.qr = (layout_rect){f.body.x + f.body.w - q.qr_w, f.body.y + f.body.h - q.qr_h,
                             q.qr_w, q.qr_h};
    return f;
}

static int measure(const composer *c, const char *s, size_t len)
{
    if (len == 0)
        return 0;
    int w = c->mono && c->m->width_mono ? c->m->width_mono(c->m->ctx, s, len, c->px)
                                        : c->m->width(c->m->ctx, s, len, c->px, c->bold);
    return w < 0 ? 0 : w;
}

static void set_size(composer *c, int px, bool bold)
{
    c->px = px;
    c->bold = bold;
    c->mono = false;
    c->space_w = measure(c, " ", 1);
}

static void push_seg(composer *c, seg g)
{
    c->segs = buf_grow(c->segs, &c->cap_segs, c->n_segs + 1, sizeof *c->segs);
    c->segs[c->n_segs++] = g;
}

static size_t trim_spaces(const char *s, size_t a, size_t b)
{
    while (b > a && s[b - 1] == ' ')
        b--;
    return b;
}

/* One segment per tailored break opportunity of s[a..b), each measured once. */
static void build_segments(composer *c, const char *s, size_t a, size_t b)
{
    size_t n;
    const size_t *opp = linebreak_find(c->lb, s + a, b - a, LINEBREAK_TAILORED, &n);
    c->n_segs = 0;
    size_t prev = a;
    for (size_t k = 0; k < n; k++) {
        size_t end = a + opp[k];
        seg g = {prev, trim_spaces(s, prev, end), end, 0};
        g.w = measure(c, s + g.start, g.trim - g.start);
        push_seg(c, g);
        prev = end;
    }
}

/* The pieces of segment g (gb: linebreak_emergency's ends: URL pieces or
 * grapheme clusters) as segments into out (room for one per piece);
 * returns their count. Spaces at a piece's end are its trailing space, and
 * a piece of spaces only (no break after it, as before U+061D) is trailing
 * space of the piece before, so that no line is or ends in a space. */
static size_t grapheme_pieces(composer *c, const char *s, seg g, const size_t *gb,
                              size_t n, seg *out)
{
    size_t m = 0, prev = g.start;
    for (size_t k = 0; k < n; k++) {
        size_t end = g.start + gb[k];
        if (m > 0 && trim_spaces(s, prev, end) == prev)
            out[m - 1].end = end;
        else
            out[m++] = (seg){prev, trim_spaces(s, prev, end), end, 0};
        prev = end;
    }
    out[m - 1].end = g.end;
    for (size_t k = 0; k < m; k++)
        out[k].w = measure(c, s + out[k].start, out[k].trim - out[k].start);
    return m;
}

/* Replaces segment i by its pieces (linebreak_emergency: a URL after its
 * / ? & = _ -, else grapheme clusters); false when it stays one piece. */
static bool split_graphemes(composer *c, const char *s, size_t i)
{
    seg g = c->segs[i];
    size_t n;
    const size_t *gb = linebreak_emergency(c->lb, s + g.start, g.trim - g.start, &n);
    if (n <= 1)
        return false;
    c->split = true;
    seg *pieces = xmalloc(n * sizeof *pieces);
    size_t m = grapheme_pieces(c, s, g, gb, n, pieces);
    size_t tail = c->n_segs - i - 1;
    for (size_t k = 1; k < m; k++)
        push_seg(c, g); /* grow by m - 1 */
    memmove(c->segs + i + m, c->segs + i + 1, tail * sizeof *c->segs);
    memcpy(c->segs + i, pieces, m * sizeof *pieces);
    free(pieces);
    return m > 1;
}

static int spaces_w(const composer *c, const seg *g)
{
    return (int)(g->end - g->trim) * c->space_w;
}

/* Greedy: segments i..j-1 whose summed widths fit avail; the line is then
 * measured whole to confirm (kerning across segments), dropping segments
 * while it does not fit. Returns j; *width = the line's measured width. */
static size_t take_line(const composer *c, const char *s, size_t i, int avail, int *width)
{
    const seg *g = c->segs;
    int sum = g[i].w;
    size_t j = i + 1;
    while (j < c->n_segs) {
        int cand = sum + spaces_w(c, &g[j - 1]) + g[j].w;
        if (cand > avail)
            break;
        sum = cand;
        j++;
    }
    for (; j - i > 1; j--) {
        int w = measure(c, s + g[i].start, g[j - 1].trim - g[i].start);
        if (w <= avail) {
            *width = w;
            return j;
        }
    }
    *width = g[i].w;
    return j;
}

static layout_line *push_line(line_vec *out)
{
    out->v = buf_grow(out->v, &out->cap, (size_t)out->n + 1, sizeof *out->v);
    layout_line *l = &out->v[out->n++];
    memset(l, 0, sizeof *l);
    l->rule_x = -1;
    return l;
}

/* Sets l to segments i..j-1 of the paragraph, of measured width w. */
static void set_line(const composer *c, const char *s, layout_line *l, size_t i, size_t j,
                     int w)
{
    const seg *last = &c->segs[j - 1];
    free(l->text);
    l->text = xstrndup(s + c->segs[i].start, last->trim - c->segs[i].start);
    l->width = w;
    l->offset = c->segs[i].start;
    l->para_end = j == c->n_segs;
    l->space_after = !l->para_end && last->end > last->trim;
}

static int count_chars(const char *s)
{
    return (int)text_count_chars(s, strlen(s));
}

/* A paragraph's last line of one or two characters ("局。", a lone 字) takes
 * the last segment of the line before, if that line stays half full.
 * prev_i, last_i: first segments of the two lines; prev_avail: its width. */
static void balance_last_line(const composer *c, const char *s, line_vec *out,
                              size_t prev_i, size_t last_i, int prev_avail, int box_w)
{
    layout_line *prev = &out->v[out->n - 2], *last = &out->v[out->n - 1];
    if (count_chars(last->text) > 2 || last_i - prev_i < 2)
        return;
    const seg *g = c->segs;
    int prev_w = measure(c, s + g[prev_i].start, g[last_i - 2].trim - g[prev_i].start);
    if (prev_w < prev_avail / 2)
        return;
    int last_w =
        measure(c, s + g[last_i - 1].start, g[c->n_segs - 1].trim - g[last_i - 1].start);
    if (last_w > box_w)
        return;
    set_line(c, s, prev, prev_i, last_i - 1, prev_w);
    set_line(c, s, last, last_i - 1, c->n_segs, last_w);
    /* The line before, now shorter, by the same rule as paragraph_lines. */
    prev->justify = prev->justify && prev_w * 4 >= prev_avail * 3;
}

/* Lines of the paragraph s[a..b) into out. */
static void paragraph_lines(composer *c, const char *s, size_t a, size_t b, int box_w,
                            int indent, bool justify, line_vec *out)
{
    while (a < b && s[a] == ' ')
        a++;
    b = trim_spaces(s, a, b);
    if (a == b)
        return;
    if (listline_is_ragged(s + a, b - a))
        indent = 0, justify = false; /* a list item or a timetable row */
    build_segments(c, s, a, b);
    size_t prev_i = 0, last_i = 0;
    int n = 0;
    for (size_t i = 0; i < c->n_segs; n++) {
        bool first = i == 0;
        int avail = box_w - (first ? indent : 0);
        while (c->segs[i].w > avail && split_graphemes(c, s, i))
            ;
        int w;
        size_t j = take_line(c, s, i, avail, &w);
        layout_line *l = push_line(out);
        set_line(c, s, l, i, j, w);
        l->indent = first ? indent : 0;
        l->para_start = first;
        /* A line cut short by a long unit after it (a phone number, a URL)
         * stays ragged: spread over the box it would read as loose letters. */
        l->justify = justify && !l->para_end && w * 4 >= avail * 3;
        prev_i = last_i;
        last_i = i;
        i = j;
    }
    if (n >= 2)
        balance_last_line(c, s, out, prev_i, last_i, box_w - (n == 2 ? indent : 0),
                          box_w);
}

/* Lines of every '\n'-separated paragraph of s[0..len). */
static void text_lines(composer *c, const char *s, size_t len, int box_w, int indent,
                       bool justify, line_vec *out)
{
    size_t a = 0;
    while (a < len) {
        const char *nl = memchr(s + a, '\n', len - a);
        size_t b = nl ? (size_t)(nl - s) : len;
        paragraph_lines(c, s, a, b, box_w, indent, justify, out);
        a = b + 1;
    }
}

static void free_lines(layout_line *v, int n)
{
    for (int i = 0; i < n; i++) {
        free(v[i].text);
        free(v[i].mark);
        free(v[i].cell_x);
    }
}

/* A pause mark that "……" replaces: "今天，……" reads as "今天……". */
static bool pause_mark(uint32_t cp)
{
    return cp == 0xFF0C || cp == 0x3001 || cp == 0xFF1A || cp == 0xFF1B || cp == ',';
}

/* s past its leading spaces and pause marks: the rest of a cut title does
 * not open the body with "，". */
static const char *skip_pauses(const char *s)
{
    uint32_t cp;
    size_t n;
    while (*s && (n = text_utf8_next(s, strlen(s), &cp)) > 0 &&
           (cp == ' ' || pause_mark(cp)))
        s += n;
    return s;
}

/* End of s[0..cut) without trailing spaces, no-end characters and pause
 * marks. */
static size_t trim_before_ellipsis(const char *s, size_t cut)
{
    for (;;) {
        cut = trim_spaces(s, 0, cut);
        int32_t k = (int32_t)cut;
        UChar32 cp;
        if (k == 0)
            return 0;
        U8_PREV((const uint8_t *)s, 0, k, cp);
        if (cp < 0 || !(linebreak_no_end((uint32_t)cp) || pause_mark((uint32_t)cp)))
            return cut;
        cut = (size_t)k;
    }
}

/* Cuts line l so that it plus "……" fits box_w, at a grapheme boundary;
 * in the last third of the line only at a word boundary (words: of l's
 * text, NULL = any), so that "慢性病" is not cut after "慢". Returns the
 * bytes of l's text kept. */
static size_t ellipsize(composer *c, layout_line *l, int box_w, const bool *words)
{
    size_t kept = 0;
    size_t len = strlen(l->text), n;
    const size_t *gb = linebreak_graphemes(c->lb, l->text, len, &n);
    for (size_t k = n + 1; k-- > 0;) {
        if (words && k > 0 && !words[gb[k - 1]] && gb[k - 1] * 3 > len * 2)
            continue;
        size_t cut = trim_before_ellipsis(l->text, k ? gb[k - 1] : 0);
        char *cand = xmalloc(cut + sizeof ELLIPSIS);
        memcpy(cand, l->text, cut);
        memcpy(cand + cut, ELLIPSIS, sizeof ELLIPSIS);
        int w = measure(c, cand, strlen(cand));
        if (w <= box_w || k == 0) {
            kept = cut;
            free(l->text);
            l->text = cand;
            l->width = w;
            break;
        }
        free(cand);
    }
    l->ellipsis = true;
    l->para_end = true;
    l->space_after = false;
    l->justify = false;
    return kept;
}

/* Whether a title line may end after segment g: after a space or a mark
 * that ends a phrase, a break reads as a pause; elsewhere it cuts a word. */
static bool phrase_end(const char *s, const seg *g)
{
    static const uint32_t marks[] = {
        0xFF0C, 0xFF1A, 0x3001, 0xFF1B, 0x3002, 0xFF01, 0xFF1F, 0xFF09, 0x300D, 0x300F,
        0x201D, 0x300B, 0x3011, 0x2026, 0x2014, 0xFF5C, ',',    ':',    ';'};
    if (g->end > g->trim)
        return true;
    int32_t k = (int32_t)g->trim;
    UChar32 cp;
    if (g->trim <= g->start)
        return false;
    U8_PREV((const uint8_t *)s, (int32_t)g->start, k, cp);
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if ((uint32_t)cp == marks[i])
            return true;
    return false;
}

/* Whether a break before segment j would part a number from its unit or
 * counter across a space ("2025 年", "1477.47 亿"). */
static bool unit_gap(const composer *c, const char *s, size_t j)
{
    const seg *g = &c->segs[j - 1];
    if (g->end == g->trim || g->trim == g->start ||
        !isdigit((unsigned char)s[g->trim - 1]))
        return false;
    uint32_t cp;
    text_utf8_next(s + c->segs[j].start, c->segs[j].trim - c->segs[j].start, &cp);
    return text_is_wide(cp);
}

/* Word boundaries of s[0..len) by ICU's word iterator (its dictionary
 * finds Chinese and Japanese words): at[k] true at byte k. NULL when ICU
 * fails: then every position is treated as inside a word. */
static bool *word_bounds(const char *s, size_t len)
{
    UErrorCode err = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(NULL, s, (int64_t)len, &err);
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &err);
    bool *at = NULL;
    if (U_SUCCESS(err)) {
        ubrk_setUText(bi, ut, &err);
        at = xcalloc(len + 1, sizeof *at);
        for (int32_t k = ubrk_first(bi); U_SUCCESS(err) && k != UBRK_DONE;
             k = ubrk_next(bi))
            if (k >= 0 && (size_t)k <= len)
                at[k] = true;
    }
    ubrk_close(bi);
    utext_close(ut);
    return at;
}

/* What a title break after segment j - 1 costs, in units of pen: none at
 * a phrase end, a half between two words, twice next to a digit
 * ("9月|30日"), one inside a word; -1: never (a number and its unit). */
static double break_cost(const composer *c, const char *s, size_t j, const bool *words)
{
    const seg *g = &c->segs[j - 1];
    size_t at = c->segs[j].start;
    if (unit_gap(c, s, j))
        return -1;
    if (phrase_end(s, g))
        return 0;
    if (isdigit((unsigned char)s[g->trim - 1]) || isdigit((unsigned char)s[at]))
        return 2;
    return words && words[at] ? 0.5 : 1;
}

/* Best break points of the title's segments into exactly k lines that fit
 * box_w: the least sum of squared slack (even lines) plus break_cost
 * times a penalty of half the square of the even line's width (a phrase
 * end may thus lie up to half a line from the even break: of two lines the
 * shorter a third of the longer). cut[0..k-1]: each line's end segment.
 * False when no such split exists. */
static bool title_breaks(const composer *c, const char *s, int k, int box_w,
                         size_t cut[TITLE_MAX_LINES])
{
    size_t n = c->n_segs;
    if (n < (size_t)k || n > TITLE_MAX_SEGS)
        return false;
    bool *words = word_bounds(s, c->segs[n - 1].end);
    double pre[TITLE_MAX_SEGS + 1], bc[TITLE_MAX_SEGS + 1];
    pre[0] = 0;
    for (size_t j = 1; j <= n; j++) {
        pre[j] = pre[j - 1] + c->segs[j - 1].w + spaces_w(c, &c->segs[j - 1]);
        bc[j] = j < n ? break_cost(c, s, j, words) : 0;
    }
    free(words);
    double line = pre[n] / k, pen = line * line / 2,
           cost[TITLE_MAX_LINES + 1][TITLE_MAX_SEGS + 1];
    size_t from[TITLE_MAX_LINES + 1][TITLE_MAX_SEGS + 1];
    for (int l = 0; l <= k; l++)
        for (size_t j = 0; j <= n; j++)
            cost[l][j] = -1;
    cost[0][0] = 0;
    for (int l = 1; l <= k; l++)
        for (size_t j = 1; j <= n; j++)
            for (size_t i = 0; i < j && bc[j] >= 0; i++) {
                double w = pre[j] - pre[i] - spaces_w(c, &c->segs[j - 1]);
                if (cost[l - 1][i] < 0 || w > box_w)
                    continue;
                double slack = box_w - w;
                double v = cost[l - 1][i] + slack * slack + bc[j] * pen;
                if (cost[l][j] < 0 || v < cost[l][j]) {
                    cost[l][j] = v;
                    from[l][j] = i;
                }
            }
    if (cost[k][n] < 0)
        return false;
    for (int l = k, j = (int)n; l > 0; j = (int)from[l][j], l--)
        cut[l - 1] = (size_t)j;
    return true;
}

/* Replaces v by the title's lines broken at cut[0..k-1]; false (v kept)
 * when a line measured whole does not fit box_w. */
static bool title_set_lines(composer *c, const char *s, line_vec *v, int k,
                            const size_t cut[TITLE_MAX_LINES], int box_w)
{
    line_vec t = {0};
    for (size_t l = 0, i = 0; l < (size_t)k; i = cut[l++]) {
        const seg *last = &c->segs[cut[l] - 1];
        int w = measure(c, s + c->segs[i].start, last->trim - c->segs[i].start);
        set_line(c, s, push_line(&t), i, cut[l], w);
        t.v[t.n - 1].para_start = l == 0;
        if (w > box_w) {
            free_lines(t.v, t.n);
            free(t.v);
            return false;
        }
    }
    free_lines(v->v, v->n);
    free(v->v);
    *v = t;
    return true;
}

/* Text's v->n lines broken again at phrase ends and of even length, if
 * they fit (a title, a notice). */
static void phrase_balance(composer *c, const char *title, line_vec *v, int box_w)
{
    size_t len = strlen(title), cut[TITLE_MAX_LINES];
    if (v->n < 2 || memchr(title, '\n', len))
        return;
    build_segments(c, title, 0, trim_spaces(title, 0, len));
    /* The breaks are chosen on summed segment widths; a line that, measured
     * whole (kerning), is wider than the box asks for a narrower choice. */
    for (int k = 0; k < 4; k++)
        if (!title_breaks(c, title, v->n, box_w - k * c->px / 4, cut) ||
            title_set_lines(c, title, v, v->n, cut, box_w))
            break;
}

/* Title lines at the largest size from start down to the floor (70% of it,
 * never below the body size) that needs at most three lines; at the floor
 * a longer title keeps three lines, the third ending "……", and the rest
 * (from where the shown text stops) is handed to the body (c->carry).
 * Lines taller in all than max_h (0: no limit) make it smaller still, down
 * to the body size: a large title_size leaves the body its room. */
static void layout_title(layout_item *it, composer *c, const char *title, int start_px,
                         int body_px, int max_h)
{
    size_t len = strlen(title);
    int step = (int)lround(start_px * TITLE_SHRINK_STEP);
    int floor_px = (int)ceil(start_px * TITLE_FLOOR);
    if (floor_px < body_px)
        floor_px = body_px;
    if (start_px < floor_px)
        start_px = floor_px;
    if (step < 1)
        step = 1;
    line_vec v = {0};
    int box_w = it->frame.title.w;
    for (int px = start_px;;) {
        set_size(c, px, true);
        free_lines(v.v, v.n);
        v.n = 0;
        c->split = false;
        text_lines(c, title, len, box_w, 0, false, &v);
        int shown = v.n > TITLE_MAX_LINES ? TITLE_MAX_LINES : (int)v.n;
        bool tall = max_h > 0 && shown * title_line_h(px) > max_h;
        int low = tall ? body_px : floor_px;
        if ((v.n <= TITLE_MAX_LINES && !tall) || px <= low)
            break;
        int next = px - step < low ? low : px - step;
        px = px > floor_px && next < floor_px ? floor_px : next; /* tried on the way */
    }
    if (v.n <= TITLE_MAX_LINES && !c->split)
        phrase_balance(c, title, &v, box_w);
    if (v.n > TITLE_MAX_LINES) {
        layout_line *l = &v.v[TITLE_MAX_LINES - 1];
        bool *words = word_bounds(l->text, strlen(l->text));
        c->carry = title + l->offset + ellipsize(c, l, box_w, words);
        free(words);
        c->carry = skip_pauses(c->carry);
    }
    it->n_title_lines = v.n > TITLE_MAX_LINES ? TITLE_MAX_LINES : v.n;
    for (int i = 0; i < it->n_title_lines; i++)
        it->title_lines[i] = v.v[i];
    if (v.n > it->n_title_lines) /* v.v is NULL for an empty title */
        free_lines(v.v + it->n_title_lines, v.n - it->n_title_lines);
    free(v.v);
    it->title_px = c->px;
    it->title_line_h = title_line_h(c->px);
}

/* Fits the title box to the lines used: its unused height goes to the body
 * (and a side image); a third line takes its height from them. The QR
 * plate goes when it leaves less than a body line (body_lh) above it. */
static void shrink_title_box(layout_item *it, int body_lh)
{
    layout_frame *f = &it->frame;
    int used = it->n_title_lines * it->title_line_h;
    int spare = f->title.h - used;
    if (spare != 0 && f->body.h + spare >= 0) {
        f->title.h = used;
        f->body.y -= spare;
        f->body.h += spare;
    }
    if (f->qr.w > 0 && f->qr.y < f->body.y + body_lh)
        f->qr = (layout_rect){0};
}

/* Height of line k on a page that starts at line first. */
static int line_cost(const layout_item *it, int first, int k)
{
    return (k > first ? it->lines[k].gap : 0) + it->lines[k].height;
}

/* Moves the page end back to avoid a widow (next page starting with the last
 * line of a paragraph) and an orphan (this page ending with a paragraph's
 * first line), as long as the page keeps at least one line. */
static int avoid_widow_orphan(const layout_item *it, int first, int end)
{
    const layout_line *l = it->lines;
    if (end >= it->n_lines)
        return end;
    if (l[end].para_end && !l[end].para_start && end - 1 > first)
        end--;
    if (l[end - 1].para_start && !l[end - 1].para_end && end - 1 > first)
        end--;
    if (l[end - 1].kind == TEXT_HEADING && end - 1 > first) /* kept with its text */
        end--;
    return end;
}

static int page_seconds(const layout_params *q, int chars)
{
    if (q->duration > 0)
        return q->duration;
    long s = ((long)chars * 60 + q->reading_speed - 1) / q->reading_speed;
    return (int)(s < q->page_min ? q->page_min : s > q->page_max ? q->page_max : s);
}

/* Height of lines [a, b) on a page that starts at a. */
static int lines_height(const layout_item *it, int a, int b)
{
    int h = 0;
    for (int k = a; k < b; k++)
        h += line_cost(it, a, k);
    return h;
}

/* Height the last page's lines may take: above the QR plate, if any. */
static int last_page_room(const layout_item *it)
{
    const layout_frame *f = &it->frame;
    bool under = f->qr.w > 0 && f->qr.x < f->body.x + f->body.w; /* not beside */
    return under ? f->qr.y - f->body.y - it->body_px / 2 : f->body.h;
}

static void set_page(layout_item *it, const layout_params *q, layout_page *pg, int first,
                     int end)
{
    pg->first = first;
    pg->count = end - first;
    pg->chars = 0;
    for (int k = first; k < end; k++)
        pg->chars += count_chars(it->lines[k].text);
    pg->seconds = page_seconds(q, pg->chars);
}

/* How good a split of the last page before line k is: -1 when the lines
 * from k do not fit above the plate; more for no widow or orphan at the
 * split, then for halves nearer even. */
static int split_score(const layout_item *it, int first, int k, int end, int room)
{
    if (lines_height(it, k, end) > room)
        return -1;
    const layout_line *l = it->lines;
    bool widow = l[k].para_end && !l[k].para_start;
    bool orphan = l[k - 1].para_start && !l[k - 1].para_end;
    int uneven = abs((k - first) - (end - k));
    return (widow || orphan ? 0 : 1000) + 999 - (uneven < 999 ? uneven : 999);
}

/* Keeps the QR plate free: a last page whose lines reach it is split in
 * two, the lines from the split (what fits above the plate) on a page of
 * their own; the split avoids widows and orphans and makes halves as even
 * as it can. The pages array has room: a page split has two lines at
 * least. */
static void clear_qr_plate(layout_item *it, const layout_params *q)
{
    layout_page *last = &it->pages[it->n_pages - 1];
    int first = last->first, end = first + last->count, room = last_page_room(it);
    if (end - first < 2 || lines_height(it, first, end) <= room)
        return; /* all of it fits, or one line taller than the room: left whole */
    int best = end - 1, best_score = -1; /* room is at least one line */
    for (int k = first + 1; k < end; k++) {
        int sc = split_score(it, first, k, end, room);
        if (sc > best_score)
            best = k, best_score = sc;
    }
    set_page(it, q, last, first, best);
    set_page(it, q, &it->pages[it->n_pages++], best, end);
}

static void paginate(layout_item *it, const layout_params *q)
{
    int cap = it->n_lines > 0 ? it->n_lines : 1;
    it->pages = xmalloc((size_t)cap * sizeof *it->pages);
    it->n_pages = 0;
    int first = 0;
    do {
        int end = first, used = 0;
        while (end < it->n_lines) {
            int cost = line_cost(it, first, end);
            if (end > first && used + cost > it->frame.body.h)
                break;
            used += cost;
            end++;
        }
        end = avoid_widow_orphan(it, first, end);
        set_page(it, q, &it->pages[it->n_pages++], first, end);
        first = end;
    } while (first < it->n_lines);
    clear_qr_plate(it, q);
}

/* True when some paragraph takes more than one line. */
static bool any_wraps(const line_vec *v)
{
    for (int i = 0; i < v->n; i++)
        if (!v->v[i].para_end)
            return true;
    return false;
}

static size_t body_len(const char *body)
{
    size_t len = strlen(body);
    if (len <= LAYOUT_MAX_TEXT)
        return len;
    LOG_WARN("body of %zu bytes cut to %u", len, LAYOUT_MAX_TEXT);
    len = LAYOUT_MAX_TEXT;
    while (len > 0 && ((unsigned char)body[len] & 0xC0) == 0x80)
        len--;
    return len;
}

/* The body at px: size, line height and paragraph gap. */
static void set_body_size(layout_item *it, const layout_params *q, int px)
{
    it->body_px = px;
    it->body_line_h = body_line_h(q, px);
    it->para_gap = (int)lround(q->paragraph_spacing * it->body_line_h);
}

/* How the lines of one paragraph are set (layout.h, "Kinds"). */
typedef struct {
    int kind, level;
    int px, line_h, gap;
    int left;   /* px from body.x of every line */
    int indent; /* first-line indent, on top of left */
    int rule_x; /* -1: none */
    bool bold, mono, justify;
} block_style;

static int em_of(int px, double em)
{
    return (int)lround(px * em);
}

/* The style of paragraph k; prev: the style of the paragraph before. */
static block_style block_style_for(const layout_item *it, const layout_params *q,
                                   const text_block *k, int indent,
                                   const block_style *prev)
{
    static const double heading[] = {1.5, 1.3, 1.15, 1.05, 1.0, 1.0};
    int px = it->body_px;
    block_style st = {.kind = k->kind,
                      .level = k->level,
                      .px = px,
                      .line_h = it->body_line_h,
                      .gap = it->para_gap,
                      .rule_x = -1,
                      .justify = q->justify};
    switch (k->kind) {
    case TEXT_BREAK:
        st = *prev;
        st.indent = 0;
        st.gap = 0;
        break;
    case TEXT_HEADING:
        st.px = (int)lround(px * heading[k->level < 1 ? 0 : (k->level - 1) % 6]);
        st.line_h = body_line_h(q, st.px);
        st.bold = true;
        st.justify = false;
        break;
    case TEXT_ITEM:
        st.left = em_of(px, 2.0 * k->level);
        st.justify = false;
        if (prev->kind == TEXT_ITEM)
            st.gap = 0;
        break;
    case TEXT_QUOTE:
        st.left = em_of(px, 1.5 * k->level);
        st.rule_x = st.left - em_of(px, 0.9);
        break;
    case TEXT_CODE:
        st.px = (int)lround(px * 0.85);
        st.line_h = (int)lround(st.px * 1.35);
        st.mono = true;
        st.justify = false;
        if (prev->kind == TEXT_CODE)
            st.gap = 0;
        break;
    default:
        st.indent = indent;
        break;
    }
    return st;
}

/* Gives lines[from..] the style: position, size, face, heights. */
static void apply_style(line_vec *v, int from, const block_style *st)
{
    for (int i = from; i < v->n; i++) {
        layout_line *l = &v->v[i];
        l->kind = st->kind;
        l->px = st->px;
        l->bold = st->bold;
        l->mono = st->mono;
        l->height = st->line_h;
        l->gap = i == from ? st->gap : 0;
        l->indent += st->left;
        l->rule_x = st->rule_x;
    }
}

/* A code line: its leading spaces become indent; an empty one is a line. */
static void code_lines(composer *c, const char *s, size_t a, size_t b, int box_w,
                       line_vec *out)
{
    size_t lead = a;
    while (lead < b && s[lead] == ' ')
        lead++;
    int n0 = out->n, pad = (int)(lead - a) * c->space_w;
    if (pad > box_w / 2)
        pad = box_w / 2;
    paragraph_lines(c, s, lead, b, box_w - pad, 0, false, out);
    if (out->n == n0) {
        layout_line *l = push_line(out);
        l->text = xstrdup("");
        l->offset = a;
        l->para_start = l->para_end = true;
    }
    for (int i = n0; i < out->n; i++)
        out->v[i].indent += pad;
}

/* The marker of a list item, right-aligned before the item's text. */
static void set_marker(composer *c, layout_line *l, const text_block *k, int left)
{
    l->mark = xstrndup(k->marker, k->marker_len);
    int w = measure(c, l->mark, k->marker_len);
    l->mark_x = left - w - em_of(c->px, 0.5);
    if (l->mark_x < 0)
        l->mark_x = 0;
}

/* The cells of row text[0..len): starts and lengths, at most max. */
static int split_cells(const char *text, size_t len, size_t *at, size_t *n, int max)
{
    int k = 0;
    size_t a = 0;
    while (k < max) {
        const char *sep = memchr(text + a, TEXT_SEP, len - a);
        size_t b = sep ? (size_t)(sep - text) : len;
        at[k] = a;
        n[k++] = b - a;
        if (!sep)
            break;
        a = b + 1;
    }
    return k;
}

#define MAX_CELLS 16

/* Consecutive TEXT_ROW paragraphs from s[a]: one table, set as columns at
 * c's size when they fit box_w (*end: the index after the table). */
static bool table_try(composer *c, const char *s, size_t a, size_t len, int box_w,
                      line_vec *out, size_t *end)
{
    int colw[MAX_CELLS] = {0}, ncol = 0, n0 = out->n;
    *end = a;
    while (*end < len && s[*end] == TEXT_ROW) {
        const char *nl = memchr(s + *end, '\n', len - *end);
        size_t b = nl ? (size_t)(nl - s) : len, at[MAX_CELLS], n[MAX_CELLS];
        text_block k = text_block_parse(s + *end, b - *end);
        int cells = split_cells(k.text, k.len, at, n, MAX_CELLS);
        layout_line *l = push_line(out);
        l->text = xstrndup(k.text, k.len);
        l->offset = (size_t)(k.text - s);
        l->para_start = l->para_end = true;
        l->n_cells = cells;
        l->cell_x = xcalloc((size_t)cells, sizeof *l->cell_x);
        for (int i = 0; i < cells; i++) {
            int w = measure(c, k.text + at[i], n[i]);
            l->cell_x[i] = w; /* the width, for now */
            colw[i] = w > colw[i] ? w : colw[i];
        }
        ncol = cells > ncol ? cells : ncol;
        *end = nl ? b + 1 : len;
    }
    int space = em_of(c->px, 1.0), x[MAX_CELLS] = {0}, total = 0;
    for (int i = 0; i < ncol; i++) {
        x[i] = total;
        total += colw[i] + (i + 1 < ncol ? space : 0);
    }
    for (int r = n0; r < out->n; r++) {
        layout_line *l = &out->v[r];
        l->width = l->n_cells > 0 ? x[l->n_cells - 1] + l->cell_x[l->n_cells - 1] : 0;
        for (int i = 0; i < l->n_cells; i++)
            l->cell_x[i] = x[i];
    }
    if (total <= box_w)
        return true;
    free_lines(out->v + n0, out->n - n0);
    out->n = n0;
    return false;
}

/* A table from s[a]: at the body size, else at 85% or 70% of it, else
 * replaced by the note. Returns the index after it; *px: its size. */
static size_t table_lines(composer *c, const char *s, size_t a, size_t len, int box_w,
                          line_vec *out, int *px)
{
    static const int scale[] = {100, 85, 70};
    int base = c->px;
    size_t end = a;
    for (size_t i = 0; i < sizeof scale / sizeof *scale; i++) {
        set_size(c, (int)lround(base * scale[i] / 100.0), false);
        *px = c->px;
        if (table_try(c, s, a, len, box_w, out, &end))
            return end;
    }
    set_size(c, base, false);
    *px = base;
    layout_line *l = push_line(out);
    l->text = xstrdup(LAYOUT_WIDE_TABLE);
    l->width = measure(c, l->text, strlen(l->text));
    l->offset = a;
    l->para_start = l->para_end = true;
    return end;
}

/* Lines of every paragraph of the body, each set by its kind. */
static void block_lines(const layout_item *it, composer *c, const layout_params *q,
                        const char *s, size_t len, int indent, line_vec *v)
{
    int box_w = it->frame.body.w;
    block_style prev = {.kind = TEXT_BODY, .rule_x = -1};
    size_t a = 0;
    while (a < len) {
        const char *nl = memchr(s + a, '\n', len - a);
        size_t b = nl ? (size_t)(nl - s) : len;
        text_block k = text_block_parse(s + a, b - a);
        block_style st = block_style_for(it, q, &k, indent, &prev);
        set_size(c, st.px, st.bold);
        c->mono = st.mono;
        c->space_w = measure(c, " ", 1); /* the mono face's, for code */
        int n0 = v->n, avail = box_w - st.left;
        size_t ta = (size_t)(k.text - s), tb = ta + k.len;
        if (k.kind == TEXT_ROW) {
            b = table_lines(c, s, a, len, avail, v, &st.px) - 1;
            st.line_h = body_line_h(q, st.px);
            st.justify = false;
        } else if (k.kind == TEXT_RULE) {
            layout_line *l = push_line(v);
            l->text = xstrdup("");
            l->offset = ta;
            l->para_start = l->para_end = true;
        } else if (st.mono) {
            code_lines(c, s, ta, tb, avail, v);
        } else {
            paragraph_lines(c, s, ta, tb, avail, st.indent, st.justify, v);
        }
        apply_style(v, n0, &st);
        if (k.kind == TEXT_ITEM && v->n > n0)
            set_marker(c, &v->v[n0], &k, st.left);
        if (v->n > n0)
            prev = st;
        a = b + 1;
    }
}

/* The rest of a cut title, as the body's first paragraph (flush left: it
 * continues the title), before the lines of v. */
static void prepend_carry(const layout_item *it, composer *c, const layout_params *q,
                          line_vec *v)
{
    if (!c->carry || !*c->carry)
        return;
    line_vec t = {0};
    text_lines(c, c->carry, strlen(c->carry), it->frame.body.w, 0, q->justify, &t);
    text_block k = {.kind = TEXT_BODY};
    block_style none = {.kind = TEXT_BODY, .rule_x = -1};
    block_style st = block_style_for(it, q, &k, 0, &none);
    apply_style(&t, 0, &st); /* set as body text */
    size_t shift = (size_t)(c->carry - c->title);
    for (int i = 0; i < t.n; i++) {
        t.v[i].from_title = true;
        t.v[i].offset += shift;
    }
    t.v = buf_grow(t.v, &t.cap, (size_t)t.n + (size_t)v->n, sizeof *t.v);
    if (v->n > 0)
        memcpy(t.v + t.n, v->v, (size_t)v->n * sizeof *v->v);
    t.n += v->n;
    free(v->v);
    *v = t;
}

/* Breaks the body into lines at px. */
static void body_lines(layout_item *it, composer *c, const layout_params *q,
                       const char *body, int px)
{
    set_body_size(it, q, px);
    set_size(c, px, false);
    int indent = q->indent ? measure(c, INDENT_TEXT, sizeof INDENT_TEXT - 1) : 0;
    if (q->indent && (indent <= 0 || indent > it->frame.body.w / 2))
        indent = 2 * px;
    line_vec v = {0};
    block_lines(it, c, q, body, body_len(body), indent, &v);
    if (indent > 0 && !any_wraps(&v)) {
        /* Lines that never wrap are a list or a timetable, not prose: they
         * read better flush left than indented. */
        free_lines(v.v, v.n);
        free(v.v);
        v = (line_vec){0};
        block_lines(it, c, q, body, body_len(body), 0, &v);
    }
    prepend_carry(it, c, q, &v);
    it->lines = v.v;
    it->n_lines = v.n;
}

/* Tables left out as too wide (their note lines). */
static int wide_tables(const layout_line *v, int n)
{
    int wide = 0;
    for (int i = 0; i < n; i++)
        wide += v[i].kind == TEXT_ROW && v[i].n_cells == 0;
    return wide;
}

/* Height of every body line with the paragraph gaps, as on one page. */
static int body_height(const layout_item *it)
{
    return lines_height(it, 0, it->n_lines);
}

typedef bool (*fits_fn)(const layout_item *it, const composer *c);

/* Lays the body out again at px and keeps it when fits says so; else the
 * lines and size it had are put back (false). */
static bool relayout_body(layout_item *it, composer *c, const layout_params *q,
                          const char *body, int px, fits_fn fits)
{
    layout_line *keep = it->lines;
    int keep_n = it->n_lines, keep_px = it->body_px;
    c->split = false;
    body_lines(it, c, q, body, px);
    if (fits(it, c)) {
        free_lines(keep, keep_n);
        free(keep);
        return true;
    }
    free_lines(it->lines, it->n_lines);
    free(it->lines);
    it->lines = keep;
    it->n_lines = keep_n;
    set_body_size(it, q, keep_px);
    return false;
}

/* An enlarged short item still leaves a quarter of the room free, and
 * drops no table. */
static bool leaves_room(const layout_item *it, const composer *c)
{
    /* larger, but not at the cost of a table that fitted */
    return body_height(it) * 4 <= last_page_room(it) * 3 &&
           wide_tables(it->lines, it->n_lines) == c->wide;
}

/* An enlarged notice keeps to NOTICE_LINES whole lines in the room. */
static bool notice_fits(const layout_item *it, const composer *c)
{
    return it->n_lines <= NOTICE_LINES && !c->split &&
           body_height(it) <= last_page_room(it);
}

/* A notice: a body of one short plain paragraph ("今日停水。"), not a
 * heading, list item or other kind (text.h). */
static bool is_notice(const char *body)
{
    size_t len = strlen(body);
    return len > 0 && (unsigned char)body[0] >= 0x20 && !memchr(body, '\n', len) &&
           text_count_chars(body, len) <= NOTICE_MAX_CHARS;
}

/* Centres each line in the body box (the title's lines follow when the
 * block is centred: centre_block). */
static void centre_lines(layout_item *it)
{
    it->centred = true;
    for (int i = 0; i < it->n_lines; i++) {
        layout_line *l = &it->lines[i];
        l->indent = (it->frame.body.w - l->width) / 2;
        if (l->indent < 0)
            l->indent = 0;
        l->justify = false;
    }
}

/* A notice is the slide's message: set at the largest size up to
 * NOTICE_SCALE times the body's at which it keeps NOTICE_LINES lines at
 * most and fits the room, then centred. The title may be smaller than it. */
static void set_notice(layout_item *it, composer *c, const layout_params *q,
                       const char *body, int base)
{
    if (it->n_lines == 0 || it->lines[0].from_title || c->carry)
        return;
    int step = base / 10 > 1 ? base / 10 : 1;
    for (int px = (int)lround(base * NOTICE_SCALE); px > it->body_px; px -= step)
        if (relayout_body(it, c, q, body, px, notice_fits))
            break;
    if (it->n_lines > NOTICE_LINES)
        return;
    layout_line style = it->lines[0]; /* the paragraph's set (layout.h, kinds) */
    line_vec v = {it->lines, it->n_lines, (size_t)it->n_lines};
    phrase_balance(c, body, &v, it->frame.body.w);
    it->lines = v.v;
    it->n_lines = v.n;
    for (int k = 0; k < it->n_lines; k++) { /* lines broken again take it too */
        layout_line *l = &it->lines[k];
        l->kind = style.kind, l->px = style.px, l->bold = style.bold;
        l->mono = style.mono, l->height = style.height, l->rule_x = style.rule_x;
        l->gap = k == 0 ? style.gap : 0;
    }
    centre_lines(it);
}

/* A short item is set larger, for readers further away, as long as it
 * stays on one page with room to spare: up to 1.3 times the size, and
 * never above the title's; a notice larger still (set_notice). */
static void enlarge_short(layout_item *it, composer *c, const layout_params *q,
                          const char *body, int base)
{
    for (int step = 1;
         q->enlarge_short && step <= 3 && body_height(it) * 2 < last_page_room(it) &&
         (!*c->title || base * (10 + step) / 10 <= it->title_px);
         step++)
        if (!relayout_body(it, c, q, body, base * (10 + step) / 10, leaves_room))
            break;
    if (q->enlarge_short && is_notice(body))
        set_notice(it, c, q, body, base);
}

/* The urgent body fills its room: it is one page, as large as it may be. */
static bool fills_room(const layout_item *it, const composer *c)
{
    return body_height(it) <= last_page_room(it) &&
           wide_tables(it->lines, it->n_lines) == c->wide;
}

/* An urgent body is set at the largest size up to URGENT_GROW times its
 * own at which it fits one page, in steps of a tenth; its short lines
 * (a notice) centred. */
static void grow_urgent(layout_item *it, composer *c, const layout_params *q,
                        const char *body, int base)
{
    if (it->n_lines == 0 || body_height(it) > last_page_room(it))
        return;
    for (int px = (int)lround(base * URGENT_GROW); px > it->body_px; px -= base / 10 + 1)
        if (relayout_body(it, c, q, body, px, fills_room))
            break;
    if (is_notice(body) && it->n_lines <= NOTICE_LINES)
        centre_lines(it);
}

/* The height from the title's top to the end of the body's first page. */
static int block_height(const layout_item *it)
{
    const layout_page *pg = &it->pages[0];
    return it->frame.body.y - it->frame.title.y +
           lines_height(it, pg->first, pg->first + pg->count);
}

/* Moves title and body down by dy. */
static void move_text(layout_item *it, int dy)
{
    it->frame.title.y += dy;
    it->frame.body.y += dy;
    it->frame.body.h -= dy;
}

/* A poster: a short item's title and body (and a picture above them) in
 * the middle of their room; always for an urgent one (layout.h). */
static void centre_block(layout_item *it, bool always)
{
    layout_frame *f = &it->frame;
    /* A picture above the text goes with it. */
    bool above = f->image.w > 0 && f->image.y + f->image.h <= f->title.y;
    int top = above ? f->image.y : f->title.y;
    int room = f->body.y + last_page_room(it) - top,
        block = block_height(it) + f->title.y - top;
    if (room <= block || (!always && !it->centred && block * 4 > room * 3))
        return;
    move_text(it, (room - block) / 2);
    if (above)
        f->image.y += (room - block) / 2;
    for (int i = 0; it->centred && i < it->n_title_lines; i++) {
        layout_line *l = &it->title_lines[i];
        l->indent = l->width < f->title.w ? (f->title.w - l->width) / 2 : 0;
    }
}

/* A photo's text at the screen's bottom, above the footer (every page's
 * lines in their room, the last page's above the QR plate); the scrim from
 * three margins above the title (or the screen's top) down. */
static void to_bottom(layout_item *it)
{
    layout_frame *f = &it->frame;
    int dy = f->body.h;
    for (int i = 0; i < it->n_pages; i++) {
        const layout_page *pg = &it->pages[i];
        int room = i == it->n_pages - 1 ? last_page_room(it) : f->body.h;
        int spare = room - lines_height(it, pg->first, pg->first + pg->count);
        dy = spare < dy ? spare : dy;
    }
    if (dy > 0)
        move_text(it, dy);
    int top = f->title.y - 6 * f->header.y; /* header.y: half a margin */
    top = top < 0 ? 0 : top;
    f->band = (layout_rect){0, top, f->image.w, f->image.h - top};
}

/* The badge plate's width at a title size, with the gap before it. */
static int badge_width(composer *c, int title_px)
{
    int px = (int)lround(title_px * LAYOUT_BADGE_SCALE);
    set_size(c, px, true);
    return measure(c, LAYOUT_BADGE, strlen(LAYOUT_BADGE)) + px + title_px / 2;
}

/* The badge after the first title line, in the middle of its line; a
 * centred title moves left by half the room the badge took. None without
 * a title line, or when it would end past the title's box. */
static void place_badge(layout_item *it, composer *c, int reserve)
{
    if (it->n_title_lines == 0)
        return;
    for (int i = 0; it->centred && i < it->n_title_lines; i++) {
        layout_line *t = &it->title_lines[i];
        t->indent = t->indent > reserve / 2 ? t->indent - reserve / 2 : 0;
    }
    int px = (int)lround(it->title_px * LAYOUT_BADGE_SCALE);
    set_size(c, px, true);
    int w = measure(c, LAYOUT_BADGE, strlen(LAYOUT_BADGE)) + px, h = px * 3 / 2;
    const layout_line *l = &it->title_lines[0];
    int x = it->frame.title.x + l->indent + l->width + it->title_px / 2;
    int y = it->frame.title.y + (it->title_line_h - h) / 2;
    if (x + w > it->frame.title.x + it->frame.title.w)
        return; /* a character wider than the room left: none */
    it->frame.badge = (layout_rect){x, y, w, h};
}

static layout_item *item_create(const layout_params *p, const layout_measure *m,
                                const char *title, const char *body)
{
    layout_params q = layout_template_params(p);
    if (!body)
        body = ""; /* no body: a title-only slide, not a NULL to measure */
    layout_item *it = xcalloc(1, sizeof *it);
    it->kind = (unsigned)q.kind < TEMPLATE_COUNT ? q.kind : TEMPLATE_TEXT;
    int side = short_side(&q);
    it->language = q.language ? xstrdup(q.language) : NULL;
    if (m->language)
        m->language(m->ctx, q.language);
    it->frame = layout_frame_compute(p); /* it applies the template itself */
    composer c = {.m = m, .lb = linebreak_create(q.language)};
    int base = px_of(q.body_size, side);
    c.title = title ? title : "";
    int reserve = q.badge ? badge_width(&c, px_of(q.title_size, side)) : 0;
    if (reserve * 2 > it->frame.title.w)
        reserve = 0; /* no room: the badge would leave the title's box */
    it->frame.title.w -= reserve;
    layout_title(it, &c, c.title, px_of(q.title_size, side), base,
                 title_room(it->frame.title.y, it->frame.body.y + it->frame.body.h));
    it->frame.title.w += reserve;
    shrink_title_box(it, body_line_h(&q, base));

    body_lines(it, &c, &q, body, base);
    c.wide = wide_tables(it->lines, it->n_lines);
    if (q.kind == TEMPLATE_URGENT)
        grow_urgent(it, &c, &q, body, base);
    else if (q.kind != TEMPLATE_PHOTO)
        enlarge_short(it, &c, &q, body, base);
    paginate(it, &q);
    if (q.kind == TEMPLATE_PHOTO)
        to_bottom(it);
    else if (it->n_pages == 1 && (q.enlarge_short || q.kind == TEMPLATE_URGENT))
        centre_block(it, q.kind == TEMPLATE_URGENT);
    if (reserve > 0)
        place_badge(it, &c, reserve);
    free(c.segs);
    linebreak_destroy(c.lb);
    return it;
}

/* True when every title line is whole (no "……" cut). */
static bool title_whole(const layout_item *it)
{
    for (int i = 0; i < it->n_title_lines; i++)
        if (it->title_lines[i].ellipsis)
            return false;
    return true;
}

/* Paragraphs set in one line (a timetable's rows, a list's items). */
static int one_line_paragraphs(const layout_item *it)
{
    int n = 0;
    for (int i = 0; i < it->n_lines; i++)
        n += it->lines[i].para_start && it->lines[i].para_end;
    return n;
}

/* The room from the title's top (before centre_block moved it) to the end
 * of the last page's room. */
static int block_room(const layout_item *it, const layout_params *p)
{
    return it->frame.body.y + last_page_room(it) - layout_frame_compute(p).title.y;
}

/* A portrait poster: a short text or image item (not a notice, already
 * large) that takes less than half its room on a portrait screen, where
 * the width keeps its lines short, is set again with title and body
 * POSTER_MAX down to 1.1 times larger, the largest that stays on one page,
 * keeps a quarter of the room, its whole title, its tables and its
 * one-line paragraphs (a timetable's rows) in one line. */
static layout_item *portrait_poster(layout_item *it, const layout_params *p,
                                    const layout_measure *m, const char *title,
                                    const char *body)
{
    layout_params q = layout_template_params(p);
    if (q.screen_w >= q.screen_h || !q.enlarge_short || it->centred ||
        (q.kind != TEMPLATE_TEXT && q.kind != TEMPLATE_IMAGE) || it->n_pages != 1 ||
        block_height(it) * 2 >= block_room(it, p) || !title_whole(it))
        return it;
    int wide = wide_tables(it->lines, it->n_lines), one_line = one_line_paragraphs(it);
    for (int step = (int)lround(POSTER_MAX * 10); step > 10; step--) {
        layout_params big = *p;
        big.body_size *= step / 10.0;
        big.title_size *= step / 10.0;
        layout_item *b = item_create(&big, m, title, body);
        if (b->n_pages == 1 && block_height(b) * 4 <= block_room(b, &big) * 3 &&
            title_whole(b) && wide_tables(b->lines, b->n_lines) == wide &&
            one_line_paragraphs(b) == one_line) {
            layout_item_destroy(it);
            return b;
        }
        layout_item_destroy(b);
    }
    return it;
}

layout_item *layout_item_create(const layout_params *p, const layout_measure *m,
                                const char *title, const char *body)
{
    return portrait_poster(item_create(p, m, title, body), p, m, title, body);
}

void layout_item_destroy(layout_item *it)
{
    if (!it)
        return;
    free_lines(it->title_lines, it->n_title_lines);
    free_lines(it->lines, it->n_lines);
    free(it->lines);
    free(it->pages);
    free(it->language);
    free(it);
}
