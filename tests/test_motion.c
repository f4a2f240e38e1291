/* What moves, end to end through the player binary: a transition written
 * frame by frame by --snapshot-transition (fade and slide, landscape and
 * portrait) checked from the pixels (no frame blank or black, the middle of
 * a fade a mix of the two pages, a slide's edge moving one way only);
 * ticker items listed apart from the rotation by --layout-dump; and the
 * interactive loop (dummy video driver) drawing nothing between slides, and
 * surviving a renderer reset mid-transition (SDL's dummy driver saves each
 * frame presented). */
#include <SDL.h>
#include <SDL_image.h>
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

static const char *player;
static char tmp[256];

/* The theme's background and the urgent template's (render.c). */
#define BG_NORMAL 0x102a3cu
#define BG_URGENT 0x7d1d1du

static const char feed_json[] =
    "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":["
    "{\"id\":\"a\",\"title\":\"停水通知\",\"content_text\":\"明日8:00至16:00停水。\"},"
    "{\"id\":\"b\",\"title\":\"紧急\",\"content_text\":\"请勿外出。\","
    "\"_signage\":{\"priority\":\"urgent\"}},"
    "{\"id\":\"t1\",\"title\":\"今晚七点放映露天电影\",\"content_text\":\"x\","
    "\"_signage\":{\"ticker\":true}}]}";

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void write_ini(const char *name, const char *display)
{
    char path[512], text[2048];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    snprintf(text, sizeof text,
             "[player]\nfeed = %s/feed.json\ncache_dir = %s/cache\n[display]\n%s\n", tmp,
             tmp, display);
    write_file(path, text);
}

static Uint32 px(SDL_Surface *s, int x, int y)
{
    const Uint8 *p =
        (const Uint8 *)s->pixels + y * s->pitch + x * s->format->BytesPerPixel;
    Uint32 v;
    memcpy(&v, p, sizeof v);
    Uint8 r, g, b;
    SDL_GetRGB(v, s->format, &r, &g, &b);
    return (Uint32)r << 16 | (Uint32)g << 8 | b;
}

/* The share of pixels that are pure black, and how many colours a sample
 * of the frame has (a blank frame has one). */
static void frame_stats(SDL_Surface *s, double *black, int *colours)
{
    long n = 0, dark = 0;
    Uint32 seen[16];
    int ns = 0;
    for (int y = 0; y < s->h; y += 3)
        for (int x = 0; x < s->w; x += 3, n++) {
            Uint32 c = px(s, x, y);
            dark += c == 0;
            bool known = false;
            for (int k = 0; k < ns; k++)
                known |= seen[k] == c;
            if (!known && ns < 16)
                seen[ns++] = c;
        }
    *black = (double)dark / (double)n;
    *colours = ns;
}

static SDL_Surface *load_frame(const char *dir, int k)
{
    char path[600];
    snprintf(path, sizeof path, "%s/transition-%02d.png", dir, k);
    SDL_Surface *s = IMG_Load(path);
    CHECKF(s != NULL, "%s: %s", path, SDL_GetError());
    return s;
}

static bool snapshot(const char *ini, const char *size, const char *dir, int frames)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "'%s' -q --config %s/%s --size %s --now 2026-12-04T10:00:00+08:00 "
             "--snapshot %s/%s --snapshot-transition %d >/dev/null",
             player, tmp, ini, size, tmp, dir, frames);
    return system(cmd) == 0;
}

static bool between(Uint32 c, Uint32 a, Uint32 b, int shift)
{
    int x = (int)(c >> shift & 0xff), lo = (int)(a >> shift & 0xff),
        hi = (int)(b >> shift & 0xff);
    if (lo > hi) {
        int t = lo;
        lo = hi;
        hi = t;
    }
    return x > lo && x < hi;
}

/* Fade: no frame black or blank; frame 1 the first page's background, the
 * last frame nearly the second's, the middle strictly between in each
 * channel that differs. */
static void check_fade(const char *size, const char *dir)
{
    CHECK(snapshot("fade.ini", size, dir, 9));
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp, dir);
    for (int k = 1; k <= 9; k++) {
        SDL_Surface *s = load_frame(path, k);
        if (!s)
            return;
        double black;
        int colours;
        frame_stats(s, &black, &colours);
        CHECKF(black < 0.01 && colours > 2, "%s frame %d: %.1f%% black, %d colours", dir,
               k, black * 100, colours);
        Uint32 c = px(s, 2, s->h / 2); /* the left margin: background only */
        if (k == 1)
            CHECKF(c == BG_NORMAL, "first frame %06x", c);
        if (k == 5)
            CHECKF(between(c, BG_NORMAL, BG_URGENT, 16) &&
                       between(c, BG_NORMAL, BG_URGENT, 8),
                   "%s middle frame %06x not between %06x and %06x", dir, c, BG_NORMAL,
                   BG_URGENT);
        if (k == 9)
            CHECKF(((c >> 16) & 0xff) >= 0x78, "last frame %06x", c);
        SDL_FreeSurface(s);
    }
}

/* The first column (row) of the incoming page's background along the left
 * margin's line: the slide's edge. */
