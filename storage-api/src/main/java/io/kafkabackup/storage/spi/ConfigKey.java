package io.kafkabackup.storage.spi;

import io.kafkabackup.storage.InvalidConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration setting a provider declares: its name, type, default, whether it is required or
 * secret, its description and the environment variables it falls back to. Declaring keys in one place
 * gives validation, error messages, secret masking and documentation from the same source.
 *
 * <p>A provider of type {@code azure} declaring {@code container} is configured as
 * {@code storage.azure.container}.
 */
public final class ConfigKey {

  /** How a value is parsed. */
  public enum Type {
    /** Any text. */
    STRING,
    /** A 32-bit integer. */
    INT,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** A duration with a unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 {@code PT30S}. */
    DURATION,
    /** A byte count: {@code 8388608}, {@code 8MiB}, {@code 256KiB}, {@code 1GiB}, {@code 100MB}. */
    SIZE,
    /** A filesystem path. */
    PATH,
    /** An absolute URL such as {@code https://host:443/}. */
    URL,
    /** One of the values listed by {@link Builder#oneOf(String...)}. */
    CHOICE
  }

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]i?b?|b)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  private final String name;
  private final Type type;
  private final String defaultValue;
  private final boolean required;
  private final boolean secret;
  private final String description;
  private final List<String> envVars;
  private final List<String> choices;
  private final long min;
  private final long max;

  private ConfigKey(Builder b) {
    this.name = b.name;
    this.type = b.type;
    this.defaultValue = b.defaultValue;
    this.required = b.required;
    this.secret = b.secret;
    this.description = b.description;
    this.envVars = List.copyOf(b.envVars);
    this.choices = List.copyOf(b.choices);
    this.min = b.min;
    this.max = b.max;
  }

  /**
   * Starts declaring a key.
   *
   * @param name the name below the provider's section, such as {@code container} or {@code part-size}
   * @param type how its value is parsed
   * @return a builder
   */
  public static Builder builder(String name, Type type) {
    return new Builder(name, type);
  }

  /**
   * The name below the provider's section.
   *
   * @return for example {@code container}
   */
  public String name() {
    return name;
  }

  /**
   * The full name in the configuration of a provider type.
   *
   * @param providerType the provider's type, such as {@code azure}
   * @return for example {@code storage.azure.container}
   */
  public String fullName(String providerType) {
    return "storage." + providerType + "." + name;
  }

  /**
   * The value type.
   *
   * @return the type
   */
  public Type type() {
    return type;
  }

  /**
   * The value used when neither the configuration nor an environment variable gives one.
   *
   * @return the default, if any
   */
  public Optional<String> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /**
   * Whether opening fails without a value.
   *
   * @return {@code true} if required
   */
  public boolean required() {
    return required;
  }

  /**
   * Whether the value is a secret, masked in {@code toString()}, logs and errors.
   *
   * @return {@code true} for keys, passwords, tokens and SAS
   */
  public boolean secret() {
    return secret;
  }

  /**
   * What the setting does.
   *
   * @return one or two sentences
   */
  public String description() {
    return description;
  }

  /**
   * Environment variables consulted, in order, when the configuration has no value.
   *
   * @return the variable names, possibly none
   */
  public List<String> envVars() {
    return envVars;
  }

  /**
   * The allowed values of a {@link Type#CHOICE} key.
   *
   * @return the values, empty for other types
   */
  public List<String> choices() {
    return choices;
  }

  /**
   * Parses and checks a value of this key.
   *
   * @param fullName the key's full name, used in errors
   * @param raw the text to parse
   * @return the parsed value: {@link String}, {@link Integer}, {@link Boolean}, {@link Duration},
   *     {@link Long} (sizes), {@link Path} or {@link URI}
   * @throws InvalidConfigurationException naming the key and what is expected (a secret's value is
   *     never repeated)
   */
  public Object parse(String fullName, String raw) {
    String text = raw.trim();
    String shown = secret ? "(secret value)" : "'" + raw + "'";
    try {
      Object value;
      switch (type) {
        case STRING:
          if (text.isEmpty()) {
            throw invalid(fullName, "must not be empty");
          }
          return secret ? raw : text;
        case INT:
          value = Integer.parseInt(text);
          checkBounds(fullName, (Integer) value, shown);
          return value;
        case BOOLEAN:
          if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
            throw invalid(fullName, shown + " is not a boolean (true or false)");
          }
          return Boolean.parseBoolean(text);
        case DURATION:
          Duration d = parseDuration(text);
          if (d == null) {
            throw invalid(fullName, shown + " is not a duration (examples: 500ms, 30s, 5m, 1h, PT30S)");
          }
          checkBounds(fullName, d.toMillis(), shown);
          return d;
        case SIZE:
          Long size = parseSize(text);
          if (size == null) {
            throw invalid(fullName, shown + " is not a size (examples: 8388608, 256KiB, 8MiB, 1GiB)");
          }
          checkBounds(fullName, size, shown);
          return size;
        case PATH:
          if (text.isEmpty()) {
            throw invalid(fullName, "must not be empty");
          }
          return Path.of(text);
        case URL:
          URI uri = new URI(text);
          if (!uri.isAbsolute() || uri.getHost() == null) {
            throw invalid(fullName, shown + " is not an absolute URL such as https://host/");
          }
          return uri;
        case CHOICE:
          String lower = text.toLowerCase(Locale.ROOT);
          if (!choices.contains(lower)) {
            throw invalid(fullName, shown + " is not one of " + choices);
          }
          return lower;
        default:
          throw new IllegalStateException(type.toString());
      }
    } catch (NumberFormatException e) {
      throw invalid(fullName, shown + " is not a whole number");
    } catch (InvalidPathException | URISyntaxException e) {
      throw invalid(fullName, shown + " is not a valid " + type.name().toLowerCase(Locale.ROOT));
    }
  }

  private void checkBounds(String fullName, long value, String shown) {
    if (value < min || value > max) {
      throw invalid(fullName, shown + " is out of range [" + min + ", " + max + "]"
          + (type == Type.DURATION ? " milliseconds" : ""));
    }
  }

  private static InvalidConfigurationException invalid(String fullName, String what) {
    return new InvalidConfigurationException(fullName, fullName + ": " + what);
  }

  /**
   * The candidate closest to {@code text} by edit distance, if it is plausibly a typo of it: the
   * "did you mean" of every configuration error.
   *
   * @param text what was written
   * @param candidates the names that would have been accepted
   * @return the closest candidate within an edit distance of max(2, length / 4), or empty
   */
  public static Optional<String> closest(String text, Iterable<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = editDistance(text, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, text.length() / 4) ? Optional.of(best) : Optional.empty();
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /**
   * Parses a duration as configuration values write it: {@code 500ms}, {@code 30s}, {@code 5m},
   * {@code 2h}, {@code 7d} or ISO-8601 ({@code PT5M}).
   *
   * @param text the value
   * @return the duration, or null if the text is not one
   */
  public static Duration parseDuration(String text) {
    if (text.regionMatches(true, 0, "PT", 0, 2) || text.regionMatches(true, 0, "P", 0, 1)) {
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "ms": return Duration.ofMillis(n);
      case "s": return Duration.ofSeconds(n);
      case "m": return Duration.ofMinutes(n);
      case "h": return Duration.ofHours(n);
      default: return Duration.ofDays(n);
    }
  }

  /**
   * Parses a size as configuration values write it: bytes, or {@code KiB/MiB/GiB/TiB} (and the
   * JVM-style {@code k/m/g/t}) in powers of 1024, {@code KB/MB/GB/TB} in powers of 1000.
   *
   * @param text the value
   * @return the size in bytes, or null if the text is not one
   */
  public static Long parseSize(String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    if (unit.equals("b")) {
      return n;
    }
    // KiB/MiB/GiB and the JVM-style k/m/g are binary; KB/MB/GB are decimal.
    boolean decimal = unit.length() == 2 && unit.charAt(1) == 'b';
    int power = "kmgt".indexOf(unit.charAt(0)) + 1;
    long factor = 1;
    for (int i = 0; i < power; i++) {
      factor = Math.multiplyExact(factor, decimal ? 1000L : 1024L);
    }
    return Math.multiplyExact(n, factor);
  }

  @Override
  public String toString() {
    return name + " (" + type.name().toLowerCase(Locale.ROOT) + (required ? ", required" : "")
        + (secret ? ", secret" : "") + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigKey && ((ConfigKey) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  /** Declares a {@link ConfigKey}. */
  public static final class Builder {
    private final String name;
    private final Type type;
    private String defaultValue;
    private boolean required;
    private boolean secret;
    private String description = "";
    private final List<String> envVars = new ArrayList<>();
    private final List<String> choices = new ArrayList<>();
    private long min = Long.MIN_VALUE;
    private long max = Long.MAX_VALUE;

    private Builder(String name, Type type) {
      if (!Objects.requireNonNull(name, "name").matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
        throw new IllegalArgumentException("config key name '" + name + "' must be kebab-case");
      }
      this.name = name;
      this.type = Objects.requireNonNull(type, "type");
      if (type == Type.INT || type == Type.SIZE || type == Type.DURATION) {
        min = 0;
      }
    }

    /**
     * Sets the default value, parsed like any other value.
     *
     * @param value the default
     * @return this builder
     */
    public Builder defaultValue(String value) {
      this.defaultValue = value;
      return this;
    }

    /**
     * Makes the key required.
     *
     * @return this builder
     */
    public Builder required() {
      this.required = true;
      return this;
    }

    /**
     * Marks the value as a secret.
     *
     * @return this builder
     */
    public Builder secret() {
      this.secret = true;
      return this;
    }

    /**
     * Sets the description shown in documentation and errors.
     *
     * @param text what the setting does
     * @return this builder
     */
    public Builder description(String text) {
      this.description = Objects.requireNonNull(text, "description");
      return this;
    }

    /**
     * Adds environment variables consulted, in order, when the configuration has no value.
     *
     * @param names variable names such as {@code AZURE_STORAGE_KEY}
     * @return this builder
     */
    public Builder env(String... names) {
      envVars.addAll(List.of(names));
      return this;
    }

    /**
     * Lists the allowed values of a {@link Type#CHOICE} key, in lower case.
     *
     * @param values the values
     * @return this builder
     */
    public Builder oneOf(String... values) {
      choices.addAll(List.of(values));
      return this;
    }

    /**
     * Bounds a numeric, size or duration key (durations in milliseconds), inclusive.
     *
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @return this builder
     */
    public Builder range(long min, long max) {
      this.min = min;
      this.max = max;
      return this;
    }

    /**
     * Builds the key.
     *
     * @return the key
     */
    public ConfigKey build() {
      if (type == Type.CHOICE && choices.isEmpty()) {
        throw new IllegalStateException("choice key '" + name + "' needs oneOf(...)");
      }
      if (required && defaultValue != null) {
        throw new IllegalStateException("key '" + name + "' cannot be both required and defaulted");
      }
      return new ConfigKey(this);
    }
  }
}
