/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "switcher-cell-page"

#include "switcher-cell-page.h"
#include "switcher-util.h"

#include <glib/gi18n.h>

/**
 * SwitcherCellPage:
 *
 * The settings of one cell: its name, colour, autostart and memory limit,
 * its phone line (the SIM or a SIP account, whose password can be set but
 * is never shown), its access rights per device class, and stop, start,
 * freeze and delete. Every change is a call to cellsd; the page shows
 * what cellsd's properties say, and a refusal as cellsd's own sentence at
 * the top of the page. "deleted" is emitted once the cell is gone.
 */

#define MIB (1024 * 1024)

static const struct {
  const char *color;
  const char *name;
} palette[] = {
  { "#3584e4", N_("Blue") },
  { "#2ec27e", N_("Green") },
  { "#f6d32d", N_("Yellow") },
  { "#ff7800", N_("Orange") },
  { "#e01b24", N_("Red") },
  { "#9141ac", N_("Purple") },
  { "#986a44", N_("Brown") },
  { "#77767b", N_("Grey") },
};

static const char *const lines[] = { "", "sim", "sip" };

struct _SwitcherCellPage {
  AdwBin         parent;

  CellsDBusCell *cell;
  gboolean       syncing;       /* rows are set from the cell, not by the user */

  GtkWidget     *error_banner;
  GtkWidget     *page;
  GtkWidget     *name_row;
  GtkWidget     *colors[G_N_ELEMENTS (palette)];
  GtkWidget     *autostart;
  GtkWidget     *memory;
  GtkWidget     *background_memory;
  GtkWidget     *memory_use_row;
  GtkWidget     *line_row;
  GtkWidget     *line_state_row;
  GtkWidget     *number_row;
  GtkWidget     *registrar_row;
  GtkWidget     *user_row;
  GtkWidget     *password_row;
  GPtrArray     *device_rows;   /* AdwComboRow, or GtkSwitch for a class of two rights, in
                                 * the order of switcher_device_classes () */
  GtkWidget     *start_stop;
  GtkWidget     *freeze;
  GtkWidget     *delete;
};

G_DEFINE_TYPE (SwitcherCellPage, switcher_cell_page, ADW_TYPE_BIN)

enum {
  DELETED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void sync_rows (SwitcherCellPage *self);

/* What cellsd answers */

static void
show_error (SwitcherCellPage *self, const GError *error)
{
  switcher_error_banner_show (self->error_banner, error);
  /* Back to what the cell really has. */
  sync_rows (self);
}

static void
clear_error (SwitcherCellPage *self)
{
  switcher_error_banner_show (self->error_banner, NULL);
}

static void
on_call_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(SwitcherCellPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!switcher_call_finish (source, res, &error))
    show_error (self, error);
  else
    clear_error (self);
}

/* Calls @method of the cell shown; a refusal shows on the page. */
static void
call (SwitcherCellPage *self, const char *method, GVariant *parameters)
{
  switcher_call (self->cell, method, parameters, NULL, -1, on_call_ready, g_object_ref (self));
}

static void
configure (SwitcherCellPage *self, const char *key, GVariant *value)
{
  GVariantBuilder b;

  if (self->syncing || self->cell == NULL)
    return;
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", key, value);
  call (self, "Configure", g_variant_new ("(@a{sv})", g_variant_builder_end (&b)));
}

/* The user's changes */

