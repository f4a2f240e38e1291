#define LOG_MODULE "layout"
#include "layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/utf8.h>

#include "linebreak.h"
#include "buf.h"
#include "log.h"
#include "text.h"
#include "util.h"

#define LAYOUT_MAX_TEXT (4u * 1024 * 1024) /* bytes of body laid out, at most */
#define TITLE_LEADING 1.3                  /* title line height / title px */
#define TITLE_SHRINK_STEP 0.05             /* of the start size */
#define TITLE_FLOOR 0.70                   /* smallest title, of the start size */
#define HEADER_BAND 0.065                  /* of the short side */
#define FOOTER_BAND 0.05
#define IMAGE_SHARE 0.38 /* of the body area */
#define ELLIPSIS "\xE2\x80\xA6"
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
    bool split; /* split_graphemes broke a unit since this was last cleared */
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

layout_frame layout_frame_compute(const layout_params *p)
{
    layout_params q = sane(p);
    int W = q.screen_w, H = q.screen_h, side = short_side(&q);
    int m = (int)lround(q.margin * side), half = m / 2;
    int head_h = (int)lround(HEADER_BAND * side),
        foot_h = (int)lround(FOOTER_BAND * side);
    int body_lh = body_line_h(&q, px_of(q.body_size, side));
    layout_frame f = {0};
    f.header = (layout_rect){m, half, W - 2 * m, head_h};
    f.footer = (layout_rect){m, H - half - foot_h, W - 2 * m, foot_h};
    f.title = (layout_rect){m, f.header.y + head_h + half, W - 2 * m,
                            2 * title_line_h(px_of(q.title_size, side))};
    int top = f.title.y + f.title.h + body_lh / 2, bottom = f.footer.y - half;
    f.body = (layout_rect){m, top, W - 2 * m, bottom > top ? bottom - top : 0};
    if (q.has_image && W >= H) {
        f.image = f.body;
        f.image.w = (int)lround(f.body.w * IMAGE_SHARE);
        f.body.w -= f.image.w + m;
        f.image.x = f.body.x + f.body.w + m;
    } else if (q.has_image) {
        f.image = f.body;
        f.image.h = (int)lround(f.body.h * IMAGE_SHARE);
        f.body.h -= f.image.h + m;
        f.image.y = f.body.y + f.body.h + m;
    }
    if (f.body.w < 1)
        f.body.w = 1;
    if (f.body.h < 0)
        f.body.h = 0;
    /* The plate sits in the body's bottom right corner, if it leaves room
     * for two lines above it. */
    if (q.qr_w > 0 && q.qr_h > 0 && q.qr_w <= f.body.w &&
        q.qr_h + 2 * body_lh <= f.body.h)
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

/* The grapheme clusters of segment g as segments into out (room for one
 * per cluster); returns their count. A space inside g (no break after it,
 * as before U+061D) is trailing space of the cluster before, so that no
 * line is a lone space. */
static size_t grapheme_pieces(composer *c, const char *s, seg g, const size_t *gb,
                              size_t n, seg *out)
{
    size_t m = 0, prev = g.start;
    for (size_t k = 0; k < n; k++) {
        size_t end = g.start + gb[k];
        if (m > 0 && trim_spaces(s, prev, end) == prev)
            out[m - 1].end = end;
        else
            out[m++] = (seg){prev, end, end, 0};
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
        l->justify = justify && !l->para_end;
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

/* End of s[0..cut) without trailing spaces and no-end characters. */
static size_t trim_before_ellipsis(const char *s, size_t cut)
{
    for (;;) {
        cut = trim_spaces(s, 0, cut);
        int32_t k = (int32_t)cut;
        UChar32 cp;
        if (k == 0)
            return 0;
        U8_PREV((const uint8_t *)s, 0, k, cp);
        if (cp < 0 || !linebreak_no_end((uint32_t)cp))
            return cut;
        cut = (size_t)k;
    }
}

/* Cuts line l so that it plus "…" fits box_w, at a grapheme boundary. */
static void ellipsize(composer *c, layout_line *l, int box_w)
{
    size_t len = strlen(l->text), n;
    const size_t *gb = linebreak_graphemes(c->lb, l->text, len, &n);
    for (size_t k = n + 1; k-- > 0;) {
        size_t cut = trim_before_ellipsis(l->text, k ? gb[k - 1] : 0);
        char *cand = xmalloc(cut + sizeof ELLIPSIS);
        memcpy(cand, l->text, cut);
        memcpy(cand + cut, ELLIPSIS, sizeof ELLIPSIS);
        int w = measure(c, cand, strlen(cand));
        if (w <= box_w || k == 0) {
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
}

/* A two-line title with lines of even length: the narrowest width that
 * still gives two lines without breaking a unit, found by bisection (a
 * title is short: about ten layouts of a few segments, cached widths). */
static void balance_title(composer *c, const char *title, line_vec *v, int box_w)
{
    size_t len = strlen(title);
    int lo = box_w / 2, hi = box_w;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        line_vec t = {0};
        c->split = false;
        text_lines(c, title, len, mid, 0, false, &t);
        bool fits = t.n <= 2 && !c->split;
        free_lines(t.v, t.n);
        free(t.v);
        if (fits)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (hi == box_w)
        return;
    free_lines(v->v, v->n);
    v->n = 0;
    text_lines(c, title, len, hi, 0, false, v);
}

/* Sets v to two title lines: title[0..end1) and title[start2..len). */
static void set_two_lines(const char *title, line_vec *v, size_t end1, size_t start2,
                          int w1, int w2)
{
    size_t len = strlen(title);
    free_lines(v->v, v->n);
    v->n = 0;
    layout_line *l = push_line(v);
    l->text = xstrndup(title, end1);
    l->width = w1;
    l->para_start = true;
    l->space_after = true;
    l = push_line(v);
    l->text = xstrndup(title + start2, len - start2);
    l->width = w2;
    l->offset = start2;
    l->para_end = true;
}

/* Titles put spaces between phrases ("园岭街道 聚焦… 塑造…"): a break at one
 * reads better than the most even break inside a word, when both lines fit
 * and the shorter is at least a third of the longer. */
static bool title_space_break(composer *c, const char *title, line_vec *v, int box_w)
{
    size_t len = strlen(title), n, best_at = 0, best_end = 0;
    if (memchr(title, '\n', len))
        return false;
    const size_t *opp = linebreak_find(c->lb, title, len, LINEBREAK_TAILORED, &n);
    int best = box_w + 1, w1 = 0, w2 = 0;
    for (size_t k = 0; k + 1 < n; k++) {
        size_t p = opp[k], end = trim_spaces(title, 0, p);
        if (end == p || end == 0)
            continue;
        int a = measure(c, title, end), b = measure(c, title + p, len - p);
        int lo = a < b ? a : b, hi = a < b ? b : a;
        if (hi < best && lo * 3 >= hi) {
            best = hi;
            best_at = p;
            best_end = end;
            w1 = a;
            w2 = b;
        }
    }
    if (best > box_w)
        return false;
    set_two_lines(title, v, best_end, best_at, w1, w2);
    return true;
}

/* Title lines at the largest size from start down to 70% that needs at most
 * two lines; at 70% a longer title is cut after line 2 with "…". */
static void layout_title(layout_item *it, composer *c, const char *title, int start_px)
{
    size_t len = strlen(title);
    int step = (int)lround(start_px * TITLE_SHRINK_STEP), floor_px;
    floor_px = (int)ceil(start_px * TITLE_FLOOR);
    if (step < 1)
        step = 1;
    line_vec v = {0};
    for (int px = start_px;; px = px - step < floor_px ? floor_px : px - step) {
        set_size(c, px, true);
        free_lines(v.v, v.n);
        v.n = 0;
        c->split = false;
        text_lines(c, title, len, it->frame.title.w, 0, false, &v);
        if (v.n <= 2 || px == floor_px)
            break;
    }
    if (v.n == 2 && !c->split && !title_space_break(c, title, &v, it->frame.title.w))
        balance_title(c, title, &v, it->frame.title.w);
    if (v.n > 2)
        ellipsize(c, &v.v[1], it->frame.title.w);
    it->n_title_lines = v.n > 2 ? 2 : v.n;
    for (int i = 0; i < it->n_title_lines; i++)
        it->title_lines[i] = v.v[i];
    if (v.n > it->n_title_lines) /* v.v is NULL for an empty title */
        free_lines(v.v + it->n_title_lines, v.n - it->n_title_lines);
    free(v.v);
    it->title_px = c->px;
    it->title_line_h = title_line_h(c->px);
}

/* Gives the title box's unused height to the body (and a side image). */
static void shrink_title_box(layout_item *it)
{
    layout_frame *f = &it->frame;
    int used = it->n_title_lines * it->title_line_h;
    int spare = f->title.h - used;
    if (spare <= 0)
        return;
    bool side_image = f->image.w > 0 && f->image.y == f->body.y;
    f->title.h = used;
    f->body.y -= spare;
    f->body.h += spare;
    if (side_image) {
        f->image.y -= spare;
        f->image.h += spare;
    }
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
    return f->qr.w > 0 ? f->qr.y - f->body.y - it->body_px / 2 : f->body.h;
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

layout_item *layout_item_create(const layout_params *p, const layout_measure *m,
                                const char *title, const char *body)
{
    layout_params q = sane(p);
    if (!body)
        body = ""; /* no body: a title-only slide, not a NULL to measure */
    layout_item *it = xcalloc(1, sizeof *it);
    int side = short_side(&q);
    it->frame = layout_frame_compute(&q);
    composer c = {.m = m, .lb = linebreak_create(q.language)};
    layout_title(it, &c, title ? title : "", px_of(q.title_size, side));
    shrink_title_box(it);

    int base = px_of(q.body_size, side);
    body_lines(it, &c, &q, body, base);
    /* A short notice is set larger, for readers further away, as long as
     * it stays on one page with room to spare: up to 1.3 times the size. */
    for (int step = 1;
         q.enlarge_short && step <= 3 && body_height(it) * 2 < last_page_room(it);
         step++) {
        layout_line *keep = it->lines;
        int keep_n = it->n_lines, keep_px = it->body_px;
        int wide = wide_tables(it->lines, it->n_lines);
        body_lines(it, &c, &q, body, base * (10 + step) / 10);
        /* Larger, but not at the cost of a table that fitted. */
        if (body_height(it) * 4 <= last_page_room(it) * 3 &&
            wide_tables(it->lines, it->n_lines) == wide) {
            free_lines(keep, keep_n);
            free(keep);
            continue;
        }
        free_lines(it->lines, it->n_lines);
        free(it->lines);
        it->lines = keep;
        it->n_lines = keep_n;
        set_body_size(it, &q, keep_px);
        break;
    }
    paginate(it, &q);
    free(c.segs);
    linebreak_destroy(c.lb);
    return it;
}

void layout_item_destroy(layout_item *it)
{
    if (!it)
        return;
    free_lines(it->title_lines, it->n_title_lines);
    free_lines(it->lines, it->n_lines);
    free(it->lines);
    free(it->pages);
    free(it);
}
