/* minisign: the signatures Debian's `minisign` makes, checked with
 * libsodium. Pure: no network, no clock (minisign_key_load reads a .pub
 * file, capped).
 *
 * A public key is "untrusted comment: ..." (optional) and one base64 line
 * of 42 bytes: "Ed", the 8-byte key id, the 32-byte Ed25519 key.
 * A signature file is exactly four lines:
 *   untrusted comment: <anything>
 *   <base64 of 74 bytes: "ED" (prehashed: the signature is over the
 *    BLAKE2b-512 of the data, minisign's default) or "Ed" (legacy: over
 *    the data), the key id, the 64-byte signature>
 *   trusted comment: <text>
 *   <base64 of the 64-byte global signature over signature || text>
 * with an optional final newline and nothing else. Anything else, a key id
 * that is not the key's, or a signature that does not verify is refused
 * with the reason. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MINISIGN_MAX_SIG 4096 /* bytes of a signature file */
#define MINISIGN_MAX_KEY 4096 /* bytes of a .pub file */
#define MINISIGN_MAX_COMMENT 1024

typedef struct {
    unsigned char id[8];
    unsigned char pk[32];
} minisign_key;

typedef struct {
    bool prehashed; /* "ED"; false: legacy "Ed" */
    unsigned char id[8];
    unsigned char sig[64];
    char trusted[MINISIGN_MAX_COMMENT]; /* the trusted comment's text */
    unsigned char global[64];
} minisign_sig;

/* What went wrong; every result but OK comes with a reason in `why`. */
typedef enum {
    MINISIGN_OK,
    MINISIGN_BAD_KEY,     /* the public key is malformed */
    MINISIGN_BAD_SIG,     /* the signature file is malformed */
    MINISIGN_WRONG_KEY,   /* signed by another key (key id) */
    MINISIGN_BAD_DATA,    /* the data is not what was signed */
    MINISIGN_BAD_COMMENT, /* the trusted comment is not what was signed */
} minisign_result;

/* A key from a key line or a whole .pub file's text (len bytes, need not
 * be NUL-terminated). */
minisign_result minisign_parse_key(const char *text, size_t len, minisign_key *key,
                                   char *why, size_t why_size);

/* A key from value: a key line, else the path of a .pub file (at most
 * MINISIGN_MAX_KEY bytes). */
minisign_result minisign_key_load(const char *value, minisign_key *key, char *why,
                                  size_t why_size);

/* True when value parses as a key line (not a path). */
bool minisign_is_key_line(const char *value);

/* A signature file's text (len bytes, at most MINISIGN_MAX_SIG). */
minisign_result minisign_parse_sig(const char *text, size_t len, minisign_sig *sig,
                                   char *why, size_t why_size);

/* Checks sig over data with key: the key id, the signature over the data
 * (prehashed or legacy), then the global signature over the trusted
 * comment. */
minisign_result minisign_verify(const minisign_key *key, const minisign_sig *sig,
                                const void *data, size_t len, char *why, size_t why_size);

/* The trusted comment's "timestamp:N" (as minisign writes it) or "ts:N",
 * a field at its start or after a tab or space. False when there is none. */
bool minisign_timestamp(const minisign_sig *sig, int64_t *ts);
