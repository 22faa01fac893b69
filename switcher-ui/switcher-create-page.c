/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "switcher-create-page"

#include "switcher-create-page.h"
#include "switcher-util.h"

#include <glib/gi18n.h>
#include <gio/gunixfdlist.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/**
 * SwitcherCreatePage:
 *
 * Makes a cell: its name, the name people read, and the base image it is
 * made from, one of cellsd's images or one imported here from a root
 * file system archive, with the import's progress from cellsd's
 * ImportProgress. "created" (name) is emitted once cellsd made it.
 */

struct _SwitcherCreatePage {
  AdwBin          parent;

  SwitcherClient *client;
  GtkStringList  *images;
  char           *importing;   /* the image being imported */
  char           *imported;    /* the image to offer once the list is back */

  GtkWidget      *error_banner;
  GtkWidget      *name_row;
  GtkWidget      *display_row;
  GtkWidget      *image_row;
  GtkWidget      *import_button;
  GtkWidget      *progress;
  GtkWidget      *create_button;
  GtkFileChooserNative *chooser;
};

G_DEFINE_TYPE (SwitcherCreatePage, switcher_create_page, ADW_TYPE_BIN)

enum {
  CREATED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
show_error (SwitcherCreatePage *self, const GError *error)
{
  switcher_error_banner_show (self->error_banner, error);
}

static void
on_list_images_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(SwitcherCreatePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) images = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->images));

  if (!cells_dbus_manager_call_list_images_finish (CELLS_DBUS_MANAGER (source), &images, res,
                                                   &error)) {
    show_error (self, error);
    return;
  }
  gtk_string_list_splice (self->images, 0, n, (const char *const *) images);
  gtk_widget_set_sensitive (self->create_button, images[0] != NULL);
  for (guint i = 0; self->imported != NULL && images[i] != NULL; i++) {
    if (g_str_equal (images[i], self->imported))
      adw_combo_row_set_selected (ADW_COMBO_ROW (self->image_row), i);
  }
  g_clear_pointer (&self->imported, g_free);
}

static void
refresh_images (SwitcherCreatePage *self)
{
  CellsDBusManager *manager = switcher_client_get_manager (self->client);

  if (manager != NULL)
    cells_dbus_manager_call_list_images (manager, NULL, on_list_images_ready,
                                         g_object_ref (self));
}

/* Importing */

static void
on_import_progress (SwitcherClient *client, const char *name, guint64 done, guint64 total,
                    SwitcherCreatePage *self)
{
  if (g_strcmp0 (name, self->importing) != 0)
    return;
  if (total > 0)
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), (double) done / total);
  else
    gtk_progress_bar_pulse (GTK_PROGRESS_BAR (self->progress));
}

static void
on_import_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(SwitcherCreatePage) self = user_data;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (self->import_button, TRUE);
  gtk_widget_set_visible (self->progress, FALSE);
  if (!switcher_call_finish (source, res, &error)) {
    show_error (self, error);
    g_clear_pointer (&self->importing, g_free);
  } else {
    show_error (self, NULL);
    g_free (self->imported);
    self->imported = g_steal_pointer (&self->importing);
  }
  refresh_images (self);
}

/* An image's name from its file's: what is left of "debian-12.tar.gz"
 * after the suffixes, in the characters cellsd takes. */
static char *
image_name_for (GFile *file)
{
  g_autofree char *base = g_file_get_basename (file);
  g_autoptr(GString) name = g_string_new (NULL);
  char *dot = strstr (base, ".tar");

  if (dot != NULL)
    *dot = '\0';
  for (const char *p = base; *p != '\0' && name->len < 64; p++) {
    char c = g_ascii_tolower (*p);

    if (g_ascii_isalnum (c))
      g_string_append_c (name, c);
    else if (name->len > 0 && name->str[name->len - 1] != '-')
      g_string_append_c (name, '-');
  }
  while (name->len > 0 && !g_ascii_isalpha (name->str[0]))
    g_string_erase (name, 0, 1);
  return name->len > 0 ? g_string_free (g_steal_pointer (&name), FALSE) : g_strdup ("image");
}

static void
import_file (SwitcherCreatePage *self, GFile *file)
{
  CellsDBusManager *manager = switcher_client_get_manager (self->client);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
  g_autoptr(GError) error = NULL;
  int fd = path != NULL ? open (path, O_RDONLY | O_CLOEXEC) : -1;

  if (manager == NULL || fd < 0) {
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not open %s."),
                 path ?: g_file_peek_path (file));
    show_error (self, error);
    return;
  }
  if (g_unix_fd_list_append (fds, fd, &error) < 0) {
    close (fd);
    show_error (self, error);
    return;
  }
  close (fd);
  g_free (self->importing);
  self->importing = image_name_for (file);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), 0);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress), self->importing);
  gtk_widget_set_visible (self->progress, TRUE);
  gtk_widget_set_sensitive (self->import_button, FALSE);
  /* cellsd answers once the whole archive is unpacked. */
  switcher_call (manager, "ImportImage", g_variant_new ("(sh)", self->importing, 0), fds,
                 G_MAXINT, on_import_ready, g_object_ref (self));
}

