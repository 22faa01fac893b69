/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The virtual modem in this process, with no cell: it serves a private
 * bus (GTestDBus) and talks over a socket pair to a fake cellsd, the
 * bridge's skeleton that the test drives. What is checked is what a
 * ModemManager client (libmm-glib's MMManager, as GNOME Calls uses it)
 * sees there. Every call to the virtual modem is asynchronous: it answers
 * from this thread's main loop.
 *
 * Each test makes its own virtual modem, bridge and client; the bus is
 * one for all (GTestDBus's watcher, which ends a bus whose test crashed,
 * leaks into the bus daemons started after it, so a second bus would
 * outlive a failed test and hold its output open).
 */
#include "cells-modem-bridge.h"
#include "cells-vmodem.h"

#include <libmm-glib.h>

#include <string.h>
#include <sys/socket.h>

#define MODEM_PATH MM_DBUS_MODEM_PREFIX "/0"
#define OWN_NUMBER "+15550001"
#define TIMEOUT_S 10

/* Iterates the main loop until @cond holds; a wake-up source keeps it turning. */
#define WAIT_UNTIL(cond) G_STMT_START {                                   \
    gint64 deadline_ = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC; \
    while (!(cond)) {                                                     \
      if (g_get_monotonic_time () > deadline_)                            \
        g_error ("Timed out waiting for %s", #cond);                      \
      g_main_context_iteration (NULL, TRUE);                              \
    }                                                                     \
  } G_STMT_END

static GTestDBus *test_bus;

typedef struct {
  guint                 wake_id;
  CellsDBusModemBridge *bridge;        /* cellsd's end, driven by the test */
  GDBusConnection      *bridge_server;
  GDBusConnection      *bridge_client;
  CellsDBusModemBridge *bridge_proxy;  /* the virtual modem's end */
  CellsVmodem          *vmodem;
  GDBusConnection      *client;        /* a phone app's connection to the bus */
  guint                 signals_id;
  GPtrArray            *events;        /* what the modem object said, in order */
  MMManager            *manager;
  GPtrArray            *dialled;       /* numbers cellsd was asked to dial */
  GArray               *accepted;      /* ids of calls cellsd was asked to accept */
  GArray               *hung_up;       /* ids of calls cellsd was asked to end */
  GPtrArray            *sent;          /* "number: text" of messages sent */
  GPtrArray            *taken;         /* ids of messages taken */
} Fixture;

static gboolean
on_wake (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
on_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The fake cellsd */

static gboolean
on_handle_dial (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation,
                const char *number, Fixture *f)
{
  g_ptr_array_add (f->dialled, g_strdup (number));
  cells_dbus_modem_bridge_complete_dial (bridge, invocation, 7);
  return TRUE;
}

static gboolean
on_handle_accept (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation, guint id,
                  Fixture *f)
{
  g_array_append_val (f->accepted, id);
  cells_dbus_modem_bridge_complete_accept (bridge, invocation);
  return TRUE;
}

static gboolean
on_handle_hangup (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation, guint id,
                  Fixture *f)
{
  g_array_append_val (f->hung_up, id);
  cells_dbus_modem_bridge_complete_hangup (bridge, invocation);
  return TRUE;
}

static gboolean
on_handle_send_sms (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation,
                    const char *number, const char *text, Fixture *f)
{
  g_ptr_array_add (f->sent, g_strdup_printf ("%s: %s", number, text));
  cells_dbus_modem_bridge_complete_send_sms (bridge, invocation);
  return TRUE;
}

static gboolean
on_handle_take_sms (CellsDBusModemBridge *bridge, GDBusMethodInvocation *invocation,
                    const char *id, Fixture *f)
{
  g_ptr_array_add (f->taken, g_strdup (id));
  cells_dbus_modem_bridge_complete_take_sms (bridge, invocation);
  return TRUE;
}

static CellsDBusModemBridge *
fake_cellsd_new (Fixture *f)
{
  CellsDBusModemBridge *bridge = cells_dbus_modem_bridge_skeleton_new ();

  cells_dbus_modem_bridge_set_present (bridge, TRUE);
  cells_dbus_modem_bridge_set_registered (bridge, TRUE);
  cells_dbus_modem_bridge_set_own_number (bridge, OWN_NUMBER);
  cells_dbus_modem_bridge_set_operator_name (bridge, "Test Net");
  cells_dbus_modem_bridge_set_operator_code (bridge, "00101");
  cells_dbus_modem_bridge_set_imei (bridge, "490154203237518");
  cells_dbus_modem_bridge_set_imsi (bridge, "001010123456789");
  cells_dbus_modem_bridge_set_signal_quality (bridge, 80);
  g_signal_connect (bridge, "handle-dial", G_CALLBACK (on_handle_dial), f);
  g_signal_connect (bridge, "handle-accept", G_CALLBACK (on_handle_accept), f);
  g_signal_connect (bridge, "handle-hangup", G_CALLBACK (on_handle_hangup), f);
  g_signal_connect (bridge, "handle-send-sms", G_CALLBACK (on_handle_send_sms), f);
  g_signal_connect (bridge, "handle-take-sms", G_CALLBACK (on_handle_take_sms), f);
  return bridge;
}

static GIOStream *
stream_new (int fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new_from_fd (fd, &error);

  g_assert_no_error (error);
  return G_IO_STREAM (g_socket_connection_factory_create_connection (socket));
}

/* The bridge as cellsd and main.c make it: a peer-to-peer connection on a socket pair. */
static void
connect_bridge (Fixture *f)
{
  g_autoptr(GAsyncResult) server_result = NULL, client_result = NULL, proxy_result = NULL;
  g_autoptr(GIOStream) server_stream = NULL, client_stream = NULL;
  g_autofree char *guid = g_dbus_generate_guid ();
  g_autoptr(GError) error = NULL;
  int sv[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
  server_stream = stream_new (sv[0]);
  client_stream = stream_new (sv[1]);
  g_dbus_connection_new (server_stream, guid,
                         G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_SERVER |
                         G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING,
                         NULL, NULL, on_ready, &server_result);
  g_dbus_connection_new (client_stream, NULL, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                         NULL, NULL, on_ready, &client_result);
  WAIT_UNTIL (server_result != NULL && client_result != NULL);
  f->bridge_server = g_dbus_connection_new_finish (server_result, &error);
  g_assert_no_error (error);
  f->bridge_client = g_dbus_connection_new_finish (client_result, &error);
  g_assert_no_error (error);

  g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (f->bridge), f->bridge_server,
                                    CELLS_MODEM_BRIDGE_PATH, &error);
  g_assert_no_error (error);
  g_dbus_connection_start_message_processing (f->bridge_server);
  cells_dbus_modem_bridge_proxy_new (f->bridge_client, G_DBUS_PROXY_FLAGS_NONE, NULL,
                                     CELLS_MODEM_BRIDGE_PATH, NULL, on_ready, &proxy_result);
  WAIT_UNTIL (proxy_result != NULL);
  f->bridge_proxy = cells_dbus_modem_bridge_proxy_new_finish (proxy_result, &error);
  g_assert_no_error (error);
}

/* The phone app */

static char *
describe_voice_change (GVariant *parameters)
{
  g_autoptr(GVariant) changed = NULL;
  g_autofree const char **calls = NULL;
  g_autofree char *list = NULL;
  const char *iface;

  g_variant_get (parameters, "(&s@a{sv}@as)", &iface, &changed, NULL);
  if (!g_str_equal (iface, MM_DBUS_INTERFACE_MODEM_VOICE) ||
      !g_variant_lookup (changed, "Calls", "^a&o", &calls))
    return NULL;
  list = g_strjoinv (" ", (char **) calls);
  return g_strdup_printf ("Calls [%s]", list);
}

static void
on_modem_signal (GDBusConnection *connection, const char *sender, const char *path,
                 const char *iface, const char *member, GVariant *parameters, gpointer user_data)
{
  Fixture *f = user_data;
  char *event = NULL;

  if (g_str_equal (member, "PropertiesChanged")) {
    event = describe_voice_change (parameters);
  } else if (g_str_equal (member, "CallAdded") || g_str_equal (member, "CallDeleted")) {
    const char *call;

    g_variant_get (parameters, "(&o)", &call);
    event = g_strdup_printf ("%s %s", member, call);
  }
  if (event != NULL)
    g_ptr_array_add (f->events, event);
}

static guint
find_event (Fixture *f, const char *prefix, const char *path)
{
  for (guint i = 0; i < f->events->len; i++) {
    const char *event = g_ptr_array_index (f->events, i);

    if (g_str_has_prefix (event, prefix) && strstr (event, path) != NULL)
      return i;
  }
  return G_MAXUINT;
}

/* What GNOME Calls relies on: the call is in Voice.Calls before CallAdded tells of it. */
static void
assert_calls_before_added (Fixture *f, const char *path)
{
  guint calls, added;

  WAIT_UNTIL (find_event (f, "CallAdded ", path) != G_MAXUINT);
  calls = find_event (f, "Calls [", path);
  added = find_event (f, "CallAdded ", path);
  g_assert_cmpuint (calls, !=, G_MAXUINT);
  g_assert_cmpuint (calls, <, added);
}

static GList *
objects (Fixture *f)
{
  return g_dbus_object_manager_get_objects (G_DBUS_OBJECT_MANAGER (f->manager));
}

static gboolean
has_modem (Fixture *f)
{
  g_autolist(GDBusObject) list = objects (f);

  return list != NULL;
}

static void
connect_client (Fixture *f)
{
  GDBusConnectionFlags flags = G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                               G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  f->client = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                                      flags, NULL, NULL, &error);
  g_assert_no_error (error);
  f->signals_id = g_dbus_connection_signal_subscribe (f->client, NULL, NULL, NULL, MODEM_PATH,
                                                      NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                      on_modem_signal, f, NULL);
  mm_manager_new (f->client, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START, NULL,
                  on_ready, &result);
  WAIT_UNTIL (result != NULL);
  f->manager = mm_manager_new_finish (result, &error);
  g_assert_no_error (error);
  WAIT_UNTIL (has_modem (f));
}

static void
setup (Fixture *f, gconstpointer data)
{
  f->events = g_ptr_array_new_with_free_func (g_free);
  f->dialled = g_ptr_array_new_with_free_func (g_free);
  f->sent = g_ptr_array_new_with_free_func (g_free);
  f->taken = g_ptr_array_new_with_free_func (g_free);
  f->accepted = g_array_new (FALSE, FALSE, sizeof (guint));
  f->hung_up = g_array_new (FALSE, FALSE, sizeof (guint));
  f->wake_id = g_timeout_add (20, on_wake, NULL);
  f->bridge = fake_cellsd_new (f);
  connect_bridge (f);
  f->vmodem = cells_vmodem_new ("test", f->bridge_proxy, g_test_dbus_get_bus_address (test_bus));
  connect_client (f);
}

static gboolean
name_has_owner (Fixture *f)
{
  g_autofree char *owner =
    g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (f->manager));

  return owner != NULL;
}

