package io.ecokube.api.demand;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns the fields of one event, as a transport delivered them, into a {@link ScaleEvent}. One
 * decoder serves every transport: a Redis Streams entry is already a field map; a JSON record is
 * parsed by its adapter (which rejects duplicate keys and trailing data) and its members given here
 * as text. Two spellings are read:
 *
 * <ul>
 *   <li>the Ottoscaler shape: {@code type=scale_up pod_count=3 task_id=task-123}, usually without a
 *       workload;
 *   <li>Eco-Kube's own: {@code type}, {@code workload}, {@code podCount}, {@code taskId}.
 * </ul>
 *
 * An event without a {@code workload} goes to the configured default workload. Every other field is
 * kept as an attribute. Every failure names the field as the producer spelled it.
 *
 * @param defaultWorkload where an event without a workload goes; without one such an event is
 *     malformed
 * @param maxPodCount the largest pod count one event may ask for, > 0; a larger one is malformed,
 *     so a typo cannot ask for a million pods
 */
public record ScaleEventDecoder(Optional<String> defaultWorkload, int maxPodCount) {
  /** The event type field. */
  public static final String TYPE = "type";

  /** The workload field. */
  public static final String WORKLOAD = "workload";

  /** The pod count, Eco-Kube spelling. */
  public static final String POD_COUNT = "podCount";

  /** The pod count, Ottoscaler spelling. */
  public static final String POD_COUNT_SNAKE = "pod_count";

  /** The task id, Eco-Kube spelling. */
  public static final String TASK_ID = "taskId";

  /** The task id, Ottoscaler spelling. */
  public static final String TASK_ID_SNAKE = "task_id";

  /** The default {@link #maxPodCount}. */
  public static final int DEFAULT_MAX_POD_COUNT = 100;

  /** Fields one event may carry; more is a producer bug, not a scale request. */
  public static final int MAX_FIELDS = 64;

  /** The longest task id: it ends up in pod names and labels. */
  public static final int MAX_TASK_ID_LENGTH = 200;

  /** The longest field name or value. */
  public static final int MAX_VALUE_LENGTH = 8 * 1024;

  /** Validates. */
  public ScaleEventDecoder {
    Objects.requireNonNull(defaultWorkload, "defaultWorkload");
    if (defaultWorkload.isPresent() && defaultWorkload.get().isBlank()) {
      throw new IllegalArgumentException(
          "scale events: defaultWorkload is blank; give a workload name or leave it out");
    }
    if (maxPodCount <= 0) {
      throw new IllegalArgumentException(
          "scale events: maxPodCount must be > 0, got " + maxPodCount);
    }
  }

  /** No default workload, at most {@link #DEFAULT_MAX_POD_COUNT} pods per event. */
  public static ScaleEventDecoder strict() {
    return new ScaleEventDecoder(Optional.empty(), DEFAULT_MAX_POD_COUNT);
  }

  /** This decoder with events without a workload going to {@code workload}. */
  public ScaleEventDecoder withDefaultWorkload(String workload) {
    return new ScaleEventDecoder(
        Optional.of(Objects.requireNonNull(workload, "workload")), maxPodCount);
  }

  /** This decoder with a different bound on the pod count. */
  public ScaleEventDecoder withMaxPodCount(int max) {
    return new ScaleEventDecoder(defaultWorkload, max);
  }

  /**
   * Decodes one event.
   *
   * @param fields the event's fields by name, as text
   * @throws MalformedScaleEventException naming the wrong field, what was found and what is allowed
   */
  public ScaleEvent decode(Map<String, String> fields) throws MalformedScaleEventException {
    Objects.requireNonNull(fields, "fields");
    if (fields.isEmpty()) {
      throw new MalformedScaleEventException(
          "the event has no fields; expected at least type, pod_count and task_id");
    }
    if (fields.size() > MAX_FIELDS) {
      throw new MalformedScaleEventException(
          "the event has " + fields.size() + " fields; at most " + MAX_FIELDS + " are allowed");
    }
    for (Map.Entry<String, String> f : fields.entrySet()) {
      String name = Objects.requireNonNull(f.getKey(), "field name");
      String value = Objects.requireNonNull(f.getValue(), () -> "value of " + name);
      if (name.isEmpty() || name.length() > MAX_VALUE_LENGTH || value.length() > MAX_VALUE_LENGTH) {
        throw new MalformedScaleEventException(
            printable(name),
            "field "
                + quote(name)
                + " has an empty or too long name or a value longer than "
                + MAX_VALUE_LENGTH
                + " characters");
      }
    }
    ScaleEvent.Type type = type(fields);
    String podCountField = oneOf(fields, POD_COUNT, POD_COUNT_SNAKE);
    String taskIdField = oneOf(fields, TASK_ID, TASK_ID_SNAKE);
    int podCount = podCount(podCountField, fields.get(podCountField));
    String taskId = taskId(taskIdField, fields.get(taskIdField));
    String workload = workload(fields.get(WORKLOAD));
    Map<String, String> attributes = new TreeMap<>(fields);
    attributes.keySet().removeAll(List.of(TYPE, WORKLOAD, podCountField, taskIdField));
    return new ScaleEvent(type, workload, podCount, taskId, attributes);
  }

