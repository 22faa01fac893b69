/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gunixfdlist.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * SwitcherDeviceClass:
 * @name: the class as cellsd names it
 * @label: what a person reads
 * @rights: the rights cellsd takes for it, NULL-terminated; two of them
 *   ("none" and one other) are offered as off and on
 * @reason: why the third right is not offered, for a class of two
 */
typedef struct {
  const char *name;
  const char *label;
  const char *const *rights;
  const char *reason;
} SwitcherDeviceClass;

const SwitcherDeviceClass *switcher_device_classes (guint *n_classes);
const char *switcher_right_label       (const char *right);
const char *switcher_state_label       (const char *state);
const char *switcher_line_state_label  (const char *state);
void        switcher_cell_color        (const char *color,
                                        GdkRGBA    *rgba);
const char *switcher_text_color        (const GdkRGBA *background);
void        switcher_draw_badge        (cairo_t       *cr,
                                        GtkWidget     *widget,
                                        int            width,
                                        int            height,
                                        const GdkRGBA *color,
                                        const char    *name);
char       *switcher_error_message     (const GError *error);
GtkWidget  *switcher_button_new        (const char   *mnemonic);
void        switcher_button_set_mnemonic (GtkWidget  *button,
                                          const char *mnemonic);
void        switcher_call              (gpointer             proxy,
                                        const char          *method,
                                        GVariant            *parameters,
                                        GUnixFDList         *fds,
                                        int                  timeout_ms,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean    switcher_call_finish       (gpointer             proxy,
                                        GAsyncResult        *res,
                                        GError             **error);
GtkWidget  *switcher_error_banner_new  (void);
void        switcher_error_banner_show (GtkWidget    *banner,
                                        const GError *error);

G_END_DECLS