static void
teardown (Fixture *f, gconstpointer data)
{
  /* The next test's modem finds ModemManager's name free. */
  g_clear_object (&f->vmodem);
  WAIT_UNTIL (!name_has_owner (f));
  g_clear_object (&f->manager);
  g_dbus_connection_signal_unsubscribe (f->client, f->signals_id);
  g_dbus_connection_close_sync (f->client, NULL, NULL);
  g_clear_object (&f->client);
  g_clear_object (&f->bridge_proxy);
  g_dbus_connection_close_sync (f->bridge_client, NULL, NULL);
  g_clear_object (&f->bridge_client);
  g_clear_object (&f->bridge_server);
  g_clear_object (&f->bridge);
  while (g_main_context_iteration (NULL, FALSE));
  g_source_remove (f->wake_id);
  g_ptr_array_unref (f->events);
  g_ptr_array_unref (f->dialled);
  g_ptr_array_unref (f->sent);
  g_ptr_array_unref (f->taken);
  g_array_unref (f->accepted);
  g_array_unref (f->hung_up);
}

static MMObject *
get_modem (Fixture *f)
{
  GDBusObject *object = g_dbus_object_manager_get_object (G_DBUS_OBJECT_MANAGER (f->manager),
                                                          MODEM_PATH);

  g_assert_nonnull (object);
  return MM_OBJECT (object);
}

