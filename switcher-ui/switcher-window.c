/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "switcher-window"

#include "switcher-window.h"
#include "switcher-cell-card.h"
#include "switcher-cell-page.h"
#include "switcher-create-page.h"
#include "switcher-util.h"

#include <glib/gi18n.h>

/**
 * SwitcherWindow:
 *
 * The switcher's one window. Its pages: "offline" while cellsd is not
 * there, "home" with a card per cell (or an empty state), "cell" with the
 * settings of one cell and "create" for a new one. A call that rings in a
 * cell shows a banner on the home page with Answer (switch to the cell)
 * and Decline (cellsd rejects it). Before the screen goes to a cell, the
 * cell's card grows to cover the window in the cell's colour with its
 * name ("switching to …"), which no cell can draw: while it shows, the
 * switcher has the screen.
 */

#define SPLASH_GROW_MS 180
#define SPLASH_LINGER_MS 400

struct _SwitcherWindow {
  AdwApplicationWindow parent;

  SwitcherClient *client;
  GHashTable     *ringing;        /* cell name → caller's number */
  char           *banner_cell;

  GtkWidget      *toasts;
  GtkWidget      *stack;
  GtkWidget      *home_stack;
  GtkWidget      *cards;
  GtkWidget      *banner;
  GtkWidget      *banner_title;
  GtkWidget      *banner_number;
  GtkWidget      *cell_page;
  GtkWidget      *cell_title;
  GtkWidget      *create_page;

  GtkWidget      *splash;
  GtkWidget      *splash_area;
  GtkWidget      *splash_label;
  GdkRGBA         splash_color;
  graphene_rect_t splash_from;
  double          splash_progress;
  AdwAnimation   *splash_animation;
  char           *switching_to;
  guint           splash_hide_id;
};

G_DEFINE_TYPE (SwitcherWindow, switcher_window, ADW_TYPE_APPLICATION_WINDOW)

/* Only the page shown is visible, so that a screen reader (and the
 * accessibility tree) reads that page alone. */
static void
show_page (GtkWidget *stack, const char *name)
{
  GtkWidget *page = gtk_stack_get_child_by_name (GTK_STACK (stack), name);

  gtk_widget_set_visible (page, TRUE);
  gtk_stack_set_visible_child (GTK_STACK (stack), page);
  for (GtkWidget *child = gtk_widget_get_first_child (stack); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_visible (child, child == page);
}

static void
toast (SwitcherWindow *self, const char *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 5);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts), t);
}

static void
toast_error (SwitcherWindow *self, const GError *error)
{
  g_autofree char *message = switcher_error_message (error);

  g_message ("cellsd refused: %s", message);
  toast (self, message);
}

static SwitcherCellCard *
find_card (SwitcherWindow *self, const char *name)
{
  GtkFlowBoxChild *child;

  for (int i = 0; (child = gtk_flow_box_get_child_at_index (GTK_FLOW_BOX (self->cards), i));
       i++) {
    SwitcherCellCard *card = SWITCHER_CELL_CARD (gtk_flow_box_child_get_child (child));

    if (g_strcmp0 (cells_dbus_cell_get_name (switcher_cell_card_get_cell (card)), name) == 0)
      return card;
  }
  return NULL;
}

/* The "switching to …" card */

static void
draw_splash (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  SwitcherWindow *self = data;
  double p = self->splash_progress;
  graphene_rect_t *from = &self->splash_from;
  double x = from->origin.x * (1 - p), y = from->origin.y * (1 - p);
  double w = from->size.width + (width - from->size.width) * p;
  double h = from->size.height + (height - from->size.height) * p;

  gdk_cairo_set_source_rgba (cr, &self->splash_color);
  cairo_rectangle (cr, x, y, w, h);
  cairo_fill (cr);
}

static void
on_splash_value (double value, gpointer data)
{
  SwitcherWindow *self = data;

  self->splash_progress = value;
  gtk_widget_queue_draw (self->splash_area);
}

