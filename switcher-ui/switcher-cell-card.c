/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "switcher-cell-card"

#include "switcher-cell-card.h"
#include "switcher-util.h"

#include <glib/gi18n.h>

/**
 * SwitcherCellCard:
 *
 * One cell on the home page: its badge in its colour, its name, state,
 * number and line, missed calls, whether it rings and whether it is in
 * the foreground. Tapping it emits "activated" (switch to the cell, or
 * start it); its settings button "settings". It follows the cell's
 * properties as cellsd changes them.
 */

struct _SwitcherCellCard {
  GtkBox         parent;

  CellsDBusCell *cell;
  char          *ringing;     /* the caller while a call rings, "" for unknown */

  GtkWidget     *button;
  GtkWidget     *badge;
  GtkWidget     *name;
  GtkWidget     *state;
  GtkWidget     *line;
  GtkWidget     *missed;
  GtkWidget     *ring_label;
  GtkWidget     *foreground_label;
  GtkWidget     *settings;
};

G_DEFINE_TYPE (SwitcherCellCard, switcher_cell_card, GTK_TYPE_BOX)

enum {
  ACTIVATED,
  SETTINGS,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
draw_badge (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  SwitcherCellCard *self = data;
  GdkRGBA color;

  switcher_cell_color (cells_dbus_cell_get_color (self->cell), &color);
  switcher_draw_badge (cr, GTK_WIDGET (area), width, height, &color,
                       cells_dbus_cell_get_display_name (self->cell));
}

static char *
line_text (CellsDBusCell *cell)
{
  const char *number = cells_dbus_cell_get_phone_number (cell);
  const char *state = cells_dbus_cell_get_phone_line_state (cell);

  if (g_strcmp0 (cells_dbus_cell_get_phone_line (cell), "") == 0)
    return g_strdup (_("No phone line"));
  if (number == NULL || *number == '\0')
    number = _("Number unknown");
  if (state == NULL || *state == '\0')
    return g_strdup (number);
  /* TRANSLATORS: a phone number and the state of its line */
  return g_strdup_printf (_("%s · %s"), number, switcher_line_state_label (state));
}

static void
update_summary (SwitcherCellCard *self)
{
  g_autoptr(GString) s = g_string_new (gtk_label_get_text (GTK_LABEL (self->name)));

  g_string_append_printf (s, ", %s", gtk_label_get_text (GTK_LABEL (self->state)));
  if (gtk_widget_get_visible (self->foreground_label))
    g_string_append_printf (s, ", %s", gtk_label_get_text (GTK_LABEL (self->foreground_label)));
  if (gtk_widget_get_visible (self->ring_label))
    g_string_append_printf (s, ", %s", gtk_label_get_text (GTK_LABEL (self->ring_label)));
  g_string_append_printf (s, ", %s", gtk_label_get_text (GTK_LABEL (self->line)));
  if (gtk_widget_get_visible (self->missed))
    g_string_append_printf (s, ", %s", gtk_label_get_text (GTK_LABEL (self->missed)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, s->str, -1);
}

static void
update (SwitcherCellCard *self)
{
  CellsDBusCell *cell = self->cell;
  const char *state = cells_dbus_cell_get_state (cell);
  gboolean foreground = cells_dbus_cell_get_foreground (cell);
  guint missed = cells_dbus_cell_get_missed_calls (cell);
  g_autofree char *line = line_text (cell);
  g_autofree char *settings = NULL;
  g_autofree char *missed_text = NULL;
  g_autofree char *state_text = NULL;

  gtk_label_set_text (GTK_LABEL (self->name), cells_dbus_cell_get_display_name (cell));
  if (cells_dbus_cell_get_frozen (cell))
    /* TRANSLATORS: the state of a cell whose processes are frozen */
    state_text = g_strdup_printf (_("%s, frozen"), switcher_state_label (state));
  else if (g_strcmp0 (state, "stopped") == 0)
    state_text = g_strdup_printf (_("%s — tap to start"), switcher_state_label (state));
  else
    state_text = g_strdup (switcher_state_label (state));
  gtk_label_set_text (GTK_LABEL (self->state), state_text);
  gtk_label_set_text (GTK_LABEL (self->line), line);
  missed_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u missed call",
                                              "%u missed calls", missed), missed);
  gtk_label_set_text (GTK_LABEL (self->missed), missed_text);
  gtk_widget_set_visible (self->missed, missed > 0);
  gtk_widget_set_visible (self->foreground_label, foreground);
  if (foreground)
    gtk_widget_add_css_class (GTK_WIDGET (self), "foreground");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "foreground");
  settings = g_strdup_printf (_("Settings of %s"), cells_dbus_cell_get_display_name (cell));
  gtk_widget_set_tooltip_text (self->settings, settings);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->settings),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, settings, -1);
  gtk_widget_queue_draw (self->badge);
  update_summary (self);
}

