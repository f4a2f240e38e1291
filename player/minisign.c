#include "minisign.h"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define UNTRUSTED "untrusted comment:"
#define TRUSTED "trusted comment: "
#define KEY_LINE_LEN 56 /* base64 of 42 bytes */

typedef struct {
    const char *p, *end;
} cursor;

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static minisign_result
fail(minisign_result r, char *why, size_t why_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_size, fmt, ap);
    va_end(ap);
    return r;
}

/* The next line of the cursor, without its '\n'. False at the end. */
static bool next_line(cursor *c, const char **line, size_t *n)
{
    if (c->p >= c->end)
        return false;
    const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    *line = c->p;
    *n = nl ? (size_t)(nl - c->p) : (size_t)(c->end - c->p);
    c->p = nl ? nl + 1 : c->end;
    return true;
}

static bool starts(const char *line, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(line, prefix, k) == 0;
}

/* Exactly `want` bytes of standard base64 (padded), nothing else. */
static bool decode(const char *b64, size_t n, unsigned char *out, size_t want)
{
    size_t got = 0;
    const char *end = NULL;
    if (n == 0 || n > 4 * ((want + 2) / 3))
        return false;
    return sodium_base642bin(out, want, b64, n, NULL, &got, &end,
                             sodium_base64_VARIANT_ORIGINAL) == 0 &&
           end == b64 + n && got == want;
}

/* A key id as minisign prints it (a little-endian number in hex). */
static void id_text(const unsigned char id[8], char out[17])
{
    for (int i = 0; i < 8; i++)
        snprintf(out + 2 * i, 3, "%02X", id[7 - i]);
}

minisign_result minisign_parse_key(const char *text, size_t len, minisign_key *key,
                                   char *why, size_t why_size)
{
    cursor c = {text, text + len};
    const char *line;
    size_t n;
    unsigned char raw[42];
    if (!next_line(&c, &line, &n))
        return fail(MINISIGN_BAD_KEY, why, why_size, "the public key is empty");
    if (starts(line, n, UNTRUSTED) && !next_line(&c, &line, &n))
        return fail(MINISIGN_BAD_KEY, why, why_size, "no key line after the comment");
    if (!decode(line, n, raw, sizeof raw))
        return fail(MINISIGN_BAD_KEY, why, why_size,
                    "the public key is not the base64 of 42 bytes");
    if (memcmp(raw, "Ed", 2) != 0)
        return fail(MINISIGN_BAD_KEY, why, why_size, "the public key is not Ed25519");
    if (c.p != c.end)
        return fail(MINISIGN_BAD_KEY, why, why_size, "text after the public key");
    memcpy(key->id, raw + 2, 8);
    memcpy(key->pk, raw + 10, 32);
    return MINISIGN_OK;
}

bool minisign_is_key_line(const char *value)
{
    minisign_key k;
    char why[8];
    return strlen(value) == KEY_LINE_LEN &&
           minisign_parse_key(value, KEY_LINE_LEN, &k, why, sizeof why) == MINISIGN_OK;
}

minisign_result minisign_key_load(const char *value, minisign_key *key, char *why,
                                  size_t why_size)
{
    if (minisign_is_key_line(value))
        return minisign_parse_key(value, strlen(value), key, why, why_size);
    size_t len;
    char *text = read_file_capped(value, MINISIGN_MAX_KEY, &len);
    if (!text)
        return fail(MINISIGN_BAD_KEY, why, why_size,
                    "not a key line, and %s cannot be read (%s)", value,
                    read_file_error(errno));
    char inner[200];
    minisign_result r = minisign_parse_key(text, len, key, inner, sizeof inner);
    free(text);
    if (r != MINISIGN_OK)
        return fail(r, why, why_size, "%s: %s", value, inner);
    return r;
}

/* The second line: algorithm, key id, signature. */
static minisign_result sig_line(const char *line, size_t n, minisign_sig *sig, char *why,
                                size_t why_size)
{
    unsigned char raw[74];
    if (!decode(line, n, raw, sizeof raw))
        return fail(MINISIGN_BAD_SIG, why, why_size,
                    "the signature line is not the base64 of 74 bytes");
    if (memcmp(raw, "ED", 2) != 0 && memcmp(raw, "Ed", 2) != 0)
        return fail(MINISIGN_BAD_SIG, why, why_size, "unknown signature algorithm");
    sig->prehashed = raw[1] == 'D';
    memcpy(sig->id, raw + 2, 8);
    memcpy(sig->sig, raw + 10, 64);
    return MINISIGN_OK;
}

