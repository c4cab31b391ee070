/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "gstringcommon.h"
#include "gstringstats.h"

#include <string.h>

void
gst_ring_settings_clear (GstRingSettings * s)
{
  g_clear_pointer (&s->ring_name, g_free);
  g_clear_pointer (&s->name, g_free);
  g_clear_object (&s->ring_prop);
}

/* With the object lock: a property that may not change while the element
 * runs is refused with a warning naming it. */
gboolean
gst_ring_refuse_while_running (GstElement * element, const GstRingSettings * s,
    GParamSpec * pspec)
{
  if (!s->running)
    return FALSE;
  g_warning ("%s: cannot change %s while the element is running (%s); "
      "set it in the NULL or READY state", GST_OBJECT_NAME (element),
      pspec->name, gst_element_state_get_name (GST_STATE (element)));
  return TRUE;
}

/* With the object lock: sets ring-name, ring or open-flags (TRUE), or
 * leaves any other property to the element (FALSE). */
gboolean
gst_ring_settings_set_property (GstRingSettings * s, GstElement * element,
    GParamSpec * pspec, const GValue * value)
{
  if (strcmp (pspec->name, "ring-name") == 0) {
    if (!gst_ring_refuse_while_running (element, s, pspec)) {
      g_free (s->ring_name);
      s->ring_name = g_value_dup_string (value);
    }
  } else if (strcmp (pspec->name, "ring") == 0) {
    if (!gst_ring_refuse_while_running (element, s, pspec)) {
      g_clear_object (&s->ring_prop);
      s->ring_prop = g_value_dup_object (value);
    }
  } else if (strcmp (pspec->name, "open-flags") == 0) {
    if (!gst_ring_refuse_while_running (element, s, pspec))
      s->open_flags = g_value_get_flags (value);
  } else if (strcmp (pspec->name, "stats-interval") == 0) {
    /* takes effect at once (element_set_property restarts the messages) */
    s->stats_interval = g_value_get_uint (value);
  } else {
    return FALSE;
  }
  return TRUE;
}

/* With the object lock: the getter's half of set_property(). */
gboolean
gst_ring_settings_get_property (const GstRingSettings * s, GParamSpec * pspec,
    GValue * value)
{
  if (strcmp (pspec->name, "ring-name") == 0)
    g_value_set_string (value, s->ring_name);
  else if (strcmp (pspec->name, "ring") == 0)
    g_value_set_object (value, s->ring_prop);
  else if (strcmp (pspec->name, "open-flags") == 0)
    g_value_set_flags (value, s->open_flags);
  else if (strcmp (pspec->name, "stats-interval") == 0)
    g_value_set_uint (value, s->stats_interval);
  else
    return FALSE;
  return TRUE;
}

/* With the object lock, at start(): copies the properties for the run.
 * Returns: (transfer full) (nullable): the ring handed in, if any. */
RbRing *
gst_ring_settings_start (GstRingSettings * s)
{
  RbRing *prop = s->ring_prop ? g_object_ref (s->ring_prop) : NULL;

  g_free (s->name);
  s->name = g_strdup (s->ring_name);
  s->ring_prop_used = prop != NULL;
  s->run_open_flags = s->open_flags;
  s->running = TRUE;
  return prop;
}

/* With the object lock. */
void
gst_ring_settings_stop (GstRingSettings * s)
{
  s->running = FALSE;
}

/* The one place that says neither a name nor a ring was given. */
static void
post_no_ring_name (GstElement * element)
{
  GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS, ("No ring name set"),
      ("set ring-name or ring"));
}

/* NULL to READY: a ring must be named or handed in; posts the error if
 * not. Takes the object lock. */
gboolean
gst_ring_settings_check_ready (GstRingSettings * s, GstElement * element)
{
  gboolean have;

  GST_OBJECT_LOCK (element);
  have = s->ring_name != NULL || s->ring_prop != NULL;
  GST_OBJECT_UNLOCK (element);
  if (!have)
    post_no_ring_name (element);
  return have;
}

/* start(), without a ring handed in: this run needs a name; posts the
 * error if it has none. */