static gboolean
on_splash_hide (gpointer data)
{
  SwitcherWindow *self = data;

  self->splash_hide_id = 0;
  gtk_widget_set_visible (self->splash, FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_switch_to_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(SwitcherWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!switcher_call_finish (source, res, &error)) {
    toast_error (self, error);
    on_splash_hide (self);
    return;
  }
  /* The screen is the cell's now; what is under it is hidden for when the
   * switcher comes back. */
  g_clear_handle_id (&self->splash_hide_id, g_source_remove);
  self->splash_hide_id = g_timeout_add (SPLASH_LINGER_MS, on_splash_hide, self);
}

static void
on_splash_done (AdwAnimation *animation, SwitcherWindow *self)
{
  CellsDBusManager *manager = switcher_client_get_manager (self->client);

  if (manager == NULL || self->switching_to == NULL) {
    on_splash_hide (self);
    return;
  }
  g_message ("Switching to %s", self->switching_to);
  switcher_call (manager, "SwitchTo", g_variant_new ("(s)", self->switching_to), NULL, -1,
                 on_switch_to_ready, g_object_ref (self));
  g_clear_pointer (&self->switching_to, g_free);
}

static void
switch_to (SwitcherWindow *self, CellsDBusCell *cell)
{
  SwitcherCellCard *card = find_card (self, cells_dbus_cell_get_name (cell));
  g_autofree char *text = NULL;
  g_autofree char *markup = NULL;

  switcher_cell_color (cells_dbus_cell_get_color (cell), &self->splash_color);
  if (card == NULL || !gtk_widget_compute_bounds (GTK_WIDGET (card), self->splash,
                                                  &self->splash_from))
    graphene_rect_init (&self->splash_from, 0, 0, 0, 0);
  /* TRANSLATORS: shown full screen, in the cell's colour, before its screen */
  text = g_strdup_printf (_("Switching to %s"), cells_dbus_cell_get_display_name (cell));
  markup = g_markup_printf_escaped ("<span foreground=\"%s\">%s</span>",
                                    switcher_text_color (&self->splash_color), text);
  gtk_label_set_markup (GTK_LABEL (self->splash_label), markup);
  g_free (self->switching_to);
  self->switching_to = g_strdup (cells_dbus_cell_get_name (cell));
  g_clear_handle_id (&self->splash_hide_id, g_source_remove);
  self->splash_progress = 0;
  gtk_widget_set_visible (self->splash, TRUE);
  adw_animation_reset (self->splash_animation);
  adw_animation_play (self->splash_animation);
}

/* Cards */

static void
on_start_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(SwitcherWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!switcher_call_finish (source, res, &error)) {
    toast_error (self, error);
    return;
  }
  switch_to (self, CELLS_DBUS_CELL (source));
}

static void
on_card_activated (SwitcherCellCard *card, SwitcherWindow *self)
{
  CellsDBusCell *cell = switcher_cell_card_get_cell (card);
  const char *state = cells_dbus_cell_get_state (cell);
  g_autofree char *text = NULL;

  g_debug ("Card of %s tapped (%s)", cells_dbus_cell_get_name (cell), state);
  if (g_strcmp0 (state, "running") == 0) {
    switch_to (self, cell);
  } else if (g_strcmp0 (state, "stopped") == 0 || g_strcmp0 (state, "failed") == 0) {
    text = g_strdup_printf (_("Starting %s…"), cells_dbus_cell_get_display_name (cell));
    toast (self, text);
    switcher_call (cell, "Start", NULL, NULL, -1, on_start_ready, g_object_ref (self));
  } else {
    text = g_strdup_printf (_("%s is %s; try again in a moment."),
                            cells_dbus_cell_get_display_name (cell),
                            switcher_state_label (state));
    toast (self, text);
  }
}

