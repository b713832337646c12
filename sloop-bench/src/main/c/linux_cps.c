/* Connections per second over Linux loopback TCP: a server thread accepts, reads to EOF and
 * closes; the client connects and closes (so the client holds TIME_WAIT, as in Sloop's
 * benchmark), for the given number of seconds. Prints the rate of connections the server
 * completed. Build: cc -O2 -pthread linux_cps.c -o linux_cps; run: ./linux_cps [seconds] */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile int stop;
static volatile long served;
static int lfd;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void *server(void *arg) {
    (void) arg;
    char buf[64];
    while (!stop) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) continue;
        while (read(fd, buf, sizeof buf) > 0) {}
        close(fd);
        served++;
    }
    return NULL;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 5;
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(lfd, (struct sockaddr *) &a, sizeof a) || listen(lfd, 1024)) { perror("listen"); return 1; }
    socklen_t al = sizeof a;
    getsockname(lfd, (struct sockaddr *) &a, &al);
    pthread_t t;
    pthread_create(&t, NULL, server, NULL);
    long fails = 0, made = 0;
    double t0 = now(), end = t0 + seconds;
    long base = 0;
    while (now() < end) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *) &a, sizeof a)) fails++; else made++;
        close(fd);
    }
    long s = served;
    double el = now() - t0;
    stop = 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0); /* wake the server's accept */
    connect(fd, (struct sockaddr *) &a, sizeof a);
    close(fd);
    pthread_join(t, NULL);
    (void) base;
    printf("linux.cps=%.0f\nlinux.cps.connects=%ld\nlinux.cps.failures=%ld\nlinux.cps.served=%ld\nlinux.cps.seconds=%.2f\n",
           s / el, made, fails, s, el);
    return 0;
}