gboolean
gst_ring_settings_check_name (const GstRingSettings * s, GstElement * element)
{
  if (s->name != NULL)
    return TRUE;
  post_no_ring_name (element);
  return FALSE;
}

/* For another thread than the streaming one (caps and latency queries):
 * the element's ring, *@ring, read under its object lock.
 * Returns: (transfer full) (nullable): a reference to it, or NULL. */
RbRing *
gst_ring_element_ref_ring (GstElement * element, RbRing * const *ring)
{
  RbRing *ref = NULL;

  GST_OBJECT_LOCK (element);
  if (*ring != NULL)
    ref = g_object_ref (*ring);
  GST_OBJECT_UNLOCK (element);
  return ref;
}

void
gst_ring_post_error (GstElement * element, const GError * error,
    const gchar * file, const gchar * function, gint line)
{
  GQuark domain = GST_RESOURCE_ERROR;
  gint code = GST_RESOURCE_ERROR_FAILED;

  switch (error->code) {
    case RB_RING_ERROR_NOT_FOUND:
      code = GST_RESOURCE_ERROR_NOT_FOUND;
      break;
    case RB_RING_ERROR_BUSY:
      code = GST_RESOURCE_ERROR_BUSY;
      break;
    case RB_RING_ERROR_PERMISSION:
      code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
      break;
    case RB_RING_ERROR_INVALID_NAME:
    case RB_RING_ERROR_INVALID_CAPACITY:
    case RB_RING_ERROR_INVALID_FLAGS:
    case RB_RING_ERROR_INVALID_ROLE:
    case RB_RING_ERROR_EXISTS:
      code = GST_RESOURCE_ERROR_SETTINGS;
      break;
    case RB_RING_ERROR_NO_SPACE:
    case RB_RING_ERROR_NO_MEMORY:
      code = GST_RESOURCE_ERROR_NO_SPACE_LEFT;
      break;
    case RB_RING_ERROR_NOT_A_RING:
    case RB_RING_ERROR_INCOMPATIBLE:
    case RB_RING_ERROR_CORRUPT:
    case RB_RING_ERROR_NOT_SEALED:
    case RB_RING_ERROR_INVALID_FORMAT:
      domain = GST_STREAM_ERROR;
      code = GST_STREAM_ERROR_FORMAT;
      break;
    default:
      break;
  }
  /* the library's message names the ring and the cause; it is what the
   * user needs to read, so it is the message, not only the details */
  gst_element_message_full (element, GST_MESSAGE_ERROR, domain, code,
      g_strdup (error->message), g_strdup_printf ("%s (%s %d)",
          error->message, g_quark_to_string (error->domain), error->code),
      file, function, line);
}

/* --- properties ---------------------------------------------------------- */

/* the types a field may have: its GType, C type, and GValue accessors */
#define FIELD_TYPES(X) \
  X (G_TYPE_BOOLEAN, gboolean, boolean) \
  X (G_TYPE_UINT, guint, uint) \
  X (G_TYPE_UINT64, guint64, uint64) \
  X (G_TYPE_INT64, gint64, int64) \
  X (G_TYPE_ENUM, gint, enum)

/* Copies @value into the field at @field (@set), or the field into
 * @value, by @pspec's type. */
static void
field_copy (gpointer field, GParamSpec * pspec, GValue * value, gboolean set)
{
  switch (G_TYPE_FUNDAMENTAL (G_PARAM_SPEC_VALUE_TYPE (pspec))) {
#define COPY(gtype, ctype, name) \
    case gtype: \
      if (set) \
        *(ctype *) field = g_value_get_##name (value); \
      else \
        g_value_set_##name (value, *(ctype *) field); \
      break;
      FIELD_TYPES (COPY)
#undef COPY
    default:
      g_assert_not_reached ();
  }
}

static GQuark
info_quark (void)
{
  return g_quark_from_static_string ("gst-ring-element-info");
}

/* The info of @element's class, and in *@type the type it was given to. */
static const GstRingElementInfo *
element_info (GstElement * element, GType * type)
{
  GType t = G_OBJECT_TYPE (element);
  const GstRingElementInfo *info;

  while ((info = g_type_get_qdata (t, info_quark ())) == NULL)
    t = g_type_parent (t);
  if (type != NULL)
    *type = t;
  return info;
}

