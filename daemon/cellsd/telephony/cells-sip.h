/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * CellsSipState:
 * @CELLS_SIP_REGISTERING: asking the registrar
 * @CELLS_SIP_REGISTERED: calls and messages go through
 * @CELLS_SIP_UNREACHABLE: the registrar does not answer; tried again later
 * @CELLS_SIP_REFUSED: the registrar refused the account (user or password)
 */
typedef enum {
  CELLS_SIP_REGISTERING,
  CELLS_SIP_REGISTERED,
  CELLS_SIP_UNREACHABLE,
  CELLS_SIP_REFUSED,
} CellsSipState;

#define CELLS_TYPE_SIP (cells_sip_get_type ())
G_DECLARE_FINAL_TYPE (CellsSip, cells_sip, CELLS, SIP, GObject)

CellsSip      *cells_sip_new              (const char          *cell,
                                           const char          *registrar,
                                           const char          *user,
                                           const char          *password,
                                           GError             **error);
void           cells_sip_shutdown         (CellsSip            *self);
CellsSipState  cells_sip_get_state        (CellsSip            *self);
const char    *cells_sip_state_to_string  (CellsSipState        state);
gboolean       cells_sip_has_call         (CellsSip            *self,
                                           guint                call);

void           cells_sip_dial_async       (CellsSip            *self,
                                           const char          *number,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
guint          cells_sip_dial_finish      (CellsSip            *self,
                                           GAsyncResult        *result,
                                           GError             **error);
gboolean       cells_sip_accept           (CellsSip            *self,
                                           guint                call,
                                           GError             **error);
gboolean       cells_sip_hangup           (CellsSip            *self,
                                           guint                call,
                                           GError             **error);
gboolean       cells_sip_send_dtmf        (CellsSip            *self,
                                           guint                call,
                                           const char          *tones,
                                           GError             **error);
void           cells_sip_send_message_async (CellsSip          *self,
                                           const char          *number,
                                           const char          *text,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean       cells_sip_send_message_finish (CellsSip         *self,
                                           GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
