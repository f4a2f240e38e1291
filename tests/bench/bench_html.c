/* bench_html: what text_from_html costs on inputs at its caps: an article
 * in HTML repeated to 2 MiB, 20,000 nested <div>s, 20,000 misnested
 * formatting tags (gumbo's adoption agency), a 2 MiB table. Prints one line
 * per input: bytes in, bytes out, median and worst of RUNS in CPU ms.
 * Usage: bench_html [RUNS=5] */
#include "bench.h"
#include "text.h"
#include "util.h"

#define MAX_RUNS 51
#define INPUT_MAX (2u * 1024 * 1024)

/* piece repeated into a 2 MiB string (at most), between head and tail. */
static char *repeat(const char *head, const char *piece, const char *tail, size_t *len)
{
    size_t h = strlen(head), p = strlen(piece), t = strlen(tail);
    char *s = xmalloc(INPUT_MAX + 1);
    size_t n = 0;
    memcpy(s, head, h);
    n = h;
    while (n + p + t <= INPUT_MAX) {
        memcpy(s + n, piece, p);
        n += p;
    }
    memcpy(s + n, tail, t);
    n += t;
    s[n] = '\0';
    *len = n;
    return s;
}

static void run(const char *name, const char *html, size_t len, int runs)
{
    double ms[MAX_RUNS];
    size_t out = 0;
    for (int i = 0; i < runs; i++) {
        double t0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
        char *s = text_from_html(html, len, 64 * 1024);
        ms[i] = bench_ms(CLOCK_PROCESS_CPUTIME_ID) - t0;
        out = strlen(s);
        free(s);
    }
    qsort(ms, (size_t)runs, sizeof *ms, bench_cmp_double);
    printf("text_from_html %-10s %8zu bytes in, %6zu out: median %.1f ms, worst %.1f ms "
           "(%d runs)\n",
           name, len, out, ms[runs / 2], ms[runs - 1], runs);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 5;
    runs = runs < 1 ? 1 : runs > MAX_RUNS ? MAX_RUNS : runs;
    static const struct {
        const char *name, *head, *piece, *tail;
    } inputs[] = {
        {"article", "",
         "<h2>标题</h2><p>糖尿病是一种常见的慢性病，\n早期往往没有明显症状。</p>"
         "<ul><li>每年测一次血糖；</li><li>饮食清淡。</li></ul>",
         ""},
        {"nested", "", "<div>", "x"},
        {"misnested", "", "<b><i>a</b>", ""},
        {"table", "<table>", "<tr><td>1</td><td>周二 19:30</td></tr>", "</table>"},
    };
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        size_t len;
        char *html = repeat(inputs[i].head, inputs[i].piece, inputs[i].tail, &len);
        run(inputs[i].name, html, len, runs);
        free(html);
    }
    return 0;
}