static GstRingSettings *
element_settings (GstElement * element, const GstRingElementInfo * info)
{
  return G_STRUCT_MEMBER_P (element, info->settings_offset);
}

/* set_property(): ring-name, ring and open-flags into the settings, the
 * properties the fields list into the element's fields, under the object
 * lock. */
static void
element_set_property (GObject * object, guint prop_id, const GValue * value,
    GParamSpec * pspec)
{
  GstElement *element = GST_ELEMENT (object);
  const GstRingElementInfo *info = element_info (element, NULL);
  GstRingSettings *s = element_settings (element, info);
  const GstRingField *f = prop_id < info->n_fields ?
      &info->fields[prop_id] : NULL;
  gboolean set = FALSE;

  GST_OBJECT_LOCK (element);
  if (gst_ring_settings_set_property (s, element, pspec, value)) {
    /* under the lock, so that a state change cannot stop the messages
     * between the test and the restart */
    if (s->posting && strcmp (pspec->name, "stats-interval") == 0)
      gst_ring_stats_start (element, s->stats_interval);
  } else if (f != NULL && f->offset != 0) {
    if (!f->fixed_while_running ||
        !gst_ring_refuse_while_running (element, s, pspec)) {
      field_copy (G_STRUCT_MEMBER_P (element, f->offset), pspec,
          (GValue *) value, TRUE);
      set = TRUE;
    }
  } else {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
  GST_OBJECT_UNLOCK (element);
  if (set && info->field_set != NULL)
    info->field_set (element, prop_id);
}

static void
element_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstElement *element = GST_ELEMENT (object);
  const GstRingElementInfo *info = element_info (element, NULL);

  /* computed, taking the lock itself */
  if (strcmp (pspec->name, "stats") == 0) {
    g_value_take_boxed (value, gst_ring_stats_of (element));
    return;
  }
  GST_OBJECT_LOCK (element);
  if (gst_ring_settings_get_property (element_settings (element, info),
          pspec, value)) {
    /* done */
  } else if (prop_id < info->n_fields && info->fields[prop_id].offset != 0) {
    field_copy (G_STRUCT_MEMBER_P (element, info->fields[prop_id].offset),
        pspec, value, FALSE);
  } else {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
  GST_OBJECT_UNLOCK (element);
}

/* For another thread than the streaming one: the element's ring, as the
 * info of its class says where it is.
 * Returns: (transfer full) (nullable): a reference to it, or NULL. */
RbRing *
gst_ring_element_ref_own_ring (GstElement * element)
{
  const GstRingElementInfo *info = element_info (element, NULL);

  return gst_ring_element_ref_ring (element,
      G_STRUCT_MEMBER_P (element, info->ring_offset));
}

/* The stats messages run while the element is PAUSED or PLAYING; started
 * and stopped under the object lock, as stats-interval restarts them. */
static void
stats_messages (GstElement * element, GstRingSettings * s, gboolean on)
{
  GST_OBJECT_LOCK (element);
  s->posting = on;
  if (on)
    gst_ring_stats_start (element, s->stats_interval);
  else
    gst_ring_stats_stop (element);
  GST_OBJECT_UNLOCK (element);
}

/* NULL to READY needs a ring named or handed in. */
static GstStateChangeReturn
element_change_state (GstElement * element, GstStateChange transition)
{
  GType type;
  const GstRingElementInfo *info = element_info (element, &type);
  GstElementClass *parent = g_type_class_peek (g_type_parent (type));
  GstRingSettings *s = element_settings (element, info);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY &&
      !gst_ring_settings_check_ready (s, element))
    return GST_STATE_CHANGE_FAILURE;
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    stats_messages (element, s, FALSE);
  ret = parent->change_state (element, transition);
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED &&
      ret != GST_STATE_CHANGE_FAILURE)
    stats_messages (element, s, TRUE);
  return ret;
}

/* Releases what gst_ring_element_init() made and the element's ring,
 * caps and settings, then chains up. */
