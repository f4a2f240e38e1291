/* The polyglot of issue 8 through image_load: a WebP (VP8L) header that
 * claims 258x300, followed by an SVG that asks for side x side (20000 by
 * default). Prints whether it was decoded, the time (wall and CPU) and the
 * process's peak RSS before and after. One load per run: peak RSS only
 * grows, so each measure needs its own process.
 *
 *   bench_polyglot [side]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "image.h"

static double ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long peak_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* No NUL byte before the SVG, as in the file of the issue: SDL_image's
 * content check (a C string search) then finds "<svg". */
static size_t polyglot(char *out, size_t size, int side)
{
    const uint32_t bits = 257u | 299u << 14 | 1u << 28; /* 258 x 300, alpha */
    int n =
        snprintf(out, size,
                 "RIFF\x01\x01\x01\x01WEBPVP8L\x01\x01\x01\x01\x2f%c%c%c%c"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                 "height=\"%d\"><rect width=\"%d\" height=\"%d\" fill=\"#f00\"/></svg>",
                 (int)(bits & 255), (int)(bits >> 8 & 255), (int)(bits >> 16 & 255),
                 (int)(bits >> 24), side, side, side, side);
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

int main(int argc, char **argv)
{
    int side = argc > 1 ? atoi(argv[1]) : 20000;
    char data[512], path[64];
    size_t len = polyglot(data, sizeof data, side);
    snprintf(path, sizeof path, "/tmp/bench_polyglot.%d.webp", (int)getpid());
    FILE *fp = fopen(path, "wb");
    if (!len || !fp || fwrite(data, 1, len, fp) != len || fclose(fp) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        return 1;
    }
    long rss0 = peak_kib();
    double wall0 = ms(CLOCK_MONOTONIC), cpu0 = ms(CLOCK_PROCESS_CPUTIME_ID);
    SDL_Surface *s = image_load(path, 0, 1920, 1080);
    double wall = ms(CLOCK_MONOTONIC) - wall0, cpu = ms(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    long rss1 = peak_kib();
    printf("polyglot of %zu bytes (258x300 WebP header, %dx%d SVG): %s%s", len, side,
           side, s ? "decoded" : "refused", s ? "" : "\n");
    if (s)
        printf(" to %dx%d\n", s->w, s->h);
    printf("time %.1f ms wall, %.1f ms CPU; peak RSS %.1f MiB before, %.1f MiB after\n",
           wall, cpu, (double)rss0 / 1024.0, (double)rss1 / 1024.0);
    SDL_FreeSurface(s);
    remove(path);
    return 0;
}
