package io.ecokube.redis;

import io.ecokube.api.demand.MalformedScaleEventException;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A key or field name as text, equal only to itself. A stream entry may repeat a field name ({@code
 * XADD s * pod_count 3 pod_count 300}); Lettuce collects an entry's fields in a map, which would
 * keep only the last of them if names were plain strings. With this as the key type every field
 * stays, so a repeated one can be rejected instead of silently resolved.
 */
final class RedisName {
  /** Names as {@code RedisName}, values as UTF-8 strings. */
  static final RedisCodec<RedisName, String> CODEC =
      new RedisCodec<>() {
        @Override
        public RedisName decodeKey(ByteBuffer bytes) {
          return new RedisName(StringCodec.UTF8.decodeKey(bytes));
        }

        @Override
        public String decodeValue(ByteBuffer bytes) {
          return StringCodec.UTF8.decodeValue(bytes);
        }

        @Override
        public ByteBuffer encodeKey(RedisName key) {
          return StringCodec.UTF8.encodeKey(key.text);
        }

        @Override
        public ByteBuffer encodeValue(String value) {
          return StringCodec.UTF8.encodeValue(value);
        }
      };

  private final String text;

  private RedisName(String text) {
    this.text = Objects.requireNonNull(text, "text");
  }

  static RedisName of(String text) {
    return new RedisName(text);
  }

  /** An entry's fields by name, or malformed when a name repeats. */
  static Map<String, String> fields(Map<RedisName, String> body)
      throws MalformedScaleEventException {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<RedisName, String> f : body.entrySet()) {
      if (out.putIfAbsent(f.getKey().text, f.getValue()) != null) {
        throw new MalformedScaleEventException(
            f.getKey().text,
            "field " + f.getKey().text + " is given more than once; send each field once");
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return text;
  }
}