static void
on_name_apply (AdwEntryRow *row, SwitcherCellPage *self)
{
  configure (self, "display-name",
             g_variant_new_string (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
on_color_toggled (GtkToggleButton *button, SwitcherCellPage *self)
{
  const char *color = g_object_get_data (G_OBJECT (button), "switcher-color");

  if (gtk_toggle_button_get_active (button))
    configure (self, "color", g_variant_new_string (color));
}

static void
on_autostart_active (GtkSwitch *sw, GParamSpec *pspec, SwitcherCellPage *self)
{
  configure (self, "autostart", g_variant_new_boolean (gtk_switch_get_active (sw)));
}

static void
on_memory_changed (GtkSpinButton *spin, SwitcherCellPage *self)
{
  guint64 mib = (guint64) gtk_spin_button_get_value (spin);

  configure (self, "memory-max", g_variant_new_uint64 (mib * MIB));
}

static void
on_background_memory_changed (GtkSpinButton *spin, SwitcherCellPage *self)
{
  guint64 mib = (guint64) gtk_spin_button_get_value (spin);

  configure (self, "background-memory", g_variant_new_uint64 (mib * MIB));
}

static void
on_line_selected (AdwComboRow *row, GParamSpec *pspec, SwitcherCellPage *self)
{
  guint selected = adw_combo_row_get_selected (row);
  gboolean sip = selected == 2;
  GVariantBuilder b;

  gtk_widget_set_visible (self->registrar_row, sip);
  gtk_widget_set_visible (self->user_row, sip);
  gtk_widget_set_visible (self->password_row, sip);
  if (self->syncing || self->cell == NULL || selected >= G_N_ELEMENTS (lines))
    return;
  /* A SIP line comes with its account: cellsd refuses one without. */
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "phone-line", g_variant_new_string (lines[selected]));
  if (sip) {
    g_variant_builder_add (&b, "{sv}", "sip-registrar", g_variant_new_string (
                             gtk_editable_get_text (GTK_EDITABLE (self->registrar_row))));
    g_variant_builder_add (&b, "{sv}", "sip-user", g_variant_new_string (
                             gtk_editable_get_text (GTK_EDITABLE (self->user_row))));
  }
  call (self, "Configure", g_variant_new ("(@a{sv})", g_variant_builder_end (&b)));
}

static void
on_entry_apply (AdwEntryRow *row, SwitcherCellPage *self)
{
  const char *key = g_object_get_data (G_OBJECT (row), "switcher-key");

  configure (self, key, g_variant_new_string (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
on_password_apply (AdwEntryRow *row, SwitcherCellPage *self)
{
  on_entry_apply (row, self);
  /* Write-only: it is never shown again. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");
}

static void
on_device_selected (AdwComboRow *row, GParamSpec *pspec, SwitcherCellPage *self)
{
  const SwitcherDeviceClass *dc = g_object_get_data (G_OBJECT (row), "switcher-class");
  guint selected = adw_combo_row_get_selected (row);

  if (self->syncing || self->cell == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;
  call (self, "SetDeviceAccess", g_variant_new ("(ss)", dc->name, dc->rights[selected]));
}

/* A class of two rights: off is the first (none), on the second. */
static void
on_device_switched (GtkSwitch *sw, GParamSpec *pspec, SwitcherCellPage *self)
{
  const SwitcherDeviceClass *dc = g_object_get_data (G_OBJECT (sw), "switcher-class");

  if (self->syncing || self->cell == NULL)
    return;
  call (self, "SetDeviceAccess",
        g_variant_new ("(ss)", dc->name, dc->rights[gtk_switch_get_active (sw) ? 1 : 0]));
}

static void
on_start_stop_clicked (GtkButton *button, SwitcherCellPage *self)
{
  if (g_strcmp0 (cells_dbus_cell_get_state (self->cell), "stopped") == 0 ||
      g_strcmp0 (cells_dbus_cell_get_state (self->cell), "failed") == 0)
    call (self, "Start", NULL);
  else
    call (self, "Stop", NULL);
}

static void
on_freeze_clicked (GtkButton *button, SwitcherCellPage *self)
{
  if (cells_dbus_cell_get_frozen (self->cell))
    call (self, "Thaw", NULL);
  else
    call (self, "Freeze", NULL);
}

static void
on_destroy_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(SwitcherCellPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!switcher_call_finish (source, res, &error)) {
    show_error (self, error);
    return;
  }
  clear_error (self);
  g_signal_emit (self, signals[DELETED], 0);
}

static void
on_delete_response (AdwMessageDialog *dialog, const char *response, SwitcherCellPage *self)
{
  if (g_strcmp0 (response, "delete") == 0 && self->cell != NULL)
    switcher_call (self->cell, "Destroy", NULL, NULL, -1, on_destroy_ready, g_object_ref (self));
}

static void
on_delete_clicked (GtkButton *button, SwitcherCellPage *self)
{
  GtkWidget *dialog;
  const char *name = cells_dbus_cell_get_display_name (self->cell);

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete “%s”?"), name);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Its apps, files and settings are removed for good. "
                                    "The image it was made from is kept."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_delete_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* What the cell has */

static void
sync_devices (SwitcherCellPage *self)
{
  g_autoptr(GVariant) devices = NULL;
  guint n;
  const SwitcherDeviceClass *classes = switcher_device_classes (&n);

  devices = g_dbus_proxy_get_cached_property (G_DBUS_PROXY (self->cell), "Devices");
  for (guint i = 0; i < n; i++) {
    const char *right = NULL;

    if (devices != NULL)
      g_variant_lookup (devices, classes[i].name, "&s", &right);
    for (guint r = 0; classes[i].rights[r] != NULL; r++) {
      GtkWidget *control = g_ptr_array_index (self->device_rows, i);

      if (g_strcmp0 (classes[i].rights[r], right) != 0)
        continue;
      if (GTK_IS_SWITCH (control))
        gtk_switch_set_active (GTK_SWITCH (control), r == 1);
      else
        adw_combo_row_set_selected (ADW_COMBO_ROW (control), r);
    }
  }
}

static void
sync_line (SwitcherCellPage *self)
{
  CellsDBusCell *cell = self->cell;
  const char *line = cells_dbus_cell_get_phone_line (cell);
  const char *state = cells_dbus_cell_get_phone_line_state (cell);

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++) {
    if (g_strcmp0 (lines[i], line) == 0)
      adw_combo_row_set_selected (ADW_COMBO_ROW (self->line_row), i);
  }
  gtk_widget_set_visible (self->registrar_row, g_strcmp0 (line, "sip") == 0);
  gtk_widget_set_visible (self->user_row, g_strcmp0 (line, "sip") == 0);
  gtk_widget_set_visible (self->password_row, g_strcmp0 (line, "sip") == 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->line_state_row),
                               state && *state ? switcher_line_state_label (state) : "—");
  gtk_editable_set_text (GTK_EDITABLE (self->number_row),
                         cells_dbus_cell_get_phone_number (cell) ?: "");
  gtk_editable_set_text (GTK_EDITABLE (self->registrar_row),
                         cells_dbus_cell_get_sip_registrar (cell) ?: "");
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), cells_dbus_cell_get_sip_user (cell) ?: "");
}

static void
sync_actions (SwitcherCellPage *self)
{
  const char *state = cells_dbus_cell_get_state (self->cell);
  gboolean stopped = g_strcmp0 (state, "stopped") == 0 || g_strcmp0 (state, "failed") == 0;
  gboolean frozen = cells_dbus_cell_get_frozen (self->cell);

  switcher_button_set_mnemonic (self->start_stop, stopped ? _("_Start") : _("S_top"));
  switcher_button_set_mnemonic (self->freeze, frozen ? _("_Thaw") : _("_Freeze"));
  gtk_widget_set_sensitive (self->freeze, !stopped);
  gtk_widget_set_sensitive (self->delete, stopped);
}

/* What the running cell uses, and whether its background ceiling holds it. */
static void
sync_memory_use (SwitcherCellPage *self)
{
  CellsDBusCell *cell = self->cell;
  guint64 used = cells_dbus_cell_get_memory_current (cell);
  g_autofree char *size = g_format_size_full (used, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *text = NULL;

  if (g_strcmp0 (cells_dbus_cell_get_state (cell), "running") != 0 || used == 0)
    text = g_strdup (_("Not running"));
  else if (cells_dbus_cell_get_squeezed (cell))
    /* Translators: %s is a size, such as 120 MiB */
    text = g_strdup_printf (_("%s, held to its background ceiling"), size);
  else
    text = g_strdup (size);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->memory_use_row), text);
}

static void
sync_rows (SwitcherCellPage *self)
{
  CellsDBusCell *cell = self->cell;
  GdkRGBA color, entry;

  if (cell == NULL)
    return;
  self->syncing = TRUE;
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (self->page),
                                  cells_dbus_cell_get_display_name (cell));
  if (!gtk_widget_has_focus (self->name_row))
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), cells_dbus_cell_get_display_name (cell));
  switcher_cell_color (cells_dbus_cell_get_color (cell), &color);
  for (guint i = 0; i < G_N_ELEMENTS (palette); i++) {
    gdk_rgba_parse (&entry, palette[i].color);
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->colors[i]),
                                  gdk_rgba_equal (&entry, &color));
  }
  gtk_switch_set_active (GTK_SWITCH (self->autostart), cells_dbus_cell_get_autostart (cell));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->memory),
                             (double) (cells_dbus_cell_get_memory_max (cell) / MIB));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->background_memory),
                             (double) (cells_dbus_cell_get_background_memory (cell) / MIB));
  sync_memory_use (self);
  sync_line (self);
  sync_devices (self);
  sync_actions (self);
  self->syncing = FALSE;
}

