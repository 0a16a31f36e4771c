/* chat_engine.c: the visitor sockets of one Benchmarks/chat_load.py worker (--client native).
 *
 * Why it exists: the Python visitor workers cost ~0.25 ms of CPU per message and add milliseconds of
 * event-loop latency, on the same two cores the server needs. This engine takes over the hot path
 * (opening the visitor WebSockets, the open-loop sends, parsing the server's frames, the agent replies'
 * POSTs, the latency bookkeeping) in a single-threaded epoll loop. The Python worker keeps everything
 * else (sessions, talking to the parent) and drives the engine through pipes.
 *
 * The semantics mirror chat_load.py's Worker (open_sockets, on_frame, fire, schedule, warmup, run): the
 * same error kinds and examples, counters, latency origins and key formats, so the parent, the report and
 * the durability check cannot tell the two clients apart.
 *
 * Protocol: one JSON command per line on stdin, exactly one JSON line on stdout per command (so a reply
 * always answers the last command); {"error": "..."} when a command is malformed or comes at the wrong time.
 * Big arrays go to files in the "out" directory given with "open" (latencies as raw native float64, which
 * is what Python's array('d').frombytes expects on this machine).
 *   open    {host, port, inbox, tag, index, tokens_file, concurrency, phase_timeout, out}
 *           -> {opened, extensions, errors, open_file}              once every socket is open or failed
 *   warmup  {t0, rate, phase_timeout}
 *           -> {warm_acked, conversations, errors, warm_ack_file}   after the sends and the ack drain
 *   convs   -> {file, count}          the chats' conversation ids, one a line, in chat order
 *   run     {step, t0, rate, count, offset, deadline
 *            [, reply_rate, reply_count, token, reply_max_outstanding, http_connections]}
 *           -> {cpu_s, sent}          when the schedules are done; the step lasts until "result". With
 *                                     reply_rate the engine also POSTs the step's agent replies (with
 *                                     the agent's token) to the chats' conversations
 *   status  -> {pending, replies_outstanding, replies_seen, replies_201}
 *                                     reply keys seen on a visitor socket, and [key, origin] of replies
 *                                     answered 201, since the last status or result
 *   result  -> {counts, errors, pending, replies_outstanding, replies_seen, replies_201, files,
 *               acked_keys_file, reply_ids_file}
 *   ids     {path} -> {count}         writes every acknowledged message id, one a line
 *   close   -> {closed}               close frames, up to 3 s for the server's answers, then exit
 * End of stdin (the worker died) ends the engine at once; so does the parent's death (PR_SET_PDEATHSIG).
 *
 * `chat_engine --selftest` checks the SHA-1/base64, JSON scanning and key helpers and exits.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1000000000LL
#define MAX_FRAME (16u << 20)          /* larger server frames are treated as a protocol error */
#define LOOKAHEAD_NS 100000LL          /* a wake-up sends what is due within the next 0.1 ms */
#define TICK_MS 50                     /* timeouts and drains are checked at least this often */

/* ------------------------------------------------------------------------------------------------ */
/* small helpers */

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("chat_engine: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) die("out of memory");
    return p;
}