static void
on_chooser_response (GtkNativeDialog *dialog, int response, SwitcherCreatePage *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT) {
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
    if (file != NULL)
      import_file (self, file);
  }
  g_clear_object (&self->chooser);
}

static void
on_import_clicked (GtkButton *button, SwitcherCreatePage *self)
{
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Root file system archives"));
  gtk_file_filter_add_pattern (filter, "*.tar*");
  gtk_file_filter_add_pattern (filter, "*.tgz");
  self->chooser = gtk_file_chooser_native_new (_("Import an Image"), window,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"),
                                               _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Creating */

static void
on_create_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(SwitcherCreatePage) self = user_data;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (self->create_button, TRUE);
  if (!switcher_call_finish (source, res, &error)) {
    show_error (self, error);
    return;
  }
  show_error (self, NULL);
  g_signal_emit (self, signals[CREATED], 0,
                 gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
}

static void
on_create_clicked (GtkButton *button, SwitcherCreatePage *self)
{
  CellsDBusManager *manager = switcher_client_get_manager (self->client);
  const char *display = gtk_editable_get_text (GTK_EDITABLE (self->display_row));
  GtkStringObject *image = adw_combo_row_get_selected_item (ADW_COMBO_ROW (self->image_row));
  GVariantBuilder b;

  if (manager == NULL || image == NULL)
    return;
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "image",
                         g_variant_new_string (gtk_string_object_get_string (image)));
  if (*display != '\0')
    g_variant_builder_add (&b, "{sv}", "display-name", g_variant_new_string (display));
  gtk_widget_set_sensitive (self->create_button, FALSE);
  switcher_call (manager, "CreateCell",
                 g_variant_new ("(s@a{sv})", gtk_editable_get_text (GTK_EDITABLE (self->name_row)),
                                g_variant_builder_end (&b)),
                 NULL, -1, on_create_ready, g_object_ref (self));
}

static GtkWidget *
build_form (SwitcherCreatePage *self)
{
  GtkWidget *group = adw_preferences_group_new ();

  self->name_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row),
                                 _("Short name (a-z, 0-9 and -)"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->name_row);
  self->display_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->display_row), _("Name"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->display_row);
  self->image_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->image_row), _("Image"));
  adw_combo_row_set_model (ADW_COMBO_ROW (self->image_row), G_LIST_MODEL (self->images));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->image_row);
  return group;
}

static void
build (SwitcherCreatePage *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->error_banner = switcher_error_banner_new ();
  gtk_box_append (GTK_BOX (outer), self->error_banner);

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("New Cell"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                            ADW_PREFERENCES_GROUP (build_form (self)));
  self->import_button = switcher_button_new (_("_Import an Image…"));
  gtk_widget_set_size_request (self->import_button, -1, 48);
  g_signal_connect (self->import_button, "clicked", G_CALLBACK (on_import_clicked), self);
  self->progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (self->progress), TRUE);
  gtk_widget_set_visible (self->progress, FALSE);
  self->create_button = switcher_button_new (_("C_reate"));
  gtk_widget_add_css_class (self->create_button, "suggested-action");
  gtk_widget_set_size_request (self->create_button, -1, 48);
  g_signal_connect (self->create_button, "clicked", G_CALLBACK (on_create_clicked), self);
  gtk_box_append (GTK_BOX (box), self->import_button);
  gtk_box_append (GTK_BOX (box), self->progress);
  gtk_box_append (GTK_BOX (box), self->create_button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), box);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (outer), page);
  adw_bin_set_child (ADW_BIN (self), outer);
}

static void
switcher_create_page_dispose (GObject *object)
{
  SwitcherCreatePage *self = SWITCHER_CREATE_PAGE (object);

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->images);
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->importing, g_free);
  g_clear_pointer (&self->imported, g_free);
  G_OBJECT_CLASS (switcher_create_page_parent_class)->dispose (object);
}

static void
switcher_create_page_class_init (SwitcherCreatePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = switcher_create_page_dispose;
  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
switcher_create_page_init (SwitcherCreatePage *self)
{
  self->images = gtk_string_list_new (NULL);
  build (self);
}

GtkWidget *
switcher_create_page_new (SwitcherClient *client)
{
  SwitcherCreatePage *self = g_object_new (SWITCHER_TYPE_CREATE_PAGE, NULL);

  self->client = g_object_ref (client);
  g_signal_connect (client, "import-progress", G_CALLBACK (on_import_progress), self);
  return GTK_WIDGET (self);
}

/**
 * switcher_create_page_reset:
 *
 * Empties the form and fetches cellsd's images anew.
 */
void
switcher_create_page_reset (SwitcherCreatePage *self)
{
  g_return_if_fail (SWITCHER_IS_CREATE_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->display_row), "");
  show_error (self, NULL);
  refresh_images (self);
}
