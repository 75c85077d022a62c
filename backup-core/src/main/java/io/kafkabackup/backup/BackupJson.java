package io.kafkabackup.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.kafkabackup.storage.ObjectKey;
import io.kafkabackup.storage.ObjectNotFoundException;
import io.kafkabackup.storage.StorageBackend;
import java.io.IOException;
import java.util.Optional;

/**
 * JSON for every metadata object of a backup (commits, descriptors, status, topic and group snapshots):
 * one mapper, one place that turns a bad object into an error naming its key. Unknown fields are
 * ignored so a newer writer's additions do not break an older reader; each object carries a
 * {@code format} number for changes that must not be ignored.
 */
public final class BackupJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      // java.time values (an Instant in a cache entry's summary) as ISO-8601 text, like every time we write
      .registerModule(new JavaTimeModule())
      .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(SerializationFeature.INDENT_OUTPUT, true)
      .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

  private BackupJson() {
  }

  /**
   * Encodes a value.
   *
   * @param value a record of this library's model
   * @return UTF-8 JSON
   */
  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes a value.
   *
   * @param <T> its type
   * @param json UTF-8 JSON
   * @param type its class
   * @param source what the bytes are, for the error message (an object key)
   * @return the value
   * @throws BackupException naming {@code source} if the JSON does not decode
   */
  public static <T> T read(byte[] json, Class<T> type, String source) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new BackupException("'" + source + "' is not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads and decodes an object if it exists.
   *
   * @param <T> its type
   * @param storage where it is
   * @param key its key
   * @param type its class
   * @return the value, or empty when there is no such object
   */
  public static <T> Optional<T> readIfExists(StorageBackend storage, ObjectKey key, Class<T> type) {
    try {
      return Optional.of(read(storage.get(key), type, key.value()));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * The shared mapper, for callers that print the model (the CLI's JSON output).
   *
   * @return the mapper; do not reconfigure it
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
