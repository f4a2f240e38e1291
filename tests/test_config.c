#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "confcheck.h"
#include "test.h"

static bool parse(config *cfg, const char *text, char *err, size_t n)
{
    config_defaults(cfg);
    return config_parse(cfg, text, strlen(text), "t.ini", err, n);
}

static void expect_error(const char *text, const char *needle)
{
    config cfg;
    char err[4096] = "";
    bool ok = parse(&cfg, text, err, sizeof err);
    CHECKF(!ok, "accepted: %s", text);
    CHECKF(strstr(err, needle) != NULL, "error '%s' lacks '%s'", err, needle);
}

/* An empty file is a valid config, and the defaults hang together. (What
 * each default is lives in the key table; test_manual checks the manual
 * and the shipped player.ini state the same.) */
static void test_defaults(void)
{
    config cfg;
    char err[256];
    CHECK(parse(&cfg, "", err, sizeof err));
    CHECK(!cfg.hours_set);
    CHECK(cfg.page_min <= cfg.page_max);
}

static void test_values(void)
{
    config cfg;
    char err[256] = "";
    const char *ini = "# comment\n"
                      "; another\n"
                      "[player]\n"
                      "feed = https://example.org/feed.json\n"
                      "centre_name = \"园岭街道社区服务中心\"\r\n"
                      "time_zone=Asia/Shanghai\n"
                      "[text]\n"
                      "body_size = 0.05\n"
                      "justify = off\n"
                      "[timing]\n"
                      "reading_speed = 250\n"
                      "[hours]\n"
                      "mon = 07:30-21:00\n"
                      "sat = 22:00-02:00\n"
                      "sun = off\n"
                      "[theme]\n"
                      "background = #000000\n";
    CHECKF(parse(&cfg, ini, err, sizeof err), "%s", err);
    CHECK(strcmp(cfg.feed, "https://example.org/feed.json") == 0);
    CHECK(strcmp(cfg.centre_name, "园岭街道社区服务中心") == 0);
    CHECK(strcmp(cfg.time_zone, "Asia/Shanghai") == 0);
    CHECK(cfg.body_size > 0.0499 && cfg.body_size < 0.0501);
    CHECK(!cfg.justify);
    CHECK(cfg.reading_speed == 250);
    CHECK(cfg.hours_set);
    CHECK(cfg.hours[0].from == 450 && cfg.hours[0].to == 1260);
    CHECK(cfg.hours[5].from == 1320 && cfg.hours[5].to == 120);
    CHECK(cfg.hours[6].from == 0 && cfg.hours[6].to == 0);
    CHECK(cfg.background.r == 0 && cfg.background.g == 0);
}

/* [display] renderer: three values, auto by default; the old software key
 * is read as renderer with a warning. */
static void test_renderer(void)
{
    config cfg;
    char err[512] = "";
    CHECK(parse(&cfg, "", err, sizeof err) && strcmp(cfg.renderer, "auto") == 0);
    CHECKF(parse(&cfg, "[display]\nrenderer = accelerated\n", err, sizeof err), "%s",
           err);
    CHECK(strcmp(cfg.renderer, "accelerated") == 0);
    expect_error("[display]\nrenderer = gpu\n",
                 "t.ini:2: display.renderer: read 'gpu': expected auto, accelerated or "
                 "software");
    const char *old = "[display]\nsoftware = yes\n";
    config_report report;
    config_report_init(&report, "t.ini");
    config_defaults(&cfg);
    CHECK(config_parse_report(&cfg, old, strlen(old), "t.ini", &report));
    CHECK(strcmp(cfg.renderer, "software") == 0);
    CHECKF(
        report.warnings == 1 &&
            strstr(report.problems[0].text,
                   "t.ini:2: display.software is deprecated: write renderer = software"),
        "%d warnings: %s", report.warnings, report.problems[0].text);
    CHECK(parse(&cfg, "[display]\nsoftware = false\n", err, sizeof err));
    CHECK(strcmp(cfg.renderer, "auto") == 0);
    expect_error("[display]\nsoftware = maybe\n",
                 "t.ini:2: display.software: read 'maybe'");
}

