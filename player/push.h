/* push: an MQTT subscription that makes the source fetch at once. The
 * client (libmosquitto) runs on a thread of its own: it connects, subscribes
 * to the topic (QoS 1) on every connection, and a message on it calls
 * source_poll_now(). The message's body is a wake-up, never content: it is
 * neither read nor shown, so the feed's own checks (caps, signatures,
 * blocklist) apply to what the fetch brings. Polling goes on as before. A
 * message wakes the source at once; those of the next 0.5 s make one more
 * wake-up at its end, so a burst costs two fetches, not one each.
 *
 * A lost or refused connection is tried again after 1 s, doubling to 60 s
 * (back to 1 s after a connection that lasted 10 s; +-10% jitter, so that a
 * fleet does not come back in step); a broker that stops answering (or never
 * answers) is dropped after one to two keepalive periods. One log line per
 * change of state, repeated failures flood-controlled (log_repeat). */
#pragma once
#include <stdbool.h>

#include "source.h"

typedef struct push push;

/* What push_create takes; the strings are borrowed for the call. */
typedef struct {
    const char *url;       /* mqtt://host[:port] or mqtts://; NULL or "": no push */
    const char *topic;     /* the topic filter to subscribe to */
    const char *ca_file;   /* mqtts: NULL or "": the system's CAs */
    const char *screen_id; /* the client id's base; NULL or "": machine id */
    int keepalive_s;       /* 0: 30 */
    int backoff_min_ms;    /* 0: 1000 */
    int backoff_max_ms;    /* 0: 60000 */
} push_params;

/* Starts the client's thread, which connects (the calling thread never
 * waits on the network). NULL when p->url is empty (nothing to do) or
 * unusable (logged). src is borrowed: push_destroy before source_destroy. */
push *push_create(const push_params *p, source *src);

/* Stops the thread (within about 0.2 s, also with a stalled broker; a host
 * name being resolved finishes first) and frees everything. NULL: no-op. */
void push_destroy(push *p);

/* The MQTT client id for a screen: "signage-" and screen_id, else the
 * machine id (/etc/machine-id), else the host name, cut to 40 bytes and
 * kept to [A-Za-z0-9._-], then "-" and pid. */
void push_client_id(const char *screen_id, long pid, char *out, size_t size);