static int slide_edge(SDL_Surface *s, bool portrait)
{
    int n = portrait ? s->h : s->w;
    for (int i = 0; i < n; i++)
        if (px(s, portrait ? 2 : i, portrait ? i : 2) == BG_URGENT)
            return i;
    return n;
}

static void check_slide(const char *size, const char *dir, bool portrait)
{
    CHECK(snapshot("slide.ini", size, dir, 9));
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp, dir);
    int last = 1 << 30, first = -1;
    for (int k = 1; k <= 9; k++) {
        SDL_Surface *s = load_frame(path, k);
        if (!s)
            return;
        double black;
        int colours;
        frame_stats(s, &black, &colours);
        CHECKF(black < 0.01 && colours > 2, "%s frame %d: %.1f%% black", dir, k,
               black * 100);
        int e = slide_edge(s, portrait);
        CHECKF(e <= last, "%s frame %d: edge %d after %d", dir, k, e, last);
        if (k == 1)
            first = e;
        last = e;
        SDL_FreeSurface(s);
    }
    CHECKF(first >= (portrait ? 1900 : 1900) && last < 40, "%s: edge from %d to %d", dir,
           first, last);
}

/* ticker.png (the first page with the ticker 5 s in): the open ticker
 * item's text is ink in the footer's left part, where the page itself has
 * none (item a has no date). */
static void check_ticker(const char *dir)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s/ticker.png", tmp, dir);
    SDL_Surface *s = IMG_Load(path);
    CHECKF(s != NULL, "%s: %s", path, SDL_GetError());
    if (!s)
        return;
    int ink = 0;
    for (int y = s->h * 93 / 100; y < s->h; y++)
        for (int x = 0; x < s->w * 6 / 10; x++)
            ink += (px(s, x, y) >> 16 & 0xff) > 0xc0;
    CHECKF(ink > 200, "%s: %d ink pixels in the ticker's band", dir, ink);
    SDL_FreeSurface(s);
}

static void test_transitions(void)
{
    check_fade("1920x1080", "fade-land");
    check_fade("1080x1920", "fade-port");
    check_ticker("fade-land");
    check_ticker("fade-port");
    check_slide("1920x1080", "slide-land", false);
    check_slide("1080x1920", "slide-port", true);
}

/* --layout-dump: the ticker item is listed with "ticker": true and never in
 * the rotation. */
static void test_ticker_not_slide(void)
{
    char cmd[1024], out[600];
    snprintf(out, sizeof out, "%s/dump.json", tmp);
    snprintf(
        cmd, sizeof cmd,
        "'%s' -q --config %s/fade.ini --now 2026-12-04T10:00:00+08:00 --layout-dump > %s",
        player, tmp, out);
    CHECK(system(cmd) == 0);
    char *json = test_read_file(out, NULL);
    CHECK(json != NULL);
    if (!json)
        return;
    const char *rot = strstr(json, "\"rotation\"");
    CHECK(rot != NULL);
    CHECKF(rot && !strstr(rot, "\"t1\""), "the ticker item is in the rotation");
    CHECK(rot && strstr(rot, "\"b\"")); /* the urgent item holds the screen */
    const char *t1 = strstr(json, "\"id\":\t\"t1\"");
    if (!t1)
        t1 = strstr(json, "\"id\": \"t1\"");
    if (!t1)
        t1 = strstr(json, "\"id\":\"t1\"");
    CHECKF(t1 && strstr(t1, "\"ticker\"") && strstr(strstr(t1, "\"ticker\""), "true"),
           "t1 listed with ticker true");
    free(json);
}

/* The loop with one slide and no ticker, for 4 s: the first page is drawn,
 * then nothing (the debug log says each page drawn). */
static void test_idle_draws(void)
{
    char feed[600], log[600];
    snprintf(feed, sizeof feed, "%s/one.json", tmp);
    write_file(
        feed,
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\","
        "\"items\":[{\"id\":\"a\",\"title\":\"停水\",\"content_text\":\"明日停水。\","
        "\"_signage\":{\"duration\":60}}]}");
    char ini[600], text[1024];
    snprintf(ini, sizeof ini, "%s/one.ini", tmp);
    snprintf(text, sizeof text,
             "[player]\nfeed = %s\ncache_dir = %s/cache1\nlog_level = debug\n[display]\n"
             "transition = fade\n",
             feed, tmp);
    write_file(ini, text);
    snprintf(log, sizeof log, "%s/idle.log", tmp);
    time_t t0 = time(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(log, "w", stderr))
            _exit(127);
        execl(player, player, "--config", ini, "--window", "640x360", (char *)NULL);
        _exit(127);
    }
    sleep(4);
    kill(pid, SIGTERM);
    /* the clock's minute changing on the way redraws the page once */
    int minutes = (int)(time(NULL) / 60 - t0 / 60);
    int st;
    waitpid(pid, &st, 0);
    char *text_log = test_read_file(log, NULL);
    CHECK(text_log != NULL);
    if (!text_log)
        return;
    int draws = 0;
    for (const char *p = text_log; (p = strstr(p, "drawing a page")); p++)
        draws++;
    CHECKF(draws >= 1 && draws <= 2 + minutes, "%d pages drawn in 4 s of one slide",
           draws);
    CHECKF(!strstr(text_log, "transition done"), "a transition ran with one slide");
    free(text_log);
}