static char *xstrndup(const char *s, size_t n) {
    char *d = xrealloc(NULL, n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

/* CLOCK_MONOTONIC, the clock behind Python's time.monotonic_ns: comparable with the parent's t0. */
static int64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static double cpu_seconds(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

/* Mask keys and handshake nonces only have to be unpredictable to intermediaries, of which there are
 * none on loopback: a xorshift generator seeded from the kernel is plenty and costs no syscall per frame. */
static uint64_t rng_state;

static uint64_t rng_next(void) {
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static void rng_seed(void) {
    if (getrandom(&rng_state, sizeof rng_state, 0) != sizeof rng_state) rng_state = (uint64_t)mono_ns();
    rng_state |= 1;
}

/* growable byte buffer */
typedef struct { char *p; size_t len, cap; } buf_t;

static void buf_reserve(buf_t *b, size_t extra) {
    if (b->len + extra <= b->cap) return;
    size_t c = b->cap ? b->cap : 256;
    while (c < b->len + extra) c *= 2;
    b->p = xrealloc(b->p, c);
    b->cap = c;
}

static void buf_add(buf_t *b, const void *d, size_t n) {
    buf_reserve(b, n);
    memcpy(b->p + b->len, d, n);
    b->len += n;
}

static void buf_str(buf_t *b, const char *s) { buf_add(b, s, strlen(s)); }

static void buf_fmt(buf_t *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    buf_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void buf_drop(buf_t *b, size_t n) {
    memmove(b->p, b->p + n, b->len - n);
    b->len -= n;
}

static void buf_free(buf_t *b) {
    free(b->p);
    *b = (buf_t){0};
}

/* JSON string literal; bytes >= 0x80 pass through (the server sends UTF-8). */
static void buf_json(buf_t *b, const char *s, size_t n) {
    buf_reserve(b, n + 2);
    b->p[b->len++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            buf_add(b, "\\", 1);
            buf_add(b, &s[i], 1);
        } else if (ch < 0x20) {
            buf_fmt(b, "\\u%04x", ch);
        } else {
            buf_add(b, &s[i], 1);
        }
    }
    buf_add(b, "\"", 1);
}

/* growable array of latencies (ms) */
typedef struct { double *v; size_t n, cap; } dvec_t;

static void dvec_push(dvec_t *d, double x) {
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 1024;
        d->v = xrealloc(d->v, d->cap * sizeof *d->v);
    }
    d->v[d->n++] = x;
}

static bool write_file(const char *path, const void *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = fwrite(data, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

/* ------------------------------------------------------------------------------------------------ */
/* message keys: "<kind><step>.<worker>.<seq>" (chat_load.py's format) <-> one integer, so the pending
 * table needs no strings. Kind 2 bits (w=1 m=2 r=3, so never 0) | step 18 | worker 8 | seq 36. Leading
 * zeros are refused: Python compares the strings, so "m01.0.1" is not "m1.0.1". */

enum { KIND_W = 1, KIND_M = 2, KIND_R = 3 };

static bool parse_uint(const char **s, const char *e, uint64_t limit, uint64_t *out) {
    const char *p = *s;
    uint64_t v = 0;
    if (p >= e || !isdigit((unsigned char)*p)) return false;
    if (*p == '0' && p + 1 < e && isdigit((unsigned char)p[1])) return false;
    for (; p < e && isdigit((unsigned char)*p); p++) {
        v = v * 10 + (uint64_t)(*p - '0');
        if (v >= limit) return false;
    }
    *s = p;
    *out = v;
    return true;
}

static bool key_parse(const char *s, size_t n, uint64_t *out) {
    const char *e = s + n;
    uint64_t kind, step, worker, seq;
    if (n < 6) return false;
    kind = s[0] == 'w' ? KIND_W : s[0] == 'm' ? KIND_M : s[0] == 'r' ? KIND_R : 0;
    s++;
    if (!kind || !parse_uint(&s, e, 1u << 18, &step) || s >= e || *s++ != '.') return false;
    if (!parse_uint(&s, e, 256, &worker) || s >= e || *s++ != '.') return false;
    if (!parse_uint(&s, e, 1ULL << 36, &seq) || s != e) return false;
    *out = kind << 62 | step << 44 | worker << 36 | seq;
    return true;
}

static uint64_t key_make(int kind, unsigned step, unsigned worker, uint64_t seq) {
    return (uint64_t)kind << 62 | (uint64_t)step << 44 | (uint64_t)worker << 36 | seq;
}

static int key_kind(uint64_t k) { return (int)(k >> 62); }
static unsigned key_step(uint64_t k) { return (unsigned)(k >> 44) & 0x3FFFF; }

static int key_format(char *dst, size_t cap, uint64_t k) {
    static const char letters[] = "?wmr";
    return snprintf(dst, cap, "%c%u.%u.%llu", letters[key_kind(k)], key_step(k), (unsigned)(k >> 36) & 0xFF,
                    (unsigned long long)(k & ((1ULL << 36) - 1)));
}

/* ------------------------------------------------------------------------------------------------ */
/* hash table key -> int64 (pending sends: key -> latency origin; seen replies). Linear probing with
 * backward-shift deletion, so entries come and go all run long without tombstones piling up. */

typedef struct { uint64_t *k; int64_t *v; size_t cap, n; } map_t;

static uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void map_put(map_t *m, uint64_t key, int64_t val);

static void map_grow(map_t *m) {
    map_t old = *m;
    m->cap = old.cap ? old.cap * 2 : 1024;
    m->k = calloc(m->cap, sizeof *m->k);
    m->v = calloc(m->cap, sizeof *m->v);
    if (!m->k || !m->v) die("out of memory");
    m->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.k[i]) map_put(m, old.k[i], old.v[i]);
    free(old.k);
    free(old.v);
}

static size_t map_find(const map_t *m, uint64_t key) {
    size_t mask = m->cap - 1, i = mix64(key) & mask;
    while (m->k[i] && m->k[i] != key) i = (i + 1) & mask;
    return i;
}

static void map_put(map_t *m, uint64_t key, int64_t val) {
    if ((m->n + 1) * 2 > m->cap) map_grow(m);
    size_t i = map_find(m, key);
    if (!m->k[i]) {
        m->k[i] = key;
        m->n++;
    }
    m->v[i] = val;
}

static bool map_has(const map_t *m, uint64_t key) { return m->cap && m->k[map_find(m, key)] == key; }

static bool map_pop(map_t *m, uint64_t key, int64_t *val) {
    if (!m->cap) return false;
    size_t mask = m->cap - 1, i = map_find(m, key);
    if (m->k[i] != key) return false;
    if (val) *val = m->v[i];
    /* close the gap: move back every later entry of the run whose home slot is not after the hole */
    for (size_t j = (i + 1) & mask; m->k[j]; j = (j + 1) & mask) {
        size_t home = mix64(m->k[j]) & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->k[i] = m->k[j];
            m->v[i] = m->v[j];
            i = j;
        }
    }
    m->k[i] = 0;
    m->n--;
    return true;
}

static void map_clear(map_t *m) {
    if (m->cap) memset(m->k, 0, m->cap * sizeof *m->k);
    m->n = 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* errors by kind with the first three examples, as chat_load.py's Errors (examples cut at 500 chars) */

#define MAX_ERROR_KINDS 64
typedef struct { char kind[96]; long count; int nex; char *ex[3]; } errkind_t;
static errkind_t errs[MAX_ERROR_KINDS];
static int nerrs;

static void err_add(const char *kind, const char *ex, size_t exlen) {
    int i;
    for (i = 0; i < nerrs && strcmp(errs[i].kind, kind); i++) {}
    if (i == nerrs) {
        if (nerrs == MAX_ERROR_KINDS) i = nerrs - 1, kind = "other_errors";  /* never expected */
        else snprintf(errs[nerrs++].kind, sizeof errs[0].kind, "%s", kind);
    }
    errs[i].count++;
    if (ex && errs[i].nex < 3) {
        size_t n = exlen > 500 ? 500 : exlen;
        while (n < exlen && n > 0 && ((unsigned char)ex[n] & 0xC0) == 0x80) n--;  /* whole UTF-8 characters */
        errs[i].ex[errs[i].nex++] = xstrndup(ex, n);
    }
}

static void err_addv(const char *kind, const char *fmt, va_list ap) {
    char text[600];
    vsnprintf(text, sizeof text, fmt, ap);
    err_add(kind, text, strlen(text));
}

static void err_addf(const char *kind, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    err_addv(kind, fmt, ap);
    va_end(ap);
}

static void err_reset(void) {
    for (int i = 0; i < nerrs; i++)
        for (int j = 0; j < errs[i].nex; j++) free(errs[i].ex[j]);
    nerrs = 0;
    memset(errs, 0, sizeof errs);
}

static void err_json(buf_t *o) {
    buf_str(o, "{\"counts\":{");
    for (int i = 0; i < nerrs; i++) {
        if (i) buf_str(o, ",");
        buf_json(o, errs[i].kind, strlen(errs[i].kind));
        buf_fmt(o, ":%ld", errs[i].count);
    }
    buf_str(o, "},\"examples\":{");
    int shown = 0;
    for (int i = 0; i < nerrs; i++) {
        if (!errs[i].nex) continue;
        if (shown++) buf_str(o, ",");
        buf_json(o, errs[i].kind, strlen(errs[i].kind));
        buf_str(o, ":[");
        for (int j = 0; j < errs[i].nex; j++) {
            if (j) buf_str(o, ",");
            buf_json(o, errs[i].ex[j], strlen(errs[i].ex[j]));
        }
        buf_str(o, "]");
    }
    buf_str(o, "}}");
}

/* ------------------------------------------------------------------------------------------------ */
/* JSON scanning: just enough to find a member of an object and decode a string, without building a
 * tree. Skipping values properly (strings with escapes, nesting) is what keeps a key that merely occurs
 * inside some other field's text from being mistaken for the real one. */

typedef struct { const char *p, *e; } span_t;

static const char *skip_ws(const char *p, const char *e) {
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

static const char *skip_string(const char *p, const char *e) {  /* p at the opening quote */
    for (p++; p < e; p++) {
        if (*p == '\\') p++;
        else if (*p == '"') return p + 1;
    }
    return NULL;
}

static const char *skip_value(const char *p, const char *e, int depth) {
    p = skip_ws(p, e);
    if (p >= e || depth > 64) return NULL;
    if (*p == '"') return skip_string(p, e);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = skip_ws(p + 1, e);
        if (p < e && *p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                if (p >= e || *p != '"' || !(p = skip_string(p, e))) return NULL;
                p = skip_ws(p, e);
                if (p >= e || *p++ != ':') return NULL;
            }
            if (!(p = skip_value(p, e, depth + 1))) return NULL;
            p = skip_ws(p, e);
            if (p >= e) return NULL;
            if (*p == close) return p + 1;
            if (*p++ != ',') return NULL;
            p = skip_ws(p, e);
        }
    }
    const char *s = p;  /* number, true, false, null */
    while (p < e && (isalnum((unsigned char)*p) || *p == '-' || *p == '+' || *p == '.')) p++;
    return p > s ? p : NULL;
}

/* The value of member `key` of the object `obj` (a span starting at '{'); keys are compared verbatim. */
static bool obj_get(span_t obj, const char *key, span_t *val) {
    const char *p = skip_ws(obj.p, obj.e), *e = obj.e;
    size_t klen = strlen(key);
    if (p >= e || *p != '{') return false;
    p = skip_ws(p + 1, e);
    while (p < e && *p == '"') {
        const char *ks = p + 1, *ke = skip_string(p, e);
        if (!ke) return false;
        bool match = (size_t)(ke - 1 - ks) == klen && memcmp(ks, key, klen) == 0;
        p = skip_ws(ke, e);
        if (p >= e || *p != ':') return false;
        const char *vs = skip_ws(p + 1, e);
        if (!(p = skip_value(vs, e, 1))) return false;
        if (match) {
            val->p = vs;
            val->e = p;
            return true;
        }
        p = skip_ws(p, e);
        if (p >= e || *p != ',') return false;
        p = skip_ws(p + 1, e);
    }
    return false;
}

static bool is_null(span_t v) { return v.e - v.p == 4 && memcmp(v.p, "null", 4) == 0; }

static void put_utf8(char *out, size_t *n, unsigned cp) {
    if (cp < 0x80) {
        out[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*n)++] = (char)(0xC0 | cp >> 6);
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[(*n)++] = (char)(0xE0 | cp >> 12);
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*n)++] = (char)(0xF0 | cp >> 18);
        out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

static int hex4(const char *p, const char *e) {
    int v = 0;
    if (e - p < 4) return -1;
    for (int i = 0; i < 4; i++) {
        int c = p[i], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Decodes the JSON string `v` into out (NUL-terminated). False when v is not a string or does not fit:
 * every field this engine compares is short, so a long value is never one of ours. */
static bool str_decode(span_t v, char *out, size_t cap, size_t *outlen) {
    const char *p = v.p, *e = v.e;
    size_t n = 0;
    if (e - p < 2 || *p != '"' || e[-1] != '"') return false;
    for (p++, e--; p < e; p++) {
        if (n + 5 > cap) return false;
        if (*p != '\\') {
            out[n++] = *p;
            continue;
        }
        if (++p >= e) return false;
        switch (*p) {
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            int cp = hex4(p + 1, e);
            if (cp < 0) return false;
            p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && e - p > 6 && p[1] == '\\' && p[2] == 'u') {
                int lo = hex4(p + 3, e);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                }
            }
            if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;  /* a lone surrogate */
            put_utf8(out, &n, (unsigned)cp);
            break;
        }
        default: out[n++] = *p; break;  /* \" \\ \/ */
        }
    }
    out[n] = 0;
    if (outlen) *outlen = n;
    return true;
}

/* The string member `key` of obj, decoded; false when absent, not a string or too long. */
static bool get_str(span_t obj, const char *key, char *out, size_t cap, size_t *len) {
    span_t v;
    return obj_get(obj, key, &v) && str_decode(v, out, cap, len);
}

static bool get_i64(span_t obj, const char *key, int64_t *out) {
    span_t v;
    char tmp[32], *end;
    if (!obj_get(obj, key, &v) || v.e - v.p >= (long)sizeof tmp) return false;
    memcpy(tmp, v.p, (size_t)(v.e - v.p));
    tmp[v.e - v.p] = 0;
    errno = 0;
    long long x = strtoll(tmp, &end, 10);
    if (errno || *end) return false;
    *out = x;
    return true;
}

static bool get_f64(span_t obj, const char *key, double *out) {
    span_t v;
    char tmp[64], *end;
    if (!obj_get(obj, key, &v) || v.e - v.p >= (long)sizeof tmp) return false;
    memcpy(tmp, v.p, (size_t)(v.e - v.p));
    tmp[v.e - v.p] = 0;
    *out = strtod(tmp, &end);
    return *end == 0 && end != tmp;
}

/* ------------------------------------------------------------------------------------------------ */
/* SHA-1 (FIPS 180-1) and base64, for checking Sec-WebSocket-Accept like the Python client does */

static uint32_t rol32(uint32_t x, int s) { return x << s | x >> (32 - s); }

static void sha1_block(uint32_t h[5], const uint8_t *b) {
    uint32_t w[80], a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 16; i++) w[i] = (uint32_t)b[4 * i] << 24 | b[4 * i + 1] << 16 | b[4 * i + 2] << 8 | b[4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) f = (bb & c) | (~bb & d), k = 0x5A827999;
        else if (i < 40) f = bb ^ c ^ d, k = 0x6ED9EBA1;
        else if (i < 60) f = (bb & c) | (bb & d) | (c & d), k = 0x8F1BBCDC;
        else f = bb ^ c ^ d, k = 0xCA62C1D6;
        uint32_t t = rol32(a, 5) + f + e + k + w[i];
        e = d, d = c, c = rol32(bb, 30), bb = a, a = t;
    }
    h[0] += a, h[1] += bb, h[2] += c, h[3] += d, h[4] += e;
}