static MMCall *
create_call (Fixture *f, const char *number)
{
  g_autoptr(MMObject) modem = get_modem (f);
  g_autoptr(MMCallProperties) properties = mm_call_properties_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  MMCall *call;

  mm_call_properties_set_number (properties, number);
  mm_modem_voice_create_call (mm_object_peek_modem_voice (modem), properties, NULL, on_ready,
                              &result);
  WAIT_UNTIL (result != NULL);
  call = mm_modem_voice_create_call_finish (mm_object_peek_modem_voice (modem), result, &error);
  g_assert_no_error (error);
  return call;
}

/* The one call of the modem (an incoming one the test cannot create). */
static MMCall *
only_call (Fixture *f)
{
  g_autoptr(MMObject) modem = get_modem (f);
  MMModemVoice *voice = mm_object_peek_modem_voice (modem);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autolist(MMCall) calls = NULL;

  mm_modem_voice_list_calls (voice, NULL, on_ready, &result);
  WAIT_UNTIL (result != NULL);
  calls = mm_modem_voice_list_calls_finish (voice, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (calls), ==, 1);
  return g_object_ref (calls->data);
}

/* cellsd tells of a call's new state. */
static void
bridge_call_changed (Fixture *f, guint id, MMCallState state, MMCallStateReason reason)
{
  GVariant *props = g_variant_new_parsed ("{'state': <%i>, 'state-reason': <%u>}",
                                          (gint32) state, (guint32) reason);

  cells_dbus_modem_bridge_emit_call_changed (f->bridge, id, props);
}

