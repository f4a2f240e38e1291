/* signage-player: command line to the app's modes. */
#define LOG_MODULE "main"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "confcheck.h"
#include "feed.h"
#include "headless.h"
#include "log.h"
#include "status.h"
#include "util.h"

#define DEFAULT_CONFIG "/etc/signage-player/player.ini"

/* One screen: at most 24 lines (a test counts them). */
static const char usage[] =
    "usage: signage-player [OPTION]...            show the feed, fullscreen\n"
    "       signage-player --check-config [FILE]  check a config file and exit\n"
    "       signage-player --snapshot DIR         every page as PNG, then exit\n"
    "       signage-player --layout-dump          every page as JSON, then exit\n"
    "       signage-player --check-feed FILE|URL [--json]  check a feed and exit\n"
    "       signage-player --status [FILE]        the running player's status\n"
    "  -c, --config FILE    settings (default: " DEFAULT_CONFIG ")\n"
    "      --check-config   report every problem in the settings; exit 1 if any\n"
    "  -w, --window WxH     a window instead of fullscreen\n"
    "      --size WxH       screen size for --snapshot, --layout-dump (1920x1080)\n"
    "      --now TIME       pretend the wall clock says TIME (RFC 3339)\n"
    "      --wait SECONDS   headless: wait this long for the first fetch (15)\n"
    "      --play-log FILE  append a line per slide shown\n"
    "      --snapshot-transition N  with --snapshot: N frames of the first transition\n"
    "  -v, --verbose        log debug lines too\n"
    "  -q, --quiet          log warnings and errors only\n"
    "  -V, --version        print the version and exit\n"
    "  -h, --help           print this help and exit\n"
    "Settings: man player.ini; the program: man signage-player.\n";

typedef struct {
    const char *config, *snapshot;
    bool dump, check_config;
    const char *check_feed, *status_file; /* admin modes */
    bool json, status;
    int level; /* -1: the config's log_level */
    app_options app;
} args;

enum {
    OPT_SNAPSHOT = 256,
    OPT_SIZE,
    OPT_NOW,
    OPT_WAIT,
    OPT_PLAY_LOG,
    OPT_DUMP,
    OPT_CHECK,
    OPT_CHECK_FEED,
    OPT_JSON,
    OPT_STATUS,
    OPT_TRANSITION
};

static const struct option options[] = {
    {"config", required_argument, NULL, 'c'},
    {"window", required_argument, NULL, 'w'},
    {"snapshot", required_argument, NULL, OPT_SNAPSHOT},
    {"snapshot-transition", required_argument, NULL, OPT_TRANSITION},
    {"size", required_argument, NULL, OPT_SIZE},
    {"now", required_argument, NULL, OPT_NOW},
    {"wait", required_argument, NULL, OPT_WAIT},
    {"play-log", required_argument, NULL, OPT_PLAY_LOG},
    {"layout-dump", no_argument, NULL, OPT_DUMP},
    {"check-config", no_argument, NULL, OPT_CHECK},
    {"check-feed", required_argument, NULL, OPT_CHECK_FEED},
    {"json", no_argument, NULL, OPT_JSON},
    {"status", no_argument, NULL, OPT_STATUS},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"version", no_argument, NULL, 'V'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static bool parse_size(const char *s, int *w, int *h)
{
    char tail;
    return sscanf(s, "%dx%d%c", w, h, &tail) == 2 && *w >= 64 && *h >= 64 &&
           *w <= 16384 && *h <= 16384;
}

static bool bad(const char *what, const char *v, const char *expected)
{
    fprintf(stderr, "signage-player: bad %s '%s' (expected %s)\n", what, v, expected);
    return false;
}

/* One option with a value; false after a message when the value is bad. */
static bool take_value(int opt, const char *v, args *a)
{
    char *end;
    long s;
    switch (opt) {
    case 'c':
        a->config = v;
        return true;
    case 'w':
    case OPT_SIZE:
        return parse_size(v, &a->app.width, &a->app.height) ||
               bad("size", v, "WxH, 64 to 16384");
    case OPT_SNAPSHOT:
        a->snapshot = v;
        return true;
    case OPT_NOW:
        a->app.has_now = feed_parse_time(v, &a->app.now);
        return a->app.has_now || bad("time", v, "RFC 3339");
    case OPT_WAIT:
        s = strtol(v, &end, 10);
        a->app.wait_ms = (int)s * 1000;
        return (*v && !*end && s >= 0 && s <= 3600) || bad("--wait", v, "0 to 3600");
    case OPT_PLAY_LOG:
        a->app.play_log = v;
        return true;
    case OPT_TRANSITION:
        s = strtol(v, &end, 10);
        a->app.transition_frames = (int)s;
        return (*v && !*end && s >= 2 && s <= 600) ||
               bad("--snapshot-transition", v, "2 to 600");
    }
    return false;
}

/* Options that exit at once (help, version) do so here. */
static bool take_option(int opt, const char *v, args *a)
{
    switch (opt) {
    case OPT_DUMP:
        a->dump = true;
        return true;
    case OPT_CHECK:
        a->check_config = true;
        return true;
    case OPT_CHECK_FEED:
        a->check_feed = v;
        return true;
    case OPT_JSON:
        a->json = true;
        return true;
    case OPT_STATUS:
        a->status = true;
        return true;
    case 'v':
        a->level = LOG_DEBUG;
        return true;
    case 'q':
        a->level = LOG_WARN;
        return true;
    case 'V':
        printf("signage-player %s\n", SIGNAGE_VERSION);
        exit(0);
    case 'h':
        fputs(usage, stdout);
        exit(0);
    case '?':
        fputs("Try 'signage-player --help'.\n", stderr);
        return false;
    }
    return take_value(opt, v, a);
}

static bool parse_args(int argc, char **argv, args *a)
{
    int opt;
    a->level = -1;
    while ((opt = getopt_long(argc, argv, "c:w:vqVh", options, NULL)) != -1)
        if (!take_option(opt, optarg, a))
            return false;
    /* --check-config FILE: the one operand is the file. */
    if (a->check_config && optind == argc - 1)
        a->config = argv[optind++];
    /* --status FILE: the one operand is the status file. */
    else if (a->status && optind == argc - 1)
        a->status_file = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "signage-player: unexpected argument '%s'\n", argv[optind]);
        return false;
    }
    return true;
}

