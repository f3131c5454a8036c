// A thin shim over libresolv: res_nquery with a per-call resolver state (thread-safe), optional server override,
// and MX parsing with ns_parserr/dn_expand. Swift cannot import resolv.h through Glibc, hence C.
#include "qualify_resolv.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>

static int prepare(res_state st, const char *server_ip, int port, int timeout_seconds, int attempts) {
    memset(st, 0, sizeof(*st));
    if (res_ninit(st) != 0) return -1;
    st->retrans = timeout_seconds > 0 ? timeout_seconds : 2;
    st->retry = attempts > 0 ? attempts : 1;
    if (server_ip != NULL) {
        struct sockaddr_in addr;
        memset(&addr, 0, sizeof(addr));
        addr.sin_family = AF_INET;
        addr.sin_port = htons((unsigned short)port);
        if (inet_pton(AF_INET, server_ip, &addr.sin_addr) != 1) {
            res_nclose(st);
            return -1;
        }
        st->nsaddr_list[0] = addr;
        st->nscount = 1;
        for (int i = 0; i < MAXNS; i++) st->_u._ext.nsaddrs[i] = NULL;
        st->_u._ext.nscount = 0;
    }
    return 0;
}

static int outcome(res_state st) {
    switch (st->res_h_errno) {
    case HOST_NOT_FOUND: return QUALIFY_DNS_NXDOMAIN;
    case NO_DATA: return QUALIFY_DNS_NODATA;
    default: return QUALIFY_DNS_UNKNOWN;
    }
}

int qualify_mx_lookup(const char *domain, const char *server_ip, int port, int timeout_seconds, int attempts,
                      char *hosts, int *preferences, int max_records) {
    struct __res_state st;
    if (prepare(&st, server_ip, port, timeout_seconds, attempts) != 0) return QUALIFY_DNS_UNKNOWN;
    unsigned char answer[8192];
    int length = res_nquery(&st, domain, ns_c_in, ns_t_mx, answer, sizeof(answer));
    if (length < 0) {
        int result = outcome(&st);
        res_nclose(&st);
        return result;
    }
    res_nclose(&st);
    ns_msg message;
    if (ns_initparse(answer, length, &message) != 0) return QUALIFY_DNS_UNKNOWN;
    int count = ns_msg_count(message, ns_s_an);
    int written = 0;
    for (int i = 0; i < count && written < max_records; i++) {
        ns_rr rr;
        if (ns_parserr(&message, ns_s_an, i, &rr) != 0) continue;
        if (ns_rr_type(rr) != ns_t_mx || ns_rr_rdlen(rr) < 3) continue;
        const unsigned char *rdata = ns_rr_rdata(rr);
        int preference = (rdata[0] << 8) | rdata[1];
        char *host = hosts + written * 256;
        if (dn_expand(ns_msg_base(message), ns_msg_end(message), rdata + 2, host, 256) < 0) continue;
        if (strcmp(host, ".") == 0) host[0] = '\0';
        preferences[written] = preference;
        written++;
    }
    return written > 0 ? written : QUALIFY_DNS_NODATA;
}

int qualify_address_lookup(const char *domain, const char *server_ip, int port, int timeout_seconds, int attempts) {
    int types[2] = {ns_t_a, ns_t_aaaa};
    int worst = QUALIFY_DNS_NODATA;
    for (int t = 0; t < 2; t++) {
        struct __res_state st;
        if (prepare(&st, server_ip, port, timeout_seconds, attempts) != 0) return QUALIFY_DNS_UNKNOWN;
        unsigned char answer[4096];
        int length = res_nquery(&st, domain, ns_c_in, types[t], answer, sizeof(answer));
        int result = length < 0 ? outcome(&st) : 0;
        res_nclose(&st);
        if (length >= 0) {
            ns_msg message;
            if (ns_initparse(answer, length, &message) == 0 && ns_msg_count(message, ns_s_an) > 0) return 1;
            continue;
        }
        if (result == QUALIFY_DNS_NXDOMAIN) return QUALIFY_DNS_NXDOMAIN;
        if (result == QUALIFY_DNS_UNKNOWN) worst = QUALIFY_DNS_UNKNOWN;
    }
    return worst;
}
