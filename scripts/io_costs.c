// What each part of a checkpoint and a tile journal costs on this machine, alone: CPU and wall
// time of a 33.6 MB memcpy, a buffered pwrite of it over an existing file and its fsync, the
// same through O_DIRECT from an aligned buffer and its fdatasync, and 420 journal-sized writes
// of 66 KB (one step's tiles of the 8192x8192 built-in render). Three rounds each.
//
//   cc -O2 scripts/io_costs.c -o /tmp/io_costs && /tmp/io_costs [DIRECTORY]   (default /tmp)
//
// Writes three files of about 33 MB into DIRECTORY and removes them at the end.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

enum { SIZE = 33554432 + 4096, RECORDS = 420, RECORD = 66000 };

static double wall(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec * 1e-6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec * 1e-6;
}

static void report(const char *what, double w, double c) {
    printf("  %-34s %6.1f ms wall %6.1f ms CPU\n", what, (wall() - w) * 1e3, (cpu() - c) * 1e3);
}

int main(int argc, char **argv) {
    const char *directory = argc > 1 ? argv[1] : "/tmp";
    char buffered[4096], direct[4096], journal[4096];
    snprintf(buffered, sizeof buffered, "%s/io-costs-buffered", directory);
    snprintf(direct, sizeof direct, "%s/io-costs-direct", directory);
    snprintf(journal, sizeof journal, "%s/io-costs-journal", directory);
    char *source = malloc(SIZE), *aligned = NULL;
    if (!source || posix_memalign((void **)&aligned, 4096, SIZE) != 0) return perror("memory"), 1;
    for (size_t i = 0; i < SIZE; i++) source[i] = (char)(i * 7);
    memset(aligned, 1, SIZE);
    int fd = open(buffered, O_WRONLY | O_CREAT, 0644);
    if (fd < 0 || pwrite(fd, source, SIZE, 0) != SIZE || fsync(fd) != 0) return perror(buffered), 1;
    for (int round = 1; round <= 3; round++) {
        printf("round %d\n", round);
        double w = wall(), c = cpu();
        memcpy(aligned, source, SIZE);
        report("memcpy 33.6 MB", w, c);
        w = wall(); c = cpu();
        if (pwrite(fd, source, SIZE, 0) != SIZE) return perror("pwrite"), 1;
        report("buffered pwrite over the old file", w, c);
        w = wall(); c = cpu();
        if (fsync(fd) != 0) return perror("fsync"), 1;
        report("its fsync", w, c);
        int dfd = open(direct, O_WRONLY | O_CREAT | O_DIRECT, 0644);
        if (dfd < 0) return perror(direct), 1;
        w = wall(); c = cpu();
        if (pwrite(dfd, aligned, SIZE, 0) != SIZE) return perror("O_DIRECT pwrite"), 1;
        report("O_DIRECT pwrite", w, c);
        w = wall(); c = cpu();
        if (fdatasync(dfd) != 0) return perror("fdatasync"), 1;
        report("its fdatasync", w, c);
        close(dfd);
        int jfd = open(journal, O_WRONLY | O_CREAT, 0644);
        if (jfd < 0) return perror(journal), 1;
        w = wall(); c = cpu();
        for (int i = 0; i < RECORDS; i++) {
            if (pwrite(jfd, source + (size_t)i * RECORD, RECORD, (off_t)i * RECORD) != RECORD) return perror("journal"), 1;
        }
        report("journal: 420 writes of 66 KB", w, c);
        close(jfd);
    }
    close(fd);
    unlink(buffered); unlink(direct); unlink(journal);
    return 0;
}
