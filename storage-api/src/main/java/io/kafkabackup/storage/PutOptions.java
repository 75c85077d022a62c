package io.kafkabackup.storage;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How to write an object: its {@link WriteMode}, content type and user metadata.
 *
 * <p>User metadata names are lower-case ASCII letters, digits and {@code _}, starting with a letter, at
 * most 64 characters (names every backend stores unchanged); values are printable ASCII, at most 1024
 * characters. All metadata together must stay under 2 KiB, the smallest limit among the backends.
 */
public final class PutOptions {
  private static final PutOptions OVERWRITE = builder().build();
  private static final PutOptions CREATE_ONLY = builder().mode(WriteMode.createOnly()).build();
  /** The content type stored when none is given. */
  public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

  private final WriteMode mode;
  private final String contentType;
  private final Map<String, String> metadata;

  private PutOptions(Builder b) {
    this.mode = b.mode;
    this.contentType = b.contentType;
    this.metadata = Collections.unmodifiableMap(new TreeMap<>(b.metadata));
  }

  /**
   * Overwrite, default content type, no metadata.
   *
   * @return the default options
   */
  public static PutOptions overwrite() {
    return OVERWRITE;
  }

  /**
   * Create-only, default content type, no metadata.
   *
   * @return create-only options
   */
  public static PutOptions createOnly() {
    return CREATE_ONLY;
  }

  /**
   * Overwrite only the version with this etag.
   *
   * @param etag the etag read earlier
   * @return if-match options
   */
  public static PutOptions ifMatch(String etag) {
    return builder().mode(WriteMode.ifMatch(etag)).build();
  }

  /**
   * Starts building options.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The write mode.
   *
   * @return the mode
   */
  public WriteMode mode() {
    return mode;
  }

  /**
   * The content type to store.
   *
   * @return the MIME type, {@value #DEFAULT_CONTENT_TYPE} by default
   */
  public String contentType() {
    return contentType;
  }

  /**
   * The user metadata to store, sorted by name.
   *
   * @return an unmodifiable map
   */
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public String toString() {
    return "PutOptions{mode=" + mode + ", contentType=" + contentType + ", metadata=" + metadata.keySet() + "}";
  }

  /** Builds {@link PutOptions}. */
  public static final class Builder {
    private WriteMode mode = WriteMode.overwrite();
    private String contentType = DEFAULT_CONTENT_TYPE;
    private final Map<String, String> metadata = new TreeMap<>();

    private Builder() {
    }

    /**
     * Sets the write mode.
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder mode(WriteMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Sets the content type.
     *
     * @param contentType a MIME type such as {@code application/json}
     * @return this builder
     */
    public Builder contentType(String contentType) {
      Objects.requireNonNull(contentType, "contentType");
      if (contentType.isBlank() || !isPrintableAscii(contentType)) {
        throw new IllegalArgumentException("content type '" + contentType + "' must be non-blank printable ASCII");
      }
      this.contentType = contentType;
      return this;
    }

    /**
     * Adds one user metadata entry.
     *
     * @param name a lower-case name such as {@code base_offset}
     * @param value a printable ASCII value
     * @return this builder
     * @throws IllegalArgumentException naming the entry if it breaks the rules
     */
    public Builder metadata(String name, String value) {
      validateMetadata(name, value);
      metadata.put(name, value);
      return this;
    }

    /**
     * Adds user metadata entries.
     *
     * @param entries names and values, each checked as by {@link #metadata(String, String)}
     * @return this builder
     */
    public Builder metadata(Map<String, String> entries) {
      entries.forEach(this::metadata);
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     * @throws IllegalArgumentException if the metadata is too large in total
     */
    public PutOptions build() {
      int total = metadata.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().length()).sum();
      if (total > 2048) {
        throw new IllegalArgumentException("user metadata totals " + total + " characters, more than 2048");
      }
      return new PutOptions(this);
    }
  }

  /**
   * Checks a user metadata entry against the rules in the class description.
   *
   * @param name the entry's name
   * @param value the entry's value
   * @throws IllegalArgumentException naming the entry
   */
  public static void validateMetadata(String name, String value) {
    Objects.requireNonNull(name, "metadata name");
    Objects.requireNonNull(value, "metadata value of '" + name + "'");
    if (!name.matches("[a-z][a-z0-9_]{0,63}")) {
      throw new IllegalArgumentException("metadata name '" + name
          + "' must be 1-64 of a-z, 0-9 and '_', starting with a letter");
    }
    if (value.length() > 1024 || !isPrintableAscii(value)) {
      throw new IllegalArgumentException("metadata value of '" + name
          + "' must be printable ASCII of at most 1024 characters");
    }
  }

  private static boolean isPrintableAscii(String s) {
    return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
  }
}
