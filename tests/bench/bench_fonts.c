/* bench_fonts: what measuring and rendering cost. Prints fonts_create time,
 * cold and cached fonts_width per call over an article's line prefixes (as
 * a line breaker asks), rendering time per line, the first fallback lookup
 * (fontconfig start) and resident memory. Usage: bench_fonts [px] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "bench.h"
#include "fonts.h"
#include "util.h"

static const char *const para =
    "为进一步做好辖区居民健康服务工作，社区卫生服务中心定于2024年6月28日（周五）"
    "上午9:00至11:30在园岭街道文化广场开展义诊活动，内容包括测量血压、血糖，"
    "中医体质辨识和健康咨询。请有需要的居民携带身份证、医保卡前往，"
    "65岁以上老人可免费领取体检报告。如遇雨天，活动改在社区党群服务中心一楼举行。"
    "咨询电话：0755-12345678。";

/* Measures every prefix of the paragraph from byte skip on, as a greedy
 * line breaker does. */
static int measure_prefixes(fonts *f, int px, size_t skip)
{
    const char *text = para + skip;
    size_t n = strlen(text);
    int calls = 0;
    for (size_t start = 0; start < n;) {
        size_t end = start;
        while (end < n) {
            size_t next = end + 1;
            while (next < n && ((unsigned char)text[next] & 0xc0) == 0x80)
                next++;
            calls++;
            if (fonts_width(f, text + start, next - start, px, false) > 20 * px)
                break;
            end = next;
        }
        start = end > start ? end : n;
    }
    return calls;
}

int main(int argc, char **argv)
{
    int px = argc > 1 ? atoi(argv[1]) : 48;
    if (px <= 0 || px > 1024)
        px = 48;
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0)
        return 1;
    long rss0 = util_status_kb("VmRSS:");
    double t0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    fonts *f = fonts_create(NULL, NULL, "zh-CN");
    if (!f)
        return 1;
    double t1 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    printf("fonts_create: %.1f ms, RSS +%ld kB\n", t1 - t0,
           util_status_kb("VmRSS:") - rss0);

    t0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    fonts_width(f, "x", 1, px, false); /* opens the face at px */
    t1 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    printf("opening the primary face at %d px: %.1f ms\n", px, t1 - t0);
    t0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    int calls = measure_prefixes(f, px, 0);
    t1 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    int again = measure_prefixes(f, px, 0);
    double t2 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    int shifted = measure_prefixes(f, px, 3); /* new strings, known glyphs */
    double t3 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    fonts_stats st = fonts_get_stats(f);
    printf(
        "fonts_width at %d px: %d cold calls %.1f us each, %d cached calls %.2f us each "
        "(%lu hits, %lu misses)\n",
        px, calls, (t1 - t0) * 1e3 / calls, again, (t2 - t1) * 1e3 / again,
        st.measure_hits, st.measure_misses);
    printf("fonts_width, new strings of known glyphs: %d calls %.1f us each\n", shifted,
           (t3 - t2) * 1e3 / shifted);

    SDL_Color c = {255, 255, 255, 255};
    int lines = 0;
    t0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    size_t n = strlen(para);
    for (int rep = 0; rep < 5; rep++)
        for (size_t i = 0; i + 60 <= n; i += 60, lines++)
            SDL_FreeSurface(fonts_render(f, para + i, 60, px, false, c));
    t1 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    printf("fonts_render: %d lines of 20 characters, %.2f ms per line, RSS %ld kB\n",
           lines, (t1 - t0) / lines, util_status_kb("VmRSS:"));

    long rss1 = util_status_kb("VmRSS:");
    t0 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    int w = fonts_width(f, "안녕하세요", strlen("안녕하세요"), px, false);
    t1 = bench_ms(CLOCK_PROCESS_CPUTIME_ID);
    printf(
        "first fallback (fontconfig start, sort, open): %.1f ms, width %d, RSS +%ld kB\n",
        t1 - t0, w, util_status_kb("VmRSS:") - rss1);
    rss1 = util_status_kb("VmRSS:");
    for (int size = 20; size <= 100; size += 20)
        SDL_FreeSurface(fonts_render(f, "한국어 ok", strlen("한국어 ok"), size, true, c));
    printf("fallback at 5 sizes, bold: RSS +%ld kB; %d font files, %d fonts open\n",
           util_status_kb("VmRSS:") - rss1, fonts_get_stats(f).files,
           fonts_get_stats(f).open_fonts);
    fonts_destroy(f);
    TTF_Quit();
    SDL_Quit();
    return 0;
}
