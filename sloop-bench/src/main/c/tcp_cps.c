/* Connections per second to a TCP server elsewhere (another namespace, a TUN device), as
 * linux_cps.c measures them on loopback: the client connects and closes (so it holds TIME_WAIT);
 * the server accepts, reads to EOF and closes.
 *   tcp_cps client ADDR PORT SECONDS   prints tcp.cps=..., connects, failures, seconds
 *   tcp_cps server PORT                serves until killed
 * Build: cc -O2 tcp_cps.c -o tcp_cps */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int serve(int port) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(lfd, (struct sockaddr *) &a, sizeof a) || listen(lfd, 1024)) { perror("listen"); return 1; }
    printf("ready\n");
    fflush(stdout);
    char buf[64];
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) continue;
        while (read(fd, buf, sizeof buf) > 0) {}
        close(fd);
    }
}

static int client(const char *addr, int port, double seconds) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) { fprintf(stderr, "bad address %s\n", addr); return 2; }
    long fails = 0, made = 0;
    double t0 = now(), end = t0 + seconds;
    while (now() < end) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *) &a, sizeof a)) fails++; else made++;
        close(fd);
    }
    double el = now() - t0;
    printf("tcp.cps=%.0f\ntcp.cps.connects=%ld\ntcp.cps.failures=%ld\ntcp.cps.seconds=%.2f\n", made / el, made, fails, el);
    return fails > made / 100 ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "server")) return serve(atoi(argv[2]));
    if (argc == 5 && !strcmp(argv[1], "client")) return client(argv[2], atoi(argv[3]), atof(argv[4]));
    fprintf(stderr, "usage: tcp_cps server PORT | tcp_cps client ADDR PORT SECONDS\n");
    return 2;
}
