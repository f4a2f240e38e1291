/* signage-player: command line to the app's modes. */
#define LOG_MODULE "main"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "feed.h"
#include "log.h"
#include "status.h"
#include "tz.h"

static const char usage[] =
    "usage: signage-player [--config FILE] [--window WxH]\n"
    "       signage-player --snapshot DIR [--size WxH] [--config FILE]\n"
    "       signage-player --layout-dump [--size WxH] [--config FILE]\n"
    "options:\n"
    "  --config FILE   settings (default: /etc/signage-player/player.ini if present)\n"
    "  --window WxH    a window instead of fullscreen\n"
    "  --snapshot DIR  write every page of the feed as PNG into DIR and exit\n"
    "  --layout-dump   print every page of the feed as JSON and exit\n"
    "  --size WxH      screen size for the headless modes (default 1920x1080)\n"
    "  --now TIME      the wall clock at start, RFC 3339 (for tests and previews)\n"
    "  --wait SECONDS  headless: how long to wait for the first fetch (default 15)\n"
    "  --play-log FILE append a line per slide shown (time, item id, page)\n"
    "  --check-feed FILE|URL  check a feed as the player would take it and exit\n"
    "  --json          --check-feed: print JSON\n"
    "  --status [FILE] print the running player's status file for a person\n"
    "  --version       print the version\n";

typedef struct {
    const char *config, *snapshot;
    bool dump;
    const char *check_feed, *status_file; /* admin modes */
    bool json, status;
    app_options app;
} args;

static bool parse_size(const char *s, int *w, int *h)
{
    char tail;
    return sscanf(s, "%dx%d%c", w, h, &tail) == 2 && *w >= 64 && *h >= 64 &&
           *w <= 16384 && *h <= 16384;
}

static bool parse_args(int argc, char **argv, args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = strcmp(o, "--config") == 0 || strcmp(o, "--window") == 0 ||
                     strcmp(o, "--snapshot") == 0 || strcmp(o, "--size") == 0 ||
                     strcmp(o, "--now") == 0 || strcmp(o, "--wait") == 0 ||
                     strcmp(o, "--play-log") == 0 || strcmp(o, "--check-feed") == 0;
        if (takes && !v) {
            fprintf(stderr, "signage-player: %s needs a value\n", o);
            return false;
        }
        if (strcmp(o, "--config") == 0) {
            a->config = v;
        } else if (strcmp(o, "--window") == 0 || strcmp(o, "--size") == 0) {
            if (!parse_size(v, &a->app.width, &a->app.height)) {
                fprintf(stderr, "signage-player: bad size '%s' (expected WxH)\n", v);
                return false;
            }
        } else if (strcmp(o, "--snapshot") == 0) {
            a->snapshot = v;
        } else if (strcmp(o, "--now") == 0) {
            if (!feed_parse_time(v, &a->app.now)) {
                fprintf(stderr, "signage-player: bad time '%s' (expected RFC 3339)\n", v);
                return false;
            }
            a->app.has_now = true;
        } else if (strcmp(o, "--wait") == 0) {
            char *end;
            long s = strtol(v, &end, 10);
            if (*end || s < 0 || s > 3600) {
                fprintf(stderr, "signage-player: bad --wait '%s'\n", v);
                return false;
            }
            a->app.wait_ms = (int)s * 1000;
        } else if (strcmp(o, "--play-log") == 0) {
            a->app.play_log = v;
        } else if (strcmp(o, "--check-feed") == 0) {
            a->check_feed = v;
        } else if (strcmp(o, "--json") == 0) {
            a->json = true;
        } else if (strcmp(o, "--status") == 0) {
            a->status = true;
            if (v && v[0] != '-')
                a->status_file = argv[++i];
        } else if (strcmp(o, "--layout-dump") == 0) {
            a->dump = true;
        } else if (strcmp(o, "--version") == 0) {
            printf("signage-player %s\n", SIGNAGE_VERSION);
            exit(0);
        } else if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            fputs(usage, stdout);
            exit(0);
        } else {
            fprintf(stderr, "signage-player: unknown option '%s'\n%s", o, usage);
            return false;
        }
        i += takes;
    }
    return true;
}

static const char default_config[] = "/etc/signage-player/player.ini";

static bool load_config(const char *path, config *cfg)
{
    char err[1024];
    config_defaults(cfg);
    if (path && !config_load(cfg, path, err, sizeof err)) {
        fprintf(stderr, "signage-player: %s\n", err);
        return false;
    }
    enum log_level lv;
    if (log_level_from_name(cfg->log_level, &lv))
        log_set_level(lv);
    /* The clock on screen and every local time follow the configured zone
     * (app and headless open it; TZ plays no part). */
    if (cfg->time_zone[0] && !tz_valid_name(cfg->time_zone)) {
        fprintf(stderr,
                "signage-player: %s: player.time_zone: unknown zone '%s' (an IANA "
                "name such as Asia/Shanghai, or UTC)\n",
                path ? path : "defaults", cfg->time_zone);
        return false;
    }
    return true;
}

/* --status: the file named, else the config's, else the default. */
static int show_status(const config *cfg, const char *file)
{
    char path[1024];
    if (!file && cfg->status_file[0])
        file = cfg->status_file;
    if (!file && status_default_path(path, sizeof path))
        file = path;
    if (!file) {
        fprintf(stderr, "signage-player: no status file (set status_file in [player])\n");
        return 2;
    }
    return status_show(file, (int64_t)time(NULL), stdout);
}

int main(int argc, char **argv)
{
    args a = {0};
    config cfg;
    if (!parse_args(argc, argv, &a))
        return 2;
    if (!a.config && access(default_config, R_OK) == 0)
        a.config = default_config;
    a.app.config_path = a.config;
    if (!load_config(a.config, &cfg))
        return 2;
    if (a.status)
        return show_status(&cfg, a.status_file);
    if (a.check_feed)
        return app_check_feed(&cfg, &a.app, a.check_feed, a.json);
    if (a.snapshot)
        return app_snapshot(&cfg, &a.app, a.snapshot);
    if (a.dump)
        return app_layout_dump(&cfg, &a.app, stdout);
    return app_run(&cfg, &a.app);
}
