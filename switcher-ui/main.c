/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-switcher"

#include "switcher-client.h"
#include "switcher-window.h"

#include <glib/gi18n.h>

#include <locale.h>

/*
 * cells-switcher: the trusted switcher of the phone's cells. It talks to
 * cellsd on the system bus only; see README.md for where it runs.
 */

static const char css[] =
  "cellcard.foreground { box-shadow: inset 0 0 0 3px @accent_bg_color; }\n"
  ".cell-card-button { padding: 12px; border-radius: 12px; font-weight: normal; }\n"
  ".cell-cards { padding: 12px; }\n"
  ".pill-badge { border-radius: 999px; padding: 2px 10px; font-weight: bold;"
  " font-size: smaller; }\n"
  ".foreground-badge { background: @accent_bg_color; color: @accent_fg_color; }\n"
  ".ringing-badge { background: @success_bg_color; color: @success_fg_color; }\n"
  ".incoming-banner { background: @success_bg_color; color: @success_fg_color;"
  " padding: 12px; }\n"
  ".error-banner { background: @error_bg_color; color: @error_fg_color; padding: 12px; }\n"
  ".color-swatch:checked { box-shadow: 0 0 0 3px @accent_color; }\n";

/* Input devices as GTK sees them come and go (with --verbose): the
 * compositor takes them away while a cell has the screen. */
static void
on_device (GdkSeat *seat, GdkDevice *device, gpointer added)
{
  g_debug ("Input device %s: %s (source %d)", added ? "added" : "removed",
           gdk_device_get_name (device), gdk_device_get_source (device));
}

static void
on_startup (GApplication *app, gpointer data)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
  GdkSeat *seat = gdk_display_get_default_seat (gdk_display_get_default ());

  if (seat != NULL) {
    g_signal_connect (seat, "device-added", G_CALLBACK (on_device), GINT_TO_POINTER (TRUE));
    g_signal_connect (seat, "device-removed", G_CALLBACK (on_device), NULL);
  }

  gtk_css_provider_load_from_data (provider, css, -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
on_activate (GApplication *app, SwitcherClient *client)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (switcher_window_new (GTK_APPLICATION (app), client));
  gtk_window_present (window);
}

static int
on_handle_local_options (GApplication *app, GVariantDict *options, gpointer data)
{
  if (g_variant_dict_contains (options, "verbose"))
    g_log_set_debug_enabled (TRUE);
  return -1;
}

int
main (int argc, char **argv)
{
  g_autoptr(AdwApplication) app = NULL;
  g_autoptr(SwitcherClient) client = NULL;
  const char *locale_dir = g_getenv ("CELLS_SWITCHER_LOCALEDIR");
  const GOptionEntry entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, NULL, N_("Log what the switcher does"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir && *locale_dir ? locale_dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("cells-switcher");
  g_set_application_name (_("Cells"));

  app = adw_application_new ("org.cells.Switcher", G_APPLICATION_NON_UNIQUE);
  g_application_add_main_option_entries (G_APPLICATION (app), entries);
  client = switcher_client_new ();
  g_signal_connect (app, "handle-local-options", G_CALLBACK (on_handle_local_options), NULL);
  g_signal_connect (app, "startup", G_CALLBACK (on_startup), NULL);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), client);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