/* Runs an MMCall method (start, accept, hangup) and checks it succeeded. */
typedef void (*CallMethod) (MMCall *, GCancellable *, GAsyncReadyCallback, gpointer);
typedef gboolean (*CallMethodFinish) (MMCall *, GAsyncResult *, GError **);

static void
run_call_method (MMCall *call, CallMethod method, CallMethodFinish finish)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  method (call, NULL, on_ready, &result);
  WAIT_UNTIL (result != NULL);
  finish (call, result, &error);
  g_assert_no_error (error);
}

/* Runs an MMCall method and checks it failed with @domain and @code. */
static void
run_call_method_fails (MMCall *call, CallMethod method, CallMethodFinish finish, GQuark domain,
                       int code)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  method (call, NULL, on_ready, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_false (finish (call, result, &error));
  g_assert_error (error, domain, code);
}

static GList *
list_messages (Fixture *f)
{
  g_autoptr(MMObject) modem = get_modem (f);
  MMModemMessaging *messaging = mm_object_peek_modem_messaging (modem);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GList *messages;

  mm_modem_messaging_list (messaging, NULL, on_ready, &result);
  WAIT_UNTIL (result != NULL);
  messages = mm_modem_messaging_list_finish (messaging, result, &error);
  g_assert_no_error (error);
  return messages;
}

static guint
count_paths (const char *const *paths)
{
  return paths != NULL ? g_strv_length ((char **) paths) : 0;
}

static gboolean
message_count_is (Fixture *f, guint count)
{
  g_autoptr(MMObject) modem = get_modem (f);
  MMModemMessaging *messaging = mm_object_peek_modem_messaging (modem);
  const char *const *paths;

  paths = mm_gdbus_modem_messaging_get_messages (MM_GDBUS_MODEM_MESSAGING (messaging));
  return count_paths (paths) == count;
}

static void
assert_received (MMSms *sms, const char *number, const char *text)
{
  g_assert_cmpint (mm_sms_get_pdu_type (sms), ==, MM_SMS_PDU_TYPE_DELIVER);
  g_assert_cmpint (mm_sms_get_state (sms), ==, MM_SMS_STATE_RECEIVED);
  g_assert_cmpstr (mm_sms_get_number (sms), ==, number);
  g_assert_cmpstr (mm_sms_get_text (sms), ==, text);
}

/* The tests */

static void
test_modem (Fixture *f, gconstpointer data)
{
  g_autolist(GDBusObject) list = objects (f);
  MMObject *object = list->data;
  MMModem *modem = mm_object_peek_modem (object);
  const char *const own[] = { OWN_NUMBER, NULL }, *const changed[] = { "+15559999", NULL };

  g_assert_cmpuint (g_list_length (list), ==, 1);
  g_assert_cmpstr (mm_object_get_path (object), ==, MODEM_PATH);
  g_assert_nonnull (mm_object_peek_modem_voice (object));
  g_assert_nonnull (mm_object_peek_modem_3gpp (object));
  g_assert_nonnull (mm_object_peek_modem_messaging (object));
  g_assert_nonnull (modem);
  g_assert_cmpstrv (mm_modem_get_own_numbers (modem), own);
  g_assert_cmpint (mm_modem_get_state (modem), ==, MM_MODEM_STATE_REGISTERED);
  g_assert_cmpuint (mm_modem_get_signal_quality (modem, NULL), ==, 80);
  g_assert_cmpstr (mm_modem_3gpp_get_operator_name (mm_object_peek_modem_3gpp (object)), ==,
                   "Test Net");

  /* What cellsd says of the line changes the modem. */
  cells_dbus_modem_bridge_set_own_number (f->bridge, "+15559999");
  cells_dbus_modem_bridge_set_registered (f->bridge, FALSE);
  WAIT_UNTIL (mm_modem_get_state (modem) == MM_MODEM_STATE_SEARCHING);
  g_assert_cmpstrv (mm_modem_get_own_numbers (modem), changed);
}

