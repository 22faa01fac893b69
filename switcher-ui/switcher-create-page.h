/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "switcher-client.h"

#include <adwaita.h>

G_BEGIN_DECLS

#define SWITCHER_TYPE_CREATE_PAGE (switcher_create_page_get_type ())
G_DECLARE_FINAL_TYPE (SwitcherCreatePage, switcher_create_page, SWITCHER, CREATE_PAGE, AdwBin)

GtkWidget *switcher_create_page_new   (SwitcherClient     *client);
void       switcher_create_page_reset (SwitcherCreatePage *self);

G_END_DECLS