static void
on_properties_changed (GDBusProxy *proxy, GVariant *changed, GStrv invalidated,
                       SwitcherCellPage *self)
{
  sync_rows (self);
}

/* Building the page */

/* The buttons take the focus, not the flow box's children around them. */
static void
unfocus_children (GtkWidget *flow_box)
{
  for (GtkWidget *child = gtk_widget_get_first_child (flow_box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
}

static void
draw_swatch (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  GdkRGBA color;

  gdk_rgba_parse (&color, data);
  switcher_draw_badge (cr, GTK_WIDGET (area), width, height, &color, NULL);
}

static GtkWidget *
build_colors (SwitcherCellPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *colors = gtk_flow_box_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Colour"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Shown on the cell's card and while switching to it."));
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (colors), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (colors), 8);
  gtk_widget_set_margin_top (colors, 6);
  gtk_widget_set_margin_bottom (colors, 6);
  for (guint i = 0; i < G_N_ELEMENTS (palette); i++) {
    GtkWidget *swatch = gtk_drawing_area_new ();
    GtkWidget *button = gtk_toggle_button_new ();

    gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 28);
    gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 28);
    gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch,
                                    (gpointer) palette[i].color, NULL);
    gtk_button_set_child (GTK_BUTTON (button), swatch);
    gtk_widget_add_css_class (button, "flat");
    gtk_widget_add_css_class (button, "color-swatch");
    gtk_widget_set_tooltip_text (button, _(palette[i].name));
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _(palette[i].name), -1);
    if (i > 0)
      gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button),
                                   GTK_TOGGLE_BUTTON (self->colors[0]));
    g_object_set_data (G_OBJECT (button), "switcher-color", (gpointer) palette[i].color);
    g_signal_connect (button, "toggled", G_CALLBACK (on_color_toggled), self);
    self->colors[i] = button;
    gtk_flow_box_append (GTK_FLOW_BOX (colors), button);
  }
  unfocus_children (colors);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), colors);
  return group;
}

