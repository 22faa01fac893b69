/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ambush: what a cell's root tries against `cellsctl exec`. Runs inside
 * the cell for SECONDS, and on every process that appears there tries
 * PTRACE_SEIZE and takes descriptors 3 to 31 with pidfd_getfd (both need
 * that the process may be traced). Prints one line per descriptor taken
 * ("took PID FD -> TARGET") and a last line "seized N took M".
 *
 *   ambush SECONDS
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_PIDS 4194304

static unsigned char *seen;

static void
try_pid (pid_t pid, int *seized, int *took)
{
  char path[64], target[256];
  int pidfd;

  if (ptrace (PTRACE_SEIZE, pid, 0, 0) == 0) {
    (*seized)++;
    ptrace (PTRACE_DETACH, pid, 0, 0);
  }
  pidfd = syscall (SYS_pidfd_open, pid, 0);
  if (pidfd < 0)
    return;
  for (int fd = 3; fd < 32; fd++) {
    int mine = syscall (SYS_pidfd_getfd, pidfd, fd, 0);
    ssize_t n;

    if (mine < 0)
      continue;
    snprintf (path, sizeof path, "/proc/self/fd/%d", mine);
    n = readlink (path, target, sizeof target - 1);
    target[n > 0 ? n : 0] = '\0';
    printf ("took %d %d -> %s\n", (int) pid, fd, target);
    fflush (stdout);
    (*took)++;
    close (mine);
  }
  close (pidfd);
}

int
main (int argc, char **argv)
{
  int seconds = argc > 1 ? atoi (argv[1]) : 5;
  time_t end = time (NULL) + seconds;
  int seized = 0, took = 0;

  seen = calloc (MAX_PIDS, 1);
  if (seen == NULL)
    return 1;
  while (time (NULL) < end) {
    DIR *proc = opendir ("/proc");
    struct dirent *e;

    if (proc == NULL)
      return 1;
    while ((e = readdir (proc)) != NULL) {
      long pid = strtol (e->d_name, NULL, 10);

      if (pid <= 1 || pid >= MAX_PIDS || pid == getpid () || seen[pid])
        continue;
      seen[pid] = 1;
      try_pid (pid, &seized, &took);
    }
    closedir (proc);
  }
  printf ("seized %d took %d\n", seized, took);
  return 0;
}
