/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cells-sip"

#include "cells-sip.h"
#include "cells-calls.h"
#include "cells-errors.h"
#include "cells-media.h"
#include "cells-sdp.h"

#include <ModemManager.h>
/* sofia-sip's headers test macros they do not define. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include <sofia-sip/msg_header.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/soa_tag.h>
#include <sofia-sip/su_glib.h>
#pragma GCC diagnostic pop

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/**
 * CellsSip:
 *
 * A cell's phone line that is a SIP account: cellsd registers it with its
 * registrar (sofia-sip's user agent on the GLib main loop), keeps it
 * registered (again after 1, 2, 4… up to 60 s when the registrar does not
 * answer or refuses), turns an INVITE for it into an incoming call, places
 * the cell's calls as INVITEs from its account, and carries text messages
 * both ways as SIP MESSAGE. Calls are reported as "call-changed" with
 * ModemManager's states, like CellsSim's, with ids from the same series.
 *
 * While a call is active its audio is bridged between RTP and the phone's
 * PipeWire (CellsMedia).
 */

#define RETRY_MIN_S 1
#define RETRY_MAX_S 60

struct _CellsSip {
  GObject        parent;

  char          *cell;
  CellsClaims   *claims;      /* the microphone's, for call audio */
  char          *pipewire_dir;
  char          *imei;        /* the cell's modem shows an identity of its own */
  char          *operator_name;
  char          *registrar;   /* host[:port] */
  char          *user;
  char          *password;
  char          *aor;         /* sip:user@registrar */
  char          *local;       /* our address towards the registrar */
  nua_t         *nua;
  nua_handle_t  *reg;
  CellsSipState  state;
  guint          retry_id;
  guint          retry_s;
  gboolean       authenticated_once;
  GHashTable    *calls;       /* id → SipCall */
  GHashTable    *sending;     /* handle → GTask of a MESSAGE on its way */
  gboolean       shutting_down;
};

typedef struct {
  CellsSip     *sip;
  guint         id;
  nua_handle_t *nh;
  MMCallState   state;
  gboolean      incoming;
  char         *number;
  int           rtp_fd;
  guint16       rtp_port;
  char         *remote_sdp;
  CellsMedia   *media;
} SipCall;

static void cells_sip_backend_init (CellsLineBackendInterface *iface);

G_DEFINE_TYPE_WITH_CODE (CellsSip, cells_sip, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (CELLS_TYPE_LINE_BACKEND, cells_sip_backend_init))

static su_root_t *root;

static void do_register (CellsSip *self);
static void open_endpoint (CellsSip *self);

/* One sofia root for every account, on the default main context. */
static su_root_t *
get_root (void)
{
  if (root == NULL) {
    su_init ();
    su_glib_prefer_gsource ();
    root = su_glib_root_create (NULL);
    g_source_attach (su_glib_root_gsource (root), NULL);
  }
  return root;
}

static const char *
state_to_string (CellsSipState state)
{
  static const char *const names[] = { "registering", "registered", "unreachable", "refused" };

  return names[state];
}

static void
set_state (CellsSip *self, CellsSipState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_message ("Cell “%s”: SIP account %s is %s", self->cell, self->aor, state_to_string (state));
  cells_line_backend_emit_changed (CELLS_LINE_BACKEND (self));
}

/* Calls */

static void
emit_call (SipCall *call, gboolean all, MMCallStateReason reason)
{
  GVariantBuilder b;
  g_autoptr(GVariant) props = NULL;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  if (all) {
    g_variant_builder_add (&b, "{sv}", "direction",
                           g_variant_new_uint32 (call->incoming ? MM_CALL_DIRECTION_INCOMING :
                                                                  MM_CALL_DIRECTION_OUTGOING));
    g_variant_builder_add (&b, "{sv}", "number", g_variant_new_string (call->number));
  }
  g_variant_builder_add (&b, "{sv}", "state", g_variant_new_int32 (call->state));
  g_variant_builder_add (&b, "{sv}", "state-reason", g_variant_new_uint32 (reason));
  props = g_variant_ref_sink (g_variant_builder_end (&b));
  cells_line_backend_emit_call_changed (CELLS_LINE_BACKEND (call->sip), call->id, props);
}