static GtkWidget *
build_general (SwitcherCellPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *row;


  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Cell"));
  self->name_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _("Name"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (self->name_row), TRUE);
  g_signal_connect (self->name_row, "apply", G_CALLBACK (on_name_apply), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->name_row);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Start with the phone"));
  self->autostart = gtk_switch_new ();
  gtk_widget_set_valign (self->autostart, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->autostart);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->autostart);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->autostart),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Start with the phone"), -1);
  g_signal_connect (self->autostart, "notify::active", G_CALLBACK (on_autostart_active), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Memory limit"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("In MiB; 0 for no limit"));
  self->memory = gtk_spin_button_new_with_range (0, 1024 * 1024, 64);
  gtk_widget_set_valign (self->memory, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->memory),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Memory limit in MiB"), -1);
  g_signal_connect (self->memory, "value-changed", G_CALLBACK (on_memory_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->memory);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Memory in the background"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("In MiB; above it a cell in the background gives memory back "
                                 "first; 0 for no ceiling"));
  self->background_memory = gtk_spin_button_new_with_range (0, 1024 * 1024, 64);
  gtk_widget_set_valign (self->background_memory, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->background_memory),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Memory in the background in MiB"), -1);
  g_signal_connect (self->background_memory, "value-changed",
                    G_CALLBACK (on_background_memory_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->background_memory);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  self->memory_use_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->memory_use_row), _("Memory in use"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->memory_use_row);
  return group;
}

