/* config: the INI file to a struct holding every setting, with defaults.
 * Pure: reads a buffer, no SDL, no network, no clock. The table of keys
 * (config_keys) is the one place each key's section, type, range, unit and
 * default are written: the parser, its error messages and the manual's
 * test read it. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_LINE 8192 /* longer lines are an error, never cut */
#define CONFIG_MAX_FILE (1024 * 1024)
#define CONFIG_MAX_KEYS 128     /* room in config_report.key_line */
#define CONFIG_MAX_PROBLEMS 100 /* more are counted in config_report.dropped */

typedef struct {
    uint8_t r, g, b;
} config_color;

/* One daily window in minutes since midnight; from == to == 0 means off. */
typedef struct {
    int16_t from, to;
} config_window;

typedef struct config {
    /* [player] */
    char feed[2048];      /* path, file:// or http(s):// URL */
    char cache_dir[1024]; /* empty: chosen at run time (XDG or system path) */
    char centre_name[256];
    bool lunar_date;    /* the header shows the Chinese calendar's date too */
    char language[32];  /* default text language, BCP 47, "zh" */
    char time_zone[64]; /* IANA name; empty = the system's */
    char log_level[16]; /* error, warn, info, debug */
    char logo[2048];    /* optional image path or URL */

    char status_file[1024];     /* empty: status_default_path() at run time */
    char blocklist[1024];       /* file of blocked terms (blocklist.h); empty: none */
    char feed_public_key[1024]; /* minisign key line or .pub path; empty: unsigned */
    char feed_signature[2048];  /* URL or path; empty: <feed>.minisig */

    /* [display] */
    bool fullscreen;
    int width, height;  /* window size when not fullscreen */
    char renderer[16];  /* auto (the GPU if there is a real one), accelerated,
                           software (no GL driver mapped: less memory) */
    char transition[8]; /* fade, slide or none: how one slide gives way */
    int transition_ms;  /* a transition's length */
    int ticker_speed;   /* the footer ticker, pixels per second */
    int rotation;       /* 0, 90, 180, 270: the picture turned clockwise on the
                           output (a panel mounted on its side) */

    double viewing_distance; /* metres: the text sizes follow it (sizes.h) */
    double screen_diagonal;  /* inches, 0: from the screen (EDID, DPI) */

    /* [text] */
    char font_regular[1024]; /* empty: the bundled font */
    char font_bold[1024];
    double body_size;         /* body size, fraction of screen height; 0: from
                                 viewing_distance */
    double title_size;        /* title size, fraction of screen height; 0: from
                                 the body's */
    double line_spacing;      /* line height as a multiple of the font size */
    double paragraph_spacing; /* extra gap between paragraphs, in lines */
    bool indent;              /* two-character first-line indent */
    bool justify;             /* justify lines to both margins */
    bool enlarge_short;       /* short items set up to 1.3 times larger */
    char image_fit[8];        /* auto, contain or cover (template.h) */
    double margin;            /* outer margin, fraction of screen height */
    bool qr;                  /* a QR code of each item's url */
    char qr_caption[256];     /* the line under the code */

    /* [timing] */
    int reading_speed;    /* characters per minute */
    int page_min;         /* seconds */
    int page_max;         /* seconds */
    int duration_cap;     /* cap for an item's own duration, seconds */
    int max_pages;        /* airtime cap: pages per item, 0 = none */
    int max_item_seconds; /* airtime cap: seconds per item, 0 = none */

    /* [fetch] */
    int poll_interval;    /* seconds */
    int backoff_max;      /* seconds */
    int connect_timeout;  /* seconds */
    int total_timeout;    /* seconds */
    int max_feed_bytes;   /* bytes */
    int max_image_bytes;  /* bytes */
    int max_image_pixels; /* width*height cap */
    char ca_file[1024];

    /* [schedule] */
    int max_age_days;       /* 0: no limit */
    int high_ratio;         /* a high item shows this many times per normal round */
    bool urgent_alternate;  /* urgent alternates with rotation instead of holding */
    config_window hours[7]; /* screen hours, ISO weekday 1..7 at [0..6] */
    bool hours_set;         /* false: always on */
    char display_on_cmd[512];
    char display_off_cmd[512];

    /* [theme] */
    char theme_file[1024]; /* [theme] keys read first (relative: to the config);
                              the config's own [theme] keys override them */
    config_color background, foreground, accent, muted;
    /* An urgent slide's: its screen, text, band and badge, header and times. */
    config_color urgent_background, urgent_foreground, urgent_accent, urgent_muted;

    /* [fleet]: everything off when its URL or file is empty */
    char screen_id[128];   /* empty: /etc/machine-id */
    char mqtt_url[1024];   /* mqtt:// or mqtts://host:port; a message = fetch now */
    char mqtt_topic[256];  /* the topic a publish on which wakes the poll */
    char report_url[2048]; /* heartbeats, proof of play (POST, JSON) */
    int report_interval;   /* seconds between heartbeats */
    char report_token_file[1024]; /* bearer token; must not be readable by others */
    bool report_allow_http;       /* report_url may be http (a local network) */
    int screenshot_width;         /* pixels; a requested screenshot is scaled to it */
    char metrics_file[1024];      /* Prometheus text format, for node_exporter */
    int report_queue_max;         /* proof-of-play records kept unsent at most */
} config;

