/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * CellsSimState:
 * @CELLS_SIM_NO_MODEM: ModemManager runs no usable modem (or does not run)
 * @CELLS_SIM_LOCKED: the SIM waits for its PIN
 * @CELLS_SIM_SEARCHING: enabled, not registered to a network
 * @CELLS_SIM_REGISTERED: calls and messages go through
 */
typedef enum {
  CELLS_SIM_NO_MODEM,
  CELLS_SIM_LOCKED,
  CELLS_SIM_SEARCHING,
  CELLS_SIM_REGISTERED,
} CellsSimState;

#define CELLS_TYPE_SIM (cells_sim_get_type ())
G_DECLARE_FINAL_TYPE (CellsSim, cells_sim, CELLS, SIM, GObject)

guint          cells_call_id_new            (void);
CellsSim      *cells_sim_new                (GDBusConnection     *system_bus);
CellsSimState  cells_sim_get_state          (CellsSim            *self);
const char    *cells_sim_state_to_string    (CellsSimState        state);
const char    *cells_sim_get_own_number     (CellsSim            *self);
const char    *cells_sim_get_operator_name  (CellsSim            *self);
const char    *cells_sim_get_operator_code  (CellsSim            *self);
const char    *cells_sim_get_imei           (CellsSim            *self);
const char    *cells_sim_get_imsi           (CellsSim            *self);
guint          cells_sim_get_signal_quality (CellsSim            *self);

void           cells_sim_dial_async         (CellsSim            *self,
                                             const char          *number,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
guint          cells_sim_dial_finish        (CellsSim            *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void           cells_sim_accept_async       (CellsSim            *self,
                                             guint                call,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void           cells_sim_hangup_async       (CellsSim            *self,
                                             guint                call,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void           cells_sim_send_dtmf_async    (CellsSim            *self,
                                             guint                call,
                                             const char          *tones,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void           cells_sim_send_sms_async     (CellsSim            *self,
                                             const char          *number,
                                             const char          *text,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean       cells_sim_op_finish          (CellsSim            *self,
                                             GAsyncResult        *result,
                                             GError             **error);
gboolean       cells_sim_has_call           (CellsSim            *self,
                                             guint                call);
void           cells_sim_deliver_messages   (CellsSim            *self,
                                             gboolean             again);
void           cells_sim_take_message       (CellsSim            *self,
                                             const char          *path);

G_END_DECLS