static void
show_cell_page (SwitcherWindow *self, CellsDBusCell *cell)
{
  switcher_cell_page_set_cell (SWITCHER_CELL_PAGE (self->cell_page), cell);
  adw_window_title_set_title (ADW_WINDOW_TITLE (self->cell_title),
                              cells_dbus_cell_get_display_name (cell));
  show_page (self->stack, "cell");
}

static void
on_card_settings (SwitcherCellCard *card, SwitcherWindow *self)
{
  show_cell_page (self, switcher_cell_card_get_cell (card));
}

/* Ringing */

static void
update_banner (SwitcherWindow *self)
{
  GHashTableIter iter;
  const char *cell_name = NULL, *number = NULL;
  CellsDBusCell *cell;
  g_autofree char *title = NULL;

  g_hash_table_iter_init (&iter, self->ringing);
  if (self->banner_cell != NULL && g_hash_table_contains (self->ringing, self->banner_cell)) {
    cell_name = self->banner_cell;
    number = g_hash_table_lookup (self->ringing, cell_name);
  } else if (!g_hash_table_iter_next (&iter, (gpointer *) &cell_name, (gpointer *) &number)) {
    cell_name = NULL;
  }
  cell = cell_name ? switcher_client_lookup (self->client, cell_name) : NULL;
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner), cell != NULL);
  gtk_widget_set_visible (self->banner, cell != NULL);
  if (cell == NULL) {
    g_clear_pointer (&self->banner_cell, g_free);
    return;
  }
  if (self->banner_cell != cell_name) {
    g_free (self->banner_cell);
    self->banner_cell = g_strdup (cell_name);
  }
  title = g_strdup_printf (_("Call for %s"), cells_dbus_cell_get_display_name (cell));
  gtk_label_set_text (GTK_LABEL (self->banner_title), title);
  gtk_label_set_text (GTK_LABEL (self->banner_number),
                      number && *number ? number : _("Unknown caller"));
}

static void
set_ringing (SwitcherWindow *self, const char *cell, const char *number)
{
  SwitcherCellCard *card = find_card (self, cell);

  if (number != NULL)
    g_hash_table_insert (self->ringing, g_strdup (cell), g_strdup (number));
  else
    g_hash_table_remove (self->ringing, cell);
  if (card != NULL)
    switcher_cell_card_set_ringing (card, number);
  update_banner (self);
}

static void
on_incoming_call (SwitcherClient *client, const char *cell, const char *number,
                  SwitcherWindow *self)
{
  g_message ("Incoming call for %s from “%s”", cell, number);
  set_ringing (self, cell, number);
}

static void
on_cell_properties_changed (GDBusProxy *proxy, GVariant *changed, GStrv invalidated,
                            SwitcherWindow *self)
{
  CellsDBusCell *cell = CELLS_DBUS_CELL (proxy);
  const char *name = cells_dbus_cell_get_name (cell);

  /* A call that stops ringing takes its banner along. */
  if (g_hash_table_contains (self->ringing, name) && cells_dbus_cell_get_calls (cell) == 0)
    set_ringing (self, name, NULL);
}

static void
on_answer_clicked (GtkButton *button, SwitcherWindow *self)
{
  CellsDBusCell *cell = self->banner_cell ?
                        switcher_client_lookup (self->client, self->banner_cell) : NULL;

  if (cell != NULL)
    switch_to (self, cell);
}

static void
on_decline_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(SwitcherWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!switcher_call_finish (source, res, &error))
    toast_error (self, error);
}

static void
on_decline_clicked (GtkButton *button, SwitcherWindow *self)
{
  CellsDBusManager *manager = switcher_client_get_manager (self->client);
  g_autofree char *cell = g_strdup (self->banner_cell);

  if (manager == NULL || cell == NULL)
    return;
  set_ringing (self, cell, NULL);
  switcher_call (manager, "DeclineCall", g_variant_new ("(s)", cell), NULL, -1, on_decline_ready,
                 g_object_ref (self));
}

