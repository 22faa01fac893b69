/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-definition.h"
#include "cells-network.h"

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/**
 * CellsHost:
 *
 * What the host offers cells: the cgroup layout and whether AppArmor can
 * confine them. Probed once at start.
 */
typedef struct {
  gboolean cgroup2;       /* pure cgroup v2 (unified) */
  gboolean has_memory;
  gboolean has_pids;
  gboolean has_cpu;
  gboolean has_devices;
  gboolean has_freezer;
  gboolean apparmor;
  gboolean dev_ns;        /* the kernel has device namespaces, and they are used */
  gboolean verbose;
} CellsHost;

#define CELLS_LXC_MODEM_POLICY "modem-bus.conf"
extern const char cells_lxc_modem_policy[];
#define CELLS_LXC_SECCOMP_PROFILE "seccomp"
#define CELLS_LXC_RESOLV_CONF "resolv.conf"
#define CELLS_LXC_EMPTY "empty"
extern const char cells_lxc_seccomp_profile[];

gboolean  cells_lxc_wants_modem     (const CellsDefinition  *def);
void      cells_host_probe          (CellsHost              *host,
                                     const char             *cgroup_root);
char     *cells_lxc_config          (const CellsDefinition  *def,
                                     const char             *cell_dir,
                                     const CellsHost        *host,
                                     const char             *helper,
                                     const CellsNetLink     *link);

gboolean  cells_lxc_mount_lower     (const char             *image_dir,
                                     const char             *target,
                                     guint32                 uid_base,
                                     guint32                 gid_base,
                                     GError                **error);
guint     cells_lxc_unmount_lower   (const char             *target);

gboolean  cells_lxc_start           (const char             *lxcpath,
                                     const char             *name,
                                     char *const            *argv,
                                     const char             *helper,
                                     pid_t                  *out_leader,
                                     GError                **error);
gboolean  cells_lxc_stop            (const char             *lxcpath,
                                     const char             *name,
                                     int                     timeout_s,
                                     GError                **error);
pid_t     cells_lxc_running_leader  (const char             *lxcpath,
                                     const char             *name);
gboolean  cells_lxc_freeze          (const char             *lxcpath,
                                     const char             *name,
                                     gboolean                freeze,
                                     GError                **error);
gboolean  cells_lxc_set_memory_ceiling (const char          *lxcpath,
                                     const char             *name,
                                     gboolean                cgroup2,
                                     guint64                 bytes,
                                     GError                **error);
gboolean  cells_lxc_memory_current  (const char             *lxcpath,
                                     const char             *name,
                                     gboolean                cgroup2,
                                     guint64                *out,
                                     GError                **error);
int       cells_pidfd_open          (pid_t                   pid);

G_END_DECLS
