#include "airtime.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sentence.h"
#include "util.h"

bool airtime_fits(const layout_item *it, airtime_cap cap)
{
    if (it->n_pages <= 1)
        return true;
    if (cap.max_pages > 0 && it->n_pages > cap.max_pages)
        return false;
    long seconds = 0;
    for (int k = 0; k < it->n_pages; k++)
        seconds += it->pages[k].seconds;
    return cap.max_seconds <= 0 || seconds <= cap.max_seconds;
}

const char *airtime_how_name(airtime_how how)
{
    static const char *const names[] = {"whole", "summary", "cut", "summary-cut"};
    return (unsigned)how < AIRTIME_COUNT ? names[how] : "?";
}

/* Byte offset in the text just past the last line that could fit the cap:
 * the end of page max_pages, or of the page whose seconds pass max_seconds,
 * in the uncut layout. Nothing after it can be shown. */
static size_t reach(const layout_item *it, airtime_cap cap)
{
    int last = it->n_pages - 1;
    if (cap.max_pages > 0 && cap.max_pages - 1 < last)
        last = cap.max_pages - 1;
    long seconds = 0;
    for (int k = 0; k <= last; k++) {
        seconds += it->pages[k].seconds;
        if (cap.max_seconds > 0 && seconds > cap.max_seconds && k > 0) {
            last = k; /* a cut page may still fit part of it */
            break;
        }
    }
    const layout_page *pg = &it->pages[last];
    if (pg->count == 0)
        return 0;
    const layout_line *l = &it->lines[pg->first + pg->count - 1];
    return l->from_title ? 0 : l->offset + strlen(l->text); /* title's rest: none */
}

/* text[0..end) without trailing spaces and line ends, with the mark. */
static char *with_mark(const char *text, size_t end)
{
    while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\n'))
        end--;
    char *s = xmalloc(end + sizeof AIRTIME_MARK);
    memcpy(s, text, end);
    memcpy(s + end, AIRTIME_MARK, sizeof AIRTIME_MARK);
    return s;
}

typedef struct {
    const layout_params *p;
    const layout_measure *m;
    const char *title, *text;
    airtime_cap cap;
} trial;

/* text cut at end, with the mark, laid out; NULL when it does not fit. */
static layout_item *try_cut(const trial *t, size_t end)
{
    char *s = with_mark(t->text, end);
    layout_item *it = layout_item_create(t->p, t->m, t->title, s);
    free(s);
    if (airtime_fits(it, t->cap))
        return it;
    layout_item_destroy(it);
    return NULL;
}

/* The longest of the cuts ends[0..n) (ascending) that fits, by bisection
 * (a longer cut never takes fewer pages); NULL when none does. */
static layout_item *longest_fit(const trial *t, const size_t *ends, size_t n)
{
    layout_item *best = NULL;
    size_t lo = 0, hi = n; /* the answer is in [lo, hi) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        layout_item *it = try_cut(t, ends[mid]);
        if (it) {
            layout_item_destroy(best);
            best = it;
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return best;
}

/* Sentence ends in text[0..limit), ascending; *n of them. */
static size_t *sentence_ends(const char *text, size_t limit, size_t *n)
{
    size_t *v = NULL, cap = 0, len = strlen(text);
    *n = 0;
    for (size_t e = 0; e < len;) {
        e = sentence_next(text, len, e);
        if (e > limit)
            break;
        v = buf_grow(v, &cap, *n + 1, sizeof *v);
        v[(*n)++] = e;
    }
    return v;
}

/* Line ends of the uncut layout in text[0..limit). */
static size_t *line_ends(const layout_item *full, size_t limit, size_t *n)
{
    size_t *v = xmalloc(((size_t)full->n_lines + 1) * sizeof *v);
    *n = 0;
    for (int k = 0; k < full->n_lines; k++) {
        if (full->lines[k].from_title)
            continue; /* the rest of a cut title: its offset is the title's */
        size_t e = full->lines[k].offset + strlen(full->lines[k].text);
        if (e > limit)
            break;
        v[(*n)++] = e;
    }
    return v;
}

/* The text's first pages, cut; full is its uncut layout. */
static layout_item *cut_text(const trial *t, const layout_item *full)
{
    size_t limit = reach(full, t->cap), n;
    size_t *ends = sentence_ends(t->text, limit, &n);
    layout_item *it = longest_fit(t, ends, n);
    free(ends);
    if (it)
        return it;
    ends = line_ends(full, limit, &n);
    it = longest_fit(t, ends, n);
    free(ends);
    if (!it)
        it = try_cut(t, 0); /* the mark alone: one page, which always fits */
    return it ? it : layout_item_create(t->p, t->m, t->title, AIRTIME_MARK);
}

layout_item *airtime_layout(const layout_params *p, const layout_measure *m,
                            const char *title, const char *body, const char *summary,
                            airtime_cap cap, airtime_how *how)
{
    trial t = {p, m, title, body ? body : "", cap};
    layout_item *full = layout_item_create(p, m, title, t.text);
    *how = AIRTIME_WHOLE;
    if (airtime_fits(full, cap))
        return full;
    if (summary && *summary) {
        layout_item *s = layout_item_create(p, m, title, summary);
        *how = AIRTIME_SUMMARY;
        if (airtime_fits(s, cap)) {
            layout_item_destroy(full);
            return s;
        }
        layout_item_destroy(full);
        full = s;
        t.text = summary;
    }
    *how = *how == AIRTIME_SUMMARY ? AIRTIME_SUMMARY_CUT : AIRTIME_CUT;
    layout_item *it = cut_text(&t, full);
    layout_item_destroy(full);
    return it;
}