static void
sip_call_free (SipCall *call)
{
  if (call->nh != NULL) {
    nua_handle_bind (call->nh, NULL);
    nua_handle_destroy (call->nh);
  }
  cells_media_free (call->media);
  if (call->rtp_fd >= 0)
    close (call->rtp_fd);
  g_free (call->remote_sdp);
  g_free (call->number);
  g_free (call);
}

static gboolean
any_call_active (CellsSip *self)
{
  GHashTableIter iter;
  SipCall *call;

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call)) {
    if (call->state == MM_CALL_STATE_ACTIVE)
      return TRUE;
  }
  return FALSE;
}

/* The port the SDP offers, held for the call. */
static int
open_rtp (const char *local, guint16 *port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return -1;
  if (inet_pton (AF_INET, local, &addr.sin_addr) != 1) {
    close (fd);
    return -1;
  }
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0 ||
      getsockname (fd, (struct sockaddr *) &addr, &len) < 0) {
    close (fd);
    return -1;
  }
  *port = ntohs (addr.sin_port);
  return fd;
}

static char *
call_sdp (SipCall *call)
{
  if (call->rtp_fd < 0 && call->media == NULL)
    call->rtp_fd = open_rtp (call->sip->local, &call->rtp_port);
  return cells_sdp_offer_audio (call->sip->local, call->rtp_port);
}

static SipCall *
new_call (CellsSip *self, nua_handle_t *nh, gboolean incoming, const char *number)
{
  SipCall *call = g_new0 (SipCall, 1);

  call->sip = self;
  call->id = cells_call_id_new ();
  call->nh = nh;
  call->incoming = incoming;
  call->number = g_strdup (number);
  call->rtp_fd = -1;
  nua_handle_bind (nh, call);
  g_hash_table_insert (self->calls, GUINT_TO_POINTER (call->id), call);
  return call;
}

static void
end_call (SipCall *call, MMCallStateReason reason)
{
  CellsSip *self = call->sip;

  call->state = MM_CALL_STATE_TERMINATED;
  emit_call (call, FALSE, reason);
  g_hash_table_remove (self->calls, GUINT_TO_POINTER (call->id));
}

/* A re-INVITE of a call: the same call, perhaps new media of the far end. */
static void
on_reinvite (SipCall *call, tagi_t tags[])
{
  const char *remote_sdp = NULL;
  g_autofree char *sdp = call_sdp (call);

  tl_gets (tags, SOATAG_REMOTE_SDP_STR_REF (remote_sdp), TAG_END ());
  if (remote_sdp != NULL) {
    g_free (call->remote_sdp);
    call->remote_sdp = g_strdup (remote_sdp);
  }
  g_debug ("Call %u: re-INVITE", call->id);
  nua_respond (call->nh, SIP_200_OK, SOATAG_USER_SDP_STR (sdp), NUTAG_WITH_THIS (call->sip->nua),
               TAG_END ());
}

static void
on_incoming_invite (CellsSip *self, nua_handle_t *nh, sip_t const *sip, tagi_t tags[])
{
  const char *user =
      sip->sip_from && sip->sip_from->a_url->url_user ? sip->sip_from->a_url->url_user : "";
  SipCall *call = new_call (self, nh, TRUE, user);
  const char *remote_sdp = NULL;

  tl_gets (tags, SOATAG_REMOTE_SDP_STR_REF (remote_sdp), TAG_END ());
  call->remote_sdp = g_strdup (remote_sdp);
  call->state = any_call_active (self) ? MM_CALL_STATE_WAITING : MM_CALL_STATE_RINGING_IN;
  g_message ("Cell “%s”: incoming SIP call %u from “%s”", self->cell, call->id, user);
  nua_respond (nh, SIP_180_RINGING, TAG_END ());
  emit_call (call, TRUE, MM_CALL_STATE_REASON_INCOMING_NEW);
}