static void
test_sim (Fixture *f, gconstpointer data)
{
  g_autoptr(MMObject) object = get_modem (f);
  MMModem *modem = mm_object_peek_modem (object);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MMSim) sim = NULL;

  mm_modem_get_sim (modem, NULL, on_ready, &result);
  WAIT_UNTIL (result != NULL);
  sim = mm_modem_get_sim_finish (modem, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mm_sim_get_path (sim), ==, MM_DBUS_PATH "/SIM/0");
  g_assert_cmpstr (mm_sim_get_imsi (sim), ==, "001010123456789");
  g_assert_true (mm_sim_get_active (sim));
}

static void
test_unsupported (Fixture *f, gconstpointer data)
{
  g_autoptr(MMObject) object = get_modem (f);
  MMModem *modem = mm_object_peek_modem (object);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* The line is cellsd's to enable, not the cell's. */
  mm_modem_enable (modem, NULL, on_ready, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_false (mm_modem_enable_finish (modem, result, &error));
  g_assert_error (error, MM_CORE_ERROR, MM_CORE_ERROR_UNSUPPORTED);
}

static void
test_outgoing_call (Fixture *f, gconstpointer data)
{
  g_autoptr(MMCall) call = create_call (f, "+15550002");

  assert_calls_before_added (f, mm_call_get_path (call));
  g_assert_cmpint (mm_call_get_direction (call), ==, MM_CALL_DIRECTION_OUTGOING);
  g_assert_cmpint (mm_call_get_state (call), ==, MM_CALL_STATE_UNKNOWN);
  g_assert_cmpuint (f->dialled->len, ==, 0);

  run_call_method (call, mm_call_start, mm_call_start_finish);
  g_assert_cmpuint (f->dialled->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->dialled, 0), ==, "+15550002");
  WAIT_UNTIL (mm_call_get_state (call) == MM_CALL_STATE_DIALING);

  bridge_call_changed (f, 7, MM_CALL_STATE_ACTIVE, MM_CALL_STATE_REASON_ACCEPTED);
  WAIT_UNTIL (mm_call_get_state (call) == MM_CALL_STATE_ACTIVE);
  g_assert_cmpint (mm_call_get_state_reason (call), ==, MM_CALL_STATE_REASON_ACCEPTED);

  run_call_method (call, mm_call_hangup, mm_call_hangup_finish);
  g_assert_cmpuint (f->hung_up->len, ==, 1);
  g_assert_cmpuint (g_array_index (f->hung_up, guint, 0), ==, 7);
  bridge_call_changed (f, 7, MM_CALL_STATE_TERMINATED, MM_CALL_STATE_REASON_TERMINATED);
  WAIT_UNTIL (mm_call_get_state (call) == MM_CALL_STATE_TERMINATED);
}

static void
test_incoming_call (Fixture *f, gconstpointer data)
{
  GVariant *props = g_variant_new_parsed ("{'direction': <%u>, 'number': <'+15550003'>, "
                                          "'state': <%i>}", (guint32) MM_CALL_DIRECTION_INCOMING,
                                          (gint32) MM_CALL_STATE_RINGING_IN);
  g_autoptr(MMCall) call = NULL;

  cells_dbus_modem_bridge_emit_call_changed (f->bridge, 9, props);
  WAIT_UNTIL (find_event (f, "CallAdded ", "/Call/") != G_MAXUINT);
  call = only_call (f);
  assert_calls_before_added (f, mm_call_get_path (call));
  g_assert_cmpint (mm_call_get_direction (call), ==, MM_CALL_DIRECTION_INCOMING);
  g_assert_cmpstr (mm_call_get_number (call), ==, "+15550003");
  g_assert_cmpint (mm_call_get_state (call), ==, MM_CALL_STATE_RINGING_IN);

  run_call_method (call, mm_call_accept, mm_call_accept_finish);
  g_assert_cmpuint (f->accepted->len, ==, 1);
  g_assert_cmpuint (g_array_index (f->accepted, guint, 0), ==, 9);
}