static void sha1(const uint8_t *data, size_t n, uint8_t out[20]) {
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    uint8_t tail[128] = {0};
    size_t full = n / 64 * 64, rest = n - full, tl = rest < 56 ? 64 : 128;
    for (size_t i = 0; i < full; i += 64) sha1_block(h, data + i);
    memcpy(tail, data + full, rest);
    tail[rest] = 0x80;
    uint64_t bits = (uint64_t)n * 8;
    for (int i = 0; i < 8; i++) tail[tl - 1 - i] = (uint8_t)(bits >> (8 * i));
    for (size_t i = 0; i < tl; i += 64) sha1_block(h, tail + i);
    for (int i = 0; i < 20; i++) out[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static void base64(const uint8_t *in, size_t n, char *out) {  /* out: 4 * ceil(n / 3) + 1 bytes */
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
        out[o++] = abc[v >> 18 & 63];
        out[o++] = abc[v >> 12 & 63];
        out[o++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? abc[v & 63] : '=';
    }
    out[o] = 0;
}

static void ws_accept_for(const char *key, char out[29]) {
    char joined[128];
    uint8_t digest[20];
    int n = snprintf(joined, sizeof joined, "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", key);
    sha1((const uint8_t *)joined, (size_t)n, digest);
    base64(digest, 20, out);
}

/* ------------------------------------------------------------------------------------------------ */
/* state */

enum cstate { C_NEW, C_CONNECTING, C_HANDSHAKE, C_HELLO, C_OPEN, C_CLOSING, C_DONE };
enum phase { P_IDLE, P_OPEN, P_WARMUP, P_RUN, P_CLOSE };

typedef struct {
    int fd;
    uint8_t state;
    bool want_out;       /* EPOLLOUT registered: unsent bytes in wbuf, or a connect in progress */
    bool in_frag;        /* a fragmented message is being reassembled in frag */
    bool opened;         /* got its hello: one of the chats, even if the server closes it later */
    int close_code;      /* from the server's close frame; -1 when none came */
    char *close_reason;
    int64_t started;     /* open latency origin */
    int64_t deadline;    /* end of the current open stage (connect, handshake, hello) */
    const char *token;
    char ws_key[25];
    char *conv_id;       /* the chat's conversation, from hello or an ack; NULL when none yet */
    buf_t rbuf, wbuf, frag;
} conn_t;

static struct {
    char host[256], inbox[128], tag[32], out[4096];
    int port, index, concurrency;
    double phase_timeout;
    struct sockaddr_storage addr;
    socklen_t addrlen;
} cfg;

static int ep = -1, tfd = -1;
static conn_t *conns;            /* one per visitor token, in the order given */
static size_t nconns;
static conn_t **chats;           /* the opened ones, in token order: where messages go */
static size_t nchats;
static enum phase phase = P_IDLE;
static bool busy;                /* a command's reply is still to come (open, warmup, run's schedule, close) */
static conn_t *feeding;          /* the connection whose input is being parsed: its buffers stay until then */
static char extensions[256];
static unsigned cur_step;

static map_t pending;            /* key -> latency origin, until acked or refused */
static map_t replies_seen;       /* every agent reply key seen on a visitor socket */
static buf_t replies_new;        /* reply keys (JSON strings, comma-separated) not yet told to the worker */
static buf_t acked_keys;         /* this step's acknowledged keys, one a line */
static buf_t acked_ids;          /* every acknowledged message id, one a line (the durability check) */
static long acked_ids_count;
static dvec_t lat_open, lat_warm, lat_ack, lat_a2v, lat_lag;

static struct {
    long sent, acked, echo_in, dup_ack, late_ack, max_write_buffer, a2v_delivered, a2v_dup, late_a2v,
        closed_during_run, unexpected_frames, replies_sent, replies_201;
} cnt;

/* the open-loop schedule of the current warm-up or run */
static struct {
    bool active;
    int kind;
    int64_t t0, deadline, i, count, offset;
    double interval;
    double cpu0;
} sched;

static struct { size_t next, inflight; int64_t end, next_scan; } opening;
static int64_t drain_end, close_end;
static size_t closing_left;

/* ------------------------------------------------------------------------------------------------ */
/* replies to the worker */

static void reply_send(buf_t *o) {
    buf_add(o, "\n", 1);
    for (size_t off = 0; off < o->len;) {
        ssize_t w = write(1, o->p + off, o->len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) exit(0);  /* the worker is gone */
        off += (size_t)w;
    }
    buf_free(o);
}

static void reply_error(const char *fmt, ...) {
    char text[512];
    buf_t o = {0};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    buf_str(&o, "{\"error\":");
    buf_json(&o, text, strlen(text));
    buf_str(&o, "}");
    reply_send(&o);
}

static void out_path(char *dst, size_t cap, const char *name) {
    snprintf(dst, cap, "%s/engine-%d-%s", cfg.out, cfg.index, name);
}

/* Writes latencies to out/engine-N-<stem>.f64 for Python's array('d').frombytes and appends
 * ',"<field>":"<path>"' to the reply o. */
static void dump_lat(buf_t *o, const char *field, const char *stem, const dvec_t *d) {
    char path[4200], name[64];
    snprintf(name, sizeof name, "%s.f64", stem);
    out_path(path, sizeof path, name);
    if (!write_file(path, d->v, d->n * sizeof *d->v)) die("cannot write %s: %s", path, strerror(errno));
    buf_fmt(o, ",\"%s\":", field);
    buf_json(o, path, strlen(path));
}

static void replies_seen_json(buf_t *o) {
    buf_str(o, "\"replies_seen\":[");
    if (replies_new.len) buf_add(o, replies_new.p, replies_new.len);
    buf_str(o, "]");
    replies_new.len = 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* sockets */

static void set_events(conn_t *c, bool out) {
    struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.u64 = (uint64_t)(c - conns)};
    if (c->want_out == out) return;
    c->want_out = out;
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void conn_free_buffers(conn_t *c) {
    buf_free(&c->rbuf);
    buf_free(&c->wbuf);
    buf_free(&c->frag);
}

static void conn_close(conn_t *c) {
    if (c->state == C_DONE) return;
    if (c->state == C_CLOSING && closing_left) closing_left--;
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    c->state = C_DONE;
    if (c != feeding) conn_free_buffers(c);
}

static void conn_write(conn_t *c, const void *d, size_t n) {
    if (c->fd < 0) return;
    if (c->wbuf.len == 0) {
        ssize_t w = send(c->fd, d, n, MSG_NOSIGNAL);
        if (w == (ssize_t)n) return;
        if (w < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                /* Let the read side see the end: it owns the accounting of a lost connection. */
                shutdown(c->fd, SHUT_RDWR);
                return;
            }
            w = 0;
        }
        d = (const char *)d + w;
        n -= (size_t)w;
    }
    buf_add(&c->wbuf, d, n);
    set_events(c, true);
}

/* A masked frame (RFC 6455 5.3: every client frame is masked). */
static void send_frame(conn_t *c, int op, const void *payload, size_t n) {
    uint8_t stack[512], *f = n + 14 <= sizeof stack ? stack : xrealloc(NULL, n + 14);
    size_t h = 0;
    uint32_t m = (uint32_t)rng_next();
    uint8_t mask[4] = {(uint8_t)m, (uint8_t)(m >> 8), (uint8_t)(m >> 16), (uint8_t)(m >> 24)};
    f[h++] = (uint8_t)(0x80 | op);
    if (n < 126) {
        f[h++] = (uint8_t)(0x80 | n);
    } else if (n < 65536) {
        f[h++] = 0x80 | 126;
        f[h++] = (uint8_t)(n >> 8);
        f[h++] = (uint8_t)n;
    } else {
        f[h++] = 0x80 | 127;
        for (int i = 7; i >= 0; i--) f[h++] = (uint8_t)((uint64_t)n >> (8 * i));
    }
    memcpy(f + h, mask, 4);
    h += 4;
    for (size_t i = 0; i < n; i++) f[h + i] = ((const uint8_t *)payload)[i] ^ mask[i & 3];
    conn_write(c, f, h + n);
    if (f != stack) free(f);
}

static void flush_output(conn_t *c) {
    while (c->wbuf.len) {
        ssize_t w = send(c->fd, c->wbuf.p, c->wbuf.len, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EINTR) return;
            c->wbuf.len = 0;
            shutdown(c->fd, SHUT_RDWR);
            break;
        }
        buf_drop(&c->wbuf, (size_t)w);
    }
    set_events(c, false);
}

/* ------------------------------------------------------------------------------------------------ */
/* opening: connect, HTTP upgrade, first frame must be hello (chat_load.py's Worker.open_sockets) */

static void open_failed(conn_t *c, const char *kind, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    err_addv(kind, fmt, ap);
    va_end(ap);
    conn_close(c);
    opening.inflight--;
}

static void open_start(conn_t *c, int64_t now) {
    int fd = socket(cfg.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    c->started = now;
    c->deadline = now + 30 * NS_PER_S;
    c->close_code = -1;
    opening.inflight++;
    if (fd < 0) {
        c->fd = -1;
        open_failed(c, "ws_connect_exception", "OSError(%d, '%s') (socket)", errno, strerror(errno));
        return;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  /* asyncio transports do the same */
    c->fd = fd;
    c->state = C_CONNECTING;
    c->want_out = true;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u64 = (uint64_t)(c - conns)};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl: %s", strerror(errno));
    if (connect(fd, (struct sockaddr *)&cfg.addr, cfg.addrlen) < 0 && errno != EINPROGRESS)
        open_failed(c, "ws_connect_exception", "ConnectionError(%d, '%s') (connect)", errno, strerror(errno));
}

/* The TCP connect finished (EPOLLOUT): send the upgrade request the Python client sends. */
static void open_connected(conn_t *c, int64_t now) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) {
        open_failed(c, "ws_connect_exception", "ConnectionError(%d, '%s') (connect)", err, strerror(err));
        return;
    }
    uint8_t nonce[16];
    for (int i = 0; i < 16; i += 8) {
        uint64_t r = rng_next();
        memcpy(nonce + i, &r, 8);
    }
    base64(nonce, 16, c->ws_key);
    buf_t req = {0};
    buf_fmt(&req, "GET /api/v1/widget/%s/ws?visitor_token=%s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
                  "Origin: http://127.0.0.1\r\n\r\n", cfg.inbox, c->token, cfg.host, cfg.port, c->ws_key);
    c->state = C_HANDSHAKE;
    c->deadline = now + 30 * NS_PER_S;
    set_events(c, false);
    conn_write(c, req.p, req.len);
    buf_free(&req);
}

