/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The importer's verdict on each line of tar's listing: sizes against the
 * limit, names that lead out of the image, what is not an entry.
 */
#include "cells-image.h"

#include <glib.h>

#include <string.h>

#define GIB (G_GUINT64_CONSTANT (1) << 30)

static CellsImageVerdict
check (const char *line, CellsImageEntry *entry)
{
  return cells_image_check_entry (line, 4 * GIB, entry);
}

static void
assert_name (const CellsImageEntry *entry, const char *name)
{
  g_assert_cmpuint (entry->name_length, ==, strlen (name));
  g_assert_cmpint (memcmp (entry->name, name, entry->name_length), ==, 0);
}

/* Lines as GNU tar 1.34 writes them (with --xattrs a flag column). */
static void
test_kinds (void)
{
  CellsImageEntry e;

  g_assert_cmpint (check ("-rw-r--r--  0/0               2 2026-12-02 06:25 ./a b", &e),
                   ==, CELLS_IMAGE_ENTRY_OK);
  g_assert_cmpint (e.type, ==, '-');
  g_assert_cmpuint (e.size, ==, 2);
  g_assert_false (e.setid);
  assert_name (&e, "./a b");

  g_assert_cmpint (check ("drwxr-xr-x* 0/0 0 2026-12-02 06:25 ./d/", &e), ==, CELLS_IMAGE_ENTRY_OK);
  g_assert_cmpint (e.type, ==, 'd');

  g_assert_cmpint (check ("-rwsr-xr-x  0/0 0 2026-12-02 06:25 ./bin/su", &e),
                   ==, CELLS_IMAGE_ENTRY_OK);
  g_assert_true (e.setid);

  g_assert_cmpint (check ("crw-rw-rw-  0/0             1,3 2026-12-02 06:25 ./dev/null", &e),
                   ==, CELLS_IMAGE_ENTRY_OK);
  g_assert_cmpint (e.type, ==, 'c');
  g_assert_cmpuint (e.size, ==, 0);

  /* A symbolic link may point anywhere: it is read inside the cell. */
  g_assert_cmpint (check ("lrwxrwxrwx  0/0 0 2026-12-02 06:25 ./etc/localtime -> "
                          "../usr/share/zoneinfo/UTC", &e), ==, CELLS_IMAGE_ENTRY_OK);
  assert_name (&e, "./etc/localtime");
  g_assert_cmpint (check ("lrwxrwxrwx  0/0 0 2026-12-02 06:25 ./abs -> /etc/passwd", &e),
                   ==, CELLS_IMAGE_ENTRY_OK);

  g_assert_cmpint (check ("hrw-r--r--  0/0 0 2026-12-02 06:25 ./a b -> c link to ./hard", &e),
                   ==, CELLS_IMAGE_ENTRY_OK);
  assert_name (&e, "./a b -> c");

  /* The seconds alone, for a time tar cannot show as a date. */
  g_assert_cmpint (check ("-rw-r--r-- 0/0 5 -62167219201 ./old", &e), ==, CELLS_IMAGE_ENTRY_OK);
  assert_name (&e, "./old");
}

static void
test_sizes (void)
{
  CellsImageEntry e;

  g_assert_cmpint (check ("-rw-r--r--  0/0 4294967296 2026-12-02 06:26 ./four", &e),
                   ==, CELLS_IMAGE_ENTRY_OK);
  /* A sparse file is listed with its whole size. */
  g_assert_cmpint (check ("-rw-r--r--  0/0 4294967297 2026-12-02 06:26 ./sparse", &e),
                   ==, CELLS_IMAGE_ENTRY_TOO_LARGE);
  g_assert_cmpint (check ("-rw-r--r--  0/0 99999999999999999999 2026-12-02 06:26 ./x", &e),
                   ==, CELLS_IMAGE_ENTRY_UNREADABLE);
}

static void
test_traversal (void)
{
  CellsImageEntry e;

  g_assert_cmpint (check ("-rw-r--r-- 0/0 0 1970-01-01 00:00 ../evil", &e),
                   ==, CELLS_IMAGE_ENTRY_TRAVERSAL);
  g_assert_cmpint (check ("-rw-r--r-- 0/0 0 1970-01-01 00:00 a/../../evil", &e),
                   ==, CELLS_IMAGE_ENTRY_TRAVERSAL);
  g_assert_cmpint (check ("drwxr-xr-x 0/0 0 1970-01-01 00:00 a/..", &e),
                   ==, CELLS_IMAGE_ENTRY_TRAVERSAL);
  g_assert_cmpint (check ("-rw-r--r-- 0/0 0 1970-01-01 00:00 a/..b/...", &e),
                   ==, CELLS_IMAGE_ENTRY_OK);
  g_assert_cmpint (check ("hrw-r--r-- 0/0 0 1970-01-01 00:00 hl link to ../../etc/passwd", &e),
                   ==, CELLS_IMAGE_ENTRY_TRAVERSAL);
  /* A link named "x -> .." could end at either arrow. */
  g_assert_cmpint (check ("lrwxrwxrwx 0/0 0 1970-01-01 00:00 x -> ../y -> z", &e),
                   ==, CELLS_IMAGE_ENTRY_TRAVERSAL);
  g_assert_cmpint (check ("lrwxrwxrwx 0/0 0 1970-01-01 00:00 x -> ../y", &e),
                   ==, CELLS_IMAGE_ENTRY_OK);
  /* The name "./.." ends at the first arrow, though the last is further
   * on (found by fuzz-image-entry). */
  g_assert_cmpint (check ("lrwxrwxrwx 0/0 0 1970-01-01 00:00 ./.. -> -> x", &e),
                   ==, CELLS_IMAGE_ENTRY_TRAVERSAL);
  g_assert_cmpint (check ("lrwxrwxrwx 0/0 0 1970-01-01 00:00 .. -> -> ", &e),
                   ==, CELLS_IMAGE_ENTRY_TRAVERSAL);
}

static void
test_not_entries (void)
{
  CellsImageEntry e;

  g_assert_cmpint (check ("drwxr-xr-x                  Creating directory: tmp", &e),
                   ==, CELLS_IMAGE_ENTRY_NOTE);
  g_assert_cmpint (check ("-rw-r--r--                  Creating directory: tmp", &e),
                   ==, CELLS_IMAGE_ENTRY_UNREADABLE);
  g_assert_cmpint (check ("", &e), ==, CELLS_IMAGE_ENTRY_UNREADABLE);
  g_assert_cmpint (check (" -rw-r--r-- 0/0 0 1970-01-01 00:00 x", &e),
                   ==, CELLS_IMAGE_ENTRY_UNREADABLE);
  g_assert_cmpint (check ("-rw-r--r-- 0/0 0 1970-01-01 00:00 ", &e),
                   ==, CELLS_IMAGE_ENTRY_UNREADABLE);
  g_assert_cmpint (check ("lrwxrwxrwx 0/0 0 1970-01-01 00:00 nolink", &e),
                   ==, CELLS_IMAGE_ENTRY_UNREADABLE);
  g_assert_cmpint (check ("crw-rw-rw- 0/0 13 1970-01-01 00:00 dev", &e),
                   ==, CELLS_IMAGE_ENTRY_UNREADABLE);
  g_assert_cmpint (check ("-rw-r--r-- 0/0 0 1970-01-01 x", &e), ==, CELLS_IMAGE_ENTRY_UNREADABLE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/image/kinds", test_kinds);
  g_test_add_func ("/image/sizes", test_sizes);
  g_test_add_func ("/image/traversal", test_traversal);
  g_test_add_func ("/image/not-entries", test_not_entries);
  return g_test_run ();
}
