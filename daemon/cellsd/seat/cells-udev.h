/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CellsUdev     CellsUdev;
typedef struct _CellsUdevView CellsUdevView;

CellsUdev     *cells_udev_new              (const char     *sys_dir,
                                            const char     *host_udev_dir,
                                            const char     *helper);
void           cells_udev_free             (CellsUdev      *self);

CellsUdevView *cells_udev_view_new         (CellsUdev      *udev,
                                            const char     *dir,
                                            const char     *nodes_dir,
                                            const char     *cell,
                                            GError        **error);
void           cells_udev_view_free        (CellsUdevView  *view);
void           cells_udev_view_set_rights  (CellsUdevView  *view,
                                            gboolean        display,
                                            gboolean        input);
void           cells_udev_view_attach      (CellsUdevView  *view,
                                            int             leader_pidfd);
void           cells_udev_view_detach      (CellsUdevView  *view);
void           cells_udev_view_wake        (CellsUdevView  *view,
                                            const char     *devname);
void           cells_udev_wake_host        (CellsUdev      *udev,
                                            const char     *devname);

/* What cells-udev.c is made of, for its tests. */
guint32        cells_udev_hash             (const char     *text);
char          *cells_udev_derive_input     (const char     *ev,
                                            const char     *key,
                                            const char     *rel,
                                            const char     *abs,
                                            const char     *props);
GBytes        *cells_udev_message          (const char     *action,
                                            guint64         seqnum,
                                            const char     *subsystem,
                                            const char     *devtype,
                                            const char *const *properties,
                                            const char *const *tags);
gboolean       cells_udev_parse_event      (const char     *buf,
                                            gsize           n,
                                            gboolean        from_udevd,
                                            const char    **action,
                                            const char    **subsystem,
                                            const char    **devpath);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CellsUdevView, cells_udev_view_free)

G_END_DECLS
