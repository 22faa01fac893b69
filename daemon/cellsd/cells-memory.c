/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-memory"

#include "cells-memory.h"
#include "cells-lxc.h"
#include "cells-util.h"

#include <gio/gio.h>

/**
 * SECTION:cells-memory
 *
 * The memory of one running cell: the ceiling it has (the cell's
 * background-memory while it is in the background, none in the
 * foreground) and what it uses, read every MEMORY_READ_S seconds and
 * told in steps of MEMORY_STEP. Both go through the cell's LXC monitor
 * (cells_lxc_set_memory_ceiling(), cells_lxc_memory_current()) in
 * worker threads: the main loop never waits for them. The last ceiling
 * asked for is the one set; a failure is logged and tried again at the
 * next change.
 */

#define MEMORY_READ_S 2
#define MEMORY_STEP (1024 * 1024)
#define UNKNOWN G_MAXUINT64

struct _CellsMemory {
  char              *lxcpath;
  char              *name;
  gboolean           cgroup2;
  CellsMemoryChanged changed;
  gpointer           data;
  GCancellable      *cancellable;  /* cancelled when freed: late answers are dropped */
  guint              read_id;
  gboolean           reading;
  guint64            current;
  guint64            wanted;
  guint64            ceiling;      /* as set; UNKNOWN before the first */
  gboolean           setting;
};

/* What a worker thread gets: copies, so that it never touches self. */
typedef struct {
  char     *lxcpath;
  char     *name;
  gboolean  cgroup2;
  gboolean  read;    /* what it uses, into bytes; else the ceiling bytes */
  guint64   bytes;
} Job;

static void
job_free (Job *job)
{
  g_free (job->lxcpath);
  g_free (job->name);
  g_free (job);
}

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = job->read
    ? cells_lxc_memory_current (job->lxcpath, job->name, job->cgroup2, &job->bytes, &error)
    : cells_lxc_set_memory_ceiling (job->lxcpath, job->name, job->cgroup2, job->bytes, &error);

  if (!ok)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
run_job (CellsMemory *self, gboolean read, guint64 bytes, GAsyncReadyCallback done)
{
  g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, done, self);
  Job *job = g_new0 (Job, 1);

  job->lxcpath = g_strdup (self->lxcpath);
  job->name = g_strdup (self->name);
  job->cgroup2 = self->cgroup2;
  job->read = read;
  job->bytes = bytes;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, job_thread);
}

/* Whether the answer is for a CellsMemory that is still there. */
static gboolean
still_wanted (GAsyncResult *result)
{
  return !g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result)));
}

static void apply (CellsMemory *self);

static void
on_ceiling_set (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CellsMemory *self = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!still_wanted (result))
    return;
  self->setting = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error)) {
    g_warning ("%s", error->message);
    return;
  }
  self->ceiling = job->bytes;
  if (job->bytes != 0) {
    g_autofree char *size = cells_format_size (job->bytes);

    g_debug ("Cell “%s” is in the background: its memory is reclaimed above %s", self->name,
             size);
  }
  self->changed (self->data, self->current, self->ceiling != 0);
  /* Asked for another meanwhile (the cell came to the foreground, say). */
  apply (self);
}

static void
apply (CellsMemory *self)
{
  if (self->setting || self->wanted == self->ceiling)
    return;
  self->setting = TRUE;
  run_job (self, FALSE, self->wanted, on_ceiling_set);
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CellsMemory *self = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  guint64 was;

  if (!still_wanted (result))
    return;
  self->reading = FALSE;
  was = self->current;
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  if (was == 0 || job->bytes >= was + MEMORY_STEP || job->bytes + MEMORY_STEP <= was) {
    self->current = job->bytes;
    self->changed (self->data, self->current, self->ceiling != UNKNOWN && self->ceiling != 0);
  }
}

static gboolean
read_now (gpointer user_data)
{
  CellsMemory *self = user_data;

  if (!self->reading) {
    self->reading = TRUE;
    run_job (self, TRUE, 0, on_read);
  }
  return G_SOURCE_CONTINUE;
}

/**
 * cells_memory_new:
 * @changed: told of what the cell uses and whether its ceiling holds it
 *
 * Watches the memory of the running cell @name; it has no ceiling until
 * cells_memory_set_ceiling().
 */
CellsMemory *
cells_memory_new (const char *lxcpath, const char *name, gboolean cgroup2,
                  CellsMemoryChanged changed, gpointer data)
{
  CellsMemory *self = g_new0 (CellsMemory, 1);

  self->lxcpath = g_strdup (lxcpath);
  self->name = g_strdup (name);
  self->cgroup2 = cgroup2;
  self->changed = changed;
  self->data = data;
  self->cancellable = g_cancellable_new ();
  self->ceiling = UNKNOWN;
  self->read_id = g_timeout_add_seconds (MEMORY_READ_S, read_now, self);
  read_now (self);
  return self;
}

/**
 * cells_memory_set_ceiling:
 * @bytes: the ceiling, 0 for none
 */
void
cells_memory_set_ceiling (CellsMemory *self, guint64 bytes)
{
  self->wanted = bytes;
  apply (self);
}

/* Answers still on their way find the cancellable cancelled, and drop
 * themselves. */
void
cells_memory_free (CellsMemory *self)
{
  if (self == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->read_id, g_source_remove);
  g_free (self->lxcpath);
  g_free (self->name);
  g_free (self);
}
