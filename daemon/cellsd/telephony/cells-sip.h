/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-claims.h"
#include "cells-line-backend.h"

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

CellsSip *cells_sip_new      (const char  *cell,
                              const char  *registrar,
                              const char  *user,
                              const char  *password,
                              CellsClaims *claims,
                              const char  *pipewire_dir);
void      cells_sip_shutdown (CellsSip    *self);

G_END_DECLS
