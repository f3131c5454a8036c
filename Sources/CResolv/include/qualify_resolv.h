#ifndef QUALIFY_RESOLV_H
#define QUALIFY_RESOLV_H

/// Outcomes of a look-up (negative values).
#define QUALIFY_DNS_NXDOMAIN (-1)   /* the domain does not exist */
#define QUALIFY_DNS_NODATA (-2)     /* the domain exists but has no record of that type */
#define QUALIFY_DNS_UNKNOWN (-3)    /* timeout, server failure, refusal: no answer */

/// Looks up the MX records of `domain` through the system resolver (libresolv), or through `server_ip:port` when
/// `server_ip` is not NULL (tests use a DNS server on loopback). Writes up to `max_records` exchange host names
/// (each at most 255 bytes plus NUL, in `hosts`, 256 bytes apart) and their preferences. A null MX (RFC 7505) comes
/// back as an empty host name. Returns the number of records, or a negative QUALIFY_DNS_* outcome.
int qualify_mx_lookup(const char *domain, const char *server_ip, int port, int timeout_seconds, int attempts,
                      char *hosts, int *preferences, int max_records);

/// Whether `domain` has an A or AAAA record: 1 yes, or a negative QUALIFY_DNS_* outcome.
int qualify_address_lookup(const char *domain, const char *server_ip, int port, int timeout_seconds, int attempts);

#endif
