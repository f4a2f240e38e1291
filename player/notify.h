/* notify: tells the service manager what the player does, through the
 * sd_notify protocol (a datagram to $NOTIFY_SOCKET): READY=1 once the first
 * frame is on screen, STATUS= lines, and WATCHDOG=1 pings. sd_notify from
 * libsystemd when built with it, otherwise a small sender of our own. Every
 * call is a no-op when the player was not started by systemd. Main thread
 * only. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

typedef struct notify notify;

/* Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID once. Never NULL. */
notify *notify_create(void);
void notify_destroy(notify *n);

/* READY=1, sent once however often called. */
void notify_ready(notify *n);

/* STATUS=<status>, sent only when it differs from the last one sent. */
void notify_status(notify *n, const char *status);

/* Milliseconds between watchdog pings (half of WATCHDOG_USEC, at least 1),
 * or 0 when no watchdog is asked for. */
int notify_watchdog_ms(const notify *n);

/* WATCHDOG=1 when now_ms (monotonic) is an interval past the last ping.
 * Call it from the loop, so that a loop that stops stops the pings. */
void notify_watchdog(notify *n, uint64_t now_ms);

/* Milliseconds from now_ms until the next ping is due (0 if overdue), or
 * INT32_MAX without a watchdog: the loop waits no longer than this. */
int notify_watchdog_due_ms(const notify *n, uint64_t now_ms);