static void test_errors(void)
{
    expect_error("[player]\nfeeed = x\n", "t.ini:2: unknown key 'feeed'");
    expect_error("[nope]\n", "t.ini:1: unknown section [nope]");
    expect_error("feed = x\n",
                 "t.ini:1: key 'feed' outside of any section: it belongs in [player]");
    expect_error("[timing]\n\nreading_speed = fast\n", "t.ini:3: timing.reading_speed");
    expect_error(
        "[timing]\nreading_speed = 0\n",
        "t.ini:2: timing.reading_speed: read '0', out of range: expected a whole "
        "number from 30 to 3000 (characters per minute)");
    expect_error("[timing]\nreading_speed = 12abc\n", "whole number");
    expect_error("[text]\nbody_size = nan\n", "out of range");
    expect_error("[text]\njustify = maybe\n", "true or false");
    expect_error("[theme]\naccent = red\n", "colour");
    expect_error("[hours]\nmon = 25:00-26:00\n", "HH:MM");
    expect_error("[hours]\nmon = 08:00-08:00\n", "HH:MM");
    expect_error("[player]\nlog_level = loud\n", "error, warn");
    expect_error("[player\n", "malformed section");
    expect_error("[player]\njust words\n", "key = value");
    expect_error("[timing]\npage_min = 50\npage_max = 10\n", "page_min");
    expect_error("[player]\nfeed =\n", "player.feed is empty");

    /* A long line either fits or fails loudly, never gets cut. */
    char big[CONFIG_MAX_LINE + 64];
    int n = snprintf(big, sizeof big, "[player]\nfeed = https://e.org/");
    memset(big + n, 'a', sizeof big - (size_t)n - 2);
    big[sizeof big - 2] = '\n';
    big[sizeof big - 1] = '\0';
    expect_error(big, "t.ini:2: line of 8245 bytes, longer than 8192");
    char url[3000];
    n = snprintf(url, sizeof url, "[player]\nfeed = https://e.org/");
    memset(url + n, 'b', sizeof url - (size_t)n - 2);
    url[sizeof url - 2] = '\n';
    url[sizeof url - 1] = '\0';
    expect_error(url, "t.ini:2: player.feed: value too long (2982 bytes, at most 2047)");
}

/* config_load into a fresh report (static: it is large); the first
 * problem's text in err. */
static bool load(config *cfg, const char *path, char *err, size_t size)
{
    static config_report r;
    config_report_init(&r, path);
    config_defaults(cfg);
    bool ok = config_load(cfg, path, &r);
    snprintf(err, size, "%s", r.count ? r.problems[0].text : "");
    return ok;
}

/* [fleet] mqtt_url: mqtt:// or mqtts://host[:port], parsed once for push;
 * anything else is an error on its line, and so is a topic MQTT refuses. */