static GtkWidget *
entry_row (const char *title, const char *key, SwitcherCellPage *self)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  g_object_set_data (G_OBJECT (row), "switcher-key", (gpointer) key);
  g_signal_connect (row, "apply", G_CALLBACK (on_entry_apply), self);
  return row;
}

static GtkWidget *
build_phone (SwitcherCellPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  const char *line_names[] = { _("None"), _("The phone's SIM"), _("SIP account"), NULL };

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Phone line"));
  self->line_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->line_row), _("Line"));
  adw_combo_row_set_model (ADW_COMBO_ROW (self->line_row),
                           G_LIST_MODEL (gtk_string_list_new (line_names)));
  g_signal_connect (self->line_row, "notify::selected", G_CALLBACK (on_line_selected), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->line_row);

  self->line_state_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->line_state_row), _("Line state"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->line_state_row);

  self->number_row = entry_row (_("Phone number"), "phone-number", self);
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (self->number_row), GTK_INPUT_PURPOSE_PHONE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->number_row);
  self->registrar_row = entry_row (_("SIP server"), "sip-registrar", self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->registrar_row);
  self->user_row = entry_row (_("SIP user"), "sip-user", self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->user_row);
  self->password_row = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row),
                                 _("New SIP password"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (self->password_row), TRUE);
  g_object_set_data (G_OBJECT (self->password_row), "switcher-key", (gpointer) "sip-password");
  g_signal_connect (self->password_row, "apply", G_CALLBACK (on_password_apply), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->password_row);
  return group;
}

static GtkWidget *
device_combo_row (SwitcherCellPage *self, const SwitcherDeviceClass *dc)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) rights = gtk_string_list_new (NULL);

  for (guint r = 0; dc->rights[r] != NULL; r++)
    gtk_string_list_append (rights, switcher_right_label (dc->rights[r]));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(dc->label));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (rights));
  g_object_set_data (G_OBJECT (row), "switcher-class", (gpointer) dc);
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_device_selected), self);
  g_ptr_array_add (self->device_rows, row);
  return row;
}

/* Two rights, none and one other: a switch, with why there is no third. */
static GtkWidget *
device_switch_row (SwitcherCellPage *self, const SwitcherDeviceClass *dc)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(dc->label));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(dc->reason));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(dc->label), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  g_object_set_data (G_OBJECT (sw), "switcher-class", (gpointer) dc);
  g_signal_connect (sw, "notify::active", G_CALLBACK (on_device_switched), self);
  g_ptr_array_add (self->device_rows, sw);
  return row;
}

static GtkWidget *
build_devices (SwitcherCellPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  guint n;
  const SwitcherDeviceClass *classes = switcher_device_classes (&n);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Access to devices"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("What the cell may use. Exclusive means one cell at a "
                                           "time: the others wait until it lets go."));
  for (guint i = 0; i < n; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               classes[i].rights[2] == NULL ?
                               device_switch_row (self, &classes[i]) :
                               device_combo_row (self, &classes[i]));
  return group;
}

