#define LOG_MODULE "push"
#include "push.h"

#include <errno.h>
#include <mosquitto.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "util.h"

#define KEEPALIVE_S 30
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 60000
/* How long one mosquitto_loop call (or step of the backoff sleep) waits:
 * the longest push_destroy waits for the thread to see its stop flag. */
#define LOOP_MS 200
/* Messages logged at info level at most this often (debug otherwise): a
 * publisher in a loop must not fill the journal. */
#define MESSAGE_LOG_MS 10000
/* A message wakes the source at once; the ones in the next COALESCE_MS
 * make one more wake-up at its end (a feed changed twice in a row is
 * fetched twice, a burst of 50 messages makes 2 fetches, not 50). */
#define COALESCE_MS 500
/* A connection that lasted this long resets the backoff to its minimum. */
#define STABLE_MS 10000
/* MQTT's SUBACK code for a refused subscription. */
#define SUBACK_REFUSED 0x80

struct push {
    struct mosquitto *mosq;
    source *src;
    config_mqtt at;
    char url[1024], topic[256];
    int keepalive_s;
    long backoff_min_ms, backoff_max_ms;
    unsigned seed;

    pthread_t thread;
    bool thread_started;
    atomic_bool stop; /* seen within LOOP_MS, in the loop and in the backoff */

    /* The worker thread's alone. */
    log_repeat rep;
    char why[256];        /* the reason the library or the broker gave last */
    bool accepted;        /* a CONNACK accepted the connection this round */
    uint64_t accepted_ms; /* monotonic ms it did */
    uint64_t logged_ms;   /* monotonic ms of the last message logged at info */
    uint64_t hold_ms;     /* monotonic ms until which messages are coalesced */
    bool held;            /* a message came meanwhile: wake the source at hold_ms */
};

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- the client id ---- */

/* Appends src's [A-Za-z0-9._-] bytes to out (of size) up to max bytes. */
static void append_safe(char *out, size_t size, const char *src, size_t max)
{
    size_t n = strlen(out);
    for (size_t i = 0; src[i] && max > 0 && n + 1 < size; i++) {
        char c = src[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '_' || c == '-') {
            out[n++] = c;
            max--;
        }
    }
    out[n] = '\0';
}

void push_client_id(const char *screen_id, long pid, char *out, size_t size)
{
    char host[256] = "";
    char *machine = NULL;
    size_t len;
    const char *base = screen_id;
    if (!base || !*base) {
        machine = read_file_capped("/etc/machine-id", 256, &len);
        base = machine;
    }
    if ((!base || !*base) && gethostname(host, sizeof host - 1) == 0)
        base = host;
    snprintf(out, size, "signage-");
    append_safe(out, size, base ? base : "", 40);
    size_t n = strlen(out);
    snprintf(out + n, size - n, "-%ld", pid);
    free(machine);
}

/* ---- callbacks: on the worker thread, inside mosquitto_loop ---- */

/* The source polls now, or once the coalescing window ends. */
static void wake_source(push *p, bool message)
{
    uint64_t now = mono_ms();
    if (now < p->hold_ms) {
        p->held = p->held || message;
        return;
    }
    if (!message && !p->held)
        return;
    p->held = false;
    p->hold_ms = now + COALESCE_MS;
    source_poll_now(p->src);
}

static void on_connect(struct mosquitto *m, void *obj, int rc)
{
    push *p = obj;
    if (rc != 0) {
        snprintf(p->why, sizeof p->why, "refused: %s", mosquitto_connack_string(rc));
        return;
    }
    p->accepted = true;
    p->accepted_ms = mono_ms();
    if (p->rep.total)
        LOG_RECOVERED(&p->rep, "connected to %s", p->url);
    else
        LOG_INFO("connected to %s", p->url);
    int err = mosquitto_subscribe(m, NULL, p->topic, 1);
    if (err != MOSQ_ERR_SUCCESS)
        LOG_WARN("cannot subscribe to %s: %s", p->topic, mosquitto_strerror(err));
}

