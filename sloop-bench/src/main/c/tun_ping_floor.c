/*
 * The floor of a user-space stack's ping round trip over TUN on this machine: a minimal ICMP
 * echo responder in C. It waits in poll(2) as Sloop's runner waits in ppoll(2), reads one IPv4
 * packet with read(2), answers an echo request in place (addresses swapped, type 0, checksums
 * recomputed) and writes it back with write(2): no stack, no copies beyond the kernel's, no
 * allocation, no locks. Whatever ping measures to it is what the device, the kernel's wake-ups
 * and two system calls cost; a stack can only add to it.
 *
 *   tun_ping_floor DEVICE        creates (or attaches to) TUN device DEVICE, answers for ever
 *
 * Used by scripts/bench_serve.py (./bench tun) beside `./sloop serve`; configure the device's
 * address in the namespace (the responder answers any destination on the device).
 */
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* RFC 1071 Internet checksum of n bytes. */
static uint16_t checksum(const uint8_t *p, int n) {
    uint32_t s = 0;
    for (int i = 0; i + 1 < n; i += 2) s += (uint32_t) (p[i] << 8 | p[i + 1]);
    if (n & 1) s += (uint32_t) p[n - 1] << 8;
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return (uint16_t) ~s;
}

int main(int argc, char **argv) {
    if (argc != 2 || strlen(argv[1]) >= IFNAMSIZ) {
        fprintf(stderr, "usage: tun_ping_floor DEVICE\n");
        return 2;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) { perror("open /dev/net/tun"); return 1; }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) { perror("ioctl TUNSETIFF"); return 1; }
    printf("ready\n");
    fflush(stdout);
    static uint8_t b[65536];
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, -1) < 0) continue;
        ssize_t n = read(fd, b, sizeof b);
        if (n < 20 || b[0] >> 4 != 4) continue;
        int ihl = (b[0] & 15) * 4;
        if (b[9] != 1 || n < ihl + 8 || b[ihl] != 8) continue; /* ICMP echo request only */
        uint8_t a[4];
        memcpy(a, b + 12, 4); memcpy(b + 12, b + 16, 4); memcpy(b + 16, a, 4);
        b[ihl] = 0; /* echo reply */
        b[ihl + 2] = b[ihl + 3] = 0;
        uint16_t c = checksum(b + ihl, (int) n - ihl);
        b[ihl + 2] = (uint8_t) (c >> 8); b[ihl + 3] = (uint8_t) c;
        b[10] = b[11] = 0;
        c = checksum(b, ihl);
        b[10] = (uint8_t) (c >> 8); b[11] = (uint8_t) c;
        if (write(fd, b, (size_t) n) < 0) perror("write");
    }
}
