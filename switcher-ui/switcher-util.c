/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "switcher-util"

#include "switcher-util.h"

#include <glib/gi18n.h>

/*
 * What the switcher's pages share: the device classes and their rights as
 * people read them, the words for cellsd's states, and a cell's colour.
 */

#define DEFAULT_COLOR "#77767b"

static const char *const all_rights[] = { "none", "shared", "exclusive", NULL };
static const char *const not_shared[] = { "none", "exclusive", NULL };
static const char *const not_exclusive[] = { "none", "shared", NULL };

static const SwitcherDeviceClass device_classes[] = {
  { "display", N_("Screen"), not_shared,
    N_("On: one cell at a time, the one on the screen. It cannot be shared.") },
  { "input", N_("Touchscreen and keys"), all_rights, NULL },
  { "audio-output", N_("Speaker"), all_rights, NULL },
  { "microphone", N_("Microphone"), all_rights, NULL },
  { "camera", N_("Camera"), all_rights, NULL },
  { "modem", N_("Phone and messages"), all_rights, NULL },
  { "location", N_("Location"), all_rights, NULL },
  { "sensors", N_("Sensors"), all_rights, NULL },
  { "vibrator", N_("Vibration"), all_rights, NULL },
  { "leds", N_("Lights"), all_rights, NULL },
  { "backlight", N_("Screen brightness"), all_rights, NULL },
  { "network", N_("Network"), not_exclusive,
    N_("On: the phone's connection, which the cells share. It cannot be exclusive.") },
};

/**
 * switcher_device_classes:
 *
 * Returns: the device classes, in the order the cell page shows them
 */
const SwitcherDeviceClass *
switcher_device_classes (guint *n_classes)
{
  *n_classes = G_N_ELEMENTS (device_classes);
  return device_classes;
}

const char *
switcher_right_label (const char *right)
{
  if (g_strcmp0 (right, "none") == 0)
    return _("No access");
  if (g_strcmp0 (right, "shared") == 0)
    return _("Shared");
  if (g_strcmp0 (right, "exclusive") == 0)
    return _("Exclusive");
  return right;
}

typedef struct {
  const char *name;
  const char *label;
} Label;

static const Label state_labels[] = {
  { "stopped", N_("Stopped") },
  { "starting", N_("Starting") },
  { "running", N_("Running") },
  { "stopping", N_("Stopping") },
  { "failed", N_("Failed") },
  { NULL, NULL }
};

static const Label line_state_labels[] = {
  { "stopped", N_("Line off") },
  { "no-modem", N_("No modem") },
  { "locked", N_("SIM locked") },
  { "searching", N_("Searching for network") },
  { "registered", N_("Connected") },
  { "registering", N_("Connecting") },
  { "unreachable", N_("Server unreachable") },
  { "refused", N_("Account refused") },
  { NULL, NULL }
};

/* What people read for @name; a name the table does not know, as it is. */
static const char *
lookup_label (const Label *labels, const char *name)
{
  for (const Label *l = labels; l->name != NULL; l++) {
    if (g_strcmp0 (name, l->name) == 0)
      return _(l->label);
  }
  return name;
}

const char *
switcher_state_label (const char *state)
{
  return lookup_label (state_labels, state);
}

const char *
switcher_line_state_label (const char *state)
{
  return lookup_label (line_state_labels, state);
}

/**
 * switcher_cell_color:
 *
 * Parses a cell's colour (`#rrggbb`); a cell without one is grey.
 */
void
switcher_cell_color (const char *color, GdkRGBA *rgba)
{
  if (color == NULL || !gdk_rgba_parse (rgba, color))
    gdk_rgba_parse (rgba, DEFAULT_COLOR);
}

/**
 * switcher_text_color:
 *
 * Returns: black or white, whichever reads better on @background
 */
const char *
switcher_text_color (const GdkRGBA *background)
{
  double luma = 0.2126 * background->red + 0.7152 * background->green +
                0.0722 * background->blue;

  return luma > 0.55 ? "#000000" : "#ffffff";
}

/**
 * switcher_draw_badge:
 *
 * Draws a cell's badge: a disc of its colour with the first letter of its
 * name.
 */