static void
element_finalize (GObject * object)
{
  GstElement *element = GST_ELEMENT (object);
  GType type;
  const GstRingElementInfo *info = element_info (element, &type);
  GObjectClass *parent = g_type_class_peek (g_type_parent (type));

  gst_ring_clock_clear (G_STRUCT_MEMBER_P (element, info->clock_offset));
  gst_ring_settings_clear (element_settings (element, info));
  g_clear_object ((RbRing **) G_STRUCT_MEMBER_P (element, info->ring_offset));
  gst_clear_caps ((GstCaps **) G_STRUCT_MEMBER_P (element,
          info->caps_offset));
  g_queue_clear_full (G_STRUCT_MEMBER_P (element, info->events_offset),
      (GDestroyNotify) gst_event_unref);
  g_clear_object ((GCancellable **) G_STRUCT_MEMBER_P (element,
          info->cancellable_offset));

  parent->finalize (object);
}

/* In instance_init: every property the fields list at its spec's default
 * (the element's field_set() following each, as when it is set), the
 * element's clock following the ring's @side, its events queue and the
 * cancellable unlock() cancels. */
void
gst_ring_element_init (GstElement * element, GstRingClockSide side)
{
  GType type;
  const GstRingElementInfo *info = element_info (element, &type);
  guint n_specs;
  GParamSpec **specs =
      g_object_class_list_properties (G_OBJECT_GET_CLASS (element), &n_specs);

  element_settings (element, info)->open_flags = RB_RING_OPEN_FLAGS_NONE;
  for (guint i = 0; i < n_specs; i++) {
    guint id = specs[i]->param_id;

    if (specs[i]->owner_type != type ||
        id >= info->n_fields || info->fields[id].offset == 0)
      continue;
    field_copy (G_STRUCT_MEMBER_P (element, info->fields[id].offset),
        specs[i], (GValue *) g_param_spec_get_default_value (specs[i]), TRUE);
    if (info->field_set != NULL)
      info->field_set (element, id);
  }
  g_free (specs);

  gst_ring_clock_init (G_STRUCT_MEMBER_P (element, info->clock_offset), side);
  g_queue_init (G_STRUCT_MEMBER_P (element, info->events_offset));
  *(GCancellable **) G_STRUCT_MEMBER_P (element, info->cancellable_offset) =
      g_cancellable_new ();
}

/* In class_init: the element's properties, kept as @info says, its
 * change_state() and finalize(). */
void
gst_ring_element_class_init (GstElementClass * klass,
    const GstRingElementInfo * info, GParamSpec ** properties,
    guint n_properties)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  g_type_set_qdata (G_OBJECT_CLASS_TYPE (klass), info_quark (),
      (gpointer) info);
  gobject_class->set_property = element_set_property;
  gobject_class->get_property = element_get_property;
  gobject_class->finalize = element_finalize;
  klass->change_state = GST_DEBUG_FUNCPTR (element_change_state);
  g_object_class_install_properties (gobject_class, n_properties, properties);
}

/* An element's enum type, registered once. */
GType
gst_ring_register_enum (GType * type, const gchar * name,
    const GEnumValue * values)
{
  if (g_once_init_enter (type)) {
    GType t = g_enum_register_static (name, values);

    g_once_init_leave (type, t);
  }
  return *type;
}

/* In class_init: the specs of the properties both elements have, ring-name,
 * ring and open-flags, at their ids (GST_RING_PROP_*) in @properties; each
 * element says in the blurbs what it does with them. */
void
gst_ring_settings_specs (GParamSpec ** properties, const gchar * name_blurb,
    const gchar * ring_blurb, const gchar * flags_blurb)
{
  properties[GST_RING_PROP_RING_NAME] = g_param_spec_string ("ring-name",
      "Ring name", name_blurb, NULL, GST_RING_PARAM_FIXED);
  properties[GST_RING_PROP_RING] = g_param_spec_object ("ring", "Ring",
      ring_blurb, RB_TYPE_RING, GST_RING_PARAM_FIXED);
  properties[GST_RING_PROP_OPEN_FLAGS] = g_param_spec_flags ("open-flags",
      "Open flags", flags_blurb, RB_TYPE_RING_OPEN_FLAGS,
      RB_RING_OPEN_FLAGS_NONE, GST_RING_PARAM_FIXED);
}