/* The third line: "trusted comment: <text>". */
static minisign_result trusted_line(const char *line, size_t n, minisign_sig *sig,
                                    char *why, size_t why_size)
{
    size_t k = strlen(TRUSTED);
    if (!starts(line, n, TRUSTED))
        return fail(MINISIGN_BAD_SIG, why, why_size, "no trusted comment line");
    if (n - k >= sizeof sig->trusted || memchr(line, '\0', n))
        return fail(MINISIGN_BAD_SIG, why, why_size,
                    "the trusted comment is too long or holds a NUL");
    memcpy(sig->trusted, line + k, n - k);
    sig->trusted[n - k] = '\0';
    return MINISIGN_OK;
}

minisign_result minisign_parse_sig(const char *text, size_t len, minisign_sig *sig,
                                   char *why, size_t why_size)
{
    if (len > MINISIGN_MAX_SIG)
        return fail(MINISIGN_BAD_SIG, why, why_size,
                    "the signature file is larger than %d bytes", MINISIGN_MAX_SIG);
    cursor c = {text, text + len};
    const char *line[4];
    size_t n[4];
    for (int i = 0; i < 4; i++)
        if (!next_line(&c, &line[i], &n[i]))
            return fail(MINISIGN_BAD_SIG, why, why_size,
                        "the signature file has %d lines, not 4", i);
    if (c.p != c.end)
        return fail(MINISIGN_BAD_SIG, why, why_size, "text after the global signature");
    if (!starts(line[0], n[0], UNTRUSTED))
        return fail(MINISIGN_BAD_SIG, why, why_size, "no untrusted comment line");
    minisign_result r = sig_line(line[1], n[1], sig, why, why_size);
    if (r == MINISIGN_OK)
        r = trusted_line(line[2], n[2], sig, why, why_size);
    if (r == MINISIGN_OK && !decode(line[3], n[3], sig->global, sizeof sig->global))
        r = fail(MINISIGN_BAD_SIG, why, why_size,
                 "the global signature is not the base64 of 64 bytes");
    return r;
}

/* The global signature: over the data's signature and the trusted text. */
static bool global_ok(const minisign_key *key, const minisign_sig *sig)
{
    size_t tn = strlen(sig->trusted);
    unsigned char buf[sizeof sig->sig + sizeof sig->trusted];
    memcpy(buf, sig->sig, sizeof sig->sig);
    memcpy(buf + sizeof sig->sig, sig->trusted, tn);
    return crypto_sign_verify_detached(sig->global, buf, sizeof sig->sig + tn, key->pk) ==
           0;
}

minisign_result minisign_verify(const minisign_key *key, const minisign_sig *sig,
                                const void *data, size_t len, char *why, size_t why_size)
{
    char want[17], got[17];
    if (why_size)
        why[0] = '\0';
    if (memcmp(key->id, sig->id, sizeof key->id) != 0) {
        id_text(key->id, want);
        id_text(sig->id, got);
        return fail(MINISIGN_WRONG_KEY, why, why_size,
                    "signed with key %s, not with the configured key %s", got, want);
    }
    if (sodium_init() < 0)
        return fail(MINISIGN_BAD_DATA, why, why_size, "libsodium failed to start");
    unsigned char hash[crypto_generichash_BYTES_MAX];
    const unsigned char *msg = data;
    size_t msg_len = len;
    if (sig->prehashed) {
        crypto_generichash(hash, sizeof hash, data, len, NULL, 0);
        msg = hash;
        msg_len = sizeof hash;
    }
    if (crypto_sign_verify_detached(sig->sig, msg, msg_len, key->pk) != 0)
        return fail(MINISIGN_BAD_DATA, why, why_size,
                    "the signature does not match the data");
    if (!global_ok(key, sig))
        return fail(MINISIGN_BAD_COMMENT, why, why_size,
                    "the trusted comment is not the one signed");
    return MINISIGN_OK;
}

/* The number after name at p, ending at a tab, space or the end. */
static bool field_number(const char *p, const char *name, int64_t *out)
{
    size_t k = strlen(name);
    if (strncmp(p, name, k) != 0)
        return false;
    int64_t v = 0;
    const char *d = p + k;
    for (; *d >= '0' && *d <= '9'; d++) {
        if (v > (INT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (*d - '0');
    }
    if (d == p + k || (*d && *d != '\t' && *d != ' '))
        return false;
    *out = v;
    return true;
}

bool minisign_timestamp(const minisign_sig *sig, int64_t *ts)
{
    for (const char *p = sig->trusted; *p; p++) {
        bool field_start = p == sig->trusted || p[-1] == '\t' || p[-1] == ' ';
        if (field_start &&
            (field_number(p, "timestamp:", ts) || field_number(p, "ts:", ts)))
            return true;
    }
    return false;
}