static GtkWidget *
action_button (const char *label, GCallback callback, SwitcherCellPage *self)
{
  GtkWidget *button = switcher_button_new (label);

  gtk_widget_set_size_request (button, -1, 48);
  gtk_widget_set_hexpand (button, TRUE);
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static GtkWidget *
build_actions (SwitcherCellPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *box = gtk_flow_box_new ();

  /* Side by side where they fit, else one under the other. */
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (box), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (box), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (box), 1);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (box), 3);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (box), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (box), 12);
  self->start_stop = action_button (_("S_top"), G_CALLBACK (on_start_stop_clicked), self);
  self->freeze = action_button (_("_Freeze"), G_CALLBACK (on_freeze_clicked), self);
  self->delete = action_button (_("_Delete…"), G_CALLBACK (on_delete_clicked), self);
  gtk_widget_add_css_class (self->delete, "destructive-action");
  gtk_widget_set_tooltip_text (self->delete, _("A cell is deleted once it is stopped"));
  gtk_flow_box_append (GTK_FLOW_BOX (box), self->start_stop);
  gtk_flow_box_append (GTK_FLOW_BOX (box), self->freeze);
  gtk_flow_box_append (GTK_FLOW_BOX (box), self->delete);
  unfocus_children (box);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);
  return group;
}

static void
build (SwitcherCellPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->error_banner = switcher_error_banner_new ();
  gtk_box_append (GTK_BOX (box), self->error_banner);

  self->page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (self->page, TRUE);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page),
                            ADW_PREFERENCES_GROUP (build_general (self)));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page),
                            ADW_PREFERENCES_GROUP (build_colors (self)));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page),
                            ADW_PREFERENCES_GROUP (build_phone (self)));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page),
                            ADW_PREFERENCES_GROUP (build_devices (self)));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page),
                            ADW_PREFERENCES_GROUP (build_actions (self)));
  gtk_box_append (GTK_BOX (box), self->page);
  adw_bin_set_child (ADW_BIN (self), box);
}

static void
switcher_cell_page_dispose (GObject *object)
{
  SwitcherCellPage *self = SWITCHER_CELL_PAGE (object);

  if (self->cell != NULL)
    g_signal_handlers_disconnect_by_data (self->cell, self);
  g_clear_object (&self->cell);
  g_clear_pointer (&self->device_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (switcher_cell_page_parent_class)->dispose (object);
}

static void
switcher_cell_page_class_init (SwitcherCellPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = switcher_cell_page_dispose;
  signals[DELETED] = g_signal_new ("deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
switcher_cell_page_init (SwitcherCellPage *self)
{
  self->device_rows = g_ptr_array_new ();
  build (self);
}

GtkWidget *
switcher_cell_page_new (void)
{
  return g_object_new (SWITCHER_TYPE_CELL_PAGE, NULL);
}

/**
 * switcher_cell_page_set_cell:
 * @cell: (nullable): the cell to show
 */
void
switcher_cell_page_set_cell (SwitcherCellPage *self, CellsDBusCell *cell)
{
  g_return_if_fail (SWITCHER_IS_CELL_PAGE (self));
  if (self->cell != NULL)
    g_signal_handlers_disconnect_by_data (self->cell, self);
  g_set_object (&self->cell, cell);
  clear_error (self);
  if (cell == NULL)
    return;
  g_signal_connect (cell, "g-properties-changed", G_CALLBACK (on_properties_changed), self);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  sync_rows (self);
}

CellsDBusCell *
switcher_cell_page_get_cell (SwitcherCellPage *self)
{
  g_return_val_if_fail (SWITCHER_IS_CELL_PAGE (self), NULL);
  return self->cell;
}
