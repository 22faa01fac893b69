/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-media"

#include "cells-media.h"
#include "cells-devices.h"
#include "cells-errors.h"

#include <gst/gst.h>

#include <errno.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/**
 * SECTION:cells-media
 *
 * The audio of an active SIP call, bridged to the phone's own: RTP from
 * the far end is decoded and played on PipeWire's default output, and
 * PipeWire's default input is encoded and sent back, from the same UDP
 * socket (symmetric RTP). G.711 only (PCMU, PCMA), 8 kHz mono, which
 * every SIP peer speaks. Two GStreamer pipelines, so that a phone with no
 * microphone still hears its calls. The microphone is the call's: while
 * it lasts, the capture nodes count as held by the cell in the call, and
 * another cell's seat is refused them.
 */

struct _CellsMedia {
  char        *cell;
  CellsClaims *claims;
  GstElement *rx;
  GstElement *tx;
  GStrv       microphones;
};

typedef struct {
  guint       payload;
  const char *encoding;
  const char *depay;
  const char *decoder;
  const char *encoder;
  const char *pay;
} Codec;

static const Codec codecs[] = {
  { 0, "PCMU", "rtppcmudepay", "mulawdec", "mulawenc", "rtppcmupay" },
  { 8, "PCMA", "rtppcmadepay", "alawdec", "alawenc", "rtppcmapay" },
};

static const Codec *
find_codec (guint payload)
{
  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++) {
    if (codecs[i].payload == payload)
      return &codecs[i];
  }
  return NULL;
}

/**
 * cells_media_claim_microphones:
 * @claims: who holds which device
 * @snd_dir: where the sound nodes are, /dev/snd
 * @cell: the cell in the call
 *
 * Holds every capture node (pcmC*D*c) in @snd_dir for @cell, exclusively,
 * but those another cell holds already.
 *
 * Returns: (transfer full): the nodes it holds now
 */
GStrv
cells_media_claim_microphones (CellsClaims *claims, const char *snd_dir, const char *cell)
{
  g_autoptr(GDir) dir = g_dir_open (snd_dir, 0, NULL);
  g_autoptr(GStrvBuilder) claimed = g_strv_builder_new ();
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (snd_dir, name, NULL);
    const char *holder;

    if (!g_str_has_prefix (name, "pcmC") || !g_str_has_suffix (name, "c"))
      continue;
    holder = cells_claims_take (claims, path, cell, TRUE);
    if (holder != NULL)
      g_message ("The call of cell “%s” cannot have %s: cell “%s” holds it", cell, path, holder);
    else
      g_strv_builder_add (claimed, path);
  }
  return g_strv_builder_end (claimed);
}

void
cells_media_release_microphones (CellsClaims *claims, GStrv microphones, const char *cell)
{
  for (guint i = 0; microphones != NULL && microphones[i] != NULL; i++)
    cells_claims_release (claims, microphones[i], cell);
}

gboolean
cells_media_payload_supported (guint payload)
{
  return find_codec (payload) != NULL;
}

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  CellsMedia *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *debug = NULL;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (message, &error, &debug);
    g_warning ("Cell “%s”: call audio (%s): %s", self->cell, GST_OBJECT_NAME (message->src),
               error->message);
  }
  return G_SOURCE_CONTINUE;
}

static GstElement *
launch (CellsMedia *self, const char *description, GSocket *socket, const char *host, guint16 port,
        GError **error)
{
  GstElement *pipeline = gst_parse_launch (description, error);
  g_autoptr(GstElement) udp = NULL;
  g_autoptr(GstBus) bus = NULL;

  if (pipeline == NULL)
    return NULL;
  udp = gst_bin_get_by_name (GST_BIN (pipeline), "udp");
  g_object_set (udp, "socket", socket, NULL);
  if (host != NULL)
    g_object_set (udp, "host", host, "port", (int) port, NULL);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (udp), "close-socket"))
    g_object_set (udp, "close-socket", FALSE, NULL);
  bus = gst_element_get_bus (pipeline);
  gst_bus_add_watch (bus, on_bus_message, self);
  return pipeline;
}

static void
set_state_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GstElement *pipeline = task_data;
  GstState state = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "cells-state"));

  gst_element_set_state (pipeline, state);
  g_task_return_boolean (task, TRUE);
}

/* A PipeWire source may wait in its state change until PipeWire links it:
 * never on cellsd's main loop. */
static void
set_state_aside (GstElement *pipeline, GstState state)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_object_set_data (G_OBJECT (task), "cells-state", GINT_TO_POINTER (state));
  g_task_set_task_data (task, g_object_ref (pipeline), gst_object_unref);
  g_task_run_in_thread (task, set_state_thread);
}

/* A connection of its own to PipeWire for the microphone's element, so
 * that it shares no PipeWire loop with the call's playback. */
static int
pipewire_connect (const char *dir)
{
  const char *remote = g_getenv ("PIPEWIRE_REMOTE");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  g_autofree char *path = NULL;
  int fd;

  if (dir == NULL)
    dir = g_getenv ("PIPEWIRE_RUNTIME_DIR");
  if (dir == NULL)
    dir = g_getenv ("XDG_RUNTIME_DIR");
  if (dir == NULL)
    return -1;
  path = g_build_filename (dir, remote ? remote : "pipewire-0", NULL);
  if (strlen (path) >= sizeof addr.sun_path)
    return -1;
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0) {
    close (fd);
    return -1;
  }
  return fd;
}