/* The value of header `name` in the response head [p, e), or NULL; *n gets its length. */
static const char *header(const char *p, const char *e, const char *name, size_t *n) {
    size_t nl = strlen(name);
    for (const char *line = memchr(p, '\n', (size_t)(e - p)); line && line + 1 < e;
         line = memchr(line + 1, '\n', (size_t)(e - line - 1))) {
        const char *s = line + 1, *end = memchr(s, '\r', (size_t)(e - s));
        if (!end) end = e;
        if ((size_t)(end - s) > nl && s[nl] == ':' && strncasecmp(s, name, nl) == 0) {
            s += nl + 1;
            while (s < end && (*s == ' ' || *s == '\t')) s++;
            while (end > s && (end[-1] == ' ' || end[-1] == '\t')) end--;
            *n = (size_t)(end - s);
            return s;
        }
    }
    return NULL;
}

/* The first line of the response head at p (cut to fit `line`) and its status code; false when it has none. */
static bool status_line(const char *p, char line[128], int *status) {
    size_t ll = strcspn(p, "\r");  /* stops at the head's CRLF at the latest */
    snprintf(line, 128, "%.*s", (int)(ll < 128 ? ll : 127), p);
    return sscanf(line, "HTTP/%*s %d", status) == 1;
}

/* Parses the upgrade response at the front of rbuf. Returns the bytes it took (0: incomplete). */
static size_t open_handshake(conn_t *c) {
    const char *p = c->rbuf.p, *end = memmem(p, c->rbuf.len, "\r\n\r\n", 4);
    size_t n;
    int status = 0;
    if (!end) {
        if (c->rbuf.len > 65536) open_failed(c, "ws_connect_exception", "ConnectionError('response head too long')");
        return 0;
    }
    char line[128];
    if (!status_line(p, line, &status)) {
        open_failed(c, "ws_connect_exception", "ValueError('bad status line %s')", line);
        return 0;
    }
    size_t head = (size_t)(end - p) + 4;
    if (status != 101) {
        const char *cl = header(p, end, "content-length", &n);
        size_t length = cl ? strtoul(cl, NULL, 10) : 0;
        if (cl && c->rbuf.len < head + length) return 0;
        char kind[32];
        snprintf(kind, sizeof kind, "ws_upgrade_%d", status);
        int shown = (int)(length > 400 ? 400 : length);
        open_failed(c, kind, "GET .../ws -> %d %.*s", status, shown, p + head);
        return 0;
    }
    char expect[29];
    const char *acc = header(p, end, "sec-websocket-accept", &n);
    ws_accept_for(c->ws_key, expect);
    if (!acc || n != 28 || memcmp(acc, expect, 28) != 0) {
        open_failed(c, "ws_upgrade_101", "GET .../ws -> 101 bad Sec-WebSocket-Accept");
        return 0;
    }
    if (!extensions[0]) {
        const char *x = header(p, end, "sec-websocket-extensions", &n);
        snprintf(extensions, sizeof extensions, "%.*s", x && n ? (int)n : 4, x && n ? x : "none");
    }
    c->state = C_HELLO;
    c->deadline = mono_ns() + 15 * NS_PER_S;
    return head;
}

static void on_hello(conn_t *c, const char *t, size_t n) {
    span_t f = {t, t + n}, v;
    char type[16];
    const char *end = skip_value(t, t + n, 0);
    if (!end || skip_ws(end, t + n) != t + n || *skip_ws(t, t + n) != '{') {
        open_failed(c, "ws_no_hello", "JSONDecodeError('first frame is not a JSON object')");
        return;
    }
    if (!get_str(f, "type", type, sizeof type, NULL) || strcmp(type, "hello") != 0) {
        err_add("ws_first_frame_not_hello", t, n);
        conn_close(c);
        opening.inflight--;
        return;
    }
    if (obj_get(f, "conversation_id", &v) && !is_null(v)) {
        char id[128];
        size_t len;
        if (str_decode(v, id, sizeof id, &len) && len) c->conv_id = xstrndup(id, len);
    }
    dvec_push(&lat_open, (double)(mono_ns() - c->started) / 1e6);
    c->state = C_OPEN;
    c->opened = true;
    opening.inflight--;
}

/* Every stage of an open is bounded (30 s connect, 30 s handshake, 15 s for hello, as in Python). */
static void open_check_timeouts(int64_t now) {
    if (now < opening.next_scan) return;
    opening.next_scan = now + TICK_MS * 1000000LL;
    for (size_t i = 0; i < opening.next; i++) {
        conn_t *c = &conns[i];
        if (c->state < C_CONNECTING || c->state > C_HELLO || now < c->deadline) continue;
        if (c->state == C_HELLO) open_failed(c, "ws_no_hello", "TimeoutError() (no first frame within 15 s)");
        else open_failed(c, "ws_connect_exception", "TimeoutError() (%s)", c->state == C_CONNECTING ? "connect" : "handshake");
    }
}

static void open_finish(void) {
    buf_t o = {0};
    if (opening.inflight || opening.next < nconns) {
        err_addf("open_phase_timeout", "not every socket opened within %ds", (int)cfg.phase_timeout);
        for (size_t i = 0; i < nconns; i++)
            if (!conns[i].opened) conn_close(&conns[i]);
    }
    /* Like Python's list of opened chats: one the server closed since still gets its share of the sends
     * (and they fail as ws_send_failed), so the two clients count the same. */
    chats = xrealloc(NULL, nconns * sizeof *chats);
    for (size_t i = 0; i < nconns; i++)
        if (conns[i].opened) chats[nchats++] = &conns[i];
    buf_fmt(&o, "{\"opened\":%zu,\"extensions\":", nchats);
    buf_json(&o, extensions[0] ? extensions : "none", strlen(extensions[0] ? extensions : "none"));
    buf_str(&o, ",\"errors\":");
    err_json(&o);
    dump_lat(&o, "open_file", "open", &lat_open);
    buf_str(&o, "}");
    phase = P_IDLE;
    busy = false;
    reply_send(&o);
}

static void open_tick(int64_t now) {
    while (opening.inflight < (size_t)cfg.concurrency && opening.next < nconns && now < opening.end)
        open_start(&conns[opening.next++], now);
    open_check_timeouts(now);
    if ((opening.inflight == 0 && opening.next == nconns) || now >= opening.end) open_finish();
}

/* ------------------------------------------------------------------------------------------------ */
/* frames from the server (chat_load.py's Worker.on_frame) */

static void on_ack(conn_t *c, span_t f, int64_t now) {
    char key[64], id[128];
    size_t klen, idlen;
    uint64_t k;
    int64_t origin;
    if (!get_str(f, "client_id", key, sizeof key, &klen) || !key_parse(key, klen, &k) || !map_pop(&pending, k, &origin)) {
        cnt.dup_ack++;
        return;
    }
    acked_ids_count++;
    if (get_str(f, "message_id", id, sizeof id, &idlen) && idlen) {
        buf_add(&acked_ids, id, idlen);
        buf_add(&acked_ids, "\n", 1);
    }
    if (get_str(f, "conversation_id", id, sizeof id, &idlen) && idlen
        && !(c->conv_id && strcmp(c->conv_id, id) == 0)) {
        free(c->conv_id);
        c->conv_id = xstrndup(id, idlen);
    }
    double ms = (double)(now - origin) / 1e6;
    if (key_kind(k) == KIND_W) {
        dvec_push(&lat_warm, ms);
    } else if (key_step(k) == cur_step) {
        dvec_push(&lat_ack, ms);
        cnt.acked++;
        buf_add(&acked_keys, key, klen);
        buf_add(&acked_keys, "\n", 1);
    } else {
        cnt.late_ack++;  /* a message of an earlier step, acknowledged after that step's drain */
    }
}

/* Splits "bench TAG rKEY ORIGIN" (exactly four space-separated parts, like Python's split(" ")). */
static bool parse_reply_content(char *s, uint64_t *key, int64_t *origin) {
    char *parts[4];
    int n = 0;
    for (char *p = s;; p++) {
        if (n == 4) return false;
        parts[n++] = p;
        p = strchr(p, ' ');
        if (!p) break;
        *p = 0;
    }
    if (n != 4 || strcmp(parts[0], "bench") || strcmp(parts[1], cfg.tag) || parts[2][0] != 'r') return false;
    char *end;
    errno = 0;
    long long o = strtoll(parts[3], &end, 10);
    if (errno || *end || end == parts[3]) return false;
    *origin = o;
    return key_parse(parts[2], strlen(parts[2]), key);
}

static void on_message(span_t f, int64_t now) {
    span_t m;
    char dir[16], content[256];
    uint64_t k;
    int64_t origin;
    if (!obj_get(f, "message", &m) || !get_str(m, "direction", dir, sizeof dir, NULL) || strcmp(dir, "out") != 0) {
        cnt.echo_in++;
        return;
    }
    if (!get_str(m, "content", content, sizeof content, NULL) || !parse_reply_content(content, &k, &origin)) return;
    if (map_has(&replies_seen, k)) {
        cnt.a2v_dup++;
        return;
    }
    map_put(&replies_seen, k, 1);
    char ks[64];
    int kl = key_format(ks, sizeof ks, k);
    if (replies_new.len) buf_add(&replies_new, ",", 1);
    buf_json(&replies_new, ks, (size_t)kl);
    if (key_step(k) == cur_step) {
        dvec_push(&lat_a2v, (double)(now - origin) / 1e6);
        cnt.a2v_delivered++;
    } else {
        cnt.late_a2v++;
    }
}

static void on_error_frame(span_t f, const char *t, size_t n) {
    span_t v;
    char key[64], code[64], kind[96];
    size_t klen;
    uint64_t k;
    if (get_str(f, "client_id", key, sizeof key, &klen) && key_parse(key, klen, &k)) map_pop(&pending, k, NULL);
    if (!obj_get(f, "code", &v) || is_null(v)) snprintf(code, sizeof code, "None");
    else if (!str_decode(v, code, sizeof code, NULL)) snprintf(code, sizeof code, "%.*s", (int)(v.e - v.p > 60 ? 60 : v.e - v.p), v.p);
    snprintf(kind, sizeof kind, "ws_error_%s", code);
    err_add(kind, t, n);
}