static const char *config_path(const char *given)
{
    if (!given && access(DEFAULT_CONFIG, F_OK) == 0)
        return DEFAULT_CONFIG;
    return given;
}

/* --check-config: every problem on stdout, one per line; 0 when clean. */
static int check_config(const char *path)
{
    if (!path) {
        printf("signage-player: no config file: give one, or create %s\n",
               DEFAULT_CONFIG);
        return 1;
    }
    config cfg;
    config_report *r = xcalloc(1, sizeof *r);
    confcheck_load(&cfg, path, r);
    for (int i = 0; i < r->count; i++) {
        const config_problem *p = &r->problems[i];
        printf("%.*s%s%s\n", p->at, p->text, p->warning ? "warning: " : "",
               p->text + p->at);
    }
    if (r->dropped)
        printf("%s: %d more problems not shown\n", path, r->dropped);
    printf("%s: %d error%s, %d warning%s\n", path, r->errors, r->errors == 1 ? "" : "s",
           r->warnings, r->warnings == 1 ? "" : "s");
    int rc = r->errors ? 1 : 0;
    free(r);
    return rc;
}

/* The same checks as --check-config; every problem logged; false on an
 * error. */
static bool load_config(const char *path, int level, config *cfg)
{
    config_report *r = xcalloc(1, sizeof *r);
    bool ok = confcheck_load(cfg, path, r);
    for (int i = 0; i < r->count; i++)
        log_msg(r->problems[i].warning ? LOG_WARN : LOG_ERROR, "config", "%s",
                r->problems[i].text);
    if (!ok)
        LOG_ERR("%d error%s in %s: not starting (check with --check-config)", r->errors,
                r->errors == 1 ? "" : "s", r->file);
    free(r);
    enum log_level lv;
    if (level >= 0)
        log_set_level((enum log_level)level);
    else if (log_level_from_name(cfg->log_level, &lv))
        log_set_level(lv);
    LOG_DBG("settings from %s: feed %s", path ? path : "the defaults", cfg->feed);
    return ok;
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
    if (a.check_config)
        return check_config(config_path(a.config));
    a.app.config_path = config_path(a.config);
    if (!load_config(a.app.config_path, a.level, &cfg))
        return 2;
    if (a.status)
        return show_status(&cfg, a.status_file);
    if (a.check_feed)
        return headless_check_feed(&cfg, &a.app, a.check_feed, a.json);
    if (a.snapshot)
        return headless_snapshot(&cfg, &a.app, a.snapshot);
    if (a.dump)
        return headless_layout_dump(&cfg, &a.app, stdout);
    return app_run(&cfg, &a.app);
}
