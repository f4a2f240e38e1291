/* power: runs the configured display power commands (for example
 * "vcgencmd display_power 0" or a CEC command) when the screen hours end
 * and begin. The command runs through /bin/sh in the background; the loop
 * never waits for it. Children are reaped by power_reap(). */
#pragma once
#include <stdbool.h>

/* Runs cmd (nothing when NULL or empty). Logs the command and a failure to
 * start it. */
void power_run(const char *cmd, bool on);

/* Reaps finished commands and logs a non-zero exit. Non-blocking. */
void power_reap(void);