static void on_frame(conn_t *c, const char *t, size_t n) {
    int64_t now = mono_ns();
    span_t f = {t, t + n};
    char type[32];
    const char *end = skip_value(t, t + n, 0);
    if (!end || skip_ws(end, t + n) != t + n || *skip_ws(t, t + n) != '{') {
        err_add("visitor_bad_frame", t, n);
        return;
    }
    if (!get_str(f, "type", type, sizeof type, NULL)) type[0] = 0;
    if (!strcmp(type, "ack")) on_ack(c, f, now);
    else if (!strcmp(type, "message")) on_message(f, now);
    else if (!strcmp(type, "error")) on_error_frame(f, t, n);
    else if (!strcmp(type, "typing") || !strcmp(type, "presence") || !strcmp(type, "hello")) return;
    else {
        cnt.unexpected_frames++;
        err_add("unexpected_frame", t, n);
    }
}

static void deliver(conn_t *c, const char *t, size_t n) {
    if (c->state == C_HELLO) on_hello(c, t, n);
    else if (c->state == C_OPEN || c->state == C_CLOSING) on_frame(c, t, n);
}

/* The connection ended (EOF, error, or the server's close frame). An open chat's end during the warm-up or
 * a step is counted as in Python's Worker.on_close; during opening it is that socket's open error. */
static void conn_lost(conn_t *c, const char *why) {
    if (c->state == C_CONNECTING || c->state == C_HANDSHAKE) {
        open_failed(c, "ws_connect_exception", "ConnectionError('closed during the handshake: %s')", why);
        return;
    }
    if (c->state == C_HELLO) {
        open_failed(c, "ws_no_hello", "ConnectionError('closed before the first frame: %s')", why);
        return;
    }
    if (c->state == C_OPEN && (phase == P_WARMUP || phase == P_RUN)) {
        cnt.closed_during_run++;
        if (c->close_code >= 0)
            err_addf("ws_closed_by_server", "close code %d reason '%s'", c->close_code, c->close_reason ? c->close_reason : "");
        else
            err_addf("ws_closed_by_server", "close code None reason ''");
    }
    conn_close(c);
}

static void on_close_frame(conn_t *c, const uint8_t *payload, size_t n) {
    if (n >= 2) {
        c->close_code = payload[0] << 8 | payload[1];
        free(c->close_reason);
        c->close_reason = xstrndup((const char *)payload + 2, n - 2);
    }
    if (c->state == C_OPEN || c->state == C_HELLO)  /* not when our own close frame is out already */
        send_frame(c, 0x8, payload, n >= 2 ? 2 : 0);  /* echo the code, as RFC 6455 5.5.1 asks */
    conn_lost(c, "close frame");
}

/* Parses the complete frames at d[0..n) and returns how many bytes they took. Unmasks in place. */
static size_t parse_frames(conn_t *c, uint8_t *d, size_t n) {
    size_t pos = 0;
    while (c->state != C_DONE && n - pos >= 2) {
        uint8_t b0 = d[pos], b1 = d[pos + 1];
        uint64_t len = b1 & 0x7F;
        size_t hl = 2;
        if (len == 126) {
            if (n - pos < 4) break;
            len = (uint64_t)d[pos + 2] << 8 | d[pos + 3];
            hl = 4;
        } else if (len == 127) {
            if (n - pos < 10) break;
            len = 0;
            for (int i = 0; i < 8; i++) len = len << 8 | d[pos + 2 + i];
            hl = 10;
        }
        const uint8_t *mask = NULL;
        if (b1 & 0x80) {  /* servers must not mask; tolerated like the Python client does */
            if (n - pos < hl + 4) break;
            mask = d + pos + hl;
            hl += 4;
        }
        if (len > MAX_FRAME) {
            conn_lost(c, "frame too large");
            break;
        }
        if (n - pos < hl + len) break;
        uint8_t *payload = d + pos + hl;
        pos += hl + (size_t)len;
        if (mask)
            for (size_t i = 0; i < len; i++) payload[i] ^= mask[i & 3];
        switch (b0 & 0x0F) {
        case 0x1: case 0x2:
            if (b0 & 0x80) {
                deliver(c, (const char *)payload, (size_t)len);
            } else {
                c->frag.len = 0;
                buf_add(&c->frag, payload, (size_t)len);
                c->in_frag = true;
            }
            break;
        case 0x0:
            if (!c->in_frag) break;
            buf_add(&c->frag, payload, (size_t)len);
            if (b0 & 0x80) {
                c->in_frag = false;
                deliver(c, c->frag.p, c->frag.len);
                c->frag.len = 0;
            }
            break;
        case 0x9: send_frame(c, 0xA, payload, (size_t)len); break;
        case 0x8: on_close_frame(c, payload, (size_t)len); break;
        default: break;  /* pong */
        }
    }
    return pos;
}

/* New bytes from the socket. The common case (no partial frame left over) parses straight from the read
 * buffer and keeps only an incomplete tail. */
static void feed(conn_t *c, uint8_t *d, size_t n) {
    feeding = c;
    if (c->state == C_HANDSHAKE || c->rbuf.len) {
        buf_add(&c->rbuf, d, n);
        size_t used = 0;
        if (c->state == C_HANDSHAKE) used = open_handshake(c);
        if (c->state != C_DONE && c->state != C_HANDSHAKE) used += parse_frames(c, (uint8_t *)c->rbuf.p + used, c->rbuf.len - used);
        if (c->state != C_DONE) buf_drop(&c->rbuf, used);
    } else {
        size_t used = parse_frames(c, d, n);
        if (c->state != C_DONE && used < n) buf_add(&c->rbuf, d + used, n - used);
    }
    feeding = NULL;
    if (c->state == C_DONE) conn_free_buffers(c);
}

static void on_readable(conn_t *c) {
    static uint8_t io[1 << 16];
    for (;;) {
        ssize_t r = read(c->fd, io, sizeof io);
        if (r > 0) {
            feed(c, io, (size_t)r);
            if (c->state == C_DONE || (size_t)r < sizeof io) return;
        } else if (r == 0) {
            conn_lost(c, "EOF");
            return;
        } else if (errno == EINTR) {
            continue;
        } else {
            if (errno != EAGAIN) conn_lost(c, strerror(errno));
            return;
        }
    }
}

static void on_socket_event(conn_t *c, uint32_t events, int64_t now) {
    if (c->state == C_DONE) return;
    if (c->state == C_CONNECTING) {
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) open_connected(c, now);
        return;
    }
    if ((events & EPOLLOUT) && c->wbuf.len) flush_output(c);
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
}

/* ------------------------------------------------------------------------------------------------ */
/* agent replies: POST /api/v1/conversations/{id}/messages over keep-alive HTTP/1.1 connections
 * (chat_load.py's Worker.run reply()). In the Python worker, through aiohttp, they cost ~0.6 ms of CPU per
 * reply on the cores the server needs (a fifth of a core at 350 replies/s) and added milliseconds of its
 * event loop's delay to every reply figure. Same semantics: at most reply_max_outstanding replies in
 * flight or waiting for a connection (beyond: reply_client_backlog, not sent), at most http_connections
 * connections, the same error kinds, and a 201's reply key goes back to the worker, which matches it
 * with the visitor sockets' sightings as before. */

#define EV_HTTP_BASE (1ULL << 40)

typedef struct {
    int fd;
    bool connected, want_out, busy;
    uint64_t key;        /* the reply in flight */
    int64_t origin;
    size_t conv;         /* its conversation, an index into rep.convs */
    buf_t rbuf, wbuf;
} http_t;

static http_t *hconns;
static size_t nhconns;

static struct {
    char token[1024];
    char **convs;                 /* the chats' conversation ids, in chat order (the worker's list) */
    size_t nconvs, max_outstanding, outstanding;  /* outstanding: in flight + waiting for a connection */
    struct { uint64_t key; int64_t origin; size_t conv; } *wait;  /* FIFO ring, max_outstanding long */
    size_t whead, wlen;
} rep;

/* the open-loop schedule of the replies, beside the visitors' (sched) */
static struct { bool active; int64_t t0, i, count, offset; double interval; } rsched;

static dvec_t lat_reply_http, lat_reply_lag;
static buf_t replies_201_new;    /* ["key", origin] of 201 answers not yet told to the worker */
static buf_t reply_ids;          /* this step's 201 replies' message ids, one a line */

static void http_dispatch(void);

static void http_set_out(http_t *h, bool out) {
    if (h->want_out == out) return;
    h->want_out = out;
    struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.u64 = EV_HTTP_BASE + (uint64_t)(h - hconns)};
    epoll_ctl(ep, EPOLL_CTL_MOD, h->fd, &ev);
}

/* The connection is gone (error, EOF, or the server's Connection: close): a reply in flight on it is
 * counted as failed with `kind`, and the connection is opened again when a reply needs it. */
static void http_drop(http_t *h, const char *kind, const char *why) {
    if (h->busy) {
        err_addf(kind, "%s", why);
        h->busy = false;
        rep.outstanding--;
    }
    if (h->fd >= 0) close(h->fd);
    h->fd = -1;
    h->connected = false;
    h->want_out = false;
    h->rbuf.len = h->wbuf.len = 0;
}

static bool http_open(http_t *h) {
    int fd = socket(cfg.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0) return false;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u64 = EV_HTTP_BASE + (uint64_t)(h - hconns)};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl: %s", strerror(errno));
    h->fd = fd;
    h->connected = false;
    h->want_out = true;
    if (connect(fd, (struct sockaddr *)&cfg.addr, cfg.addrlen) < 0 && errno != EINPROGRESS) {
        http_drop(h, "reply_exception", "connect failed");
        return false;
    }
    return true;
}

