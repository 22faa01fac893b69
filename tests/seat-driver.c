/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "seat-driver.h"

#include <gio/gunixinputstream.h>

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

SeatDriver *
seat_driver_spawn (const char *const *argv)
{
  SeatDriver *c = g_new0 (SeatDriver, 1);
  g_autoptr(GError) error = NULL;

  c->process = g_subprocess_newv (
      argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  c->out_fd =
      g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (c->process)));
  c->pending = g_string_new (NULL);
  return c;
}

/* The next line the client prints, or NULL after 5 s of silence. */
char *
seat_driver_line (SeatDriver *c)
{
  for (;;) {
    char *nl = strchr (c->pending->str, '\n');
    struct pollfd pfd = { .fd = c->out_fd, .events = POLLIN };
    char buf[256];
    ssize_t n;

    if (nl != NULL) {
      char *line = g_strndup (c->pending->str, nl - c->pending->str);

      g_string_erase (c->pending, 0, nl - c->pending->str + 1);
      return line;
    }
    if (poll (&pfd, 1, 5000) <= 0)
      return NULL;
    n = read (c->out_fd, buf, sizeof buf);
    if (n <= 0)
      return NULL;
    g_string_append_len (c->pending, buf, n);
  }
}

void
seat_driver_say (SeatDriver *c, const char *command)
{
  GOutputStream *in = g_subprocess_get_stdin_pipe (c->process);
  g_autofree char *line = g_strconcat (command, "\n", NULL);

  g_assert_true (g_output_stream_write_all (in, line, strlen (line), NULL, NULL, NULL));
}

void
seat_driver_free (SeatDriver *c)
{
  GOutputStream *in = g_subprocess_get_stdin_pipe (c->process);

  /* Let it end by itself (in a cell, killing cellsctl would leave it). */
  if (g_subprocess_get_identifier (c->process) != NULL)
    g_output_stream_write_all (in, "quit\n", 5, NULL, NULL, NULL);
  g_output_stream_close (in, NULL, NULL);
  for (int i = 0; i < 100 && g_subprocess_get_identifier (c->process) != NULL; i++) {
    g_main_context_iteration (NULL, FALSE);
    g_usleep (20 * 1000);
  }
  g_subprocess_force_exit (c->process);
  g_subprocess_wait (c->process, NULL, NULL);
  g_object_unref (c->process);
  g_string_free (c->pending, TRUE);
  g_free (c);
}

/* The Manager's SwitchTo, waited for. */
void
bench_switch_to (GDBusConnection *bus, const char *cell)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
    g_dbus_connection_call_sync (bus, "org.cells.Cells1", "/org/cells/Cells1",
                                 "org.cells.Cells1.Manager", "SwitchTo",
                                 g_variant_new ("(s)", cell), NULL, 0, -1, NULL, &error);

  g_assert_no_error (error);
}

static int
compare (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Median and p99 of @n times in ns (sorting @v), each divided by @unit. */
void
bench_stats (gint64 *v, int n, double unit, double *median, double *p99)
{
  qsort (v, n, sizeof *v, compare);
  *median = v[n / 2] / unit;
  *p99 = v[MIN (n - 1, (n * 99) / 100)] / unit;
}