static void
start_media (SipCall *call)
{
  g_autofree char *host = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  guint16 port = 0;
  guint payload = 0;

  if (call->media != NULL || call->rtp_fd < 0 || call->remote_sdp == NULL)
    return;
  if (!cells_sdp_parse_audio (call->remote_sdp, cells_media_payload_supported, &host, &port,
                              &payload)) {
    g_warning ("Cell “%s”: call %u has no audio in a codec of ours (PCMU, PCMA)", call->sip->cell,
               call->id);
    return;
  }
  socket = g_socket_new_from_fd (call->rtp_fd, &error);
  if (socket == NULL) {
    g_warning ("Cell “%s”: call %u: %s", call->sip->cell, call->id, error->message);
    return;
  }
  call->rtp_fd = -1;
  call->media = cells_media_new (call->sip->cell, call->sip->claims, call->sip->pipewire_dir,
                                 socket, host, port, payload, &error);
  if (call->media == NULL)
    g_warning ("Cell “%s”: call %u has no audio: %s", call->sip->cell, call->id, error->message);
}

static void
on_call_state (SipCall *call, int status, tagi_t tags[])
{
  const char *remote_sdp = NULL;
  int callstate = -1;

  tl_gets (tags, NUTAG_CALLSTATE_REF (callstate), SOATAG_REMOTE_SDP_STR_REF (remote_sdp),
           TAG_END());
  if (remote_sdp != NULL) {
    g_free (call->remote_sdp);
    call->remote_sdp = g_strdup (remote_sdp);
  }
  g_debug ("Call %u: SIP state %s (%d)", call->id, nua_callstate_name (callstate), status);
  switch (callstate) {
  case nua_callstate_proceeding:
    if (!call->incoming && call->state == MM_CALL_STATE_DIALING) {
      call->state = MM_CALL_STATE_RINGING_OUT;
      emit_call (call, FALSE, MM_CALL_STATE_REASON_OUTGOING_STARTED);
    }
    break;
  case nua_callstate_ready:
    if (call->state != MM_CALL_STATE_ACTIVE) {
      call->state = MM_CALL_STATE_ACTIVE;
      start_media (call);
      emit_call (call, FALSE, MM_CALL_STATE_REASON_ACCEPTED);
    }
    break;
  case nua_callstate_terminated:
    end_call (call, status >= 300 && status != 487 ? MM_CALL_STATE_REASON_REFUSED_OR_BUSY :
              MM_CALL_STATE_REASON_TERMINATED);
    break;
  default:
    break;
  }
}

/* Registration */

static gboolean
on_retry (gpointer user_data)
{
  CellsSip *self = user_data;

  self->retry_id = 0;
  if (self->nua == NULL)
    open_endpoint (self);
  else
    do_register (self);
  return G_SOURCE_REMOVE;
}

static void
retry_later (CellsSip *self, CellsSipState state)
{
  set_state (self, state);
  self->retry_s = CLAMP (self->retry_s * 2, RETRY_MIN_S, RETRY_MAX_S);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add_seconds (self->retry_s, on_retry, self);
}

static gboolean
authenticate (CellsSip *self, nua_handle_t *nh, sip_t const *sip)
{
  msg_auth_t const *au =
      sip->sip_www_authenticate ? sip->sip_www_authenticate : sip->sip_proxy_authenticate;
  const char *realm = au ? msg_params_find (au->au_params, "realm=") : NULL;
  g_autofree char *auth = NULL;

  if (realm == NULL || self->password == NULL)
    return FALSE;
  auth = g_strdup_printf ("%s:%s:%s:%s", au->au_scheme, realm, self->user, self->password);
  nua_authenticate (nh, NUTAG_AUTH (auth), TAG_END ());
  return TRUE;
}