static void http_flush(http_t *h) {
    while (h->wbuf.len) {
        ssize_t w = send(h->fd, h->wbuf.p, h->wbuf.len, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                http_set_out(h, true);
                return;
            }
            char why[128];
            snprintf(why, sizeof why, "ConnectionError(%d, '%s') (send)", errno, strerror(errno));
            http_drop(h, "reply_exception", why);
            return;
        }
        buf_drop(&h->wbuf, (size_t)w);
    }
    http_set_out(h, false);
}

static void http_send(http_t *h, uint64_t key, int64_t origin, size_t conv) {
    char ks[64], body[256];
    key_format(ks, sizeof ks, key);
    int bn = snprintf(body, sizeof body, "{\"content\":\"bench %s %s %lld\"}", cfg.tag, ks, (long long)origin);
    h->busy = true;
    h->key = key;
    h->origin = origin;
    h->conv = conv;
    buf_fmt(&h->wbuf, "POST /api/v1/conversations/%s/messages HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n"
                      "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
            rep.convs[conv], cfg.host, cfg.port, rep.token, bn, body);
    if (h->connected) http_flush(h);  /* else sent once the connect completes */
}

/* One complete response at the front of rbuf; returns the bytes it took (0: incomplete). */
static size_t http_response(http_t *h, int64_t now) {
    const char *p = h->rbuf.p, *end = memmem(p, h->rbuf.len, "\r\n\r\n", 4);
    size_t n;
    int status = 0;
    if (!end) {
        if (h->rbuf.len > 65536) http_drop(h, "reply_exception", "ValueError('response head too long')");
        return 0;
    }
    char line[128];
    const char *cl = header(p, end, "content-length", &n);
    if (!status_line(p, line, &status) || !cl) {
        /* The server answers with a length; anything else (chunked, no status) is not what this client reads. */
        http_drop(h, "reply_exception", "ValueError('response without a status or a Content-Length')");
        return 0;
    }
    size_t head = (size_t)(end - p) + 4, length = strtoul(cl, NULL, 10);
    if (h->rbuf.len < head + length) return 0;
    if (!h->busy) {
        http_drop(h, "reply_exception", "ValueError('a response to no request')");
        return 0;
    }
    const char *b = p + head;
    if (status != 201) {
        char kind[32];
        snprintf(kind, sizeof kind, "reply_http_%d", status);
        err_addf(kind, "POST /api/v1/conversations/%s/messages -> %d %.*s", rep.convs[h->conv], status,
                 (int)(length > 300 ? 300 : length), b);
    } else {
        char id[128], ks[64];
        span_t body = {b, b + length};
        cnt.replies_201++;
        dvec_push(&lat_reply_http, (double)(now - h->origin) / 1e6);
        if (get_str(body, "id", id, sizeof id, NULL)) {
            buf_str(&reply_ids, id);
            buf_add(&reply_ids, "\n", 1);
        }
        int kl = key_format(ks, sizeof ks, h->key);
        buf_str(&replies_201_new, replies_201_new.len ? ",[" : "[");
        buf_json(&replies_201_new, ks, (size_t)kl);
        buf_fmt(&replies_201_new, ",%lld]", (long long)h->origin);
    }
    h->busy = false;
    rep.outstanding--;
    const char *conn = header(p, end, "connection", &n);
    if (conn && n == 5 && strncasecmp(conn, "close", 5) == 0) {
        http_drop(h, "reply_exception", "");
        return 0;
    }
    return head + length;
}

static void http_readable(http_t *h, int64_t now) {
    static char io[1 << 16];
    for (;;) {
        ssize_t r = read(h->fd, io, sizeof io);
        if (r > 0) {
            buf_add(&h->rbuf, io, (size_t)r);
            size_t used;
            while (h->fd >= 0 && (used = http_response(h, now)) > 0) buf_drop(&h->rbuf, used);
            if (h->fd < 0 || (size_t)r < sizeof io) return;
        } else if (r == 0) {
            http_drop(h, "reply_exception", "ServerDisconnectedError('Server disconnected')");
            return;
        } else if (errno == EINTR) {
            continue;
        } else {
            if (errno != EAGAIN) {
                char why[128];
                snprintf(why, sizeof why, "ConnectionError(%d, '%s') (read)", errno, strerror(errno));
                http_drop(h, "reply_exception", why);
            }
            return;
        }
    }
}

static void http_event(http_t *h, uint32_t events, int64_t now) {
    if (h->fd < 0) return;
    if (!h->connected) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
            char why[128];
            snprintf(why, sizeof why, "ClientConnectorError(%d, '%s')", err, strerror(err));
            http_drop(h, "reply_exception", why);
            http_dispatch();
            return;
        }
        h->connected = true;
        http_flush(h);
        if (h->fd < 0) {
            http_dispatch();
            return;
        }
    } else if ((events & EPOLLOUT) && h->wbuf.len) {
        http_flush(h);
    }
    if (h->fd >= 0 && (events & (EPOLLIN | EPOLLERR | EPOLLHUP))) http_readable(h, now);
    http_dispatch();
}

/* Hands waiting replies to idle connections, opening connections (up to nhconns) as needed. */
static void http_dispatch(void) {
    for (size_t j = 0; j < nhconns && rep.wlen; j++) {
        http_t *h = &hconns[j];
        if (h->busy) continue;
        if (h->fd < 0 && !http_open(h)) continue;
        size_t w = rep.whead;
        rep.whead = (rep.whead + 1) % rep.max_outstanding;
        rep.wlen--;
        http_send(h, rep.wait[w].key, rep.wait[w].origin, rep.wait[w].conv);
    }
}

/* Reply i of the step is due: counted and queued, or refused when too many are outstanding. */
static void reply_fire(int64_t i, int64_t origin) {
    if (rep.outstanding >= rep.max_outstanding) {
        err_addf("reply_client_backlog", "more than %zu replies outstanding", rep.max_outstanding);
        return;
    }
    size_t w = (rep.whead + rep.wlen) % rep.max_outstanding;
    rep.wait[w].key = key_make(KIND_R, cur_step, (unsigned)cfg.index, (uint64_t)i);
    rep.wait[w].origin = origin;
    rep.wait[w].conv = (size_t)((i + rsched.offset) % (int64_t)rep.nconvs);
    rep.wlen++;
    rep.outstanding++;
    cnt.replies_sent++;
    http_dispatch();
}

/* Sends the replies due within the lookahead; returns when the next one is due (INT64_MAX: none left). */
static int64_t reply_sched_tick(int64_t now) {
    if (!rsched.active) return INT64_MAX;
    int64_t horizon = now + LOOKAHEAD_NS;
    while (rsched.i < rsched.count) {
        int64_t due = rsched.t0 + (int64_t)((double)rsched.i * rsched.interval);
        if (due > horizon) return due;
        dvec_push(&lat_reply_lag, (double)(now - due) / 1e6);
        reply_fire(rsched.i, due < now ? due : now);
        rsched.i++;
    }
    rsched.active = false;
    return INT64_MAX;
}

/* The "run" command's reply fields: {reply_rate, reply_count, token, reply_max_outstanding, http_connections}.
 * False (with the reply sent) when they are malformed. */
static bool reply_setup(span_t c, int64_t t0, int64_t offset) {
    double rate = 0;
    int64_t count = 0, max_out = 0, nconn = 0;
    if (!get_f64(c, "reply_rate", &rate) || rate <= 0) {
        rsched.active = false;  /* no replies in this step (or the worker sends them itself) */
        return true;
    }
    if (!get_i64(c, "reply_count", &count) || !get_str(c, "token", rep.token, sizeof rep.token, NULL)
        || !get_i64(c, "reply_max_outstanding", &max_out) || !get_i64(c, "http_connections", &nconn)
        || max_out < 1 || nconn < 1 || nconn > 4096) {
        reply_error("run: replies need reply_count, token, reply_max_outstanding, http_connections");
        return false;
    }
    if (!nhconns) {
        nhconns = (size_t)nconn;
        hconns = xrealloc(NULL, nhconns * sizeof *hconns);
        for (size_t j = 0; j < nhconns; j++) hconns[j] = (http_t){.fd = -1};
    }
    if (rep.max_outstanding != (size_t)max_out) {
        if (rep.outstanding) {
            reply_error("run: replies of the last step are still outstanding");
            return false;
        }
        rep.max_outstanding = (size_t)max_out;
        rep.wait = xrealloc(rep.wait, rep.max_outstanding * sizeof *rep.wait);
        rep.whead = rep.wlen = 0;
    }
    for (size_t i = 0; i < rep.nconvs; i++) free(rep.convs[i]);
    rep.nconvs = 0;
    rep.convs = xrealloc(rep.convs, (nchats ? nchats : 1) * sizeof *rep.convs);
    for (size_t i = 0; i < nchats; i++)
        if (chats[i]->conv_id) rep.convs[rep.nconvs++] = xstrndup(chats[i]->conv_id, strlen(chats[i]->conv_id));
    if (!rep.nconvs) {
        err_addf("no_conversations_to_reply_to", "no chat has a conversation id");
        rsched.active = false;
        return true;
    }
    rsched.active = count > 0;
    rsched.t0 = t0;
    rsched.i = 0;
    rsched.count = count;
    rsched.offset = offset;
    rsched.interval = 1e9 / rate;
    return true;
}