void
switcher_draw_badge (cairo_t *cr, GtkWidget *widget, int width, int height,
                     const GdkRGBA *color, const char *name)
{
  g_autoptr(PangoLayout) layout = NULL;
  g_autofree char *initial = NULL;
  GdkRGBA fg;
  int size = MIN (width, height);
  int tw, th;
  g_autofree char *font = g_strdup_printf ("Sans Bold %d", MAX (size * 2 / 5, 1));
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string (font);

  gdk_cairo_set_source_rgba (cr, color);
  cairo_arc (cr, width / 2.0, height / 2.0, size / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
  if (name == NULL || *name == '\0')
    return;
  initial = g_utf8_strup (name, g_utf8_next_char (name) - name);
  gdk_rgba_parse (&fg, switcher_text_color (color));
  layout = gtk_widget_create_pango_layout (widget, initial);
  pango_layout_set_font_description (layout, desc);
  pango_layout_get_pixel_size (layout, &tw, &th);
  gdk_cairo_set_source_rgba (cr, &fg);
  cairo_move_to (cr, (width - tw) / 2.0, (height - th) / 2.0);
  pango_cairo_show_layout (cr, layout);
}

/**
 * switcher_error_message:
 *
 * Returns: cellsd's sentence of @error, without the D-Bus error name
 */
char *
switcher_error_message (const GError *error)
{
  g_autoptr(GError) copy = g_error_copy (error);

  g_dbus_error_strip_remote_error (copy);
  return g_strdup (copy->message);
}

/**
 * switcher_button_set_mnemonic:
 * @mnemonic: the button's label, with an underscore before its access key
 *
 * Sets a button's label, and its name for screen readers to the label as
 * shown.
 */
void
switcher_button_set_mnemonic (GtkWidget *button, const char *mnemonic)
{
  g_autoptr(GString) shown = g_string_new (NULL);

  for (const char *p = mnemonic; *p != '\0'; p++) {
    if (*p == '_' && p[1] != '_')
      continue;
    g_string_append_c (shown, *p);
    if (*p == '_')
      p++;
  }
  gtk_button_set_use_underline (GTK_BUTTON (button), TRUE);
  gtk_button_set_label (GTK_BUTTON (button), mnemonic);
  /* GTK 4.8 names a button by its label with the underscore, and again
   * by the label it is labelled by. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  shown->str, -1);
}

GtkWidget *
switcher_button_new (const char *mnemonic)
{
  GtkWidget *button = gtk_button_new ();

  switcher_button_set_mnemonic (button, mnemonic);
  return button;
}

/**
 * switcher_call:
 * @proxy: one of cellsd's objects (a CellsDBusManager or CellsDBusCell proxy)
 * @parameters: (nullable): the method's arguments, floating
 * @fds: (nullable): the file descriptors they hand over
 * @timeout_ms: how long cellsd may take, -1 for the proxy's default
 *
 * Calls a method of cellsd that polkit may guard, allowing polkit to ask:
 * with an authentication agent in the session, the user is asked for
 * their password instead of being refused. Finish with
 * switcher_call_finish().
 */
void
switcher_call (gpointer proxy, const char *method, GVariant *parameters, GUnixFDList *fds,
               int timeout_ms, GAsyncReadyCallback callback, gpointer user_data)
{
  g_dbus_proxy_call_with_unix_fd_list (G_DBUS_PROXY (proxy), method, parameters,
                                       G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                                       timeout_ms, fds, NULL, callback, user_data);
}

/**
 * switcher_call_finish:
 *
 * Returns: whether cellsd did what switcher_call() asked (its answer,
 *   if any, is dropped)
 */
gboolean
switcher_call_finish (gpointer proxy, GAsyncResult *res, GError **error)
{
  g_autoptr(GVariant) reply = g_dbus_proxy_call_with_unix_fd_list_finish (G_DBUS_PROXY (proxy),
                                                                          NULL, res, error);

  return reply != NULL;
}

/**
 * switcher_error_banner_new:
 *
 * Returns: a banner for cellsd's refusals, hidden until
 *   switcher_error_banner_show() gives it a sentence
 */
GtkWidget *
switcher_error_banner_new (void)
{
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *revealer = gtk_revealer_new ();

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "error-banner");
  gtk_revealer_set_child (GTK_REVEALER (revealer), label);
  gtk_widget_set_visible (revealer, FALSE);
  return revealer;
}

/**
 * switcher_error_banner_show:
 * @error: (nullable): what cellsd answered, %NULL to hide the banner
 */
void
switcher_error_banner_show (GtkWidget *banner, const GError *error)
{
  GtkWidget *label = gtk_revealer_get_child (GTK_REVEALER (banner));
  g_autofree char *message = error ? switcher_error_message (error) : NULL;

  if (message != NULL)
    g_message ("cellsd refused: %s", message);
  gtk_label_set_text (GTK_LABEL (label), message ?: "");
  gtk_revealer_set_reveal_child (GTK_REVEALER (banner), message != NULL);
  gtk_widget_set_visible (banner, message != NULL);
}