static void
on_registered (CellsSip *self, int status, const char *phrase, sip_t const *sip)
{
  if (status < 200)
    return;
  if ((status == 401 || status == 407) && !self->authenticated_once) {
    self->authenticated_once = TRUE;
    if (authenticate (self, self->reg, sip))
      return;
  }
  if (status >= 200 && status < 300) {
    self->retry_s = 0;
    set_state (self, CELLS_SIP_REGISTERED);
    return;
  }
  g_message ("Cell “%s”: registering %s: %d %s", self->cell, self->aor, status, phrase);
  /* 408 and 503 are sofia's own for no answer or no route. */
  retry_later (self, status == 401 || status == 403 || status == 407 ? CELLS_SIP_REFUSED :
               CELLS_SIP_UNREACHABLE);
}

static void
do_register (CellsSip *self)
{
  g_autofree char *registrar = g_strdup_printf ("sip:%s", self->registrar);

  self->authenticated_once = FALSE;
  if (self->state != CELLS_SIP_REGISTERED)
    set_state (self, CELLS_SIP_REGISTERING);
  nua_register (self->reg, NUTAG_REGISTRAR (registrar), NUTAG_M_USERNAME (self->user), TAG_END ());
}

/* Messages */

static void
on_message (CellsSip *self, nua_handle_t *nh, sip_t const *sip)
{
  const char *user =
      sip->sip_from && sip->sip_from->a_url->url_user ? sip->sip_from->a_url->url_user : "";
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *timestamp = g_date_time_format_iso8601 (now);

  if (sip->sip_payload == NULL || sip->sip_payload->pl_len == 0) {
    nua_respond (nh, 400, "No text", NUTAG_WITH_THIS (self->nua), TAG_END ());
    return;
  }
  text = g_strndup (sip->sip_payload->pl_data, sip->sip_payload->pl_len);
  /* A line end some agents add is not part of the text. */
  for (gsize n = strlen (text); n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'); n--)
    text[n - 1] = '\0';
  if (!g_utf8_validate (text, -1, NULL)) {
    nua_respond (nh, 415, "Only UTF-8 text is taken", NUTAG_WITH_THIS (self->nua), TAG_END ());
    return;
  }
  nua_respond (nh, SIP_200_OK, NUTAG_WITH_THIS (self->nua), TAG_END ());
  g_message ("Cell “%s”: SIP message from “%s”", self->cell, user);
  /* Taken (200 OK) already: a cell that does not listen loses it. */
  if (!cells_line_backend_emit_message (CELLS_LINE_BACKEND (self), "", user, text, timestamp))
    g_warning ("Cell “%s”: its virtual modem is not listening; the message from “%s” is lost",
               self->cell, user);
}

static void
on_message_sent (nua_handle_t *nh, GTask *task, int status, const char *phrase, sip_t const *sip)
{
  CellsSip *self = g_task_get_source_object (task);

  if (status < 200)
    return;
  if ((status == 401 || status == 407) && !g_task_get_task_data (task)) {
    g_task_set_task_data (task, GINT_TO_POINTER (1), NULL);
    if (authenticate (self, nh, sip))
      return;
  }
  if (status < 300)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_FAILED,
                             "The SIP network refused the message: %d %s", status, phrase);
  g_hash_table_remove (self->sending, nh);
  nua_handle_bind (nh, NULL);
  nua_handle_destroy (nh);
}