static void test_mqtt(void)
{
    config_mqtt m;
    CHECK(config_mqtt_parse("mqtt://broker.example.org", &m));
    CHECK(strcmp(m.host, "broker.example.org") == 0 && m.port == 1883 && !m.tls);
    CHECK(config_mqtt_parse("mqtts://10.0.0.5:8884/", &m));
    CHECK(strcmp(m.host, "10.0.0.5") == 0 && m.port == 8884 && m.tls);
    CHECK(config_mqtt_parse("mqtts://[::1]", &m) && strcmp(m.host, "::1") == 0);
    CHECK(m.port == 8883);
    static const char *const bad[] = {
        "mqtt://",        "mqtt://:1883",   "http://broker:1883", "mqtt://b:0",
        "mqtt://b:65536", "mqtt://b:",      "mqtt://b:+1",        "mqtt://user:pw@b",
        "mqtt://b/topic", "mqtt://b:1883x", "mqtt://b c",         "tcp://b:1883",
        "mqtt://[::1",    "mqtt://[zz]:1",  "broker:1883",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECKF(!config_mqtt_parse(bad[i], NULL), "accepted %s", bad[i]);

    config cfg;
    char err[512];
    CHECK(parse(&cfg, "", err, sizeof err) && cfg.mqtt_url[0] == '\0');
    CHECK(strcmp(cfg.mqtt_topic, "signage/feed") == 0);
    CHECKF(parse(&cfg, "[fleet]\nmqtt_url = mqtt://127.0.0.1:1883\nmqtt_topic = a/+/#\n",
                 err, sizeof err),
           "%s", err);
    CHECK(parse(&cfg, "[fleet]\nmqtt_url =\n", err, sizeof err));
    expect_error(
        "[fleet]\n\nmqtt_url = http://broker:1883\n",
        "t.ini:3: fleet.mqtt_url: read 'http://broker:1883': expected mqtt://host");
    expect_error("[fleet]\nmqtt_url = mqtt://broker:99999\n", "t.ini:2: fleet.mqtt_url");
    expect_error("[fleet]\nmqtt_topic =\n", "t.ini:2: fleet.mqtt_topic: read ''");
    expect_error("[fleet]\nmqtt_topic = a/#/b\n", "MQTT topic");
    expect_error("[fleet]\nmqtt_topic = a/b+\n", "MQTT topic");
}

static void test_file(void)
{
    config cfg;
    char err[1200] = "";
    CHECK(!load(&cfg, "/nonexistent/player.ini", err, sizeof err));
    CHECK(strstr(err, "/nonexistent/player.ini") != NULL);
    CHECKF(load(&cfg, TEST_SOURCE_DIR "/config/player.ini", err, sizeof err), "%s", err);
    /* The shipped config's relative feed path is resolved beside it. */
    CHECK(strstr(cfg.feed, "/config/") != NULL);
}

/* The gaps of issue 8: windows, language tags and feed schemes that used
 * to pass. */
static void test_strict_values(void)
{
    expect_error("[hours]\nmon = 24:00-07:00\n",
                 "t.ini:2: hours.mon: read '24:00-07:00': expected HH:MM");
    expect_error("[hours]\nmon = 7:3-8:0\n", "HH:MM");
    expect_error("[hours]\nmon = +7:30-21:00\n", "HH:MM");
    expect_error("[hours]\nmon = 07:30-+9:00\n", "HH:MM");
    expect_error("[hours]\nmon = 07:30-21:00 \t x\n", "HH:MM");
    expect_error("[player]\nlanguage = %s%n\n",
                 "player.language: read '%s%n': expected a BCP 47");
    expect_error("[player]\nlanguage = zh_CN\n", "BCP 47");
    expect_error("[player]\nlanguage = z\n", "BCP 47");
    expect_error("[player]\nlanguage = zh-\n", "BCP 47");
    expect_error("[player]\nlanguage = 12-CN\n", "BCP 47");
    expect_error("[player]\nlanguage = zh-Hans-abcdefghi\n", "BCP 47");
    expect_error("[player]\nfeed = ftp://example.org/feed.json\n",
                 "player.feed: read 'ftp://example.org/feed.json': expected a path, or");
    expect_error("[player]\nfeed = gopher://x\n", "player.feed: read");

    config cfg;
    char err[512] = "";
    const char *ini =
        "[player]\nlanguage = zh-Hans-CN\nfeed = file:///srv/feed.json\n"
        "[hours]\nmon = 07:30-24:00\ntue = 00:00-23:59\nwed = 23:00-00:30\n";
    CHECKF(parse(&cfg, ini, err, sizeof err), "%s", err);
    CHECK(strcmp(cfg.language, "zh-Hans-CN") == 0);
    CHECK(cfg.hours[0].from == 450 && cfg.hours[0].to == 1440);
    CHECK(cfg.hours[2].from == 1380 && cfg.hours[2].to == 30);
    CHECKF(parse(&cfg, "[player]\nlanguage = x-private\n", err, sizeof err), "%s", err);
}

static config_report report; /* large: static */

/* Parses text as file t.ini into report; true when no error. */
static bool parse_all(config *cfg, const char *text, size_t len)
{
    config_defaults(cfg);
    config_report_init(&report, "t.ini");
    return config_parse_report(cfg, text, len, "t.ini", &report);
}

/* The report has a problem whose text contains needle. */
static bool reported(const char *needle)
{
    for (int i = 0; i < report.count; i++)
        if (strstr(report.problems[i].text, needle))
            return true;
    return false;
}

#define EXPECT_REPORTED(needle) CHECKF(reported(needle), "not reported: %s", needle)

/* Several errors in one file: every one reported with its line, the rest
 * of the file still read. */
static void test_all_errors(void)
{
    const char *ini = "[player]\n"
                      "feed_ulr = https://e.org/feed.json\n" /* 2 */
                      "poll_interval = 30\n"                 /* 3 */
                      "[fetc]\n"                             /* 4 */
                      "poll_interval = 30\n"                 /* 5: skipped */
                      "[timing]\n"
                      "reading_speed = fast\n" /* 7 */
                      "page_max = 99999\n"     /* 8 */
                      "[text]\n"
                      "body_size = 2\n"       /* 10 */
                      "justify = maybe\n"     /* 11 */
                      "font_regulr = x.ttf\n" /* 12 */
                      "[theme]\n"
                      "accent = #12345\n" /* 14 */
                      "[player]\n"
                      "centre_name = 中心\n"
                      "centre_name = 服务中心\n"; /* 17: warning */
    config cfg;
    CHECK(!parse_all(&cfg, ini, strlen(ini)));
    EXPECT_REPORTED("t.ini:2: unknown key 'feed_ulr' in [player]; did you mean 'feed'?");
    EXPECT_REPORTED("t.ini:3: unknown key 'poll_interval' in [player]: it belongs in "
                    "[fetch]");
    EXPECT_REPORTED("t.ini:4: unknown section [fetc]; did you mean [fetch]?");
    EXPECT_REPORTED("t.ini:7: timing.reading_speed: read 'fast': expected a whole number "
                    "from 30 to 3000 (characters per minute)");
    EXPECT_REPORTED("t.ini:8: timing.page_max: read '99999', out of range: expected a "
                    "whole number from 1 to 3600 (seconds)");
    EXPECT_REPORTED("t.ini:10: text.body_size: read '2', out of range: expected a number "
                    "from 0.000 to 0.200 (fraction of the screen height)");
    EXPECT_REPORTED("t.ini:11: text.justify: read 'maybe': expected true or false");
    EXPECT_REPORTED("t.ini:12: unknown key 'font_regulr' in [text]; did you mean "
                    "'font_regular'?");
    EXPECT_REPORTED("t.ini:14: theme.accent: read '#12345': expected a colour like");
    EXPECT_REPORTED("t.ini:17: player.centre_name is set again (first on line "
                    "16)");
    CHECKF(report.errors == 9 && report.warnings == 1, "%d errors, %d warnings",
           report.errors, report.warnings);
    /* What was good is still read, and the last value counts. */
    CHECK(strcmp(cfg.centre_name, "服务中心") == 0);

    /* A key known in another section, with a typo: the section is named. */
    CHECK(!parse_all(&cfg, "[player]\npoll_intervall = 5\n", 26));
    EXPECT_REPORTED("t.ini:2: unknown key 'poll_intervall' in [player]; did you mean "
                    "'poll_interval' in [fetch]?");
    CHECK(!parse_all(&cfg, "[Player]\nFeed = x\n", 18));
    EXPECT_REPORTED("t.ini:1: unknown section [Player]; did you mean [player]?");
    CHECK(!parse_all(&cfg, "[player]\nFeed = x\n", 18));
    EXPECT_REPORTED("t.ini:2: unknown key 'Feed' in [player]; did you mean 'feed'?");
    CHECK(!parse_all(&cfg, "[player]\nxyzzy = 5\n", 17));
    EXPECT_REPORTED("t.ini:2: unknown key 'xyzzy' in [player]");
    CHECK(!reported("did you mean"));
}

/* Lines up to CONFIG_MAX_LINE (8 KiB) work; a longer one is refused with
 * its number and the lines after it are still read. */
static void test_long_lines(void)
{
    static char ini[20000];
    config cfg;
    const char *url = "https://signage.example.org/";
    int n = snprintf(ini, sizeof ini, "[player]\nfeed = %s", url);
    memset(ini + n, 'u', 300 - strlen(url));
    snprintf(ini + n + 300 - strlen(url), 10, "\n# ");
    size_t used = strlen(ini);
    memset(ini + used, 'c', 8000); /* a comment of 8 KB: a line that works */
    snprintf(ini + used + 8000, sizeof ini - used - 8000, "\n");
    CHECKF(parse_all(&cfg, ini, strlen(ini)), "%s", report.problems[0].text);
    CHECK(strlen(cfg.feed) == 300 && cfg.feed[299] == 'u');

    n = snprintf(ini, sizeof ini, "[player]\n# fine\ncentre_name = ");
    memset(ini + n, 'x', 9 * 1024);
    snprintf(ini + n + 9 * 1024, sizeof ini - (size_t)n - 9 * 1024,
             "\nlanguage = zh_CN\n");
    CHECK(!parse_all(&cfg, ini, strlen(ini)));
    EXPECT_REPORTED("t.ini:3: line of 9230 bytes, longer than 8192: nothing on it was "
                    "read");
    EXPECT_REPORTED("t.ini:4: player.language: read 'zh_CN'");
    CHECK(strcmp(cfg.centre_name, "社区服务中心") == 0); /* not cut: not set */
}

/* Windows Notepad: a UTF-8 BOM and CRLF line ends. */
static void test_bom_crlf(void)
{
    const char ini[] = "\xEF\xBB\xBF[player]\r\ncentre_name = 园岭\r\n\r\n[timing]\r\n"
                       "page_min = 5\r\n";
    config cfg;
    CHECKF(parse_all(&cfg, ini, sizeof ini - 1), "%s", report.problems[0].text);
    CHECK(strcmp(cfg.centre_name, "园岭") == 0);
    CHECK(cfg.page_min == 5);
    CHECK(report.count == 0);
}

/* Every default in the key table is a valid value of its key, and the
 * defaults written back as a file parse without a problem. */
static void test_key_table(void)
{
    size_t n;
    const config_key *keys = config_keys(&n);
    static char ini[8192];
    size_t used = 0;
    const char *section = "";
    for (size_t i = 0; i < n; i++) {
        if (!keys[i].def)
            continue;
        if (strcmp(section, keys[i].section) != 0)
            used += (size_t)snprintf(ini + used, sizeof ini - used, "[%s]\n",
                                     section = keys[i].section);
        used += (size_t)snprintf(ini + used, sizeof ini - used, "%s = %s\n", keys[i].name,
                                 keys[i].def);
    }
    config a, b;
    config_defaults(&a);
    CHECKF(parse_all(&b, ini, used) && report.count == 0, "%s", report.problems[0].text);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
}

/* More problems than the report holds: counted, not lost silently. */
static void test_many_problems(void)
{
    static char ini[8192];
    size_t used = (size_t)snprintf(ini, sizeof ini, "[text]\n");
    for (int i = 0; i < 150; i++)
        used += (size_t)snprintf(ini + used, sizeof ini - used, "indent = %d\n", i + 2);
    config cfg;
    CHECK(!parse_all(&cfg, ini, used));
    CHECK(report.count == CONFIG_MAX_PROBLEMS && report.errors == 150);
    CHECK(report.dropped == 150 + 149 - CONFIG_MAX_PROBLEMS); /* and the repeats */
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

/* What needs the system: files the config names, the time zone. */
static void test_confcheck(const char *dir)
{
    char path[300], text[1200], font[300];
    snprintf(path, sizeof path, "%s/check.ini", dir);
    snprintf(font, sizeof font, "%s/ok.otf", dir);
    write_text(font, "not really a font, but readable");
    snprintf(text, sizeof text,
             "[player]\nfeed = later.json\ntime_zone = CST\nlogo = https://e.org/l.png\n"
             "[text]\nfont_regular = ok.otf\nfont_bold = missing-bold.otf\n"
             "[fetch]\nca_file = %s\n",
             dir);
    write_text(path, text);
    config cfg;
    CHECK(!confcheck_load(&cfg, path, &report));
    snprintf(text, sizeof text, "%s:2: player.feed: cannot read %s/later.json", path,
             dir);
    EXPECT_REPORTED(text);
    snprintf(text, sizeof text,
             "%s:3: player.time_zone: 'CST' is not an IANA zone name; did you mean "
             "Asia/Shanghai, America/Chicago",
             path);
    EXPECT_REPORTED(text);
    snprintf(text, sizeof text,
             "%s:7: text.font_bold: cannot read %s/missing-bold.otf: No such file", path,
             dir);
    EXPECT_REPORTED(text);
    snprintf(text, sizeof text, "%s:9: fetch.ca_file: cannot read %s: not a regular file",
             path, dir);
    EXPECT_REPORTED(text);
    CHECKF(report.errors == 3 && report.warnings == 1, "%d errors, %d warnings",
           report.errors, report.warnings);
    CHECK(!reported("font_regular") && !reported("logo"));
    /* In line order. */
    for (int i = 1; i < report.count; i++)
        CHECK(report.problems[i - 1].line <= report.problems[i].line);

    char hint[300];
    CHECK(confcheck_zone_hint("cst", hint, sizeof hint) && strstr(hint, "Asia/Shanghai"));
    CHECK(confcheck_zone_hint("US/Eastern", hint, sizeof hint) &&
          strcmp(hint, "America/New_York") == 0);
    if (access("/usr/share/zoneinfo/Asia/Shanghai", R_OK) != 0) {
        SKIP("no /usr/share/zoneinfo: zone typo hints not checked");
        return;
    }
    CHECKF(confcheck_zone_hint("Asia/Shangai", hint, sizeof hint) &&
               strcmp(hint, "Asia/Shanghai") == 0,
           "%s", hint);
    CHECK(!confcheck_zone_hint("Nowhere/Atall", hint, sizeof hint));
    write_text(path,
               "[player]\nfeed = https://e.org/f.json\ntime_zone = Asia/Shanghai\n");
    CHECKF(confcheck_load(&cfg, path, &report) && report.count == 0, "%s",
           report.problems[0].text);
}

typedef struct {
    const char *path;
    char err[1200];
} load_job;

static int load_in_child(void *arg)
{
    load_job *job = arg;
    config cfg;
    bool ok = load(&cfg, job->path, job->err, sizeof job->err);
    fprintf(stderr, "%s\n", job->err);
    return ok ? 1 : 0;
}

/* Loads path in a child (so a FIFO that blocks fails instead of hanging)
 * and checks it is refused with a message containing needle. */
static void expect_load_error(const char *path, const char *needle, const char *log_path)
{
    load_job job = {.path = path};
    CHECKF(test_in_child(load_in_child, &job, 5, log_path) == 0, "%s: loaded or hung",
           path);
    char *text = test_read_file(log_path, NULL);
    CHECKF(text && strstr(text, path) && strstr(text, needle), "%s: '%s' lacks '%s'",
           path, text ? text : "", needle);
    free(text);
}

/* --config on what is not a regular file: refused at once, clearly. */
static void test_not_regular(const char *dir)
{
    char fifo[300], log_path[300];
    snprintf(fifo, sizeof fifo, "%s/player.ini", dir);
    snprintf(log_path, sizeof log_path, "%s/load.log", dir);
    CHECK(mkfifo(fifo, 0644) == 0);
    expect_load_error(fifo, "not a regular file", log_path);
    expect_load_error(dir, "Is a directory", log_path);
    expect_load_error("/dev/null", "not a regular file", log_path);
    expect_load_error("/proc/self/mem", "error", log_path);
    unlink(fifo);
}

/* cache_dir, like feed and logo, is relative to the config file. */
static void test_relative_paths(const char *dir)
{
    char path[300], want[400], err[1200] = "";
    snprintf(path, sizeof path, "%s/rel.ini", dir);
    FILE *fp = fopen(path, "w");
    if (!fp)
        return;
    fputs("[player]\nfeed = feed.json\ncache_dir = cache\nlogo = img/logo.png\n"
          "[text]\nfont_regular = f/r.otf\n",
          fp);
    fclose(fp);
    config cfg;
    CHECKF(load(&cfg, path, err, sizeof err), "%s", err);
    snprintf(want, sizeof want, "%s/f/r.otf", dir);
    CHECKF(strcmp(cfg.font_regular, want) == 0, "font_regular %s", cfg.font_regular);
    snprintf(want, sizeof want, "%s/cache", dir);
    CHECKF(strcmp(cfg.cache_dir, want) == 0, "cache_dir %s", cfg.cache_dir);
    snprintf(want, sizeof want, "%s/feed.json", dir);
    CHECK(strcmp(cfg.feed, want) == 0);
    unlink(path);
}

/* feed_public_key: a key line is kept as it is, a path is taken from the
 * config's folder; a key that cannot be read is an error at start. */
static void test_public_key(const char *dir)
{
    static const char line[] = "RWSCXSjgGBYuKCQ8IcLcIlZIUbE/3mdUWai+BxMw5278r+LoTp06kFbX";
    char path[300], text[600], want[400];
    snprintf(path, sizeof path, "%s/key.ini", dir);
    snprintf(text, sizeof text,
             "[player]\nfeed = https://e.org/f.json\nfeed_public_key = %s\n", line);
    write_text(path, text);
    config cfg;
    CHECKF(confcheck_load(&cfg, path, &report) && report.count == 0, "%s",
           report.count ? report.problems[0].text : "");
    CHECK(strcmp(cfg.feed_public_key, line) == 0);
    write_text(path, "[player]\nfeed = https://e.org/f.json\nfeed_public_key = k.pub\n"
                     "feed_signature = f.minisig\n");
    CHECK(!confcheck_load(&cfg, path, &report));
    snprintf(want, sizeof want, "%s/k.pub", dir);
    CHECKF(strcmp(cfg.feed_public_key, want) == 0, "%s", cfg.feed_public_key);
    snprintf(want, sizeof want,
             "%s:3: player.feed_public_key: not a key line, and %s/k.pub", path, dir);
    EXPECT_REPORTED(want);
    snprintf(want, sizeof want, "%s/f.minisig", dir);
    CHECKF(strcmp(cfg.feed_signature, want) == 0, "%s", cfg.feed_signature);
    snprintf(want, sizeof want, "%s/k.pub", dir);
    snprintf(text, sizeof text, "untrusted comment: minisign public key\n%s\n", line);
    write_text(want, text);
    CHECKF(confcheck_load(&cfg, path, &report) && report.errors == 0, "%s",
           report.count ? report.problems[0].text : "");
    unlink(want);
    unlink(path);
}

/* [theme] file: the theme's keys under the config's own [theme] keys, the
 * path taken from the config's folder; a theme file holds [theme] keys only
 * and names no other, each problem reported with its own file and line; the
 * shipped high-contrast theme reads clean. */
static void test_theme_file(const char *dir)
{
    char path[300], theme[300], want[700];
    snprintf(path, sizeof path, "%s/themed.ini", dir);
    snprintf(theme, sizeof theme, "%s/dark.ini", dir);
    write_text(theme, "# a theme\n[theme]\nbackground = #000000\nmuted = #cccccc\n");
    write_text(path, "[player]\nfeed = https://e.org/f.json\n[theme]\nfile = dark.ini\n"
                     "muted = #dddddd\n");
    config cfg;
    CHECKF(confcheck_load(&cfg, path, &report) && report.count == 0, "%s",
           report.count ? report.problems[0].text : "");
    CHECK(cfg.background.r == 0 && cfg.background.g == 0 && cfg.background.b == 0);
    CHECK(cfg.muted.r == 0xdd);      /* the config's own key wins */
    CHECK(cfg.foreground.r == 0xf5); /* neither sets it: the default */
    CHECK(strcmp(cfg.theme_file, theme) == 0);

    write_text(theme, "[theme]\nfile = other.ini\n[player]\nfeed = x.json\n"
                      "[theme]\nbackground = #12\naccent = #ff0000\n");
    CHECK(!confcheck_load(&cfg, path, &report));
    snprintf(want, sizeof want, "%s:2: theme.file in a theme file", theme);
    EXPECT_REPORTED(want);
    snprintf(want, sizeof want, "%s:3: [player] in a theme file", theme);
    EXPECT_REPORTED(want);
    snprintf(want, sizeof want, "%s:6: theme.background: read '#12'", theme);
    EXPECT_REPORTED(want);
    CHECK(strcmp(cfg.feed, "https://e.org/f.json") == 0);
    CHECK(cfg.accent.r == 0xff && cfg.accent.g == 0 && cfg.background.r == 0x10);

    unlink(theme);
    CHECK(!confcheck_load(&cfg, path, &report));
    snprintf(want, sizeof want, "%s:4: theme.file: cannot read %s", path, theme);
    EXPECT_REPORTED(want);
    CHECK(report.errors == 1);

    char text[900];
    snprintf(text, sizeof text,
             "[player]\nfeed = https://e.org/f.json\n[theme]\nfile = %s/config/"
             "high-contrast.ini\n",
             TEST_SOURCE_DIR);
    write_text(path, text);
    CHECKF(confcheck_load(&cfg, path, &report) && report.count == 0, "%s",
           report.count ? report.problems[0].text : "");
    CHECK(cfg.foreground.r == 0xff && cfg.background.r == 0x0a);
    unlink(path);
}

/* The real player with a FIFO as --config and as the local feed path:
 * it must refuse each at once (the old one never drew its window). */
static void test_player_fifos(const char *dir)
{
    const char *player = getenv("SIGNAGE_PLAYER");
    if (!player) {
        fprintf(stderr, "SIGNAGE_PLAYER is not set: player FIFO checks skipped\n");
        return;
    }
    char cmd[1400], fifo[300], ini[300], log_path[300];
    snprintf(fifo, sizeof fifo, "%s/feed.fifo", dir);
    snprintf(ini, sizeof ini, "%s/fifo.ini", dir);
    snprintf(log_path, sizeof log_path, "%s/player.log", dir);
    CHECK(mkfifo(fifo, 0644) == 0);
    FILE *fp = fopen(ini, "w");
    if (!fp)
        return;
    fprintf(fp, "[player]\nfeed = feed.fifo\ncache_dir = cache\n");
    fclose(fp);
    snprintf(cmd, sizeof cmd,
             "timeout 60 %s --layout-dump --wait 2 --size 640x360 --config %s "
             ">/dev/null 2>%s",
             player, ini, log_path);
    CHECKF(system(cmd) == 0, "%s", cmd);
    char *text = test_read_file(log_path, NULL);
    CHECKF(text && strstr(text, "feed.fifo: cannot read the file"), "%s",
           text ? text : "");
    free(text);
    snprintf(cmd, sizeof cmd, "timeout 60 %s --layout-dump --config %s >/dev/null 2>%s",
             player, fifo, log_path);
    CHECKF(WEXITSTATUS(system(cmd)) == 2, "%s", cmd);
    text = test_read_file(log_path, NULL);
    CHECKF(text && strstr(text, "feed.fifo: not a regular file"), "%s", text ? text : "");
    free(text);
}

int main(void)
{
    RUN(test_defaults);
    RUN(test_values);
    RUN(test_renderer);
    RUN(test_errors);
    RUN(test_mqtt);
    RUN(test_file);
    RUN(test_strict_values);
    RUN(test_all_errors);
    RUN(test_long_lines);
    RUN(test_bom_crlf);
    RUN(test_key_table);
    RUN(test_many_problems);
    char dir[] = "/tmp/test_config.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    test_not_regular(dir);
    test_relative_paths(dir);
    test_public_key(dir);
    test_theme_file(dir);
    test_confcheck(dir);
    test_player_fifos(dir);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
    return test_done("config");
}