static void on_subscribe(struct mosquitto *m, void *obj, int mid, int n,
                         const int *granted)
{
    (void)m;
    (void)mid;
    push *p = obj;
    if (n >= 1 && granted[0] == SUBACK_REFUSED)
        LOG_WARN(
            "the broker refused the subscription to %s: only polling updates the feed",
            p->topic);
    else
        LOG_DBG("subscribed to %s", p->topic);
}

/* The body is a hint and is never read: only its size is logged. */
static void on_message(struct mosquitto *m, void *obj,
                       const struct mosquitto_message *msg)
{
    (void)m;
    push *p = obj;
    uint64_t now = mono_ms();
    enum log_level lv = LOG_DEBUG;
    if (p->logged_ms == 0 || now - p->logged_ms >= MESSAGE_LOG_MS) {
        lv = LOG_INFO;
        p->logged_ms = now;
    }
    log_msg(lv, LOG_MODULE, "message on %s (%d bytes): fetching the feed now", p->topic,
            msg->payloadlen);
    wake_source(p, true);
}

/* The library's own errors (a TLS verification failure, say) name the
 * cause better than its return codes: the last one is kept as the reason. */
static void on_log(struct mosquitto *m, void *obj, int level, const char *text)
{
    (void)m;
    push *p = obj;
    if (level == MOSQ_LOG_ERR)
        snprintf(p->why, sizeof p->why, "%s", text);
}

/* ---- the worker ---- */

/* Runs the connection until it ends (the error, and errno in *err) or
 * stop (success). */
static int run(push *p, int *err)
{
    while (!atomic_load(&p->stop)) {
        int rc = mosquitto_loop(p->mosq, LOOP_MS, 1);
        *err = errno;
        if (rc != MOSQ_ERR_SUCCESS)
            return rc;
        wake_source(p, false);
    }
    return MOSQ_ERR_SUCCESS;
}

/* One line per change of state: the reason and when the next try is. */
static void log_end(push *p, int rc, int err, long delay_ms)
{
    char reason[300];
    if (p->why[0])
        snprintf(reason, sizeof reason, "%s", p->why);
    else if (rc == MOSQ_ERR_ERRNO)
        snprintf(reason, sizeof reason, "%s", strerror(err));
    else
        snprintf(reason, sizeof reason, "%s", mosquitto_strerror(rc));
    int kind = rc == MOSQ_ERR_ERRNO ? 1000 + err : rc;
    LOG_FAILED(&p->rep, LOG_WARN, kind, "%s %s: %s; next try in %.1f s",
               p->accepted ? "lost the connection to" : "cannot connect to", p->url,
               reason, (double)delay_ms / 1000);
}

/* Sleeps ms, in LOOP_MS steps, unless stop comes first. */
static void sleep_ms(push *p, long ms)
{
    uint64_t end = mono_ms() + (uint64_t)ms;
    for (uint64_t now = mono_ms(); now < end && !atomic_load(&p->stop); now = mono_ms()) {
        uint64_t step = end - now < LOOP_MS ? end - now : LOOP_MS;
        nanosleep(&(struct timespec){0, (long)step * 1000000L}, NULL);
    }
}

/* Connects, runs, and after a connection ends waits min..max (doubling,
 * back to min after one that lasted STABLE_MS) before the next try. */
