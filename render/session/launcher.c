/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ckrender authors.
 *
 * ckrender: the program users run. It only blocks the four signals ckrender
 * honours and then execs ckrender-core, the renderer, from its own directory.
 *
 * Why: ckrender-core links some 260 shared libraries (OIIO, OpenEXR, Embree,
 * TBB and theirs), and the dynamic loader takes tens of milliseconds to map
 * and relocate them before any code of ours runs. A SIGTERM in that window
 * (a scheduler preempting a task right at its start) would kill the process
 * with 143. This launcher is linked statically, so it runs within microseconds
 * of exec; a blocked signal stays pending across execve, and ckrender-core
 * installs its handlers before it unblocks them (signals.cpp), so a signal
 * from the first millisecond is honoured as documented (docs/cli.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char kCore[] = "ckrender-core";

int main(int argc, char** argv)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    (void)argc;

    /* A closed standard descriptor would be reused by the next open() (the
     * output lock, a checkpoint), and log lines would land in that file: give
     * each closed one /dev/null first. The core does the same (signals.cpp)
     * when it is run directly. */
    for (int fd = 0; fd <= 2; ++fd) {
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            const int null_fd = open("/dev/null", O_RDWR);
            if (null_fd >= 0 && null_fd != fd) {
                dup2(null_fd, fd);
                close(null_fd);
            }
        }
    }

    /* The core sits beside the real file of this program (symlinks resolved). */
    char path[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", path, sizeof path - sizeof kCore - 1);
    if (n <= 0) {
        fprintf(stderr, "ckrender: error: cannot find its own program file: %s\n",
                strerror(errno));
        return 4;
    }
    path[n] = '\0';
    char* slash = strrchr(path, '/');
    if (!slash) {
        fprintf(stderr, "ckrender: error: cannot find its own program file\n");
        return 4;
    }
    memcpy(slash + 1, kCore, sizeof kCore);
    execv(path, argv);
    fprintf(stderr, "ckrender: error: cannot start %s: %s\n", path, strerror(errno));
    return 4;
}
