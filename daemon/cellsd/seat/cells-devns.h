/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  cells_devns_probe          (void);
int       cells_devns_open           (int pidfd);
int       cells_devns_open_initial   (void);
gboolean  cells_devns_activate       (int nsfd,
                                      GError **error);
gboolean  cells_devns_give           (int evdev_fd,
                                      int nsfd,
                                      GError **error);

G_END_DECLS