static void *worker(void *arg)
{
    push *p = arg;
    long backoff = p->backoff_min_ms;
    bool first = true;
    while (!atomic_load(&p->stop)) {
        p->why[0] = '\0';
        p->accepted = false;
        errno = 0;
        int rc = first ? mosquitto_connect_async(p->mosq, p->at.host, p->at.port,
                                                 p->keepalive_s)
                       : mosquitto_reconnect_async(p->mosq);
        int err = errno;
        first = false;
        if (rc == MOSQ_ERR_SUCCESS)
            rc = run(p, &err);
        if (atomic_load(&p->stop))
            break;
        if (p->held) /* a last message before the end */
            source_poll_now(p->src);
        p->held = false;
        /* A broker that drops each connection at once is not hammered. */
        if (p->accepted && mono_ms() - p->accepted_ms >= STABLE_MS)
            backoff = p->backoff_min_ms;
        long delay = source_jitter_ms(backoff, &p->seed);
        log_end(p, rc, err, delay);
        sleep_ms(p, delay);
        backoff = backoff * 2 < p->backoff_max_ms ? backoff * 2 : p->backoff_max_ms;
    }
    mosquitto_disconnect(p->mosq);
    return NULL;
}

/* ---- public ---- */

/* TLS verified against ca_file or the system's CAs, host name checked. */
static bool setup_tls(push *p, const char *ca_file)
{
    bool own = ca_file && *ca_file;
    int rc = mosquitto_tls_set(p->mosq, own ? ca_file : NULL,
                               own ? NULL : "/etc/ssl/certs", NULL, NULL, NULL);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_tls_opts_set(p->mosq, 1 /* SSL_VERIFY_PEER */, NULL, NULL);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_tls_insecure_set(p->mosq, false);
    if (rc != MOSQ_ERR_SUCCESS)
        LOG_ERR("cannot set up TLS for %s: %s", p->url, mosquitto_strerror(rc));
    return rc == MOSQ_ERR_SUCCESS;
}

static bool setup_client(push *p, const push_params *pp)
{
    char id[128];
    push_client_id(pp->screen_id, (long)getpid(), id, sizeof id);
    p->mosq = mosquitto_new(id, true, p);
    if (!p->mosq) {
        LOG_ERRNO("cannot make an MQTT client");
        return false;
    }
    mosquitto_connect_callback_set(p->mosq, on_connect);
    mosquitto_subscribe_callback_set(p->mosq, on_subscribe);
    mosquitto_message_callback_set(p->mosq, on_message);
    mosquitto_log_callback_set(p->mosq, on_log);
    LOG_DBG("client id %s", id);
    return !p->at.tls || setup_tls(p, pp->ca_file);
}

push *push_create(const push_params *pp, source *src)
{
    if (!pp->url || !*pp->url)
        return NULL;
    push *p = xcalloc(1, sizeof *p);
    if (!config_mqtt_parse(pp->url, &p->at) || !pp->topic || !*pp->topic) {
        LOG_ERR("push not started: %s is not mqtt:// or mqtts://host[:port]", pp->url);
        free(p);
        return NULL;
    }
    mosquitto_lib_init();
    p->src = src;
    snprintf(p->url, sizeof p->url, "%s", pp->url);
    snprintf(p->topic, sizeof p->topic, "%s", pp->topic);
    p->keepalive_s = pp->keepalive_s > 0 ? pp->keepalive_s : KEEPALIVE_S;
    p->backoff_min_ms = pp->backoff_min_ms > 0 ? pp->backoff_min_ms : BACKOFF_MIN_MS;
    p->backoff_max_ms = pp->backoff_max_ms > 0 ? pp->backoff_max_ms : BACKOFF_MAX_MS;
    p->seed = (unsigned)time(NULL) ^ (unsigned)getpid() ^ (unsigned)(uintptr_t)p;
    atomic_init(&p->stop, false);
    if (setup_client(p, pp) && pthread_create(&p->thread, NULL, worker, p) == 0)
        p->thread_started = true;
    if (!p->thread_started) {
        LOG_ERR("push not started: only polling updates the feed");
        push_destroy(p);
        return NULL;
    }
    LOG_INFO("connecting to %s for messages on %s", p->url, p->topic);
    return p;
}

void push_destroy(push *p)
{
    if (!p)
        return;
    atomic_store(&p->stop, true);
    if (p->thread_started)
        pthread_join(p->thread, NULL);
    mosquitto_destroy(p->mosq);
    mosquitto_lib_cleanup();
    free(p);
}