static void
on_event (nua_event_t event, int status, char const *phrase, nua_t *nua, nua_magic_t *magic,
          nua_handle_t *nh, nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
  CellsSip *self = (CellsSip *) magic;

  switch (event) {
  case nua_r_register:
    on_registered (self, status, phrase, sip);
    break;
  case nua_i_invite:
    if (hmagic != NULL)
      on_reinvite ((SipCall *) hmagic, tags);
    else
      on_incoming_invite (self, nh, sip, tags);
    break;
  case nua_r_invite:
    if ((status == 401 || status == 407) && hmagic != NULL)
      authenticate (self, nh, sip);
    break;
  case nua_i_state:
    if (hmagic != NULL)
      on_call_state ((SipCall *) hmagic, status, tags);
    break;
  case nua_i_message:
    on_message (self, nh, sip);
    /* One inside a call comes on the call's handle. */
    if (hmagic == NULL)
      nua_handle_destroy (nh);
    break;
  case nua_r_message:
    if (hmagic != NULL)
      on_message_sent (nh, (GTask *) hmagic, status, phrase, sip);
    break;
  case nua_r_shutdown:
    if (status >= 200) {
      nua_destroy (nua);
      g_object_unref (self);
    }
    break;
  default:
    /* Requests this account does not take (OPTIONS, SUBSCRIBE, REFER…) come
     * on handles the stack made: they are ours to destroy. */
    if (event >= nua_i_error && event < nua_r_set_params && hmagic == NULL && nh != NULL &&
        nh != self->reg && event != nua_i_state && event != nua_i_terminated)
      nua_handle_destroy (nh);
    break;
  }
}

/* The line */

static SipCall *
lookup (CellsSip *self, guint id, GError **error)
{
  SipCall *call = g_hash_table_lookup (self->calls, GUINT_TO_POINTER (id));

  if (call == NULL)
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_NOT_FOUND, "There is no call %u.", id);
  return call;
}

static nua_handle_t *
handle_to (CellsSip *self, const char *number, gpointer magic)
{
  g_autofree char *to = g_strdup_printf ("sip:%s@%s", number, self->registrar);

  return nua_handle (self->nua, magic, SIPTAG_TO_STR (to), SIPTAG_FROM_STR (self->aor), TAG_END ());
}

typedef struct {
  CellsSip *sip;
  guint     id;
} Announce;

static Announce *
announce_new (CellsSip *sip, guint id)
{
  Announce *a = g_new0 (Announce, 1);

  a->sip = g_object_ref (sip);
  a->id = id;
  return a;
}

static void
announce_free (Announce *a)
{
  g_object_unref (a->sip);
  g_free (a);
}

static gboolean
announce_dialled (gpointer user_data)
{
  Announce *a = user_data;
  SipCall *call = g_hash_table_lookup (a->sip->calls, GUINT_TO_POINTER (a->id));

  if (call != NULL && !a->sip->shutting_down)
    emit_call (call, TRUE, MM_CALL_STATE_REASON_OUTGOING_STARTED);
  return G_SOURCE_REMOVE;
}

static void
dial_async (CellsLineBackend *backend, const char *number, GAsyncReadyCallback callback,
            gpointer user_data)
{
  CellsSip *self = CELLS_SIP (backend);
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autofree char *sdp = NULL;
  SipCall *call;

  if (self->state != CELLS_SIP_REGISTERED) {
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_NOT_RUNNING,
                             "The SIP account %s is not registered (%s).", self->aor,
                             state_to_string (self->state));
    return;
  }
  call = new_call (self, handle_to (self, number, NULL), FALSE, number);
  call->state = MM_CALL_STATE_DIALING;
  sdp = call_sdp (call);
  g_message ("Cell “%s”: SIP call %u to “%s”", self->cell, call->id, number);
  nua_invite (call->nh, SOATAG_USER_SDP_STR (sdp), TAG_END ());
  /* Its id goes back first (the task returns from an idle of default
   * priority); its states follow, from one of lower priority. */
  g_task_return_int (task, call->id);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, announce_dialled, announce_new (self, call->id),
                   (GDestroyNotify) announce_free);
}

static guint
dial_finish (CellsLineBackend *backend, GAsyncResult *result, GError **error)
{
  gssize id = g_task_propagate_int (G_TASK (result), error);

  return id < 0 ? 0 : id;
}