static GtkWidget *
create_card (gpointer item, gpointer data)
{
  SwitcherWindow *self = data;
  CellsDBusCell *cell = item;
  GtkWidget *card = switcher_cell_card_new (cell);
  GtkWidget *child = gtk_flow_box_child_new ();

  g_signal_connect (card, "activated", G_CALLBACK (on_card_activated), self);
  g_signal_connect (card, "settings", G_CALLBACK (on_card_settings), self);
  g_signal_connect_object (cell, "g-properties-changed",
                           G_CALLBACK (on_cell_properties_changed), self, 0);
  switcher_cell_card_set_ringing (SWITCHER_CELL_CARD (card),
                                  g_hash_table_lookup (self->ringing,
                                                       cells_dbus_cell_get_name (cell)));
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), card);
  gtk_widget_set_focusable (child, FALSE);
  return child;
}

/* Pages */

static void
on_cells_changed (GListModel *cells, guint pos, guint removed, guint added, SwitcherWindow *self)
{
  CellsDBusCell *shown = switcher_cell_page_get_cell (SWITCHER_CELL_PAGE (self->cell_page));
  guint n = g_list_model_get_n_items (cells);

  show_page (self->home_stack, n > 0 ? "cards" : "empty");
  /* A cell that went away takes its page along. */
  if (shown != NULL && switcher_client_lookup (self->client,
                                               cells_dbus_cell_get_name (shown)) != shown) {
    switcher_cell_page_set_cell (SWITCHER_CELL_PAGE (self->cell_page), NULL);
    if (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->stack)), "cell") == 0)
      show_page (self->stack, "home");
  }
  update_banner (self);
}

static void
on_connected (SwitcherClient *client, GParamSpec *pspec, SwitcherWindow *self)
{
  gboolean connected = switcher_client_get_connected (client);

  if (!connected) {
    g_hash_table_remove_all (self->ringing);
    show_page (self->stack, "offline");
  } else {
    show_page (self->stack, "home");
  }
  update_banner (self);
}

static void
go_home (SwitcherWindow *self)
{
  show_page (self->stack, "home");
}

static void
on_back_clicked (GtkButton *button, SwitcherWindow *self)
{
  go_home (self);
}

static void
on_new_clicked (GtkButton *button, SwitcherWindow *self)
{
  switcher_create_page_reset (SWITCHER_CREATE_PAGE (self->create_page));
  show_page (self->stack, "create");
}

static void
on_created (SwitcherCreatePage *page, const char *name, SwitcherWindow *self)
{
  g_autofree char *text = g_strdup_printf (_("Cell “%s” created"), name);

  toast (self, text);
  go_home (self);
}

static void
on_deleted (SwitcherCellPage *page, SwitcherWindow *self)
{
  go_home (self);
}

/* Building the window */

static GtkWidget *
page_with_header (GtkWidget *header, GtkWidget *content)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), header);
  gtk_widget_set_vexpand (content, TRUE);
  gtk_box_append (GTK_BOX (box), content);
  return box;
}

static GtkWidget *
header_with_back (SwitcherWindow *self, GtkWidget *title)
{
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *back = gtk_button_new_from_icon_name ("go-previous-symbolic");

  gtk_widget_set_tooltip_text (back, _("Back"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (back), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Back"), -1);
  g_signal_connect (back, "clicked", G_CALLBACK (on_back_clicked), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), back);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  return header;
}

static GtkWidget *
build_offline (SwitcherWindow *self)
{
  GtkWidget *status = adw_status_page_new ();

  /* No spinner: it redraws the screen for as long as cellsd is away (a
   * whole core in GTK 4.8), and the page already says it waits. */
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "dialog-warning-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("The Cell Service Is Not Running"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                   _("Waiting for cellsd. The switcher connects by itself as "
                                     "soon as the service is back."));
  return page_with_header (adw_header_bar_new (), status);
}

