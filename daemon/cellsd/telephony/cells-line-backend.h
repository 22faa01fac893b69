/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * CellsLineInfo:
 * @own_number: the line's own number, "" when it does not know it
 * @state: the line's state as the Cell's PhoneLineState shows it
 * @registered: whether calls and messages go through
 * @present: whether there is a line at all (the SIM: a modem)
 * @operator_name: the network, as the cell's modem shows it
 * @operator_code: its MCC and MNC, or ""
 * @imei: the identity of the cell's modem
 * @imsi: the SIM's identity, or ""
 * @signal_quality: 0 to 100
 *
 * What a line tells the cells that use it. The strings belong to the
 * backend and stay valid until it next emits "changed".
 */
typedef struct {
  const char *own_number;
  const char *state;
  gboolean    registered;
  gboolean    present;
  const char *operator_name;
  const char *operator_code;
  const char *imei;
  const char *imsi;
  guint       signal_quality;
} CellsLineInfo;

#define CELLS_TYPE_LINE_BACKEND (cells_line_backend_get_type ())
G_DECLARE_INTERFACE (CellsLineBackend, cells_line_backend, CELLS, LINE_BACKEND, GObject)

/**
 * CellsLineBackendInterface:
 * @get_info: fills in what the line tells its cells
 * @has_call: whether call @id is one of the line's
 * @dial_async: places a call; finished with @dial_finish (the new call's id)
 * @accept_async: answers a ringing call
 * @hangup_async: ends a call
 * @send_dtmf_async: sends tones on an active call
 * @send_message_async: sends a text message
 * @op_finish: finishes @accept_async, @hangup_async, @send_dtmf_async and
 *   @send_message_async
 * @attached: a cell's modem listens to the line now (offer what waits)
 * @take_message: a cell shows the message that "message-received" offered
 *
 * A phone line that carries the calls and messages of cells: the phone's
 * own modem and SIM (CellsSim) or a SIP account (CellsSip). Signals:
 * "changed" (what get_info tells changed), "call-changed" (id, a{sv} of
 * the call's properties in ModemManager's terms) and "message-received"
 * (id, number, text, timestamp; returns whether a cell took it).
 */
struct _CellsLineBackendInterface {
  GTypeInterface parent;

  void      (*get_info)           (CellsLineBackend     *self,
                                   CellsLineInfo        *info);
  gboolean  (*has_call)           (CellsLineBackend     *self,
                                   guint                 id);
  void      (*dial_async)         (CellsLineBackend     *self,
                                   const char           *number,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
  guint     (*dial_finish)        (CellsLineBackend     *self,
                                   GAsyncResult         *result,
                                   GError              **error);
  void      (*accept_async)       (CellsLineBackend     *self,
                                   guint                 id,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
  void      (*hangup_async)       (CellsLineBackend     *self,
                                   guint                 id,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
  void      (*send_dtmf_async)    (CellsLineBackend     *self,
                                   guint                 id,
                                   const char           *tones,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
  void      (*send_message_async) (CellsLineBackend     *self,
                                   const char           *number,
                                   const char           *text,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
  gboolean  (*op_finish)          (CellsLineBackend     *self,
                                   GAsyncResult         *result,
                                   GError              **error);
  void      (*attached)           (CellsLineBackend     *self);
  void      (*take_message)       (CellsLineBackend     *self,
                                   const char           *id);
};

void      cells_line_backend_get_info           (CellsLineBackend     *self,
                                                 CellsLineInfo        *info);
gboolean  cells_line_backend_has_call           (CellsLineBackend     *self,
                                                 guint                 id);
void      cells_line_backend_dial_async         (CellsLineBackend     *self,
                                                 const char           *number,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
guint     cells_line_backend_dial_finish        (CellsLineBackend     *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
void      cells_line_backend_accept_async       (CellsLineBackend     *self,
                                                 guint                 id,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
void      cells_line_backend_hangup_async       (CellsLineBackend     *self,
                                                 guint                 id,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
void      cells_line_backend_send_dtmf_async    (CellsLineBackend     *self,
                                                 guint                 id,
                                                 const char           *tones,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
void      cells_line_backend_send_message_async (CellsLineBackend     *self,
                                                 const char           *number,
                                                 const char           *text,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean  cells_line_backend_op_finish          (CellsLineBackend     *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
void      cells_line_backend_attached           (CellsLineBackend     *self);
void      cells_line_backend_take_message       (CellsLineBackend     *self,
                                                 const char           *id);

void      cells_line_backend_emit_changed       (CellsLineBackend     *self);
void      cells_line_backend_emit_call_changed  (CellsLineBackend     *self,
                                                 guint                 id,
                                                 GVariant             *props);
gboolean  cells_line_backend_emit_message       (CellsLineBackend     *self,
                                                 const char           *id,
                                                 const char           *number,
                                                 const char           *text,
                                                 const char           *timestamp);

G_END_DECLS