static void replies_201_json(buf_t *o) {
    buf_str(o, "\"replies_201\":[");
    if (replies_201_new.len) buf_add(o, replies_201_new.p, replies_201_new.len);
    buf_str(o, "]");
    replies_201_new.len = 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* the open-loop schedule (chat_load.py's Worker.schedule and fire) */

static bool fire(conn_t *c, uint64_t key, int64_t origin) {
    char ks[64], text[256];
    key_format(ks, sizeof ks, key);
    if (c->state != C_OPEN) {
        err_addf("ws_send_failed", "ConnectionError('socket closed')");
        return false;
    }
    int n = snprintf(text, sizeof text, "{\"type\":\"message\",\"content\":\"bench %s %s %lld\",\"client_id\":\"%s\"}",
                     cfg.tag, ks, (long long)origin, ks);
    map_put(&pending, key, origin);
    send_frame(c, 0x1, text, (size_t)n);
    if ((long)c->wbuf.len > cnt.max_write_buffer) cnt.max_write_buffer = (long)c->wbuf.len;
    return true;
}

/* One-shot wake-up at `at` (CLOCK_MONOTONIC ns); re-arming for the same instant costs no syscall. */
static void arm_timer(int64_t at) {
    static int64_t armed = -1;
    if (at <= 0) at = 1;
    if (at == armed) return;
    armed = at;
    struct itimerspec its = {.it_value = {.tv_sec = at / NS_PER_S, .tv_nsec = at % NS_PER_S}};
    timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void sched_done(int64_t now);

/* Message i is due at t0 + i/rate, fixed in advance; each wake-up sends everything due within
 * LOOKAHEAD_NS, with the latency origin min(due, now) so nothing is ever measured short, and sleeps on the
 * timerfd until the next one is due. A late wake-up sends a burst and the delay counts as latency. */
static void sched_tick(int64_t now) {
    if (!sched.active) return;
    if (now > sched.deadline) {
        err_addf("client_schedule_overrun", "stopped at %lld of %lld", (long long)sched.i, (long long)sched.count);
        rsched.active = false;
        sched_done(now);
        return;
    }
    int64_t horizon = now + LOOKAHEAD_NS, next = INT64_MAX;
    while (sched.i < sched.count) {
        int64_t i = sched.i, due = sched.t0 + (int64_t)((double)i * sched.interval);
        if (due > horizon) {
            next = due;
            break;
        }
        int64_t origin = due < now ? due : now;
        if (sched.kind == KIND_W) {
            fire(chats[i], key_make(KIND_W, 0, (unsigned)cfg.index, (uint64_t)i), origin);
        } else {
            dvec_push(&lat_lag, (double)(now - due) / 1e6);
            if (fire(chats[(i + sched.offset) % (int64_t)nchats], key_make(KIND_M, cur_step, (unsigned)cfg.index, (uint64_t)i), origin))
                cnt.sent++;
        }
        sched.i++;
    }
    int64_t reply_next = reply_sched_tick(now);  /* the step's agent replies, on the same clock */
    if (reply_next < next) next = reply_next;
    if (next == INT64_MAX) sched_done(now);
    else arm_timer(next - LOOKAHEAD_NS);
}

static void sched_start(int kind, int64_t t0, double rate, int64_t count) {
    sched.active = true;
    sched.kind = kind;
    sched.t0 = t0;
    sched.i = 0;
    sched.count = rate > 0 && count > 0 ? count : 0;
    sched.interval = rate > 0 ? 1e9 / rate : 0;
    sched.cpu0 = cpu_seconds();
    arm_timer(t0 - LOOKAHEAD_NS);
}

static void warmup_finish(void) {
    buf_t o = {0};
    size_t convs = 0;
    if (pending.n) {
        err_addf("warmup_no_ack", "%zu first messages got no ack within %ds", pending.n, (int)cfg.phase_timeout);
        map_clear(&pending);
    }
    for (size_t i = 0; i < nchats; i++) convs += chats[i]->conv_id != NULL;
    buf_fmt(&o, "{\"warm_acked\":%zu,\"conversations\":%zu,\"errors\":", lat_warm.n, convs);
    err_json(&o);
    dump_lat(&o, "warm_ack_file", "warm_ack", &lat_warm);
    buf_str(&o, "}");
    phase = P_IDLE;
    busy = false;
    drain_end = 0;
    reply_send(&o);
}

static void sched_done(int64_t now) {
    sched.active = false;
    if (sched.kind == KIND_W) {
        drain_end = now + (int64_t)(cfg.phase_timeout * 1e9);  /* then wait for the acks */
    } else {
        buf_t o = {0};
        buf_fmt(&o, "{\"cpu_s\":%.6f,\"sent\":%ld}", cpu_seconds() - sched.cpu0, cnt.sent);
        busy = false;
        reply_send(&o);
    }
}

/* ------------------------------------------------------------------------------------------------ */
/* commands */

static bool read_tokens(const char *path) {
    FILE *f = fopen(path, "r");
    char line[1024];
    if (!f) return false;
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        if (!n) continue;
        if (nconns == cap) {
            cap = cap ? cap * 2 : 1024;
            conns = xrealloc(conns, cap * sizeof *conns);
        }
        conns[nconns++] = (conn_t){.fd = -1, .close_code = -1, .token = xstrndup(line, n)};
    }
    fclose(f);
    return true;
}

static bool resolve(void) {
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
    char port[16];
    snprintf(port, sizeof port, "%d", cfg.port);
    if (getaddrinfo(cfg.host, port, &hints, &res) != 0) return false;
    memcpy(&cfg.addr, res->ai_addr, res->ai_addrlen);
    cfg.addrlen = res->ai_addrlen;
    freeaddrinfo(res);
    return true;
}

static void cmd_open(span_t c) {
    char tokens[4096];
    int64_t port, index, conc;
    if (nconns || !get_str(c, "host", cfg.host, sizeof cfg.host, NULL) || !get_i64(c, "port", &port)
        || !get_str(c, "inbox", cfg.inbox, sizeof cfg.inbox, NULL) || !get_str(c, "tag", cfg.tag, sizeof cfg.tag, NULL)
        || !get_i64(c, "index", &index) || !get_str(c, "tokens_file", tokens, sizeof tokens, NULL)
        || !get_i64(c, "concurrency", &conc) || !get_f64(c, "phase_timeout", &cfg.phase_timeout)
        || !get_str(c, "out", cfg.out, sizeof cfg.out, NULL) || index < 0 || index > 255 || conc < 1) {
        reply_error("open: missing or bad fields (or sockets already opened)");
        return;
    }
    cfg.port = (int)port;
    cfg.index = (int)index;
    cfg.concurrency = (int)conc;
    if (!resolve()) {
        reply_error("open: cannot resolve %s", cfg.host);
        return;
    }
    if (!read_tokens(tokens)) {
        reply_error("open: cannot read %s: %s", tokens, strerror(errno));
        return;
    }
    err_reset();
    int64_t now = mono_ns();
    opening.end = now + (int64_t)(cfg.phase_timeout * 1e9);
    phase = P_OPEN;
    busy = true;
    open_tick(now);
}

static void reset_step_stats(void) {
    memset(&cnt, 0, sizeof cnt);
    err_reset();
    lat_ack.n = lat_a2v.n = lat_lag.n = lat_reply_http.n = lat_reply_lag.n = 0;
    acked_keys.len = reply_ids.len = replies_201_new.len = 0;
    rsched.active = false;
}

static void cmd_warmup(span_t c) {
    int64_t t0;
    double rate;
    if (!get_i64(c, "t0", &t0) || !get_f64(c, "rate", &rate) || !get_f64(c, "phase_timeout", &cfg.phase_timeout)) {
        reply_error("warmup: needs t0, rate, phase_timeout");
        return;
    }
    reset_step_stats();
    phase = P_WARMUP;
    busy = true;
    sched_start(KIND_W, t0, rate, (int64_t)nchats);
    sched.deadline = t0 + (int64_t)(((double)nchats / (rate > 1 ? rate : 1) + cfg.phase_timeout) * 1e9);
}

static void cmd_run(span_t c) {
    int64_t step, t0, count, offset, deadline;
    double rate;
    if (!get_i64(c, "step", &step) || !get_i64(c, "t0", &t0) || !get_f64(c, "rate", &rate) || !get_i64(c, "count", &count)
        || !get_i64(c, "offset", &offset) || !get_i64(c, "deadline", &deadline) || step < 1 || step >= (1 << 18)) {
        reply_error("run: needs step, t0, rate, count, offset, deadline");
        return;
    }
    if (!nchats && count > 0 && rate > 0) {
        reply_error("run: no open chat to send on");
        return;
    }
    reset_step_stats();
    if (!reply_setup(c, t0, offset)) return;
    cur_step = (unsigned)step;
    phase = P_RUN;
    busy = true;
    sched_start(KIND_M, t0, rate, count);
    sched.offset = offset;
    sched.deadline = deadline;
}

static void cmd_status(void) {
    buf_t o = {0};
    buf_fmt(&o, "{\"pending\":%zu,\"replies_outstanding\":%zu,", pending.n, rep.outstanding);
    replies_seen_json(&o);
    buf_str(&o, ",");
    replies_201_json(&o);
    buf_str(&o, "}");
    reply_send(&o);
}

static void cmd_result(void) {
    buf_t o = {0};
    char path[4200];
    buf_fmt(&o, "{\"counts\":{\"sent\":%ld,\"acked\":%ld,\"echo_in\":%ld,\"dup_ack\":%ld,\"late_ack\":%ld,"
                "\"max_write_buffer\":%ld,\"a2v_delivered\":%ld,\"a2v_dup\":%ld,\"late_a2v\":%ld,"
                "\"closed_during_run\":%ld,\"unexpected_frames\":%ld,\"replies_sent\":%ld,\"replies_201\":%ld},"
                "\"pending\":%zu,\"replies_outstanding\":%zu,\"errors\":",
            cnt.sent, cnt.acked, cnt.echo_in, cnt.dup_ack, cnt.late_ack, cnt.max_write_buffer, cnt.a2v_delivered,
            cnt.a2v_dup, cnt.late_a2v, cnt.closed_during_run, cnt.unexpected_frames, cnt.replies_sent, cnt.replies_201,
            pending.n, rep.outstanding);
    err_json(&o);
    buf_str(&o, ",");
    replies_seen_json(&o);
    buf_str(&o, ",");
    replies_201_json(&o);
    buf_str(&o, ",\"files\":{\"_\":null");
    dump_lat(&o, "ack", "ack", &lat_ack);
    dump_lat(&o, "a2v", "a2v", &lat_a2v);
    dump_lat(&o, "send_lag", "send_lag", &lat_lag);
    dump_lat(&o, "reply_http", "reply_http", &lat_reply_http);
    dump_lat(&o, "reply_lag", "reply_lag", &lat_reply_lag);
    out_path(path, sizeof path, "acked-keys.txt");
    if (!write_file(path, acked_keys.p, acked_keys.len)) die("cannot write %s", path);
    buf_str(&o, "},\"acked_keys_file\":");
    buf_json(&o, path, strlen(path));
    out_path(path, sizeof path, "reply-ids.txt");
    if (!write_file(path, reply_ids.p, reply_ids.len)) die("cannot write %s", path);
    buf_str(&o, ",\"reply_ids_file\":");
    buf_json(&o, path, strlen(path));
    buf_str(&o, "}");
    phase = P_IDLE;
    reply_send(&o);
}

static void cmd_convs(void) {
    buf_t o = {0}, ids = {0};
    char path[4200];
    size_t n = 0;
    for (size_t i = 0; i < nchats; i++) {
        if (!chats[i]->conv_id) continue;
        buf_str(&ids, chats[i]->conv_id);
        buf_add(&ids, "\n", 1);
        n++;
    }
    out_path(path, sizeof path, "conversations.txt");
    if (!write_file(path, ids.p, ids.len)) die("cannot write %s", path);
    buf_free(&ids);
    buf_str(&o, "{\"file\":");
    buf_json(&o, path, strlen(path));
    buf_fmt(&o, ",\"count\":%zu}", n);
    reply_send(&o);
}

/* Same content as the Python worker's acked-N.txt: the non-empty ids, one a line, and a final newline. */
static void cmd_ids(span_t c) {
    char path[4096];
    buf_t o = {0};
    if (!get_str(c, "path", path, sizeof path, NULL)) {
        reply_error("ids: needs path");
        return;
    }
    buf_t text = {0};
    if (acked_ids.len) buf_add(&text, acked_ids.p, acked_ids.len - 1);
    buf_add(&text, "\n", 1);
    bool ok = write_file(path, text.p, text.len);
    buf_free(&text);
    if (!ok) {
        reply_error("ids: cannot write %s: %s", path, strerror(errno));
        return;
    }
    buf_fmt(&o, "{\"count\":%ld}", acked_ids_count);
    reply_send(&o);
}

static void close_finish(void) {
    buf_t o = {0};
    size_t answered = nchats - closing_left;
    for (size_t i = 0; i < nconns; i++) conn_close(&conns[i]);
    buf_fmt(&o, "{\"closed\":%zu}", answered);
    reply_send(&o);
    exit(0);
}

/* A close frame on every open socket, then up to 3 s for the server to answer and hang up. */
static void cmd_close(void) {
    phase = P_CLOSE;
    busy = true;
    sched.active = false;
    for (size_t i = 0; i < nchats; i++) {
        conn_t *c = chats[i];
        if (c->state != C_OPEN) continue;
        static const uint8_t normal[2] = {0x03, 0xE8};  /* 1000 */
        send_frame(c, 0x8, normal, 2);
        c->state = C_CLOSING;
        closing_left++;
    }
    close_end = mono_ns() + 3 * NS_PER_S;
    if (!closing_left) close_finish();
}

static void on_command(char *line, size_t n) {
    span_t c = {line, line + n};
    char name[32];
    if (!get_str(c, "cmd", name, sizeof name, NULL)) {
        reply_error("not a command: %.100s", line);
        return;
    }
    if (busy) {
        reply_error("%s: the previous command has not finished", name);
        return;
    }
    if (!strcmp(name, "open")) cmd_open(c);
    else if (!strcmp(name, "warmup")) cmd_warmup(c);
    else if (!strcmp(name, "run")) cmd_run(c);
    else if (!strcmp(name, "status")) cmd_status();
    else if (!strcmp(name, "result")) cmd_result();
    else if (!strcmp(name, "convs")) cmd_convs();
    else if (!strcmp(name, "ids")) cmd_ids(c);
    else if (!strcmp(name, "close")) cmd_close();
    else reply_error("unknown command %s", name);
}

static void on_stdin(void) {
    static buf_t in;
    char tmp[65536];
    ssize_t r = read(0, tmp, sizeof tmp);
    if (r == 0) exit(0);  /* the worker is gone: so are we (the kernel closes the sockets) */
    if (r < 0) {
        if (errno == EAGAIN || errno == EINTR) return;
        exit(0);
    }
    buf_add(&in, tmp, (size_t)r);
    char *nl;
    size_t start = 0;
    while ((nl = memchr(in.p + start, '\n', in.len - start))) {
        *nl = 0;
        on_command(in.p + start, (size_t)(nl - in.p - start));
        start = (size_t)(nl - in.p) + 1;
    }
    buf_drop(&in, start);
}

/* ------------------------------------------------------------------------------------------------ */
/* the loop */

#define EV_STDIN UINT64_MAX
#define EV_TIMER (UINT64_MAX - 1)

static void phase_tick(int64_t now) {
    if (phase == P_OPEN) open_tick(now);
    if (sched.active) sched_tick(now);
    if (phase == P_WARMUP && !sched.active && busy && (pending.n == 0 || now >= drain_end)) warmup_finish();
    if (phase == P_CLOSE && (closing_left == 0 || now >= close_end)) close_finish();
}

static void loop(void) {
    struct epoll_event evs[512];
    for (;;) {
        int n = epoll_wait(ep, evs, 512, TICK_MS);
        if (n < 0 && errno != EINTR) die("epoll_wait: %s", strerror(errno));
        int64_t now = mono_ns();
        phase_tick(now);  /* sends first: they are due now; frames already waited in the kernel */
        for (int i = 0; i < n; i++) {
            uint64_t id = evs[i].data.u64;
            if (id == EV_STDIN) {
                on_stdin();
            } else if (id == EV_TIMER) {
                uint64_t expirations;
                if (read(tfd, &expirations, sizeof expirations) < 0) {}
            } else if (id >= EV_HTTP_BASE) {
                http_event(&hconns[id - EV_HTTP_BASE], evs[i].events, now);
            } else {
                on_socket_event(&conns[id], evs[i].events, now);
            }
        }
        phase_tick(mono_ns());
    }
}

static void raise_fd_limit(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int selftest(void) {
    char acc[29], k[64];
    uint64_t key;
    int fails = 0;
    ws_accept_for("dGhlIHNhbXBsZSBub25jZQ==", acc);  /* RFC 6455 section 1.3 */
    fails += strcmp(acc, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") != 0;
    const char *frame = "{\"type\":\"message\",\"message\":{\"id\":\"x\",\"content\":\"say \\\"direction\\\":\\\"in\\\" \\u00e9\\/\","
                        "\"sender\":{\"type\":\"agent\",\"name\":null},\"direction\":\"out\",\"attachments\":[{\"a\":[1,2]}]}}";
    span_t f = {frame, frame + strlen(frame)}, m;
    char dir[8], content[64], type[16];
    fails += !get_str(f, "type", type, sizeof type, NULL) || strcmp(type, "message");
    fails += !obj_get(f, "message", &m) || !get_str(m, "direction", dir, sizeof dir, NULL) || strcmp(dir, "out");
    fails += !get_str(m, "content", content, sizeof content, NULL) || strcmp(content, "say \"direction\":\"in\" \xc3\xa9/");
    fails += !key_parse("m12.1.345", 9, &key) || key_format(k, sizeof k, key) != 9 || strcmp(k, "m12.1.345");
    fails += key_parse("m01.1.345", 9, &key) || key_parse("x1.1.1", 6, &key) || key_parse("m1.1.1.", 7, &key);
    map_t mp = {0};
    for (int i = 1; i <= 5000; i++) map_put(&mp, key_make(KIND_M, 1, 0, (uint64_t)i), i);
    for (int i = 1; i <= 5000; i += 2) fails += !map_pop(&mp, key_make(KIND_M, 1, 0, (uint64_t)i), NULL);
    for (int i = 1; i <= 5000; i++) fails += map_has(&mp, key_make(KIND_M, 1, 0, (uint64_t)i)) != (i % 2 == 0);
    /* a reply's response: incomplete, then whole with its id kept, then a refusal counted as its kind */
    static char *convs[1] = {"c1"};
    http_t h = {.fd = -1, .busy = true, .key = key_make(KIND_R, 1, 0, 7), .origin = 0};
    rep.convs = convs;
    rep.nconvs = 1;
    rep.outstanding = 2;
    const char *ok = "HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\n{\"id\":\"x\"}";
    buf_add(&h.rbuf, ok, strlen(ok) - 1);
    fails += http_response(&h, 1000000) != 0;
    buf_add(&h.rbuf, "}", 1);
    fails += http_response(&h, 1000000) != strlen(ok) || h.busy || rep.outstanding != 1 || cnt.replies_201 != 1;
    fails += reply_ids.len != 2 || memcmp(reply_ids.p, "x\n", 2) != 0;
    fails += replies_201_new.len == 0 || memcmp(replies_201_new.p, "[\"r1.0.7\",0]", replies_201_new.len) != 0;
    const char *refused = "HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}";
    h.rbuf.len = 0;
    h.busy = true;
    buf_add(&h.rbuf, refused, strlen(refused));
    fails += http_response(&h, 0) != strlen(refused) || rep.outstanding != 0 || cnt.replies_201 != 1;
    fails += nerrs != 1 || strcmp(errs[0].kind, "reply_http_404") != 0;
    printf("selftest %s\n", fails ? "FAILED" : "ok");
    return fails ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "--selftest")) return selftest();
    prctl(PR_SET_PDEATHSIG, SIGKILL);  /* never outlive the worker */
    if (getppid() == 1) return 0;
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit();
    rng_seed();
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    ep = epoll_create1(EPOLL_CLOEXEC);
    tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (ep < 0 || tfd < 0) die("epoll/timerfd: %s", strerror(errno));
    struct epoll_event in = {.events = EPOLLIN, .data.u64 = EV_STDIN}, tm = {.events = EPOLLIN, .data.u64 = EV_TIMER};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, 0, &in) < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &tm) < 0)
        die("epoll_ctl: %s", strerror(errno));
    loop();
}