static GtkWidget *
build_banner (SwitcherWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *answer = switcher_button_new (_("_Answer"));
  GtkWidget *decline = switcher_button_new (_("_Decline"));
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_widget_add_css_class (box, "incoming-banner");
  gtk_box_append (GTK_BOX (top), gtk_image_new_from_icon_name ("call-start-symbolic"));
  self->banner_title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->banner_title), 0);
  gtk_label_set_wrap (GTK_LABEL (self->banner_title), TRUE);
  gtk_widget_add_css_class (self->banner_title, "heading");
  self->banner_number = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->banner_number), 0);
  gtk_label_set_selectable (GTK_LABEL (self->banner_number), FALSE);
  gtk_box_append (GTK_BOX (texts), self->banner_title);
  gtk_box_append (GTK_BOX (texts), self->banner_number);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (top), texts);
  gtk_box_append (GTK_BOX (box), top);
  gtk_widget_add_css_class (answer, "suggested-action");
  gtk_widget_add_css_class (decline, "destructive-action");
  gtk_widget_set_size_request (answer, -1, 48);
  gtk_widget_set_size_request (decline, -1, 48);
  g_signal_connect (answer, "clicked", G_CALLBACK (on_answer_clicked), self);
  g_signal_connect (decline, "clicked", G_CALLBACK (on_decline_clicked), self);
  gtk_box_set_homogeneous (GTK_BOX (buttons), TRUE);
  gtk_box_append (GTK_BOX (buttons), decline);
  gtk_box_append (GTK_BOX (buttons), answer);
  gtk_box_append (GTK_BOX (box), buttons);
  self->banner = gtk_revealer_new ();
  gtk_revealer_set_child (GTK_REVEALER (self->banner), box);
  gtk_widget_set_visible (self->banner, FALSE);
  return self->banner;
}

static GtkWidget *
build_home (SwitcherWindow *self)
{
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scroll = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *empty = adw_status_page_new ();
  GtkWidget *create = switcher_button_new (_("_Create a Cell"));

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Cells"), NULL));
  gtk_widget_set_tooltip_text (add, _("New cell"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("New cell"), -1);
  g_signal_connect (add, "clicked", G_CALLBACK (on_new_clicked), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), add);

  self->cards = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->cards), GTK_SELECTION_NONE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (self->cards), 1);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->cards), 3);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (self->cards), TRUE);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->cards), 12);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->cards), 12);
  gtk_widget_set_valign (self->cards, GTK_ALIGN_START);
  gtk_widget_add_css_class (self->cards, "cell-cards");
  gtk_flow_box_bind_model (GTK_FLOW_BOX (self->cards), switcher_client_get_cells (self->client),
                           create_card, self, NULL);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 1100);
  adw_clamp_set_child (ADW_CLAMP (clamp), self->cards);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "phone-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Cells Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("A cell is a phone of its own on this phone, with its own "
                                     "apps, files and number."));
  gtk_widget_add_css_class (create, "suggested-action");
  gtk_widget_add_css_class (create, "pill");
  gtk_widget_set_halign (create, GTK_ALIGN_CENTER);
  g_signal_connect (create, "clicked", G_CALLBACK (on_new_clicked), self);
  adw_status_page_set_child (ADW_STATUS_PAGE (empty), create);

  self->home_stack = gtk_stack_new ();
  gtk_stack_add_named (GTK_STACK (self->home_stack), scroll, "cards");
  gtk_stack_add_named (GTK_STACK (self->home_stack), empty, "empty");
  gtk_widget_set_vexpand (self->home_stack, TRUE);
  gtk_box_append (GTK_BOX (box), build_banner (self));
  gtk_box_append (GTK_BOX (box), self->home_stack);
  return page_with_header (header, box);
}

