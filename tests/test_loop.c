/* The interactive loop, run for real: the player binary with SDL's dummy
 * video driver, short page times and --play-log, stopped with SIGTERM or
 * SIGINT. The play log shows what the loop put on screen and when. The
 * players run side by side on one timeline, so the whole takes about 7 s;
 * the loop's decisions in detail (page times, a feed swapped mid-page,
 * alternate mode, late images, screen hours) are test_rotation's
 * millisecond tables. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

static const char *player;
static char tmp[256];

typedef struct {
    long long wall;
    unsigned long long mono;
    char id[128];
    int page, pages;
} play;

static void write_file(const char *path, const char *text)
{
    char part[600];
    snprintf(part, sizeof part, "%s.part", path);
    FILE *fp = fopen(part, "w");
    CHECK(fp != NULL);
    if (!fp)
        return;
    fputs(text, fp);
    fclose(fp);
    CHECK(rename(part, path) == 0);
}

/* Starts the player's loop; with `now`, its wall clock starts there. */
static pid_t start_at(const char *ini, const char *log, const char *now)
{
    pid_t pid = fork();
    if (pid == 0) {
        setenv("SDL_VIDEODRIVER", "dummy", 1);
        signal(SIGINT, SIG_DFL); /* as a service or a terminal would have it */
        freopen("/dev/null", "w", stdout);
        execl(player, player, "--config", ini, "--window", "640x360", "--play-log", log,
              now ? "--now" : (char *)NULL, now, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static pid_t start(const char *ini, const char *log)
{
    return start_at(ini, log, NULL);
}

/* A signal (SIGTERM or SIGINT), then the exit status (must be a clean 0). */
static int stop_with(pid_t pid, int sig)
{
    kill(pid, sig);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int stop(pid_t pid)
{
    return stop_with(pid, SIGTERM);
}

static int read_log(const char *path, play *out, int max)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    int n = 0;
    char line[512];
    while (n < max && fgets(line, sizeof line, fp))
        if (sscanf(line, "%lld %llu %127s %d/%d", &out[n].wall, &out[n].mono, out[n].id,
                   &out[n].page, &out[n].pages) == 5)
            n++;
    fclose(fp);
    return n;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static const char *feed_head = "{\"version\":\"https://jsonfeed.org/version/1.1\","
                               "\"title\":\"t\",\"items\":[";

/* Items rotate, pages advance on time, SIGTERM quits cleanly. */
static pid_t start_rotation(void)
{
    char ini[512], feedp[512], log[512], text[2048];
    snprintf(ini, sizeof ini, "%s/rot.ini", tmp);
    snprintf(feedp, sizeof feedp, "%s/rot.json", tmp);
    snprintf(log, sizeof log, "%s/rot.log", tmp);
    snprintf(text, sizeof text,
             "%s{\"id\":\"a\",\"title\":\"甲\",\"content_text\":\"第一条\"},"
             "{\"id\":\"b\",\"title\":\"乙\",\"content_text\":\"第二条\"},"
             "{\"id\":\"c\",\"title\":\"丙\",\"content_text\":\"第三条\"}]}",
             feed_head);
    write_file(feedp, text);
    snprintf(text, sizeof text,
             "[player]\nfeed = %s\ncache_dir = %s/cache-rot\n[timing]\npage_min = "
             "1\npage_max = 1\n",
             feedp, tmp);
    write_file(ini, text);
    return start(ini, log);
}

static void check_rotation(pid_t pid, int ran_ms)
{
    char log[512];
    snprintf(log, sizeof log, "%s/rot.log", tmp);
    CHECK(stop(pid) == 0);
    play all[64];
    int n = read_log(log, all, 64);
    /* The waiting slide ("-") until the feed is read, then the items. */
    play *p = all;
    while (n > 0 && strcmp(p->id, "-") == 0) {
        p++;
        n--;
    }
    /* Loose bounds: a loaded machine may start the player late. */
    CHECKF(n >= 3 && n <= 6, "%d slides in %d ms at 1 s a page", n, ran_ms);
    for (int i = 1; i < n; i++) {
        CHECKF(strcmp(p[i].id, p[i - 1].id) != 0, "slide %d repeats %s", i, p[i].id);
        unsigned long long gap = p[i].mono - p[i - 1].mono;
        CHECKF(gap >= 950 && gap < 3000, "slide %d after %llu ms", i, gap);
    }
}

/* A changed local feed with an urgent item: the urgent notice takes the
 * screen at the next check and holds it. */
static pid_t start_urgent_reload(void)
{
    char ini[512], feedp[512], log[512], text[2048];
    snprintf(ini, sizeof ini, "%s/urg.ini", tmp);
    snprintf(feedp, sizeof feedp, "%s/urg.json", tmp);
    snprintf(log, sizeof log, "%s/urg.log", tmp);
    snprintf(text, sizeof text,
             "%s{\"id\":\"a\",\"title\":\"甲\",\"content_text\":\"第一条\"},"
             "{\"id\":\"b\",\"title\":\"乙\",\"content_text\":\"第二条\"}]}",
             feed_head);
    write_file(feedp, text);
    snprintf(text, sizeof text,
             "[player]\nfeed = %s\ncache_dir = %s/cache-urg\n[timing]\npage_min = "
             "3\npage_max = 3\n"
             "[fetch]\npoll_interval = 5\n",
             feedp, tmp);
    write_file(ini, text);
    return start(ini, log);
}

static void change_urgent_reload(void)
{
    char feedp[512], text[2048];
    snprintf(feedp, sizeof feedp, "%s/urg.json", tmp);
    snprintf(text, sizeof text,
             "%s{\"id\":\"a\",\"title\":\"甲\",\"content_text\":\"第一条\"},"
             "{\"id\":\"b\",\"title\":\"乙\",\"content_text\":\"第二条\"},"
             "{\"id\":\"water\",\"title\":\"紧急停水通知\",\"content_text\":\"今日停水\","
             "\"_signage\":{\"priority\":\"urgent\"}}]}",
             feed_head);
    write_file(feedp, text);
}

static void check_urgent_reload(pid_t pid)
{
    char log[512];
    snprintf(log, sizeof log, "%s/urg.log", tmp);
    CHECK(stop(pid) == 0);
    play p[64];
    int n = read_log(log, p, 64);
    int first = -1;
    for (int i = 0; i < n; i++)
        if (strcmp(p[i].id, "water") == 0 && first < 0)
            first = i;
    CHECKF(first > 0, "the urgent item never showed (%d slides)", n);
    if (first > 0) {
        /* It interrupted the 3 s page: shown well before that page's end. */
        unsigned long long since = p[first].mono - p[first - 1].mono;
        CHECKF(since < 2900 || strcmp(p[first - 1].id, "water") == 0,
               "urgent waited for the page end (%llu ms)", since);
        for (int i = first; i < n; i++)
            CHECKF(strcmp(p[i].id, "water") == 0, "rotation resumed with %s", p[i].id);
    }
}

/* Outside screen hours the screen is off; an urgent item wakes it. */
static pid_t start_screen_hours(void)
{
    char ini[512], feedp[512], log[512], text[2048];
    snprintf(ini, sizeof ini, "%s/hours.ini", tmp);
    snprintf(feedp, sizeof feedp, "%s/hours.json", tmp);
    snprintf(log, sizeof log, "%s/hours.log", tmp);
    snprintf(text, sizeof text,
             "%s{\"id\":\"a\",\"title\":\"甲\",\"content_text\":\"第一条\"}]}",
             feed_head);
    write_file(feedp, text);
    snprintf(text, sizeof text,
             "[player]\nfeed = %s\ncache_dir = %s/cache-hours\n[timing]\npage_min = "
             "1\npage_max = 1\n"
             "[fetch]\npoll_interval = 5\n[schedule]\ndisplay_off_cmd = touch %s/off\n"
             "[hours]\nmon = off\n",
             feedp, tmp, tmp);
    write_file(ini, text);
    return start(ini, log);
}

static void change_screen_hours(void)
{
    char feedp[512], text[2048];
    snprintf(feedp, sizeof feedp, "%s/hours.json", tmp);
    snprintf(text, sizeof text,
             "%s{\"id\":\"a\",\"title\":\"甲\",\"content_text\":\"第一条\"},"
             "{\"id\":\"alarm\",\"title\":\"紧急\",\"content_text\":\"请注意\","
             "\"_signage\":{\"priority\":\"urgent\"}}]}",
             feed_head);
    write_file(feedp, text);
}

static void check_screen_hours(pid_t pid)
{
    char log[512], off[600];
    snprintf(log, sizeof log, "%s/hours.log", tmp);
    snprintf(off, sizeof off, "%s/off", tmp);
    CHECK(stop(pid) == 0);
    CHECKF(access(off, F_OK) == 0, "display_off_cmd did not run");
    play p[64];
    int n = read_log(log, p, 64);
    bool saw_off = false, saw_alarm = false, saw_a = false;
    for (int i = 0; i < n; i++) {
        saw_off |= strcmp(p[i].id, "off") == 0;
        saw_alarm |= strcmp(p[i].id, "alarm") == 0;
        saw_a |= strcmp(p[i].id, "a") == 0;
    }
    CHECK(saw_off);
    CHECKF(saw_alarm, "the urgent item did not wake the screen");
    CHECKF(!saw_a, "a normal item showed outside screen hours");
    if (saw_a)
        for (int i = 0; i < n; i++)
            fprintf(stderr, "  %llu %s %d/%d\n", p[i].mono, p[i].id, p[i].page,
                    p[i].pages);
}

/* An urgent item in a new feed that opens a few seconds after the feed
 * arrived interrupts a long page when it opens, not when the page ends:
 * the loop wakes at the schedule's next change. */
static pid_t start_urgent_opens_later(void)
{
    char ini[512], feedp[512], log[512], text[2048];
    snprintf(ini, sizeof ini, "%s/later.ini", tmp);
    snprintf(feedp, sizeof feedp, "%s/later.json", tmp);
    snprintf(log, sizeof log, "%s/later.log", tmp);
    snprintf(text, sizeof text,
             "%s{\"id\":\"a\",\"title\":\"甲\",\"content_text\":\"第一条\","
             "\"_signage\":{\"duration\":60}}]}",
             feed_head);
    write_file(feedp, text);
    snprintf(
        text, sizeof text,
        "[player]\nfeed = %s\ncache_dir = %s/cache-later\ntime_zone = Asia/Shanghai\n"
        "[fetch]\npoll_interval = 5\n",
        feedp, tmp);
    write_file(ini, text);
    return start_at(ini, log, "2026-07-01T12:00:00+08:00");
}

static void change_urgent_opens_later(void)
{
    char feedp[512], text[2048];
    snprintf(feedp, sizeof feedp, "%s/later.json", tmp);
    snprintf(text, sizeof text,
             "%s{\"id\":\"a\",\"title\":\"甲\",\"content_text\":\"第一条\","
             "\"_signage\":{\"duration\":60}},"
             "{\"id\":\"u\",\"title\":\"紧急\",\"content_text\":\"马上\","
             "\"_signage\":{\"priority\":\"urgent\",\"start\":\"2026-07-01T12:00:05+08:"
             "00\"}}]}",
             feed_head);
    write_file(feedp, text);
}

static void check_urgent_opens_later(pid_t pid)
{
    char log[512];
    snprintf(log, sizeof log, "%s/later.log", tmp);
    CHECK(stop(pid) == 0);
    play p[64];
    int n = read_log(log, p, 64);
    int at = -1;
    for (int i = 0; i < n && at < 0; i++)
        if (strcmp(p[i].id, "u") == 0)
            at = i;
    CHECKF(at > 0, "the urgent item never interrupted (%d slides)", n);
    if (at > 0)
        CHECKF(p[at].wall >= 1782878405LL && p[at].wall <= 1782878407LL,
               "urgent shown at %lld, opens at 1782878405", p[at].wall);
}

/* Started inside screen hours: the display on command runs at start (the
 * display may have been left off by a run that ended at night). */
static pid_t start_on_command(void)
{
    char ini[512], feedp[512], log[512], text[2048], on[600];
    snprintf(ini, sizeof ini, "%s/on.ini", tmp);
    snprintf(feedp, sizeof feedp, "%s/on.json", tmp);
    snprintf(log, sizeof log, "%s/on.log", tmp);
    snprintf(on, sizeof on, "%s/on-ran", tmp);
    snprintf(text, sizeof text,
             "%s{\"id\":\"a\",\"title\":\"甲\",\"content_text\":\"一\"}]}", feed_head);
    write_file(feedp, text);
    snprintf(text, sizeof text,
             "[player]\nfeed = %s\ncache_dir = %s/cache-on\n[schedule]\ndisplay_on_cmd = "
             "touch %s\n"
             "[hours]\nmon = all\ntue = all\nwed = all\nthu = all\nfri = all\nsat = all\n"
             "sun = all\n",
             feedp, tmp, on);
    write_file(ini, text);
    return start(ini, log);
}

static void check_on_command(pid_t pid)
{
    char on[600];
    snprintf(on, sizeof on, "%s/on-ran", tmp);
    CHECK(stop_with(pid, SIGINT) == 0); /* Ctrl+C in a terminal quits cleanly too */
    CHECKF(access(on, F_OK) == 0, "display_on_cmd did not run at start");
}

int main(void)
{
    player = getenv("SIGNAGE_PLAYER");
    if (!player) {
        fprintf(stderr, "SIGNAGE_PLAYER is not set: run through ctest\n");
        return 1;
    }
    snprintf(tmp, sizeof tmp, "/tmp/signage-loop-XXXXXX");
    if (!mkdtemp(tmp))
        return 1;
    /* One timeline: feeds change at 1 s, each player stops when its check
     * has seen enough. */
    pid_t rot = start_rotation(), urg = start_urgent_reload();
    pid_t hours = start_screen_hours(), later = start_urgent_opens_later();
    pid_t on = start_on_command();
    sleep_ms(1000);
    change_urgent_reload();
    change_screen_hours();
    change_urgent_opens_later();
    sleep_ms(500);
    check_on_command(on);
    sleep_ms(3000);
    check_rotation(rot, 4500);
    sleep_ms(2500);
    check_urgent_reload(urg);
    check_screen_hours(hours);
    check_urgent_opens_later(later);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    CHECK(system(cmd) == 0);
    return test_done("loop");
}
