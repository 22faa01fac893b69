/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Device claims: who holds which node, and the microphone that a SIP
 * call holds while its audio runs.
 */
#include "cells-claims.h"
#include "cells-media.h"
#include "cells-util.h"

#include <glib.h>

static void
test_shared_and_exclusive (void)
{
  g_autoptr(CellsClaims) claims = cells_claims_new ();

  /* Shared holders share; an exclusive one keeps others out until it lets go. */
  g_assert_null (cells_claims_take (claims, "/dev/x", "a", FALSE));
  g_assert_null (cells_claims_take (claims, "/dev/x", "b", FALSE));
  g_assert_cmpstr (cells_claims_take (claims, "/dev/x", "c", TRUE), !=, NULL);
  cells_claims_release (claims, "/dev/x", "a");
  cells_claims_release (claims, "/dev/x", "b");
  g_assert_null (cells_claims_take (claims, "/dev/x", "c", TRUE));
  g_assert_null (cells_claims_take (claims, "/dev/x", "c", TRUE));
  g_assert_cmpstr (cells_claims_take (claims, "/dev/x", "a", FALSE), ==, "c");
  g_assert_cmpstr (cells_claims_take (claims, "/dev/x", "b", TRUE), ==, "c");
  /* Taken twice, released once: still held. */
  cells_claims_release (claims, "/dev/x", "c");
  g_assert_cmpstr (cells_claims_take (claims, "/dev/x", "a", FALSE), ==, "c");
  cells_claims_release (claims, "/dev/x", "c");
  g_assert_null (cells_claims_take (claims, "/dev/x", "a", TRUE));
  cells_claims_release (claims, "/dev/x", "a");
}

/* Two tables (two cellsd instances in one process, as tests make them)
 * know nothing of each other. */
static void
test_tables_apart (void)
{
  g_autoptr(CellsClaims) one = cells_claims_new ();
  g_autoptr(CellsClaims) two = cells_claims_new ();

  g_assert_null (cells_claims_take (one, "/dev/x", "a", TRUE));
  g_assert_null (cells_claims_take (two, "/dev/x", "b", TRUE));
  g_assert_cmpstr (cells_claims_take (one, "/dev/x", "b", FALSE), ==, "a");
}

/* The cell in a call holds the microphone; others are refused it. */
static void
test_call_microphone (void)
{
  g_autoptr(CellsClaims) claims = cells_claims_new ();
  g_autofree char *dir = g_dir_make_tmp ("cells-snd-XXXXXX", NULL);
  g_autofree char *mic = g_build_filename (dir, "pcmC0D0c", NULL);
  g_autofree char *speaker = g_build_filename (dir, "pcmC0D0p", NULL);
  g_auto(GStrv) held = NULL;

  g_assert_true (g_file_set_contents (mic, "", 0, NULL));
  g_assert_true (g_file_set_contents (speaker, "", 0, NULL));
  held = cells_media_claim_microphones (claims, dir, "voip");
  g_assert_cmpuint (g_strv_length (held), ==, 1);
  g_assert_cmpstr (held[0], ==, mic);
  g_assert_cmpstr (cells_claims_take (claims, mic, "home", FALSE), ==, "voip");
  g_assert_null (cells_claims_take (claims, speaker, "home", FALSE));
  cells_claims_release (claims, speaker, "home");
  cells_media_release_microphones (claims, held, "voip");
  g_assert_null (cells_claims_take (claims, mic, "home", FALSE));
  cells_claims_release (claims, mic, "home");
  cells_remove_tree (dir, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/claims/shared-and-exclusive", test_shared_and_exclusive);
  g_test_add_func ("/claims/tables-apart", test_tables_apart);
  g_test_add_func ("/claims/call-microphone", test_call_microphone);
  return g_test_run ();
}