/* The frames dir/SDL_window1-*.bmp the dummy driver saved: each checked
 * by check(frame, k); returns how many. */
static int each_frame(const char *dir, void (*check)(SDL_Surface *, int))
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!strstr(e->d_name, ".bmp"))
            continue;
        char path[900];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        SDL_Surface *s = SDL_LoadBMP(path);
        CHECKF(s != NULL, "%s: %s", path, SDL_GetError());
        if (s)
            check(s, n);
        SDL_FreeSurface(s);
        n++;
    }
    if (d)
        closedir(d);
    return n;
}

static int dark_frames;

/* Two slides of the theme's background: every frame of a fade between them
 * has it at the left margin, and light ink (the title: not blank); a page
 * lost in the reset would show darker there, a lost line texture black. */
static void reset_frame(SDL_Surface *s, int k)
{
    double black;
    int colours;
    frame_stats(s, &black, &colours);
    Uint32 c = px(s, 2, s->h / 2);
    int light = 0; /* the title's ink, in the theme's foreground */
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++)
            light += (px(s, x, y) >> 16 & 0xff) > 0xc0 && (px(s, x, y) & 0xff) > 0xa0;
    if (c != BG_NORMAL || colours <= 2 || black > 0.01 || light < 20) {
        if (dark_frames++ < 3)
            fprintf(stderr, "frame %d: margin %06x, %d colours, %.1f%% black, %d light\n",
                    k, c, colours, black * 100, light);
    }
}

/* SIGNAGE_TEST_RENDER_RESET: halfway through the first fade the textures
 * are lost and SDL_RENDER_TARGETS_RESET and SDL_RENDER_DEVICE_RESET are
 * pushed. The loop makes its textures again, draws the slide again (the
 * lost outgoing page is not faded from), and goes on to the next slides. */
static void test_render_reset(void)
{
    char feed[600], ini[600], log[600], frames[600], plays[600], text[1024];
    snprintf(feed, sizeof feed, "%s/two.json", tmp);
    write_file(feed, "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\","
                     "\"items\":[{\"id\":\"a\",\"title\":\"停水\",\"content_text\":"
                     "\"明日停水。\"},{\"id\":\"b\",\"title\":\"开放\",\"content_text\":"
                     "\"周末开放。\"}]}");
    snprintf(ini, sizeof ini, "%s/reset.ini", tmp);
    snprintf(text, sizeof text,
             "[player]\nfeed = %s\ncache_dir = %s/cache2\n[timing]\npage_min = 1\n"
             "page_max = 1\n[display]\ntransition = fade\n",
             feed, tmp);
    write_file(ini, text);
    snprintf(log, sizeof log, "%s/reset.log", tmp);
    snprintf(plays, sizeof plays, "%s/reset.plays", tmp);
    snprintf(frames, sizeof frames, "%s/frames", tmp);
    CHECK(mkdir(frames, 0755) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(log, "w", stderr) || chdir(frames) != 0)
            _exit(127);
        setenv("SDL_VIDEO_DUMMY_SAVE_FRAMES", "1", 1);
        setenv("SIGNAGE_TEST_RENDER_RESET", "1", 1);
        execl(player, player, "--config", ini, "--window", "320x180", "--play-log", plays,
              (char *)NULL);
        _exit(127);
    }
    sleep(4);
    kill(pid, SIGTERM);
    int st;
    waitpid(pid, &st, 0);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the player ended with %d", st);
    char *text_log = test_read_file(log, NULL), *play = test_read_file(plays, NULL);
    CHECK(text_log && strstr(text_log, "textures are lost") &&
          strstr(text_log, "renderer targets reset") &&
          strstr(text_log, "renderer device reset"));
    int slides = 0;
    for (const char *p = play; p && (p = strchr(p, '\n')); p++)
        slides++;
    CHECKF(slides >= 3, "%d slides shown in 4 s with the reset in the first second",
           slides);
    dark_frames = 0;
    int n = each_frame(frames, reset_frame);
    CHECKF(n >= 3 && dark_frames == 0, "%d of %d frames dark or blank", dark_frames, n);
    free(text_log);
    free(play);
}

int main(void)
{
    player = getenv("SIGNAGE_PLAYER");
    if (!player) {
        fprintf(stderr, "SIGNAGE_PLAYER is not set: run through ctest\n");
        return 77;
    }
    snprintf(tmp, sizeof tmp, "/tmp/test_motion.XXXXXX");
    if (!mkdtemp(tmp))
        return 1;
    char path[512];
    snprintf(path, sizeof path, "%s/feed.json", tmp);
    write_file(path, feed_json);
    write_ini("fade.ini", "transition = fade");
    write_ini("slide.ini", "transition = slide");
    RUN(test_transitions);
    RUN(test_ticker_not_slide);
    RUN(test_idle_draws);
    RUN(test_render_reset);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (test_failures == 0 && system(cmd) != 0)
        return 1;
    return test_done("test_motion");
}