static gboolean
accept_call (CellsSip *self, guint id, GError **error)
{
  SipCall *call = lookup (self, id, error);
  g_autofree char *sdp = NULL;

  if (call == NULL)
    return FALSE;
  if (!call->incoming ||
      (call->state != MM_CALL_STATE_RINGING_IN && call->state != MM_CALL_STATE_WAITING)) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_BUSY, "Call %u is not ringing.", id);
    return FALSE;
  }
  sdp = call_sdp (call);
  nua_respond (call->nh, SIP_200_OK, SOATAG_USER_SDP_STR (sdp), TAG_END ());
  return TRUE;
}

static gboolean
hangup_call (CellsSip *self, guint id, GError **error)
{
  SipCall *call = lookup (self, id, error);

  if (call == NULL)
    return FALSE;
  if (call->incoming &&
      (call->state == MM_CALL_STATE_RINGING_IN || call->state == MM_CALL_STATE_WAITING))
    nua_respond (call->nh, SIP_486_BUSY_HERE, TAG_END ());
  else if (call->state == MM_CALL_STATE_ACTIVE)
    nua_bye (call->nh, TAG_END ());
  else
    nua_cancel (call->nh, TAG_END ());
  return TRUE;
}

static gboolean
send_dtmf (CellsSip *self, guint id, const char *tones, GError **error)
{
  SipCall *call = lookup (self, id, error);

  if (call == NULL)
    return FALSE;
  for (const char *t = tones; *t; t++) {
    g_autofree char *body = g_strdup_printf ("Signal=%c\r\nDuration=160\r\n", *t);

    nua_info (call->nh, SIPTAG_CONTENT_TYPE_STR ("application/dtmf-relay"),
              SIPTAG_PAYLOAD_STR (body), TAG_END ());
  }
  return TRUE;
}

static void
send_message_async (CellsLineBackend *backend, const char *number, const char *text,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  CellsSip *self = CELLS_SIP (backend);
  GTask *task = g_task_new (self, NULL, callback, user_data);
  nua_handle_t *nh;

  if (self->state != CELLS_SIP_REGISTERED) {
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_NOT_RUNNING,
                             "The SIP account %s is not registered (%s).", self->aor,
                             state_to_string (self->state));
    g_object_unref (task);
    return;
  }
  nh = handle_to (self, number, task);
  g_hash_table_insert (self->sending, nh, task);
  nua_message (nh, SIPTAG_CONTENT_TYPE_STR ("text/plain;charset=UTF-8"),
               SIPTAG_PAYLOAD_STR (text), TAG_END ());
}

/* Accepting, hanging up and sending tones are done when asked: their
 * answers come as the call's states. */
