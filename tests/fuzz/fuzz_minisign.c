/* libFuzzer harness for the minisign verifier: the input is a public key,
 * a signature file and the signed data, separated by "\n--8<--\n" (the
 * seeds in corpus/minisign/ are real ones made with minisign). Parses the
 * key and the signature, reads the timestamp, and verifies; when the key
 * does not parse, a key with the signature's id is used, so the crypto
 * path runs on any signature that parses. By hand:
 *   clang -fsanitize=fuzzer,address,undefined -D_DEFAULT_SOURCE -Iplayer \
 *     tests/fuzz/fuzz_minisign.c player/minisign.c player/util.c -lsodium
 *   ./a.out -max_total_time=20 -max_len=5000 corpus-copy-of-minisign/ */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "minisign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP "\n--8<--\n"

/* The next part of [*p, end), up to the separator or the end. */
static const char *cut(const uint8_t **p, const uint8_t *end, size_t *n)
{
    const uint8_t *start = *p;
    size_t k = strlen(SEP);
    const uint8_t *s = start;
    while (s + k <= end && memcmp(s, SEP, k) != 0)
        s++;
    bool found = s + k <= end;
    *n = (size_t)((found ? s : end) - start);
    *p = found ? s + k : end;
    return (const char *)start;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    size_t key_len, sig_len, msg_len;
    const char *key_text = cut(&p, end, &key_len);
    const char *sig_text = cut(&p, end, &sig_len);
    const char *msg = cut(&p, end, &msg_len);
    minisign_key key;
    minisign_sig sig;
    char why[256];
    int64_t ts;
    bool key_ok = minisign_parse_key(key_text, key_len, &key, why, sizeof why) == 0;
    if (minisign_parse_sig(sig_text, sig_len, &sig, why, sizeof why) != MINISIGN_OK)
        return 0;
    minisign_timestamp(&sig, &ts);
    if (!key_ok) {
        memset(&key, 0, sizeof key);
        memcpy(key.id, sig.id, sizeof key.id);
    }
    minisign_verify(&key, &sig, msg, msg_len, why, sizeof why);
    return 0;
}