typedef enum {
    CONFIG_STR,
    CONFIG_FILE, /* a file that must be readable (relative: to the config) */
    CONFIG_DIR,  /* a folder, made at run time (relative: to the config) */
    CONFIG_OUT,  /* a file the player writes (relative: to the config) */
    CONFIG_LOGO, /* a CONFIG_FILE, or an http(s) URL */
    CONFIG_FEED, /* a path (may appear later), file:// or http(s):// URL */
    CONFIG_ZONE, /* an IANA zone name, checked against the system's data */
    CONFIG_INT,
    CONFIG_DBL,
    CONFIG_BOOL,
    CONFIG_COLOR,
    CONFIG_WINDOW,
    CONFIG_LEVEL,
    CONFIG_RENDERER,   /* auto, accelerated or software */
    CONFIG_TRANSITION, /* fade, slide or none */
    CONFIG_ROTATION,   /* 0, 90, 180 or 270 (an int) */
    CONFIG_FIT,        /* auto, contain or cover */
    CONFIG_LANG,
    CONFIG_KEY,  /* a minisign public key line, or its .pub file (relative: to the
                    config) */
    CONFIG_MQTT, /* empty, or mqtt:// or mqtts://host[:port] */
    CONFIG_TOPIC /* an MQTT topic filter: not empty, + and # only as whole levels */
} config_type;

/* One key of the file. */
typedef struct {
    const char *section, *name;
    config_type type;
    size_t offset, size; /* the field in struct config; size of a string buffer */
    double min, max;     /* CONFIG_INT and CONFIG_DBL */
    const char *unit;    /* "seconds"; NULL when the value has none */
    const char *def;     /* the default as written in the file; NULL: unset */
} config_key;

/* The table of every key, in file order; *count receives its length. */
const config_key *config_keys(size_t *count);

/* What a key accepts, for messages: "a whole number from 5 to 86400 (seconds)". */
void config_key_describe(const config_key *k, char *out, size_t size);

/* Levenshtein distance of two short ASCII names, case-insensitive, capped at
 * 99 (for "did you mean" hints). */
int config_distance(const char *a, const char *b);

/* One problem found in a config file. */
typedef struct {
    bool warning;    /* reported, but the player starts */
    int line;        /* 0: the file as a whole */
    int at;          /* where the message starts in text */
    char text[1200]; /* "file:line: message" */
} config_problem;

/* Every problem of one file, and the line that set each key. */
typedef struct config_report {
    char file[512];
    config_problem problems[CONFIG_MAX_PROBLEMS];
    int count, errors, warnings, dropped;
    bool unread;                   /* the file itself could not be read */
    int key_line[CONFIG_MAX_KEYS]; /* by config_keys() index; 0: not in the file */
} config_report;

/* Empties r for the file named file. */
void config_report_init(config_report *r, const char *file);

/* Adds a problem at line (0: none) of r's file. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
void config_report_add(config_report *r, bool warning, int line, const char *fmt, ...);

/* The line that set the key section.name, or 0. */
int config_report_line(const config_report *r, const char *section, const char *name);

/* Fills every field with its default. */
void config_defaults(config *cfg);

/* Parses an INI buffer over the values already in cfg, reporting every
 * problem into r (initialised by the caller): unknown sections and keys
 * (with the nearest known name), bad values (with what is valid), lines
 * longer than CONFIG_MAX_LINE. A UTF-8 BOM and CRLF line ends are
 * accepted. Returns true when r holds no error. */
bool config_parse_report(config *cfg, const char *text, size_t len, const char *filename,
                         config_report *r);

/* The same, with the errors written one per line into err: a test seam
 * (the tests parse from memory). */
bool config_parse(config *cfg, const char *text, size_t len, const char *filename,
                  char *err, size_t err_size);

/* Reads a file (capped at CONFIG_MAX_FILE) into r's problems and parses it
 * over cfg; relative paths of CONFIG_FILE, CONFIG_DIR, CONFIG_OUT, CONFIG_LOGO,
 * CONFIG_FEED and CONFIG_KEY (a path, not a key line) keys are then taken from
 * the file's folder. With [theme] file, that file's [theme] keys (it may hold
 * nothing else) are taken where the config sets none; its problems go into r
 * with its own name and lines (at the line of the file key, for the order);
 * a theme file that cannot be read is left to confcheck (a CONFIG_FILE).
 * Returns true when r holds no error. */
bool config_load(config *cfg, const char *path, config_report *r);

/* An MQTT broker's address, from a mqtt_url. */
typedef struct {
    char host[256]; /* a name, an IPv4 address or an IPv6 one (no brackets) */
    int port;       /* 1883 for mqtt://, 8883 for mqtts:// unless given */
    bool tls;       /* mqtts:// */
} config_mqtt;

/* Parses mqtt://host[:port] or mqtts://host[:port] (an IPv6 host in
 * brackets, a trailing "/" allowed; no user, path or query). False when url
 * is anything else. out may be NULL (a check only). */
bool config_mqtt_parse(const char *url, config_mqtt *out);