static void
return_now (CellsSip *self, gboolean ok, GError *error, GAsyncReadyCallback callback,
            gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
accept_async (CellsLineBackend *backend, guint id, GAsyncReadyCallback callback, gpointer user_data)
{
  GError *error = NULL;
  gboolean ok = accept_call (CELLS_SIP (backend), id, &error);

  return_now (CELLS_SIP (backend), ok, error, callback, user_data);
}

static void
hangup_async (CellsLineBackend *backend, guint id, GAsyncReadyCallback callback, gpointer user_data)
{
  GError *error = NULL;
  gboolean ok = hangup_call (CELLS_SIP (backend), id, &error);

  return_now (CELLS_SIP (backend), ok, error, callback, user_data);
}

static void
send_dtmf_async (CellsLineBackend *backend, guint id, const char *tones,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  GError *error = NULL;
  gboolean ok = send_dtmf (CELLS_SIP (backend), id, tones, &error);

  return_now (CELLS_SIP (backend), ok, error, callback, user_data);
}

static gboolean
op_finish (CellsLineBackend *backend, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
has_call (CellsLineBackend *backend, guint id)
{
  return g_hash_table_contains (CELLS_SIP (backend)->calls, GUINT_TO_POINTER (id));
}

static void
get_info (CellsLineBackend *backend, CellsLineInfo *info)
{
  CellsSip *self = CELLS_SIP (backend);
  gboolean registered = self->state == CELLS_SIP_REGISTERED;

  *info = (CellsLineInfo) {
    .own_number = self->user,
    .state = state_to_string (self->state),
    .registered = registered,
    .present = TRUE,
    .operator_name = self->operator_name,
    .operator_code = "",
    .imei = self->imei,
    .imsi = "",
    .signal_quality = registered ? 100 : 0,
  };
}

static void
cells_sip_backend_init (CellsLineBackendInterface *iface)
{
  iface->get_info = get_info;
  iface->has_call = has_call;
  iface->dial_async = dial_async;
  iface->dial_finish = dial_finish;
  iface->accept_async = accept_async;
  iface->hangup_async = hangup_async;
  iface->send_dtmf_async = send_dtmf_async;
  iface->send_message_async = send_message_async;
  iface->op_finish = op_finish;
}

static void
cells_sip_dispose (GObject *object)
{
  CellsSip *self = CELLS_SIP (object);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  G_OBJECT_CLASS (cells_sip_parent_class)->dispose (object);
}

static void
cells_sip_finalize (GObject *object)
{
  CellsSip *self = CELLS_SIP (object);

  g_hash_table_unref (self->calls);
  g_hash_table_unref (self->sending);
  g_free (self->cell);
  g_free (self->pipewire_dir);
  g_free (self->imei);
  g_free (self->operator_name);
  g_free (self->registrar);
  g_free (self->user);
  g_free (self->password);
  g_free (self->aor);
  g_free (self->local);
  G_OBJECT_CLASS (cells_sip_parent_class)->finalize (object);
}

static void
cells_sip_class_init (CellsSipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cells_sip_dispose;
  object_class->finalize = cells_sip_finalize;
}

static void
cells_sip_init (CellsSip *self)
{
  self->calls = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) sip_call_free);
  self->sending = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
}

/* The local address the kernel would use to reach @host: the one the
 * account's Contact and SDP name. */
static char *
local_address_for (const char *registrar, GError **error)
{
  g_autofree char *host = g_strdup (registrar);
  struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM }, *res = NULL;
  struct sockaddr_in local;
  socklen_t len = sizeof local;
  char buf[INET_ADDRSTRLEN];
  char *colon = strrchr (host, ':');
  int fd, rc;

  if (colon != NULL)
    *colon = '\0';
  rc = getaddrinfo (host, "5060", &hints, &res);
  if (rc != 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "The registrar %s cannot be found: %s",
                 registrar, gai_strerror (rc));
    return NULL;
  }
  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  rc = fd < 0 ? -1 : connect (fd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo (res);
  if (rc < 0 || getsockname (fd, (struct sockaddr *) &local, &len) < 0) {
    g_set_error (error, CELLS_ERROR, CELLS_ERROR_FAILED, "No route to the registrar %s: %s",
                 registrar, g_strerror (errno));
    if (fd >= 0)
      close (fd);
    return NULL;
  }
  close (fd);
  return g_strdup (inet_ntop (AF_INET, &local.sin_addr, buf, sizeof buf));
}

static void
local_address_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  char *local = local_address_for (task_data, &error);

  if (local == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, local, g_free);
}

static void
on_local_address (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CellsSip *self = CELLS_SIP (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *local = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *bind_url = NULL;
  g_autofree char *proxy = NULL;

  if (self->shutting_down)
    return;
  if (local == NULL) {
    g_message ("Cell “%s”: %s", self->cell, error->message);
    retry_later (self, CELLS_SIP_UNREACHABLE);
    return;
  }
  self->local = g_steal_pointer (&local);
  bind_url = g_strdup_printf ("sip:%s:*;transport=udp", self->local);
  proxy = g_strdup_printf ("sip:%s;lr", self->registrar);
  self->nua = nua_create (get_root (), on_event, (nua_magic_t *) self, NUTAG_URL (bind_url),
                          NUTAG_PROXY (proxy), SIPTAG_FROM_STR (self->aor),
                          NUTAG_AUTOALERT (0), NUTAG_AUTOANSWER (0), NUTAG_APPL_METHOD ("MESSAGE"),
                          NUTAG_ALLOW ("INFO, MESSAGE"), TAG_END ());
  if (self->nua == NULL) {
    g_warning ("Cell “%s”: cannot open a SIP endpoint on %s", self->cell, self->local);
    g_clear_pointer (&self->local, g_free);
    retry_later (self, CELLS_SIP_UNREACHABLE);
    return;
  }
  self->reg = nua_handle (self->nua, NULL, SIPTAG_TO_STR (self->aor), TAG_END ());
  do_register (self);
}

/* Name lookups of the registrar may take long: not on the main loop. */
static void
open_endpoint (CellsSip *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, on_local_address, NULL);

  g_task_set_task_data (task, g_strdup (self->registrar), g_free);
  g_task_run_in_thread (task, local_address_thread);
}