static void
test_received_sms (Fixture *f, gconstpointer data)
{
  g_autolist(MMSms) messages = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  cells_dbus_modem_bridge_emit_sms_received (f->bridge, "m1", "+15550004", "Hello",
                                             "2024-05-01T10:00:00+00:00");
  WAIT_UNTIL (message_count_is (f, 1));
  messages = list_messages (f);
  assert_received (messages->data, "+15550004", "Hello");
  /* Shown, then cellsd may forget it. */
  WAIT_UNTIL (f->taken->len == 1);
  g_assert_cmpstr (g_ptr_array_index (f->taken, 0), ==, "m1");

  /* A received message has no Send. */
  mm_sms_send (messages->data, NULL, on_ready, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_false (mm_sms_send_finish (messages->data, result, &error));
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
}

static void
test_sent_sms (Fixture *f, gconstpointer data)
{
  g_autoptr(MMObject) modem = get_modem (f);
  MMModemMessaging *messaging = mm_object_peek_modem_messaging (modem);
  g_autoptr(MMSmsProperties) properties = mm_sms_properties_new ();
  g_autoptr(GAsyncResult) created = NULL, sent = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MMSms) sms = NULL;

  mm_sms_properties_set_number (properties, "+15550005");
  mm_sms_properties_set_text (properties, "On my way");
  mm_modem_messaging_create (messaging, properties, NULL, on_ready, &created);
  WAIT_UNTIL (created != NULL);
  sms = mm_modem_messaging_create_finish (messaging, created, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mm_sms_get_pdu_type (sms), ==, MM_SMS_PDU_TYPE_SUBMIT);

  mm_sms_send (sms, NULL, on_ready, &sent);
  WAIT_UNTIL (sent != NULL);
  g_assert_true (mm_sms_send_finish (sms, sent, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->sent->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->sent, 0), ==, "+15550005: On my way");
  WAIT_UNTIL (mm_sms_get_state (sms) == MM_SMS_STATE_SENT);
}

static gboolean
call_count_is (Fixture *f, guint count)
{
  g_autoptr(MMObject) modem = get_modem (f);
  MMModemVoice *voice = mm_object_peek_modem_voice (modem);

  return count_paths (mm_gdbus_modem_voice_get_calls (MM_GDBUS_MODEM_VOICE (voice))) == count;
}

/* Without the line, no modem and no calls; received messages come back with it. */
static void
test_presence (Fixture *f, gconstpointer data)
{
  g_autoptr(MMCall) call = create_call (f, "+15550007");
  g_autolist(MMSms) messages = NULL;

  cells_dbus_modem_bridge_emit_sms_received (f->bridge, "m2", "+15550006", "Still there?", "");
  WAIT_UNTIL (message_count_is (f, 1));
  WAIT_UNTIL (call_count_is (f, 1));

  cells_dbus_modem_bridge_set_present (f->bridge, FALSE);
  WAIT_UNTIL (!has_modem (f));
  cells_dbus_modem_bridge_set_present (f->bridge, TRUE);
  WAIT_UNTIL (has_modem (f));

  g_assert_true (call_count_is (f, 0));
  WAIT_UNTIL (message_count_is (f, 1));
  messages = list_messages (f);
  assert_received (messages->data, "+15550006", "Still there?");
  /* Taken once: cellsd forgot it the first time. */
  g_assert_cmpuint (f->taken->len, ==, 1);
  /* The old call went with the old modem. */
  run_call_method_fails (call, mm_call_start, mm_call_start_finish, G_DBUS_ERROR,
                         G_DBUS_ERROR_UNKNOWN_METHOD);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vmodem/modem", Fixture, NULL, setup, test_modem, teardown);
  g_test_add ("/vmodem/sim", Fixture, NULL, setup, test_sim, teardown);
  g_test_add ("/vmodem/unsupported", Fixture, NULL, setup, test_unsupported, teardown);
  g_test_add ("/vmodem/outgoing-call", Fixture, NULL, setup, test_outgoing_call, teardown);
  g_test_add ("/vmodem/incoming-call", Fixture, NULL, setup, test_incoming_call, teardown);
  g_test_add ("/vmodem/received-sms", Fixture, NULL, setup, test_received_sms, teardown);
  g_test_add ("/vmodem/sent-sms", Fixture, NULL, setup, test_sent_sms, teardown);
  g_test_add ("/vmodem/presence", Fixture, NULL, setup, test_presence, teardown);

  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);
  ret = g_test_run ();
  g_test_dbus_down (test_bus);
  g_object_unref (test_bus);
  return ret;
}
