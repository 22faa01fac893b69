/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The mount hook of cells-lxc-start: bind-mounts a file of cellsd's,
 * read-only, at a path inside the cell's root file system, as LXC's
 * lxc.hook.mount runs it: in the container's mount namespace, after its
 * mounts, before pivot_root, with the root at $LXC_ROOTFS_MOUNT, and as
 * the cell's root (in the cell's user namespace: what it makes is the
 * cell's, and it can write no more of the host than the cell can).
 *
 * The cell's root owns its file system and may have made any part of the
 * path a symbolic link to a host directory: every component is opened
 * with no symbolic link followed and never above the root, what is
 * missing is made, and the file is mounted onto the
 * descriptor that was opened (open_tree and move_mount), so that nothing
 * is created or mounted outside the cell. A path the cell broke is left
 * alone: the mount is skipped, with a line on stderr.
 */
#include "mount-hook.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
open_beneath (int dirfd, const char *name, int flags)
{
  struct open_how how = {
    .flags = flags | O_NOFOLLOW | O_CLOEXEC,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  };

  return syscall (SYS_openat2, dirfd, name, &how, sizeof how);
}

/* The directory @name below @dirfd, made if missing and @create. */
static int
enter_dir (int dirfd, const char *name, int create)
{
  int fd = open_beneath (dirfd, name, O_PATH | O_DIRECTORY);

  if (fd >= 0 || errno != ENOENT || !create)
    return fd;
  if (mkdirat (dirfd, name, 0755) < 0 && errno != EEXIST)
    return -1;
  return open_beneath (dirfd, name, O_PATH | O_DIRECTORY);
}

/* The regular file @name below @dirfd, made empty if missing and @create. */
static int
enter_file (int dirfd, const char *name, int create)
{
  struct stat st;
  int fd = open_beneath (dirfd, name, O_PATH);

  if (fd < 0 && errno == ENOENT && create) {
    int made = openat (dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

    if (made < 0)
      return -1;
    close (made);
    fd = open_beneath (dirfd, name, O_PATH);
  }
  if (fd >= 0 && (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))) {
    close (fd);
    errno = EISDIR;
    return -1;
  }
  return fd;
}

/* The target's descriptor, walked to one component at a time. */
static int
open_target (int rootfd, const char *target, int create)
{
  char *path = strdup (target);
  char *save = NULL;
  char *name;
  int dirfd = dup (rootfd);
  int fd = -1;

  if (path == NULL || dirfd < 0)
    goto out;
  name = strtok_r (path, "/", &save);
  while (name != NULL) {
    char *next = strtok_r (NULL, "/", &save);

    if (strcmp (name, "..") == 0 || strcmp (name, ".") == 0) {
      errno = EINVAL;
      goto out;
    }
    if (next == NULL) {
      fd = enter_file (dirfd, name, create);
      goto out;
    }
    fd = enter_dir (dirfd, name, create);
    close (dirfd);
    dirfd = fd;
    fd = -1;
    if (dirfd < 0)
      goto out;
    name = next;
  }
out:
  if (dirfd >= 0)
    close (dirfd);
  free (path);
  return fd;
}

static int
bind_read_only (const char *source, int targetfd)
{
  struct mount_attr attr = {
    .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
  };
  int tree = syscall (SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  int ret = -1;

  if (tree < 0)
    return -1;
  if (syscall (SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) == 0 &&
      syscall (SYS_move_mount, tree, "", targetfd, "",
               MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0)
    ret = 0;
  close (tree);
  return ret;
}

static int
open_root (void)
{
  const char *root = getenv ("LXC_ROOTFS_MOUNT");
  int rootfd;

  if (root == NULL) {
    fprintf (stderr, "cells-lxc-start: the mount hook needs LXC_ROOTFS_MOUNT\n");
    return -1;
  }
  rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    fprintf (stderr, "cells-lxc-start: %s: %s\n", root, strerror (errno));
  return rootfd;
}

/**
 * cells_mask_hook:
 * @source: an empty file of cellsd's
 * @targets: paths relative to the cell's root, up to a "--" or the end
 *
 * Mounts @source over each target that is a regular file of the cell's
 * image reached with no symbolic link: an empty unit file is a masked
 * unit to systemd, an empty D-Bus service file activates nothing. What
 * is missing stays missing.
 */
int
cells_mask_hook (const char *source, char **targets)
{
  int rootfd = open_root ();

  if (rootfd < 0)
    return 1;
  for (int i = 0; targets[i] != NULL && strcmp (targets[i], "--") != 0; i++) {
    int fd = *targets[i] == '/' ? -1 : open_target (rootfd, targets[i], 0);

    if (fd < 0)
      continue;
    if (bind_read_only (source, fd) < 0)
      fprintf (stderr, "cells-lxc-start: cannot mask /%s: %s\n", targets[i], strerror (errno));
    close (fd);
  }
  close (rootfd);
  return 0;
}

int
cells_mount_hook (const char *source, const char *target)
{
  int rootfd, fd;

  if (*target == '/') {
    fprintf (stderr, "cells-lxc-start: the mount hook needs a path relative to the root\n");
    return 1;
  }
  rootfd = open_root ();
  if (rootfd < 0)
    return 1;
  fd = open_target (rootfd, target, 1);
  close (rootfd);
  if (fd < 0) {
    /* The cell made this path so; it goes without the file. */
    fprintf (stderr, "cells-lxc-start: /%s is not mounted in the cell: %s\n", target,
             strerror (errno));
    return 0;
  }
  if (bind_read_only (source, fd) < 0) {
    fprintf (stderr, "cells-lxc-start: cannot mount %s at /%s: %s\n", source, target,
             strerror (errno));
    close (fd);
    return 1;
  }
  close (fd);
  return 0;
}