static void
on_properties_changed (GDBusProxy *proxy, GVariant *changed, GStrv invalidated,
                       SwitcherCellCard *self)
{
  update (self);
}

static void
on_button_clicked (GtkButton *button, SwitcherCellCard *self)
{
  g_signal_emit (self, signals[ACTIVATED], 0);
}

static void
on_settings_clicked (GtkButton *button, SwitcherCellCard *self)
{
  g_signal_emit (self, signals[SETTINGS], 0);
}

static GtkWidget *
dim_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static GtkWidget *
pill (const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "pill-badge");
  gtk_widget_add_css_class (label, css_class);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (label, FALSE);
  return label;
}

static void
build (SwitcherCellCard *self)
{
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->badge = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->badge), 48);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->badge), 48);
  gtk_widget_set_valign (self->badge, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->badge), draw_badge, self, NULL);
  gtk_box_append (GTK_BOX (content), self->badge);

  self->name = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (self->name, "title-4");
  self->state = dim_label ();
  /* "Stopped — tap to start" is long in some languages. */
  gtk_label_set_ellipsize (GTK_LABEL (self->state), PANGO_ELLIPSIZE_NONE);
  gtk_label_set_wrap (GTK_LABEL (self->state), TRUE);
  self->line = dim_label ();
  self->missed = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->missed), 0);
  gtk_widget_add_css_class (self->missed, "error");
  gtk_widget_set_hexpand (self->name, TRUE);
  gtk_box_append (GTK_BOX (title), self->name);
  self->foreground_label = pill (_("On screen"), "foreground-badge");
  self->ring_label = pill (_("Ringing"), "ringing-badge");
  gtk_box_append (GTK_BOX (title), self->ring_label);
  gtk_box_append (GTK_BOX (title), self->foreground_label);
  gtk_box_append (GTK_BOX (texts), title);
  gtk_box_append (GTK_BOX (texts), self->state);
  gtk_box_append (GTK_BOX (texts), self->line);
  gtk_box_append (GTK_BOX (texts), self->missed);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (content), texts);


  self->button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (self->button), content);
  gtk_widget_add_css_class (self->button, "flat");
  gtk_widget_add_css_class (self->button, "cell-card-button");
  gtk_widget_set_hexpand (self->button, TRUE);
  g_signal_connect (self->button, "clicked", G_CALLBACK (on_button_clicked), self);
  gtk_box_append (GTK_BOX (self), self->button);

  self->settings = gtk_button_new_from_icon_name ("emblem-system-symbolic");
  gtk_widget_add_css_class (self->settings, "flat");
  gtk_widget_set_valign (self->settings, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (self->settings, 48, 48);
  g_signal_connect (self->settings, "clicked", G_CALLBACK (on_settings_clicked), self);
  gtk_box_append (GTK_BOX (self), self->settings);
}

static void
switcher_cell_card_dispose (GObject *object)
{
  SwitcherCellCard *self = SWITCHER_CELL_CARD (object);

  if (self->cell != NULL)
    g_signal_handlers_disconnect_by_data (self->cell, self);
  g_clear_object (&self->cell);
  g_clear_pointer (&self->ringing, g_free);
  G_OBJECT_CLASS (switcher_cell_card_parent_class)->dispose (object);
}

static void
switcher_cell_card_class_init (SwitcherCellCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = switcher_cell_card_dispose;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "cellcard");

  signals[ACTIVATED] = g_signal_new ("activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SETTINGS] = g_signal_new ("settings", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
switcher_cell_card_init (SwitcherCellCard *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (GTK_BOX (self), 0);
  gtk_widget_add_css_class (GTK_WIDGET (self), "card");
  build (self);
}

GtkWidget *
switcher_cell_card_new (CellsDBusCell *cell)
{
  SwitcherCellCard *self = g_object_new (SWITCHER_TYPE_CELL_CARD, NULL);

  self->cell = g_object_ref (cell);
  g_signal_connect (cell, "g-properties-changed", G_CALLBACK (on_properties_changed), self);
  update (self);
  return GTK_WIDGET (self);
}

CellsDBusCell *
switcher_cell_card_get_cell (SwitcherCellCard *self)
{
  g_return_val_if_fail (SWITCHER_IS_CELL_CARD (self), NULL);
  return self->cell;
}

/**
 * switcher_cell_card_set_ringing:
 * @number: (nullable): the caller of the call that rings, "" when not
 *   known, %NULL when nothing rings
 */
void
switcher_cell_card_set_ringing (SwitcherCellCard *self, const char *number)
{
  g_return_if_fail (SWITCHER_IS_CELL_CARD (self));
  g_free (self->ringing);
  self->ringing = g_strdup (number);
  gtk_widget_set_visible (self->ring_label, number != NULL);
  update_summary (self);
}
