#include <string.h>

#include "config.h"
#include "test.h"

static bool parse(config *cfg, const char *text, char *err, size_t n)
{
    config_defaults(cfg);
    return config_parse(cfg, text, strlen(text), "t.ini", err, n);
}

static void expect_error(const char *text, const char *needle)
{
    config cfg;
    char err[512] = "";
    bool ok = parse(&cfg, text, err, sizeof err);
    CHECKF(!ok, "accepted: %s", text);
    CHECKF(strstr(err, needle) != NULL, "error '%s' lacks '%s'", err, needle);
}

static void test_defaults(void)
{
    config cfg;
    char err[256];
    CHECK(parse(&cfg, "", err, sizeof err));
    CHECK(strcmp(cfg.language, "zh") == 0);
    CHECK(cfg.reading_speed == 300);
    CHECK(cfg.poll_interval == 60);
    CHECK(cfg.max_feed_bytes == 8 * 1024 * 1024);
    CHECK(cfg.fullscreen);
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

static void test_errors(void)
{
    expect_error("[player]\nfeeed = x\n", "t.ini:2: unknown key 'feeed'");
    expect_error("[nope]\n", "t.ini:1: unknown section [nope]");
    expect_error("feed = x\n", "t.ini:1: key outside");
    expect_error("[timing]\n\nreading_speed = fast\n", "t.ini:3: timing.reading_speed");
    expect_error("[timing]\nreading_speed = 0\n", "out of range");
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

    /* A long URL either fits or fails loudly, never gets cut. */
    char big[CONFIG_MAX_LINE + 64];
    int n = snprintf(big, sizeof big, "[player]\nfeed = https://e.org/");
    memset(big + n, 'a', sizeof big - (size_t)n - 2);
    big[sizeof big - 2] = '\n';
    big[sizeof big - 1] = '\0';
    expect_error(big, "t.ini:2: line longer than");
    char url[3000];
    n = snprintf(url, sizeof url, "[player]\nfeed = https://e.org/");
    memset(url + n, 'b', sizeof url - (size_t)n - 2);
    url[sizeof url - 2] = '\n';
    url[sizeof url - 1] = '\0';
    expect_error(url, "player.feed: value too long");
}

static void test_file(void)
{
    config cfg;
    char err[512] = "";
    config_defaults(&cfg);
    CHECK(!config_load(&cfg, "/nonexistent/player.ini", err, sizeof err));
    CHECK(strstr(err, "/nonexistent/player.ini") != NULL);
    config_defaults(&cfg);
    CHECKF(config_load(&cfg, TEST_SOURCE_DIR "/config/player.ini", err, sizeof err), "%s",
           err);
    /* The shipped config's relative feed path is resolved beside it. */
    CHECK(strstr(cfg.feed, "/config/") != NULL);
}

int main(void)
{
    test_defaults();
    test_values();
    test_errors();
    test_file();
    return test_done("config");
}