/* A SIP cell's modem shows an identity of its own, stable for the cell. */
static char *
synthetic_imei (const char *cell)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, cell, -1);
  GString *imei = g_string_new ("35");

  for (const char *p = sum; imei->len < 15; p++)
    g_string_append_c (imei, '0' + g_ascii_xdigit_value (*p) % 10);
  return g_string_free (imei, FALSE);
}

/**
 * cells_sip_new:
 * @cell: the cell whose line it is
 * @registrar: host or host:port of the registrar, also the outbound proxy
 * @user: the account's user (its number, usually)
 * @password: (nullable): its password
 * @claims: who holds which device: a call's audio holds the microphone
 * @pipewire_dir: (nullable): where the phone user's PipeWire socket is,
 *   for the calls' audio (%NULL: PipeWire's own default)
 *
 * Starts registering the account.
 */
CellsSip *
cells_sip_new (const char *cell, const char *registrar, const char *user, const char *password,
               CellsClaims *claims, const char *pipewire_dir)
{
  CellsSip *self = g_object_new (CELLS_TYPE_SIP, NULL);

  self->claims = claims;
  self->pipewire_dir = g_strdup (pipewire_dir);
  self->imei = synthetic_imei (cell);
  self->operator_name = g_strdup_printf ("SIP %s", registrar);
  self->cell = g_strdup (cell);
  self->registrar = g_strdup (registrar);
  self->user = g_strdup (user);
  self->password = g_strdup (password);
  self->aor = g_strdup_printf ("sip:%s@%s", user, registrar);
  self->state = CELLS_SIP_REGISTERING;
  open_endpoint (self);
  cells_media_warm_up ();
  return self;
}

/**
 * cells_sip_shutdown:
 * @self: (transfer full): the account
 *
 * Hangs up, unregisters and ends the account; @self is released once the
 * user agent is done.
 */
void
cells_sip_shutdown (CellsSip *self)
{
  GHashTableIter iter;
  nua_handle_t *nh;
  SipCall *call;
  GTask *task;

  g_return_if_fail (CELLS_IS_SIP (self));
  g_clear_handle_id (&self->retry_id, g_source_remove);
  /* The user agent's shutdown ends every session (BYE, CANCEL, 486). */
  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &call)) {
    nua_handle_bind (call->nh, NULL);
    call->nh = NULL;
  }
  g_hash_table_remove_all (self->calls);
  /* Messages on their way get their answer now. */
  g_hash_table_iter_init (&iter, self->sending);
  while (g_hash_table_iter_next (&iter, (gpointer *) &nh, (gpointer *) &task)) {
    nua_handle_bind (nh, NULL);
    g_task_return_new_error (task, CELLS_ERROR, CELLS_ERROR_NOT_RUNNING,
                             "The SIP line was closed before the message was taken.");
  }
  g_hash_table_remove_all (self->sending);
  self->shutting_down = TRUE;
  g_signal_handlers_destroy (self);
  if (self->nua == NULL) {
    g_object_unref (self);
    return;
  }
  if (self->state == CELLS_SIP_REGISTERED)
    nua_unregister (self->reg, TAG_END ());
  nua_handle_destroy (self->reg);
  self->reg = NULL;
  nua_shutdown (self->nua);
}