/* The element owns the connection from here. */
static void
connect_pipewire (GstElement *pipeline, const char *element, const char *dir)
{
  g_autoptr(GstElement) e = gst_bin_get_by_name (GST_BIN (pipeline), element);
  int fd = pipewire_connect (dir);

  if (fd >= 0)
    g_object_set (e, "fd", fd, NULL);
}

static void
stop (GstElement **pipeline, gboolean aside)
{
  g_autoptr(GstBus) bus = NULL;

  if (*pipeline == NULL)
    return;
  bus = gst_element_get_bus (*pipeline);
  gst_bus_remove_watch (bus);
  if (aside)
    set_state_aside (*pipeline, GST_STATE_NULL);
  else
    gst_element_set_state (*pipeline, GST_STATE_NULL);
  gst_clear_object (pipeline);
}

static gpointer
warm_up_thread (gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!gst_init_check (NULL, NULL, &error))
    g_message ("GStreamer cannot start, SIP calls will have no audio: %s", error->message);
  return NULL;
}

/**
 * cells_media_warm_up:
 *
 * Starts GStreamer in a thread of its own, once: its first start scans
 * every plugin to write its registry, which takes seconds on a phone and
 * would otherwise hold cellsd's main loop (switches, D-Bus) at the first
 * call's answer. For a cell with a SIP line, whose calls have audio here.
 */
void
cells_media_warm_up (void)
{
  static gsize started;

  if (g_once_init_enter (&started)) {
    g_thread_unref (g_thread_new ("cells-gst", warm_up_thread, NULL));
    g_once_init_leave (&started, 1);
  }
}

/**
 * cells_media_new:
 * @cell: the cell in the call
 * @claims: where the call holds the microphone while it lasts
 * @pipewire_dir: (nullable): the directory of the phone user's PipeWire
 *   socket (%NULL: PIPEWIRE_RUNTIME_DIR or XDG_RUNTIME_DIR)
 * @socket: the call's RTP socket, the one its SDP offered
 * @remote_host: (nullable): where the far end receives, from its SDP
 * @payload: the negotiated RTP payload type (0 or 8)
 *
 * Starts the call's audio.
 */
CellsMedia *
cells_media_new (const char *cell, CellsClaims *claims, const char *pipewire_dir, GSocket *socket,
                 const char *remote_host, guint16 remote_port, guint payload, GError **error)
{
  const Codec *codec = find_codec (payload);
  g_autoptr(GError) local = NULL;
  g_autoptr(GInetAddress) address =
      remote_host ? g_inet_address_new_from_string (remote_host) : NULL;
  g_autofree char *rx = NULL;
  CellsMedia *self;

  if (remote_host != NULL && address == NULL) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_INVALID_ARGUMENT,
                 "The far end's media address “%s” is not an IP address", remote_host);
    return NULL;
  }

  if (!gst_init_check (NULL, NULL, error))
    return NULL;
  if (codec == NULL) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "RTP payload %u is not supported",
                 payload);
    return NULL;
  }
  self = g_new0 (CellsMedia, 1);
  self->cell = g_strdup (cell);
  self->claims = claims;
  self->microphones = cells_media_claim_microphones (claims, "/dev/snd", cell);
  rx = g_strdup_printf (
      "udpsrc name=udp caps=\"application/x-rtp,media=audio,clock-rate=8000,"
      "encoding-name=%s,payload=%u\" ! rtpjitterbuffer latency=60 ! %s ! %s ! "
      "audioconvert ! audioresample ! pipewiresink name=speaker client-name=cells-call",
      codec->encoding, codec->payload, codec->depay, codec->decoder);
  self->rx = launch (self, rx, socket, NULL, 0, error);
  if (self->rx == NULL) {
    cells_media_free (self);
    return NULL;
  }
  connect_pipewire (self->rx, "speaker", pipewire_dir);
  gst_element_set_state (self->rx, GST_STATE_PLAYING);
  if (remote_host != NULL && remote_port != 0) {
    /* The far end's address is set as properties, never parsed as a pipeline. */
    g_autofree char *tx =
        g_strdup_printf ("pipewiresrc name=mic client-name=cells-call ! audioconvert ! "
                         "audioresample ! audio/x-raw,rate=8000,channels=1 ! %s ! %s ! "
                         "udpsink name=udp sync=false async=false",
                         codec->encoder, codec->pay);

    self->tx = launch (self, tx, socket, remote_host, remote_port, &local);
    if (self->tx == NULL) {
      g_warning ("Cell “%s”: the call's microphone is not sent: %s", cell, local->message);
    } else {
      connect_pipewire (self->tx, "mic", pipewire_dir);
      set_state_aside (self->tx, GST_STATE_PLAYING);
    }
  }
  g_message ("Cell “%s”: call audio %s between PipeWire and %s:%u", cell, codec->encoding,
             remote_host ? remote_host : "(none)", remote_port);
  return self;
}

void
cells_media_free (CellsMedia *self)
{
  if (self == NULL)
    return;
  stop (&self->rx, FALSE);
  stop (&self->tx, TRUE);
  cells_media_release_microphones (self->claims, self->microphones, self->cell);
  g_strfreev (self->microphones);
  g_free (self->cell);
  g_free (self);
}