static GtkWidget *
build_splash (SwitcherWindow *self)
{
  GtkWidget *overlay = gtk_overlay_new ();
  AdwAnimationTarget *target = adw_callback_animation_target_new (on_splash_value, self, NULL);

  self->splash_area = gtk_drawing_area_new ();
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->splash_area), draw_splash, self, NULL);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), self->splash_area);
  self->splash_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->splash_label), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->splash_label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (self->splash_label, "title-1");
  gtk_widget_set_halign (self->splash_label, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->splash_label, GTK_ALIGN_CENTER);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), self->splash_label);
  gtk_widget_set_visible (overlay, FALSE);
  self->splash_animation = adw_timed_animation_new (overlay, 0, 1, SPLASH_GROW_MS, target);
  adw_timed_animation_set_easing (ADW_TIMED_ANIMATION (self->splash_animation), ADW_EASE_OUT_CUBIC);
  g_signal_connect (self->splash_animation, "done", G_CALLBACK (on_splash_done), self);
  self->splash = overlay;
  return overlay;
}

static void
build (SwitcherWindow *self)
{
  GtkWidget *overlay = gtk_overlay_new ();

  self->stack = gtk_stack_new ();
  gtk_stack_add_named (GTK_STACK (self->stack), build_offline (self), "offline");
  gtk_stack_add_named (GTK_STACK (self->stack), build_home (self), "home");

  self->cell_title = adw_window_title_new ("", NULL);
  self->cell_page = switcher_cell_page_new ();
  g_signal_connect (self->cell_page, "deleted", G_CALLBACK (on_deleted), self);
  gtk_stack_add_named (GTK_STACK (self->stack),
                       page_with_header (header_with_back (self, self->cell_title),
                                         self->cell_page), "cell");
  self->create_page = switcher_create_page_new (self->client);
  g_signal_connect (self->create_page, "created", G_CALLBACK (on_created), self);
  gtk_stack_add_named (GTK_STACK (self->stack),
                       page_with_header (header_with_back (self,
                                                           adw_window_title_new (_("New Cell"),
                                                                                 NULL)),
                                         self->create_page), "create");

  gtk_overlay_set_child (GTK_OVERLAY (overlay), self->stack);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), build_splash (self));
  self->toasts = adw_toast_overlay_new ();
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (self->toasts), overlay);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), self->toasts);
}

static void
switcher_window_dispose (GObject *object)
{
  SwitcherWindow *self = SWITCHER_WINDOW (object);

  g_clear_handle_id (&self->splash_hide_id, g_source_remove);
  if (self->client != NULL) {
    g_signal_handlers_disconnect_by_data (self->client, self);
    g_signal_handlers_disconnect_by_data (switcher_client_get_cells (self->client), self);
  }
  g_clear_object (&self->splash_animation);
  g_clear_object (&self->client);
  g_clear_pointer (&self->ringing, g_hash_table_unref);
  g_clear_pointer (&self->banner_cell, g_free);
  g_clear_pointer (&self->switching_to, g_free);
  G_OBJECT_CLASS (switcher_window_parent_class)->dispose (object);
}

static void
switcher_window_class_init (SwitcherWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = switcher_window_dispose;
}

static void
switcher_window_init (SwitcherWindow *self)
{
  self->ringing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

GtkWidget *
switcher_window_new (GtkApplication *app, SwitcherClient *client)
{
  SwitcherWindow *self = g_object_new (SWITCHER_TYPE_WINDOW, "application", app,
                                       "title", _("Cells"), "default-width", 360,
                                       "default-height", 720, NULL);
  GListModel *cells = switcher_client_get_cells (client);

  self->client = g_object_ref (client);
  build (self);
  g_signal_connect (client, "notify::connected", G_CALLBACK (on_connected), self);
  g_signal_connect (client, "incoming-call", G_CALLBACK (on_incoming_call), self);
  g_signal_connect (cells, "items-changed", G_CALLBACK (on_cells_changed), self);
  on_connected (client, NULL, self);
  on_cells_changed (cells, 0, 0, 0, self);
  return GTK_WIDGET (self);
}