  private static ScaleEvent.Type type(Map<String, String> fields)
      throws MalformedScaleEventException {
    String v = fields.get(TYPE);
    if (v == null) {
      throw new MalformedScaleEventException(
          TYPE, "type is missing; expected \"scale_up\" or \"scale_down\"");
    }
    switch (v) {
      case "scale_up":
        return ScaleEvent.Type.SCALE_UP;
      case "scale_down":
        return ScaleEvent.Type.SCALE_DOWN;
      default:
        throw new MalformedScaleEventException(
            TYPE, "type must be \"scale_up\" or \"scale_down\", got " + quote(v));
    }
  }

  /** Which of two spellings is present; the Ottoscaler one names a missing field. */
  private static String oneOf(Map<String, String> fields, String camel, String snake)
      throws MalformedScaleEventException {
    boolean hasCamel = fields.containsKey(camel);
    boolean hasSnake = fields.containsKey(snake);
    if (hasCamel && hasSnake) {
      throw new MalformedScaleEventException(
          snake, "both " + camel + " and " + snake + " are given; send only one of them");
    }
    return hasCamel ? camel : snake;
  }

  private int podCount(String field, String v) throws MalformedScaleEventException {
    String allowed = "a whole number in 1.." + maxPodCount;
    if (v == null) {
      throw new MalformedScaleEventException(
          field, field + " is missing; give the number of pods, " + allowed);
    }
    if (!v.matches("[0-9]{1,10}")) {
      throw new MalformedScaleEventException(
          field, field + " must be " + allowed + ", got " + quote(v));
    }
    long n = Long.parseLong(v);
    if (n < 1 || n > maxPodCount) {
      throw new MalformedScaleEventException(
          field,
          field
              + " must be "
              + allowed
              + ", got "
              + n
              + (n > maxPodCount ? " (raise maxPodCount if that many pods are meant)" : ""));
    }
    return (int) n;
  }

  private static String taskId(String field, String v) throws MalformedScaleEventException {
    if (v == null) {
      throw new MalformedScaleEventException(
          field, field + " is missing; every event needs a task id (taskId or task_id)");
    }
    if (v.isBlank()
        || v.length() > MAX_TASK_ID_LENGTH
        || v.chars().anyMatch(Character::isISOControl)) {
      throw new MalformedScaleEventException(
          field,
          field
              + " must be non-blank text of at most "
              + MAX_TASK_ID_LENGTH
              + " characters without control characters, got "
              + quote(v));
    }
    return v;
  }

  private String workload(String v) throws MalformedScaleEventException {
    if (v == null) {
      return defaultWorkload.orElseThrow(
          () ->
              new MalformedScaleEventException(
                  WORKLOAD,
                  "workload is missing and no default workload is configured; add a workload"
                      + " field or configure defaultWorkload"));
    }
    if (v.isBlank()) {
      throw new MalformedScaleEventException(
          WORKLOAD, "workload must be a non-blank name, got " + quote(v));
    }
    return v;
  }

  /** A value in a message: quoted, cut short and with control characters escaped. */
  private static String quote(String v) {
    return "\"" + printable(v) + "\"";
  }

  private static String printable(String v) {
    String cut = v.length() > 80 ? v.substring(0, 80) + "..." : v;
    StringBuilder b = new StringBuilder(cut.length());
    cut.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    return b.toString();
  }
}
