/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "switcher-client.h"

#include <adwaita.h>

G_BEGIN_DECLS

#define SWITCHER_TYPE_WINDOW (switcher_window_get_type ())
G_DECLARE_FINAL_TYPE (SwitcherWindow, switcher_window, SWITCHER, WINDOW, AdwApplicationWindow)

GtkWidget *switcher_window_new (GtkApplication *app,
                                SwitcherClient *client);

G_END_DECLS
